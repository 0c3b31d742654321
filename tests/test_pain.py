"""Tests for plro.pain (time to control, claim checks) and its figures (plro.figures.pain).

Expected values come from synthetic visits worked out by hand, from the
paper's Table II typed in below, or from the paper's printed numbers in
data/reported_statistics.csv (through plro.paper); never from the code under
test.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import plro.pain as pain
from plro.data import load_patients, load_visits
from plro.figures.pain import VAS_LABEL, plot_vas_by_group, plot_vas_trajectories
from plro.pain import (
    GROUPINGS,
    control_intervals,
    fall_at_least,
    interval_text,
    latest_controllers,
    month1_relief,
    patient_groups,
    reported_mean_check,
    reported_pain_control,
    sensitivity_table,
    time_to_control,
    vas_at_most,
    vas_wide,
)
from plro.paper import claim_patients, printed

# Table II of the paper, VAS at baseline, 1, 3 and 6 months, typed from the article.
TABLE_II_VAS = {
    1: (9, 5, 1, 0), 2: (8, 2, 2, 1), 3: (7, 1, 2, 0), 4: (9, 1, 1, 0), 5: (7, 3, 2, 0),
    6: (7, 4, 1, 0), 7: (7, 2, 2, 0), 8: (9, 6, 3, 1), 9: (7, 4, 3, 1), 10: (9, 5, 3, 1),
}
MONTHS = (0, 1, 3, 6)
VISIT_LABELS = ("baseline", "month_1", "month_3", "month_6")


def _synthetic(rows: dict[int, tuple]) -> pd.DataFrame:
    """visits-like frame from {patient: (vas0, vas1, vas3, vas6)}; None = missing."""
    records = []
    for pid, values in rows.items():
        for visit, month, vas in zip(VISIT_LABELS, MONTHS, values, strict=True):
            records.append({"patient_id": pid, "visit": visit, "month": month,
                            "vas": pd.NA if vas is None else vas})
    frame = pd.DataFrame(records)
    frame["vas"] = frame["vas"].astype("Int64")
    return frame


def _first_month(values, ok) -> float:
    """Independent reference: month of the first visit where ok(value) holds, NaN if none."""
    for month, value in zip(MONTHS, values, strict=True):
        if ok(value):
            return month
    return float("nan")


def _first_sustained_month(values, limit) -> float:
    """Independent reference: first month from which every later VAS is <= limit."""
    for i, month in enumerate(MONTHS):
        if all(v <= limit for v in values[i:]):
            return month
    return float("nan")


visits = pytest.fixture(scope="module", name="visits")(lambda: load_visits())
patients = pytest.fixture(scope="module", name="patients")(lambda: load_patients())


def teardown_function():
    plt.close("all")


# ------------------------------------------------------------- time to control
def test_time_to_control_synthetic_bounds():
    frame = _synthetic({1: (8, 4, 2, 0), 2: (9, 9, 8, 7), 3: (2, 2, 1, 0)})
    tt = time_to_control(frame, vas_at_most(2)).set_index("patient_id")
    # patient 1 first <= 2 at month 3: control began in (1, 3]
    assert (tt.loc[1, "visit_month"], tt.loc[1, "earliest_month"], tt.loc[1, "latest_month"]) == (3, 1, 3)
    # patient 2 never reaches it: right-censored after month 6
    assert not tt.loc[2, "reached"]
    assert np.isnan(tt.loc[2, "visit_month"])
    assert tt.loc[2, "earliest_month"] == 6 and np.isinf(tt.loc[2, "latest_month"])
    # patient 3 already meets it at baseline
    assert (tt.loc[3, "earliest_month"], tt.loc[3, "latest_month"]) == (0, 0)


def test_time_to_control_relative_fall_includes_exact_threshold():
    frame = _synthetic({1: (8, 4, 2, 0), 2: (9, 6, 3, 1)})
    tt = time_to_control(frame, fall_at_least(0.5)).set_index("patient_id")
    assert tt.loc[1, "visit_month"] == 1  # 8 -> 4 is exactly a 50 % fall
    assert tt.loc[2, "visit_month"] == 3  # 9 -> 6 is 33 %, 9 -> 3 is 67 %


def test_time_to_control_missing_visit_widens_interval():
    frame = _synthetic({1: (8, None, 2, 1)})
    tt = time_to_control(frame, vas_at_most(2)).iloc[0]
    assert (tt["earliest_month"], tt["latest_month"]) == (0, 3)


def test_time_to_control_missing_baseline_widens_interval_back_to_baseline():
    # No baseline VAS: a rule met at month 1 may have been met at baseline already, or at
    # any time up to month 1; the time is not known to be exactly 1.
    frame = _synthetic({1: (None, 2, 1, 0), 2: (8, 2, 1, 0)})
    tt = time_to_control(frame, vas_at_most(2)).set_index("patient_id")
    assert (tt.loc[1, "visit_month"], tt.loc[1, "earliest_month"], tt.loc[1, "latest_month"]) == (1, 0, 1)
    assert control_intervals(frame, vas_at_most(2)).to_dict() == {"P1": "(0, 1]", "P2": "(0, 1]"}
    # met at the second visit held: after the first held visit, as when no visit is missing
    later = time_to_control(_synthetic({1: (None, 5, 2, 0)}), vas_at_most(2)).iloc[0]
    assert (later["earliest_month"], later["latest_month"]) == (1, 3)
    # met at the first visit that was held: known exactly, as at baseline
    assert tuple(time_to_control(_synthetic({1: (2, 2, 1, 0)}), vas_at_most(2)).iloc[0][
        ["earliest_month", "latest_month"]]) == (0, 0)


def test_time_to_control_sustained_rule():
    frame = _synthetic({1: (8, 1, 3, 1)})
    assert time_to_control(frame, vas_at_most(1)).iloc[0]["visit_month"] == 1
    assert time_to_control(frame, vas_at_most(1, sustained=True)).iloc[0]["visit_month"] == 6


def test_time_to_control_ignores_row_order_and_mixed_missing():
    rows = {1: (8, None, 2, 1), 2: (9, 9, None, 7), 3: (2, 2, 1, 0), 4: (7, 5, 4, None)}
    frame = _synthetic(rows).sample(frac=1, random_state=3)  # rows shuffled
    tt = time_to_control(frame, vas_at_most(2)).set_index("patient_id")
    assert list(tt.index) == [1, 2, 3, 4]
    for pid, values in rows.items():
        expected = _first_month(values, lambda v: v is not None and v <= 2)
        got = tt.loc[pid, "visit_month"]
        assert (np.isnan(expected) and np.isnan(got)) or got == expected, pid
    # patient 4: last reported visit is month 3, so she is censored after 3, not 6
    assert tt.loc[4, "earliest_month"] == 3 and np.isinf(tt.loc[4, "latest_month"])


def test_rule_labels_and_unknown_kind():
    assert vas_at_most(2).label == "VAS ≤ 2" and vas_at_most(0).label == "VAS = 0"
    assert fall_at_least(0.5, sustained=True).label == "Fall ≥ 50%, sustained"
    odd = pain.ControlRule("odd", "vas_between", 2)
    with pytest.raises(ValueError, match="unknown rule kind"):
        odd.met(np.array([1.0]), 5.0)


@pytest.mark.parametrize(("make", "args", "label", "threshold", "sustained"), [
    ("vas_at_most", (1,), "VAS ≤ 1", 1, False),
    ("vas_at_most", (0.5,), "VAS ≤ 0.5", 0.5, False),
    ("vas_at_most", (0, True), "VAS = 0, sustained", 0, True),
    ("vas_at_most", (3, True), "VAS ≤ 3, sustained", 3, True),
    ("fall_at_least", (0.3,), "Fall ≥ 30%", 0.3, False),
    ("fall_at_least", (0.5, True), "Fall ≥ 50%, sustained", 0.5, True),
])
def test_rule_constructors_spell_out_the_rule(make, args, label, threshold, sustained):
    rule = getattr(pain, make)(*args)  # built in the test, not when the module is collected
    assert rule == pain.ControlRule(label, make, threshold, sustained)


def test_vas_wide_is_a_float_table_of_months():
    wide = vas_wide(_synthetic({2: (8, None, 2, 1), 1: (5, 4, 3, 2)}))
    assert list(wide.index) == [1, 2] and wide.columns.name == "month"
    assert list(wide.columns) == list(MONTHS)
    assert (wide.dtypes == np.float64).all() and np.isnan(wide.loc[2, 1])


def test_interval_text_three_cases():
    assert interval_text(0, 0) == "0"  # met at baseline: known exactly
    assert interval_text(1, 3) == "(1, 3]"
    assert interval_text(6, float("inf")) == "> 6"  # not reached by the last visit
    assert interval_text(3, float("inf")) == "> 3"  # last reported visit was month 3


def test_control_intervals_synthetic():
    frame = _synthetic({1: (8, 4, 2, 0), 2: (9, 9, 8, 7), 3: (2, 2, 1, 0), 4: (8, None, 2, 1)})
    shown = control_intervals(frame, vas_at_most(2))
    assert shown.name == "VAS ≤ 2"
    assert shown.to_dict() == {"P1": "(1, 3]", "P2": "> 6", "P3": "0", "P4": "(0, 3]"}


def test_relative_fall_needs_positive_baseline():
    with pytest.raises(ValueError, match="baseline"):
        time_to_control(_synthetic({1: (0, 0, 0, 0)}), fall_at_least(0.5))


# ------------------------------------------------------- facts from Table II
def test_vas_matches_table_ii(visits):
    wide = vas_wide(visits)
    for pid, values in TABLE_II_VAS.items():
        assert tuple(wide.loc[pid, list(MONTHS)]) == values


def test_patient_8_times_from_table_ii(visits):
    # P8: VAS 9, 6, 3, 1 -> <= 3 first at month 3; <= 2 only at month 6; 50 % fall at month 3
    tt3 = time_to_control(visits, vas_at_most(3)).set_index("patient_id").loc[8]
    tt2 = time_to_control(visits, vas_at_most(2)).set_index("patient_id").loc[8]
    tt50 = time_to_control(visits, fall_at_least(0.5)).set_index("patient_id").loc[8]
    assert (tt3["earliest_month"], tt3["latest_month"]) == (1, 3)
    assert (tt2["earliest_month"], tt2["latest_month"]) == (3, 6)
    assert tt50["visit_month"] == 3


def test_sustained_vas_le_1_from_table_ii(visits):
    tt = time_to_control(visits, vas_at_most(1, sustained=True)).set_index("patient_id")
    expected = {pid: _first_sustained_month(v, 1) for pid, v in TABLE_II_VAS.items()}
    assert tt["visit_month"].to_dict() == expected
    # patient 3 (VAS 7, 1, 2, 0) is the one the sustained rule moves: month 1 -> month 6
    assert expected[3] == 6 and _first_month(TABLE_II_VAS[3], lambda v: v <= 1) == 1
    assert tt["visit_month"].mean() == pytest.approx(sum(expected.values()) / 10)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_sensitivity_means_recomputed_from_typed_table(visits, k):
    firsts = [_first_month(v, lambda x, k=k: x <= k) for v in TABLE_II_VAS.values()]
    previous = {0: 0, 1: 0, 3: 1, 6: 3}
    table = sensitivity_table(visits, [vas_at_most(k)]).iloc[0]
    assert table["mean, latest"] == pytest.approx(np.mean(firsts))
    assert table["mean, earliest"] == pytest.approx(np.mean([previous[m] for m in firsts]))
    assert [table[f"P{p}"] for p in TABLE_II_VAS] == firsts


def test_sensitivity_table_censoring(visits):
    table = sensitivity_table(visits, [vas_at_most(0)])
    # VAS 0 never reached by P2, P8, P9, P10 (6-month VAS 1 in Table II)
    assert table.iloc[0]["not reached"] == 4
    assert np.isnan(table.iloc[0]["mean, latest"]) and np.isnan(table.iloc[0]["P8"])


# ------------------------------------------------------- the paper's own numbers
def test_reported_pain_control_reads_the_papers_numbers():
    said = reported_pain_control()
    assert said["mean"] == printed("res_pain_control_mean").value
    times = {claim_patients(c)[0]: printed(c).value
             for c in ("res_p8_pain_control", "res_p10_pain_control")}
    assert said["times"] == times
    assert said["latest"] == claim_patients("res_breastfeeding_latest")


def test_reported_pain_control_builds_from_any_claims(monkeypatch):
    values = {"res_pain_control_mean": 1.5, "res_p8_pain_control": 2.0, "res_p10_pain_control": 5.0}
    patients_of = {"res_p8_pain_control": (3,), "res_p10_pain_control": (7,),
                   "res_breastfeeding_latest": (3, 7)}

    class Fake:
        def __init__(self, value):
            self.value = value

    monkeypatch.setattr(pain, "printed", lambda claim: Fake(values[claim]))
    monkeypatch.setattr(pain, "claim_patients", lambda claim: patients_of[claim])
    assert reported_pain_control() == {"mean": 1.5, "times": {3: 2.0, 7: 5.0}, "latest": (3, 7)}


def test_no_threshold_rule_reproduces_the_printed_mean(visits):
    rules = [vas_at_most(k) for k in range(0, 7)] + [fall_at_least(f / 10) for f in range(3, 10)]
    check = reported_mean_check(visits, rules)
    assert not check["equals reported"].any()
    # the paper's "patient 8 of 3.5 months": impossible if control = VAS <= 3 (P8 had 3 at month 3)
    assert not check.loc["VAS ≤ 3", "reported times fit"]
    # with VAS <= 2, P8 and P10 are in (3, 6], so 3.5 and 4 months fit
    assert check.loc["VAS ≤ 2", "reported times fit"]
    assert check.loc["VAS ≤ 2", "attainable"]


def test_reported_mean_check_on_synthetic_numbers():
    frame = _synthetic({1: (8, 4, 2, 0), 2: (9, 9, 2, 0)})
    # VAS <= 2: P1 at 3 (in (1, 3]), P2 at 3 (in (1, 3]); mean of visit months 3.0
    check = reported_mean_check(frame, [vas_at_most(2)], reported_mean=3.0,
                                reported_times={1: 3.0}).iloc[0]
    assert check["equals reported"] and check["reported times fit"] and check["attainable"]
    check = reported_mean_check(frame, [vas_at_most(2)], reported_mean=2.0,
                                reported_times={1: 3.5}).iloc[0]
    assert not check["equals reported"] and not check["reported times fit"]
    assert not check["attainable"]
    # mean 1.2 with P1 at 2 needs P2 at 0.4, below her lower bound 1: not attainable, although
    # 1.2 lies between the means of the bounds (1 and 3)
    check = reported_mean_check(frame, [vas_at_most(2)], reported_mean=1.2,
                                reported_times={1: 2.0}).iloc[0]
    assert check["reported times fit"] and not check["attainable"] and check["within bounds"]


# Three patients under "VAS ≤ 2": P1 in (1, 3], P2 at 0 (met at baseline), P3 in (0, 1].
# Means of the bounds: earliest 1/3, latest 4/3.
THREE = {1: (8, 4, 2, 0), 2: (2, 2, 1, 0), 3: (9, 1, 1, 0)}


@pytest.mark.parametrize(("times", "mean", "fit", "attainable"), [
    ({1: 3.0}, 1.0, True, False),  # P2 + P3 would have to sum to 0, but P3 is > 0
    ({1: 3.0}, 1.3, True, True),  # P3 at 0.9
    ({1: 3.0}, 4 / 3, True, True),  # P3 at 1, her upper bound
    ({1: 3.0}, 1.34, True, False),  # P3 would need 1.02 > 1
    ({1: 1.0}, 1.0, False, False),  # 1 is P1's lower bound, which is excluded
    ({2: 0.0}, 1.0, True, True),  # P2 known to be 0; P1 + P3 = 3, e.g. 2.5 + 0.5
    ({2: 1.0}, 1.0, False, False),
    ({1: 3.0, 3: 1.0}, 4 / 3, True, True),  # P2's 0 is the only choice left: exact
    ({1: 3.0, 3: 1.0}, 1.34, True, False),
])
def test_reported_mean_check_attainable_by_hand(times, mean, fit, attainable):
    check = reported_mean_check(_synthetic(THREE), [vas_at_most(2)], reported_mean=mean,
                                reported_times=times)
    assert list(check.index) == ["VAS ≤ 2"] and check.index.name == "definition"
    row = check.iloc[0]
    assert row["mean of visit months"] == pytest.approx(4 / 3)
    assert (row["reported times fit"], row["attainable"]) == (fit, attainable)
    assert row["equals reported"] == (mean == 1.3)  # 4/3 rounds to 1.3
    assert row["within bounds"] == (1 / 3 <= mean <= 4 / 3)


def test_reported_mean_check_when_someone_never_reaches_control():
    frame = _synthetic({**THREE, 4: (9, 9, 9, 9)})
    row = reported_mean_check(frame, [vas_at_most(2)], reported_mean=1.3,
                              reported_times={1: 3.0}).iloc[0]
    assert np.isnan(row["mean of visit months"]) and not row["equals reported"]


def test_reported_mean_check_bounds_are_inclusive():
    frame = _synthetic(THREE)
    for mean in (1 / 3, 4 / 3):
        check = reported_mean_check(frame, [vas_at_most(2)], reported_mean=mean,
                                    reported_times={2: 0.0})
        assert check.iloc[0]["within bounds"]


def test_reported_mean_check_takes_what_is_not_given_from_the_paper():
    # Under "VAS ≤ 2", P8 (9, 6, 3, 1) and P10 (9, 5, 3, 1) are in (3, 6] and P1 in (1, 3].
    frame = _synthetic({1: (8, 4, 2, 0), 8: (9, 6, 3, 1), 10: (9, 5, 3, 1)})
    paper = {"mean": printed("res_pain_control_mean").value,
             "times": {8: printed("res_p8_pain_control").value,
                       10: printed("res_p10_pain_control").value}}
    # the paper's times sum with P1's bounds to (times + 1, times + 3]; check the mean against that
    total = sum(paper["times"].values())
    only_times = reported_mean_check(frame, [vas_at_most(2)], reported_mean=3.0).iloc[0]
    assert only_times["reported times fit"] == all(3 < t <= 6 for t in paper["times"].values())
    assert only_times["attainable"] == (total + 1 < 9.0 <= total + 3 and only_times["reported times fit"])
    only_mean = reported_mean_check(frame, [vas_at_most(2)], reported_times={1: 2.0}).iloc[0]
    lo, hi = 3 + 3, 6 + 6  # the other two: P8 and P10 in (3, 6]
    assert only_mean["attainable"] == (lo < 3 * paper["mean"] - 2.0 <= hi)
    assert only_mean["within bounds"] == ((1 + 3 + 3) / 3 <= paper["mean"] <= 5)


@pytest.mark.parametrize(("rows", "expected"), [
    (THREE, {"P1": 3.0, "P2": 0.0, "P3": 1.0, "not reached": 0, "mean, earliest": 1 / 3,
             "mean, latest": 4 / 3, "median, latest": 1.0}),
    # two of three never reach it: the median latest time is not finite
    ({1: (8, 4, 2, 0), 2: (9, 9, 8, 7), 3: (9, 9, 9, 9)},
     {"P1": 3.0, "P2": np.nan, "P3": np.nan, "not reached": 2, "mean, earliest": (1 + 6 + 6) / 3,
      "mean, latest": np.nan, "median, latest": np.nan}),
])
def test_sensitivity_table_by_hand(rows, expected):
    table = sensitivity_table(_synthetic(rows), [vas_at_most(2), vas_at_most(9)])
    assert list(table.index) == ["VAS ≤ 2", "VAS ≤ 9"] and table.index.name == "definition"
    assert list(table.columns) == list(expected)
    assert table.loc["VAS ≤ 2"].to_numpy(float) == pytest.approx(
        np.array(list(expected.values()), float), nan_ok=True)
    assert table.loc["VAS ≤ 9", "median, latest"] == 0  # everyone meets VAS ≤ 9 at baseline


def test_time_to_control_columns_and_control_intervals_index():
    frame = _synthetic(THREE)
    tt = time_to_control(frame, vas_at_most(2))
    assert list(tt.columns) == ["patient_id", "rule", "reached", "visit_month", "earliest_month",
                                "latest_month"]
    assert list(tt["rule"]) == ["VAS ≤ 2"] * 3
    shown = control_intervals(frame, vas_at_most(2))
    assert shown.index.name == "patient" and list(shown.index) == ["P1", "P2", "P3"]


def test_latest_controllers_include_patient_9(visits):
    latest = latest_controllers(visits, [vas_at_most(2), vas_at_most(3)])
    # Table II: P8, P9, P10 are the only patients still above 2 at month 3
    assert latest.loc["VAS ≤ 2", "latest patients"] == "P8, P9, P10"
    assert latest.loc["VAS ≤ 2", "latest reached"] == "month 6"
    assert not latest["only claimed"].any()
    assert latest["claimed among latest"].all()


def test_latest_controllers_with_given_claim():
    frame = _synthetic({1: (8, 1, 0, 0), 2: (9, 5, 2, 0), 3: (9, 5, 4, 1)})
    latest = latest_controllers(frame, [vas_at_most(2)], claimed=[3]).iloc[0]
    assert latest["latest patients"] == "P3" and latest["latest reached"] == "month 6"
    assert latest["only claimed"] and latest["n tied"] == 1


def test_latest_controllers_says_when_control_is_never_reached(visits):
    latest = latest_controllers(visits, [vas_at_most(0)])
    never = sorted(p for p, v in TABLE_II_VAS.items() if min(v) > 0)  # still in pain at month 6
    assert latest.loc["VAS = 0", "latest reached"] == "not by month 6"
    assert latest.loc["VAS = 0", "latest patients"] == ", ".join(f"P{p}" for p in never)


def test_month1_relief_thresholds(visits):
    relief = month1_relief(visits)
    assert relief.loc["P8", "fall (%)"] == round(100 * 3 / 9)
    assert relief["fall ≥ 2 points"].all()
    expected_50 = sum((v[0] - v[1]) / v[0] >= 0.5 for v in TABLE_II_VAS.values())
    assert relief["fall ≥ 50%"].sum() == expected_50


def test_no_symptom_resolution_at_one_month_in_table_ii(visits):
    # The paper claims "symptom resolution" at one month; Table II's 1-month VAS never is 0.
    month1 = vas_wide(visits)[1]
    assert (month1 == 0).sum() == 0
    assert month1.min() == min(v[1] for v in TABLE_II_VAS.values())


def test_patient_groups_keep_not_stated_apart(patients):
    groups = patient_groups(patients, "breastfeeding")
    assert groups.name == "breastfeeding" and groups.index.name == "patient_id"
    titles = GROUPINGS["breastfeeding"]["groups"]
    assert groups.loc[3] == titles["not_stated"]
    assert set(groups.index[groups == titles["continued"]]) == set(
        claim_patients("mgmt_breastfeeding_continued"))
    with pytest.raises(ValueError, match="by must be"):
        patient_groups(patients, "smoking")


def test_patient_groups_refuse_unknown_values():
    frame = pd.DataFrame({"patient_id": [1], "breastfeeding": ["sometimes"]})
    with pytest.raises(ValueError, match="sometimes"):
        patient_groups(frame, "breastfeeding")


# --------------------------------------------------------------------- figures
def _lines(ax, gid):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def test_vas_figure_ten_patients_one_median(visits):
    fig = plot_vas_trajectories(visits)
    ax = fig.axes[0]
    assert len(_lines(ax, "patient")) == 10
    (median,) = _lines(ax, "median")
    expected = np.median(np.array(list(TABLE_II_VAS.values())), axis=0)
    np.testing.assert_allclose(median.get_ydata(), expected)
    np.testing.assert_allclose(median.get_xdata(), MONTHS)
    assert ax.get_ylabel() == VAS_LABEL == "Pain, VAS (0-10)"
    assert "months" in ax.get_xlabel()
    assert list(ax.get_xticks()) == list(MONTHS)


def test_vas_figure_by_breastfeeding_keeps_patient_3_apart(visits, patients):
    fig = plot_vas_by_group(visits, patients, "breastfeeding")
    axes = [ax for ax in fig.axes if ax.get_lines()]
    titles = [ax.get_title() for ax in axes]
    assert len(axes) == 3
    assert any("continued" in t and "n = 2" in t for t in titles)
    assert any("discontinued" in t and "n = 7" in t for t in titles)
    assert any("Not stated" in t and "n = 1" in t for t in titles)
    assert sum(len(_lines(ax, "patient")) for ax in axes) == 10
    assert sum(len(_lines(ax, "median")) for ax in axes) == 2  # no median for a group of one
    lone = next(ax for ax in axes if "Not stated" in ax.get_title())
    assert [line.get_label() for line in _lines(lone, "patient")] == ["P3"]
    assert axes[0].get_ylabel() == VAS_LABEL


def test_vas_figure_by_bisphosphonate(visits, patients):
    fig = plot_vas_by_group(visits, patients, "bisphosphonate")
    counts = sorted(len(_lines(ax, "patient")) for ax in fig.axes)
    assert counts == [4, 6]  # patients 1, 3, 6, 7 received bisphosphonates


def test_vas_figure_rejects_unknown_grouping(visits, patients):
    with pytest.raises(ValueError, match="by must be"):
        plot_vas_by_group(visits, patients, "smoking")


# Month-1 ties: a value exactly at a threshold meets it.
def test_month_1_tie_starts_control_in_0_1_and_ties_for_latest():
    # P1 and P2 both first reach VAS <= 2 at month 1, P2 exactly at the threshold (2 <= 2);
    # P3 meets it at baseline (VAS 2, again exactly at the threshold). Control began after the
    # baseline visit that did not meet the rule and by month 1: the interval (0, 1], not the
    # exact time 1 and not (1, ...]. P1 and P2 tie as the latest to reach control, at month 1.
    frame = _synthetic({1: (8, 1, 0, 0), 2: (6, 2, 2, 1), 3: (2, 1, 0, 0)})
    for rule in (vas_at_most(2), vas_at_most(2, sustained=True)):
        tt = time_to_control(frame, rule).set_index("patient_id")
        for pid in (1, 2):
            assert tt.loc[pid, "reached"], (rule.label, pid)
            got = (tt.loc[pid, "visit_month"], tt.loc[pid, "earliest_month"], tt.loc[pid, "latest_month"])
            assert got == (1, 0, 1), (rule.label, pid)
        assert (tt.loc[3, "visit_month"], tt.loc[3, "earliest_month"], tt.loc[3, "latest_month"]) == (0, 0, 0)
    assert list(control_intervals(frame, vas_at_most(2))) == ["(0, 1]", "(0, 1]", "0"]
    both = latest_controllers(frame, [vas_at_most(2)], claimed=[1, 2]).iloc[0]
    assert (both["latest reached"], both["latest patients"], both["n tied"]) == ("month 1", "P1, P2", 2)
    assert both["only claimed"] and both["claimed among latest"]
    one = latest_controllers(frame, [vas_at_most(2)], claimed=[2]).iloc[0]
    assert not one["only claimed"] and one["claimed among latest"]
    baseline_only = latest_controllers(frame, [vas_at_most(2)], claimed=[3]).iloc[0]
    assert not baseline_only["only claimed"] and not baseline_only["claimed among latest"]



def test_month1_relief_counts_a_fall_exactly_at_each_threshold():
    # Month-1 ties: P1 falls exactly 2 points (8 -> 6, 25 %), P2 exactly 50 % (8 -> 4),
    # P3 exactly 30 % and 3 points (10 -> 7), P4 1 point (9 -> 8, 11 %). A fall equal to a
    # threshold meets it ("fall >= 2 points", "fall >= 30 %", "fall >= 50 %").
    frame = _synthetic({1: (8, 6, 3, 1), 2: (8, 4, 2, 0), 3: (10, 7, 5, 2), 4: (9, 8, 6, 4)})
    table = month1_relief(frame)
    expected = pd.DataFrame(
        {
            "baseline": pd.array([8, 8, 10, 9], dtype="Int64"),
            "month 1": pd.array([6, 4, 7, 8], dtype="Int64"),
            "fall (points)": pd.array([2, 4, 3, 1], dtype="Int64"),
            "fall (%)": pd.array([25, 50, 30, 11], dtype="Int64"),
            "fall ≥ 2 points": [True, True, True, False],
            "fall ≥ 30%": [False, True, True, False],
            "fall ≥ 50%": [False, True, False, False],
        },
        index=pd.Index(["P1", "P2", "P3", "P4"], name="patient"),
    )
    pd.testing.assert_frame_equal(table, expected)
    # other thresholds: 3 points and 25 % are met exactly by P3 and P1
    other = month1_relief(frame, points=3, fractions=(0.25,))
    assert list(other["fall ≥ 3 points"]) == [False, True, True, False]
    assert list(other["fall ≥ 25%"]) == [True, True, True, False]


def test_time_to_control_baseline_handling_for_the_relative_fall_rule():
    # Month 1 missing: the baseline is still the month-0 VAS; 8 -> 4 at month 3 is exactly 50 %.
    tt = time_to_control(_synthetic({1: (8, None, 4, 2)}), fall_at_least(0.5)).iloc[0]
    assert (tt["visit_month"], tt["earliest_month"], tt["latest_month"]) == (3, 0, 3)
    # A baseline VAS of 1 is positive: falling to 0 at month 1 is a 100 % fall.
    tt = time_to_control(_synthetic({1: (1, 0, 0, 0)}), fall_at_least(0.5)).iloc[0]
    assert (tt["visit_month"], tt["earliest_month"], tt["latest_month"]) == (1, 0, 1)
    message = r"^a relative-fall rule needs a positive baseline VAS$"
    with pytest.raises(ValueError, match=message):  # no baseline visit at all
        time_to_control(_synthetic({1: (None, 5, 2, 1)}), fall_at_least(0.5))
    with pytest.raises(ValueError, match=message):
        fall_at_least(0.5).met([4.0], None)
    with pytest.raises(ValueError, match=message):
        fall_at_least(0.5).met([0.0], 0.0)
