"""Tests for plro.outcomes: time to control, claim checks and the two figure helpers.

Expected values come from synthetic visits worked out by hand, from the
paper's Table II typed in below, or from the paper's text itself (the
``paper_text`` fixture of conftest.py); never from the code under test.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from plro.data import load_lab_flags, load_patients, load_visits
from plro.labs import REFERENCE_INTERVALS
from plro.outcomes import (
    VAS_LABEL,
    control_intervals,
    fall_at_least,
    interval_text,
    lab_interval_counts,
    latest_controllers,
    missing_lab_counts,
    month1_relief,
    plot_labs_over_time,
    plot_vas_trajectories,
    reported_mean_check,
    sensitivity_display,
    sensitivity_table,
    time_to_control,
    vas_at_most,
    vas_wide,
)

# Table II of the paper, VAS at baseline, 1, 3 and 6 months, typed from the article.
TABLE_II_VAS = {
    1: (9, 5, 1, 0), 2: (8, 2, 2, 1), 3: (7, 1, 2, 0), 4: (9, 1, 1, 0), 5: (7, 3, 2, 0),
    6: (7, 4, 1, 0), 7: (7, 2, 2, 0), 8: (9, 6, 3, 1), 9: (7, 4, 3, 1), 10: (9, 5, 3, 1),
}
MONTHS = (0, 1, 3, 6)
VISITS = ("baseline", "month_1", "month_3", "month_6")


def _synthetic(rows: dict[int, tuple]) -> pd.DataFrame:
    """visits-like frame from {patient: (vas0, vas1, vas3, vas6)}; None = missing."""
    records = []
    for pid, values in rows.items():
        for visit, month, vas in zip(VISITS, MONTHS, values, strict=True):
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


@pytest.fixture(scope="module")
def visits():
    return load_visits()


@pytest.fixture(scope="module")
def patients():
    return load_patients()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
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


def test_sensitivity_table_censoring_and_display(visits):
    table = sensitivity_table(visits, [vas_at_most(0)])
    # VAS 0 never reached by P2, P8, P9, P10 (6-month VAS 1 in Table II)
    assert table.iloc[0]["not reached"] == 4
    assert np.isnan(table.iloc[0]["mean, latest"])
    shown = sensitivity_display(table).iloc[0]
    assert shown["P8"] == "> 6" and shown["P1"] == "6" and shown["mean, latest"] == "not defined"


def test_no_threshold_rule_reproduces_2_4_months(visits):
    rules = [vas_at_most(k) for k in range(0, 7)] + [fall_at_least(f / 10) for f in range(3, 10)]
    check = reported_mean_check(visits, rules)
    assert not check["equals reported"].any()
    # paper: "patient 8 of 3.5 months": impossible if control = VAS <= 3 (P8 had 3 at month 3)
    assert not check.loc["VAS ≤ 3", "reported times fit"]
    # with VAS <= 2, P8 and P10 are in (3, 6], so 3.5 and 4 months fit
    assert check.loc["VAS ≤ 2", "reported times fit"]
    assert check.loc["VAS ≤ 2", "attainable"]


def _table_ii_labs(paper_text: str) -> dict[str, list[str]]:
    """Table II's five laboratory columns as printed (cells like "8.3↓", "N/A"), from the paper."""
    columns = ["calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"]
    table = paper_text.split("**Table II:**", 1)[1]
    cells: dict[str, list[str]] = {c: [] for c in columns}
    for line in table.splitlines():
        fields = line.split("\t")
        if len(fields) >= 8 and re.search(r"Baseline|month", fields[1]):
            for column, cell in zip(columns, fields[3:8], strict=True):
                cells[column].append(cell.strip())
    return cells


def test_lab_interval_counts_match_table_ii_as_printed(visits, paper_text):
    printed = _table_ii_labs(paper_text)
    assert all(len(cells) == 40 for cells in printed.values())  # 10 patients x 4 visits
    counts = lab_interval_counts(visits, load_lab_flags())
    assert list(counts.index) == list(printed)
    for column, cells in printed.items():
        values = [float(c.rstrip("↑↓")) for c in cells if c != "N/A"]
        ref = REFERENCE_INTERVALS[column]
        assert counts.loc[column, "reported"] == len(values), column
        assert counts.loc[column, "below"] == sum(v < ref.low for v in values), column
        assert counts.loc[column, "above"] == sum(v > ref.high for v in values), column
        assert counts.loc[column, "flagged low"] == sum(c.endswith("↓") for c in cells), column
        assert counts.loc[column, "flagged high"] == sum(c.endswith("↑") for c in cells), column
    # the Discussion's "calcium ... within normal limits" against Table II: 3 down, 1 up arrow
    assert tuple(counts.loc["calcium_mg_dl", ["flagged low", "flagged high"]]) == (3, 1)


