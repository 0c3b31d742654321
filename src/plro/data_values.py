"""Type every cell of a CSV file by its schema field, check constraints, then keys across tables.

Cells are parsed strictly and never coerced: an integer is ``-?(0|[1-9][0-9]*)``
(no ``01``, ``+5`` or ``7.0``), a number adds an optional ``.digits`` (no decimal
comma, exponent or ``NaN``), a boolean is one of its field's ``trueValues`` or
``falseValues``, a string is kept exactly. An empty cell (one of
``missingValues``) is missing, which a ``required`` or primary-key field does
not allow. Then ``enum``, ``minimum``/``maximum``, ``pattern`` (whole value) and
``minLength``/``maxLength`` are checked, and across tables the primary keys,
``unique`` fields and foreign keys. Every problem names file, row and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plro.data_csv import CsvTable
from plro.data_errors import DataProblem
from plro.data_schema import FieldSpec, ResourceSpec

__all__ = ["Table", "typed_table", "key_problems"]

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_LEADING_ZERO = re.compile(r"-?0[0-9]+(\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")
_NA_WORDS = {"n/a", "na", "nan", "null", "none", "missing", "-"}


@dataclass(frozen=True)
class Table:
    """A parsed resource: typed columns (``None`` = missing) and each row's CSV line number."""

    spec: ResourceSpec
    lines: list[int]
    columns: dict[str, list]


def _parse(field: FieldSpec, cell: str) -> tuple[object, str | None]:
    """The typed value of a non-missing cell, or ``(None, problem)``; nothing is coerced."""
    kind = field.type
    if kind == "string":
        return cell, None
    if kind == "boolean":
        if cell in field.true_values or cell in field.false_values:
            return cell in field.true_values, None
        allowed = ", ".join(repr(v) for v in field.true_values + field.false_values)
        return None, f"{cell!r} is not a boolean (expected one of {allowed})"
    pattern = _INTEGER if kind == "integer" else _NUMBER
    if pattern.fullmatch(cell):
        return (int(cell) if kind == "integer" else float(cell)), None
    if _LEADING_ZERO.fullmatch(cell):
        return None, f"{cell!r} has a leading zero; write it without one (nothing is coerced)"
    if _DECIMAL_COMMA.fullmatch(cell) and kind == "number":
        return None, f"{cell!r} has a decimal comma; numbers use a decimal point"
    hint = " (a value the paper prints as N/A is an empty cell)" if cell.lower() in _NA_WORDS else ""
    return None, f"{cell!r} is not {'an integer' if kind == 'integer' else 'a number'}{hint}"


def _check(field: FieldSpec, value: object) -> str | None:
    """The first constraint a typed, non-missing value breaks, as a problem; None if none."""
    c = field.constraints
    if "enum" in c and value not in c["enum"]:
        return f"{value!r} is not one of the allowed values (enum: {', '.join(map(str, c['enum']))})"
    if "minimum" in c and value < c["minimum"]:
        return f"{value} is below the minimum {c['minimum']}"
    if "maximum" in c and value > c["maximum"]:
        return f"{value} is above the maximum {c['maximum']}"
    if "pattern" in c and not re.fullmatch(c["pattern"], value):
        return f"{value!r} does not match the pattern {c['pattern']}"
    if "minLength" in c and len(value) < c["minLength"]:
        return f"is {len(value)} characters long, shorter than minLength {c['minLength']}"
    if "maxLength" in c and len(value) > c["maxLength"]:
        return f"is {len(value)} characters long, longer than maxLength {c['maxLength']}"
    return None


def typed_table(spec: ResourceSpec, csv_table: CsvTable) -> tuple[Table, list[DataProblem]]:
    """Type every cell of ``csv_table`` by ``spec`` and check each field's constraints.

    An empty cell (one of ``missingValues``) is missing (``None``) unless the
    field is required or part of the primary key.
    """
    problems, columns = [], {f.name: [] for f in spec.fields}
    for line, cells in csv_table.rows:
        for field, cell in zip(spec.fields, cells):
            value, problem = None, None
            if cell in spec.missing_values:
                if field.constraints.get("required") or field.name in spec.primary_key:
                    problem = "a value is required, but the cell is empty"
            else:
                value, problem = _parse(field, cell)
                problem = problem or _check(field, value)
            if problem:
                problems.append(DataProblem(csv_table.file, line, field.name, problem))
            columns[field.name].append(value)
    return Table(spec, [line for line, _ in csv_table.rows], columns), problems


def _show(values: tuple) -> str:
    return ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values)


def key_problems(tables: dict[str, Table]) -> list[DataProblem]:
    """Duplicate primary keys, duplicate values of ``unique`` fields and unmatched foreign keys."""
    problems = []
    for table in tables.values():
        spec, file = table.spec, table.spec.path
        unique = [(f.name,) for f in spec.fields if f.constraints.get("unique")]
        for key in [spec.primary_key, *unique]:
            seen: dict[tuple, int] = {}
            for line, values in zip(table.lines, zip(*(table.columns[k] for k in key))):
                if None in values:
                    continue
                if values in seen:
                    kind = "primary key" if key == spec.primary_key else "value in a unique field"
                    problems.append(DataProblem(file, line, ", ".join(key), (
                        f"duplicate {kind}: ({_show(values)}) is already at row {seen[values]}")))
                seen.setdefault(values, line)
        for fk in spec.foreign_keys:
            target = tables.get(fk.resource)
            if target is None:
                continue
            known = set(zip(*(target.columns[k] for k in fk.reference)))
            for line, values in zip(table.lines, zip(*(table.columns[k] for k in fk.fields))):
                if None not in values and values not in known:
                    problems.append(DataProblem(file, line, ", ".join(fk.fields), (
                        f"({_show(values)}) is not found in {target.spec.path} "
                        f"({', '.join(fk.reference)}): a foreign key with no match")))
    return problems
