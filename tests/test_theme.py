"""Tests for plro.theme: the palette, the theme settings and the shared time axis."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest
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


def test_every_default_font_is_at_least_the_minimum():
    with mpl.rc_context():
        theme.set_theme()
        keys = ["font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize",
                "ytick.labelsize", "legend.fontsize", "legend.title_fontsize", "figure.titlesize"]
        sizes = {k: mpl.font_manager.FontProperties(size=mpl.rcParams[k]).get_size_in_points()
                 for k in keys}
    assert all(size >= theme.MIN_FONT_PT for size in sizes.values()), sizes


def test_minimum_font_at_figure_width_renders_at_least_9_px_on_a_phone():
    # A box 320 px wide (an exercise box on a 390-px phone, the narrowest place a figure
    # sits) shows an SVG of W pt at min(320, W * 4/3) px: s pt renders at s * 320 / W px.
    width_pt = theme.FIGURE_WIDTH * 72
    assert theme.MIN_FONT_PT * 320 / width_pt >= 9
    assert theme.FIGSIZE[0] == theme.WIDE_FIGSIZE[0] == theme.FIGURE_WIDTH


def test_rendered_text_px_scales_text_to_the_phone_column():
    wide = plt.figure(figsize=(7.0, 3.0))
    wide.text(0.5, 0.5, "seven inches", fontsize=10)
    narrow = plt.figure(figsize=(2.0, 2.0))
    narrow.text(0.5, 0.5, "two inches", fontsize=10)
    try:
        # 7 in = 504 pt, shown 358 px wide: 10 pt -> 10 * 358 / 504 = 7.10 px.
        ((px, text),) = theme.rendered_text_px(wide, column_px=358)
        assert px == pytest.approx(10 * 358 / 504) and text == "seven inches"
        # 2 in = 144 pt = 192 px, narrower than the column: shown at its own size, 4/3 px per pt.
        assert theme.rendered_text_px(narrow)[0][0] == pytest.approx(10 * 4 / 3)
    finally:
        plt.close("all")
