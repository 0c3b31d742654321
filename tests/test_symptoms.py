"""Tests for plro.symptoms and its figures (plro.figures.symptoms).

Expected values come from the paper (Table I as printed, typed in below, and
the counts its Case Series text prints, read from data/reported_statistics.csv)
or are recomputed here with the standard library, never copied from the code
under test.
"""

from __future__ import annotations

import statistics

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from plro.data import load_patients
from plro.figures.symptoms import plot_postpartum_weeks, plot_symptoms
from plro.paper import printed
from plro.symptoms import (
    REGIONS,
    parse_symptom_regions,
    region_grid,
    spinal_patients,
    symptom_pattern,
    symptom_regions,
)

# Table I of the paper, typed in again by hand (patients 1-10 in order).
WEEKS = [24, 4, 2, 8, 7, 4, 3, 3, 2, 4]


patients = pytest.fixture(scope="module", name="patients")(lambda: load_patients())


def teardown_function():
    plt.close("all")


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
    wide = region_grid(patients)
    assert wide["low back"].mean() * 100 == printed("cs_low_back_pain_pct").value
    assert (wide["back"] & wide["low back"]).sum() == printed("cs_symptom_back_lbp_n").value
    hip = sum(printed(c).value for c in ("cs_symptom_hip_lbp_n", "cs_symptom_hip_ankle_n",
                                          "cs_symptom_hip_inguinal_n"))
    assert wide["hip"].sum() == hip
    assert wide.loc[3, "ankle"] and wide["ankle"].sum() == 1
    assert wide.loc[9, "inguinal"] and wide["inguinal"].sum() == 1
    # Patient 3 (the talus patient) has no low back pain in Table I.
    assert not wide.loc[3, "low back"]


def test_region_grid_on_synthetic_patients():
    frame = pd.DataFrame({"patient_id": [5, 2], "symptoms": ["Hip and ankle pain", "Low back pain"]})
    grid = region_grid(frame)
    assert list(grid.index) == [5, 2] and list(grid.columns) == list(REGIONS)
    assert grid.loc[5].to_dict() == {"back": False, "low back": False, "hip": True, "ankle": True,
                                     "inguinal": False}
    assert grid.loc[2, "low back"] and not grid.loc[2, "back"]


def test_spinal_patients_on_synthetic_patients():
    frame = pd.DataFrame({"patient_id": [1, 2, 3],
                          "symptoms": ["Back pain", "Hip and inguinal pain", "Low back pain"]},
                         index=[10, 11, 12])
    spinal = spinal_patients(frame)
    assert list(spinal.index) == [10, 11, 12]
    assert spinal.tolist() == [True, False, True]


def test_symptom_pattern_counts_match_the_papers_text(patients):
    counts = symptom_pattern(patients).value_counts().to_dict()
    expected = {
        "Back + low back": "cs_symptom_back_lbp_n",
        "Hip + low back": "cs_symptom_hip_lbp_n",
        "Hip + ankle": "cs_symptom_hip_ankle_n",
        "Hip + inguinal": "cs_symptom_hip_inguinal_n",
        "Low back only": "cs_symptom_lbp_only_n",
    }
    assert counts == {pattern: printed(claim).value for pattern, claim in expected.items()}


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
