"""The diagnostic work-up: bone density, baseline laboratory values and imaging.

Helpers for chapter 3. They reshape the validated tables from :mod:`plro.data`,
compare laboratory values with the illustrative reference intervals of
:mod:`plro.labs` and with the paper's own up/down arrows, and draw the
chapter's figures. Nothing here changes a value: missing cells (N/A in the
paper) are left out of long tables, never filled.

Typical use::

    from plro.data import load_visits, load_lab_flags
    from plro.workup import flag_table
    table = flag_table(load_visits(), load_lab_flags())
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from plro.bone_density import (
    T_SCORE_SITES,
    WHO_NORMAL_MIN,
    WHO_OSTEOPOROSIS_MAX,
    t_scores_long,
)
from plro.labs import REFERENCE_INTERVALS, ReferenceInterval
from plro.theme import COLOURS, FIGSIZE, OKABE_ITO, WIDE_FIGSIZE, patient_label

__all__ = [
    "VERTEBRAL_LEVELS",
    "LAB_ANALYTES",
    "FLAG_MARKERS",
    "osteoporotic_patients",
    "who_category_counts",
    "plot_t_scores_by_patient",
    "labs_long",
    "baseline_labs",
    "interval_status",
    "out_of_interval",
    "flag_table",
    "flag_summary",
    "plot_baseline_labs",
    "vertebral_map",
    "plot_vertebral_map",
    "non_spinal_sites",
]

VERTEBRAL_LEVELS = [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)]
"""The 17 thoracic and lumbar levels, T1 to L5, in anatomical order."""

LAB_ANALYTES = list(REFERENCE_INTERVALS)
"""The five laboratory columns of ``visits.csv`` (Table II), in table order."""

FLAG_MARKERS = {"high": "^", "low": "v"}
"""Marker for a value the paper flags with an up (high) or down (low) arrow."""

_PATIENT_IDS = list(range(1, 11))
_SITE_STYLE = dict(zip(  # marker, colour and vertical offset per DXA site, in Table I order
    T_SCORE_SITES.values(),
    [("o", COLOURS["primary"], -0.22), ("s", OKABE_ITO[6], 0.0), ("D", OKABE_ITO[7], 0.22)],
    strict=True,
))
_WHO_BANDS = [  # (label, low, high, colour)
    ("WHO osteoporosis (T <= -2.5)", -np.inf, WHO_OSTEOPOROSIS_MAX, COLOURS["warning"]),
    ("WHO osteopenia", WHO_OSTEOPOROSIS_MAX, WHO_NORMAL_MIN, COLOURS["secondary"]),
    ("WHO normal (T >= -1)", WHO_NORMAL_MIN, np.inf, COLOURS["accent"]),
]


# --- Bone density -------------------------------------------------------------------------------


def osteoporotic_patients(patients: pd.DataFrame, threshold: float = WHO_OSTEOPOROSIS_MAX) -> list:
    """Patient ids with at least one DXA T-score at or below ``threshold`` (default -2.5)."""
    scores = patients[list(T_SCORE_SITES)].astype(float)
    hit = (scores <= threshold).any(axis=1)
    return [int(p) for p in patients.loc[hit, "patient_id"]]


def who_category_counts(patients: pd.DataFrame) -> pd.DataFrame:
    """Number of patients in each WHO category, one row per DXA site (Table I order)."""
    return (
        t_scores_long(patients)
        .pipe(lambda d: pd.crosstab(d["site"], d["who_category"]))
        .rename_axis(index="DXA site", columns="WHO category")
    )


def plot_t_scores_by_patient(patients: pd.DataFrame) -> Figure:
    """Dot plot of each patient's three T-scores over shaded WHO category bands.

    One row per patient (P1 at the top), one marker shape and colour per DXA
    site, dashed lines at the WHO thresholds -1 and -2.5. The bands describe
    the published numbers; they are not a diagnosis (see
    :mod:`plro.bone_density`).
    """
    long = t_scores_long(patients)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    xmin = min(-4.0, float(long["t_score"].min()) - 0.3)
    xmax = 0.5
    for label, low, high, colour in _WHO_BANDS:
        ax.axvspan(max(low, xmin), min(high, xmax), color=colour, alpha=0.13, lw=0, label=label)
    for x in (WHO_NORMAL_MIN, WHO_OSTEOPOROSIS_MAX):
        ax.axvline(x, color=COLOURS["threshold"], ls="--", lw=1.2, gid=f"threshold_{x}")
    rows = {pid: i for i, pid in enumerate(_PATIENT_IDS)}
    for site, (marker, colour, offset) in _SITE_STYLE.items():
        part = long[long["site"] == site]
        y = part["patient_id"].map(rows).astype(float) + offset
        ax.scatter(part["t_score"], y, marker=marker, color=colour, s=42, zorder=3,
                   edgecolor="white", linewidth=0.6, label=site)
    ax.set_yticks(range(len(_PATIENT_IDS)), [patient_label(p) for p in _PATIENT_IDS])
    ax.set_ylim(len(_PATIENT_IDS) - 0.5, -0.5)
    ax.set_xlim(xmin, xmax)
    ax.set_xlabel("T-score (standard deviations from the young-adult mean)")
    ax.set_ylabel("Patient")
    ax.set_title("DXA T-scores against the WHO categories")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9)
    return fig


# --- Laboratory values --------------------------------------------------------------------------


def labs_long(visits: pd.DataFrame) -> pd.DataFrame:
    """Table II's laboratory values in long form: patient_id, visit, analyte, value.

    One row per reported value; N/A cells are dropped, not filled. ``analyte``
    is a categorical in Table II column order.
    """
    long = visits.melt(
        id_vars=["patient_id", "visit"], value_vars=LAB_ANALYTES,
        var_name="analyte", value_name="value",
    )
    return (
        long.dropna(subset=["value"])
        .assign(
            value=lambda d: d["value"].astype(float),
            analyte=lambda d: pd.Categorical(d["analyte"], LAB_ANALYTES),
        )
        .sort_values(["analyte", "patient_id", "visit"])
        .reset_index(drop=True)
    )


def baseline_labs(visits: pd.DataFrame) -> pd.DataFrame:
    """The baseline (diagnosis) rows of :func:`labs_long`: patient_id, analyte, value."""
    long = labs_long(visits)
    return long[long["visit"] == "baseline"].drop(columns="visit").reset_index(drop=True)


def interval_status(value: float, interval: ReferenceInterval) -> str:
    """'below', 'above' or 'within' the interval (the limits themselves count as within).

    Raises ``ValueError`` for a missing value rather than guessing.
    """
    if value is None or pd.isna(value):
        raise ValueError("cannot compare a missing value with a reference interval")
    if interval.low is not None and value < interval.low:
        return "below"
    if interval.high is not None and value > interval.high:
        return "above"
    return "within"


def _with_status(visits: pd.DataFrame, intervals: Mapping[str, ReferenceInterval]) -> pd.DataFrame:
    long = labs_long(visits)
    return long.assign(
        interval=[f"{intervals[a].low:g}-{intervals[a].high:g}" for a in long["analyte"]],
        status=[interval_status(v, intervals[a]) for v, a in zip(long["value"], long["analyte"],
                                                                  strict=True)],
    )


def out_of_interval(
    visits: pd.DataFrame, intervals: Mapping[str, ReferenceInterval] = REFERENCE_INTERVALS
) -> pd.DataFrame:
    """Every reported value outside its reference interval, at every visit.

    Columns: patient_id, visit, analyte, value, interval (as text), status
    ('below' or 'above').
    """
    with_status = _with_status(visits, intervals)
    return with_status[with_status["status"] != "within"].reset_index(drop=True)


def flag_table(
    visits: pd.DataFrame,
    flags: pd.DataFrame,
    intervals: Mapping[str, ReferenceInterval] = REFERENCE_INTERVALS,
) -> pd.DataFrame:
    """Values that the paper flags, or that fall outside the interval, or both.

    Columns: patient_id, visit, analyte, value, interval, status (against the
    interval), paper_flag ('high', 'low' or '' when Table II prints no arrow)
    and agreement, one of:

    - 'flagged and outside' - the arrow points the same way as the interval;
    - 'outside, not flagged' - outside the interval but printed without an arrow;
    - 'flagged, inside interval' - an arrow on a value inside the interval;
    - 'flag opposite to interval' - an arrow pointing the other way.
    """
    expected = {"below": "low", "above": "high"}
    merged = _with_status(visits, intervals).merge(
        flags.assign(analyte=flags["analyte"].astype(str), flag=flags["flag"].astype(str))
        .rename(columns={"flag": "paper_flag"}),
        on=["patient_id", "visit", "analyte"], how="left",
    )
    merged["paper_flag"] = merged["paper_flag"].fillna("")

    def agreement(row) -> str:
        if row["paper_flag"] == "":
            return "outside, not flagged"
        if row["status"] == "within":
            return "flagged, inside interval"
        if expected[row["status"]] == row["paper_flag"]:
            return "flagged and outside"
        return "flag opposite to interval"

    keep = (merged["status"] != "within") | (merged["paper_flag"] != "")
    return (
        merged[keep]
        .assign(agreement=lambda d: d.apply(agreement, axis=1))
        .assign(analyte=lambda d: pd.Categorical(d["analyte"], LAB_ANALYTES))
        .sort_values(["analyte", "patient_id", "visit"])
        .reset_index(drop=True)
    )


def flag_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Count of :func:`flag_table` rows per analyte and agreement category (zeros included)."""
    return pd.crosstab(table["analyte"], table["agreement"]).reindex(LAB_ANALYTES, fill_value=0)


