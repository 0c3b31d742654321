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

Figures are drawn for a phone first. On a 390-px phone the book's text column is
:data:`PHONE_COLUMN_PX` wide, and an SVG figure is shown at most that wide, so
its text renders at ``font size x displayed width / figure width``. Every figure is
:data:`FIGURE_WIDTH` inches (345.6 pt) wide and no text is smaller than
:data:`MIN_FONT_PT`, so on a phone, even inside an exercise box (320 px), no text is
under :data:`MIN_TEXT_PX` CSS px (:func:`rendered_text_px` measures it). Multi-panel
figures stack their panels in fewer columns instead of shrinking them, and legends
sit outside the data.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.text import Text

from plro.data import VISITS

__all__ = [
    "OKABE_ITO",
    "COLOURS",
    "PHONE_COLUMN_PX",
    "MIN_TEXT_PX",
    "MIN_FONT_PT",
    "FIGURE_WIDTH",
    "FIGSIZE",
    "WIDE_FIGSIZE",
    "rendered_text_px",
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

PHONE_COLUMN_PX = 342
"""Width (CSS px) at which a figure is shown on a 390-px-wide phone (measured on the built
site: the text column is 358 px, a cell's output 342 px, and 320 px inside an exercise box)."""

MIN_TEXT_PX = 9.0
"""Smallest size (CSS px) at which a figure's text may render on that phone."""

MIN_FONT_PT = 10.0
"""Smallest font size (pt) of any text in a figure; the theme's defaults are all at least this."""

FIGURE_WIDTH = 4.8
"""Width (inches) of every figure: 345.6 pt, so the SVG is shown at about its own size on a phone."""

FIGSIZE = (FIGURE_WIDTH, 3.4)
"""Default figure size in inches."""

WIDE_FIGSIZE = (FIGURE_WIDTH, 5.6)
"""Size for faceted figures: as wide as any other, taller, with the panels stacked."""

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
            "axes.titlesize": 11,
            "axes.labelsize": 10.5,
            "font.size": MIN_FONT_PT,
            "xtick.labelsize": MIN_FONT_PT,
            "ytick.labelsize": MIN_FONT_PT,
            "legend.fontsize": MIN_FONT_PT,
            "legend.title_fontsize": MIN_FONT_PT,
            "figure.titlesize": 11.5,
            "figure.titleweight": "bold",
            "legend.frameon": False,
            "font.family": "DejaVu Sans",
            "svg.fonttype": "none",
            "svg.hashsalt": "plro",
        }
    )


def rendered_text_px(fig: Figure, column_px: float = PHONE_COLUMN_PX) -> list[tuple[float, str]]:
    """``(CSS px, text)`` of every visible text of ``fig`` shown in a column ``column_px`` wide.

    The SVG is ``width`` pt wide, shown at its own size (1 pt = 4/3 CSS px) or shrunk to
    the column, whichever is narrower; its text scales with it. Sorted, smallest first.
    """
    width_pt = fig.get_figwidth() * 72
    scale = min(column_px, width_pt * 4 / 3) / width_pt
    return sorted((t.get_fontsize() * scale, t.get_text()) for t in fig.findobj(Text)
                  if t.get_visible() and t.get_text().strip())


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
