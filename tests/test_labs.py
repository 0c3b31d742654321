"""Tests for plro.labs and its figures (plro.figures.labs).

Expected values come from the paper's Table II (quoted beside each one), from
small synthetic tables built here, or from the data package's own description,
never from the code under test.
"""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from plro.data import DEFAULT_DATA_DIR, VISITS, load_lab_flags, load_visits
from plro.figures.labs import plot_analyte_over_time, plot_baseline_labs, plot_labs_over_time
from plro.labs import (
    AGREEMENT,
    ANALYTE_LABELS,
    REFERENCE_INTERVALS,
    ReferenceInterval,
    baseline_labs,
    flag_table,
    flagged_patients,
    interval_status,
    interval_summary,
    labs_long,
    missing_lab_counts,
    out_of_interval,
    patients_with_result,
    reference_table,
    workup_coverage,
)

LAB_COLUMNS = ["calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"]
# The arrows printed at baseline in Table II: P3 Ca, ALP; P6 Ca, ALP; P8 Vit D, PTH;
# P10 Ca, Mg, Vit D.
BASELINE_ARROWS = 9
VISIT_LABELS = ["baseline", "month_1", "month_3", "month_6"]
VISIT_MONTH = {"baseline": 0, "month_1": 1, "month_3": 3, "month_6": 6}


visits = pytest.fixture(scope="module", name="visits")(lambda: load_visits())
flags = pytest.fixture(scope="module", name="flags")(lambda: load_lab_flags())


def teardown_function():
    plt.close("all")


def synthetic_visits(rows):
    """A visits-shaped table: rows are (patient_id, visit, {column: value})."""
    records = []
    for pid, visit, values in rows:
        record = {"patient_id": pid, "visit": visit, "month": VISIT_MONTH[visit]}
        record.update({c: values.get(c, np.nan) for c in LAB_COLUMNS})
        records.append(record)
    frame = pd.DataFrame(records)
    frame["visit"] = pd.Categorical(frame["visit"], VISIT_LABELS, ordered=True)
    return frame


def synthetic_flags(rows):
    """A lab_flags-shaped table from (patient_id, visit, analyte, flag) tuples."""
    frame = pd.DataFrame(rows, columns=["patient_id", "visit", "analyte", "flag"])
    frame["visit"] = pd.Categorical(frame["visit"], VISIT_LABELS, ordered=True)
    return frame


# --- reference intervals -----------------------------------------------------------------------


def test_reference_intervals_cover_every_laboratory_column():
    descriptor = json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    visits = next(r for r in descriptor["resources"] if r["name"] == "visits")
    lab_columns = {f["name"] for f in visits["schema"]["fields"]} - {"patient_id", "visit", "month", "vas"}
    assert set(REFERENCE_INTERVALS) == lab_columns


@pytest.mark.parametrize("column", sorted(REFERENCE_INTERVALS))
def test_reference_interval_is_ordered_and_explained(column):
    ri = REFERENCE_INTERVALS[column]
    assert ri.low is not None and ri.high is not None and ri.low < ri.high
    assert ri.basis and ri.unit in ANALYTE_LABELS[column]


def test_reference_table_lists_every_interval():
    table = reference_table()
    assert list(table["column"]) == list(REFERENCE_INTERVALS)
    assert {"low", "high", "basis", "unit"} <= set(table.columns)


def test_interval_status_edges():
    ref = ReferenceInterval("x", "X", "u", 1.0, 2.0, "test")
    assert interval_status(1.0, ref) == "within"
    assert interval_status(2.0, ref) == "within"
    assert interval_status(0.99, ref) == "below"
    assert interval_status(2.01, ref) == "above"
    with pytest.raises(ValueError):
        interval_status(np.nan, ref)


# --- long tables -------------------------------------------------------------------------------


def test_labs_long_drops_missing_and_keeps_values():
    frame = synthetic_visits([(1, "baseline", {"calcium_mg_dl": 9.0})])
    long = labs_long(frame)
    assert len(long) == 1 and long.loc[0, "value"] == 9.0


