"""Display formatting for the book's tables: the presentation layer's table half.

Domain modules return plain, numeric DataFrames; the functions here turn them
into what a reader sees (HTML with a caption, months as text, "> 6" for "not
reached"). A table's numbers are never changed here, only how they print.

Typical use::

    from plro.tables import sensitivity_display
    from plro.pain import sensitivity_table
    sensitivity_display(sensitivity_table(visits))
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from plro.data import VISITS

__all__ = ["MONTH_NAMES", "NOT_REPORTED", "VISIT_NAMES", "cell_text", "cohort_table_html", "p_value",
           "readable", "sensitivity_display"]

NOT_REPORTED = "—"
"""What a table shows for a value that is missing (``N/A`` in the paper)."""

MONTH_NAMES = {month: "baseline" if month == 0 else f"{month} mo" for month in VISITS.values()}
"""Column heading of each visit month of :data:`plro.data.VISITS`: ``{0: "baseline", 1: "1 mo", ...}``."""

VISIT_NAMES = {visit: MONTH_NAMES[month] for visit, month in VISITS.items()}
"""The same headings keyed by visit label, e.g. ``{"baseline": "baseline", "month_1": "1 mo", ...}``."""


def cohort_table_html(table: pd.DataFrame, caption: str) -> str:
    """Render a :func:`plro.describe.cohort_table` as an HTML table with ``caption``.

    The markup is deterministic (a fixed table id), so re-running a notebook
    gives the same HTML.
    """
    styler = (
        table.style.set_caption(caption)
        .set_uuid("plro-cohort-table")
        .set_table_attributes('class="plro-table1"')
        .set_table_styles(
            [
                {"selector": "caption", "props": "caption-side: top; text-align: left; "
                                                 "font-weight: bold; padding-bottom: 0.5em;"},
                {"selector": "th", "props": "text-align: left; vertical-align: top;"},
                {"selector": "td", "props": "text-align: right;"},
            ]
        )
    )
    return styler.to_html()


def sensitivity_display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`plro.pain.sensitivity_table` as text.

    Patient columns (``P1`` ...) show the month as an integer, or "> 6" (the
    last visit month of :data:`plro.data.VISITS`) when control was not
    reached; ``not reached`` is an integer; the means and median show one
    decimal, or "not defined" when they are NaN.
    """
    last = max(VISITS.values())

    def month(v: float) -> str:
        return f"> {last}" if pd.isna(v) else f"{v:g}"

    def one_dp(v: float) -> str:
        return "not defined" if pd.isna(v) else f"{v:.1f}"

    shown = pd.DataFrame(index=table.index)
    for col in table.columns:
        if col.startswith("P"):
            shown[col] = table[col].map(month)
        elif col == "not reached":
            shown[col] = table[col].astype(int).astype(str)
        else:
            shown[col] = table[col].map(one_dp)
    return shown


def p_value(p: float) -> str:
    """A p-value in the book's one style: ``p = 0.002``, ``p = 0.31``, ``p < 0.001``, ``p = 1``.

    Two significant figures at most (three decimals below 0.01), never more digits than
    the test can mean, and "< 0.001" below one in a thousand. A p-value outside 0..1 or
    missing is an error, not a string.
    """
    if p is None or pd.isna(p) or not 0 <= p <= 1:
        raise ValueError(f"not a p-value: {p!r}")
    if p < 0.001:
        return "p < 0.001"
    if p == 1:
        return "p = 1"
    text = f"{p:.3f}" if p < 0.01 else f"{float(f'{p:.2g}'):.2f}"
    return f"p = {text}"


def cell_text(value, decimals: int = 1) -> str:
    """One table cell in words: yes/no, "—" for missing, whole numbers without a decimal point.

    Booleans become "yes"/"no"; missing values (None, NaN, ``pd.NA``) "—"; integers and
    floats that are whole numbers print as integers; other floats with ``decimals``
    places; anything else as its text.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return NOT_REPORTED
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else f"{value:.{decimals}f}"
    return str(value)


def readable(frame: pd.DataFrame, headers: dict[str, str] | None = None, label: str | None = None,
             decimals: int | dict[str, int] = 1) -> pd.DataFrame:
    """A table as a reader sees it: human headers, words in every cell, one header row.

    ``headers`` renames columns and names their order (columns not in it are dropped,
    when it is given; a named index counts as a column). ``label`` is the column whose
    values label the rows (its header is dropped, so no index-name row appears);
    without it the rows are unlabelled and numbered from 1. ``decimals`` is one number
    or a per-column mapping (by the original column name). Cells go through
    :func:`cell_text`. The numbers are formatted, never changed.
    """
    named_index = any(name is not None for name in frame.index.names)
    table = frame.reset_index() if named_index else frame.reset_index(drop=True)
    columns = list(headers) if headers else [c for c in table.columns if c != label]
    missing = [c for c in [*columns, *([label] if label else [])] if c not in table.columns]
    if missing:
        raise KeyError(f"readable(): no column {missing} in {list(table.columns)}")
    places = decimals if isinstance(decimals, dict) else {}
    shown = pd.DataFrame({
        (headers or {}).get(c, c): [cell_text(v, places.get(c, decimals if isinstance(decimals, int)
                                                            else 1)) for v in table[c]]
        for c in columns
    })
    if label:
        shown.index = pd.Index([cell_text(v) for v in table[label]], name=None)
    else:
        shown.index = pd.RangeIndex(1, len(shown) + 1)
    shown.columns.name = None
    return shown
