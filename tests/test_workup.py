"""Tests for plro.workup: bone density, laboratory flags and the imaging map.

Expected values come from the paper's text and tables (quoted beside each
one) or from small synthetic tables built here, never from the code under test.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from plro.data import load_imaging_findings, load_lab_flags, load_patients, load_visits
from plro.labs import REFERENCE_INTERVALS, ReferenceInterval
from plro.workup import (
    baseline_labs,
    flag_summary,
    flag_table,
    interval_status,
    labs_long,
    non_spinal_sites,
    osteoporotic_patients,
    out_of_interval,
    plot_baseline_labs,
    plot_t_scores_by_patient,
    plot_vertebral_map,
    vertebral_map,
    who_category_counts,
)

# Levels as the paper names them:
# Management: "patient number 4 ... compression fractures at T6, T10, and T11 vertebrae on MRI
#   underwent vertebroplasty"; Table II: "T9, T10, T12 acute compressions" (patient 8) and
#   "T12, L1, L2, L4 acute compressions" (patient 10).
PAPER_LEVELS = {4: {"T6", "T10", "T11"}, 8: {"T9", "T10", "T12"}, 10: {"T12", "L1", "L2", "L4"}}
ALL_LEVELS = ["T" + str(n) for n in range(1, 13)] + ["L" + str(n) for n in range(1, 6)]
LAB_COLUMNS = ["calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"]
# The arrows printed at baseline in Table II: P3 Ca, ALP; P6 Ca, ALP; P8 Vit D, PTH;
# P10 Ca, Mg, Vit D.
BASELINE_ARROWS = 9


def _loaded(name, loader):
    """Fixture ``name``: the validated table ``loader()`` returns, loaded once per module."""
    return pytest.fixture(scope="module", name=name)(lambda: loader())


patients = _loaded("patients", load_patients)
visits = _loaded("visits", load_visits)
flags = _loaded("flags", load_lab_flags)
imaging = _loaded("imaging", load_imaging_findings)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def synthetic_visits(rows):
    """A visits-shaped table: rows are (patient_id, visit, {column: value})."""
    records = []
    for pid, visit, values in rows:
        record = {"patient_id": pid, "visit": visit}
        record.update({c: values.get(c, np.nan) for c in LAB_COLUMNS})
        records.append(record)
    frame = pd.DataFrame(records)
    frame["visit"] = pd.Categorical(frame["visit"], ["baseline", "month_1", "month_3", "month_6"],
                                    ordered=True)
    return frame


# --- bone density ------------------------------------------------------------------------------


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
    assert osteoporotic_patients(patients) == list(range(1, 11))


def test_who_category_counts_match_table_i(patients):
    counts = who_category_counts(patients)
    assert (counts.sum(axis=1) == 10).all()
    # Femoral neck in Table I: -1.0 (P5) is the only value >= -1; -2.7, -2.6, -3.3 are <= -2.5.
    neck = counts.loc["Femoral neck"]
    assert neck["normal"] == 1 and neck["osteoporosis"] == 3 and neck["osteopenia"] == 6
    # L2-L4: only P5 (-2.4) is above -2.5.
    assert counts.loc["Lumbar spine L2-L4", "osteopenia"] == 1


def test_t_score_plot_shows_thresholds_sites_and_units(patients):
    fig = plot_t_scores_by_patient(patients)
    ax = fig.axes[0]
    vertical = sorted({round(line.get_xdata()[0], 3) for line in ax.get_lines()})
    assert vertical == [-2.5, -1.0]
    sites = [c for c in ax.collections if c.get_label() and not c.get_label().startswith("_")]
    assert len(sites) == 3
    assert all(len(c.get_offsets()) == 10 for c in sites)
    all_x = np.concatenate([c.get_offsets()[:, 0] for c in sites])
    assert np.isclose(all_x.min(), -3.7)  # P8 L1-L4, the lowest value in Table I
    assert "T-score" in ax.get_xlabel() and "standard deviation" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"P{i}" for i in range(1, 11)]
    assert len(ax.patches) == 3  # the three WHO bands


# --- laboratory values -------------------------------------------------------------------------


def test_interval_status_edges():
    ref = ReferenceInterval("x", "X", "u", 1.0, 2.0, "test")
    assert interval_status(1.0, ref) == "within"
    assert interval_status(2.0, ref) == "within"
    assert interval_status(0.99, ref) == "below"
    assert interval_status(2.01, ref) == "above"
    with pytest.raises(ValueError):
        interval_status(np.nan, ref)


def test_out_of_interval_on_synthetic_data():
    frame = synthetic_visits([
        (1, "baseline", {"calcium_mg_dl": 8.4, "pth_pg_ml": 70.0}),
        (1, "month_1", {"calcium_mg_dl": 8.5}),
        (2, "baseline", {"calcium_mg_dl": 10.6, "alp_u_l": 50.0}),
    ])
    found = out_of_interval(frame)
    got = {(r.patient_id, r.visit, r.analyte, r.status) for r in found.itertuples()}
    assert got == {
        (1, "baseline", "calcium_mg_dl", "below"),
        (1, "baseline", "pth_pg_ml", "above"),
        (2, "baseline", "calcium_mg_dl", "above"),
    }


def test_labs_long_drops_missing_and_keeps_values():
    frame = synthetic_visits([(1, "baseline", {"calcium_mg_dl": 9.0})])
    long = labs_long(frame)
    assert len(long) == 1 and long.loc[0, "value"] == 9.0


def test_flag_table_categories_on_synthetic_data():
    frame = synthetic_visits([
        (1, "baseline", {"calcium_mg_dl": 8.0}),   # below, flagged low -> agree
        (2, "baseline", {"calcium_mg_dl": 9.0}),   # inside, flagged low
        (3, "baseline", {"calcium_mg_dl": 12.0}),  # above, no flag
        (4, "baseline", {"calcium_mg_dl": 12.0}),  # above, flagged low
        (5, "baseline", {"calcium_mg_dl": 9.5}),   # inside, no flag -> not listed
    ])
    marks = pd.DataFrame({
        "patient_id": [1, 2, 4], "visit": ["baseline"] * 3,
        "analyte": ["calcium_mg_dl"] * 3, "flag": ["low", "low", "low"],
    })
    marks["visit"] = pd.Categorical(marks["visit"], ["baseline", "month_1", "month_3", "month_6"],
                                    ordered=True)
    table = flag_table(frame, marks)
    assert dict(zip(table["patient_id"], table["agreement"], strict=True)) == {
        1: "flagged and outside",
        2: "flagged, inside interval",
        3: "outside, not flagged",
        4: "flag opposite to interval",
    }


def test_flag_table_shows_the_calcium_8_3_inconsistency(visits, flags):
    table = flag_table(visits, flags).set_index(["patient_id", "visit", "analyte"])
    # Table II: Ca 8.3 with a down arrow for P10 at baseline, 8.3 without one for P1 at month 3.
    assert table.loc[(10, "baseline", "calcium_mg_dl"), "value"] == 8.3
    assert table.loc[(10, "baseline", "calcium_mg_dl"), "paper_flag"] == "low"
    assert table.loc[(1, "month_3", "calcium_mg_dl"), "value"] == 8.3
    assert table.loc[(1, "month_3", "calcium_mg_dl"), "agreement"] == "outside, not flagged"


def test_every_paper_arrow_is_in_the_flag_table(visits, flags):
    table = flag_table(visits, flags)
    assert (table["paper_flag"] != "").sum() == len(flags) == 10


def test_magnesium_all_above_interval_only_one_flagged(visits, flags):
    summary = flag_summary(flag_table(visits, flags))
    reported = visits["magnesium_mg_dl"].dropna()
    assert reported.min() == 3.6 and reported.max() == 5.3  # Table II range
    assert summary.loc["magnesium_mg_dl"].sum() == len(reported)
    assert summary.loc["magnesium_mg_dl", "flagged and outside"] == 1


def test_baseline_labs_counts(visits):
    base = baseline_labs(visits)
    # Table II baseline N/A cells: P1 ALP and PTH, P2 PTH, P3 Mg and PTH, P6 PTH, P10 PTH.
    assert len(base) == 50 - 7
    assert set(base.columns) == {"patient_id", "analyte", "value"}


def test_baseline_lab_figure(visits, flags):
    fig = plot_baseline_labs(visits, flags)
    assert len(fig.axes) == 5
    units = [ax.get_ylabel() for ax in fig.axes]
    assert units[0] == "mg/dL" and units[1] == "mg/dL"   # Ca, Mg as labelled in Table II
    assert units[3] == "U/L" and units[4] == "pg/mL"     # ALP, PTH
    assert "ng/mL" in units[2] and "IU" in units[2]      # Vit D: likely unit and printed label
    for ax, column in zip(fig.axes, LAB_COLUMNS, strict=True):
        bands = [p for p in ax.patches if p.get_gid() == "reference_band"]
        assert len(bands) == 1
        ys = bands[0].get_path().transformed(bands[0].get_patch_transform()).vertices[:, 1]
        ref = REFERENCE_INTERVALS[column]
        assert np.isclose(ys.min(), ref.low) and np.isclose(ys.max(), ref.high)
    flagged = sum(
        len(c.get_offsets()) for ax in fig.axes for c in ax.collections
        if (c.get_gid() or "").startswith("flagged")
    )
    assert flagged == BASELINE_ARROWS
    assert BASELINE_ARROWS == int((flags["visit"] == "baseline").sum())
    plain = sum(len(c.get_offsets()) for ax in fig.axes for c in ax.collections
                if c.get_gid() == "unflagged")
    assert plain == 43 - BASELINE_ARROWS
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("up arrow" in t for t in labels) and any("down arrow" in t for t in labels)


# --- imaging -----------------------------------------------------------------------------------


def test_vertebral_map_has_the_paper_levels(imaging):
    vmap = vertebral_map(imaging)
    assert vmap.shape == (10, 17)
    assert list(vmap.index) == list(range(1, 11))
    assert list(vmap.columns) == ALL_LEVELS
    for pid in range(1, 11):
        named = {level for level in ALL_LEVELS if vmap.loc[pid, level] != ""}
        assert named == PAPER_LEVELS.get(pid, set()), pid
    assert all(vmap.loc[4, lv] == "fracture + vertebroplasty" for lv in PAPER_LEVELS[4])
    assert all(vmap.loc[8, lv] == "fracture" for lv in PAPER_LEVELS[8])


def test_vertebral_map_on_synthetic_findings():
    frame = pd.DataFrame({
        "patient_id": [2, 2, 5], "site": ["L3", "L3", "talus"],
        "finding": ["vertebroplasty", "involvement", "edema_and_stress_fracture"],
    })
    vmap = vertebral_map(frame)
    assert vmap.loc[2, "L3"] == "vertebroplasty"
    assert (vmap.drop(columns="L3") == "").all().all() and (vmap.loc[5] == "").all()


def test_vertebral_map_figure(imaging):
    fig = plot_vertebral_map(vertebral_map(imaging))
    ax = fig.axes[0]
    by_gid = {c.get_gid(): len(c.get_offsets()) for c in ax.collections}
    assert by_gid == {"fracture": 10, "vertebroplasty": 3}  # 3 + 3 + 4 levels; P4's three treated
    assert [t.get_text() for t in ax.get_xticklabels()] == ALL_LEVELS
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"P{i}" for i in range(1, 11)]
    assert "level" in ax.get_xlabel().lower() and ax.get_ylabel() == "Patient"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Compression fracture", "Vertebroplasty"]


def test_non_spinal_sites(imaging):
    table = non_spinal_sites(imaging).set_index("patient")
    # Figure captions: P9 right sacroiliac joint, P6 bilateral femoral neck, P3 talus.
    assert list(table.index) == ["P3", "P6", "P9"]
    assert table.loc["P9", "site"] == "sacroiliac joint" and table.loc["P9", "side"] == "right"
    assert table.loc["P6", "side"] == "left and right"
    assert table.loc["P3", "site"] == "talus"