def test_baseline_labs_counts(visits):
    base = baseline_labs(visits)
    # Table II baseline N/A cells: P1 ALP and PTH, P2 PTH, P3 Mg and PTH, P6 PTH, P10 PTH.
    assert len(base) == 50 - 7
    assert set(base.columns) == {"patient_id", "analyte", "value"}


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


# --- the paper's arrows ------------------------------------------------------------------------


def test_flag_table_categories_on_synthetic_data():
    frame = synthetic_visits([
        (1, "baseline", {"calcium_mg_dl": 8.0}),   # below, flagged low -> agree
        (2, "baseline", {"calcium_mg_dl": 9.0}),   # inside, flagged low
        (3, "baseline", {"calcium_mg_dl": 12.0}),  # above, no flag
        (4, "baseline", {"calcium_mg_dl": 12.0}),  # above, flagged low
        (5, "baseline", {"calcium_mg_dl": 9.5}),   # inside, no flag -> not listed
    ])
    marks = synthetic_flags([(p, "baseline", "calcium_mg_dl", "low") for p in (1, 2, 4)])
    table = flag_table(frame, marks)
    assert dict(zip(table["patient_id"], table["agreement"], strict=True)) == {
        1: "flagged and outside",
        2: "flagged, inside interval",
        3: "outside, not flagged",
        4: "flag opposite to interval",
    }
    assert set(table["agreement"]) == set(AGREEMENT)


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


def test_flagged_patients_narrows_by_visit_and_direction():
    marks = synthetic_flags([
        (3, "baseline", "alp_u_l", "high"), (6, "baseline", "alp_u_l", "high"),
        (6, "month_1", "alp_u_l", "low"), (2, "baseline", "pth_pg_ml", "low"),
    ])
    assert flagged_patients(marks, "alp_u_l") == [3, 6]
    assert flagged_patients(marks, "alp_u_l", visit="month_1") == [6]
    assert flagged_patients(marks, "alp_u_l", flag="low") == [6]
    assert flagged_patients(marks, "calcium_mg_dl") == []
    with pytest.raises(ValueError, match="unknown analyte"):
        flagged_patients(marks, "sodium")


# --- the one summary ---------------------------------------------------------------------------


def test_interval_summary_on_synthetic_data():
    frame = synthetic_visits([
        (1, "baseline", {"calcium_mg_dl": 8.0, "magnesium_mg_dl": 3.0}),  # Ca below, Mg above
        (2, "baseline", {"calcium_mg_dl": 9.0}),                          # inside
        (3, "baseline", {"calcium_mg_dl": 12.0}),                         # above
        (3, "month_1", {"calcium_mg_dl": 10.5}),                          # upper limit: inside
    ])
    marks = synthetic_flags([(1, "baseline", "calcium_mg_dl", "low"),
                             (2, "baseline", "calcium_mg_dl", "high"),
                             (3, "baseline", "calcium_mg_dl", "low")])
    summary = interval_summary(frame, marks)
    assert list(summary.index) == LAB_COLUMNS  # every analyte, even with no value
    ca = summary.loc["calcium_mg_dl"]
    assert (ca["reported"], ca["min"], ca["max"]) == (4, 8.0, 12.0)
    assert (ca["below"], ca["above"]) == (1, 1)
    assert (ca["flagged low"], ca["flagged high"], ca["arrows"]) == (2, 1, 3)
    assert [ca[c] for c in AGREEMENT] == [1, 0, 1, 1]  # agree, no arrow, inside, opposite
    mg = summary.loc["magnesium_mg_dl"]
    assert (mg["reported"], mg["above"], mg["outside, not flagged"], mg["arrows"]) == (1, 1, 1, 0)
    assert summary.loc["pth_pg_ml", "reported"] == 0
    assert summary.loc["calcium_mg_dl", "interval"] == "8.5-10.5"
    assert summary.loc["calcium_mg_dl", "label"] == REFERENCE_INTERVALS["calcium_mg_dl"].label


def test_interval_summary_agrees_with_the_flag_table(visits, flags):
    summary = interval_summary(visits, flags)
    table = flag_table(visits, flags)
    for analyte in LAB_COLUMNS:
        rows = table[table["analyte"] == analyte]
        for category in AGREEMENT:
            assert summary.loc[analyte, category] == (rows["agreement"] == category).sum()
        assert summary.loc[analyte, "below"] == (rows["status"] == "below").sum()
        assert summary.loc[analyte, "reported"] == visits[analyte].notna().sum()
    assert summary["arrows"].sum() == len(flags)


