"""Tests for plro.bone_density and its figures (plro.figures.bone).

Expected values come from the WHO definitions, from the paper's Table I
(typed in below) or from small synthetic tables built here, never from the
code under test.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from plro.bone_density import (
    LUMBAR_REGIONS,
    MIN_EVALUABLE_VERTEBRAE,
    T_SCORE_SITES,
    WHO_CATEGORIES,
    Z_BELOW_EXPECTED_MAX,
    evaluable_vertebrae,
    lumbar_evaluability,
    osteoporotic_patients,
    t_scores_long,
    who_category,
    who_category_counts,
)
from plro.data import load_patients
from plro.figures.bone import plot_t_scores, plot_t_scores_by_patient

# Table I of the paper, typed in again by hand (patients 1-10 in order).
L1_L4 = [-2.9, -3.0, -2.5, -3.2, -2.7, -2.6, -2.7, -3.7, -2.9, -3.5]
FEMORAL_NECK = [-2.7, -2.2, -1.5, -2.0, -1.0, -2.0, -2.4, -2.2, -2.6, -3.3]


patients = pytest.fixture(scope="module", name="patients")(lambda: load_patients())


def teardown_function():
    plt.close("all")


@pytest.mark.parametrize(
    ("t_score", "expected"),
    [(-3.7, "osteoporosis"), (-2.5, "osteoporosis"), (-2.49, "osteopenia"),
     (-1.01, "osteopenia"), (-1.0, "normal"), (0.5, "normal")],
)
def test_who_category_boundaries(t_score, expected):
    # WHO: osteoporosis at or below -2.5 SD; normal at or above -1 SD; osteopenia between.
    assert who_category(t_score) == expected


def test_who_category_refuses_missing_values():
    with pytest.raises(ValueError, match="missing"):
        who_category(float("nan"))


def test_t_scores_long_has_one_row_per_patient_and_site(patients):
    long = t_scores_long(patients)
    assert len(long) == 3 * len(patients)
    assert list(long["site"].cat.categories) == list(T_SCORE_SITES.values())
    assert list(long["who_category"].cat.categories) == ["osteoporosis", "osteopenia", "normal"]
    p10 = long.query("patient_id == 10").set_index("site")["t_score"]
    assert p10["Femoral neck"] == pytest.approx(FEMORAL_NECK[9])
    neck = long.query("site == 'Femoral neck'").sort_values("patient_id")["t_score"]
    assert neck.tolist() == pytest.approx(FEMORAL_NECK)


def test_t_scores_long_categories_on_synthetic_scores():
    frame = pd.DataFrame({"patient_id": [1], "t_score_l1_l4": [-2.5], "t_score_l2_l4": [-1.2],
                          "t_score_femoral_neck": [-0.4]})
    got = t_scores_long(frame).set_index("site")["who_category"].astype(str).to_dict()
    assert got == {"Lumbar spine L1-L4": "osteoporosis", "Lumbar spine L2-L4": "osteopenia",
                   "Femoral neck": "normal"}
    assert set(WHO_CATEGORIES) == {"osteoporosis", "osteopenia", "normal"}


def test_osteoporotic_patients_threshold_is_inclusive():
    frame = pd.DataFrame({
        "patient_id": [1, 2, 3],
        "t_score_l1_l4": [-2.5, -2.4, -1.0],
        "t_score_l2_l4": [-2.0, -2.49, -1.0],
        "t_score_femoral_neck": [-1.0, -1.0, -3.0],
    })
    assert osteoporotic_patients(frame) == [1, 3]
    assert osteoporotic_patients(frame, threshold=-2.9) == [3]


def test_every_patient_has_a_site_at_or_below_minus_2_5(patients):
    # Table I: every L1-L4 T-score is -2.5 or lower (P3 -2.5 is the highest).
    assert max(L1_L4) == -2.5
    assert osteoporotic_patients(patients) == list(range(1, 11))


def test_who_category_counts_match_table_i(patients):
    counts = who_category_counts(patients)
    assert (counts.sum(axis=1) == 10).all()
    neck = counts.loc["Femoral neck"]
    assert neck["normal"] == sum(t >= -1 for t in FEMORAL_NECK) == 1
    assert neck["osteoporosis"] == sum(t <= -2.5 for t in FEMORAL_NECK) == 3
    assert neck["osteopenia"] == 6
    # L2-L4: only P5 (-2.4) is above -2.5.
    assert counts.loc["Lumbar spine L2-L4", "osteopenia"] == 1


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


def test_t_score_by_patient_plot_shows_thresholds_sites_and_units(patients):
    fig = plot_t_scores_by_patient(patients)
    ax = fig.axes[0]
    vertical = sorted({round(line.get_xdata()[0], 3) for line in ax.get_lines()})
    assert vertical == [-2.5, -1.0]
    sites = [c for c in ax.collections if c.get_label() and not c.get_label().startswith("_")]
    assert len(sites) == 3
    assert all(len(c.get_offsets()) == 10 for c in sites)
    all_x = np.concatenate([c.get_offsets()[:, 0] for c in sites])
    assert np.isclose(all_x.min(), min(L1_L4))  # P8 L1-L4, the lowest value in Table I
    assert "T-score" in ax.get_xlabel() and "standard deviation" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"P{i}" for i in range(1, 11)]
    assert len(ax.patches) == 3  # the three WHO bands


def test_t_score_by_patient_plot_has_one_row_per_given_patient():
    frame = pd.DataFrame({"patient_id": [7, 2], "t_score_l1_l4": [-2.0, -3.0],
                          "t_score_l2_l4": [-2.0, -3.0], "t_score_femoral_neck": [-1.0, -1.5]})
    ax = plot_t_scores_by_patient(frame).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["P7", "P2"]


# --- lumbar regions and fractured vertebrae ---------------------------------


def test_iscd_thresholds_as_published():
    # 2005 ISCD: Z <= -2.0 is "below the expected range for age";
    # 2023 ISCD: never report the spine from a single vertebra (two are acceptable).
    assert Z_BELOW_EXPECTED_MAX == -2.0
    assert MIN_EVALUABLE_VERTEBRAE == 2
    assert LUMBAR_REGIONS["t_score_l1_l4"] == ("L1", "L2", "L3", "L4")
    assert LUMBAR_REGIONS["t_score_l2_l4"] == ("L2", "L3", "L4")
    assert set(LUMBAR_REGIONS) <= set(T_SCORE_SITES)


@pytest.mark.parametrize(
    ("region", "fractured", "expected"),
    [
        ("t_score_l1_l4", [], ("L1", "L2", "L3", "L4")),
        ("t_score_l1_l4", ["T12", "L1", "L2", "L4"], ("L3",)),
        ("t_score_l2_l4", ["l1"], ("L2", "L3", "L4")),
        ("t_score_l2_l4", [" L3 ", "L4"], ("L2",)),
    ],
)
def test_evaluable_vertebrae(region, fractured, expected):
    assert evaluable_vertebrae(region, fractured) == expected


def test_evaluable_vertebrae_names_unknown_region():
    with pytest.raises(KeyError, match="t_score_l1_l4"):
        evaluable_vertebrae("t_score_femoral_neck", ["L1"])


def test_lumbar_evaluability_on_synthetic_fractures():
    fractures = pd.DataFrame({
        "patient_id": [7, 7, 7, 2, 5],
        "site": ["L1", "L2", "L4", "L1", "T9"],
    })
    out = lumbar_evaluability(fractures)
    # patient 5 (thoracic only) has no row; patient 2's L1 lies outside L2-L4
    assert list(zip(out["patient_id"], out["region"])) == [
        (2, "t_score_l1_l4"), (7, "t_score_l1_l4"), (7, "t_score_l2_l4"),
    ]
    p2 = out.iloc[0]
    assert (p2["remaining"], p2["n_remaining"], p2["interpretable"]) == ("L2, L3, L4", 3, True)
    p7 = out.set_index("region").loc[lambda d: d["patient_id"] == 7]
    assert p7.loc["t_score_l1_l4", "fractured"] == "L1, L2, L4"
    assert p7["remaining"].tolist() == ["L3", "L3"]
    assert not p7["interpretable"].any()


def test_lumbar_evaluability_requires_its_columns():
    with pytest.raises(KeyError, match="site"):
        lumbar_evaluability(pd.DataFrame({"patient_id": [1]}))
