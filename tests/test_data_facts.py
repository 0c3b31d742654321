"""Facts the paper's text states about its patients must hold in the transcribed tables.

Each expected value is parsed from a sentence of ``data/paper_statements.csv`` or from a
claim of ``data/reported_statistics.csv`` (the paper's own words, kept in the repository),
never from the code under test, so a wrong transcription of Table I or II fails here.
Claims the audit shows the tables contradict (the mean age, the smoker count of the
Discussion, ...) are not facts the data must satisfy and are not tested here.
"""

from __future__ import annotations

import re
import statistics

import pytest

from plro.data import VISIT_ORDER, load_imaging_findings, load_lab_flags, load_patients, load_visits
from plro.paper import printed, statement
from plro.symptoms import parse_symptom_regions

NUMBER = {"one": 1, "two": 2, "three": 3, "four": 4}


def _ids(text: str) -> set[int]:
    return {int(x) for x in re.findall(r"\d+", text)}


def _named(statement_id: str, pattern: str) -> re.Match:
    found = re.search(pattern, statement(statement_id).quote)
    assert found, f"{statement_id}: pattern {pattern!r} not in its quote"
    return found


@pytest.fixture(scope="module")
def patients():
    return load_patients().set_index("patient_id")


@pytest.fixture(scope="module")
def visits():
    return load_visits()


def _where(patients, column, value=True) -> set[int]:
    return {int(i) for i in patients.index[patients[column] == value]}


def test_ten_patients_seen_at_baseline_and_every_follow_up(patients, visits):
    assert len(patients) == int(_named("abs_series", r"presented (\d+) patients").group(1))
    follow_up = _ids(_named("disc_follow_up", r"followed up at ([\d, and]+) months").group(1))
    months = visits.groupby("patient_id")["month"].apply(lambda m: set(m.astype(int)))
    assert all(m == {0} | follow_up for m in months)


def test_smokers_are_the_four_named_in_the_case_series(patients):
    found = _named("cs_smokers", r"^(\w+) patients \(Patients ([\d, and]+)\)")
    assert _where(patients, "smoking") == _ids(found.group(2))
    assert len(_ids(found.group(2))) == NUMBER[found.group(1).lower()]


def test_twin_pregnancy_is_the_patient_named(patients):
    named = _named("cs_twins", r"\(Patient (\d+)\) gave birth to twins")
    assert _where(patients, "twin_pregnancy") == {int(named.group(1))}


def test_bisphosphonate_patients(patients):
    named = _named("mgmt_bisphosphonates", r"\(patients ([\d, and]+)\) received bisphosphonates")
    assert _where(patients, "bisphosphonate") == _ids(named.group(1))


def test_patients_who_continued_breastfeeding(patients):
    named = _named("mgmt_breastfeeding_exception", r"\(patient ([\d and]+)\) did not discontinue")
    assert _where(patients, "breastfeeding", "continued") == _ids(named.group(1))


def test_breastfeeding_status_follows_table_i_management_text(patients):
    """'Discontinuation of breastfeeding' / 'Keep on breastfeeding' / neither, per Table I's cell."""
    stopped = statement("ti_breastfeeding_discontinued").quote
    kept = statement("ti_breastfeeding_kept").quote
    for pid, row in patients.iterrows():
        text = str(row["management_as_printed"])
        expected = "discontinued" if stopped in text else "continued" if kept in text else "not_stated"
        assert row["breastfeeding"] == expected, pid


def test_everyone_received_vitamin_d_and_calcium(patients):
    claim = printed("mgmt_supplement_all")  # "Then, all patients received vitamin D"
    assert claim.value == len(patients) == int(patients["vitamin_d_calcium"].sum())


def test_the_vertebroplasty_patient_and_her_levels(patients):
    found = _named("mgmt_vertebroplasty", r"\(patient number (\d+)\) and compression fractures at "
                                          r"([TL]\d+(?:, (?:and )?[TL]\d+)*) vertebrae")
    pid, named = int(found.group(1)), set(re.findall(r"[TL]\d+", found.group(2)))
    assert _where(patients, "vertebroplasty") == {pid}
    imaging = load_imaging_findings()
    treated = imaging.query("finding == 'vertebroplasty'")
    fractures = imaging.query("patient_id == @pid and finding == 'compression_fracture'")
    assert set(treated["site"].astype(str)) == named == set(fractures["site"].astype(str))


def test_vertebroplasty_patient_vas_afterwards(patients, visits):
    after = int(_named("mgmt_vertebroplasty_relief", r"\(VAS score: (\d+)\)").group(1))
    (pid,) = _where(patients, "vertebroplasty")
    p = visits[visits["patient_id"] == pid].set_index("visit")["vas"]
    assert p[VISIT_ORDER[1]] == after


