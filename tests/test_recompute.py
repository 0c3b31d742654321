"""Tests for plro.recompute: the registry of rules that select what each claim is about.

What each rule finds in the real tables is checked in tests/test_audit.py (against an
independent recomputation with the csv and statistics modules); here: the registry's
contract, its error messages, and rules on small synthetic tables.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from plro import recompute
from plro.audit import audit_table
from plro.data import VISIT_ORDER, VISITS
from plro.paper import printed, reported_statistics


def claims_frame(*rows):
    return pd.DataFrame(rows, columns=["claim_id", "derivable", "recompute"])


def test_every_derivable_claim_names_an_existing_rule_and_every_rule_is_used():
    claims = reported_statistics()
    recompute.check_claims(claims)  # raises on a problem
    used = set(claims.loc[claims["derivable"] == "yes", "recompute"].astype(str))
    assert used == recompute.RULE_NAMES


@pytest.mark.parametrize(("row", "message"), [
    (("cs_x", "yes", "no_such_rule"), r"line 2, claim 'cs_x': recompute rule 'no_such_rule' does not exist"),
    (("cs_y", "yes", pd.NA), r"line 2, claim 'cs_y': derivable == 'yes' but no recompute rule"),
    (("cs_z", "no", "smokers"), r"line 2, claim 'cs_z': names recompute rule 'smokers' but derivable"),
])
def test_check_claims_names_the_claim_and_the_rule(row, message):
    with pytest.raises(recompute.RuleError, match=message):
        recompute.check_claims(claims_frame(row))


def test_check_claims_reports_every_problem_with_its_line():
    bad = claims_frame(("a", "yes", "smokers"), ("b", "yes", "nope"), ("c", "yes", "nada"))
    with pytest.raises(recompute.RuleError) as error:
        recompute.check_claims(bad)
    assert "line 3, claim 'b'" in str(error.value) and "line 4, claim 'c'" in str(error.value)


def test_the_audit_refuses_a_claim_with_an_unknown_rule():
    claims = reported_statistics()
    derivable = claims.index[claims["derivable"] == "yes"][0]
    claims.loc[derivable, "recompute"] = "renamed_rule"
    with pytest.raises(recompute.RuleError, match="renamed_rule"):
        audit_table(claims=claims)


def test_rule_lookup_names_the_claim():
    assert recompute.rule("smokers") is recompute.RULES["smokers"]
    with pytest.raises(recompute.RuleError, match="claim 'cs_q' names recompute rule 'nope'"):
        recompute.rule("nope", "cs_q")


# ------------------------------------------------------------ rules on synthetic tables
def tiny_tables():
    patients = pd.DataFrame({
        "patient_id": pd.array([1, 2, 3], dtype="Int64"),
        "age_years": pd.array([20, 30, 31], dtype="Int64"),
        "smoking": pd.array([True, False, True], dtype="boolean"),
        "symptoms": pd.array(["Back and low back pain", "Low back pain", "Hip and ankle pain"],
                             dtype="string"),
    })
    months = list(VISITS.items())
    pain = {1: [8, 3, 2, 1], 2: [5, 5, 4, 0], 3: [6, 7, 1, None]}  # VAS at each visit
    visits = pd.DataFrame(
        [(pid, label, month, vas) for pid, scores in pain.items()
         for (label, month), vas in zip(months, scores, strict=True)],
        columns=["patient_id", "visit", "month", "vas"],
    ).astype({"vas": "Float64"})
    return {"patients": patients, "visits": visits}


def test_count_rule_counts_and_names_patients():
    found = recompute.rule("smokers")(tiny_tables())
    assert (found.statistic, found.values, found.patient_ids) == ("value", (Decimal(2),), (1, 3))


def test_mean_rule_selects_one_value_per_patient():
    found = recompute.rule("age_mean")(tiny_tables())
    assert found.statistic == "mean" and found.patient_ids == (1, 2, 3)
    assert found.values == (Decimal(20), Decimal(30), Decimal(31))


def test_symptom_rules_read_body_regions():
    t = tiny_tables()
    percent = recompute.rule("symptom_any_low_back_pain_percent")(t)
    assert (percent.statistic, percent.values, percent.n, percent.patient_ids) == (
        "percent", (Decimal(2),), 3, (1, 2))
    only = recompute.rule("symptom_low_back_pain_only_count")(t)
    assert only.patient_ids == (2,)


def test_relief_rule_compares_the_first_follow_up_with_baseline():
    assert recompute.rule("relief_month_1")(tiny_tables()).patient_ids == (1,)


def test_every_patient_at_a_visit_gives_its_month_or_no_value():
    t = tiny_tables()
    last = VISIT_ORDER[-1]
    first = recompute.rule(f"visit_{VISIT_ORDER[1]}_all")(t)
    assert first.values == (Decimal(VISITS[VISIT_ORDER[1]]),)
    assert recompute.rule(f"visit_{last}_all")(t).values == ()  # patient 3 has no VAS there


def test_found_refuses_an_unknown_statistic():
    with pytest.raises(ValueError, match=r"^statistic must be one of \('value', .*\), not 'average'$"):
        recompute.Found("average")


def test_rule_error_without_a_claim_names_only_the_rule():
    with pytest.raises(recompute.RuleError) as error:
        recompute.rule("nope")
    assert str(error.value).startswith("reported_statistics.csv: recompute rule 'nope', which ")


def test_check_claims_lists_one_problem_per_indented_line():
    bad = claims_frame(("b", "yes", "nope"), ("c", "no", "smokers"))
    with pytest.raises(recompute.RuleError) as error:
        recompute.check_claims(bad)
    head, first, second = str(error.value).split("\n")
    assert head == "reported_statistics.csv:"
    assert first.startswith("  line 2, claim 'b'") and second.startswith("  line 3, claim 'c'")


# ------------------------------------------- every rule on four synthetic patients
# Patients 1, 3, 8 and 10, chosen so that each rule's answer differs from what a
# slightly different rule would give; each expected value below is worked out by hand
# from these rows.
def four_patients():
    boolean = "boolean"
    patients = pd.DataFrame({
        "patient_id": pd.array([1, 3, 8, 10], dtype="Int64"),
        "age_years": pd.array([20, 27, 33, 31], dtype="Int64"),
        "postpartum_week_at_diagnosis": pd.array([24, 2, 8, 4], dtype="Int64"),
        "twin_pregnancy": pd.array([False, False, True, False], dtype=boolean),
        "smoking": pd.array([True, False, True, False], dtype=boolean),
        "symptoms": pd.array(["Back and low back pain", "Hip and ankle pain, difficulty in walking",
                              "Low back pain", "Hip and low back pain"], dtype="string"),
        "breastfeeding": ["continued", "not_stated", "continued", "discontinued"],
        "vitamin_d_calcium": pd.array([True, True, False, True], dtype=boolean),
        "bisphosphonate": pd.array([True, False, True, False], dtype=boolean),
        "vertebroplasty": pd.array([False, False, True, False], dtype=boolean),
        "t_score_l1_l4": pd.array([-2.9, -2.5, -3.0, -2.0], dtype="Float64"),
        "t_score_l2_l4": pd.array([-2.8, -2.6, -3.1, -2.1], dtype="Float64"),
        "t_score_femoral_neck": pd.array([-2.0, -1.5, -2.2, None], dtype="Float64"),
    })
    pain = {1: [9, 7, 4, 2], 3: [6, 0, 1, None], 8: [2, 1, 0, 0], 10: [9, 7, 4, 2]}
    visits = pd.DataFrame(
        [(pid, label, month, vas) for pid, scores in pain.items()
         for (label, month), vas in zip(VISITS.items(), scores, strict=True)],
        columns=["patient_id", "visit", "month", "vas"],
    ).astype({"patient_id": "Int64", "month": "Int64", "vas": "Int64"})
    # a laboratory value missing where the VAS is not; rows from the last visit to the first
    visits["calcium_mg_dl"] = pd.array([None if i == 1 else 9.0 for i in range(len(visits))],
                                       dtype="Float64")
    visits = visits.iloc[::-1].reset_index(drop=True)
    findings = pd.DataFrame([
        (8, "lumbar_spine", "L1", "compression_fracture"),
        (8, "thoracic_spine", "T12", "compression_fracture"),
        (8, "lumbar_spine", "L1", "vertebroplasty"),
        (8, "thoracic_spine", "T12", "vertebroplasty"),
        (10, "lumbar_spine", "L4", "compression_fracture"),
        (10, "thoracic_spine", "T9", "compression_fracture"),
        (10, "hip", "femoral_neck", "involvement"),
        (3, "ankle", "talus", "edema_and_stress_fracture"),
        (3, "hip", "femoral_neck", "involvement"),
        (3, "pelvis", "sacroiliac_joint", "involvement"),
    ], columns=["patient_id", "region", "site", "finding"]).astype({"patient_id": "Int64"})
    flags = pd.DataFrame([
        (3, "baseline", "calcium_mg_dl", "high"),
        (1, "baseline", "calcium_mg_dl", "high"),  # not a talus patient
        (3, "month_1", "alp_u_l", "high"),  # the talus patient, but not at baseline
        (10, "baseline", "alp_u_l", "high"),  # not a talus patient
        (1, "month_3", "calcium_mg_dl", "low"),
        (3, "baseline", "alp_u_l", "low"),  # the talus patient at baseline, but low
    ], columns=["patient_id", "visit", "analyte", "flag"]).astype({"patient_id": "Int64"})
    return {"patients": patients, "visits": visits, "imaging_findings": findings,
            "lab_flags": flags}


def D(*numbers):
    return tuple(Decimal(str(n)) for n in numbers)


@pytest.mark.parametrize(("name", "values", "patient_ids"), [
    ("twin_patients", D(1), (8,)),
    ("smokers", D(2), (1, 8)),
    ("breastfeeding_continued", D(2), (1, 8)),
    ("breastfeeding_discontinued", D(1), (10,)),
    ("supplemented_patients", D(3), (1, 3, 10)),
    ("bisphosphonate_patients", D(2), (1, 8)),
    ("vertebroplasty_patients", D(1), (8,)),
    ("vertebroplasty_patient_id", D(8), (8,)),
    ("relief_month_1", D(1), (3,)),  # 8 falls 1 point (50 %), 1 and 10 fall 2 points (22 %)
    ("symptom_resolution_month_1", D(1), (3,)),
    ("spinal_involvement_patients", D(2), (1, 8)),  # 10 has back pain but a femoral neck site
    ("sacroiliac_patients", D(1), (3,)),
    ("femoral_neck_patients", D(2), (3, 10)),
    ("sacroiliac_patient_id", D(3), (3,)),
    ("femoral_neck_patient_id", (), (3, 10)),  # two patients: no single id
    ("talus_patient_id", D(3), (3,)),
    ("talus_with_low_back_pain", D(0), ()),
    ("bmd_patients", D(3), (1, 3, 8)),  # 10 has no femoral neck T-score
    ("vertebroplasty_vas_month_1", D(1), None),
    ("bone_density_span_months", D(0), None),
    ("last_visit_month", D(6), None),
    ("onset_min", D(2), None),
    ("onset_max", D(24), None),
    (f"visit_{VISIT_ORDER[1]}_all", D(1), (1, 3, 8, 10)),
    (f"visit_{VISIT_ORDER[-1]}_all", (), (1, 8, 10)),  # 3 has no VAS at the last visit
])
def test_counting_rules_on_four_patients(name, values, patient_ids):
    found = recompute.rule(name)(four_patients())
    assert (found.statistic, found.values, found.patient_ids) == ("value", values, patient_ids)
    assert found.parts == () and found.levels is None and found.n is None


@pytest.mark.parametrize(("name", "statistic", "values", "patient_ids"), [
    ("age_mean", "mean", D(20, 27, 33, 31), (1, 3, 8, 10)),
    ("age_sd", "sd", D(20, 27, 33, 31), (1, 3, 8, 10)),
    ("age_median", "median", D(20, 27, 33, 31), (1, 3, 8, 10)),
    ("onset_mean", "mean", D(24, 2, 8, 4), (1, 3, 8, 10)),
    ("onset_sd", "sd", D(24, 2, 8, 4), (1, 3, 8, 10)),
    ("onset_median", "median", D(24, 2, 8, 4), (1, 3, 8, 10)),
    ("vas_baseline_mean", "mean", D(9, 6, 2, 9), (1, 3, 8, 10)),
    ("vas_baseline_sd", "sd", D(9, 6, 2, 9), (1, 3, 8, 10)),
    ("vas_baseline_back_pain_mean", "mean", D(9, 2, 9), (1, 8, 10)),
    ("t_score_l1_l4_mean", "mean", D(-2.9, -2.5, -3.0, -2.0), (1, 3, 8, 10)),
    ("t_score_l2_l4_sd", "sd", D(-2.8, -2.6, -3.1, -2.1), (1, 3, 8, 10)),
    ("t_score_femoral_neck_mean", "mean", D(-2.0, -1.5, -2.2), (1, 3, 8)),
    ("t_score_femoral_neck_sd", "sd", D(-2.0, -1.5, -2.2), (1, 3, 8)),
])
def test_summary_rules_select_one_value_per_patient(name, statistic, values, patient_ids):
    found = recompute.rule(name)(four_patients())
    assert (found.statistic, found.values, found.patient_ids, found.n) == (
        statistic, values, patient_ids, len(values))


def test_patient_count_rule():
    found = recompute.rule("n_patients")(four_patients())
    assert (found.statistic, found.values, found.n) == ("value", D(4), 4)


@pytest.mark.parametrize(("name", "levels", "patient_ids"), [
    ("vertebroplasty_levels", ("T12", "L1"), (8,)),  # spine order, not text order
    ("fracture_levels_patient_8", ("T12", "L1"), (8,)),
    ("fracture_levels_patient_10", ("T9", "L4"), (10,)),
])
def test_level_rules_list_levels_from_head_to_pelvis(name, levels, patient_ids):
    found = recompute.rule(name)(four_patients())
    assert (found.values, found.levels, found.patient_ids) == (D(len(levels)), levels, patient_ids)


def test_latest_rule_intersects_the_latest_under_every_rule():
    # Patients 1 and 10 (VAS 9, 7, 4, 2) are the last under every rule; 3 and 8 are not
    # (8 ties with nobody: she reaches VAS 0 at month 3); only patient 1 kept breast-feeding.
    t = four_patients()
    found = recompute.rule("breastfeeding_latest")(t)
    assert (found.values, found.patient_ids) == (D(2), (1, 10))
    (label_kept, kept), (label_all, everyone) = found.parts
    assert label_kept == "who continued breast-feeding, among the latest under every rule"
    assert label_all == "patients among the latest under every rule"
    assert (kept.values, kept.patient_ids) == (D(1), (1,))  # patient 10 discontinued
    assert (everyone.values, everyone.patient_ids) == (D(2), (1, 10))
    # patient 1 reaching VAS 0 at month 6 leaves patient 10 the only one latest under all
    later = t["visits"].copy()
    later.loc[(later["patient_id"] == 1) & (later["month"] == 6), "vas"] = 0
    alone = recompute.rule("breastfeeding_latest")({**t, "visits": later})
    assert (alone.patient_ids, alone.parts[0][1].values) == ((10,), D(0))
    # patient 8 never reaching VAS 0 ties her with 1 and 10 under that rule only
    never = t["visits"].copy()
    never.loc[(never["patient_id"] == 8) & (never["month"] >= 3), "vas"] = 1
    assert recompute.rule("breastfeeding_latest")({**t, "visits": never}).patient_ids == (1, 10)


def test_back_pain_alone_counts_as_back_pain():
    t = four_patients()
    p = t["patients"].copy()
    p.loc[p["patient_id"] == 8, "symptoms"] = "Back pain"
    t = {**t, "patients": p,  # patient 3 (hip and ankle pain) without her MRI sites elsewhere
         "imaging_findings": t["imaging_findings"][t["imaging_findings"]["patient_id"] != 3]}
    assert recompute.rule("spinal_involvement_patients")(t).patient_ids == (1, 8)
    assert recompute._back_pain_baseline_vas("mean")(t).patient_ids == (1, 8, 10)


def test_vertebroplasty_vas_needs_exactly_one_treated_patient():
    t = four_patients()
    p = t["patients"].copy()
    p.loc[p["patient_id"] == 1, "vertebroplasty"] = True
    assert recompute.rule("vertebroplasty_vas_month_1")({**t, "patients": p}).values == ()


def test_calcium_flags_are_counted_in_all_and_per_visit():
    found = recompute.rule("calcium_flags")(four_patients())
    assert (found.values, found.patient_ids) == (D(3), (1, 3))
    assert [label for label, _ in found.parts] == list(VISIT_ORDER)
    per_visit = {label: (part.values, part.patient_ids) for label, part in found.parts}
    assert per_visit == {VISIT_ORDER[0]: (D(2), (1, 3)), VISIT_ORDER[1]: (D(0), ()),
                         VISIT_ORDER[2]: (D(1), (1,)), VISIT_ORDER[3]: (D(0), ())}


def test_bone_density_span_reads_dated_t_scores_when_visits_have_them():
    t = four_patients()
    dated = t["visits"].assign(t_score_l1_l4=pd.array([None] * len(t["visits"]), dtype="Float64"))
    assert recompute.rule("bone_density_span_months")({**t, "visits": dated}).values == D(0)
    dated["t_score_femoral_neck"] = pd.array([None] * len(dated), dtype="Float64")
    dated.loc[(dated["patient_id"] == 3) & (dated["month"] == 3), "t_score_l1_l4"] = -2.4
    dated.loc[(dated["patient_id"] == 1) & (dated["month"] == 0), "t_score_l1_l4"] = -2.9
    dated.loc[(dated["patient_id"] == 1) & (dated["month"] == 0), "t_score_femoral_neck"] = -2.0
    assert recompute.rule("bone_density_span_months")({**t, "visits": dated}).values == D(3)


# Rules made by a factory are built once, when the module is imported; each test below
# also builds its rule afresh so that the factory itself is exercised, and checks that
# the fresh rule is the one in the registry.
@pytest.mark.parametrize(("name", "stem", "regions", "ids"), [
    ("symptom_back_and_low_back_pain", "back_and_low_back_pain", {"back", "low back"}, (1,)),
    ("symptom_hip_and_low_back_pain", "hip_and_low_back_pain", {"hip", "low back"}, (10,)),
    ("symptom_hip_and_ankle_pain", "hip_and_ankle_pain", {"hip", "ankle"}, (3,)),
    ("symptom_hip_and_inguinal_pain", "hip_and_inguinal_pain", {"hip", "inguinal"}, ()),
    ("symptom_low_back_pain_only", "low_back_pain_only", {"low back"}, (8,)),
])
def test_symptom_rules_match_the_exact_set_of_regions(name, stem, regions, ids):
    t = four_patients()
    for kind, percent in (("count", False), ("percent", True)):
        fresh = recompute._symptom(lambda r, want=regions: r == want, percent)(t)
        assert fresh == recompute.rule(f"{name}_{kind}")(t)
        assert (fresh.values, fresh.patient_ids) == (D(len(ids)), ids)
        assert (fresh.statistic, fresh.n) == (("percent", 4) if percent else ("value", None))


def test_any_low_back_pain_rule_counts_every_patient_who_has_it():
    t = four_patients()
    fresh = recompute._symptom(lambda r: "low back" in r, True)(t)
    assert fresh == recompute.rule("symptom_any_low_back_pain_percent")(t)
    assert (fresh.statistic, fresh.values, fresh.patient_ids, fresh.n) == (
        "percent", D(3), (1, 8, 10), 4)


@pytest.mark.parametrize(("column", "value", "ids"), [
    ("smoking", True, (1, 8)), ("twin_pregnancy", True, (8,)),
    ("breastfeeding", "discontinued", (10,)),
])
def test_patients_where_counts_the_patients_with_the_value(column, value, ids):
    t = four_patients()
    fresh = recompute._patients_where(column, value)(t)
    assert (fresh.statistic, fresh.values, fresh.patient_ids) == ("value", D(len(ids)), ids)
    if value is True:  # the default value
        assert recompute._patients_where(column)(t) == fresh


def test_every_patient_at_factory_gives_the_visit_month_only_when_all_have_a_vas():
    t = four_patients()
    for label, values, ids in [(VISIT_ORDER[1], D(1), (1, 3, 8, 10)),  # a calcium is missing
                               (VISIT_ORDER[2], D(3), (1, 3, 8, 10)),
                               (VISIT_ORDER[3], (), (1, 8, 10))]:
        fresh = recompute._every_patient_at(label)(t)
        assert fresh == recompute.rule(f"visit_{label}_all")(t)
        assert (fresh.statistic, fresh.values, fresh.patient_ids) == ("value", values, ids)


def test_back_pain_baseline_vas_factory_keeps_patients_with_back_or_low_back_pain():
    t = four_patients()
    for statistic in ("mean", "sd"):
        fresh = recompute._back_pain_baseline_vas(statistic)(t)
        assert (fresh.statistic, fresh.values, fresh.patient_ids, fresh.n) == (
            statistic, D(9, 2, 9), (1, 8, 10), 3)
    assert recompute._back_pain_baseline_vas("mean")(t) == recompute.rule(
        "vas_baseline_back_pain_mean")(t)


@pytest.mark.parametrize(("analyte", "flag", "ids"), [
    ("calcium_mg_dl", "high", (3,)),  # patient 1's baseline arrow is not a talus patient's
    ("alp_u_l", "high", ()),  # the talus patient's high ALP is at month 1; at baseline, low
    ("alp_u_l", "low", (3,)),
])
def test_talus_flag_factory_counts_baseline_arrows_of_the_talus_patient(analyte, flag, ids):
    t = four_patients()
    fresh = recompute._talus_flag(analyte, flag)(t)
    assert (fresh.statistic, fresh.values, fresh.patient_ids) == ("value", D(len(ids)), ids)
    if flag == "high":
        name = {"calcium_mg_dl": "talus_calcium_high", "alp_u_l": "talus_alp_high"}[analyte]
        assert fresh == recompute.rule(name)(t)


def bib_key(refnumber):
    """The key of the entry of book/references.bib whose refnumber is ``refnumber``."""
    bib = (Path(__file__).parents[1] / "book" / "references.bib").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=@)", bib)
    (key,) = [re.match(r"@\w+\{([^,]+),", e).group(1) for e in entries
              if re.search(rf"refnumber\s*=\s*\{{{refnumber}\}}", e)]
    return key


def test_reference_rules_read_the_printed_reference_list():
    year = recompute._reference(20, "year")({})
    assert (year.statistic, year.values, year.detail) == (
        "value", (Decimal(int(printed("disc_tanriover_year").value)),), bib_key(20))
    assert year == recompute.rule("reference_year_20")({})
    cohort = recompute._reference(9, "cohort")({})
    assert (cohort.statistic, cohort.values, cohort.detail) == (
        "value", (Decimal(int(printed("disc_laroche_cohort").value)),), bib_key(9))
    assert cohort == recompute.rule("reference_cohort_size_9")({})
    no_size = recompute._reference(20, "cohort")({})  # its title gives no number of patients
    assert (no_size.statistic, no_size.values, no_size.detail) == ("value", (), bib_key(20))
