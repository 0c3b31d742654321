"""Chapter 4 (management protocol): its facts and its tables in words.

The facts are checked against the CSV files read with the standard library (and against
the paper's printed claims in data/reported_statistics.csv), not against plro.management,
which computes them; the tables are checked for what a reader must never see.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from plro.chapters import management as chapter
from plro.data import load_imaging_findings, load_patients

DATA = Path(__file__).resolve().parents[1] / "data"
BAD_CELL = re.compile(r"^(True|False|nan|NaN|<NA>|None|NaT|not_stated)$")
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def labels(ids) -> str:
    words = [f"P{i}" for i in ids]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@pytest.fixture(scope="module")
def facts():
    return chapter.facts()


def test_counts_are_recounted_from_the_patients_csv(facts):
    patients = rows("patients.csv")
    status = [p["breastfeeding"] for p in patients]
    given = [int(p["patient_id"]) for p in patients if p["bisphosphonate"] == "true"]
    assert facts["mgmt_n"] == len(patients) == 10
    assert (facts["mgmt_n_discontinued"], facts["mgmt_n_continued"], facts["mgmt_n_not_stated"]) == (
        status.count("discontinued"), status.count("continued"), status.count("not_stated"))
    assert facts["mgmt_n_bisphosphonate"] == len(given)
    assert facts["mgmt_n_no_bisphosphonate"] == len(patients) - len(given)
    assert facts["mgmt_bisphosphonate_ids"] == labels(sorted(given))
    assert facts["mgmt_n_vitamin_d_calcium"] == sum(p["vitamin_d_calcium"] == "true" for p in patients)
    treated = [int(p["patient_id"]) for p in patients if p["vertebroplasty"] == "true"]
    assert facts["mgmt_n_vertebroplasty"] == len(treated)
    assert facts["mgmt_vertebroplasty_ids"] == labels(treated)
    assert facts["mgmt_continued_ids"] == labels(
        sorted(int(p["patient_id"]) for p in patients if p["breastfeeding"] == "continued"))
    assert facts["mgmt_not_stated_ids"] == labels(
        sorted(int(p["patient_id"]) for p in patients if p["breastfeeding"] == "not_stated"))
    assert facts["mgmt_continued_word"] == "zero one two three four".split()[status.count("continued")]
    assert all(type(facts[k]) is int for k in facts if k == "mgmt_n" or k.startswith("mgmt_n_"))


def test_the_counts_agree_with_the_numbers_the_paper_prints(facts):
    printed = {r["claim_id"]: r for r in rows("reported_statistics.csv")}
    assert facts["mgmt_n_bisphosphonate"] == int(float(printed["mgmt_bisphosphonate"]["reported_value"]))
    assert facts["mgmt_n_continued"] == int(float(printed["mgmt_breastfeeding_continued"]["reported_value"]))
    assert facts["mgmt_n_vertebroplasty"] == int(float(printed["abs_vertebroplasty"]["reported_value"]))
    assert facts["mgmt_bisphosphonate_as_named"].startswith("exactly")


def test_levels_come_from_the_imaging_findings(facts):
    findings = rows("imaging_findings.csv")
    treated = [f["site"] for f in findings if f["finding"] == "vertebroplasty"]
    assert facts["mgmt_vp_levels"] == (", ".join(treated[:-1]) + " and " + treated[-1])
    fractured = sorted({int(f["patient_id"]) for f in findings if f["finding"] == "compression_fracture"})
    with_vp = {int(f["patient_id"]) for f in findings if f["finding"] == "vertebroplasty"}
    assert facts["mgmt_compression_ids"] == labels(fractured)
    assert facts["mgmt_compression_no_vp_ids"] == labels([p for p in fractured if p not in with_vp])


def test_calcium_arithmetic_uses_atomic_weights(facts):
    fraction = 40.078 / (40.078 + 12.011 + 3 * 15.999)
    assert facts["mgmt_ca_percent"] == 40
    assert facts["mgmt_ca_in_250"] == round(250 * fraction) == 100
    assert abs(facts["mgmt_caco3_for_1000"] - 1000 / fraction) < 1


def test_quotes_are_the_papers_sentences(facts):
    statements = {r["statement_id"]: r["quote"] for r in rows("paper_statements.csv")}
    assert facts["mgmt_calcium_quote"] == statements["mgmt_calcium"]
    assert facts["mgmt_washout_quote"] == statements["disc_bisphosphonate_washout"]
    assert facts["mgmt_same_wording"] == "diclofenac and paracetamol"


def test_a_changed_row_moves_the_facts(monkeypatch):
    """Facts follow the data they are given (here a data frame with patient 9 still nursing)."""
    patients = load_patients()
    patients.loc[patients["patient_id"] == 9, "breastfeeding"] = "continued"
    monkeypatch.setattr(chapter, "load_patients", lambda data_dir=None: patients)
    changed = chapter.facts()
    assert changed["mgmt_n_continued"] == 3 and changed["mgmt_continued_ids"] == "P8, P9 and P10"
    assert changed["mgmt_no_vp_kept_breastfeeding"].startswith("are not")


def _all_tables():
    patients, findings = load_patients(), load_imaging_findings()
    return [chapter.steps_table(), chapter.matrix_table(patients), chapter.text_only_table(),
            chapter.breastfeeding_table(patients), chapter.doses_table(),
            chapter.bisphosphonate_groups_table(patients), chapter.vertebroplasty_table(findings),
            *chapter.drug_tables(patients)]


def test_tables_read_as_words():
    for table in _all_tables():
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table.html, re.S)
        assert cells, table.text[:80]
        assert not [c for c in cells if BAD_CELL.match(c.strip())], table.text[:200]
        headers = re.findall(r"<th[^>]*>(.*?)</th>", table.html, re.S)
        assert not [h for h in headers if SNAKE.match(h.strip())], headers
        assert "…" not in table.html and "..." not in table.text
    assert [t.html for t in _all_tables()] == [t.html for t in _all_tables()]


def test_dash_cells_carry_a_footnote():
    doses = chapter.doses_table()
    assert "—" in doses.html and "the Discussion does not mention it" in doses.html
    assert "yes" in doses.text and "no" in doses.text
    first, _ = chapter.drug_tables(load_patients())
    assert "Table I records the drug for no patient" in first.html


def test_counts_read_as_words_for_any_count(facts):
    patients = rows("patients.csv")
    given = sum(p["vitamin_d_calcium"] == "true" for p in patients)
    assert given == len(patients)
    assert facts["mgmt_vitamin_d_calcium_phrase"] == f"All {len(patients)} patients"
    bis = sum(p["bisphosphonate"] == "true" for p in patients)
    assert facts["mgmt_bisphosphonate_share"] == f"{bis} of the {len(patients)} patients"
    glued_badly = re.compile(r"(^|\s)0 of\b|\b(\d+) of the \2\b")
    assert not [v for v in facts.values() if isinstance(v, str) and glued_badly.search(v)]


def test_vitamin_d_below_the_threshold_at_month_one(facts):
    d: dict[int, dict[str, float]] = {}
    for v in rows("visits.csv"):
        if v["vitamin_d_25oh"]:
            d.setdefault(int(v["patient_id"]), {})[v["visit"]] = float(v["vitamin_d_25oh"])
    measured = [pid for pid in sorted(d) if "month_1" in d[pid]]
    low = [pid for pid in measured if d[pid]["month_1"] < 30]
    fell = [pid for pid in low if d[pid]["month_1"] < d[pid]["baseline"] < 30]
    assert facts["mgmt_vd_cut"] == 30
    assert facts["mgmt_vd_low_m1"] == (f"{len(low)} of the {len(measured)} patients measured at month 1 "
                                       f"({labels(low)})")
    assert facts["mgmt_vd_fell"] == f"{labels(fell)}, already below it at baseline, fell further"
    assert fell == [6]  # the reviewer's observation: P6 fell further on the printed doses