def test_magnesium_all_above_interval_only_one_flagged(visits, flags):
    summary = interval_summary(visits, flags).loc["magnesium_mg_dl"]
    reported = visits["magnesium_mg_dl"].dropna()
    assert (summary["min"], summary["max"]) == (3.6, 5.3)  # Table II range
    assert summary["above"] == summary["reported"] == len(reported)
    assert summary["flagged and outside"] == 1


def test_calcium_arrows_as_table_ii_prints_them(visits, flags):
    # Against the Discussion's "Serum calcium levels ... within normal limits": Table II
    # prints three down arrows and one up arrow on calcium.
    ca = interval_summary(visits, flags).loc["calcium_mg_dl"]
    assert (ca["flagged low"], ca["flagged high"]) == (3, 1)


def test_missing_lab_counts_from_table_ii(visits):
    counts = missing_lab_counts(visits)
    assert list(counts.columns) == list(VISITS) + ["total", "of"]
    # Table II baseline PTH is N/A for patients 1, 2, 3, 6 and 10
    assert counts.loc["Parathyroid hormone (intact)", "baseline"] == 5
    # 6-month calcium N/A for patients 5 and 7
    assert counts.loc["Serum total calcium", "month_6"] == 2
    assert (counts["of"] == 40).all()
    assert (counts["total"] == counts[list(VISITS)].sum(axis=1)).all()


def test_missing_lab_counts_on_synthetic_data():
    frame = synthetic_visits([(1, "baseline", {"calcium_mg_dl": 9.0}), (1, "month_3", {})])
    counts = missing_lab_counts(frame)
    # one patient, two rows given: the two absent visits are not rows, so not counted
    assert counts.loc["Serum total calcium", "month_3"] == 1
    assert counts.loc["Serum total calcium", "baseline"] == 0
    assert counts.loc["Serum magnesium", "total"] == 2


# --- figures -----------------------------------------------------------------------------------


def _band_limits(ax, patch):
    """Data y-limits of an axhspan patch (whatever its patch class)."""
    verts = patch.get_transform().transform(patch.get_path().vertices)
    ys = ax.transData.inverted().transform(verts)[:, 1]
    return float(ys.min()), float(ys.max())


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
        ref = REFERENCE_INTERVALS[column]
        assert _band_limits(ax, bands[0]) == pytest.approx((ref.low, ref.high))
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


def _lines(ax, gid):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


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
        assert list(ax.get_xticks()) == list(VISITS.values())


def test_labs_figure_leaves_missing_values_as_gaps(visits):
    fig = plot_labs_over_time(visits)
    calcium = next(ax for ax in fig.axes if "calcium" in ax.get_title().lower())
    p8 = next(line for line in _lines(calcium, "patient") if line.get_label() == "P8")
    # Table II, patient 8 calcium: 9.2, N/A, N/A, 9.0 -> the line keeps the two gaps
    y = np.asarray(p8.get_ydata(), dtype=float)
    assert y[0] == pytest.approx(9.2) and y[3] == pytest.approx(9.0)
    assert np.isnan(y[1]) and np.isnan(y[2])


def test_analyte_over_time_figure(visits):
    fig = plot_analyte_over_time(visits, "alp_u_l", [3, 6], title="ALP")
    ax = fig.axes[0]
    lines = _lines(ax, "patient")
    assert [line.get_label() for line in lines] == ["P3", "P6"]
    # Table II ALP: patient 3 126, N/A, 67, 43; patient 6 123, 92, 96, 52
    assert list(lines[0].get_xdata()) == [0, 3, 6]
    assert list(lines[0].get_ydata()) == pytest.approx([126, 67, 43])
    assert list(lines[1].get_ydata()) == pytest.approx([123, 92, 96, 52])
    ref = REFERENCE_INTERVALS["alp_u_l"]
    (band,) = [p for p in ax.patches if p.get_gid() == "reference_band"]
    assert _band_limits(ax, band) == pytest.approx((ref.low, ref.high))
    assert ax.get_title() == "ALP" and ref.unit in ax.get_ylabel()


