"""Tests for plro.cohort: symptom parsing, Table 1, computed-vs-reported numbers, figures.

Expected values come from the paper (Table I as printed and facts stated in
its text) or are recomputed here with the standard library, never copied from
the code under test.
"""

from __future__ import annotations

import re
import statistics

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from plro.cohort import (
    REGIONS,
    REPORTED_IN_TEXT,
    cohort_table,
    cohort_table_html,
    cohort_variables,
    computed_vs_reported,
    describe_continuous,
    parse_symptom_regions,
    plot_postpartum_weeks,
    plot_symptoms,
    plot_t_scores,
    symptom_pattern,
    symptom_regions,
)
from plro.data import load_patients

# Table I of the paper, typed in again by hand (patients 1-10 in order).
AGES = [31, 33, 27, 29, 24, 31, 29, 34, 31, 30]
WEEKS = [24, 4, 2, 8, 7, 4, 3, 3, 2, 4]
VAS = [9, 8, 7, 9, 7, 7, 7, 9, 7, 9]
L1_L4 = [-2.9, -3.0, -2.5, -3.2, -2.7, -2.6, -2.7, -3.7, -2.9, -3.5]
FEMORAL_NECK = [-2.7, -2.2, -1.5, -2.0, -1.0, -2.0, -2.4, -2.2, -2.6, -3.3]


@pytest.fixture(scope="module")
def patients() -> pd.DataFrame:
    return load_patients()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- symptom text -> regions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Back and low back pain", ["back", "low back"]),
        ("Low back pain", ["low back"]),
        ("Hip and low back pain", ["low back", "hip"]),
        ("Hip and ankle pain, difficulty in walking", ["hip", "ankle"]),
        ("Hip and inguinal pain (right sided)", ["hip", "inguinal"]),
        ("Back pain", ["back"]),
    ],
)
def test_parse_symptom_regions_reads_table_i_wording(text, expected):
    assert parse_symptom_regions(text) == expected


@pytest.mark.parametrize("bad", ["Headache", "", None])
def test_parse_symptom_regions_refuses_to_guess(bad):
    with pytest.raises(ValueError):
        parse_symptom_regions(bad)


def test_symptom_regions_is_tidy_patient_by_region(patients):
    tidy = symptom_regions(patients)
    assert list(tidy.columns) == ["patient_id", "region", "present"]
    assert len(tidy) == 10 * 5
    assert list(tidy["region"].cat.categories) == list(REGIONS)
    assert not tidy.duplicated(["patient_id", "region"]).any()


def test_symptom_regions_match_the_papers_text(patients):
    wide = symptom_regions(patients).pivot(index="patient_id", columns="region", values="present")
    # "Low back pain was detected in 80% of these patients."
    assert wide["low back"].sum() == 8
    # "Fifty percent of our patients (n=5) had back pain and low back pain"
    assert (wide["back"] & wide["low back"]).sum() == 5
    # hip: 2 hip + low back, 1 hip + ankle, 1 hip + inguinal
    assert wide["hip"].sum() == 4
    assert wide.loc[3, "ankle"] and wide["ankle"].sum() == 1
    assert wide.loc[9, "inguinal"] and wide["inguinal"].sum() == 1
    # Patient 3 (the talus patient) has no low back pain in Table I.
    assert not wide.loc[3, "low back"]


def test_symptom_pattern_counts_match_the_papers_text(patients):
    counts = symptom_pattern(patients).value_counts().to_dict()
    assert counts == {
        "Back + low back": 5,
        "Hip + low back": 2,
        "Hip + ankle": 1,
        "Hip + inguinal": 1,
        "Low back only": 1,
    }


# --- Table 1 --------------------------------------------------------------------------------


def test_cohort_variables_shape_and_values(patients):
    variables = cohort_variables(patients)
    assert len(variables) == 10
    assert variables["Smoking"].tolist().count("Yes") == 4  # patients 5, 6, 8 and 10
    assert variables["Age, years"].tolist() == [float(a) for a in AGES]
    assert set(variables["Breast-feeding after diagnosis"]) == {"Discontinued", "Continued", "Not stated"}


