"""Figures of the DXA T-scores against the WHO categories (see :mod:`plro.bone_density`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from plro.bone_density import T_SCORE_SITES, WHO_NORMAL_MIN, WHO_OSTEOPOROSIS_MAX, t_scores_long
from plro.data import patient_label
from plro.theme import COLOURS, FIGURE_WIDTH, OKABE_ITO, figure_and_axes

__all__ = ["WHO_COLOURS", "plot_t_scores", "plot_t_scores_by_patient"]

WHO_COLOURS = {
    "osteoporosis": COLOURS["warning"],
    "osteopenia": COLOURS["reference_band"],
    "normal": COLOURS["accent"],
}
"""One colour per WHO densitometric category (Okabe-Ito)."""

_SITE_STYLE = dict(zip(  # marker, colour and vertical offset per DXA site, in Table I order
    T_SCORE_SITES.values(),
    [("o", COLOURS["primary"], -0.22), ("s", OKABE_ITO[6], 0.0), ("D", OKABE_ITO[7], 0.22)],
    strict=True,
))
_WHO_BANDS = [  # (label, low, high, colour)
    (f"WHO osteoporosis (T \u2264 {WHO_OSTEOPOROSIS_MAX:g})", -np.inf, WHO_OSTEOPOROSIS_MAX,
     COLOURS["warning"]),
    ("WHO osteopenia", WHO_OSTEOPOROSIS_MAX, WHO_NORMAL_MIN, COLOURS["secondary"]),
    (f"WHO normal (T \u2265 {WHO_NORMAL_MIN:g})", WHO_NORMAL_MIN, np.inf, COLOURS["accent"]),
]


def plot_t_scores(patients: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """The three T-scores of every patient by site, coloured by WHO category, with -1 and -2.5 lines."""
    long = t_scores_long(patients)
    fig, ax = figure_and_axes(ax, figsize=(FIGURE_WIDTH, 4.0))
    sns.swarmplot(data=long, x="site", y="t_score", hue="who_category", palette=WHO_COLOURS,
                  hue_order=list(WHO_COLOURS), size=6, ax=ax)
    for value in (WHO_NORMAL_MIN, WHO_OSTEOPOROSIS_MAX):
        ax.axhline(value, color=COLOURS["threshold"], linestyle="--", linewidth=1, zorder=1)
        ax.annotate(f"WHO {value:g}", (1.5, value), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom")
    ax.set(xlabel="DXA site", ylabel="T-score (SD)", ylim=(-4.0, 0.0))
    ax.set_xticks(range(len(T_SCORE_SITES)), list(T_SCORE_SITES.values()), rotation=15,
                  ha="right", rotation_mode="anchor")
    ax.legend(title="WHO category", loc="upper center", bbox_to_anchor=(0.5, -0.36), ncols=3)
    return fig


def plot_t_scores_by_patient(patients: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """Dot plot of each patient's three T-scores over shaded WHO category bands.

    One row per patient (the first patient at the top), one marker shape and
    colour per DXA site, dashed lines at the WHO thresholds -1 and -2.5. The
    bands describe the published numbers; they are not a diagnosis (see
    :mod:`plro.bone_density`).
    """
    long = t_scores_long(patients)
    ids = [int(p) for p in patients["patient_id"]]
    fig, ax = figure_and_axes(ax, figsize=(FIGURE_WIDTH, 5.4))
    xmin = min(-4.0, float(long["t_score"].min()) - 0.3)
    xmax = 0.5
    for label, low, high, colour in _WHO_BANDS:
        ax.axvspan(max(low, xmin), min(high, xmax), color=colour, alpha=0.13, lw=0, label=label)
    for x in (WHO_NORMAL_MIN, WHO_OSTEOPOROSIS_MAX):
        ax.axvline(x, color=COLOURS["threshold"], ls="--", lw=1.2, gid=f"threshold_{x}")
    rows = {pid: i for i, pid in enumerate(ids)}
    for site, (marker, colour, offset) in _SITE_STYLE.items():
        part = long[long["site"] == site]
        y = part["patient_id"].map(rows).astype(float) + offset
        ax.scatter(part["t_score"], y, marker=marker, color=colour, s=42, zorder=3,
                   edgecolor="white", linewidth=0.6, label=site)
    ax.set_yticks(range(len(ids)), [patient_label(p) for p in ids])
    ax.set_ylim(len(ids) - 0.5, -0.5)
    ax.set_xlim(xmin, xmax)
    ax.set_xlabel("T-score (standard deviations\nfrom the young-adult mean)")
    ax.set_ylabel("Patient")
    ax.set_title("DXA T-scores against the WHO categories")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    return fig