def test_analyte_over_time_skips_missing_values():
    frame = synthetic_visits([(1, "baseline", {"pth_pg_ml": 20.0}), (1, "month_1", {}),
                              (1, "month_3", {"pth_pg_ml": 30.0})])
    (line,) = _lines(plot_analyte_over_time(frame, "pth_pg_ml", [1]).axes[0], "patient")
    assert list(line.get_xdata()) == [0, 3] and list(line.get_ydata()) == [20.0, 30.0]


# --------------------------------------------------------------------------- work-up coverage
def _coverage_tables() -> dict[str, pd.DataFrame]:
    patients = pd.DataFrame({"patient_id": [1, 2, 3], "t_score_l1_l4": [-2.9, None, -3.1]})
    visits = pd.DataFrame({"patient_id": [1, 1, 2, 2, 3, 3],
                           "visit": ["baseline", "month_1"] * 3,
                           "pth_pg_ml": [None, 30.0, 40.0, None, None, None]})
    imaging = pd.DataFrame({"patient_id": [3, 3], "site": ["T6", "T10"]})
    return {"patients": patients, "visits": visits, "imaging_findings": imaging}


def test_patients_with_result_counts_baseline_visits_and_any_other_row():
    tables = _coverage_tables()
    assert patients_with_result("visits.pth_pg_ml", tables) == [2]  # P1's PTH is at month 1 only
    assert patients_with_result("patients.t_score_l1_l4", tables) == [1, 3]
    assert patients_with_result("imaging_findings.site", tables) == [3]
    assert patients_with_result("", tables) == []


@pytest.mark.parametrize("source, words", [("labs.pth", "no table"), ("visits.tsh", "no column")])
def test_patients_with_result_rejects_unknown_sources(source, words):
    with pytest.raises(ValueError, match=words):
        patients_with_result(source, _coverage_tables())


def test_workup_coverage_grid():
    checklist = pd.DataFrame({"test": ["PTH", "DXA", "TSH"],
                              "data_source": ["visits.pth_pg_ml", "patients.t_score_l1_l4", ""]})
    grid = workup_coverage(checklist, _coverage_tables())
    assert list(grid.index) == ["PTH", "DXA", "TSH"]
    assert list(grid.columns) == ["In the paper's tables", "Result reported for", "P1", "P2", "P3"]
    assert grid.loc["PTH"].tolist() == ["yes", "1 of 3", "—", "yes", "—"]
    assert grid.loc["DXA"].tolist() == ["yes", "2 of 3", "yes", "—", "yes"]
    assert grid.loc["TSH"].tolist() == ["no", "—", "—", "—", "—"]


def test_baseline_pth_is_missing_for_every_patient_whose_baseline_calcium_is_flagged():
    # Table II: PTH N/A at baseline for P1, P2, P3, P6, P10; calcium arrows at baseline on P3, P6, P10.
    tables = {"visits": load_visits(), "patients": pd.DataFrame({"patient_id": range(1, 11)})}
    with_pth = set(patients_with_result("visits.pth_pg_ml", tables))
    assert with_pth == {4, 5, 7, 8, 9}
    flagged = set(flagged_patients(load_lab_flags(), "calcium_mg_dl", visit="baseline"))
    assert flagged == {3, 6, 10} and not flagged & with_pth


def test_below_interval_at_month_1_recounts_the_csv():
    import csv
    from pathlib import Path

    from plro.data import load_visits
    from plro.labs import below_interval_at

    rows = list(csv.DictReader((Path(__file__).resolve().parents[1] / "data" / "visits.csv").open()))
    value = {(int(r["patient_id"]), r["visit"]): r["vitamin_d_25oh"] for r in rows}
    m1 = [p for (p, v), x in value.items() if v == "month_1" and x]
    below = [p for p in m1 if float(value[(p, "month_1")]) < 30]
    fell = [p for p in below if value[(p, "baseline")]
            and float(value[(p, "month_1")]) < float(value[(p, "baseline")]) < 30]
    assert below_interval_at(load_visits(), "vitamin_d_25oh", "month_1") == (m1, below, fell)
    assert below and fell  # the series has both: the check is not vacuous