def plot_baseline_labs(
    visits: pd.DataFrame,
    flags: pd.DataFrame,
    intervals: Mapping[str, ReferenceInterval] = REFERENCE_INTERVALS,
) -> Figure:
    """One panel per analyte: each patient's baseline value, the reference band, the paper's arrows.

    x is the patient (P1-P10; a gap means N/A), y the value in the paper's
    unit. The shaded band is the illustrative interval from :mod:`plro.labs`.
    Values the paper flags are drawn with a triangle (up for high, down for
    low) in a contrasting colour; the legend sits in the sixth grid cell.
    """
    base = baseline_labs(visits)
    base_flags = flags[flags["visit"] == "baseline"].assign(
        analyte=lambda d: d["analyte"].astype(str)
    )
    # A fixed grid instead of constrained layout: same look, about 0.4 s less to draw.
    fig = plt.figure(figsize=(WIDE_FIGSIZE[0], 5.6), layout="none")
    grid = fig.add_gridspec(2, 3, left=0.075, right=0.965, bottom=0.09, top=0.88,
                            wspace=0.32, hspace=0.55)
    flag_colour = {"high": COLOURS["warning"], "low": COLOURS["primary"]}
    for i, analyte in enumerate(LAB_ANALYTES):
        ax = fig.add_subplot(grid[i // 3, i % 3])
        ref = intervals[analyte]
        ax.axhspan(ref.low, ref.high, color=COLOURS["reference_band"], alpha=0.25, lw=0,
                   gid="reference_band")
        values = base[base["analyte"] == analyte].merge(
            base_flags[base_flags["analyte"] == analyte][["patient_id", "flag"]],
            on="patient_id", how="left",
        )
        plain = values[values["flag"].isna()]
        ax.scatter(plain["patient_id"], plain["value"], color=COLOURS["muted"], s=30, zorder=3,
                   gid="unflagged")
        for flag, marker in FLAG_MARKERS.items():
            part = values[values["flag"] == flag]
            ax.scatter(part["patient_id"], part["value"], marker=marker, s=70, zorder=4,
                       color=flag_colour[flag], edgecolor="black", linewidth=0.6,
                       gid=f"flagged_{flag}")
        ax.set_xticks(_PATIENT_IDS, [patient_label(p) for p in _PATIENT_IDS], fontsize=7,
                      rotation=90)
        ax.set_xlim(0.4, 10.6)
        ax.set_title(ref.label, fontsize=10)
        ax.set_ylabel(ref.unit, fontsize=9)
        ax.tick_params(axis="y", labelsize=8)
    handles = [
        Patch(color=COLOURS["reference_band"], alpha=0.25,
              label="Reference interval\n(illustrative)"),
        Line2D([], [], ls="", marker="o", color=COLOURS["muted"], label="No arrow in Table II"),
        Line2D([], [], ls="", marker="^", color=flag_colour["high"], markeredgecolor="black",
               markersize=9, label="Flagged high (up arrow)"),
        Line2D([], [], ls="", marker="v", color=flag_colour["low"], markeredgecolor="black",
               markersize=9, label="Flagged low (down arrow)"),
    ]
    fig.legend(handles=handles, loc="center", bbox_to_anchor=(0.83, 0.27), fontsize=9)
    fig.suptitle("Baseline laboratory values by patient", fontweight="bold")
    return fig


# --- Imaging ------------------------------------------------------------------------------------


def vertebral_map(imaging: pd.DataFrame) -> pd.DataFrame:
    """Patient x vertebral level grid of the spinal findings the paper names.

    Rows are patients 1-10 (all of them, even with no named level), columns
    the 17 levels T1-L5. A cell holds '' (nothing named), 'fracture',
    'vertebroplasty' or 'fracture + vertebroplasty'.
    """
    spine = imaging[imaging["site"].astype(str).isin(VERTEBRAL_LEVELS)].assign(
        site=lambda d: d["site"].astype(str), finding=lambda d: d["finding"].astype(str)
    )
    words = {"compression_fracture": "fracture", "vertebroplasty": "vertebroplasty"}
    grid = pd.DataFrame("", index=pd.Index(_PATIENT_IDS, name="patient_id"),
                        columns=pd.Index(VERTEBRAL_LEVELS, name="level"))
    for (pid, level), part in spine.groupby(["patient_id", "site"]):
        named = [words[f] for f in ("compression_fracture", "vertebroplasty")
                 if f in set(part["finding"])]
        grid.loc[int(pid), level] = " + ".join(named)
    return grid


def plot_vertebral_map(vmap: pd.DataFrame) -> Figure:
    """Draw :func:`vertebral_map`: a dot per fractured level, a square around treated levels.

    Every patient has a row (P1 at the top); a dotted line separates the
    thoracic from the lumbar spine.
    """
    fig, ax = plt.subplots(figsize=FIGSIZE)
    cols = {level: i for i, level in enumerate(vmap.columns)}
    rows = {pid: i for i, pid in enumerate(vmap.index)}
    cells = vmap.stack().loc[lambda s: s != ""]
    frac = [(cols[lv], rows[p]) for (p, lv), v in cells.items() if "fracture" in v]
    vert = [(cols[lv], rows[p]) for (p, lv), v in cells.items() if "vertebroplasty" in v]
    ax.scatter(*zip(*frac, strict=True) if frac else ([], []), marker="o", s=70,
               color=COLOURS["warning"], zorder=3, label="Compression fracture", gid="fracture")
    ax.scatter(*zip(*vert, strict=True) if vert else ([], []), marker="s", s=240,
               facecolor="none", edgecolor=COLOURS["primary"], linewidth=2, zorder=4,
               label="Vertebroplasty", gid="vertebroplasty")
    if "T12" in cols and "L1" in cols:
        ax.axvline(cols["T12"] + 0.5, color=COLOURS["muted"], ls=":", lw=1.2)
    ax.set_xticks(range(len(vmap.columns)), list(vmap.columns), fontsize=9)
    ax.set_yticks(range(len(vmap.index)), [patient_label(p) for p in vmap.index])
    ax.set_xlim(-0.6, len(vmap.columns) - 0.4)
    ax.set_ylim(len(vmap.index) - 0.5, -0.5)
    ax.set_xlabel("Vertebral level (thoracic T1-T12 | lumbar L1-L5)")
    ax.set_ylabel("Patient")
    ax.set_title("Vertebral levels named in the paper")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9)
    return fig


def non_spinal_sites(imaging: pd.DataFrame) -> pd.DataFrame:
    """Findings outside the spine, one row per patient and site, both sides on one row."""
    other = imaging[~imaging["site"].astype(str).isin(VERTEBRAL_LEVELS)]
    return (
        other.assign(
            patient=other["patient_id"].map(patient_label),
            site=other["site"].astype(str).str.replace("_", " "),
            side=other["side"].astype(str).str.replace("_", " "),
        )
        .groupby(["patient_id", "patient", "site", "finding_as_printed", "source"], observed=True)
        .agg(side=("side", lambda s: " and ".join(sorted(set(s)))))
        .reset_index()
        .loc[:, ["patient", "site", "side", "finding_as_printed", "source"]]
    )
