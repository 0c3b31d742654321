"""Tests for plro.imaging and its figure (plro.figures.imaging).

Expected levels are the ones the paper names (quoted below) or come from small
synthetic tables built here, never from the code under test.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from plro.data import load_imaging_findings, load_patients
from plro.figures.imaging import plot_vertebral_map
from plro.imaging import VERTEBRAL_LEVELS, implied_spinal_patients, non_spinal_sites, vertebral_map
from plro.paper import printed

# Levels as the paper names them:
# Management: "patient number 4 ... compression fractures at T6, T10, and T11 vertebrae on MRI
#   underwent vertebroplasty"; Table II: "T9, T10, T12 acute compressions" (patient 8) and
#   "T12, L1, L2, L4 acute compressions" (patient 10).
PAPER_LEVELS = {4: {"T6", "T10", "T11"}, 8: {"T9", "T10", "T12"}, 10: {"T12", "L1", "L2", "L4"}}
ALL_LEVELS = ["T" + str(n) for n in range(1, 13)] + ["L" + str(n) for n in range(1, 6)]


imaging = pytest.fixture(scope="module", name="imaging")(lambda: load_imaging_findings())
patient_ids = pytest.fixture(scope="module", name="patient_ids")(lambda: load_patients()["patient_id"])


def teardown_function():
    plt.close("all")


def test_vertebral_levels_run_t1_to_l5():
    assert VERTEBRAL_LEVELS == ALL_LEVELS


def test_vertebral_map_has_the_paper_levels(imaging, patient_ids):
    vmap = vertebral_map(imaging, patient_ids)
    assert vmap.shape == (10, 17)
    assert list(vmap.index) == list(range(1, 11))
    assert list(vmap.columns) == ALL_LEVELS
    for pid in range(1, 11):
        named = {level for level in ALL_LEVELS if vmap.loc[pid, level] != ""}
        assert named == PAPER_LEVELS.get(pid, set()), pid
    assert all(vmap.loc[4, lv] == "fracture + vertebroplasty" for lv in PAPER_LEVELS[4])
    assert all(vmap.loc[8, lv] == "fracture" for lv in PAPER_LEVELS[8])


def test_vertebroplasty_levels_are_the_printed_ones(imaging, patient_ids):
    vmap = vertebral_map(imaging, patient_ids)
    treated = {lv for lv in ALL_LEVELS if "vertebroplasty" in vmap.loc[4, lv]}
    claim = printed("mgmt_vertebroplasty_levels")
    assert treated == set(claim.vertebral_levels) and claim.patient_ids == (4,)


def test_vertebral_map_on_synthetic_findings():
    frame = pd.DataFrame({
        "patient_id": [2, 2, 5], "site": ["L3", "L3", "talus"],
        "finding": ["vertebroplasty", "involvement", "edema_and_stress_fracture"],
    })
    vmap = vertebral_map(frame, [5, 2, 9])
    assert list(vmap.index) == [5, 2, 9]  # every patient asked for, in that order
    assert vmap.loc[2, "L3"] == "vertebroplasty"
    assert (vmap.drop(columns="L3") == "").all().all() and (vmap.loc[5] == "").all()


def test_vertebral_map_refuses_findings_of_unlisted_patients():
    frame = pd.DataFrame({"patient_id": [3], "site": ["T4"], "finding": ["compression_fracture"]})
    with pytest.raises(ValueError, match=r"\[3\]"):
        vertebral_map(frame, [1, 2])


def test_vertebral_map_figure(imaging, patient_ids):
    fig = plot_vertebral_map(vertebral_map(imaging, patient_ids))
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


def test_implied_spinal_patients_on_synthetic_tables():
    patients = pd.DataFrame({"patient_id": [1, 2, 3, 4],
                             "symptoms": ["Back pain", "Hip and low back pain", "Ankle pain",
                                          "LOW BACK pain"]})
    imaging = pd.DataFrame({"patient_id": [2, 4], "site": ["femoral_neck", "T12"]})
    assert implied_spinal_patients(patients, imaging) == [1, 4]


def test_implied_spinal_patients_give_the_seven_of_the_case_series():
    # Case Series: "MRI revealed spinal involvement in seven patients".
    implied = implied_spinal_patients(load_patients(), load_imaging_findings())
    assert len(implied) == printed("cs_spinal_involvement").value
    assert {4, 8, 10} <= set(implied)  # the patients with named vertebral levels
