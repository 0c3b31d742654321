"""Chapter 1's facts, checked against the CSVs read with plain pandas and the paper's printed numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from plro.chapters import background
from tests.support.chapters import glue_names, stored_glue, words_problems

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01-background.ipynb"


@pytest.fixture(scope="module")
def facts() -> dict[str, object]:
    return background.facts()


@pytest.fixture(scope="module")
def printed() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "reported_statistics.csv", dtype=str).set_index("claim_id")


def test_every_value_the_prose_pastes_comes_from_facts(facts):
    assert glue_names(NOTEBOOK) - set(facts) == set()


def test_values_are_worded_for_reading(facts):
    for name, value in facts.items():
        assert type(value) in (int, str), f"{name} is {type(value).__name__}"
        assert not (isinstance(value, str) and re.fullmatch(r"-?\d+\.0+", value)), f"{name} = {value!r}"


def test_quoted_background_numbers_are_the_printed_ones(facts, printed):
    claims = {"incidence": "intro_incidence", "calcium_lost": "intro_calcium_loss",
              "magnesium_lost": "intro_magnesium_loss", "pregnancy_low_back_pain": "disc_lbp_prevalence",
              "osteoporosis_age_threshold": "disc_age_50"}
    for name, claim in claims.items():
        assert str(facts[name]) == printed.loc[claim, "value_as_printed"]
    assert facts["incidence_unit"] == printed.loc["intro_incidence", "unit"]
    assert facts["one_in_n"] == "250,000"  # 100,000 / 0.4
    assert facts["period_start"] == "2010" and facts["period_end"] == "2019"
    assert facts["week_rep_mean"] == int(printed.loc["cs_onset_mean", "value_as_printed"])


def test_patient_counts_and_weeks_recomputed_from_the_csv(facts):
    patients = pd.read_csv(ROOT / "data" / "patients.csv")
    weeks = patients["postpartum_week_at_diagnosis"]
    assert facts["n_patients"] == len(patients) == 10
    assert facts["n_smokers"] == int(patients["smoking"].sum())
    assert (facts["week_n"], facts["week_min"], facts["week_max"]) == (len(weeks), weeks.min(), weeks.max())
    assert facts["week_median"] == int(weeks.median())
    assert facts["week_mean"] == f"{weeks.mean():.1f}"
    findings = patients["other_findings_table_ii"].fillna("")
    heavy = patients.loc[findings.str.contains("weight gain"), "patient_id"]
    assert facts["weight_gain_patient"] == " and ".join(f"P{p}" for p in heavy)


def test_risk_factor_counts_follow_the_two_lists(facts):
    # The Introduction lists seven factors (BMI, nutrition, calcium, smoking, stress, prepregnancy
    # BMD, family history), the Discussion six (family history, BMI, malnutrition, calcium intake,
    # smoking, physical activity); five topics are in both (data/paper_statements.csv).
    assert (facts["n_rf_intro"], facts["n_rf_disc"], facts["n_rf_both"]) == (7, 6, 5)


def test_tables_have_human_headers_and_words():
    for table in (background.quoted_numbers_table(), background.minerals_table(),
                  background.risk_factors_table(), background.smokers_table(),
                  background.calcium_rows_table()):
        html = table._repr_html_()
        assert words_problems(html) == [] and 'class="row_heading' not in html
    assert "this list does not name the factor" in background.risk_factors_table()._repr_html_()


def test_the_stored_notebook_pastes_todays_facts(facts):
    """The values glued in the committed notebook are the ones the data give now (else re-run it)."""
    assert stored_glue(NOTEBOOK) == {name: repr(value) for name, value in facts.items()}


def _markdown() -> str:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_objective_counts_the_reasons_the_section_gives():
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    text = _markdown()
    [count] = re.findall(r"\*\*explain\*\* (\w+) reasons why PLRO is easy to miss", text)
    section = text.split("make PLRO easy to overlook:", 1)[1].split("\n## ", 1)[0]
    reasons = re.findall(r"^- \*\*", section, re.M)
    assert words.index(count) == len(reasons) > 0


def test_dxa_deferral_and_vitamin_d_guidelines_are_worded_with_care():
    text = " ".join(_markdown().split())
    assert "DXA` is usually deferred until after delivery (the fetus lies in the scan field" in text
    assert "mainly because its result would not" not in text
    assert "Endocrine Society's 2011 guideline {cite:p}`holick2011`" in text
    assert "defines no target level" in text and "{cite:p}`demay2024`" in text


def test_no_sentence_opens_with_a_glued_numeral(facts):
    openers = re.findall(r"(?:\A|\n\s*\n|[.!?]\s+|\n\s*[-*]\s+)\{glue(?::\w+)?\}`([^`:]+)", _markdown())
    for name in openers:
        assert not re.match(r"\d", str(facts[name])), f"a sentence opens with {name} = {facts[name]!r}"
