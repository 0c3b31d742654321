"""Tests for plro.theme: the palette, the theme settings and the shared time axis."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.colors import to_hex

from plro import theme
from plro.data import VISITS

# The eight colours Okabe and Ito published as distinguishable with common colour-vision deficiencies.
PUBLISHED_OKABE_ITO = {"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#000000"}


def test_set_theme_uses_the_okabe_ito_palette_and_constrained_layout():
    with mpl.rc_context():
        theme.set_theme()
        cycle = [to_hex(c["color"]) for c in mpl.rcParams["axes.prop_cycle"]]
        assert set(cycle[:8]) == PUBLISHED_OKABE_ITO
        assert mpl.rcParams["figure.constrained_layout.use"] is True
        assert tuple(mpl.rcParams["figure.figsize"]) == theme.FIGSIZE


def test_set_theme_runs_no_ipython_magic(monkeypatch):
    import IPython

    calls = []

    class Shell:
        def run_line_magic(self, *args):
            calls.append(args)

    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell(), raising=False)
    with mpl.rc_context():
        theme.set_theme()
    assert calls == []


def test_named_colours_come_from_the_palette_or_grey():
    allowed = PUBLISHED_OKABE_ITO | {"#7f7f7f"}
    assert {c.lower() for c in theme.COLOURS.values()} <= allowed


def test_time_axis_puts_the_visit_months_at_real_spacing():
    fig, ax = plt.subplots()
    theme.time_axis(ax)
    assert list(ax.get_xticks()) == list(VISITS.values())
    low, high = ax.get_xlim()
    assert low < min(VISITS.values()) and high > max(VISITS.values())
    assert ax.get_xlabel() == theme.TIME_LABEL
    plt.close(fig)


def test_figure_and_axes_reuses_a_given_axes_or_makes_one():
    fig, ax = plt.subplots()
    assert theme.figure_and_axes(ax) == (fig, ax)
    new_fig, new_ax = theme.figure_and_axes(None, figsize=(3.0, 2.0))
    assert new_ax.figure is new_fig and tuple(new_fig.get_size_inches()) == (3.0, 2.0)
    plt.close("all")
