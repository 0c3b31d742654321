"""Facts the paper's text states about its patients must hold in the transcribed data.

Each expected value is taken from a sentence of the paper (read from the seed
text where a regular expression can find it), never from the code under test,
so a wrong transcription fails here.
"""

from __future__ import annotations

import re
import statistics

import pytest

from plro.data import load_imaging_findings, load_lab_flags, load_patients, load_visits


def _ids(text: str) -> set[int]:
    return {int(x) for x in re.findall(r"\d+", text)}


@pytest.fixture(scope="module")
def patients():
    return load_patients().set_index("patient_id")


@pytest.fixture(scope="module")
def visits():
    return load_visits()


def test_ten_patients_four_visits_each(patients, visits):
    assert len(patients) == 10  # "This case series presented 10 patients"
    assert visits.groupby("patient_id").size().eq(4).all()


def test_smokers_are_the_four_named_in_the_case_series(paper_text, patients):
    named = re.search(r"Four patients \(Patients ([\d, and]+)\) had history of smoking", paper_text)
    assert named, "smoking sentence not found in the paper"
    assert set(patients.index[patients["smoking"]]) == _ids(named.group(1)) == {5, 6, 8, 10}


def test_twin_pregnancy_is_patient_4_only(paper_text, patients):
    named = re.search(r"Only one patient \(Patient (\d+)\) gave birth to twins", paper_text)
    assert set(patients.index[patients["twin_pregnancy"]]) == {int(named.group(1))}


def test_bisphosphonate_patients(paper_text, patients):
    named = re.search(r"Four patients \(patients ([\d, and]+)\) received bisphosphonates", paper_text)
    assert set(patients.index[patients["bisphosphonate"]]) == _ids(named.group(1))


def test_patients_who_continued_breastfeeding(paper_text, patients):
    named = re.search(r"Two patients \(patient (\d+) and (\d+)\) did not discontinue", paper_text)
    continued = set(patients.index[patients["breastfeeding"] == "continued"])
    assert continued == {int(named.group(1)), int(named.group(2))}


def test_patient_3_breastfeeding_is_not_stated_in_table_i(patients):
    # Table I lists neither discontinuation nor continuation for patient 3.
    assert "breastfeeding" not in patients.loc[3, "management_as_printed"].lower()
    assert patients.loc[3, "breastfeeding"] == "not_stated"


def test_everyone_received_vitamin_d_and_calcium(patients):
    # "all patients received vitamin D ... and calcium"
    assert patients["vitamin_d_calcium"].all()


def test_one_vertebroplasty_patient_4_at_t6_t10_t11(paper_text, patients):
    named = re.search(r"\(patient number (\d+)\) and compression fractures at (T\d+), (T\d+), and (T\d+)",
                      paper_text)
    assert set(patients.index[patients["vertebroplasty"]]) == {int(named.group(1))}
    imaging = load_imaging_findings()
    levels = set(imaging.query("finding == 'vertebroplasty'")["site"].astype(str))
    fractures = imaging.query("patient_id == 4 and finding == 'compression_fracture'")
    assert levels == set(named.group(2, 3, 4))
    assert set(fractures["site"].astype(str)) == set(named.group(2, 3, 4))


def test_vertebroplasty_patient_vas_1_afterwards(visits):
    # "She had a significant pain relief after the vertebroplasty (VAS score: 1)."
    p4 = visits.query("patient_id == 4").set_index("visit")["vas"]
    assert p4["month_1"] == 1


def test_symptom_patterns_match_case_series_counts(patients):
    # 50% (n=5) back and low back pain, 20% (n=2) hip and low back pain, 10% (n=1) hip and ankle
    # pain, 10% (n=1) hip and right-sided inguinal pain, 10% (n=1) only low back pain.
    s = patients["symptoms"].str.lower()
    assert s.str.startswith("back and low back pain").sum() == 5
    assert s.str.startswith("hip and low back pain").sum() == 2
    assert s.str.startswith("hip and ankle pain").sum() == 1
    assert (s.str.contains("hip and inguinal") & s.str.contains("right")).sum() == 1
    assert (s == "low back pain").sum() == 1


def test_low_back_pain_in_80_percent(patients):
    assert patients["symptoms"].str.lower().str.contains("low back pain").mean() == pytest.approx(0.80)


def test_baseline_vas_mean_is_7_9(paper_text, visits):
    stated = float(re.search(r"\(VAS\) score for spinal pain was\s+\$?([\d.]+)", paper_text).group(1))
    baseline = visits.query("visit == 'baseline'")["vas"].astype(int).tolist()
    assert round(statistics.mean(baseline), 1) == stated == 7.9


def test_table_i_vas_equals_table_ii_baseline_vas(patients, visits):
    baseline = visits.query("visit == 'baseline'").set_index("patient_id")["vas"]
    assert (patients["vas_table_i"] == baseline.reindex(patients.index)).all()


def test_postpartum_weeks_range_and_median(paper_text, patients):
    lo, hi = re.search(r"within postpartum (\d+)[–-](\d+) weeks", paper_text).groups()
    weeks = patients["postpartum_week_at_diagnosis"].astype(int)
    assert (weeks.min(), weeks.max()) == (int(lo), int(hi))
    assert statistics.median(weeks) == 4  # "median 4 weeks"


def test_femoral_neck_mean_t_score(patients):
    # "the mean femoral neck T score was -2.19"
    assert round(statistics.mean(patients["t_score_femoral_neck"].astype(float)), 2) == -2.19


def test_figure_captions_name_the_right_patients():
    imaging = load_imaging_findings()
    # Figure 1: right-sided sacroiliac joint, patient 9; Figure 2: bilateral femoral neck, patient 6;
    # Figure 3: talus, patient 3.
    si = imaging.query("site == 'sacroiliac_joint'")
    assert si[["patient_id", "side"]].astype(str).values.tolist() == [["9", "right"]]
    fn = imaging.query("site == 'femoral_neck'")
    assert set(fn["patient_id"]) == {6} and set(fn["side"].astype(str)) == {"left", "right"}
    assert set(imaging.query("site == 'talus'")["patient_id"]) == {3}


def test_talus_patient_had_mild_hypercalcaemia_and_raised_alp():
    # "Her laboratory work-up showed mild hypercalcemia and mild elevation of alkaline phosphatase"
    flags = load_lab_flags().query("patient_id == 3 and visit == 'baseline'")
    assert dict(zip(flags["analyte"].astype(str), flags["flag"].astype(str))) == {
        "calcium_mg_dl": "high", "alp_u_l": "high"}


def test_acute_compressions_of_patients_8_and_10(paper_text):
    fractures = load_imaging_findings().query("finding == 'compression_fracture'")
    for pid in (8, 10):
        row = re.search(rf"^{pid}\tBaseline.*?\t([TL][\d, L T and]+) acute compressions", paper_text, re.M)
        assert row, f"Table II row of patient {pid} not found"
        printed = set(re.findall(r"[TL]\d+", row.group(1)))
        assert set(fractures.query("patient_id == @pid")["site"].astype(str)) == printed


def test_all_flags_count_matches_table_ii_arrows(paper_text):
    table_ii = paper_text[paper_text.index("**Table II:**"):paper_text.index("**DISCUSSION**")]
    arrows = table_ii.count("↑") + table_ii.count("↓")
    assert len(load_lab_flags()) == arrows == 10