def test_cohort_variables_rejects_missing_yes_no(patients):
    broken = patients.copy()
    broken.loc[0, "smoking"] = pd.NA
    with pytest.raises(ValueError, match="smoking"):
        cohort_variables(broken)


def test_cohort_table_continuous_rows(patients):
    table = cohort_table(patients)
    col = table.columns[0]
    assert col == "All patients (n = 10)"
    age = f"{statistics.mean(AGES):.1f} ({statistics.stdev(AGES):.1f})"
    assert table.loc[("Age, years", "mean (SD)"), col] == age
    weeks = table.loc[("Time of diagnosis, weeks after delivery", "median [Q1, Q3]"), col]
    assert weeks.startswith("4.0 [")  # the paper: "median 4 weeks"
    l1_l4 = table.loc[("T-score, lumbar spine L1-L4", "mean (SD)"), col]
    assert l1_l4 == f"{statistics.mean(L1_L4):.2f} ({statistics.stdev(L1_L4):.2f})"


def test_cohort_table_categorical_rows(patients):
    table = cohort_table(patients)
    col = table.columns[0]
    assert table.loc[("Smoking", "Yes, n (%)"), col] == "4 (40)"
    assert table.loc[("Twin pregnancy", "Yes, n (%)"), col] == "1 (10)"  # patient 4
    assert table.loc[("Breast-feeding after diagnosis", "Continued, n (%)"), col] == "2 (20)"
    assert table.loc[("Bisphosphonate", "Yes, n (%)"), col] == "4 (40)"  # patients 1, 3, 6, 7
    assert table.loc[("Vertebroplasty", "Yes, n (%)"), col] == "1 (10)"
    assert table.loc[("Presenting symptom pattern", "Back + low back, n (%)"), col] == "5 (50)"
    # 6 continuous x 2 rows + levels: 2 + 2 + 3 + 5 + 2 + 2
    assert len(table) == 12 + 16


def test_cohort_table_html_has_caption_and_is_deterministic(patients):
    table = cohort_table(patients)
    html = cohort_table_html(table, "Table 1. The cohort")
    assert "<caption>Table 1. The cohort</caption>" in html
    assert "Time of diagnosis, weeks after delivery" in html
    assert html == cohort_table_html(table, "Table 1. The cohort")


# --- computed vs reported -------------------------------------------------------------------


def test_describe_continuous_against_statistics_module():
    values = pd.Series(WEEKS + [None], dtype="Float64")
    stats = describe_continuous(values)
    assert stats["n"] == 10
    assert stats["mean"] == pytest.approx(statistics.mean(WEEKS))
    assert stats["sd"] == pytest.approx(statistics.stdev(WEEKS))
    assert stats["median"] == statistics.median(WEEKS) == 4
    assert (stats["min"], stats["max"]) == (2, 24)  # the paper: "postpartum 2-24 weeks"


def test_reported_in_text_is_read_from_the_papers_case_series_section(paper_text):
    text = paper_text
    mean_sd = r"\$?(-?[\d.]+)\s*\\pm\s*([\d.]+)\$?"
    anchors = {
        "age_years": r"mean age:\s*",
        "postpartum_week_at_diagnosis": r"\(mean:\s*",
        "vas_table_i": r"for spinal pain was\s*",
        "t_score_l1_l4": r"mean L1–L4 T score was\s*",
        "t_score_l2_l4": r"mean L2–L4 T score was\s*",
        "t_score_femoral_neck": r"mean femoral neck T score was\s*",
    }
    for column, anchor in anchors.items():
        match = re.search(anchor + mean_sd, text)
        assert match, f"no printed mean ± SD for {column}"
        reported = REPORTED_IN_TEXT[column]
        assert (reported["mean"], reported["sd"]) == (float(match[1]), float(match[2])), column
    assert REPORTED_IN_TEXT["age_years"]["median"] == float(re.search(r"median: (\d+) years", text)[1])
    assert REPORTED_IN_TEXT["postpartum_week_at_diagnosis"]["median"] == float(
        re.search(r"median (\d+) weeks", text)[1]
    )


