"""Tests for plro.management: protocol, intervention matrix, drug table, figures.

Expected values come from the paper's own sentences and Table I, parsed from
the seed text here, never from the code under test.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from plro.data import load_patients
from plro.management import (
    breastfeeding_counts,
    breastfeeding_statements,
    calcium_carbonate_for_elemental_mg,
    drug_table,
    elemental_calcium_mg,
    intervention_matrix,
    plot_intervention_matrix,
    plot_protocol_flowchart,
    protocol_edges,
    protocol_steps,
    step_annotations,
    text_only_interventions,
)


def _normalise(text: str) -> str:
    text = re.sub(r"</?(sub|sup|b)>", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _between(text: str, start: str, end: str) -> str:
    assert start in text and end in text, f"section markers {start!r} / {end!r} not found"
    return text.split(start, 1)[1].split(end, 1)[0]


@pytest.fixture(scope="module")
def management_text(paper_text) -> str:
    return _normalise(_between(paper_text, "### Management", "**Table I:**"))


@pytest.fixture(scope="module")
def discussion_text(paper_text) -> str:
    return _normalise(_between(paper_text, "**DISCUSSION**", "## ■ CONCLUSION"))


@pytest.fixture(scope="module")
def table_i_management(paper_text) -> dict[int, str]:
    """Patient number -> Table I 'Management protocol' cell, parsed from the tab-separated table."""
    block = _between(paper_text, "**Table I:**", "**Table II:**")
    cells = {}
    for line in block.splitlines():
        parts = line.split("\t")
        match = re.match(r"(\d+)\b", parts[0])
        if len(parts) >= 9 and match:
            cells[int(match.group(1))] = _normalise(parts[-1])
    assert sorted(cells) == list(range(1, 11)), "Table I rows not parsed"
    return cells


@pytest.fixture(scope="module")
def patients() -> pd.DataFrame:
    return load_patients()


@pytest.fixture(scope="module")
def matrix(patients) -> pd.DataFrame:
    return intervention_matrix(patients)


def _ids(text: str) -> set[int]:
    return {int(x) for x in re.findall(r"\d+", text)}


def _rows_with(matrix: pd.DataFrame, column: str, value: str) -> set[int]:
    return {int(label[1:]) for label in matrix.index[matrix[column] == value]}


# ------------------------------------------------------------------ intervention matrix vs text
def test_bisphosphonate_patients_are_those_the_management_text_names(management_text, matrix):
    named = re.search(r"Four patients \(patients ([\d, and]+)\) received bisphosphonates",
                      management_text)
    assert named, "bisphosphonate sentence not found"
    assert _rows_with(matrix, "bisphosphonate", "yes") == _ids(named.group(1)) == {1, 3, 6, 7}


def test_continued_breastfeeding_patients_are_8_and_10(management_text, matrix):
    named = re.search(r"Two patients \(patient ([\d and]+)\) did not discontinue breast-feeding",
                      management_text)
    assert named, "breast-feeding exception sentence not found"
    assert _rows_with(matrix, "stopped_breastfeeding", "no") == _ids(named.group(1)) == {8, 10}


def test_vertebroplasty_patient_is_4(management_text, matrix):
    named = re.search(r"\(patient number (\d+)\)[^.]*underwent vertebroplasty", management_text)
    assert named, "vertebroplasty sentence not found"
    assert _rows_with(matrix, "vertebroplasty", "yes") == {int(named.group(1))} == {4}


def test_matrix_matches_every_table_i_management_cell(table_i_management, matrix):
    for pid, cell in table_i_management.items():
        row = matrix.loc[f"P{pid}"]
        if "Discontinuation of breastfeeding" in cell:
            expected_bf = "yes"
        elif "Keep on breastfeeding" in cell:
            expected_bf = "no"
        else:
            expected_bf = "not stated"
        assert row["stopped_breastfeeding"] == expected_bf, f"P{pid}"
        assert (row["vitamin_d_calcium"] == "yes") == (
            "Supplementation of Vitamin D and Calcium" in cell), f"P{pid}"
        assert (row["bisphosphonate"] == "yes") == ("Bisphosphonate" in cell), f"P{pid}"
        assert (row["vertebroplasty"] == "yes") == ("Vertebroplasty" in cell), f"P{pid}"


def test_matrix_shape_labels_and_values(matrix):
    assert list(matrix.index) == [f"P{i}" for i in range(1, 11)]
    # Table I's "Management protocol" column records these four items per patient.
    assert list(matrix.columns) == ["stopped_breastfeeding", "vitamin_d_calcium",
                                    "bisphosphonate", "vertebroplasty"]
    assert set(matrix.stack()) <= {"yes", "no", "not stated"}


def test_patient_3_breastfeeding_is_not_stated(table_i_management, matrix):
    cell = table_i_management[3]
    assert "breastfeeding" not in cell.lower()
    assert matrix.loc["P3", "stopped_breastfeeding"] == "not stated"


def test_matrix_rejects_unknown_breastfeeding_value(patients):
    bad = patients.assign(breastfeeding=patients["breastfeeding"].astype("string")
                          .replace({"continued": "sometimes"}))
    with pytest.raises(ValueError, match="sometimes"):
        intervention_matrix(bad)


def test_text_only_interventions_are_quoted_from_their_section(management_text,
                                                                discussion_text):
    table = text_only_interventions()
    sections = {"Management": management_text, "Discussion": discussion_text}
    assert set(table["section"]) <= set(sections)
    for row in table.itertuples():
        assert _normalise(row.quote) in sections[row.section], row.quote


def test_text_only_interventions_cover_what_the_paper_says_for_all(management_text,
                                                                    discussion_text):
    table = text_only_interventions()
    # "All the patients were referred to the outpatient clinics of physical medicine and
    # rehabilitation" (Management); "treatment for PLRO for 6 months" and "followed up at 1, 3,
    # and 6 months" (Discussion): none of these is a Table I item, so each must be listed.
    assert "physical medicine and rehabilitation" in management_text
    quotes = " ".join(table["quote"])
    for phrase in ["physical medicine and rehabilitation", "for 6 months",
                   "followed up at 1, 3, and 6 months", "spinal braces", "bed rest"]:
        assert phrase in quotes, phrase
    assert "Table I" not in " ".join(table["section"])


def test_drug_table_brace_row_quotes_the_series_not_the_literature(discussion_text):
    brace = drug_table().set_index("item").loc["Spinal brace"]
    # The Discussion describes this series' patients with "They were asked to wear spinal
    # braces"; "short-term use of spinal braces" belongs to its Laroche et al. paragraph.
    series_part, literature_part = discussion_text.split("Laroche et al.", 1)
    assert _normalise(brace["discussion_section"]) in series_part
    assert "short-term" not in brace["discussion_section"]
    assert "short-term use of spinal braces" in literature_part


# ------------------------------------------------------------------ breast-feeding statements
def test_breastfeeding_counts_match_table_i(table_i_management, patients):
    counts = breastfeeding_counts(patients)
    cells = table_i_management.values()
    assert counts["discontinued"] == sum("Discontinuation of breastfeeding" in c for c in cells)
    assert counts["continued"] == sum("Keep on breastfeeding" in c for c in cells)
    assert counts["not_stated"] == sum("breastfeeding" not in c.lower() for c in cells)
    assert counts.sum() == 10


def test_breastfeeding_statements_quote_the_paper(management_text, discussion_text, patients):
    table = breastfeeding_statements(patients).set_index("source")
    assert _normalise(table.loc["Management", "quote"]) in management_text
    assert _normalise(table.loc["Discussion", "quote"]) in discussion_text
    named = re.search(r"Two patients \(patient ([\d and]+)\) did not", management_text)
    assert table.loc["Management", "continued"] == len(_ids(named.group(1)))
    assert table.loc["Discussion", "continued"] == 0
    assert (table[["stopped", "continued", "not_stated"]].sum(axis=1) == 10).all()


# ------------------------------------------------------------------ drug table
def test_drug_table_columns_and_items():
    table = drug_table()
    assert list(table.columns[:4]) == ["item", "management_section", "discussion_section", "agree"]
    assert {"Vitamin D", "Calcium", "Diclofenac", "Paracetamol", "Bisphosphonate",
            "Spinal brace", "Rest and activity"} <= set(table["item"])


def test_drug_table_quotes_are_verbatim(management_text, discussion_text):
    for row in drug_table().itertuples():
        assert _normalise(row.management_section) in management_text, row.item
        if row.discussion_section:
            assert _normalise(row.discussion_section) in discussion_text, row.item


def test_drug_table_agree_means_same_wording():
    for row in drug_table().itertuples():
        if not row.discussion_section:
            assert pd.isna(row.agree), row.item
        else:
            assert bool(row.agree) == (row.management_section == row.discussion_section), row.item


def test_drug_table_doses_as_printed(management_text, discussion_text):
    table = drug_table().set_index("item")
    vit_d_mgmt = re.search(r"vitamin D (\d+) IU", management_text).group(1)
    vit_d_disc = re.search(r"vitamin D3 (\d+) IU", discussion_text).group(1)
    assert (vit_d_mgmt, vit_d_disc) == ("1000", "880")
    assert f"{vit_d_mgmt} IU" in table.loc["Vitamin D", "management_section"]
    assert f"{vit_d_disc} IU" in table.loc["Vitamin D", "discussion_section"]
    calcium = table.loc["Calcium", "management_section"]
    assert "1000 mg calcium ion" in calcium and "250 mg" in calcium
    assert "calcium 1000 mg" in table.loc["Calcium", "discussion_section"]


def test_no_bisphosphonate_agent_is_named_in_management(management_text):
    agents = ["alendron", "risedron", "ibandron", "zoledron", "pamidron", "etidron"]
    assert not any(a in management_text.lower() for a in agents)
    assert "teriparatide" not in management_text.lower()


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


def test_protocol_sources_are_sections_of_the_paper(paper_text):
    headings = {h.strip().lower() for h in re.findall(r"^(?:#+ ■?|\*\*)\s*([A-Za-z ]+)",
                                                      paper_text, flags=re.M)}
    for sources in protocol_steps()["source"]:
        for section in sources.split("; "):
            assert section.lower() in headings, section


def test_step_annotations_count_from_table_i(table_i_management, patients):
    notes = step_annotations(patients)
    cells = table_i_management.values()
    stopped = sum("Discontinuation of breastfeeding" in c for c in cells)
    bis = sum("Bisphosphonate" in c for c in cells)
    assert notes["stop_breastfeeding"].startswith(f"{stopped} of 10 stopped")
    assert f"bisphosphonate: {bis} of 10" in notes["drug_for_bone"]
    assert "P4" in notes["vertebroplasty"] and notes["vertebroplasty"].startswith("1 of 10")


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
