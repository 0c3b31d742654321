"""The book's teaching-content tables in ``book/content/``, read strictly, and their placeholders.

These CSV files are the book's own content (a work-up checklist, a drug table), not
the paper's data, so they are not resources of ``data/datapackage.json``; they are
read by the same strict reader, :func:`plro.data_csv.parse_csv` (UTF-8 without BOM,
LF line endings, comma-separated, exact header, no whitespace around a value, one
line per row), and any problem raises :class:`plro.data_errors.PLRODataError`
naming the file, the row (CSV line; header = line 1), the field and the problem.

``workup_checklist.csv``, one row per test of a work-up for suspected PLRO:

* ``test`` (required, unique): the test, as a clinician would order it;
* ``why_it_is_done`` (required): what the test is for;
* ``rules_in_or_out`` (required): what a result rules in or out;
* ``data_source`` (optional): where the case series' tables hold a per-patient result,
  as ``table.column`` of the data package (``visits.calcium_mg_dl``,
  ``imaging_findings.site``, ``patients.t_score_l1_l4``); empty when the paper reports
  the test for no patient. :func:`plro.labs.workup_coverage` computes from it which of
  the ten have a result;
* ``in_this_series`` (required): what the paper reports about the test, in the book's
  words with short quotes of the paper; data values only as placeholders (below);
* ``sources`` (required): where the statements beyond the paper come from, in words
  (``Holick et al. 2011``; ``general clinical context; check against current local
  guidance``); the page that shows the table cites the same works with ``{cite:p}``.

``drug_table.csv``, one row per drug or drug group:

* ``drug`` (required, unique);
* ``data_source`` (optional): the ``patients.csv`` column of Table I that records the
  drug per patient (``patients.bisphosphonate``); empty when no patient is recorded as
  receiving it. :func:`plro.management.drug_coverage` counts who did;
* ``in_plro_paper_and_references`` (required): what the case series and its reference
  list report about the drug in PLRO;
* ``general_context`` (required): what is known beyond them (cited in ``sources``, or
  general clinical context to check against current local guidance);
* ``lactation``, ``future_pregnancy`` (required): the drug against breast-feeding and
  against a later pregnancy;
* ``sources`` (required): as for the checklist.

A cell never types a value of the data. It writes a placeholder in double braces that
names one value of the data package: ``{{P3.baseline.calcium_mg_dl}}`` (patient 3's
calcium at the baseline visit of ``visits.csv``) or ``{{P10.t_score_l1_l4}}`` (a column of
``patients.csv``). :func:`placeholder_values` builds every such name from the loaded
tables and :func:`fill` replaces them, failing on a name with no value (an N/A cell, or a
patient, visit or column that does not exist).

Typical use::

    from plro.content import fill, load_content, placeholder_values
    checklist = fill(load_content("workup_checklist"), placeholder_values(patients, visits))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from plro.data_csv import parse_csv
from plro.data_errors import DataProblem, PLRODataError

__all__ = ["CONTENT_DIR", "CONTENT_COLUMNS", "load_content", "placeholder_values", "fill"]

CONTENT_DIR = Path(__file__).resolve().parents[2] / "book" / "content"
"""The ``book/content/`` folder of the repository this package is installed from."""

CONTENT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "workup_checklist": ("test", "why_it_is_done", "rules_in_or_out", "data_source",
                         "in_this_series", "sources"),
    "drug_table": ("drug", "data_source", "in_plro_paper_and_references", "general_context",
                   "lactation", "future_pregnancy", "sources"),
}
"""Each content table's columns, in file order; the first column is its unique key."""

_OPTIONAL = {"data_source"}
_DATA_SOURCE = re.compile(r"^(patients|visits|imaging_findings)\.[a-z0-9_]+$")
_PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")
_PLACEHOLDER_NAME = re.compile(r"^P[1-9][0-9]*(\.[a-z0-9_]+){1,2}$")


