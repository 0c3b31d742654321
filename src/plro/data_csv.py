"""The one way the data layer reads a CSV file: strict, and explicit about what went wrong.

:func:`parse_csv` turns the exact bytes of a file into its header and rows of
cells (strings), using Python's :mod:`csv` module with fixed settings: comma
delimiter, double-quote quoting, ``strict=True``, nothing stripped. It rejects,
naming the line and, where known, the field and the likely cause:

* a UTF-8 byte-order mark, invalid UTF-8 (with its line), Windows line endings;
* a header that is one column holding ``;``, a tab or ``|`` (wrong delimiter),
  an empty column name (trailing comma), a duplicate column name, a column
  name with whitespace around it, a missing, unexpected or out-of-order column;
* a blank line, a row with more or fewer cells than the header, a line break
  inside a cell, whitespace around a value (never stripped), broken quoting;
* an empty file, a header without data rows, a last line without a line break
  (the last row may have been cut short).

Types and constraints are not checked here (see :mod:`plro.data_values`).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass

from plro.data_errors import DataProblem

__all__ = ["CsvTable", "parse_csv"]

_DELIMITERS = {";": "';' (semicolon)", "\t": "a tab", "|": "'|' (pipe)"}


@dataclass(frozen=True)
class CsvTable:
    """A CSV file's header and its well-formed rows, each with its line number (header = line 1)."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def _records(text: str, file: str) -> tuple[list[tuple[int, int, list[str]]], list[DataProblem]]:
    """Every record as (first line, last line, cells); a CSV syntax error stops the reading."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"',
                        doublequote=True, skipinitialspace=False, strict=True)
    records, start = [], 1
    try:
        for cells in reader:
            records.append((start, reader.line_num, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        problem = f"CSV syntax error ({exc}): an unclosed quote, or a quote inside an unquoted value?"
        return records, [DataProblem(file, start, None, problem)]
    return records, []


def _invalid_utf8(raw: bytes, exc: UnicodeDecodeError, file: str) -> DataProblem:
    """Name the line and, where the line still parses, the field holding the undecodable byte."""
    line = raw.count(b"\n", 0, exc.start) + 1
    text = raw.decode("utf-8", errors="replace")
    records, _ = _records(text, file)
    field = None
    if records:
        header = records[0][2]
        for first, last, cells in records:
            if first <= line <= last:
                hits = [i for i, cell in enumerate(cells) if "\ufffd" in cell]
                if hits and hits[0] < len(header) and first > 1:
                    field = header[hits[0]]
    problem = (f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte offset {exc.start}); "
               "was the file saved as Latin-1 or Windows-1252? Save it as UTF-8")
    return DataProblem(file, line, field, problem)


def _header_problems(header: list[str], fields: list[str], file: str) -> list[DataProblem]:
    """Problems of the header row (line 1) against the field names the descriptor lists, in order."""
    if not header:
        return [DataProblem(file, 1, None, "the first line is blank; the header must be line 1")]
    if len(header) == 1 and len(fields) > 1:
        for delimiter, label in _DELIMITERS.items():
            if delimiter in header[0]:
                return [DataProblem(file, 1, None, (
                    f"the header is a single column containing {label}: the file seems to be "
                    f"separated by {label}, but the data package uses ',' (comma) as delimiter"))]
    problems, seen = [], []
    for index, name in enumerate(header, start=1):
        if name == "":
            where = "at the end of the header line" if index == len(header) else f"in column {index}"
            problems.append(DataProblem(file, 1, None, (
                f"empty column name {where} (an extra or trailing comma?)")))
        elif name != name.strip():
            problems.append(DataProblem(file, 1, name.strip(), (
                f"column name {name!r} has whitespace around it (nothing is stripped)")))
            seen.append(name.strip())
        else:
            seen.append(name)
    for name, count in Counter(seen).items():
        if count > 1:
            columns = " and ".join(str(i) for i, n in enumerate(header, start=1) if n.strip() == name)
            problems.append(DataProblem(file, 1, name, (
                f"duplicate column name: it appears {count} times (columns {columns})")))
    problems += [DataProblem(file, 1, f, "column is missing from the header")
                 for f in fields if f not in seen]
    problems += [DataProblem(file, 1, n, "unexpected column, not described in datapackage.json")
                 for n in dict.fromkeys(seen) if n not in fields]
    if not problems and header != fields:
        problems.append(DataProblem(file, 1, None, (
            f"columns are out of order: expected {fields}, found {header}")))
    return problems


def _row_problems(line: int, last: int, cells: list[str], header: list[str],
                  file: str) -> list[DataProblem]:
    """Problems of one data record: blank, wrong number of cells, line breaks, whitespace."""
    if cells == []:
        return [DataProblem(file, line, None, "blank line (no cells); remove it")]
    if len(cells) < len(header):
        return [DataProblem(file, line, header[len(cells)], (
            f"missing cell: the row has {len(cells)} cells but the header has {len(header)}"))]
    if len(cells) > len(header):
        return [DataProblem(file, line, None, (
            f"the row has {len(cells)} cells, more than the header's {len(header)} "
            "(a trailing comma, or a comma inside an unquoted value?)"))]
    problems = []
    for name, cell in zip(header, cells):
        if "\n" in cell or "\r" in cell:
            problems.append(DataProblem(file, line, name, (
                f"line break inside a cell (the row spans lines {line}-{last}); "
                "every row must fit on one line")))
        elif cell != cell.strip():
            problems.append(DataProblem(file, line, name, (
                f"whitespace around the value {cell!r} (values are never stripped)")))
    return problems


def parse_csv(raw: bytes, file: str, fields: list[str]) -> tuple[CsvTable | None, list[DataProblem]]:
    """Read the exact bytes of CSV file ``file`` whose columns must be ``fields``, in order.

    Returns the table (``None`` when the file or its header cannot be read
    reliably) and every problem found, each naming file, line and, where
    known, field. Rows with a problem of their own are left out of the table;
    the problems say why. Cells are returned exactly as written.
    """
    if not raw.strip():
        return None, [DataProblem(file, None, None, "file is empty (expected a header row and data rows)")]
    if raw.startswith(codecs.BOM_UTF8):
        records, _ = _records(raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), file)
        first = records[0][2][0] if records and records[0][2] else None
        return None, [DataProblem(file, 1, first, (
            "the file starts with a UTF-8 byte-order mark (BOM), glued to this first column name; "
            "save the file as UTF-8 without BOM"))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_invalid_utf8(raw, exc, file)]
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        return None, [DataProblem(file, line, None, (
            "carriage return at the end of the line (Windows CRLF line endings?); "
            "the data files use LF line endings only"))]
    records, problems = _records(text, file)
    if not records:
        return None, problems
    header = records[0][2]
    header_problems = _header_problems(header, fields, file)
    if header_problems:
        return None, header_problems + problems
    rows = []
    for first, last, cells in records[1:]:
        row_problems = _row_problems(first, last, cells, header, file)
        problems += row_problems
        if not row_problems:
            rows.append((first, cells))
    if len(records) == 1 and not problems:
        problems.append(DataProblem(file, None, None, "file has a header but no data rows"))
    if not text.endswith("\n"):
        first, _, cells = records[-1]
        field = header[len(cells) - 1] if 0 < len(cells) <= len(header) else None
        problems.append(DataProblem(file, first, field, (
            "the file does not end with a line break: its last row may have been cut short")))
    return CsvTable(file, header, rows), problems
