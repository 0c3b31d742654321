"""Figures of the management protocol: a flowchart and a who-received-what matrix.

Both draw from :mod:`plro.management` (the protocol as data, the intervention
matrix); matplotlib boxes and arrows only, no graphviz, no network.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from plro.management import protocol_edges, protocol_steps, step_annotations
from plro.theme import COLOURS, figure_and_axes

__all__ = ["plot_protocol_flowchart", "plot_intervention_matrix"]

_TICK_LABELS = {
    "stopped_breastfeeding": "Stopped\nbreast-feeding",
    "vitamin_d_calcium": "Vitamin D\n+ calcium",
    "bisphosphonate": "Bisphos-\nphonate",
    "vertebroplasty": "Vertebro-\nplasty",
}

_BOX_W, _BOX_H, _BOX_X = 4.3, 1.35, 3.35
_ROWS_Y = {"diagnosis": 9.0, "stop_breastfeeding": 7.0, "conservative": 5.0,
           "drug_for_bone": 3.0, "vertebroplasty": 1.0}
_FILLS = {"diagnosis": COLOURS["reference_band"], "stop_breastfeeding": COLOURS["secondary"],
          "conservative": COLOURS["reference_band"], "drug_for_bone": COLOURS["accent"],
          "vertebroplasty": COLOURS["no_bisphosphonate"]}


def plot_protocol_flowchart(patients: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """Draw the management protocol as boxes and arrows, annotated with counts from ``patients``.

    One box per row of :func:`plro.management.protocol_steps` (patch ``gid`` ``"step:<step>"``),
    one arrow per row of :func:`plro.management.protocol_edges` (``gid`` ``"edge:<a>-><b>"``).
    Each box shows the step's label and detail; to its right, how many
    patients received it (:func:`plro.management.step_annotations`) and the paper section.
    Returns the Figure.
    """
    fig, ax = figure_and_axes(ax, figsize=(7.6, 6.6))
    ax.set_xlim(0, 10.2)
    ax.set_ylim(-0.1, 10.0)
    ax.axis("off")
    notes = step_annotations(patients)
    for step in protocol_steps().itertuples():
        y = _ROWS_Y[step.step]
        box = FancyBboxPatch((_BOX_X - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
                             boxstyle="round,pad=0.02,rounding_size=0.15", gid=f"step:{step.step}",
                             facecolor=_FILLS[step.step], alpha=0.35, edgecolor="black", lw=1.2)
        ax.add_patch(box)
        ax.text(_BOX_X, y + 0.24, step.label, ha="center", va="center", fontsize=10,
                fontweight="bold")
        ax.text(_BOX_X, y - 0.4, step.detail, ha="center", va="center", fontsize=9,
                style="italic")
        ax.text(_BOX_X + _BOX_W / 2 + 0.35, y + 0.15, notes[step.step], ha="left", va="center",
                fontsize=9)
        ax.text(_BOX_X + _BOX_W / 2 + 0.35, y - 0.52, f"Source: {step.source}", ha="left",
                va="center", fontsize=8.5, color="#444444")
    for edge in protocol_edges().itertuples():
        _draw_edge(ax, edge.source_step, edge.target_step, edge.label)
    ax.set_title("PLRO management as the paper describes it,\nwith counts from Table I")
    return fig


def _draw_edge(ax: plt.Axes, source: str, target: str, label: str) -> None:
    y0, y1 = _ROWS_Y[source] - _BOX_H / 2, _ROWS_Y[target] + _BOX_H / 2
    skips = y0 - y1 > 1.0  # skips the box in between: route round its left side
    x = _BOX_X - _BOX_W / 2 - 0.15 if skips else _BOX_X
    start, end = ((x + 0.3, y0), (x + 0.3, y1)) if skips else ((x, y0), (x, y1))
    style = "arc3,rad=0.5" if skips else "arc3"
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=1.3,
                                 color="black", connectionstyle=style,
                                 gid=f"edge:{source}->{target}"))
    if label:
        lx = x - 0.55 if skips else x + 0.1
        ha = "right" if skips else "left"
        ax.text(lx, (y0 + y1) / 2, label, ha=ha, va="center", fontsize=8.5, color="#333333")


def plot_intervention_matrix(matrix: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """Heatmap of :func:`plro.management.intervention_matrix`: patients as rows, interventions as columns.

    Cells are coloured (received / not received / not stated) **and** carry
    the words, so the figure does not rely on colour alone. Returns the Figure.
    """
    fig, ax = figure_and_axes(ax, figsize=(7.0, 4.6))
    codes = {"no": 0, "yes": 1, "not stated": 2}
    grid = matrix.apply(lambda column: column.map(codes)).astype(int).to_numpy()
    colours = ["#f2f2f2", COLOURS["primary"], COLOURS["not_stated"]]
    ax.imshow(grid, cmap=ListedColormap(colours), vmin=-0.5, vmax=2.5, aspect="auto")
    for (row, col), value in np.ndenumerate(matrix.to_numpy()):
        ax.text(col, row, value, ha="center", va="center", fontsize=8.5,
                color="white" if value != "no" else "black")
    ax.set_xticks(range(matrix.shape[1]),
                  [_TICK_LABELS[c] for c in matrix.columns])
    ax.set_yticks(range(matrix.shape[0]), matrix.index)
    ax.set_xlabel("Intervention recorded in Table I")
    ax.set_ylabel("Patient")
    ax.grid(False)
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(-0.5, matrix.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, matrix.shape[0]), minor=True)
    ax.grid(which="minor", color="white", lw=2)
    handles = [Patch(facecolor=c, edgecolor="#999999", label=lab)
               for c, lab in zip(colours, ["not received", "received", "not stated"], strict=True)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title("Who received what, per Table I")
    return fig