def _cell_problems(file: str, line: int, field: str, cell: str) -> list[DataProblem]:
    """Problems of one cell: empty where required, a malformed data source or placeholder."""
    if cell == "":
        if field in _OPTIONAL:
            return []
        return [DataProblem(file, line, field, "empty cell; a value is required")]
    if field == "data_source" and not _DATA_SOURCE.match(cell):
        return [DataProblem(file, line, field, (
            f"data source {cell!r} is not 'table.column' of patients, visits or imaging_findings"))]
    problems = [DataProblem(file, line, field, (
        f"placeholder {{{{{name}}}}} is not 'P<id>.<column>' or 'P<id>.<visit>.<column>'"))
        for name in _PLACEHOLDER.findall(cell) if not _PLACEHOLDER_NAME.match(name)]
    rest = _PLACEHOLDER.sub("", cell)
    if "{{" in rest or "}}" in rest:
        problems.append(DataProblem(file, line, field, "unbalanced placeholder braces '{{' or '}}'"))
    return problems


def load_content(name: str, content_dir: str | Path | None = None) -> pd.DataFrame:
    """Read content table ``name`` (``"workup_checklist"`` or ``"drug_table"``), strictly.

    Returns one row per CSV row, all cells as strings exactly as written, indexed by
    the CSV line number (``line``; header = line 1). Placeholders are left in place
    (see :func:`fill`). Raises :class:`PLRODataError` listing every problem (file, row,
    field, problem): an unknown table name, a missing file, anything
    :func:`plro.data_csv.parse_csv` rejects, an empty required cell, a repeated key,
    a malformed ``data_source`` or placeholder.
    """
    if name not in CONTENT_COLUMNS:
        raise PLRODataError([DataProblem(f"{name}.csv", None, None, (
            f"no such content table; known: {', '.join(CONTENT_COLUMNS)}"))])
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    file = f"book/content/{name}.csv"
    path = folder / f"{name}.csv"
    if not path.is_file():
        raise PLRODataError([DataProblem(file, None, None, f"file not found at {path}")])
    columns = list(CONTENT_COLUMNS[name])
    table, problems = parse_csv(path.read_bytes(), file, columns)
    if table is None:
        raise PLRODataError(problems)
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        for field, cell in zip(columns, cells):
            problems += _cell_problems(file, line, field, cell)
        key = cells[0]
        if key in seen:
            problems.append(DataProblem(file, line, columns[0], (
                f"{key!r} repeats the {columns[0]} of row {seen[key]}; each must be unique")))
        seen.setdefault(key, line)
    if problems:
        raise PLRODataError(problems)
    frame = pd.DataFrame([cells for _, cells in table.rows], columns=columns,
                         index=pd.Index([line for line, _ in table.rows], name="line"))
    frame.attrs["file"] = file
    return frame


def _text(value: object) -> str:
    """A data value as the data hold it: 11.4 -> '11.4', 123.0 -> '123', True -> 'yes'."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


def placeholder_values(patients: pd.DataFrame, visits: pd.DataFrame) -> dict[str, str]:
    """Every value a content placeholder may name, from the loaded tables.

    Keys are ``P<id>.<column>`` for each non-missing cell of ``patients`` and
    ``P<id>.<visit>.<column>`` for each non-missing cell of ``visits``; values are
    the cells as text, as the data hold them (no rounding, no unit).
    """
    values: dict[str, str] = {}
    for _, row in patients.iterrows():
        pid = int(row["patient_id"])
        for column, value in row.items():
            if column != "patient_id" and not pd.isna(value):
                values[f"P{pid}.{column}"] = _text(value)
    for _, row in visits.iterrows():
        pid, visit = int(row["patient_id"]), str(row["visit"])
        for column, value in row.items():
            if column not in ("patient_id", "visit") and not pd.isna(value):
                values[f"P{pid}.{visit}.{column}"] = _text(value)
    return values


def fill(frame: pd.DataFrame, values: Mapping[str, str]) -> pd.DataFrame:
    """A copy of content table ``frame`` with every ``{{name}}`` replaced from ``values``.

    Raises :class:`PLRODataError` naming the file (``frame.attrs["file"]``), row and
    field of every placeholder that ``values`` does not hold, for example a value
    that is N/A in the data.
    """
    file = frame.attrs.get("file", "content table")
    problems: list[DataProblem] = []
    out = frame.copy()
    for line, row in frame.iterrows():
        for field, cell in row.items():
            for name in _PLACEHOLDER.findall(cell):
                if name not in values:
                    problems.append(DataProblem(file, int(line), str(field), (
                        f"placeholder {{{{{name}}}}} has no value in the data "
                        "(N/A, or no such patient, visit or column)")))
            out.loc[line, field] = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), cell)
    if problems:
        raise PLRODataError(problems)
    out.attrs["file"] = file
    return out
