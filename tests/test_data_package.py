"""The data package is complete and intact, and the loaders return faithful, typed tables."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from plro.data import (
    DEFAULT_DATA_DIR,
    REQUIRED_RESOURCES,
    VISIT_ORDER,
    VISITS,
    PLRODataError,
    check_recompute_rules,
    load_all,
    load_table,
    patient_label,
    validate_package,
)
from plro.data_hashes import main as data_hashes_main
from plro.data_hashes import refresh_hashes

DESCRIPTOR = json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
BOOK_NEEDS = {"patients", "visits", "lab_flags", "imaging_findings", "reported_statistics",
              "paper_statements", "jbi_checklist"}


def _raw_rows(name: str) -> list[dict[str, str]]:
    with open(DEFAULT_DATA_DIR / RESOURCES[name]["path"], encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    return shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "data")


def test_package_validates():
    validate_package()  # raises on any problem


def test_every_resource_the_book_needs_is_loaded():
    assert set(REQUIRED_RESOURCES) == BOOK_NEEDS
    assert set(load_all()) >= BOOK_NEEDS


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_field_is_documented(name):
    res = RESOURCES[name]
    assert res.get("description") and res.get("sources"), f"{name}: description and sources needed"
    for field in res["schema"]["fields"]:
        assert field.get("description"), f"{name}.{field['name']} has no description"
    assert res["schema"].get("primaryKey"), f"{name} has no primary key"


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_recorded_hash_is_the_sha256_of_the_file(name):
    """Computed here with hashlib, independently of the loader."""
    content = (DEFAULT_DATA_DIR / RESOURCES[name]["path"]).read_bytes()
    assert RESOURCES[name]["bytes"] == len(content)
    assert RESOURCES[name]["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize("name", ["visits", "lab_flags", "imaging_findings"])
def test_foreign_keys_point_to_patients(name):
    fks = RESOURCES[name]["schema"]["foreignKeys"]
    assert {"fields": ["patient_id"], "reference": {"resource": "patients", "fields": ["patient_id"]}} in fks


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_no_value_is_lost_or_invented(name):
    """Every non-empty CSV cell is a non-missing value after loading, and vice versa, row by row."""
    rows = _raw_rows(name)
    frame = load_table(name)
    assert len(frame) == len(rows)
    for col in frame.columns:
        raw_present = [r[col] != "" for r in rows]
        assert frame[col].notna().tolist() == raw_present, f"{name}.{col}"


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_text_is_exactly_as_written(name):
    rows = _raw_rows(name)
    frame = load_table(name)
    for col in frame.columns:
        if frame[col].dtype == "string" or isinstance(frame[col].dtype, pd.CategoricalDtype):
            loaded = ["" if pd.isna(v) else str(v) for v in frame[col]]
            assert loaded == [r[col] for r in rows], f"{name}.{col}"


def test_numbers_are_exactly_as_printed():
    rows = _raw_rows("visits")
    frame = load_table("visits")
    for col in ["calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"]:
        for raw, value in zip((r[col] for r in rows), frame[col]):
            if raw:
                assert float(raw) == value


def test_types():
    tables = load_all()
    p, v = tables["patients"], tables["visits"]
    assert str(p["patient_id"].dtype) == "Int64"
    assert str(p["smoking"].dtype) == "boolean"
    assert str(p["t_score_l1_l4"].dtype) == "Float64"
    assert str(tables["reported_statistics"]["recompute"].dtype) == "string"
    assert isinstance(p["breastfeeding"].dtype, pd.CategoricalDtype)
    assert isinstance(v["visit"].dtype, pd.CategoricalDtype) and v["visit"].cat.ordered
    assert list(v["visit"].cat.categories) == ["baseline", "month_1", "month_3", "month_6"]
    assert v["visit"].min() == "baseline" and v["visit"].max() == "month_6"


def test_visit_schedule_is_table_ii():
    """Table II: baseline and follow-up at 1, 3 and 6 months; one immutable home."""
    assert list(VISITS.items()) == [("baseline", 0), ("month_1", 1), ("month_3", 3), ("month_6", 6)]
    assert VISIT_ORDER == ["baseline", "month_1", "month_3", "month_6"]
    with pytest.raises(TypeError):
        VISITS["month_12"] = 12  # type: ignore[index]


def test_visits_hold_the_complete_grid_in_order():
    patients = load_table("patients")["patient_id"].tolist()
    v = load_table("visits")
    expected = [(p, label) for p in patients for label in ["baseline", "month_1", "month_3", "month_6"]]
    assert list(zip(v["patient_id"], v["visit"].astype(str))) == expected


@pytest.mark.parametrize(("pid", "label"), [(4, "P4"), (10, "P10"), (1, "P1")])
def test_patient_label(pid, label):
    assert patient_label(pid) == label
    assert patient_label(pd.array([pid], dtype="Int64")[0]) == label


def test_missing_values_are_na_not_zero():
    v = load_table("visits").set_index(["patient_id", "visit"])
    # Table II prints N/A for every laboratory value of patient 5 at month 6.
    row = v.loc[(5, "month_6")]
    assert row[["calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"]].isna().all()
    assert row["vas"] == 0


def test_data_readme_counts_match_the_data():
    """The counts data/README.md states are the counts in the files, so the README cannot go stale."""
    readme = (DEFAULT_DATA_DIR / "README.md").read_text(encoding="utf-8")
    rows = re.finditer(r"^\| `(\w+)\.csv` \| [^|]*\((\d+)\) \|", readme, re.M)
    stated = {m.group(1): int(m.group(2)) for m in rows}
    assert set(stated) == {"patients", "visits", "lab_flags", "imaging_findings"}
    for name, count in stated.items():
        assert len(load_table(name)) == count, name
    na, total = map(int, re.search(r"N/A for (\d+) of its (\d+) laboratory values", readme).groups())
    lab_columns = ["calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"]
    labs = load_table("visits")[lab_columns]
    assert (na, total) == (int(labs.isna().sum().sum()), labs.size)


def test_recompute_rules_checked_against_a_registry():
    named = [r["recompute"] for r in _raw_rows("reported_statistics")]
    known = {n for n in named if n}
    check_recompute_rules(known)  # every named rule is known: passes
    missing = sorted(known)[0]
    with pytest.raises(PLRODataError) as excinfo:
        check_recompute_rules(known - {missing})
    lines = [i + 2 for i, n in enumerate(named) if n == missing]
    found = [(p.file, p.row, p.field) for p in excinfo.value.problems]
    assert found == [("reported_statistics.csv", line, "recompute") for line in lines]
    assert all(f"no recompute rule named {missing!r}" in p.problem for p in excinfo.value.problems)


def test_refresh_records_only_the_changed_file(data_copy: Path):
    path = data_copy / "lab_flags.csv"
    path.write_bytes(path.read_bytes() + b"1,month_6,calcium_mg_dl,high\n")
    before = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    with pytest.raises(PLRODataError, match=r"lab_flags\.csv, whole file: .*make data-hashes"):
        validate_package(data_copy)
    assert refresh_hashes(data_copy) == ["lab_flags.csv"]
    after = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    changed = next(r for r in after["resources"] if r["name"] == "lab_flags")
    assert changed["bytes"] == len(path.read_bytes())
    assert changed["hash"] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    for res in before["resources"]:
        res.pop("bytes"), res.pop("hash")
    for res in after["resources"]:
        res.pop("bytes"), res.pop("hash")
    assert after == before  # nothing else in the descriptor changed
    validate_package(data_copy)
    assert refresh_hashes(data_copy) == []


def test_data_hashes_command(data_copy: Path, capsys):
    assert data_hashes_main([str(data_copy)]) == 0
    assert "every recorded hash already matches" in capsys.readouterr().out
    path = data_copy / "visits.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert data_hashes_main([str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "recorded new bytes and sha256 hash for visits.csv" in out
    assert "visits.csv, row 1: the header is a single column" in out


def test_frictionless_agrees_the_package_is_valid():
    """A second opinion from the reference implementation: schema, keys, bytes and sha256."""
    from frictionless import Package, system

    with system.use_context(trusted=False):
        report = Package(str(DEFAULT_DATA_DIR / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_sees_a_stale_hash(data_copy: Path):
    from frictionless import Package, system

    path = data_copy / "visits.csv"
    path.write_bytes(path.read_bytes()[:-2] + b"\n")
    with system.use_context(trusted=False):
        report = Package(str(data_copy / "datapackage.json")).validate()
    assert "hash-count" in {e.type for task in report.tasks for e in task.errors}


def test_no_import_patch():
    """plro.data leaves sys.modules alone (no stand-in for rfc3987_syntax)."""
    assert sys.modules.get("rfc3987_syntax", "absent") is not None


def test_loading_writes_nothing_in_home(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "PLRO_CACHE_DIR")}
    env["HOME"] = str(home)
    subprocess.run([sys.executable, "-c", "import plro.data as d; d.load_all()"], env=env, check=True)
    assert list(home.iterdir()) == []
