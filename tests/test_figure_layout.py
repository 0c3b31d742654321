"""Every figure function: lives in plro.figures, draws where it is told, returns its Figure;
every figure keeps all its text on the canvas, is readable on a phone (no text under 9 CSS px
when shown 342 px wide, or 320 px inside an exercise box), writes "\u2264"/"\u2265" rather than
"<="/">=", and keeps its legends off the data."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import plro
import plro.figures
from plro.audit import audit_table
from plro.data import load_imaging_findings, load_lab_flags, load_patients, load_visits
from plro.figures.labs import plot_baseline_labs, plot_labs_over_time
from plro.figures.pain import plot_vas_by_group
from plro.imaging import vertebral_map
from plro.management import intervention_matrix
from plro.theme import set_theme


def _arguments() -> dict[str, tuple]:
    """Positional arguments for each plot_* of the figures this file owns (see below)."""
    patients, visits = load_patients(), load_visits()
    flags, imaging = load_lab_flags(), load_imaging_findings()
    return {
        "plro.figures.bone.plot_t_scores": (patients,),
        "plro.figures.bone.plot_t_scores_by_patient": (patients,),
        "plro.figures.imaging.plot_vertebral_map": (vertebral_map(imaging, patients["patient_id"]),),
        "plro.figures.labs.plot_baseline_labs": (visits, flags),
        "plro.figures.labs.plot_labs_over_time": (visits,),
        "plro.figures.labs.plot_analyte_over_time": (visits, "alp_u_l", [3, 6]),
        "plro.figures.management.plot_protocol_flowchart": (patients,),
        "plro.figures.management.plot_intervention_matrix": (intervention_matrix(patients),),
        "plro.figures.pain.plot_vas_trajectories": (visits,),
        "plro.figures.pain.plot_vas_by_group": (visits, patients, "breastfeeding"),
        "plro.figures.symptoms.plot_symptoms": (patients,),
        "plro.figures.symptoms.plot_postpartum_weeks": (patients,),
    }


# Figure modules whose plot_* functions other test files exercise the same way.
OTHER_OWNERS = {"plro.figures.audit", "plro.figures.minerals"}


def _plot_functions() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(plro.figures.__path__, "plro.figures."):
        module = importlib.import_module(info.name)
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("plot_") and func.__module__ == info.name:
                found[f"{info.name}.{name}"] = func
    return found


def test_no_plot_function_lives_outside_plro_figures():
    package = Path(plro.__file__).parent
    outside = [f"{path.name}: {line.strip()}"
               for path in sorted(package.glob("*.py"))
               for line in path.read_text(encoding="utf-8").splitlines()
               if line.startswith("def plot_")]
    assert outside == []


SINGLE_PANEL = {
    "plro.figures.bone.plot_t_scores", "plro.figures.bone.plot_t_scores_by_patient",
    "plro.figures.imaging.plot_vertebral_map", "plro.figures.labs.plot_analyte_over_time",
    "plro.figures.management.plot_protocol_flowchart",
    "plro.figures.management.plot_intervention_matrix", "plro.figures.pain.plot_vas_trajectories",
    "plro.figures.symptoms.plot_postpartum_weeks",
}
MULTI_PANEL = {
    "plro.figures.labs.plot_baseline_labs", "plro.figures.labs.plot_labs_over_time",
    "plro.figures.pain.plot_vas_by_group", "plro.figures.symptoms.plot_symptoms",
}


def test_every_figure_function_of_these_modules_is_known_here():
    mine = {k for k in _plot_functions() if k.rsplit(".", 1)[0] not in OTHER_OWNERS}
    assert mine == set(_arguments()) == SINGLE_PANEL | MULTI_PANEL


@pytest.mark.parametrize("name", sorted(SINGLE_PANEL))
def test_single_panel_figures_draw_into_a_given_axes(name):
    func = _plot_functions()[name]
    assert inspect.signature(func).parameters["ax"].default is None
    fig, ax = plt.subplots()
    try:
        assert func(*_arguments()[name], ax=ax) is fig
        assert fig.axes == [ax] and ax.has_data()
    finally:
        plt.close("all")


@pytest.mark.parametrize("name", sorted(MULTI_PANEL))
def test_multi_panel_figures_draw_into_a_given_figure(name):
    func = _plot_functions()[name]
    assert inspect.signature(func).parameters["fig"].default is None
    fig = plt.figure(layout="none")
    try:
        assert func(*_arguments()[name], fig=fig) is fig
        assert len(fig.axes) >= 2
    finally:
        plt.close("all")


def test_every_figure_function_returns_a_figure_of_its_own():
    for name, args in _arguments().items():
        before = set(plt.get_fignums())
        try:
            fig = _plot_functions()[name](*args)
            assert isinstance(fig, Figure), name
            assert fig.number not in before, name
        finally:
            plt.close("all")


def _overhanging(fig) -> list[str]:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    texts = list(fig.texts)
    for ax in fig.axes:
        if not ax.axison:  # an axes used as a legend or text box draws no ticks or labels
            texts += [t for t in ax.texts]
            continue
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
    lambda: plot_vas_by_group(load_visits(), load_patients(), "breastfeeding"),
    lambda: plot_vas_by_group(load_visits(), load_patients(), "bisphosphonate"),
], ids=["baseline-labs", "labs-over-time", "vas-by-breastfeeding", "vas-by-bisphosphonate"])
def test_faceted_figures_fit_their_canvas(make):
    with mpl.rc_context():
        set_theme()
        fig = make()
        try:
            assert _overhanging(fig) == []
        finally:
            plt.close(fig)


def _every_figure() -> dict[str, object]:
    """Every plot_* of plro.figures, drawn with the book's theme: name -> a maker."""
    args = _arguments()
    args["plro.figures.minerals.plot_mineral_transfer"] = ()
    args["plro.figures.minerals.plot_reserve_share"] = ()
    args["plro.figures.minerals.plot_diagnosis_timeline"] = (load_patients(),)
    args["plro.figures.audit.plot_relative_differences"] = (audit_table().reset_index(),)
    funcs = _plot_functions()
    assert set(args) == set(funcs), "a plot_* function is missing from this list"
    return {name: (lambda f=funcs[name], a=args[name]: f(*a)) for name in sorted(funcs)}


