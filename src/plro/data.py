"""Load the PLRO case-series tables as typed pandas DataFrames.

Every loader validates the CSV files against ``data/datapackage.json`` with
the `frictionless <https://framework.frictionlessdata.io/>`_ library before
anything is parsed. Invalid input raises :class:`PLRODataError`, whose message
names the file, the row, the field and the problem. Nothing is coerced,
dropped or guessed, and nothing is ever written to the data folder.

Validation runs once per exact content: a package whose bytes (descriptor and
every CSV), frictionless version and validator source hash to a key that
passed before is not re-validated. Keys live in ``$PLRO_CACHE_DIR`` or the user
cache folder (``~/.cache/plro``); changing any byte forces a full validation.

Typical use in a notebook::

    from plro.data import load_patients, load_visits
    patients = load_patients()
    visits = load_visits()
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# jsonschema (used by frictionless) optionally imports rfc3987_syntax to check
# "iri" string formats, and that import builds a parser grammar costing several
# seconds per process. No schema here uses IRI formats, so the optional import
# is declined (jsonschema treats it as absent); every other check is unchanged.
sys.modules.setdefault("rfc3987_syntax", None)

__all__ = [
    "PLRODataError",
    "DataProblem",
    "DEFAULT_DATA_DIR",
    "VISIT_ORDER",
    "validate_package",
    "load_table",
    "load_patients",
    "load_visits",
    "load_lab_flags",
    "load_imaging_findings",
    "load_all",
]

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
"""The ``data/`` folder of the repository this package is installed from."""

VISIT_ORDER = ["baseline", "month_1", "month_3", "month_6"]
"""Visit labels in chronological order (the categories of ``visits.visit``)."""


@dataclass(frozen=True)
class DataProblem:
    """One problem found in one data file.

    ``row`` is the line number in the CSV file (the header is line 1, the
    first data row line 2); ``None`` when the problem concerns the whole file.
    ``field`` is ``None`` when the problem concerns a whole row.
    """

    file: str
    row: int | None
    field: str | None
    problem: str

    def __str__(self) -> str:
        where = [self.file]
        where.append(f"row {self.row}" if self.row is not None else "whole file")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return ", ".join(where) + f": {self.problem}"


class PLRODataError(ValueError):
    """Raised when a data file does not match ``datapackage.json``.

    ``problems`` lists every :class:`DataProblem` found; the message shows them
    one per line, each naming file, row, field and problem.
    """

    def __init__(self, problems: list[DataProblem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the PLRO data:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def _descriptor(data_dir: Path) -> dict:
    path = data_dir / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PLRODataError([DataProblem(str(path), None, None, "file not found")]) from None
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        raise PLRODataError([DataProblem(str(path), exc.lineno, None, problem)]) from None


def _resource(descriptor: dict, name: str) -> dict:
    for res in descriptor["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in descriptor["resources"])
    raise KeyError(f"no resource named {name!r} in datapackage.json (known: {known})")


def _precheck(csv_path: Path, fields: list[str]) -> list[DataProblem]:
    """Checks frictionless reports poorly: missing/empty files and the header."""
    name = csv_path.name
    if not csv_path.exists():
        return [DataProblem(name, None, None, "file not found")]
    text = csv_path.read_bytes()
    if not text.strip():
        return [DataProblem(name, None, None, "file is empty (expected a header row and data rows)")]
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [DataProblem(name, None, None, f"not valid UTF-8 (byte {exc.start})")]
    header = text.decode("utf-8").splitlines()[0].split(",")
    header = [h.strip().strip('"') for h in header]
    problems = []
    for field in fields:
        if field not in header:
            problems.append(DataProblem(name, 1, field, "column is missing from the header"))
    for col in header:
        if col not in fields:
            problems.append(DataProblem(name, 1, col, "unexpected column, not described in datapackage.json"))
    if not problems and header != fields:
        problems.append(
            DataProblem(name, 1, None, f"columns are out of order: expected {fields}, found {header}")
        )
    if not problems and len(text.decode("utf-8").splitlines()) < 2:
        problems.append(DataProblem(name, None, None, "file has a header but no data rows"))
    return problems


def _frictionless_problems(
    report, name_of: dict[str, str], keys: dict[str, dict]
) -> list[DataProblem]:
    problems = []
    for task in report.tasks:
        file = name_of.get(task.name, task.name)
        for err in task.errors:
            row = getattr(err, "row_number", None)
            field = getattr(err, "field_name", None)
            if field is None and err.type == "primary-key":
                field = ", ".join(keys.get(task.name, {}).get("primary", [])) or None
            if field is None and err.type == "foreign-key":
                field = ", ".join(getattr(err, "field_names", []) or []) or None
            note = getattr(err, "note", "") or ""
            title = getattr(err, "title", err.type)
            cell = getattr(err, "cell", None)
            problem = f"{title.lower()}: {note}" if note else title.lower()
            if cell not in (None, ""):
                problem += f" (value {cell!r})"
            problems.append(DataProblem(file, row, field, problem))
    for err in report.errors:
        problems.append(DataProblem("datapackage.json", None, None, err.message))
    return problems


_VALIDATED: set[tuple] = set()


def _state(data_dir: Path) -> tuple:
    """Identity of the package's current contents: every file's name, size and mtime."""
    files = sorted(p for p in data_dir.iterdir() if p.is_file())
    return (str(data_dir.resolve()),) + tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files
    )


def _cache_file() -> Path:
    """Where keys of validated packages are remembered across processes (never in data/)."""
    base = os.environ.get("PLRO_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    ) / "plro"
    return Path(base) / "validated-packages.txt"


def _content_key(data_dir: Path) -> str | None:
    """SHA-256 of everything the verdict depends on: the descriptor and every file it
    names (exact bytes), the frictionless version, and this module's own source."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(version("frictionless").encode())
    digest.update(Path(__file__).read_bytes())
    try:
        descriptor_bytes = (data_dir / "datapackage.json").read_bytes()
        digest.update(descriptor_bytes)
        for res in json.loads(descriptor_bytes)["resources"]:
            digest.update(res["path"].encode() + b"\0")
            digest.update((data_dir / res["path"]).read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        return None  # unreadable or malformed: let full validation report it
    return digest.hexdigest()


def _known_valid(key: str | None) -> bool:
    if key is None:
        return False
    try:
        return key in _cache_file().read_text(encoding="utf-8").split()
    except OSError:
        return False


def _remember_valid(key: str | None) -> None:
    if key is None:
        return
    path = _cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = path.read_text(encoding="utf-8").split() if path.exists() else []
        path.write_text("\n".join((keys + [key])[-50:]) + "\n", encoding="utf-8")
    except OSError:
        pass  # the cache only saves time; a read-only home just means validating again


def validate_package(data_dir: str | Path | None = None) -> None:
    """Validate every file of the data package; raise :class:`PLRODataError` if any is invalid.

    Checks, for each resource: the file exists, is non-empty UTF-8, its header
    has exactly the described columns in order; then, with frictionless, every
    cell's type and constraints (required, minimum/maximum, enum), primary-key
    uniqueness and foreign keys to ``patients.csv``.
    """
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    state = _state(data_dir) if data_dir.is_dir() else None
    if state is not None and state in _VALIDATED:
        return  # these exact files already passed validation in this process
    key = _content_key(data_dir) if state is not None else None
    if _known_valid(key):
        _VALIDATED.add(state)
        return  # these exact bytes passed this same validation before (see _content_key)
    descriptor = _descriptor(data_dir)
    problems: list[DataProblem] = []
    for res in descriptor["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        problems += _precheck(data_dir / res["path"], fields)
    if problems:
        raise PLRODataError(problems)
    from frictionless import Package, system

    name_of = {res["name"]: res["path"] for res in descriptor["resources"]}
    keys = {
        res["name"]: {"primary": res["schema"].get("primaryKey", [])}
        for res in descriptor["resources"]
    }
    with system.use_context(trusted=False):
        package = Package(descriptor, basepath=str(data_dir))
        report = package.validate()
    if not report.valid:
        raise PLRODataError(_frictionless_problems(report, name_of, keys))
    problems = _cross_checks(data_dir, descriptor)
    if problems:
        raise PLRODataError(problems)
    if state is not None:
        _VALIDATED.add(state)
        _remember_valid(key)


_VISIT_MONTH = {"baseline": "0", "month_1": "1", "month_3": "3", "month_6": "6"}


def _cross_checks(data_dir: Path, descriptor: dict) -> list[DataProblem]:
    """Rules a table schema cannot express: visit/month agree, flags mark real values."""
    import csv

    paths = {res["name"]: res["path"] for res in descriptor["resources"]}
    problems = []
    visits = {}
    if "visits" in paths:
        with open(data_dir / paths["visits"], encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                visits[(row["patient_id"], row["visit"])] = row
                if _VISIT_MONTH.get(row["visit"]) != row["month"]:
                    problems.append(DataProblem(
                        paths["visits"], line, "month",
                        f"month {row['month']!r} does not match visit {row['visit']!r} "
                        f"(expected {_VISIT_MONTH.get(row['visit'])!r})",
                    ))
    if "lab_flags" in paths:
        with open(data_dir / paths["lab_flags"], encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                target = visits.get((row["patient_id"], row["visit"]), {})
                if target and target.get(row["analyte"], "") == "":
                    problems.append(DataProblem(
                        paths["lab_flags"], line, "analyte",
                        f"flags {row['analyte']!r} of patient {row['patient_id']} at "
                        f"{row['visit']}, but that value is empty (N/A) in {paths['visits']}",
                    ))
    return problems


_PANDAS_DTYPE = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}


def _typed(frame: pd.DataFrame, fields: list[dict]) -> pd.DataFrame:
    out = {}
    for field in fields:
        col = frame[field["name"]]
        kind = field["type"]
        enum = field.get("constraints", {}).get("enum")
        if kind == "boolean":
            out[field["name"]] = col.map({"true": True, "false": False}).astype("boolean")
        elif kind == "string" and enum:
            out[field["name"]] = pd.Categorical(col, categories=enum, ordered=field["name"] == "visit")
        elif kind in ("integer", "number"):
            out[field["name"]] = pd.to_numeric(col).astype(_PANDAS_DTYPE[kind])
        else:
            out[field["name"]] = col.astype("string")
    return pd.DataFrame(out)


def load_table(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Validate the whole package, then return resource ``name`` as a typed DataFrame.

    Integers become nullable ``Int64``, decimals ``Float64``, booleans
    ``boolean``, fields with an enum become categoricals (``visit`` ordered
    baseline < month_1 < month_3 < month_6), other text ``string``. Empty
    cells (N/A in the paper) become ``<NA>``.
    """
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    validate_package(data_dir)
    res = _resource(_descriptor(data_dir), name)
    raw = pd.read_csv(
        data_dir / res["path"], dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
    )
    return _typed(raw, res["schema"]["fields"])


def load_patients(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Table I: one row per patient (see ``data/datapackage.json`` for each field)."""
    return load_table("patients", data_dir)


def load_visits(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Table II: one row per patient per visit, VAS and laboratory values."""
    return load_table("visits", data_dir)


def load_lab_flags(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The up/down arrows of Table II, one row per arrow."""
    return load_table("lab_flags", data_dir)


def load_imaging_findings(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Involved sites, fracture levels and vertebroplasty levels named by the paper."""
    return load_table("imaging_findings", data_dir)


def load_all(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every resource of the package, keyed by resource name."""
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    names = [r["name"] for r in _descriptor(data_dir)["resources"]]
    return {name: load_table(name, data_dir) for name in names}
