"""Tests for plro.paper: the paper's statements, its printed numbers and its reference list.

Expected values come from the files themselves read another way (a statement's quote
parsed with a regular expression, a claim's quote, the .bib file's own fields) or from
small synthetic files written here, never from the code under test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from plro import paper

ROOT = Path(__file__).resolve().parents[1]
CITATION = re.compile(r"\(((?:\d+,)*\d+)\)")


@pytest.fixture(scope="module")
def statements():
    return paper.statements()


@pytest.fixture(scope="module")
def claims():
    return paper.reported_statistics()


# ----------------------------------------------------------------- statements
def test_statement_returns_the_row_as_a_frozen_record(statements):
    row = statements.iloc[0]
    said = paper.statement(str(row["statement_id"]))
    assert (said.statement_id, said.section, said.quote) == (
        row["statement_id"], row["section"], row["quote"])
    with pytest.raises(AttributeError):
        said.quote = "changed"


def test_cited_references_are_the_citations_printed_in_each_quote(statements):
    """A quote that prints '(3,6,12)' cites exactly 3, 6 and 12; one that prints none cites none."""
    for sid in statements["statement_id"]:
        said = paper.statement(str(sid))
        printed = [int(n) for group in CITATION.findall(said.quote) for n in group.split(",")]
        if printed:
            assert sorted(said.cited_references) == sorted(printed), sid
        else:
            assert said.cited_references == () or said.note, f"{sid}: citation not in the quote, say why"


def test_every_cited_reference_is_in_the_reference_list(statements, claims):
    numbers = set(paper.references()["refnumber"])
    cited = {n for sid in statements["statement_id"] for n in paper.statement(str(sid)).cited_references}
    cited |= {n for cid in claims["claim_id"] for n in paper.printed(str(cid)).cited_references}
    assert cited and cited <= numbers, sorted(cited - numbers)


def test_quotes_are_short_and_not_repeated(statements):
    assert statements["quote"].str.len().max() <= 400
    same = statements[statements.duplicated(["section", "quote"], keep=False)]
    assert same.empty, same[["statement_id", "quote"]].to_string()


def test_unknown_statement_names_the_id_and_the_file():
    with pytest.raises(paper.UnknownIdError, match=r"'no_such_statement'.*paper_statements\.csv"):
        paper.statement("no_such_statement")


def test_every_statement_id_the_package_asks_for_exists(statements, claims):
    """Scan src/plro for statement("..."), printed("...") and claim_patients("...") with literal ids."""
    known = {"statement": set(statements["statement_id"]),
             "printed": set(claims["claim_id"]), "claim_patients": set(claims["claim_id"])}
    missing = []
    for path in (ROOT / "src" / "plro").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                if name in known and node.args and isinstance(node.args[0], ast.Constant):
                    if node.args[0].value not in known[name]:
                        missing.append((path.name, name, node.args[0].value))
    assert missing == []


# ------------------------------------------------------------- printed numbers
def test_printed_number_matches_its_row(claims):
    for _, row in claims.iterrows():
        p = paper.printed(str(row["claim_id"]))
        assert float(p) == p.value == float(row["reported_value"])
        assert p.quote == row["quote"] and p.as_printed == row["value_as_printed"]
        assert (p.sd is None) == bool(pd.isna(row["reported_sd"]))


def test_printed_summary_agrees_with_the_statement_that_prints_it():
    """The Case Series sentence (paper_statements.csv) and the claim (reported_statistics.csv)."""
    sentence = paper.statement("cs_age").quote
    mean, sd, median = re.search(r"mean age: ([\d.]+) ± ([\d.]+) years, median: (\d+)", sentence).groups()
    age = paper.printed("cs_age_mean")
    assert (age.as_printed, f"{age.sd:.{age.sd_decimals}f}") == (mean, sd)
    assert age.text == f"{mean} ± {sd}"
    assert paper.printed("cs_age_median").value == float(median)


def test_text_of_a_number_printed_in_words_is_the_word(claims):
    worded = claims[~claims["value_as_printed"].str.fullmatch(r"-?\d+(\.\d+)?")].iloc[0]
    assert paper.printed(str(worded["claim_id"])).text == worded["value_as_printed"]


def test_claim_patients_are_the_patients_its_quote_names():
    named = paper.statement("cs_smokers").quote
    ids = re.search(r"\(Patients ([\d, and]+)\)", named).group(1)
    assert paper.claim_patients("cs_smokers") == tuple(int(i) for i in re.findall(r"\d+", ids))
    assert paper.claim_patients("abs_n_patients") == ()


def test_unknown_claim_names_the_id_and_the_file():
    with pytest.raises(paper.UnknownIdError, match=r"'nope'.*reported_statistics\.csv"):
        paper.printed("nope")


# ------------------------------------------------------------- reference list
BIB = """\
@article{zeta2001, author = {Zeta, A.}, title = {{Second}}, journal = {J B}, year = {2001},
  volume = {2}, number = {3}, pages = {5-6}, refnumber = {2}}
