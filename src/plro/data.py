"""Load the PLRO case-series tables as typed pandas DataFrames, after checking all of them.

Every loader reads the whole data package in ``data/`` once, from the exact
bytes of each file, and checks it before returning anything:

1. ``datapackage.json`` is valid JSON and uses only the Table Schema features
   the loader implements (:mod:`plro.data_schema`); every resource the book
   needs is described (:data:`REQUIRED_RESOURCES`);
2. each CSV file matches the ``bytes`` and ``hash`` recorded for it
   (:mod:`plro.data_checks`; ``make data-hashes`` records a reviewed edit);
3. each CSV file is read by one strict reader (:mod:`plro.data_csv`): exact
   header, no BOM, comma-separated, no whitespace around any value;
4. every cell is typed and constrained by its field, primary and foreign keys
   hold (:mod:`plro.data_values`);
5. cross-table rules hold: the complete patient x visit grid of
   :data:`VISITS`, visit months, Table I's VAS = baseline VAS, flags on
   existing values, a recompute rule for every derivable claim
   (:mod:`plro.data_checks`).

Anything wrong raises one :class:`PLRODataError` listing every problem, each
naming the file, the row (CSV line; header = line 1) or descriptor resource,
the field and the problem. Nothing is coerced, stripped, dropped or guessed;
nothing is written anywhere and nothing is cached: each call reads the files
again, so an edit is always seen.

Typical use in a notebook::

    from plro.data import load_patients, load_visits
    patients = load_patients()
    visits = load_visits()
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from plro.data_checks import (
    NEEDED,
    integrity_problems,
    needed_problems,
    recompute_rule_problems,
    rule_problems,
    schedule_problems,
)
from plro.data_csv import parse_csv
from plro.data_errors import DataProblem, PLRODataError
from plro.data_schema import DESCRIPTOR, read_descriptor, resource_specs
from plro.data_values import Table, key_problems, typed_table

__all__ = [
    "PLRODataError",
    "DataProblem",
    "DEFAULT_DATA_DIR",
    "VISITS",
    "VISIT_ORDER",
    "REQUIRED_RESOURCES",
    "patient_label",
    "validate_package",
    "check_recompute_rules",
    "load_table",
    "load_patients",
    "load_visits",
    "load_lab_flags",
    "load_imaging_findings",
    "load_all",
]

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
"""The ``data/`` folder of the repository this package is installed from."""

VISITS = MappingProxyType({"baseline": 0, "month_1": 1, "month_3": 3, "month_6": 6})
"""The visit schedule of Table II: visit label -> months after baseline, in chronological order.