def test_time_of_diagnosis_in_the_data_matches_the_papers_text(paper_text, patients):
    # "symptoms occurred within postpartum 2–24 weeks (mean: ..., median 4 weeks)"
    m = re.search(r"postpartum (\d+)–(\d+) weeks \(mean:.*?median (\d+) weeks\)", paper_text)
    assert m, "no printed range and median for the time of diagnosis"
    stats = describe_continuous(patients["postpartum_week_at_diagnosis"])
    assert (stats["min"], stats["max"], stats["median"]) == tuple(float(g) for g in m.groups())


def test_text_vas_for_spinal_pain_equals_the_mean_of_all_ten(patients):
    # The text prints 7.9 "for spinal pain"; Table I's ten scores give that mean, the
    # eight women with back or low back pain do not.
    wide = symptom_regions(patients).pivot(index="patient_id", columns="region", values="present")
    spinal = (wide["back"] | wide["low back"]).to_numpy()
    assert spinal.sum() == 8
    assert round(statistics.mean(VAS), 1) == REPORTED_IN_TEXT["vas_table_i"]["mean"]
    spinal_vas = [v for v, s in zip(VAS, spinal, strict=True) if s]
    assert round(statistics.mean(spinal_vas), 1) != REPORTED_IN_TEXT["vas_table_i"]["mean"]


def test_computed_vs_reported_shows_the_differences(patients):
    table = computed_vs_reported(patients).set_index(["variable", "statistic"])
    weeks = "Time of diagnosis, weeks after delivery"
    assert table.loc[(weeks, "mean"), "computed_from_table_i"] == pytest.approx(statistics.mean(WEEKS))
    assert table.loc[(weeks, "mean"), "difference"] == pytest.approx(statistics.mean(WEEKS) - 7.0)
    assert table.loc[(weeks, "median"), "difference"] == 0
    assert table.loc[("Age, years", "median"), "computed_from_table_i"] == statistics.median(AGES)
    assert table.loc[("Baseline pain, VAS 0-10", "SD"), "computed_from_table_i"] == pytest.approx(
        statistics.stdev(VAS), abs=0.005
    )
    fn_sd = table.loc[("T-score, femoral neck", "SD"), "difference"]
    assert fn_sd == pytest.approx(statistics.stdev(FEMORAL_NECK) - 0.50, abs=0.006)


# --- figures -------------------------------------------------------------------------------


def test_plot_symptoms_shows_counts_with_units(patients):
    fig = plot_symptoms(patients)
    ax_pattern, ax_region = fig.axes
    assert ax_pattern.get_xlabel() == "Patients (n)"
    assert "(n)" in ax_region.get_xlabel()
    widths = {t.get_text(): bar.get_width()
              for t, bar in zip(ax_region.get_yticklabels(), ax_region.patches, strict=True)}
    assert widths["Low back"] == 8
    assert widths["Back"] == 5
    assert sum(bar.get_width() for bar in ax_pattern.patches) == 10


def test_plot_postpartum_weeks_marks_median_and_means(patients):
    fig = plot_postpartum_weeks(patients, reported_mean=7.0)
    ax = fig.axes[0]
    assert "(weeks)" in ax.get_xlabel()
    assert len(ax.collections[0].get_offsets()) == 10
    xs = sorted(line.get_xdata()[0] for line in ax.get_lines())
    assert xs == pytest.approx(sorted([statistics.median(WEEKS), statistics.mean(WEEKS), 7.0]))


def test_plot_postpartum_weeks_without_reported_mean(patients):
    ax = plot_postpartum_weeks(patients).axes[0]
    assert len(ax.get_lines()) == 2


def test_plot_t_scores_shows_thirty_points_and_who_lines(patients):
    fig = plot_t_scores(patients)
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 30
    assert "T-score" in ax.get_ylabel() and "SD" in ax.get_ylabel()
    assert ax.get_xlabel() == "DXA site"
    flat = [line.get_ydata() for line in ax.get_lines() if len(line.get_ydata()) > 0]
    hlines = {round(float(y[0]), 2) for y in flat if y[0] == y[-1]}
    assert {-1.0, -2.5} <= hlines
    texts = [t.get_text() for t in ax.texts]
    assert any("-1" in t for t in texts) and any("-2.5" in t for t in texts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["osteoporosis", "osteopenia", "normal"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Lumbar spine L1-L4", "Lumbar spine L2-L4", "Femoral neck"
    ]