@misc{source, author = {Source, S.}, title = {The paper itself}, year = {2022}}
@article{alpha1999, author = {Alpha, B. and Beta, C.}, title = {First {PLRO} study}, journal = {J A},
  year = {1999}, volume = {1}, pages = {1-2}, refnumber = {1}}
"""


def test_references_are_numbered_by_refnumber_and_skip_unnumbered_entries(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    refs = paper.references(bib)
    assert list(refs["refnumber"]) == [1, 2]
    assert list(refs["key"]) == ["alpha1999", "zeta2001"]
    assert refs.loc[0, "title"] == "First PLRO study" and refs.loc[0, "authors"] == "Alpha, B.; Beta, C."
    assert refs.loc[1, "issue"] == "3" and refs.loc[1, "year"] == 2001
    assert paper.citation_key(2, bib) == "zeta2001"
    with pytest.raises(paper.UnknownIdError, match="no reference number 3"):
        paper.citation_key(3, bib)


@pytest.mark.parametrize(("change", "message"), [
    (("refnumber = {2}", "refnumber = {1}"), "refnumber 1 is used by alpha1999, zeta2001"),
    (("refnumber = {2}", "refnumber = {3}"), r"must run 1\.\.2; missing \[2\]"),
    (("refnumber = {2}", "refnumber = {two}"), "zeta2001: refnumber 'two' is not a whole number"),
])
def test_a_broken_numbering_is_an_error_naming_file_and_entries(tmp_path, change, message):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB.replace(*change), encoding="utf-8")
    with pytest.raises(paper.ReferenceListError, match=message) as error:
        paper.references(bib)
    assert str(bib) in str(error.value)


def test_the_books_reference_list_keys_follow_first_author_and_year():
    refs = paper.references()
    assert list(refs["refnumber"]) == list(range(1, len(refs) + 1)) and len(refs) > 20
    for ref in refs.itertuples():
        surname = re.sub(r"[^a-z]", "", ref.authors.split(",")[0].lower())  # O'Sullivan -> osullivan
        stem = re.match(r"[a-z]+", ref.key).group(0)
        assert surname.startswith(stem) and str(ref.year) in ref.key, ref.key
        assert paper.citation_key(ref.refnumber) == ref.key


def test_the_source_paper_has_a_full_record_and_no_entry_lacks_a_year():
    from pybtex.database import parse_file

    entries = parse_file(str(paper.REFERENCES_BIB)).entries
    # The printed reference list carries refnumber; the series itself and the confirmed
    # sources beyond that list do not. The series is the one cited as the book's subject.
    assert "refnumber" not in entries["aytar_plro_case_series"].fields
    entry = entries["aytar_plro_case_series"]
    assert entry.type == "article"
    assert {"journal", "year", "volume", "number", "doi"} <= set(entry.fields)
    assert len(entry.persons["author"]) == 6
    # A dated record for every work cited; an undated one only beyond the printed list, with a URL
    # or a note saying why (a regulator's current product information, for example).
    for key, e in entries.items():
        assert e.fields.get("year", "").isdigit() or ("refnumber" not in e.fields
                                                      and (e.fields.get("url") or e.fields.get("note"))), key
    assert "n.d." not in paper.REFERENCES_BIB.read_text(encoding="utf-8")


def test_look_ups_can_use_a_table_already_loaded():
    from plro.data import load_all
    from plro.paper import printed, statement

    tables = load_all()
    assert statement("cs_smokers", table=tables["paper_statements"]) == statement("cs_smokers")
    assert printed("cs_age_mean", table=tables["reported_statistics"]) == printed("cs_age_mean")
    # the table given is the one read: a changed copy gives the changed value
    claims = tables["reported_statistics"].copy()
    claims.loc[claims["claim_id"] == "cs_age_mean", "value_as_printed"] = "99.9"
    assert printed("cs_age_mean", table=claims).as_printed == "99.9"