def test_reported_mean_check_defaults_are_the_papers_numbers(visits, paper_text):
    mean = re.search(r"mean duration of pain control[^.]*? was ([\d.]+) months", paper_text)
    times = re.search(r"patient (\d+) of ([\d.]+) months and patient (\d+) with ([\d.]+) months",
                      paper_text)
    assert mean and times
    from_paper = reported_mean_check(
        visits, reported_mean=float(mean.group(1)),
        reported_times={int(times.group(1)): float(times.group(2)),
                        int(times.group(3)): float(times.group(4))},
    )
    pd.testing.assert_frame_equal(reported_mean_check(visits), from_paper)


def test_latest_controllers_include_patient_9(visits):
    latest = latest_controllers(visits, [vas_at_most(2), vas_at_most(3)])
    # Table II: P8, P9, P10 are the only patients still above 2 at month 3
    assert latest.loc["VAS ≤ 2", "latest patients"] == "P8, P9, P10"
    assert latest.loc["VAS ≤ 2", "latest reached"] == "month 6"
    assert not latest["only claimed"].any()
    assert latest["claimed among latest"].all()


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
def test_missing_lab_counts_from_table_ii(visits):
    counts = missing_lab_counts(visits)
    # Table II baseline PTH is N/A for patients 1, 2, 3, 6 and 10
    assert counts.loc["Parathyroid hormone (intact)", "baseline"] == 5
    # 6-month calcium N/A for patients 5 and 7
    assert counts.loc["Serum total calcium", "6 mo"] == 2
    assert (counts["of"] == 40).all()


# --------------------------------------------------------------------- figures
def _lines(ax, gid):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def _band_limits(ax, patch):
    """Data y-limits of an axhspan patch (whatever its patch class)."""
    verts = patch.get_transform().transform(patch.get_path().vertices)
    ys = ax.transData.inverted().transform(verts)[:, 1]
    return float(ys.min()), float(ys.max())


def test_vas_figure_ten_patients_one_median(visits, patients):
    fig = plot_vas_trajectories(visits, patients)
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
    fig = plot_vas_trajectories(visits, patients, by="breastfeeding")
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
    fig = plot_vas_trajectories(visits, patients, by="bisphosphonate")
    counts = sorted(len(_lines(ax, "patient")) for ax in fig.axes)
    assert counts == [4, 6]  # patients 1, 3, 6, 7 received bisphosphonates


def test_vas_figure_rejects_unknown_grouping(visits, patients):
    with pytest.raises(ValueError, match="by must be"):
        plot_vas_trajectories(visits, patients, by="smoking")


def test_labs_figure_five_facets_with_reference_bands(visits):
    fig = plot_labs_over_time(visits)
    facets = [ax for ax in fig.axes if ax.get_lines()]
    assert len(facets) == 5
    for ax, ref in zip(facets, REFERENCE_INTERVALS.values(), strict=True):
        bands = [p for p in ax.patches if p.get_gid() == "reference_band"]
        assert len(bands) == 1
        assert _band_limits(ax, bands[0]) == pytest.approx((ref.low, ref.high))
        assert len(_lines(ax, "patient")) == 10
        assert ref.unit in ax.get_ylabel()
        assert ref.label.lower().endswith(ax.get_title().lower())
        assert "months" in ax.get_xlabel()


def test_labs_figure_leaves_missing_values_as_gaps(visits):
    fig = plot_labs_over_time(visits)
    calcium = next(ax for ax in fig.axes if "calcium" in ax.get_title().lower())
    p8 = next(line for line in _lines(calcium, "patient") if line.get_label() == "P8")
    # Table II, patient 8 calcium: 9.2, N/A, N/A, 9.0 -> the line keeps the two gaps
    y = np.asarray(p8.get_ydata(), dtype=float)
    assert y[0] == pytest.approx(9.2) and y[3] == pytest.approx(9.0)
    assert np.isnan(y[1]) and np.isnan(y[2])
