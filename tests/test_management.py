"""Tests for plro.management (protocol, intervention matrix, drug table) and plro.figures.management.

Expected values come from the paper's own sentences and printed numbers, read
from data/paper_statements.csv and data/reported_statistics.csv through
plro.paper, from small synthetic tables built here, or from standard atomic
weights; never from the code under test.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from plro.data import load_patients
from plro.figures.management import plot_intervention_matrix, plot_protocol_flowchart
from plro.management import (
    breastfeeding_counts,
    breastfeeding_statements,
    calcium_carbonate_for_elemental_mg,
    drug_coverage,
    drug_table,
    elemental_calcium_mg,
    intervention_matrix,
    protocol_edges,
    protocol_steps,
    section_title,
    step_annotations,
    text_only_interventions,
)
from plro.paper import claim_patients, printed, statement, statements

patients = pytest.fixture(scope="module", name="patients")(lambda: load_patients())
matrix = pytest.fixture(scope="module", name="matrix")(lambda patients: intervention_matrix(patients))
quotes = pytest.fixture(scope="module", name="quotes")(lambda: statements())


def _rows_with(matrix: pd.DataFrame, column: str, value: str) -> set[int]:
    return {int(label[1:]) for label in matrix.index[matrix[column] == value]}


def _synthetic_patients(**columns) -> pd.DataFrame:
    base = {"patient_id": [2, 1, 3], "breastfeeding": ["continued", "discontinued", "not_stated"],
            "vitamin_d_calcium": [True, True, False], "bisphosphonate": [False, True, False],
            "vertebroplasty": [False, False, True]}
    frame = pd.DataFrame(base | columns)
    return frame.astype({c: "boolean" for c in ("vitamin_d_calcium", "bisphosphonate",
                                                "vertebroplasty")})


# ------------------------------------------------------------------ intervention matrix
def test_matrix_on_synthetic_patients():
    matrix = intervention_matrix(_synthetic_patients())
    assert list(matrix.index) == ["P1", "P2", "P3"]  # sorted by patient id
    assert matrix.loc["P1"].tolist() == ["yes", "yes", "yes", "no"]
    assert matrix.loc["P2"].tolist() == ["no", "yes", "no", "no"]
    assert matrix.loc["P3"].tolist() == ["not stated", "no", "no", "yes"]


def test_bisphosphonate_patients_are_those_the_management_text_names(matrix):
    assert _rows_with(matrix, "bisphosphonate", "yes") == set(claim_patients("mgmt_bisphosphonate"))


def test_continued_breastfeeding_patients_are_those_the_text_names(matrix):
    named = set(claim_patients("mgmt_breastfeeding_continued"))
    assert _rows_with(matrix, "stopped_breastfeeding", "no") == named


def test_vertebroplasty_patient_is_the_one_the_text_names(matrix):
    assert _rows_with(matrix, "vertebroplasty", "yes") == set(
        claim_patients("mgmt_vertebroplasty_patient"))


def test_matrix_shape_labels_and_values(matrix):
    assert list(matrix.index) == [f"P{i}" for i in range(1, 11)]
    # Table I's "Management protocol" column records these four items per patient.
    assert list(matrix.columns) == ["stopped_breastfeeding", "vitamin_d_calcium",
                                    "bisphosphonate", "vertebroplasty"]
    assert set(matrix.stack()) <= {"yes", "no", "not stated"}
    assert matrix.loc["P3", "stopped_breastfeeding"] == "not stated"


def test_matrix_rejects_unknown_breastfeeding_value(patients):
    bad = patients.assign(breastfeeding=patients["breastfeeding"].astype("string")
                          .replace({"continued": "sometimes"}))
    with pytest.raises(ValueError, match="sometimes"):
        intervention_matrix(bad)


# ------------------------------------------------------------------ quotes come from the paper
def test_section_title():
    assert section_title("case_series") == "Case Series"
    assert section_title("table_i") == "Table I"


def _is_statement(quotes: pd.DataFrame, quote: str, section_heading: str) -> bool:
    same = quotes[quotes["quote"] == quote]
    return any(section_title(str(s)) == section_heading for s in same["section"])


def test_text_only_interventions_are_statements_of_their_section(quotes):
    table = text_only_interventions()
    assert len(table) > 0
    for row in table.itertuples():
        assert _is_statement(quotes, row.quote, row.section), row.item
    assert "Table I" not in " ".join(table["section"])


def test_text_only_interventions_cover_what_the_paper_says_for_all():
    # Referral, 6 months of treatment, the follow-up schedule, brace and bed rest: none of these
    # is a Table I item, so each must be listed.
    shown = set(text_only_interventions()["quote"])
    for sid in ["mgmt_referral", "disc_treatment_length", "disc_follow_up", "mgmt_brace_spinal",
                "mgmt_bed_rest"]:
        assert statement(sid).quote in shown, sid


def test_drug_table_quotes_are_statements_of_their_section(quotes):
    for row in drug_table().itertuples():
        assert _is_statement(quotes, row.management_section, "Management"), row.item
        if row.discussion_section:
            assert _is_statement(quotes, row.discussion_section, "Discussion"), row.item


def test_drug_table_brace_row_quotes_the_series_not_the_literature():
    brace = drug_table().set_index("item").loc["Spinal brace"]
    # The Discussion's "short-term use of spinal braces" belongs to its summary of the literature
    # (Laroche et al.), not to this series' patients.
    assert brace["discussion_section"] != statement("disc_short_term_braces").quote
    assert brace["discussion_section"] == statement("disc_brace").quote


def test_drug_table_columns_and_items():
    table = drug_table()
    assert list(table.columns) == ["item", "management_section", "discussion_section", "agree",
                                   "note"]
    assert {"Vitamin D", "Calcium", "Diclofenac", "Paracetamol", "Bisphosphonate",
            "Spinal brace", "Rest and activity"} <= set(table["item"])
    assert table["note"].str.len().gt(0).all()  # every row carries the book's comment


def test_drug_table_agreement(quotes):
    table = drug_table().set_index("item")
    # The analgesics are worded the same in both sections; vitamin D and calcium differ.
    assert table.loc["Diclofenac", "agree"] and table.loc["Paracetamol", "agree"]
    assert not table.loc["Vitamin D", "agree"] and not table.loc["Calcium", "agree"]
    assert pd.isna(table.loc["Bisphosphonate", "agree"])  # only the Management section speaks
    assert table.loc["Bisphosphonate", "discussion_section"] == ""


def test_drug_table_doses_as_printed():
    table = drug_table().set_index("item")
    vitamin_d = printed("mgmt_vitamin_d_dose").as_printed
    assert f"{vitamin_d} IU" in table.loc["Vitamin D", "management_section"]
    calcium = table.loc["Calcium", "management_section"]
    assert printed("mgmt_calcium_ion_dose").as_printed in calcium
    assert printed("mgmt_calcium_carbonate_dose").as_printed in calcium


# ------------------------------------------------------------------ breast-feeding statements
def test_breastfeeding_counts_always_have_three_statuses():
    counts = breastfeeding_counts(_synthetic_patients(breastfeeding=["continued"] * 3))
    assert counts.to_dict() == {"discontinued": 0, "continued": 3, "not_stated": 0}


def test_breastfeeding_counts_match_the_data(patients):
    counts = breastfeeding_counts(patients)
    status = patients["breastfeeding"].astype(str)
    assert counts.to_dict() == {s: int((status == s).sum())
                                for s in ("discontinued", "continued", "not_stated")}
    assert counts["continued"] == len(claim_patients("mgmt_breastfeeding_continued"))


def test_breastfeeding_statements_read_the_paper_literally(patients):
    table = breastfeeding_statements(patients).set_index("source")
    management = table.loc["Management", "quote"]
    assert statement("mgmt_first_step").quote in management
    assert statement("mgmt_breastfeeding_exception").quote in management
    assert table.loc["Discussion", "quote"] == statement("disc_discontinued").quote
    assert table.loc["Management", "continued"] == len(claim_patients("mgmt_breastfeeding_continued"))
    assert table.loc["Discussion", "continued"] == 0
    assert (table[["stopped", "continued", "not_stated"]].sum(axis=1) == len(patients)).all()


# ------------------------------------------------------------------ calcium arithmetic
def test_calcium_fraction_from_atomic_weights():
    # One mole of CaCO3 (40.078 + 12.011 + 3 x 15.999 = 100.086 g) holds one mole of Ca.
    assert elemental_calcium_mg(100.086) == pytest.approx(40.078, abs=1e-6)
    assert elemental_calcium_mg(250) == pytest.approx(100.1, abs=0.1)
    assert calcium_carbonate_for_elemental_mg(1000) == pytest.approx(2497.3, abs=0.5)
    assert elemental_calcium_mg(calcium_carbonate_for_elemental_mg(880)) == pytest.approx(880)


def test_calcium_rejects_negative_mass():
    with pytest.raises(ValueError):
        elemental_calcium_mg(-1)
    with pytest.raises(ValueError):
        calcium_carbonate_for_elemental_mg(-5)


# ------------------------------------------------------------------ protocol data
def test_protocol_edges_join_existing_steps_and_reach_every_step():
    steps = set(protocol_steps()["step"])
    edges = protocol_edges()
    assert set(edges["source_step"]) | set(edges["target_step"]) <= steps
    reached, frontier = {"diagnosis"}, ["diagnosis"]
    while frontier:
        node = frontier.pop()
        for target in edges.loc[edges["source_step"] == node, "target_step"]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == steps


def test_protocol_sources_are_the_sections_of_its_statements():
    steps = protocol_steps().set_index("step")
    for step, row in steps.iterrows():
        assert len(row["statements"]) > 0, step
        sections = {section_title(statement(sid).section) for sid in row["statements"]}
        assert set(row["source"].split("; ")) == sections, step
    # The Conclusion, as well as the Management section, calls weaning the first step.
    assert steps.loc["stop_breastfeeding", "source"] == "Management; Conclusion"


def test_step_annotations_count_from_the_data(patients):
    notes = step_annotations(patients)
    n = len(patients)
    stopped = int((patients["breastfeeding"].astype(str) == "discontinued").sum())
    bis = len(claim_patients("mgmt_bisphosphonate"))
    assert notes["stop_breastfeeding"].startswith(f"{stopped} of {n} stopped")
    assert f"bisphosphonate: {bis} of {n}" in notes["drug_for_bone"]
    assert "P4" in notes["vertebroplasty"] and notes["vertebroplasty"].startswith(f"1 of {n}")


def test_step_annotations_on_synthetic_patients():
    notes = step_annotations(_synthetic_patients())
    assert notes["stop_breastfeeding"].startswith("1 of 3 stopped")
    assert "1 continued (P2)" in notes["stop_breastfeeding"]
    assert notes["vertebroplasty"] == "1 of 3 (P3, Table I)"


# ------------------------------------------------------------------ figures
def test_flowchart_boxes_labels_and_arrows(patients):
    fig = plot_protocol_flowchart(patients)
    ax = fig.axes[0]
    steps, edges = protocol_steps(), protocol_edges()
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)
             and str(p.get_gid()).startswith("step:")]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)
              and str(p.get_gid()).startswith("edge:")]
    assert len(boxes) == len(steps)
    assert len(arrows) == len(edges)
    texts = [t.get_text() for t in ax.texts]
    for label in steps["label"]:
        assert label in texts, label
    assert any("2 continued (P8, P10)" in t for t in texts)
    assert any(t == "Source: Management; Conclusion" for t in texts)
    assert ax.get_title()
    plt.close(fig)


def test_intervention_matrix_figure(matrix):
    fig = plot_intervention_matrix(matrix)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"P{i}" for i in range(1, 11)]
    assert len(ax.get_xticklabels()) == 4  # Table I's four per-patient items
    assert ax.get_xlabel() and ax.get_ylabel() == "Patient"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["not received", "received", "not stated"]
    cell_texts = [t.get_text() for t in ax.texts]
    assert len(cell_texts) == matrix.size
    assert cell_texts.count("not stated") == 1
    plt.close(fig)


def test_drug_coverage_counts_true_cells_and_names_patients():
    patients = _synthetic_patients()
    drugs = pd.DataFrame({"drug": ["Bisphosphonate", "Supplements", "Teriparatide", "Vertebroplasty"],
                          "data_source": ["patients.bisphosphonate", "patients.vitamin_d_calcium", "",
                                          "patients.vertebroplasty"]})
    got = drug_coverage(drugs, patients)
    assert got.to_dict() == {"Bisphosphonate": "1 of 3 (P1)", "Supplements": "2 of 3 (P2, P1)",
                             "Teriparatide": "—", "Vertebroplasty": "1 of 3 (P3)"}
    every = _synthetic_patients(vitamin_d_calcium=[True, True, True])
    assert drug_coverage(drugs.iloc[[1]], every).tolist() == ["all 3"]


@pytest.mark.parametrize("source", ["patients.breastfeeding", "patients.no_such", "visits.vas"])
def test_drug_coverage_rejects_a_source_that_is_not_a_true_false_column(source):
    drugs = pd.DataFrame({"drug": ["X"], "data_source": [source]})
    with pytest.raises(ValueError, match="True/False"):
        drug_coverage(drugs, _synthetic_patients())


def test_drug_coverage_of_the_book_table_matches_the_management_text(patients):
    from plro.content import load_content
    got = drug_coverage(load_content("drug_table"), patients)
    named = ", ".join(f"P{p}" for p in claim_patients("mgmt_bisphosphonate"))
    assert any(named in cell for cell in got)
