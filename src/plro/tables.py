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

import hashlib
import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from plro.data import VISITS

__all__ = ["MONTH_NAMES", "NOT_REPORTED", "VISIT_NAMES", "VISIT_WORDS", "Table", "and_list", "cell_text",
           "cohort_table_html", "count_word", "number", "p_value", "patients_phrase", "places", "readable",
           "sensitivity_display", "share", "show"]

NOT_REPORTED = "—"
"""What a table shows for a value that is missing (``N/A`` in the paper)."""

MONTH_NAMES = {month: "baseline" if month == 0 else f"{month} mo" for month in VISITS.values()}
"""Column heading of each visit month of :data:`plro.data.VISITS`: ``{0: "baseline", 1: "1 mo", ...}``."""

VISIT_NAMES = {visit: MONTH_NAMES[month] for visit, month in VISITS.items()}
"""The same headings keyed by visit label, e.g. ``{"baseline": "baseline", "month_1": "1 mo", ...}``."""

VISIT_WORDS = {visit: "baseline" if month == 0 else f"month {month}" for visit, month in VISITS.items()}
"""Each visit label as a cell or a sentence says it: ``{"baseline": "baseline", "month_1": "month 1"}``."""

_BRACKETS = re.compile(r"\[([^\],\s]+),(?=\S)")


def cohort_table_html(table: pd.DataFrame, caption: str) -> str:
    """Render a :func:`plro.describe.cohort_table` as an HTML table with ``caption``.

    The markup is deterministic (a fixed table id), so re-running a notebook
    gives the same HTML. The index names ("Variable", "Statistic") are not shown, so the
    table has one header row, and "[29.0,31.0]" reads "[29.0, 31.0]".
    """
    table = table.map(lambda v: _BRACKETS.sub(r"[\1, ", v) if isinstance(v, str) else v)
    styler = (
        table.style.set_caption(caption)
        .hide(axis="index", names=True)
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


def number(value: float, decimals: int = 0) -> int | str:
    """A number as prose quotes it: an ``int`` at ``decimals=0``, else text with that many places.

    ``number(30.0) == 30``, ``number(6.1, 1) == "6.1"``, ``number(-2.9, 2) == "-2.90"``. A
    missing value is an error: prose never quotes a number that is not there.
    """
    if value is None or pd.isna(value):
        raise ValueError("number(): no value to quote")
    if decimals == 0:
        return int(round(float(value)))
    return f"{float(value):.{decimals}f}"


def count_word(n: int) -> str:
    """A count as prose writes it: "two" for 2 (zero to ten), digits above ten."""
    words = "zero one two three four five six seven eight nine ten".split()
    return words[n] if 0 <= n <= 10 else str(n)


def share(n: int, total: int, noun: str, verb: tuple[str, str] | None = None, say=str) -> str:
    """``n`` of ``total`` as prose says it, for any count: "no patient", "both values lie",
    "all 10 patients", "4 of the 8 patients".

    ``noun`` is the singular; ``verb`` the singular and plural verb that must agree
    (added after the phrase); ``say`` writes the numbers (``str``, :func:`count_word`).
    """
    text = (f"no {noun}" if n == 0 else (f"both {noun}s" if total == 2 else f"all {say(total)} {noun}s")
            if n == total else f"{say(n)} of the {say(total)} {noun}s")
    return text if verb is None else f"{text} {verb[0] if n <= 1 else verb[1]}"


def patients_phrase(ids) -> str:
    """Patient ids as a sentence names them: "patient 4", "patients 8 and 10"."""
    ids = [int(i) for i in ids]
    return ("patient " if len(ids) == 1 else "patients ") + and_list(ids)


def places(decimals: int):
    """A cell formatter (for :func:`readable`'s ``formats``) with a fixed number of decimals,
    "—" when missing: ``places(1)(2.0) == "2.0"``, for a column that mixes whole numbers and
    fractions and should keep one style down the column."""
    return lambda v: NOT_REPORTED if pd.isna(v) else f"{float(v):.{decimals}f}"


def and_list(items) -> str:
    """Items joined as a sentence lists them: "P3", "P3 and P6", "P3, P6 and P10"; "none" if empty."""
    words = [str(item) for item in items]
    if not words:
        return "none"
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


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
             decimals: int | dict[str, int] = 1,
             formats: Mapping[str, Callable[[object], str]] | None = None) -> pd.DataFrame:
    """A table as a reader sees it: human headers, words in every cell, one header row.

    ``headers`` renames columns and names their order (columns not in it are dropped,
    when it is given; a named index counts as a column). ``label`` is the column whose
    values label the rows (its header is dropped, so no index-name row appears);
    without it the rows are unlabelled and numbered from 1 (:func:`show` hides that
    numbering by default). ``decimals`` is one number
    or a per-column mapping (by the original column name); whole numbers print as integers
    in any column (a reader sees "9", never "9.00"). Cells go through :func:`cell_text`,
    except in the columns named in ``formats`` (original name to a function of the raw
    value, e.g. ``{"p": p_value}`` or ``{"visit": VISIT_WORDS.get}``), whose function
    makes the cell's text. The numbers are formatted, never changed.
    To show the result on a page, pass it to :func:`show`.
    """
    named_index = any(name is not None for name in frame.index.names)
    table = frame.reset_index() if named_index else frame.reset_index(drop=True)
    columns = list(headers) if headers else [c for c in table.columns if c != label]
    missing = [c for c in [*columns, *([label] if label else [])] if c not in table.columns]
    if missing:
        raise KeyError(f"readable(): no column {missing} in {list(table.columns)}")
    places = decimals if isinstance(decimals, dict) else {}
    formats = formats or {}

    def column_text(column: str) -> list[str]:
        values = table[column]
        if column in formats:
            return [formats[column](v) for v in values]
        default = decimals if isinstance(decimals, int) else 1
        return [cell_text(v, places.get(column, default)) for v in values]

    shown = pd.DataFrame({(headers or {}).get(c, c): column_text(c) for c in columns})
    if label:
        shown.index = pd.Index([cell_text(v) for v in table[label]], name=None)
    else:
        shown.index = pd.RangeIndex(1, len(shown) + 1)
    shown.columns.name = None
    return shown


