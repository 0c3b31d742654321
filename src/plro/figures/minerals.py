"""Figures of the paper's background (see :mod:`plro.minerals`) and of when the ten were diagnosed."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch, Rectangle

from plro.data import patient_label
from plro.minerals import mineral_transfer, quoted_fact
from plro.theme import COLOURS, FIGURE_WIDTH, figure_and_axes

__all__ = ["plot_mineral_transfer", "plot_reserve_share", "plot_diagnosis_timeline"]


def plot_mineral_transfer(minerals: pd.DataFrame | None = None, ax: plt.Axes | None = None) -> Figure:
    """Bar chart of the grams of calcium, phosphorus and magnesium lost in pregnancy.

    One bar per mineral, each labelled with its value in grams. ``minerals``
    defaults to :func:`plro.minerals.mineral_transfer`. Returns the Figure.
    """
    minerals = mineral_transfer() if minerals is None else minerals
    fig, ax = figure_and_axes(ax)
    labels = [f"{m} ({s})" for m, s in zip(minerals["mineral"], minerals["symbol"], strict=True)]
    colours = [COLOURS["primary"], COLOURS["secondary"], COLOURS["accent"]][: len(minerals)]
    bars = ax.bar(labels, minerals["grams"], color=colours, width=0.6)
    ax.bar_label(bars, labels=[f"{g:g} g" for g in minerals["grams"]], padding=3)
    ax.set_ylabel("Mineral lost by the mother (g)")
    ax.set_xlabel("Mineral")
    ax.set_ylim(0, float(minerals["grams"].max()) * 1.15)
    ax.set_title("Minerals lost by the mother\nin pregnancy (quoted)")
    return fig


def plot_reserve_share(percent: float | None = None, ax: plt.Axes | None = None) -> Figure:
    """A 10 x 10 waffle: each square is 1% of the maternal calcium reserve.

    The first ``round(percent)`` squares are highlighted (the share transferred to
    the baby during pregnancy and lactation); ``percent`` defaults to the quoted
    ``calcium_reserve_share``. The squares are ``Rectangle`` patches with ``gid``
    ``'transferred'`` or ``'remaining'``; the legend sits under the waffle.
    Draws into ``ax`` when given; returns the Figure.
    """
    percent = quoted_fact("calcium_reserve_share").value if percent is None else percent
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, got {percent}")
    if ax is None:
        fig = plt.figure(figsize=(FIGURE_WIDTH, 4.6), layout="none")
        ax = fig.add_axes((0.2, 0.27, 0.6, 0.66))
    fig = ax.figure
    n_on = round(percent)
    for i in range(100):
        row, col = divmod(i, 10)  # fill from the bottom-left, row by row
        on = i < n_on
        ax.add_patch(Rectangle(
            (col, row), 0.9, 0.9,
            facecolor=COLOURS["warning"] if on else COLOURS["reference_band"],
            alpha=1.0 if on else 0.35, edgecolor="none", gid="transferred" if on else "remaining",
        ))
    ax.set_xlim(-0.1, 10)
    ax.set_ylim(-0.1, 10)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(
        handles=[
            Patch(color=COLOURS["warning"], label=f"{percent:g}% transferred to the baby\n"
                  "(pregnancy and lactation)"),
            Patch(color=COLOURS["reference_band"], alpha=0.35,
                  label=f"{100 - percent:g}% stays in the mother"),
        ],
        loc="upper center", bbox_to_anchor=(0.5, -0.02),
    )
    ax.set_title("Maternal calcium reserve (1 square = 1%)", loc="left")
    return fig


def plot_diagnosis_timeline(patients: pd.DataFrame, fig: Figure | None = None) -> Figure:
    """When each patient of the series was diagnosed, on a pregnancy-postpartum timeline.

    ``patients`` needs ``patient_id`` and ``postpartum_week_at_diagnosis``. Two panels
    share one row per patient: on the left, pregnancy as a schematic of three
    trimesters (not to scale) with the third, where the paper says PLRO is usually
    seen, shaded; on the right, weeks after delivery, with a line from delivery
    (x = 0, ``gid='delivery'``) to a dot at the week of diagnosis (one scatter
    collection, one point per patient). Draws into ``fig`` (an empty figure with
    constrained layout) when given; returns the Figure, whose ``axes[1]`` is the
    postpartum panel.
    """
    data = patients[["patient_id", "postpartum_week_at_diagnosis"]]
    if data["postpartum_week_at_diagnosis"].isna().any():
        raise ValueError("postpartum_week_at_diagnosis has missing values")
    data = data.sort_values(["postpartum_week_at_diagnosis", "patient_id"], ascending=False)
    weeks = data["postpartum_week_at_diagnosis"].astype(float)
    rows = list(range(len(data)))
    labels = [patient_label(p) for p in data["patient_id"]]
    fig = plt.figure(figsize=(FIGURE_WIDTH, 4.4), layout="constrained") if fig is None else fig
    preg, post = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [1, 2.4]})
    for k, name in enumerate(["1st", "2nd", "3rd"]):
        third = name == "3rd"
        preg.axvspan(k, k + 1, color=COLOURS["secondary"] if third else COLOURS["muted"],
                     alpha=0.3 if third else 0.08 * (k + 1), lw=0)
        preg.text(k + 0.5, len(data) - 0.1, name, ha="center", va="bottom")
    preg.set_xlim(0, 3)
    preg.set_xticks([])
    preg.set_xlabel("Pregnancy\n(not to scale)")
    preg.set_yticks(rows, labels)
    preg.set_ylabel("Patient")
    preg.grid(False)
    post.hlines(rows, 0, weeks, color=COLOURS["muted"], lw=1.5)
    post.scatter(weeks, rows, s=60, color=COLOURS["primary"], zorder=3)
    for row, week in zip(rows, weeks, strict=True):
        post.annotate(f"{week:g}", (week, row), xytext=(7, 0), textcoords="offset points",
                      va="center")
    post.axvline(0, color=COLOURS["threshold"], lw=1.5, gid="delivery")
    post.text(0.4, len(data) - 0.1, "Delivery", ha="left", va="bottom")
    post.set_xlim(0, max(26.0, float(weeks.max()) + 3))
    post.set_ylim(-0.7, len(data) + 0.9)
    post.set_xlabel("Time of diagnosis\nafter delivery (weeks)")
    post.tick_params(axis="y", left=False)
    fig.suptitle(f"Diagnosed {weeks.min():g} to {weeks.max():g} weeks after delivery "
                 f"(n = {len(data)})", fontsize=11)
    if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        fig.get_layout_engine().set(wspace=0.0)
    return fig
