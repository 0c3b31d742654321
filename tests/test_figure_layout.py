"""Figures drawn with a fixed grid (not constrained layout) keep all their text on the canvas."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

from plro.data import load_lab_flags, load_patients, load_visits
from plro.outcomes import plot_labs_over_time, plot_vas_trajectories
from plro.theme import set_theme
from plro.workup import plot_baseline_labs


def _overhanging(fig) -> list[str]:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += [ax.title, ax.xaxis.label, ax.yaxis.label]
        lo, hi = sorted(ax.get_ylim())
        texts += [t for t, v in zip(ax.get_yticklabels(), ax.get_yticks()) if lo <= v <= hi]
        lo, hi = sorted(ax.get_xlim())
        texts += [t for t, v in zip(ax.get_xticklabels(), ax.get_xticks()) if lo <= v <= hi]
    out = []
    for text in texts:
        if not text.get_text() or not text.get_visible():
            continue
        box = text.get_window_extent(renderer)
        inside_x = canvas.x0 - 1 <= box.x0 and box.x1 <= canvas.x1 + 1
        inside_y = canvas.y0 - 1 <= box.y0 and box.y1 <= canvas.y1 + 1
        if not (inside_x and inside_y):
            out.append(text.get_text())
    return out


@pytest.mark.parametrize("make", [
    lambda: plot_baseline_labs(load_visits(), load_lab_flags()),
    lambda: plot_labs_over_time(load_visits()),
    lambda: plot_vas_trajectories(load_visits(), load_patients(), by="breastfeeding"),
    lambda: plot_vas_trajectories(load_visits(), load_patients(), by="bisphosphonate"),
], ids=["baseline-labs", "labs-over-time", "vas-by-breastfeeding", "vas-by-bisphosphonate"])
def test_faceted_figures_fit_their_canvas(make):
    with mpl.rc_context():
        set_theme()
        fig = make()
        try:
            assert _overhanging(fig) == []
        finally:
            plt.close(fig)
