"""Broken copies of the data files must raise one clear PLRODataError.

Each case copies the real data package to a temporary folder, breaks one
file in one way, and checks that loading fails with a message naming the
file, the row (the CSV line number, header = line 1), the field and the problem.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from plro.data import DEFAULT_DATA_DIR, PLRODataError, load_all, load_visits


@dataclass
class Case:
    id: str
    file: str
    edit: Callable[[str], str]
    row: int | None
    field: str | None
    problem: str  # a phrase the message must contain


def _replace_line(lineno: int, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        lines = text.splitlines()
        lines[lineno - 1] = new
        return "\n".join(lines) + "\n"
    return edit


def _replace_first(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, f"test setup: {old!r} not in file"
        return text.replace(old, new, 1)
    return edit


CASES = [
    Case("missing-column", "visits.csv",
         lambda t: "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 3)
                             for line in t.splitlines()) + "\n",
         1, "vas", "column is missing"),
    Case("unexpected-column", "patients.csv",
         lambda t: "\n".join(line + (",bmi" if i == 0 else ",21") for i, line in
                             enumerate(t.splitlines())) + "\n",
         1, "bmi", "unexpected column"),
    Case("unknown-patient-in-visits", "visits.csv", lambda t: t + "11,baseline,0,5,9.0,2.0,30,80,40\n",
         42, "patient_id", "not found in the lookup table"),
    Case("vas-of-11", "visits.csv", _replace_first("3,month_1,1,1,", "3,month_1,1,11,"),
         11, "vas", "maximum"),
    Case("negative-vas", "visits.csv", _replace_first("5,month_6,6,0,", "5,month_6,6,-1,"),
         21, "vas", "minimum"),
    Case("text-in-numeric-field", "visits.csv", _replace_first("2,baseline,0,8,8.9,", "2,baseline,0,8,high,"),
         6, "calcium_mg_dl", "type error"),
    Case("na-string-instead-of-empty", "visits.csv",
         _replace_first("4,month_3,3,1,9.2,3.7,,", "4,month_3,3,1,9.2,3.7,N/A,"),
         16, "vitamin_d_25oh", "'N/A'"),
    Case("decimal-comma", "visits.csv", _replace_first("1,baseline,0,9,8.9,", '1,baseline,0,9,"8,9",'),
         2, "calcium_mg_dl", "type error"),
    Case("duplicate-patient-visit", "visits.csv", _replace_first("7,month_1,1,", "7,baseline,0,"),
         27, "patient_id, visit", "primarykey"),
    Case("unknown-visit-label", "visits.csv", _replace_first("9,month_3,3,", "9,month_2,3,"),
         36, "visit", "enum"),
    Case("month-disagrees-with-visit", "visits.csv", _replace_first("6,month_3,3,", "6,month_3,6,"),
         24, "month", "does not match visit"),
    Case("malformed-boolean", "patients.csv", _replace_first("5,24,false,", "5,24,no,"),
         6, "twin_pregnancy", "type error"),
    Case("missing-required-value", "patients.csv", _replace_first("2,33,", "2,,"),
         3, "age_years", "constraint"),
    Case("duplicate-patient", "patients.csv", _replace_first("10,30,", "9,30,"),
         11, "patient_id", "primarykey"),
    Case("unknown-breastfeeding-status", "patients.csv",
         _replace_first("discontinued,true,true,false,", "stopped,true,true,false,"),
         2, "breastfeeding", "enum"),
    Case("implausible-t-score", "patients.csv", _replace_first("-3.7,-3.6,-2.2", "-37,-3.6,-2.2"),
         9, "t_score_l1_l4", "minimum"),
    Case("short-row", "visits.csv", _replace_line(3, "1,month_1,1,5,8.6"),
         3, "magnesium_mg_dl", "missing cell"),
    Case("unknown-flag-direction", "lab_flags.csv",
         _replace_first("3,baseline,calcium_mg_dl,high", "3,baseline,calcium_mg_dl,up"),
         2, "flag", "enum"),
    Case("flag-on-unknown-analyte", "lab_flags.csv",
         _replace_first("8,baseline,pth_pg_ml", "8,baseline,phosphate"),
         7, "analyte", "enum"),
    Case("flag-on-missing-value", "lab_flags.csv", lambda t: t + "5,month_6,pth_pg_ml,low\n",
         12, "analyte", "empty (N/A)"),
    Case("flag-for-unknown-visit-row", "lab_flags.csv", lambda t: t + "12,baseline,vas,high\n",
         12, "patient_id", "maximum"),
    Case("unknown-vertebral-level", "imaging_findings.csv",
         _replace_first("8,thoracic_spine,T9,", "8,thoracic_spine,T13,"),
         11, "site", "enum"),
    Case("empty-file", "visits.csv", lambda t: "", None, None, "file is empty"),
    Case("header-only", "lab_flags.csv", lambda t: t.splitlines()[0] + "\n", None, None, "no data rows"),
]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_copy_raises_clear_error(case: Case, data_copy: Path):
    path = data_copy / case.file
    path.write_text(case.edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PLRODataError) as excinfo:
        load_visits(data_copy)
    message = str(excinfo.value)
    matching = [p for p in excinfo.value.problems if p.file == case.file]
    assert matching, f"no problem reported for {case.file}: {message}"
    hits = [p for p in matching
            if p.row == case.row and p.field == case.field and case.problem in p.problem]
    assert hits, f"expected row {case.row}, field {case.field!r}, '{case.problem}':\n{message}"
    # the rendered message names all four parts
    assert case.file in message
    if case.row is not None:
        assert f"row {case.row}" in message
    if case.field is not None:
        assert f"field '{case.field}'" in message


def test_patient_removed_from_patients_orphans_visits(data_copy: Path):
    path = data_copy / "patients.csv"
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:-1]) + "\n",
                    encoding="utf-8")
    with pytest.raises(PLRODataError) as excinfo:
        load_visits(data_copy)
    orphaned = {(p.file, p.row) for p in excinfo.value.problems if "lookup table" in p.problem}
    # patient 10's four visits (lines 38-41), her 4 flags and her 4 imaging rows are all reported
    assert {("visits.csv", r) for r in range(38, 42)} <= orphaned
    assert sum(f == "lab_flags.csv" for f, _ in orphaned) == 4
    assert sum(f == "imaging_findings.csv" for f, _ in orphaned) == 4


def test_missing_file(data_copy: Path):
    (data_copy / "imaging_findings.csv").unlink()
    with pytest.raises(PLRODataError, match=r"imaging_findings\.csv, whole file: file not found"):
        load_visits(data_copy)


def test_invalid_descriptor(data_copy: Path):
    (data_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(PLRODataError, match=r"datapackage\.json.*not valid JSON"):
        load_visits(data_copy)


def test_non_utf8_file(data_copy: Path):
    path = data_copy / "patients.csv"
    path.write_bytes(path.read_bytes().replace(b"Back and low", "Back \xe9nd low".encode("latin-1"), 1))
    with pytest.raises(PLRODataError, match=r"patients\.csv, whole file: not valid UTF-8"):
        load_visits(data_copy)


def test_every_problem_is_reported_not_just_the_first(data_copy: Path):
    path = data_copy / "visits.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("1,baseline,0,9,", "1,baseline,0,12,", 1)
                        .replace("2,baseline,0,8,", "2,baseline,0,13,", 1), encoding="utf-8")
    with pytest.raises(PLRODataError) as excinfo:
        load_visits(data_copy)
    assert [(p.row, p.field) for p in excinfo.value.problems] == [(2, "vas"), (6, "vas")]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_loading_never_writes_to_the_data_folder(data_copy: Path):
    before = _digest(data_copy)
    load_all(data_copy)
    broken = data_copy / "visits.csv"
    broken.write_text(broken.read_text(encoding="utf-8") + "11,baseline,0,5,,,,,\n", encoding="utf-8")
    before_broken = _digest(data_copy)
    with pytest.raises(PLRODataError):
        load_all(data_copy)
    assert _digest(data_copy) == before_broken
    assert set(before) == set(before_broken)  # no file created or removed


def test_validation_cache_does_not_hide_a_later_edit(data_copy: Path):
    load_visits(data_copy)  # valid: passes and is remembered
    path = data_copy / "visits.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("1,baseline,0,9,", "1,baseline,0,99,", 1),
                    encoding="utf-8")
    with pytest.raises(PLRODataError, match=r"visits\.csv, row 2, field 'vas'"):
        load_visits(data_copy)


def test_validated_content_is_remembered_across_processes(data_copy: Path, tmp_path, monkeypatch):
    import sys

    import plro.data as data

    monkeypatch.setenv("PLRO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(data, "_VALIDATED", set())
    data.validate_package(data_copy)  # full validation; its key is written to the cache
    assert (tmp_path / "cache" / "validated-packages.txt").is_file()
    monkeypatch.setattr(data, "_VALIDATED", set())  # as in a new process
    monkeypatch.setitem(sys.modules, "frictionless", None)  # any real validation would fail
    data.validate_package(data_copy)  # same bytes: known valid, frictionless not needed

    path = data_copy / "visits.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2,baseline,0,8,", "2,baseline,0,18,", 1),
                    encoding="utf-8")
    with pytest.raises(ImportError):  # changed bytes: validation must really run
        data.validate_package(data_copy)
