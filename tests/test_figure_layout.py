"""Every figure function: lives in plro.figures, draws where it is told, returns its Figure;
figures drawn with a fixed grid (not constrained layout) keep all their text on the canvas."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

import plro
import plro.figures
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
