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
from plro.theme import COLOURS, FIGURE_WIDTH, figure_and_axes

__all__ = ["plot_protocol_flowchart", "plot_intervention_matrix"]

_TICK_LABELS = {
    "stopped_breastfeeding": "Stopped\nbreast-\nfeeding",
    "vitamin_d_calcium": "Vitamin D\n+ calcium",
    "bisphosphonate": "Bisphos-\nphonate",
    "vertebroplasty": "Vertebro-\nplasty",
}

_FILLS = {"diagnosis": COLOURS["reference_band"], "stop_breastfeeding": COLOURS["secondary"],
          "conservative": COLOURS["reference_band"], "drug_for_bone": COLOURS["accent"],
          "vertebroplasty": COLOURS["no_bisphosphonate"]}
_X0, _X1 = 2.3, 9.9  # box edges; the left margin carries the arrow that skips a step
_LINE = 0.42  # one line of text, in data units (x and y units are the same length)
_GAP = 0.8  # between one step's notes and the next box


def _flow_layout(steps: pd.DataFrame, notes: dict[str, str]) -> tuple[dict, float]:
    """Top, box bottom and notes bottom (y, downwards from 0) of each step; and the last y."""
    layout, y = {}, 0.0
    for step in steps.itertuples():
        box_lines = step.label.count("\n") + step.detail.count("\n") + 2
        box_bottom = y - box_lines * _LINE - 0.3
        notes_bottom = box_bottom - 0.15 - (notes[step.step].count("\n") + 2) * _LINE
        layout[step.step] = (y, box_bottom, notes_bottom)
        y = notes_bottom - _GAP
    return layout, y + _GAP


def plot_protocol_flowchart(patients: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """Draw the management protocol as boxes and arrows, annotated with counts from ``patients``.

    One box per row of :func:`plro.management.protocol_steps` (patch ``gid`` ``"step:<step>"``),
    one arrow per row of :func:`plro.management.protocol_edges` (``gid`` ``"edge:<a>-><b>"``).
    Each box shows the step's label and detail; under it, how many patients received it
    (:func:`plro.management.step_annotations`) and the paper section. The steps are
    stacked in one column, so the chart stays readable on a phone. Returns the Figure.
    """
    steps, notes = protocol_steps(), step_annotations(patients)
    layout, bottom = _flow_layout(steps, notes)
    if ax is None:
        height = (-bottom + 0.3) * FIGURE_WIDTH / 10
        fig = plt.figure(figsize=(FIGURE_WIDTH, height + 0.55), layout="none")
        ax = fig.add_axes((0.0, 0.0, 1.0, height / (height + 0.55)))
    fig = ax.figure
    ax.set_xlim(0, 10)
    ax.set_ylim(bottom - 0.15, 0.15)
    ax.axis("off")
    for step in steps.itertuples():
        top, box_bottom, _ = layout[step.step]
        ax.add_patch(FancyBboxPatch((_X0, box_bottom), _X1 - _X0, top - box_bottom,
                                    boxstyle="round,pad=0.02,rounding_size=0.15",
                                    gid=f"step:{step.step}", facecolor=_FILLS[step.step],
                                    alpha=0.35, edgecolor="black", lw=1.2))
        centre = (_X0 + _X1) / 2
        ax.text(centre, top - 0.15, step.label, ha="center", va="top", fontweight="bold")
        ax.text(centre, top - 0.15 - (step.label.count("\n") + 1) * _LINE, step.detail,
                ha="center", va="top", style="italic")
        note = notes[step.step]
        ax.text(_X0 + 0.1, box_bottom - 0.15, note, ha="left", va="top")
        ax.text(_X0 + 0.1, box_bottom - 0.15 - (note.count("\n") + 1) * _LINE,
                f"Source: {step.source}", ha="left", va="top", color="#444444")
    order = list(steps["step"])
    for edge in protocol_edges().itertuples():
        _draw_edge(ax, layout, order, edge.source_step, edge.target_step, edge.label)
    ax.set_title("PLRO management as the paper describes it,\nwith counts from Table I")
    return fig


def _draw_edge(ax: plt.Axes, layout: dict, order: list[str], source: str, target: str,
               label: str) -> None:
    if order.index(target) - order.index(source) > 1:  # skips a step: round the left margin
        y0 = (layout[source][0] + layout[source][1]) / 2
        y1 = (layout[target][0] + layout[target][1]) / 2
        ax.add_patch(FancyArrowPatch((_X0, y0), (_X0, y1), arrowstyle="-|>", mutation_scale=14,
                                     lw=1.3, color="black", connectionstyle="arc3,rad=0.12",
                                     gid=f"edge:{source}->{target}"))
        if label:
            ax.text(0.75, (y0 + y1) / 2, label.replace("\n", " "), rotation=90, ha="center",
                    va="center", color="#333333")
        return
    x = (_X0 + _X1) / 2
    y0, y1 = layout[source][2], layout[target][0]
    ax.add_patch(FancyArrowPatch((x, y0), (x, y1), arrowstyle="-|>", mutation_scale=14, lw=1.3,
                                 color="black", gid=f"edge:{source}->{target}"))
    if label:
        ax.text(x + 0.25, (y0 + y1) / 2, label, ha="left", va="center", color="#333333")


def plot_intervention_matrix(matrix: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """Heatmap of :func:`plro.management.intervention_matrix`: patients as rows, interventions as columns.

    Cells are coloured (received / not received / not stated) **and** carry
    the words, so the figure does not rely on colour alone. Returns the Figure.
    """
    fig, ax = figure_and_axes(ax, figsize=(FIGURE_WIDTH, 5.2))
    codes = {"no": 0, "yes": 1, "not stated": 2}
    grid = matrix.apply(lambda column: column.map(codes)).astype(int).to_numpy()
    colours = ["#f2f2f2", COLOURS["primary"], COLOURS["not_stated"]]
    ax.imshow(grid, cmap=ListedColormap(colours), vmin=-0.5, vmax=2.5, aspect="auto")
    for (row, col), value in np.ndenumerate(matrix.to_numpy()):
        ax.text(col, row, value, ha="center", va="center",
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
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.45, -0.2), ncols=3,
              frameon=False, handlelength=1.2, columnspacing=1.0)
    ax.set_title("Who received what, per Table I")
    return fig