The one home of the schedule: ``datapackage.json`` must list the same labels
(``visit`` enums) and months (``visits.month`` enum), and ``visits.csv`` must
hold exactly these visits for every patient, in this order.
"""

VISIT_ORDER = list(VISITS)
"""Visit labels in chronological order (the ordered categories of ``visits.visit``)."""

REQUIRED_RESOURCES = tuple(NEEDED)
"""Every resource the book needs; a descriptor without one of them is an error."""


def patient_label(patient_id: int) -> str:
    """The label used for a patient on every axis, legend and table: ``'P4'`` for patient 4."""
    return f"P{int(patient_id)}"


def _data_dir(data_dir: str | Path | None) -> Path:
    return Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR


def _read_package(data_dir: Path) -> dict[str, Table]:
    """Read and check every resource of the package in ``data_dir``; raise on any problem."""
    descriptor = read_descriptor(data_dir)
    specs, problems = resource_specs(descriptor)
    names = [r.get("name") for r in descriptor["resources"] if isinstance(r, dict)
             and isinstance(r.get("name"), str)]
    problems += needed_problems(names, specs) + schedule_problems(specs, VISITS)
    if problems:
        raise PLRODataError(problems)
    tables: dict[str, Table] = {}
    integrity: list[DataProblem] = []
    for spec in specs.values():
        path = data_dir / spec.path
        if not path.is_file():
            problems.append(DataProblem(spec.path, None, None, f"file not found in {data_dir}"))
            continue
        raw = path.read_bytes()
        integrity += integrity_problems(spec, raw)
        csv_table, found = parse_csv(raw, spec.path, spec.field_names)
        problems += found
        if csv_table is not None:
            tables[spec.name], found = typed_table(spec, csv_table)
            problems += found
    if not problems:  # every cell is typed: check keys and the rules across tables
        problems = key_problems(tables) + rule_problems(tables, VISITS)
    if problems or integrity:
        raise PLRODataError(problems + integrity)
    return tables


def validate_package(data_dir: str | Path | None = None) -> None:
    """Check the whole data package; raise :class:`PLRODataError` listing every problem.

    See the module docstring for what is checked. Returns ``None`` when the
    package is valid; it reads the files afresh on every call.
    """
    _read_package(_data_dir(data_dir))


def check_recompute_rules(known: Iterable[str], data_dir: str | Path | None = None) -> None:
    """Check that every recompute rule ``reported_statistics.csv`` names is in ``known``.

    The loader itself checks that each claim with ``derivable = yes`` names a
    rule (a non-empty name matching the descriptor's pattern); the set of rules
    that exist lives in the analysis layer, which calls this with its registry,
    e.g. ``check_recompute_rules(plro.recompute.RULES)``. Raises
    :class:`PLRODataError` naming the row, field ``recompute`` and unknown name.
    """
    tables = _read_package(_data_dir(data_dir))
    problems = recompute_rule_problems(tables["reported_statistics"], known)
    if problems:
        raise PLRODataError(problems)


def _frame(table: Table) -> pd.DataFrame:
    """A typed DataFrame of one checked table (row i is line i + 2 of the CSV file)."""
    out = {}
    for field in table.spec.fields:
        values, enum = table.columns[field.name], field.constraints.get("enum")
        if field.type == "string" and enum:
            out[field.name] = pd.Categorical(values, categories=enum, ordered=field.name == "visit")
        else:
            dtype = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}.get(field.type, "string")
            out[field.name] = pd.array(values, dtype=dtype)
    return pd.DataFrame(out)


def _no_such_resource(name: str, tables: dict[str, Table]) -> PLRODataError:
    return PLRODataError([DataProblem(DESCRIPTOR, None, None, (
        f"no resource of this name (known: {', '.join(tables)})"), resource=name)])


def load_table(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Check the whole package, then return resource ``name`` as a typed DataFrame.

    Integers become nullable ``Int64``, decimals ``Float64``, booleans
    ``boolean``, text fields with an enum categoricals (``visit`` ordered
    baseline < month_1 < month_3 < month_6), other text ``string``. Empty
    cells (N/A in the paper) become ``<NA>``. Rows keep the file's order:
    row ``i`` is line ``i + 2`` of the CSV file. An unknown ``name`` raises
    :class:`PLRODataError` naming the known resources.
    """
    tables = _read_package(_data_dir(data_dir))
    if name not in tables:
        raise _no_such_resource(name, tables)
    return _frame(tables[name])


def load_patients(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Table I: one row per patient (see ``data/datapackage.json`` for each field)."""
    return load_table("patients", data_dir)


def load_visits(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Table II: one row per patient per visit, in patient then :data:`VISITS` order."""
    return load_table("visits", data_dir)


def load_lab_flags(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The up/down arrows of Table II, one row per arrow."""
    return load_table("lab_flags", data_dir)


def load_imaging_findings(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Involved sites, fracture levels and vertebroplasty levels named by the paper."""
    return load_table("imaging_findings", data_dir)


def load_all(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every resource of the package (at least :data:`REQUIRED_RESOURCES`), keyed by name.

    The package is read and checked once for all tables.
    """
    return {name: _frame(table) for name, table in _read_package(_data_dir(data_dir)).items()}
