"""The data package is complete, and the loaders return faithful, typed tables."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from plro.data import DEFAULT_DATA_DIR, VISIT_ORDER, load_all, load_table, validate_package

DESCRIPTOR = json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}


def test_package_validates():
    validate_package()  # raises on any problem


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_field_is_documented(name):
    res = RESOURCES[name]
    assert res.get("description") and res.get("sources"), f"{name}: description and sources needed"
    for field in res["schema"]["fields"]:
        assert field.get("description"), f"{name}.{field['name']} has no description"
        assert field["type"] in {"integer", "number", "string", "boolean"}
    assert res["schema"].get("primaryKey"), f"{name} has no primary key"


@pytest.mark.parametrize("name", ["visits", "lab_flags", "imaging_findings"])
def test_foreign_keys_point_to_patients(name):
    fks = RESOURCES[name]["schema"]["foreignKeys"]
    assert {"fields": ["patient_id"], "reference": {"resource": "patients", "fields": ["patient_id"]}} in fks


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_no_value_is_lost_or_invented(name):
    """Every non-empty CSV cell is a non-missing value after loading, and vice versa."""
    with open(DEFAULT_DATA_DIR / RESOURCES[name]["path"], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    frame = load_table(name)
    assert len(frame) == len(rows)
    for col in frame.columns:
        raw_present = [r[col] != "" for r in rows]
        assert frame[col].notna().tolist() == raw_present, f"{name}.{col}"


def test_numbers_are_exactly_as_printed():
    with open(DEFAULT_DATA_DIR / "visits.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
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
    assert isinstance(p["breastfeeding"].dtype, pd.CategoricalDtype)
    assert isinstance(v["visit"].dtype, pd.CategoricalDtype) and v["visit"].cat.ordered
    assert list(v["visit"].cat.categories) == VISIT_ORDER
    assert v["visit"].min() == "baseline" and v["visit"].max() == "month_6"


def test_missing_values_are_na_not_zero():
    v = load_table("visits").set_index(["patient_id", "visit"])
    # Table II prints N/A for every laboratory value of patient 5 at month 6.
    row = v.loc[(5, "month_6")]
    assert row[["calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"]].isna().all()
    assert row["vas"] == 0


def test_data_readme_counts_match_the_data():
    """The counts data/README.md states are the counts in the files, so the README cannot go stale."""
    import re

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
