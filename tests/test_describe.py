"""Tests for plro.describe: summaries, Table 1, and computed-versus-printed numbers.

Expected values come from the paper (Table I as printed, typed in below, and the
numbers it prints, read from data/reported_statistics.csv through plro.paper) or
are recomputed here with the standard library, never copied from the code under
test.
"""

from __future__ import annotations

import statistics

import pandas as pd
import pytest

import plro.describe as describe
from plro.data import load_patients
from plro.describe import (
    CONTINUOUS_LABELS,
    REPORTED_CLAIMS,
    cohort_table,
    cohort_variables,
    computed_vs_reported,
    describe_continuous,
    mean_sd_vs_reported,
    reported_summary,
)
from plro.paper import printed
from plro.symptoms import symptom_pattern

# Table I of the paper, typed in again by hand (patients 1-10 in order).
AGES = [31, 33, 27, 29, 24, 31, 29, 34, 31, 30]
WEEKS = [24, 4, 2, 8, 7, 4, 3, 3, 2, 4]
VAS = [9, 8, 7, 9, 7, 7, 7, 9, 7, 9]
L1_L4 = [-2.9, -3.0, -2.5, -3.2, -2.7, -2.6, -2.7, -3.7, -2.9, -3.5]
FEMORAL_NECK = [-2.7, -2.2, -1.5, -2.0, -1.0, -2.0, -2.4, -2.2, -2.6, -3.3]


patients = pytest.fixture(scope="module", name="patients")(lambda: load_patients())
pattern = pytest.fixture(scope="module", name="pattern")(lambda patients: symptom_pattern(patients))


class _Printed:
    """A stand-in for plro.paper.Printed: just value and sd."""

    def __init__(self, value, sd=None):
        self.value, self.sd = value, sd


# --- summaries -----------------------------------------------------------------------------


def test_describe_continuous_against_statistics_module():
    values = pd.Series(WEEKS + [None], dtype="Float64")
    stats = describe_continuous(values)
    assert stats["n"] == 10
    assert stats["mean"] == pytest.approx(statistics.mean(WEEKS))
    assert stats["sd"] == pytest.approx(statistics.stdev(WEEKS))
    assert stats["median"] == statistics.median(WEEKS) == 4
    q1, _, q3 = statistics.quantiles(WEEKS, n=4, method="inclusive")
    assert (stats["q1"], stats["q3"]) == pytest.approx((q1, q3))
    assert (stats["min"], stats["max"]) == (min(WEEKS), max(WEEKS))


# --- Table 1 -------------------------------------------------------------------------------


def test_cohort_variables_shape_and_values(patients, pattern):
    variables = cohort_variables(patients, pattern)
    assert len(variables) == 10
    assert variables["Smoking"].tolist().count("Yes") == len(printed("cs_smokers").patient_ids)
    assert variables["Age, years"].tolist() == [float(a) for a in AGES]
    assert set(variables["Breast-feeding after diagnosis"]) == {"Discontinued", "Continued", "Not stated"}
    assert variables["Presenting symptom pattern"].tolist() == pattern.astype(str).tolist()


def test_cohort_variables_rejects_missing_yes_no(patients, pattern):
    broken = patients.copy()
    broken.loc[0, "smoking"] = pd.NA
    with pytest.raises(ValueError, match="smoking"):
        cohort_variables(broken, pattern)


def test_cohort_variables_needs_one_pattern_per_patient(patients, pattern):
    with pytest.raises(ValueError, match="one label per patient"):
        cohort_variables(patients, pattern.iloc[:3])


def test_cohort_table_continuous_rows(patients, pattern):
    table = cohort_table(patients, pattern)
    col = table.columns[0]
    assert col == "All patients (n = 10)"
    age = f"{statistics.mean(AGES):.1f} ({statistics.stdev(AGES):.1f})"
    assert table.loc[("Age, years", "mean (SD)"), col] == age
    weeks = table.loc[("Time of diagnosis, weeks after delivery", "median [Q1, Q3]"), col]
    assert weeks.startswith(f"{statistics.median(WEEKS):.1f} [")
    l1_l4 = table.loc[("T-score, lumbar spine L1-L4", "mean (SD)"), col]
    assert l1_l4 == f"{statistics.mean(L1_L4):.2f} ({statistics.stdev(L1_L4):.2f})"


def test_cohort_table_categorical_rows(patients, pattern):
    table = cohort_table(patients, pattern)
    col = table.columns[0]
    assert table.loc[("Smoking", "Yes, n (%)"), col] == "4 (40)"  # patients 5, 6, 8 and 10
    assert table.loc[("Twin pregnancy", "Yes, n (%)"), col] == "1 (10)"  # patient 4
    assert table.loc[("Breast-feeding after diagnosis", "Continued, n (%)"), col] == "2 (20)"
    assert table.loc[("Bisphosphonate", "Yes, n (%)"), col] == "4 (40)"  # patients 1, 3, 6, 7
    assert table.loc[("Vertebroplasty", "Yes, n (%)"), col] == "1 (10)"
    assert table.loc[("Presenting symptom pattern", "Back + low back, n (%)"), col] == "5 (50)"
    # 6 continuous x 2 rows + levels: 2 + 2 + 3 + 5 + 2 + 2
    assert len(table) == 12 + 16


