"""Figure of the audit: how far each recomputed number is from the printed one (see :mod:`plro.audit`)."""

from __future__ import annotations

import re
import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from plro.audit import NOT_DERIVABLE
from plro.theme import COLOURS, FIGURE_WIDTH, figure_and_axes

__all__ = ["claim_label", "plot_relative_differences"]


def claim_label(row: pd.Series, width: int = 38) -> str:
    """A claim as a reader names it: "Mean age (Case Series)", wrapped to ``width`` characters.

    The audit's ``quantity`` without its parenthetical remark, capitalised, and its section.
    """
    quantity = re.sub(r"\s*\(.*\)\s*$", "", str(row["quantity"]))
    section = str(row["section"]).replace("_", " ").title()
    return textwrap.fill(f"{quantity[:1].upper()}{quantity[1:]} ({section})", width)


def plot_relative_differences(audit: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """Dot plot of the relative difference (%) of every derivable claim of :func:`plro.audit.audit_table`.

    Each differing claim gets its own row, labelled in words with what it counts or
    measures and the section that prints it (:func:`claim_label`; sorted from the most
    negative difference); all matching claims share the last
    row, on the zero line. Printed SDs (claims of their own) that differ get a
    hollow marker. Claims with no single relative difference (a reported value
    of 0, or a claim judged in parts) are named in the legend instead of plotted.
    Draws into ``ax`` when given; returns the Figure.
    """
    derivable = audit[audit["status"] != NOT_DERIVABLE]
    plotted = derivable.dropna(subset=["relative_difference_pct"])
    differs = plotted[plotted["status"] == "differs"].sort_values("relative_difference_pct")
    matches = plotted[plotted["status"] == "matches"]
    names = {row["claim_id"]: claim_label(row) for _, row in derivable.iterrows()}
    labels = [names[c] for c in differs["claim_id"]] + [f"All matching claims (n = {len(matches)})"]
    lines = max(label.count("\n") + 1 for label in labels)  # every row gets the tallest label's room
    fig, ax = figure_and_axes(ax, figsize=(FIGURE_WIDTH, 3.6 + 0.19 * lines * len(labels)))
    ax.axvline(0, color=COLOURS["threshold"], linewidth=1, zorder=1, label="no difference")
    ax.scatter(matches["relative_difference_pct"].astype(float), [len(differs)] * len(matches),
               color=COLOURS["primary"], marker="o", s=40, zorder=3, label="matches")
    sd_only = differs["statistic"] == "sd"
    for part, face, label in [(differs[~sd_only], COLOURS["warning"], "differs"),
                              (differs[sd_only], "white", "differs (a printed SD)")]:
        rows = [list(differs["claim_id"]).index(c) for c in part["claim_id"]]
        ax.scatter(part["relative_difference_pct"].astype(float), rows, s=45, zorder=3,
                   marker="D", facecolor=face, edgecolor=COLOURS["warning"], linewidth=1.5,
                   label=label)
    undefined = derivable[derivable["relative_difference_pct"].isna()]
    if len(undefined):
        ax.scatter([], [], marker="", label=textwrap.fill(
            "not plotted (no single relative difference): "
            + "; ".join(claim_label(row, width=200) for _, row in undefined.iterrows()), 40))
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("Relative difference, recomputed\nvs printed (% of the printed value)",
                  loc="right")
    ax.set_ylabel("Claim")
    title = ax.set_title("Recomputed vs printed value, per claim")
    title.set(horizontalalignment="right", x=1.0)  # the claim labels take the left
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center")
    return fig
