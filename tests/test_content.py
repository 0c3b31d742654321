"""Tests for plro.content: the book's teaching-content tables, read strictly, and their placeholders.

Bad input is written to temporary files here; the real files in book/content/ are
only checked for what must hold whatever their wording: every column present and
filled, every key unique, every placeholder and data source resolving against the
data package.
"""

from __future__ import annotations

import pandas as pd
import pytest

from plro.content import CONTENT_COLUMNS, fill, load_content, placeholder_values
from plro.data import load_all
from plro.data_errors import PLRODataError
from plro.labs import patients_with_result

tables = pytest.fixture(scope="module", name="tables")(lambda: load_all())

WORKUP = list(CONTENT_COLUMNS["workup_checklist"])


def _write(tmp_path, text: str, name: str = "workup_checklist") -> None:
    (tmp_path / f"{name}.csv").write_bytes(text.encode("utf-8"))


def _row(**cells) -> str:
    base = {"test": "Calcium", "why_it_is_done": "why", "rules_in_or_out": "what",
            "data_source": "visits.calcium_mg_dl", "in_this_series": "P3 had {{P3.baseline.calcium_mg_dl}}",
            "sources": "general clinical context"}
    return ",".join((base | cells)[c] for c in WORKUP)


def _problems(tmp_path) -> list:
    with pytest.raises(PLRODataError) as caught:
        load_content("workup_checklist", tmp_path)
    return caught.value.problems


@pytest.mark.parametrize("name", list(CONTENT_COLUMNS))
def test_real_content_tables_are_complete(name):
    frame = load_content(name)
    assert list(frame.columns) == list(CONTENT_COLUMNS[name])
    assert frame.index.name == "line" and frame.index[0] == 2
    key = frame.columns[0]
    assert frame[key].is_unique
    required = [c for c in frame.columns if c != "data_source"]
    assert (frame[required] != "").all().all()


@pytest.mark.parametrize("name", list(CONTENT_COLUMNS))
def test_real_placeholders_and_data_sources_resolve(name, tables):
    frame = load_content(name)
    filled = fill(frame, placeholder_values(tables["patients"], tables["visits"]))
    assert not filled.apply(lambda col: col.str.contains("{{", regex=False)).any().any()
    for source in frame["data_source"]:
        patients_with_result(source, tables)  # raises on an unknown table or column


def test_drug_table_holds_the_drugs_the_book_needs():
    drugs = " ".join(load_content("drug_table")["drug"]).lower()
    for drug in ["calcium", "bisphosphonate", "teriparatide", "denosumab", "strontium"]:
        assert drug in drugs


def test_a_valid_file_is_read_exactly(tmp_path):
    _write(tmp_path, ",".join(WORKUP) + "\n" + _row() + "\n" + _row(test="PTH", data_source="") + "\n")
    frame = load_content("workup_checklist", tmp_path)
    assert list(frame.index) == [2, 3]
    assert frame.loc[3, "data_source"] == ""
    assert frame.loc[2, "in_this_series"] == "P3 had {{P3.baseline.calcium_mg_dl}}"


def test_empty_required_cell_names_file_row_and_field(tmp_path):
    _write(tmp_path, ",".join(WORKUP) + "\n" + _row() + "\n" + _row(test="PTH", sources="") + "\n")
    [problem] = _problems(tmp_path)
    assert (problem.file, problem.row, problem.field) == ("book/content/workup_checklist.csv", 3, "sources")
    assert "empty" in problem.problem


def test_repeated_key_is_rejected(tmp_path):
    _write(tmp_path, ",".join(WORKUP) + "\n" + _row() + "\n" + _row() + "\n")
    [problem] = _problems(tmp_path)
    assert (problem.row, problem.field) == (3, "test") and "row 2" in problem.problem


@pytest.mark.parametrize("cells, field, words", [
    ({"data_source": "visits"}, "data_source", "table.column"),
    ({"data_source": "lab_flags.flag"}, "data_source", "table.column"),
    ({"in_this_series": "{{p3 calcium}}"}, "in_this_series", "placeholder"),
    ({"in_this_series": "{{P3.baseline.calcium_mg_dl}"}, "in_this_series", "unbalanced"),
])
def test_malformed_cells_are_rejected(tmp_path, cells, field, words):
    _write(tmp_path, ",".join(WORKUP) + "\n" + _row(**cells) + "\n")
    [problem] = _problems(tmp_path)
    assert (problem.row, problem.field) == (2, field) and words in problem.problem


def test_the_strict_reader_is_used(tmp_path):
    _write(tmp_path, ",".join(WORKUP) + "\n" + _row(test="Calcium ") + "\n")
    [problem] = _problems(tmp_path)
    assert (problem.row, problem.field) == (2, "test") and "whitespace" in problem.problem
    (tmp_path / "workup_checklist.csv").write_bytes(b"\xef\xbb\xbf" + ",".join(WORKUP).encode() + b"\n")
    assert "byte-order mark" in _problems(tmp_path)[0].problem


def test_wrong_header_missing_file_and_unknown_table(tmp_path):
    _write(tmp_path, ",".join(reversed(WORKUP)) + "\n" + _row() + "\n")
    assert "out of order" in _problems(tmp_path)[0].problem
    with pytest.raises(PLRODataError, match="not found"):
        load_content("drug_table", tmp_path)
    with pytest.raises(PLRODataError, match="no such content table"):
        load_content("glossary", tmp_path)


def test_placeholder_values_keep_values_as_the_data_hold_them():
    patients = pd.DataFrame({"patient_id": [3, 4], "t_score_l1_l4": [-2.9, None],
                             "twin_pregnancy": [False, True]})
    visits = pd.DataFrame({"patient_id": [3, 3], "visit": ["baseline", "month_1"],
                           "calcium_mg_dl": [11.4, None], "alp_u_l": [126.0, 80.0]})
    values = placeholder_values(patients, visits)
    assert values["P3.t_score_l1_l4"] == "-2.9"
    assert "P4.t_score_l1_l4" not in values  # N/A gives no value
    assert values["P4.twin_pregnancy"] == "yes"
    assert values["P3.baseline.calcium_mg_dl"] == "11.4"
    assert values["P3.baseline.alp_u_l"] == "126"
    assert "P3.month_1.calcium_mg_dl" not in values


def test_fill_replaces_and_reports_what_it_cannot_fill(tmp_path):
    _write(tmp_path, ",".join(WORKUP) + "\n" + _row() + "\n"
           + _row(test="PTH", in_this_series="{{P3.baseline.pth_pg_ml}} and {{P3.baseline.calcium_mg_dl}}")
           + "\n")
    frame = load_content("workup_checklist", tmp_path)
    with pytest.raises(PLRODataError) as caught:
        fill(frame, {"P3.baseline.calcium_mg_dl": "11.4"})
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.field) == ("book/content/workup_checklist.csv", 3,
                                                          "in_this_series")
    assert "{{P3.baseline.pth_pg_ml}}" in problem.problem
    filled = fill(frame, {"P3.baseline.calcium_mg_dl": "11.4", "P3.baseline.pth_pg_ml": "40"})
    assert filled.loc[3, "in_this_series"] == "40 and 11.4"
    assert frame.loc[3, "in_this_series"].startswith("{{")  # the input is not changed
