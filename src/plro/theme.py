"""One figure theme for the whole book.

Every figure uses :func:`set_theme` (called once per notebook, in the imports
cell) and the Okabe-Ito palette, which stays distinguishable under the common
forms of colour-vision deficiency. Colours carry meaning consistently:
``COLOURS["continued"]``/``COLOURS["discontinued"]`` for breast-feeding,
``COLOURS["bisphosphonate"]`` for bisphosphonate use, and so on.

Figures over time share one x axis, :func:`time_axis`: the visit months of
:data:`plro.data.VISITS` at their real spacing.

The theme only sets matplotlib and seaborn options. How Jupyter's inline
backend saves figures is the notebook's business: each chapter's first code
cell says ``%config InlineBackend.figure_formats = ["svg"]`` (vector figures stay
sharp when a phone zooms, and nbval compares their text, so a changed figure
fails the tests) and ``%config InlineBackend.print_figure_kwargs = {"bbox_inches":
None, "metadata": {"Date": None}}`` (with constrained layout the figure already
fits its canvas, so the default "tight" crop would only draw every figure twice;
no date is written, so re-running a notebook gives the same SVG). The theme's
``svg.hashsalt`` makes the SVG's element ids the same on every run as well.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns

from plro.data import VISITS

__all__ = [
    "OKABE_ITO",
    "COLOURS",
    "FIGSIZE",
    "WIDE_FIGSIZE",
    "TIME_LABEL",
    "set_theme",
    "figure_and_axes",
    "time_axis",
]

OKABE_ITO = [
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#000000",  # black
]
"""The Okabe-Ito colour-blind-safe palette (Okabe and Ito, 2008)."""

COLOURS = {
    "primary": "#0072B2",
    "secondary": "#E69F00",
    "accent": "#009E73",
    "warning": "#D55E00",
    "muted": "#7f7f7f",
    "continued": "#D55E00",
    "discontinued": "#0072B2",
    "not_stated": "#7f7f7f",
    "bisphosphonate": "#009E73",
    "no_bisphosphonate": "#CC79A7",
    "reference_band": "#56B4E9",
    "threshold": "#000000",
}
"""Named colours, all from :data:`OKABE_ITO` (plus a neutral grey)."""

FIGSIZE = (7.0, 4.2)
"""Default figure size in inches; at 100 dpi a figure is 700 px wide."""

WIDE_FIGSIZE = (9.0, 4.2)
"""Size for faceted figures."""

TIME_LABEL = "Time since baseline (months)"
"""x-axis label of every over-time figure."""


def set_theme() -> None:
    """Apply the book's matplotlib/seaborn theme (white grid, Okabe-Ito, readable fonts)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=OKABE_ITO, font_scale=1.0)
    mpl.rcParams.update(
        {
            "figure.figsize": FIGSIZE,
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "figure.constrained_layout.use": True,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "legend.frameon": False,
            "font.family": "DejaVu Sans",
            "svg.fonttype": "none",
            "svg.hashsalt": "plro",
        }
    )


def figure_and_axes(ax=None, figsize: tuple[float, float] = FIGSIZE):
    """``(figure, axes)`` to draw on: ``ax`` and its figure, or a new figure of ``figsize``.

    Every single-panel ``plot_*`` of :mod:`plro.figures` starts with this, so
    it can draw into an axes the caller made or make its own.
    """
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def time_axis(ax, label: str = TIME_LABEL) -> None:
    """Put the visit months of :data:`plro.data.VISITS` on ``ax``'s x axis, at real spacing."""
    months = list(VISITS.values())
    ax.set_xticks(months)
    ax.set_xlim(min(months) - 0.3, max(months) + 0.3)
    ax.set_xlabel(label)
