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

import pandas as pd

from plro.data import VISITS

__all__ = ["MONTH_NAMES", "VISIT_NAMES", "cohort_table_html", "sensitivity_display"]

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
