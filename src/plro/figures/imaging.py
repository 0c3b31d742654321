"""Figure of the vertebral levels the paper names (see :mod:`plro.imaging`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from plro.data import patient_label
from plro.theme import COLOURS, FIGURE_WIDTH, figure_and_axes

__all__ = ["plot_vertebral_map"]


def plot_vertebral_map(vmap: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """Draw :func:`plro.imaging.vertebral_map`: a dot per fractured level, a square around treated levels.

    Every patient has a row (the first at the top); a dotted line separates the
    thoracic from the lumbar spine. Collections carry ``gid`` "fracture" and
    "vertebroplasty".
    """
    fig, ax = figure_and_axes(ax, figsize=(FIGURE_WIDTH, 4.4))
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
    ax.set_xticks(range(len(vmap.columns)), list(vmap.columns), rotation=90)
    ax.set_yticks(range(len(vmap.index)), [patient_label(p) for p in vmap.index])
    ax.set_xlim(-0.6, len(vmap.columns) - 0.4)
    ax.set_ylim(len(vmap.index) - 0.5, -0.5)
    ax.set_xlabel("Vertebral level (thoracic T | lumbar L)")
    ax.set_ylabel("Patient")
    ax.set_title("Vertebral levels named in the paper")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2)
    return fig
