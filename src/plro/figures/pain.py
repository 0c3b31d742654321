"""Figures of pain (VAS) over the visits: all patients, or one panel per group.

See :mod:`plro.pain` for the data (:func:`plro.pain.vas_wide`) and the
groupings (:data:`plro.pain.GROUPINGS`). The x axis is in months at real
spacing (:func:`plro.theme.time_axis`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from plro.data import patient_label
from plro.pain import GROUPINGS, patient_groups, vas_wide
from plro.theme import COLOURS, FIGURE_WIDTH, figure_and_axes, time_axis

__all__ = ["VAS_LABEL", "GROUP_COLOURS", "plot_vas_trajectories", "plot_vas_by_group"]

VAS_LABEL = "Pain, VAS (0-10)"
"""y-axis label of every VAS figure (the scale has no physical unit; 0-10 is its range)."""

GROUP_COLOURS = {
    "breastfeeding": {"continued": COLOURS["continued"], "discontinued": COLOURS["discontinued"],
                      "not_stated": COLOURS["not_stated"]},
    "bisphosphonate": {True: COLOURS["bisphosphonate"], False: COLOURS["no_bisphosphonate"]},
}
"""One colour per group of :data:`plro.pain.GROUPINGS` (same keys)."""


def _draw_vas(ax, wide: pd.DataFrame, colour: str, with_median: bool) -> None:
    months = np.asarray(wide.columns, dtype=float)
    for pid, row in wide.iterrows():
        ax.plot(months, row.to_numpy(), color=colour, lw=1.0, alpha=0.7, marker="o", ms=3,
                label=patient_label(pid), gid="patient", zorder=6)
    if with_median:
        ax.plot(months, wide.median(axis=0).to_numpy(), color=COLOURS["threshold"], lw=3.2,
                label="Median", gid="median", zorder=4)
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(0, 11, 2))
    time_axis(ax)


def plot_vas_trajectories(visits: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """VAS over the visits: a thin line per patient and the cohort median in bold.

    Patient lines carry ``gid="patient"`` and labels "P1"...; the median line
    ``gid="median"``.
    """
    wide = vas_wide(visits)
    fig, ax = figure_and_axes(ax)
    _draw_vas(ax, wide, COLOURS["muted"], with_median=True)
    ax.set_ylabel(VAS_LABEL)
    ax.set_title(f"Pain at each visit, all {len(wide)} patients")
    ax.legend(handles=[
        Line2D([], [], color=COLOURS["muted"], lw=1, marker="o", ms=3, label="One patient"),
        Line2D([], [], color=COLOURS["threshold"], lw=3.2, label="Median"),
    ], loc="upper right")
    return fig


def plot_vas_by_group(
    visits: pd.DataFrame, patients: pd.DataFrame, by: str, fig: Figure | None = None
) -> Figure:
    """VAS over the visits, one panel per group of ``by`` (a key of :data:`plro.pain.GROUPINGS`).

    Each panel has its group's own median; a group of one patient gets no
    median line (its "median" would be that patient) and says so. The panels are
    stacked, one per row, sharing the axes, so each stays readable on a phone. Draws
    into ``fig`` when given, else into a new figure.
    """
    groups = patient_groups(patients, by)
    wide = vas_wide(visits)
    colours = GROUP_COLOURS[by]
    present = [(title, colours[value]) for value, title in GROUPINGS[by]["groups"].items()
               if (groups == title).any()]
    # A fixed grid instead of constrained layout: same look, less time to draw.
    height = 0.9 + 2.0 * len(present)
    fig = plt.figure(figsize=(FIGURE_WIDTH, height), layout="none") if fig is None else fig
    axes = fig.subplots(len(present), 1, sharex=True, sharey=True, squeeze=False,
                        gridspec_kw=dict(left=0.15, right=0.97, bottom=0.5 / height,
                                         top=1 - 0.35 / height, hspace=0.32))
    for ax, (title, colour) in zip(axes[:, 0], present, strict=True):
        ids = groups.index[groups == title]
        sub = wide.loc[wide.index.isin(ids)]
        _draw_vas(ax, sub, colour, with_median=len(sub) > 1)
        ax.set_title(f"{title} (n = {len(sub)})")
        ax.set_ylabel(VAS_LABEL)
        ax.set_xlabel("")
        if len(sub) == 1:
            ax.text(0.97, 0.92, f"{patient_label(sub.index[0])} only: no median", ha="right",
                    va="top", transform=ax.transAxes)
    time_axis(axes[-1, 0])
    return fig