def test_symptom_patterns_match_case_series_counts(patients):
    """'Fifty percent of our patients (n=5) had back pain and low back pain, 20% (n=2) had ...'"""
    quote = statement("cs_symptom_patterns").quote
    patterns = re.findall(r"\(n=(\d+)\) had ([a-z -]+?pain)(?:,|$)", quote)
    assert len(patterns) >= 4
    regions = patients["symptoms"].map(lambda text: frozenset(parse_symptom_regions(text)))
    for n, phrase in patterns:
        assert (regions == frozenset(parse_symptom_regions(phrase))).sum() == int(n), phrase
    assert sum(int(n) for n, _ in patterns) == len(patients)


def test_low_back_pain_share(patients):
    share = float(_named("cs_low_back_pain", r"in (\d+)% of these patients").group(1))
    with_lbp = patients["symptoms"].map(lambda text: "low back" in parse_symptom_regions(text))
    assert 100 * with_lbp.mean() == pytest.approx(share)


def test_baseline_vas_mean(visits):
    stated = _named("cs_vas", r"\(VAS\) score for spinal pain was ([\d.]+)").group(1)
    baseline = visits.loc[visits["visit"] == VISIT_ORDER[0], "vas"].astype(int).tolist()
    assert f"{statistics.mean(baseline):.{len(stated.split('.')[1])}f}" == stated


def test_table_i_vas_equals_table_ii_baseline_vas(patients, visits):
    baseline = visits[visits["visit"] == VISIT_ORDER[0]].set_index("patient_id")["vas"]
    assert (patients["vas_table_i"] == baseline.reindex(patients.index)).all()


def test_postpartum_weeks_range_and_median(patients):
    found = _named("cs_symptom_onset", r"within postpartum (\d+)[–-](\d+) weeks.*median (\d+) weeks")
    weeks = patients["postpartum_week_at_diagnosis"].astype(int)
    assert (weeks.min(), weeks.max(), statistics.median(weeks)) == tuple(int(g) for g in found.groups())


def test_femoral_neck_mean_t_score(patients):
    claim = printed("cs_tscore_fn_mean")  # "the mean femoral neck T score was -2.19 ± 0.50"
    mean = statistics.mean(patients["t_score_femoral_neck"].astype(float))
    assert f"{mean:.{claim.decimals}f}" == claim.as_printed


def test_figure_captions_name_the_right_patients_and_sides():
    imaging = load_imaging_findings()
    si = _named("fig1_caption", r"^(\w+)-sided sacroiliac joint involvement of patient no (\d+)")
    rows = imaging.query("site == 'sacroiliac_joint'")[["patient_id", "side"]].astype(str)
    assert rows.values.tolist() == [[si.group(2), si.group(1).lower()]]
    fn = _named("fig2_caption", r"^Bilateral femoral neck involvement of patient no (\d+)")
    femoral = imaging.query("site == 'femoral_neck'")
    assert set(femoral["patient_id"]) == {int(fn.group(1))}
    assert set(femoral["side"].astype(str)) == {"left", "right"}
    talus = _named("fig3_caption", r"in the talus of patient no (\d+)")
    assert set(imaging.query("site == 'talus'")["patient_id"]) == {int(talus.group(1))}


def test_talus_patient_had_mild_hypercalcaemia_and_raised_alp():
    """'Her laboratory work-up showed mild hypercalcemia and mild elevation of alkaline phosphatase'."""
    quote = statement("cs_talus_labs").quote
    expected = {}
    if "hypercalcemia" in quote:
        expected["calcium_mg_dl"] = "high"
    if "elevation of alkaline phosphatase" in quote:
        expected["alp_u_l"] = "high"
    pid = int(_named("fig3_caption", r"patient no (\d+)").group(1))
    flags = load_lab_flags()
    flags = flags[(flags["patient_id"] == pid) & (flags["visit"] == VISIT_ORDER[0])]
    assert dict(zip(flags["analyte"].astype(str), flags["flag"].astype(str), strict=True)) == expected


@pytest.mark.parametrize("claim_id", ["tii_p8_fracture_levels", "tii_p10_fracture_levels"])
def test_acute_compressions_named_in_table_ii(claim_id):
    claim = printed(claim_id)
    (pid,) = claim.patient_ids
    printed_levels = set(re.findall(r"[TL]\d+", claim.quote))
    fractures = load_imaging_findings().query("finding == 'compression_fracture' and patient_id == @pid")
    assert set(fractures["site"].astype(str)) == printed_levels == set(claim.vertebral_levels)
