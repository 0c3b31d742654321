"""Unit tests for the small shared modules: theme, bone_density, labs, browser."""

from __future__ import annotations

import json
import stat

import matplotlib as mpl
import pytest
from matplotlib.colors import to_hex

from plro import bone_density, browser, labs, theme
from plro.data import DEFAULT_DATA_DIR, load_patients


# ------------------------------------------------------------------ bone density
@pytest.mark.parametrize(
    ("t_score", "expected"),
    [(-3.7, "osteoporosis"), (-2.5, "osteoporosis"), (-2.49, "osteopenia"),
     (-1.01, "osteopenia"), (-1.0, "normal"), (0.5, "normal")],
)
def test_who_category_boundaries(t_score, expected):
    # WHO: osteoporosis at or below -2.5 SD; normal at or above -1 SD; osteopenia between.
    assert bone_density.who_category(t_score) == expected


def test_who_category_refuses_missing_values():
    with pytest.raises(ValueError, match="missing"):
        bone_density.who_category(float("nan"))


def test_t_scores_long_has_one_row_per_patient_and_site():
    patients = load_patients()
    long = bone_density.t_scores_long(patients)
    assert len(long) == 3 * len(patients)
    assert list(long["site"].cat.categories) == list(bone_density.T_SCORE_SITES.values())
    p10 = long.query("patient_id == 10").set_index("site")["t_score"]
    assert p10["Femoral neck"] == pytest.approx(-3.3)  # Table I, patient 10
    # every lumbar L1-L4 T-score in Table I is at or below -2.5
    assert (long.query("site == 'Lumbar spine L1-L4'")["who_category"] == "osteoporosis").all()


# ------------------------------------------------------------------------- labs
def test_reference_intervals_cover_every_laboratory_column():
    descriptor = json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    visits = next(r for r in descriptor["resources"] if r["name"] == "visits")
    lab_columns = {f["name"] for f in visits["schema"]["fields"]} - {"patient_id", "visit", "month", "vas"}
    assert set(labs.REFERENCE_INTERVALS) == lab_columns


@pytest.mark.parametrize("column", sorted(labs.REFERENCE_INTERVALS))
def test_reference_interval_is_ordered_and_explained(column):
    ri = labs.REFERENCE_INTERVALS[column]
    assert ri.low is not None and ri.high is not None and ri.low < ri.high
    assert ri.basis and ri.unit in labs.ANALYTE_LABELS[column]


def test_reference_table_lists_every_interval():
    table = labs.reference_table()
    assert list(table["column"]) == list(labs.REFERENCE_INTERVALS)
    assert {"low", "high", "basis", "unit"} <= set(table.columns)


# ------------------------------------------------------------------------ theme
# The eight colours Okabe and Ito published as distinguishable with common colour-vision deficiencies.
PUBLISHED_OKABE_ITO = {"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#000000"}


def test_set_theme_uses_the_okabe_ito_palette_and_constrained_layout():
    with mpl.rc_context():
        theme.set_theme()
        cycle = [to_hex(c["color"]) for c in mpl.rcParams["axes.prop_cycle"]]
        assert set(cycle[:8]) == PUBLISHED_OKABE_ITO
        assert mpl.rcParams["figure.constrained_layout.use"] is True
        assert tuple(mpl.rcParams["figure.figsize"]) == theme.FIGSIZE


def test_named_colours_come_from_the_palette_or_grey():
    allowed = PUBLISHED_OKABE_ITO | {"#7f7f7f"}
    assert {c.lower() for c in theme.COLOURS.values()} <= allowed


def test_patient_label():
    assert theme.patient_label(4) == "P4"


# ---------------------------------------------------------------------- browser
def test_find_chromium_honours_the_environment_variable(tmp_path, monkeypatch):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PLRO_CHROMIUM", str(fake))
    assert browser.find_chromium() == str(fake)


def test_find_chromium_reports_none_when_nothing_is_installed(tmp_path, monkeypatch):
    monkeypatch.delenv("PLRO_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "none"))
    monkeypatch.setattr(browser.Path, "is_file", lambda self: False)
    assert browser.find_chromium() is None


def test_chromium_flags_keep_the_browser_off_the_network():
    assert "--disable-background-networking" in browser.CHROMIUM_ARGS
    assert "--no-sandbox" in browser.CHROMIUM_ARGS