# --- the paper's printed summaries ------------------------------------------------------------


def test_every_reported_claim_is_a_printed_mean_with_sd():
    for column, claims in REPORTED_CLAIMS.items():
        assert column in CONTINUOUS_LABELS
        assert printed(claims["mean"]).sd is not None, column
        if "median" in claims:
            assert printed(claims["median"]).sd is None, column


def test_reported_summary_maps_the_claims(monkeypatch):
    fake = {"cs_age_mean": _Printed(29.0, 3.0), "cs_age_median": _Printed(30.0),
            "cs_vas_mean": _Printed(7.0, 1.0)}
    monkeypatch.setattr(describe, "printed", lambda claim: fake[claim])
    assert reported_summary("age_years") == {"mean": 29.0, "sd": 3.0, "median": 30.0}
    assert reported_summary("vas_table_i") == {"mean": 7.0, "sd": 1.0, "median": None}
    with pytest.raises(KeyError, match="smoking"):
        reported_summary("smoking")


def test_reported_summary_reads_the_case_series_numbers():
    age = reported_summary("age_years")
    assert (age["mean"], age["sd"]) == (printed("cs_age_mean").value, printed("cs_age_mean").sd)
    assert age["median"] == printed("cs_age_median").value


def test_text_vas_for_spinal_pain_equals_the_mean_of_all_ten(patients):
    # The text prints its mean VAS "for spinal pain"; Table I's ten scores give that mean, the
    # eight women with back or low back pain do not.
    from plro.symptoms import spinal_patients

    spinal = spinal_patients(patients).to_numpy()
    text_mean = reported_summary("vas_table_i")["mean"]
    assert round(statistics.mean(VAS), 1) == text_mean
    spinal_vas = [v for v, s in zip(VAS, spinal, strict=True) if s]
    assert len(spinal_vas) == 8 and round(statistics.mean(spinal_vas), 1) != text_mean


def test_computed_vs_reported_on_fake_printed_numbers(monkeypatch, patients):
    fake = {"cs_age_mean": _Printed(29.0, 3.0), "cs_age_median": _Printed(30.0),
            "cs_onset_mean": _Printed(7.0, 7.0), "cs_onset_median": _Printed(4.0),
            "cs_vas_mean": _Printed(8.0, 1.0), "cs_tscore_l1_l4_mean": _Printed(-3.0, 0.4),
            "cs_tscore_l2_l4_mean": _Printed(-3.0, 0.4), "cs_tscore_fn_mean": _Printed(-2.0, 0.5)}
    monkeypatch.setattr(describe, "printed", lambda claim: fake[claim])
    table = computed_vs_reported(patients).set_index(["variable", "statistic"])
    assert len(table) == 6 + 6 + 2  # six means, six SDs, two medians
    age = table.loc[("Age, years", "mean")]
    assert age["reported_in_text"] == 29.0
    assert age["difference"] == pytest.approx(round(statistics.mean(AGES), 2) - 29.0)
    assert table.loc[("Age, years", "median"), "difference"] == statistics.median(AGES) - 30.0


def test_computed_vs_reported_shows_the_differences(patients):
    table = computed_vs_reported(patients).set_index(["variable", "statistic"])
    weeks = "Time of diagnosis, weeks after delivery"
    printed_weeks = printed("cs_onset_mean").value
    assert table.loc[(weeks, "mean"), "computed_from_table_i"] == pytest.approx(statistics.mean(WEEKS))
    assert table.loc[(weeks, "mean"), "difference"] == pytest.approx(statistics.mean(WEEKS) - printed_weeks)
    assert table.loc[(weeks, "median"), "difference"] == 0
    assert table.loc[("Age, years", "median"), "computed_from_table_i"] == statistics.median(AGES)
    assert table.loc[("Baseline pain, VAS 0-10", "SD"), "computed_from_table_i"] == pytest.approx(
        statistics.stdev(VAS), abs=0.005
    )
    fn_sd = table.loc[("T-score, femoral neck", "SD"), "difference"]
    assert fn_sd == pytest.approx(statistics.stdev(FEMORAL_NECK) - printed("cs_tscore_fn_mean").sd,
                                  abs=0.006)


def test_mean_sd_vs_reported(patients):
    table = mean_sd_vs_reported(patients, ["t_score_l1_l4", "t_score_femoral_neck"])
    assert list(table.index) == ["t_score_l1_l4", "t_score_femoral_neck"]
    assert table.loc["t_score_l1_l4", "Table I: mean"] == pytest.approx(statistics.mean(L1_L4))
    assert table.loc["t_score_femoral_neck", "Table I: SD"] == pytest.approx(
        statistics.stdev(FEMORAL_NECK))
    claim = printed("cs_tscore_l1_l4_mean")
    assert (table.loc["t_score_l1_l4", "text: mean"], table.loc["t_score_l1_l4", "text: SD"]) == (
        claim.value, claim.sd)
