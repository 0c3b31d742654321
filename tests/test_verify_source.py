"""The maintainer's source check (tools/verify_source.py) on a small synthetic paper.

The real paper is not in the repository, so these tests write a two-sentence "paper"
with a one-patient Table I and Table II, and a matching data folder, then corrupt one
side at a time and check that the problem is reported where it is.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tools import verify_source

PAPER = """\
## Case Series

All the patients were young (mean age:  $29.75 \\pm 3.24$  years, median: 30 years).
Fifty percent of our patients ( $n=5$ ) had back pain.

**Table I:** Demographic Data

Patients\tAge (years)\tRisk factors\tSymptoms\tTime of diagnosis (week)\tL1-4\tL2-4\tFN\tManagement
1 Twin pregnancy\t31\tSmoking\tBack pain (VAS 9)\tPostpartum 24\t-2.9\t-3.0\t-2.7\tBisphosphonate,

**Table II:** VAS Scores

Case\tTime\tVAS\tCa\tMg\tVit D\tALP\tPTH\tOther
1\tBaseline\t9\t8.9\t4.1\t22.2↓\tN/A\tN/A\t
\t1 <sup>st</sup> month\t5\t8.6\t3.9\t39\t48\t27\t
\t3 <sup>rd</sup> month\t1\t8.3\t4.0\t47\tN/A\tN/A\t
\t6 <sup>th</sup> month\t0\t9.1\t3.7\t37\t42\tN/A\t

**DISCUSSION**
"""

PATIENT = {"patient_id": "1", "age_years": "31", "twin_pregnancy": "true",
           "risk_factors_as_printed": "Smoking", "symptoms": "Back pain", "vas_table_i": "9",
           "postpartum_week_at_diagnosis": "24", "t_score_l1_l4": "-2.9", "t_score_l2_l4": "-3.0",
           "t_score_femoral_neck": "-2.7", "management_as_printed": "Bisphosphonate,"}
VISITS = [
    ["1", "baseline", "9", "8.9", "4.1", "22.2", "", ""],
    ["1", "month_1", "5", "8.6", "3.9", "39", "48", "27"],
    ["1", "month_3", "1", "8.3", "4.0", "47", "", ""],
    ["1", "month_6", "0", "9.1", "3.7", "37", "42", ""],
]
VISIT_HEADER = ["patient_id", "visit", *verify_source.TABLE_II_COLUMNS]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    _write(tmp_path / "patients.csv", list(PATIENT), [list(PATIENT.values())])
    _write(tmp_path / "visits.csv", VISIT_HEADER, VISITS)
    _write(tmp_path / "lab_flags.csv", ["patient_id", "visit", "analyte", "flag"],
           [["1", "baseline", "vitamin_d_25oh", "low"]])
    _write(tmp_path / "paper_statements.csv", ["statement_id", "section", "quote"],
           [["age", "case_series", "mean age: 29.75 ± 3.24 years"]])
    _write(tmp_path / "reported_statistics.csv", ["claim_id", "quote", "value_as_printed"],
           [["back_n", "Fifty percent of our patients (n=5) had back pain", "5"]])
    return tmp_path


def _problems(data_dir: Path, paper: str = PAPER) -> list[str]:
    return [p for check in (verify_source.check_quotes, verify_source.check_table_i,
                            verify_source.check_table_ii) for p in check(paper, data_dir)[1]]


def test_matching_data_has_no_problems(data_dir: Path):
    assert _problems(data_dir) == []


def test_normalise_reads_latex_and_spacing_like_the_quotes():
    assert verify_source.normalise("( $n=5$ ) and  $7 \\pm 7.15$ \u2013 x") == "(n=5) and 7 ± 7.15 - x"


def test_a_changed_table_ii_cell_is_named(data_dir: Path):
    rows = [row[:] for row in VISITS]
    rows[1][3] = "8.7"  # month-1 calcium
    _write(data_dir / "visits.csv", VISIT_HEADER, rows)
    problems = _problems(data_dir)
    assert len(problems) == 1
    assert "patient 1 month_1, calcium_mg_dl: '8.7'" in problems[0]


def test_a_missing_arrow_is_named(data_dir: Path):
    _write(data_dir / "lab_flags.csv", ["patient_id", "visit", "analyte", "flag"], [])
    assert _problems(data_dir) == [
        "lab_flags.csv patient 1 baseline, vitamin_d_25oh: None but Table II prints 'low'"]


def test_a_changed_table_i_cell_is_named(data_dir: Path):
    changed = {**PATIENT, "t_score_femoral_neck": "-2.8"}
    _write(data_dir / "patients.csv", list(changed), [list(changed.values())])
    problems = _problems(data_dir)
    assert len(problems) == 1 and "t_score_femoral_neck: '-2.8'" in problems[0]


def test_a_quote_the_paper_does_not_contain_is_named(data_dir: Path):
    _write(data_dir / "paper_statements.csv", ["statement_id", "section", "quote"],
           [["age", "case_series", "mean age: 29.76 ± 3.24 years"]])
    assert _problems(data_dir) == [
        "paper_statements.csv line 2 (age): quote not in the paper: 'mean age: 29.76 ± 3.24 years'"]


def test_a_printed_value_outside_its_quote_is_named(data_dir: Path):
    _write(data_dir / "reported_statistics.csv", ["claim_id", "quote", "value_as_printed"],
           [["back_n", "Fifty percent of our patients (n=5) had back pain", "6"]])
    problems = _problems(data_dir)
    assert problems == ["reported_statistics.csv line 2 (back_n): value_as_printed '6' is not in its quote"]


def test_main_exits_non_zero_on_a_problem_and_zero_when_clean(data_dir: Path, tmp_path: Path, capsys):
    paper = tmp_path / "paper.md"
    paper.write_text(PAPER, encoding="utf-8")
    assert verify_source.main([str(paper), "--data", str(data_dir)]) == 0
    paper.write_text(PAPER.replace("Postpartum 24", "Postpartum 23"), encoding="utf-8")
    assert verify_source.main([str(paper), "--data", str(data_dir)]) == 1
    assert "postpartum_week_at_diagnosis: '24' but Table I prints '23'" in capsys.readouterr().out
