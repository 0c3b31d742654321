"""One figure theme for the whole book.

Every figure uses :func:`set_theme` (called once per notebook, in the imports
cell) and the Okabe-Ito palette, which stays distinguishable under the common
forms of colour-vision deficiency. Colours carry meaning consistently:
``COLOURS["continued"]``/``COLOURS["discontinued"]`` for breast-feeding,
``COLOURS["bisphosphonate"]`` for bisphosphonate use, and so on.
"""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

__all__ = ["OKABE_ITO", "COLOURS", "FIGSIZE", "WIDE_FIGSIZE", "set_theme", "patient_label"]

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
        }
    )
    _inline_without_tight_bbox()


def _inline_without_tight_bbox() -> None:
    """In Jupyter, render each figure once, at its own size.

    The inline backend's default ``bbox_inches="tight"`` draws every figure a
    second time to crop it; with constrained layout (set above) the figure
    already fits its canvas, so the extra pass only costs time.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "run_line_magic"):
        shell.run_line_magic("config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")


def patient_label(patient_id: int) -> str:
    """The label used for a patient on every axis and legend: ``'P4'`` for patient 4."""
    return f"P{int(patient_id)}"
