"""Tests for plro.appraisal: the JBI checklist file, the consistency table, duplicate references."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from plro import appraisal
from plro.data import load_all, load_table
from plro.paper import references, statement


@pytest.fixture(scope="module")
def tables():
    return load_all()


# ------------------------------------------------------------------ JBI checklist
def test_jbi_table_has_the_ten_items_answered():
    out = appraisal.jbi_table()
    assert list(out["item"]) == list(range(1, 11))  # the JBI checklist for case series has ten items
    assert set(out["answer"]) <= {"yes", "no", "unclear", "not_applicable"}
    assert list(out.columns) == ["item", "question", "answer", "reason", "a better report would"]
    assert (out["reason"].str.len() > 40).all() and (out["a better report would"].str.len() > 20).all()


def test_jbi_reasons_quote_only_the_statements_they_name():
    """Words of the paper in a reason ('...') occur in one of the statements its row names."""
    checklist = load_table("jbi_checklist")
    for row in checklist.itertuples():
        ids = [] if pd.isna(row.statement_ids) else str(row.statement_ids).split(";")
        quotes = [statement(i).quote.lower() for i in ids]  # an unknown id fails here
        for phrase in re.findall(r"(?<!\w)'([^']+)'(?!\w)", row.reason):
            assert any(phrase.lower() in q for q in quotes), (row.item, phrase)


def test_jbi_table_reads_the_checklist_it_is_given():
    given = pd.DataFrame({"item": [1], "question": ["Q?"], "answer": ["yes"], "reason": ["R"],
                          "better_report": ["B"], "statement_ids": [pd.NA]})
    out = appraisal.jbi_table(given)
    assert out.to_dict("records") == [{"item": 1, "question": "Q?", "answer": "yes", "reason": "R",
                                      "a better report would": "B"}]


# ------------------------------------------------------------- facts stated twice
def test_consistency_table_quotes_the_statements_it_names(tables):
    out = appraisal.consistency_table(tables).set_index("topic")
    assert list(out.index) == [t[0] for t in appraisal.CONSISTENCY_TOPICS]
    for topic, first, second, agree, support in appraisal.CONSISTENCY_TOPICS:
        for column, ids in [("first statement", first), ("second statement", second)]:
            shown = out.loc[topic, column]
            assert shown.startswith(statement(ids[0]).section + ": ")
            assert all(f"'{statement(i).quote}'" in shown for i in ids)
        assert out.loc[topic, "statements agree"] == agree
        assert out.loc[topic, "tables agree with"] == support
    assert set(out["statements agree"]) <= {"yes", "no", "unclear"}


def test_consistency_table_says_what_the_tables_say(tables):
    patients = tables["patients"]
    smokers = sorted(int(i) for i in patients.loc[patients["smoking"], "patient_id"])
    out = appraisal.consistency_table(tables).set_index("topic")
    assert out.loc["Smokers", "the tables say"] == (
        f"{len(smokers)} smokers (patients {', '.join(map(str, smokers))})")
    fewer = {**tables, "patients": patients[patients["patient_id"] != smokers[0]]}
    changed = appraisal.consistency_table(fewer).set_index("topic")
    assert changed.loc["Smokers", "the tables say"].startswith(f"{len(smokers) - 1} smokers")


# ------------------------------------------------------------ the reference list
def test_duplicate_references_groups_identical_entries():
    refs = pd.DataFrame({"refnumber": [1, 2, 3, 4], "authors": ["A", "B", "A", "C"],
                         "title": ["T", "U", "T", "T"], "journal": ["J"] * 4, "volume": ["1"] * 4,
                         "pages": ["1-2"] * 4, "year": [2000] * 4})
    out = appraisal.duplicate_references(refs)
    assert list(out["reference_numbers"]) == ["1, 3"]


def test_duplicate_references_in_the_printed_list_are_the_same_work():
    refs = references().set_index("refnumber")
    for group in appraisal.duplicate_references()["reference_numbers"]:
        numbers = [int(n) for n in group.split(", ")]
        assert len(numbers) > 1
        assert refs.loc[numbers, "title"].nunique() == 1 and refs.loc[numbers, "year"].nunique() == 1
