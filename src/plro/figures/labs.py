"""Figures of the laboratory values: baseline values, every visit, one analyte over time.

Each panel shades the illustrative reference interval of
:data:`plro.labs.REFERENCE_INTERVALS` (patch ``gid="reference_band"``) and
marks the paper's own arrows where they matter. Missing values (N/A) are left
as gaps; nothing is interpolated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from plro.data import VISITS, patient_label
from plro.labs import LAB_ANALYTES, REFERENCE_INTERVALS, ReferenceInterval, baseline_labs
from plro.theme import COLOURS, FIGURE_WIDTH, MIN_FONT_PT, OKABE_ITO, figure_and_axes, time_axis

__all__ = ["FLAG_MARKERS", "plot_baseline_labs", "plot_labs_over_time", "plot_analyte_over_time"]

FLAG_MARKERS = {"high": "^", "low": "v"}
"""Marker for a value the paper flags with an up (high) or down (low) arrow."""

_FLAG_COLOURS = {"high": COLOURS["warning"], "low": COLOURS["primary"]}
_BAND = {"color": COLOURS["reference_band"], "alpha": 0.25, "lw": 0, "gid": "reference_band"}
_BAND_LABEL = "Reference interval\n(illustrative)"


def _band(ax: plt.Axes, ref: ReferenceInterval, **extra) -> None:
    ax.axhspan(ref.low, ref.high, **(_BAND | extra))


def plot_baseline_labs(
    visits: pd.DataFrame,
    flags: pd.DataFrame,
    intervals: Mapping[str, ReferenceInterval] = REFERENCE_INTERVALS,
    fig: Figure | None = None,
) -> Figure:
    """One panel per analyte: each patient's baseline value, the reference band, the paper's arrows.

    x is the patient (a gap means N/A), y the value in the paper's unit. The
    shaded band is the illustrative interval from :mod:`plro.labs`. Values
    the paper flags are drawn with a triangle (up for high, down for low) in a
    contrasting colour; the legend sits in the sixth grid cell. Draws into
    ``fig`` when given (a 3 x 2 grid, readable on a phone), else into a new figure.
    """
    base = baseline_labs(visits)
    first_visit = next(iter(VISITS))
    base_flags = flags[flags["visit"] == first_visit].assign(
        analyte=lambda d: d["analyte"].astype(str)
    )
    ids = sorted(int(p) for p in visits["patient_id"].unique())
    # A fixed grid instead of constrained layout: same look, about 0.4 s less to draw.
    fig = plt.figure(figsize=(FIGURE_WIDTH, 7.4), layout="none") if fig is None else fig
    grid = fig.add_gridspec(3, 2, left=0.15, right=0.98, bottom=0.065, top=0.925,
                            wspace=0.5, hspace=0.62)
    for i, analyte in enumerate(LAB_ANALYTES):
        ax = fig.add_subplot(grid[i // 2, i % 2])
        ref = intervals[analyte]
        _band(ax, ref)
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
                       color=_FLAG_COLOURS[flag], edgecolor="black", linewidth=0.6,
                       gid=f"flagged_{flag}")
        ax.set_xticks(ids, [patient_label(p) for p in ids], rotation=90)
        ax.set_xlim(min(ids) - 0.6, max(ids) + 0.6)
        ax.set_title(_short_title(ref.label), fontsize=MIN_FONT_PT)
        ax.set_ylabel(ref.unit)
    handles = [
        Patch(color=COLOURS["reference_band"], alpha=0.25, label=_BAND_LABEL),
        Line2D([], [], ls="", marker="o", color=COLOURS["muted"], label="No arrow in Table II"),
        Line2D([], [], ls="", marker="^", color=_FLAG_COLOURS["high"], markeredgecolor="black",
               markersize=9, label="Flagged high (up arrow)"),
        Line2D([], [], ls="", marker="v", color=_FLAG_COLOURS["low"], markeredgecolor="black",
               markersize=9, label="Flagged low (down arrow)"),
    ]
    fig.legend(handles=handles, loc="center", bbox_to_anchor=(0.76, 0.17))
    fig.suptitle("Baseline laboratory values by patient")
    return fig


def _short_title(label: str) -> str:
    """Facet title without the leading 'Serum ' (the unit sits on the y axis)."""
    short = label.removeprefix("Serum ")
    return short[:1].upper() + short[1:]


def plot_labs_over_time(visits: pd.DataFrame, fig: Figure | None = None) -> Figure:
    """Five panels (calcium, magnesium, vitamin D, ALP, PTH): one thin line per patient.

    Each panel shades the illustrative reference interval of
    :data:`plro.labs.REFERENCE_INTERVALS` (patch ``gid="reference_band"``).
    Missing values (N/A) are left as gaps: a line joins only values reported at
    consecutive visits, and a value with no reported neighbour shows as a lone
    dot. Nothing is interpolated. The sixth grid cell holds the legend and a
    note. Draws into ``fig`` when given (a 3 x 2 grid, readable on a phone), else into
    a new figure.
    """
    # A fixed grid instead of constrained layout: same look, about 0.4 s less to draw.
    fig = plt.figure(figsize=(FIGURE_WIDTH, 7.2), layout="none") if fig is None else fig
    axes = fig.subplots(3, 2, gridspec_kw=dict(left=0.15, right=0.98, bottom=0.07, top=0.96,
                                               wspace=0.5, hspace=0.62))
    flat = axes.ravel()
    for ax, (col, ref) in zip(flat, REFERENCE_INTERVALS.items(), strict=False):
        _band(ax, ref)
        wide = visits.pivot(index="patient_id", columns="month", values=col).astype(float)
        for pid, row in wide.iterrows():
            ax.plot(wide.columns.to_numpy(float), row.to_numpy(), color=COLOURS["primary"],
                    lw=0.9, marker="o", ms=3, label=patient_label(pid), gid="patient")
        ax.set_title(_short_title(ref.label), fontsize=MIN_FONT_PT)
        ax.set_ylabel(ref.unit)
        time_axis(ax, label="Time (months)")
    legend_ax = flat[-1]
    legend_ax.axis("off")
    legend_ax.legend(handles=[
        Line2D([], [], color=COLOURS["primary"], lw=0.9, marker="o", ms=3, label="One patient"),
        Patch(color=COLOURS["reference_band"], alpha=0.25, label=_BAND_LABEL),
    ], loc="upper left", bbox_to_anchor=(-0.3, 1.1))
    legend_ax.text(-0.25, 0.42, "Lines join values at\nconsecutive visits only;\n"
                   "a gap or a lone dot is a\nmissing (N/A) value.\nNothing is interpolated.",
                   transform=legend_ax.transAxes, va="top")
    return fig


def plot_analyte_over_time(
    visits: pd.DataFrame,
    analyte: str,
    patient_ids: Iterable[int],
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """One analyte over the visits for a few patients: a coloured line and marker each.

    The band is the illustrative interval of ``analyte`` (legend entry with its
    limits); lines carry ``gid="patient"`` and the patient's label. Values
    missing (N/A) are skipped, so a line joins the values that were reported.
    """
    ref = REFERENCE_INTERVALS[analyte]
    fig, ax = figure_and_axes(ax, figsize=(FIGURE_WIDTH, 4.0))
    _band(ax, ref, label=f"illustrative interval ({ref.low:g}-{ref.high:g} {ref.unit})")
    colours = [COLOURS["primary"], COLOURS["warning"], *OKABE_ITO]
    markers = ["o", "X", "s", "D", "^", "v"]
    for i, pid in enumerate(int(p) for p in patient_ids):
        rows = visits[visits["patient_id"] == pid].dropna(subset=[analyte]).sort_values("month")
        ax.plot(rows["month"].astype(float), rows[analyte].astype(float), gid="patient",
                color=colours[i % len(colours)], marker=markers[i % len(markers)],
                label=patient_label(pid))
    ax.set_ylabel(f"{ref.label} ({ref.unit})")
    time_axis(ax)
    ax.set_title(title or f"{ref.label} over the visits")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    return fig