EVERY_FIGURE = sorted(_plot_functions())


@pytest.fixture(scope="module")
def drawn() -> dict[str, Figure]:
    """Each figure drawn once with set_theme(), as a chapter draws it."""
    with mpl.rc_context():
        set_theme()
        figures = {name: make() for name, make in _every_figure().items()}
        for fig in figures.values():
            fig.canvas.draw()
        yield figures
    plt.close("all")


# On a 390-px phone the built site shows a figure (a cell's output) 342 px wide, and 320 px
# inside an exercise or solution box (measured in Chromium). An SVG is shown at its own
# size (1 pt = 4/3 px) or shrunk to that width.
PHONE_COLUMNS_PX = (342, 320)


@pytest.mark.parametrize("name", EVERY_FIGURE)
@pytest.mark.parametrize("column", PHONE_COLUMNS_PX)
def test_figure_text_is_at_least_9_px_on_a_phone(drawn, name, column):
    fig = drawn[name]
    width_pt = fig.get_figwidth() * 72
    scale = min(column, width_pt * 4 / 3) / width_pt
    small = sorted((round(t.get_fontsize() * scale, 2), t.get_text())
                   for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
                   and t.get_fontsize() * scale < 9)
    assert small == [], f"{name}: text under 9 px in a {column}-px column: {small[:5]}"


@pytest.mark.parametrize("name", EVERY_FIGURE)
def test_figure_text_writes_inequalities_as_symbols(drawn, name):
    ascii_ops = [t.get_text() for t in drawn[name].findobj(Text)
                 if "<=" in t.get_text() or ">=" in t.get_text()]
    assert ascii_ops == [], f"{name}: write \u2264/\u2265, not <=/>=: {ascii_ops}"


@pytest.mark.parametrize("name", EVERY_FIGURE)
def test_figure_text_fits_its_canvas(drawn, name):
    assert _overhanging(drawn[name]) == [], name


def _data_points(ax) -> list[tuple[float, float]]:
    """Display coordinates of every drawn data point of ``ax``: line vertices, markers, bar ends."""
    points = []
    for line in ax.get_lines():
        xy = np.column_stack([np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)])
        if len(xy) == 2 and (xy[0, 0] == xy[1, 0] or xy[0, 1] == xy[1, 1]):
            continue  # a reference line across the axes, not data
        points += [tuple(p) for p in line.get_transform().transform(xy[np.isfinite(xy).all(1)])]
    for collection in ax.collections:
        offsets = np.asarray(collection.get_offsets(), float)
        if offsets.size:
            points += [tuple(p) for p in collection.get_offset_transform().transform(offsets)]
    for container in ax.containers:
        for bar in container:
            box = bar.get_window_extent()
            points += [(box.x1, box.y1), (box.x1, (box.y0 + box.y1) / 2)]
    return points


@pytest.mark.parametrize("name", EVERY_FIGURE)
def test_legends_stay_off_the_data(drawn, name):
    fig = drawn[name]
    renderer = fig.canvas.get_renderer()
    legends = [(ax, ax.get_legend()) for ax in fig.axes if ax.get_legend()]
    legends += [(ax, legend) for legend in fig.legends for ax in fig.axes]
    crossed = []
    for ax, legend in legends:
        box = legend.get_window_extent(renderer)
        inside = [p for p in _data_points(ax) if box.x0 <= p[0] <= box.x1 and box.y0 <= p[1] <= box.y1]
        if inside:
            crossed.append((legend.get_texts()[0].get_text(), len(inside)))
    assert crossed == [], f"{name}: legends over data points (first entry, points): {crossed}"
