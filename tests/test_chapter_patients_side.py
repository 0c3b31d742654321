"""Chapter 8 (the patient's side): its breast-feeding and pain table, checked against the CSVs."""

from __future__ import annotations

import csv
from pathlib import Path

from plro.chapters.patients_side import feeding_vas_table
from plro.data import load_patients, load_visits
from plro.tables import NOT_REPORTED

DATA = Path(__file__).resolve().parents[1] / "data"


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_patient_with_her_feeding_status_and_scores():
    table = feeding_vas_table(load_patients(), load_visits())
    patients = {p["patient_id"]: p for p in rows("patients.csv")}
    assert sorted(table.index) == sorted(f"P{i}" for i in patients)
    assert list(table.columns) == ["Breast-feeding", "Baseline", "Month 1", "Month 3", "Month 6"]
    for visit in rows("visits.csv"):
        month = "Baseline" if visit["month"] == "0" else f"Month {visit['month']}"
        shown = table.loc[f"P{visit['patient_id']}", month]
        assert shown == (visit["vas"] or NOT_REPORTED)
    for pid, patient in patients.items():
        status = patient["breastfeeding"]
        assert table.loc[f"P{pid}", "Breast-feeding"] == {
            "not_stated": NOT_REPORTED, "discontinued": "stopped"}.get(status, status)


def test_the_women_who_kept_breast_feeding_come_first_and_no_code_shows():
    table = feeding_vas_table(load_patients(), load_visits())
    kept = [f"P{p['patient_id']}" for p in rows("patients.csv") if p["breastfeeding"] == "continued"]
    assert list(table.index[:len(kept)]) == kept
    cells = set(table.to_numpy().ravel())
    assert not cells & {"not_stated", "not stated", "nan", "<NA>", "True", "False"}
    assert not any(c.endswith(".0") for c in cells)
