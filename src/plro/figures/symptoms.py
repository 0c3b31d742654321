"""Figures of the presenting symptoms and of when they were diagnosed (see :mod:`plro.symptoms`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from plro.data import patient_label
from plro.describe import describe_continuous
from plro.symptoms import REGIONS, symptom_pattern, symptom_regions
from plro.theme import COLOURS, FIGURE_WIDTH, WIDE_FIGSIZE, figure_and_axes

__all__ = ["plot_symptoms", "plot_postpartum_weeks"]


def plot_symptoms(patients: pd.DataFrame, fig: Figure | None = None) -> Figure:
    """Two panels: patients per symptom pattern, and patients naming each body region.

    The panels are stacked (readable on a phone). Draws into ``fig`` when given, else
    into a new figure.
    """
    pattern = symptom_pattern(patients).value_counts()
    pattern = pattern.loc[sorted(pattern.index, key=lambda k: (-pattern[k], k))]
    regions = (
        symptom_regions(patients)
        .groupby("region", observed=False)["present"].sum()
        .reindex(list(REGIONS))
    )
    fig = plt.figure(figsize=WIDE_FIGSIZE) if fig is None else fig
    ax_pat, ax_reg = fig.subplots(2, 1)
    ax_pat.barh(pattern.index[::-1], pattern.values[::-1], color=COLOURS["primary"])
    ax_pat.set(xlabel="Patients (n)", ylabel="Symptom pattern (Table I)",
               title="Presenting pattern")
    ax_reg.barh([r.capitalize() for r in REGIONS][::-1], regions.values[::-1],
                color=COLOURS["secondary"])
    ax_reg.set(xlabel="Patients naming the region (n)", ylabel="Body region",
               title="Painful regions")
    n = len(patients)
    for ax in (ax_pat, ax_reg):
        ax.set_xlim(0, n)
        ax.xaxis.set_major_locator(plt.MultipleLocator(2))
        ax.grid(axis="y", visible=False)
        for bar in ax.patches:
            ax.annotate(f"{bar.get_width():.0f}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                        xytext=(3, 0), textcoords="offset points", va="center")
    return fig


def plot_postpartum_weeks(
    patients: pd.DataFrame, reported_mean: float | None = None, ax: plt.Axes | None = None
) -> Figure:
    """One dot per patient at the week after delivery of diagnosis, with median and mean lines.

    A solid line marks the median and a dashed line the mean computed from
    Table I; if ``reported_mean`` is given (the paper's printed mean), a dotted
    line marks it too.
    """
    data = patients.assign(
        patient=patients["patient_id"].map(patient_label),
        weeks=patients["postpartum_week_at_diagnosis"].astype(float),
    ).sort_values("patient_id", ascending=False)
    stats = describe_continuous(data["weeks"])
    fig, ax = figure_and_axes(ax, figsize=(FIGURE_WIDTH, 5.0))
    ax.scatter(data["weeks"], data["patient"], s=60, color=COLOURS["primary"], zorder=3,
               label="One patient")
    ax.axvline(stats["median"], color=COLOURS["threshold"], linestyle="-",
               label=f"Median, computed ({stats['median']:g} weeks)")
    ax.axvline(stats["mean"], color=COLOURS["warning"], linestyle="--",
               label=f"Mean, computed ({stats['mean']:.1f} weeks)")
    if reported_mean is not None:
        ax.axvline(reported_mean, color=COLOURS["muted"], linestyle=":", linewidth=2,
                   label=f"Mean, paper's text ({reported_mean:g} weeks)")
    ax.set(xlabel="Time of diagnosis after delivery (weeks)", ylabel="Patient",
           xlim=(0, max(26.0, stats["max"] + 2)))
    ax.xaxis.set_major_locator(plt.MultipleLocator(4))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=1)
    return fig