class Table:
    """A table ready for a page: its HTML for the notebook, its text for a plain repr.

    Made by :func:`show`. A notebook cell that ends with a ``Table`` displays it as HTML;
    ``repr()`` gives the same cells as plain text (no memory address, so stored outputs
    compare equal when a notebook is re-run).
    """

    def __init__(self, html: str, text: str) -> None:
        self.html, self.text = html, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def show(shown: pd.DataFrame, caption: str | None = None, index: bool = False,
         dash: str = "not reported in the paper", note: str | None = None) -> Table:
    """A :func:`readable` table as HTML: one header row, left-aligned words, a footnote.

    ``index=False`` (the default) hides the row labels, for tables whose first column
    already says what each row is; ``index=True`` shows them (as a :func:`readable`
    ``label`` column makes them), without a header. Any cell that is exactly
    :data:`NOT_REPORTED` adds a footnote line "— : ``dash``"; ``note`` adds a line of its
    own. Long cells are never cut. The markup is deterministic: the table's id is
    a hash of its cells, so re-running a notebook gives the same HTML.
    """
    table = shown.copy()
    table.columns.name = None
    table.index.name = None
    digest = hashlib.sha256(table.to_csv().encode("utf-8") + (caption or "").encode("utf-8"))
    styler = (
        table.style.format(escape="html").format_index(escape="html", axis=0)
        .format_index(escape="html", axis=1)
        .set_uuid(f"plro-{digest.hexdigest()[:10]}")
        .set_table_attributes('class="plro-table"')
        .set_table_styles([
            {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold;"},
            {"selector": "th, td", "props": "text-align: left; vertical-align: top;"},
        ])
    )
    if caption:
        styler = styler.set_caption(caption)
    if not index:
        styler = styler.hide(axis="index")
    notes = []
    if (table.astype(str) == NOT_REPORTED).to_numpy().any():
        notes.append(f"{NOT_REPORTED} : {dash}.")
    if note:
        notes.append(note)
    footer = "".join(f'<p class="plro-table-note">{line}</p>' for line in notes)
    return Table(f'<div class="plro-table-wrap">{styler.to_html()}{footer}</div>',
                 table.to_string(index=index) + "".join(f"\n{line}" for line in notes))
