"""Chapter 2's facts, recomputed from the CSVs with plain pandas and set against the printed numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from plro.chapters import cohort
from tests.support.chapters import glue_names, stored_glue, words_problems

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "02-the-cohort.ipynb"


@pytest.fixture(scope="module")
def facts() -> dict[str, object]:
    return cohort.facts()


@pytest.fixture(scope="module")
def patients() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "patients.csv")


def printed(claim_id: str) -> str:
    table = pd.read_csv(ROOT / "data" / "reported_statistics.csv", dtype=str).set_index("claim_id")
    return table.loc[claim_id, "value_as_printed"]


def test_every_value_the_prose_pastes_comes_from_facts(facts):
    assert glue_names(NOTEBOOK) - set(facts) == set()


def test_values_are_worded_for_reading(facts):
    conventional = {"cohort_z_below"}  # the ISCD threshold is written "-2.0"
    for name, value in facts.items():
        assert type(value) in (int, str), f"{name} is {type(value).__name__}"
        whole_with_decimals = isinstance(value, str) and re.fullmatch(r"-?\d+\.0+", value)
        assert name in conventional or not whole_with_decimals, f"{name} = {value!r}"


def test_age_and_weeks_recomputed(facts, patients):
    age, weeks = patients["age_years"], patients["postpartum_week_at_diagnosis"]
    assert (facts["cohort_n"], facts["cohort_age_min"], facts["cohort_age_max"]) == (10, age.min(), age.max())
    assert facts["cohort_age_mean"] == f"{age.mean():.1f}"
    assert facts["cohort_age_sd_2dp"] == f"{age.std():.2f}"
    assert facts["cohort_age_sd_divide_by_n"] == f"{age.std(ddof=0):.2f}"
    assert facts["cohort_weeks_mean"] == f"{weeks.mean():.1f}"
    assert facts["cohort_weeks_sd"] == f"{weeks.std():.2f}"
    others = weeks[patients["patient_id"] != 1]
    assert facts["cohort_weeks_mean_wo_p1"] == f"{others.mean():.1f}"
    assert facts["cohort_weeks_max_wo_p1"] == others.max()
    assert facts["cohort_weeks_median"] == weeks.median() == facts["cohort_weeks_median_wo_p1"]


def test_printed_summaries_are_the_papers(facts):
    assert facts["cohort_age_rep_mean"] == printed("cs_age_mean")
    assert facts["cohort_age_rep_sd"] == printed("cs_age_sd")
    assert str(facts["cohort_age_rep_median"]) == printed("cs_age_median")
    assert str(facts["cohort_weeks_rep_mean"]) == printed("cs_onset_mean")
    assert facts["cohort_weeks_rep_sd"] == printed("cs_onset_sd")


def test_treatment_and_smoking_lists(facts, patients):
    def labels(mask):
        ids = [f"P{p}" for p in patients.loc[mask, "patient_id"]]
        return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"

    assert facts["cohort_smokers"] == int(patients["smoking"].sum())
    assert facts["cohort_smokers_ids"] == labels(patients["smoking"])
    assert facts["cohort_bp_given"] == labels(patients["bisphosphonate"])
    assert facts["cohort_bp_nursing"] == labels(patients["breastfeeding"] == "continued")
    assert facts["cohort_bp_unknown"] == labels(patients["breastfeeding"] == "not_stated")


def test_symptom_counts(facts, patients):
    text = patients["symptoms"].str.lower()
    low_back = text.str.contains("low back")
    assert facts["cohort_low_back_n"] == int(low_back.sum())
    assert facts["cohort_low_back_pct"] == round(100 * low_back.mean())
    assert facts["cohort_low_back_pct"] == int(printed("cs_low_back_pain_pct"))
    assert facts["cohort_hip_n"] == int(text.str.contains("hip").sum())
    assert facts["cohort_no_low_back"] == " and ".join(f"P{p}" for p in patients.loc[~low_back, "patient_id"])


def test_who_categories_and_site_means(facts, patients):
    for column, key in (("t_score_l1_l4", "l1_l4"), ("t_score_l2_l4", "l2_l4"),
                        ("t_score_femoral_neck", "femoral_neck")):
        t = patients[column]
        assert facts[f"cohort_{key}_osteoporosis"] == int((t <= -2.5).sum())
        assert facts[f"cohort_{key}_normal"] == int((t >= -1).sum())
        assert facts[f"cohort_{key}_osteopenia"] == int(((t > -2.5) & (t < -1)).sum())
        assert facts[f"cohort_{key}_mean"] == f"{t.mean():.2f}"
    assert facts["cohort_t_n"] == 30


def test_rank_correlation(facts, patients):
    rho = patients["age_years"].rank().corr(patients["t_score_femoral_neck"].rank())
    assert facts["cohort_rho_all"] == f"{rho:.2f}"
    youngest = patients.nsmallest(2, "age_years")["patient_id"]
    assert facts["cohort_youngest_two"] == " and ".join(f"P{p}" for p in youngest)


def test_tables_are_in_words():
    tables = [cohort.cohort_table_shown(), cohort.treatment_table(), cohort.comparison_table(),
              cohort.regions_table(), cohort.who_table(), cohort.correlation_table()]
    for table in tables:
        html = table._repr_html_()
        assert words_problems(html) == []
    assert re.search(r"\[\S+, \S+\]", tables[0]._repr_html_()), "quartiles as [Q1, Q3] with a space"
    assert "Table I states no breast-feeding decision" in tables[1]._repr_html_()


def test_the_stored_notebook_pastes_todays_facts(facts):
    """The values glued in the committed notebook are the ones the data give now (else re-run it)."""
    assert stored_glue(NOTEBOOK) == {name: repr(value) for name, value in facts.items()}


def test_no_sentence_opens_with_a_glued_numeral(facts):
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    openers = re.findall(r"(?:\A|\n\s*\n|[.!?]\s+|\n\s*[-*]\s+)\{glue(?::\w+)?\}`([^`:]+)", text)
    for name in openers:
        assert not re.match(r"\d", str(facts[name])), f"a sentence opens with {name} = {facts[name]!r}"


def test_bisphosphonate_count_in_words(facts, patients):
    words = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"]
    assert facts["cohort_bisphosphonate_word"] == words[int(patients["bisphosphonate"].sum())]


def test_placenta_wording_matches_chapter_4():
    """Crossing the placenta is stated as fact; only the evidence of fetal harm is mainly animal."""
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert "Bisphosphonates cross\\n" in text and "evidence of fetal harm comes mainly from animal" in text
    assert "Evidence that they cross" not in text
