"""Tests for plro.tables: HTML rendering and display formatting (numbers never change)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plro.data import VISITS
from plro.tables import (
    MONTH_NAMES,
    NOT_REPORTED,
    VISIT_NAMES,
    VISIT_WORDS,
    and_list,
    cell_text,
    cohort_table_html,
    count_word,
    number,
    p_value,
    patients_phrase,
    places,
    readable,
    sensitivity_display,
    share,
    show,
)


def test_month_and_visit_names_follow_the_schedule():
    assert list(MONTH_NAMES) == list(VISITS.values())
    assert list(VISIT_NAMES) == list(VISITS)
    assert MONTH_NAMES[0] == "baseline" and VISIT_NAMES["baseline"] == "baseline"
    assert all(MONTH_NAMES[m] == f"{m} mo" for m in VISITS.values() if m)
    assert all(VISIT_NAMES[v] == MONTH_NAMES[m] for v, m in VISITS.items())


def test_cohort_table_html_has_caption_and_is_deterministic():
    table = pd.DataFrame(
        {"All patients (n = 2)": ["29.5 (2.1)", "1 (50)"]},
        index=pd.MultiIndex.from_tuples([("Age, years", "mean (SD)"), ("Smoking", "Yes, n (%)")],
                                        names=["Variable", "Statistic"]),
    )
    html = cohort_table_html(table, "Table 1. The cohort")
    assert "<caption>Table 1. The cohort</caption>" in html
    assert "index_name" not in html and ">Variable<" not in html  # one header row
    assert "Age, years" in html and "29.5 (2.1)" in html
    assert 'class="plro-table1"' in html
    assert html == cohort_table_html(table, "Table 1. The cohort")


def test_sensitivity_display_formats_months_counts_and_means():
    last = max(VISITS.values())
    table = pd.DataFrame(
        {"P1": [1.0, np.nan], "P2": [3.0, 6.0], "not reached": [0, 1],
         "mean, earliest": [1.25, 2.0], "mean, latest": [2.0, np.nan]},
        index=pd.Index(["rule a", "rule b"], name="definition"),
    )
    shown = sensitivity_display(table)
    assert shown.loc["rule a"].tolist() == ["1", "3", "0", "1.2", "2.0"]
    assert shown.loc["rule b"].tolist() == [f"> {last}", "6", "1", "2.0", "not defined"]
    assert shown.index.name == "definition"


# ------------------------------------------------------------------ tables in words
def test_p_values_print_in_one_style():
    cases = {0.001953: "p = 0.002", 0.0020: "p = 0.002", 0.3125: "p = 0.31", 0.05: "p = 0.05",
             0.0004: "p < 0.001", 0.001: "p = 0.001", 1.0: "p = 1", 0.999: "p = 1.00", 0.0999: "p = 0.10"}
    assert {p: p_value(p) for p in cases} == cases
    for bad in (-0.1, 1.5, float("nan"), None):
        with pytest.raises(ValueError, match="not a p-value"):
            p_value(bad)


def test_cells_read_as_words():
    assert [cell_text(v) for v in (True, False, np.bool_(True), None, np.nan, pd.NA)] == \
        ["yes", "no", "yes", NOT_REPORTED, NOT_REPORTED, NOT_REPORTED]
    assert [cell_text(v) for v in (126.0, 126, np.int64(7), 2.45, -2.9)] == ["126", "126", "7", "2.5", "-2.9"]
    assert cell_text(0.532, decimals=2) == "0.53" and cell_text("P4") == "P4"


def test_readable_gives_one_header_row_human_headers_and_no_index_name():
    frame = pd.DataFrame({"patient_id": [1, 2], "alp_u_l": [126.0, np.nan], "flagged": [True, False],
                          "ca": [8.34, 9.0]}).set_index("patient_id")
    shown = readable(frame, {"alp_u_l": "ALP (U/L)", "flagged": "Arrow in Table II", "ca": "Ca (mg/dL)"},
                     label="patient_id", decimals={"ca": 2})
    assert list(shown.columns) == ["ALP (U/L)", "Arrow in Table II", "Ca (mg/dL)"]
    assert shown.index.name is None and shown.columns.name is None and list(shown.index) == ["1", "2"]
    assert shown.to_dict("list") == {"ALP (U/L)": ["126", "—"], "Arrow in Table II": ["yes", "no"],
                                     "Ca (mg/dL)": ["8.34", "9"]}
    assert "patient_id" not in shown.to_html()
    numbered = readable(pd.DataFrame({"x": [1.5, 2.0]}))
    assert list(numbered.index) == [1, 2] and list(numbered["x"]) == ["1.5", "2"]
    with pytest.raises(KeyError, match="no column"):
        readable(frame, {"nope": "Nope"})


def test_cohort_table_html_puts_a_space_after_the_comma_of_quartiles():
    table = pd.DataFrame({"All": ["30.5 [29.0,31.0]", "-2.90 [-3.15,-2.70]", "4 (40)"]},
                         index=pd.MultiIndex.from_tuples([("Age", "median"), ("T", "median"), ("S", "n")],
                                                         names=["Variable", "Statistic"]))
    html = cohort_table_html(table, "c")
    assert "30.5 [29.0, 31.0]" in html and "-2.90 [-3.15, -2.70]" in html and "4 (40)" in html


def test_visit_words_say_month_n():
    assert VISIT_WORDS["baseline"] == "baseline"
    assert all(VISIT_WORDS[v] == f"month {m}" for v, m in VISITS.items() if m)


def test_numbers_and_lists_read_as_prose():
    assert number(30.0) == 30 and isinstance(number(30.0), int)
    assert (number(6.1, 1), number(-2.9, 2), number(7.149, 2)) == ("6.1", "-2.90", "7.15")
    with pytest.raises(ValueError, match="no value"):
        number(np.nan)
    assert [and_list(x) for x in ([], ["P3"], ["P3", "P6"], ["P3", "P6", "P10"])] == \
        ["none", "P3", "P3 and P6", "P3, P6 and P10"]


def test_readable_formats_named_columns_with_their_function():
    frame = pd.DataFrame({"p": [0.0004, 0.3125], "visit": ["baseline", "month_3"], "n": [3.0, 4.0]})
    shown = readable(frame, {"p": "p", "visit": "Visit", "n": "Patients"},
                     formats={"p": p_value, "visit": VISIT_WORDS.get})
    assert shown.to_dict("list") == {"p": ["p < 0.001", "p = 0.31"], "Visit": ["baseline", "month 3"],
                                     "Patients": ["3", "4"]}


def test_show_hides_the_index_adds_the_dash_footnote_and_is_deterministic():
    shown = readable(pd.DataFrame({"alp": [126.0, np.nan], "note": ["a < b " * 30, "x"]}),
                     {"alp": "ALP (U/L)", "note": "Note"})
    table = show(shown, caption="Values", dash="not reported in Table II")
    html = table._repr_html_()
    assert "<caption>Values</caption>" in html
    assert "row_heading" not in html and "index_name" not in html  # no 1..n index
    assert f"{NOT_REPORTED} : not reported in Table II." in html
    assert "a &lt; b " * 30 in html  # escaped, and never cut with "…"
    assert html == show(shown, caption="Values", dash="not reported in Table II")._repr_html_()
    assert "0x" not in repr(table) and "ALP (U/L)" in repr(table)
    plain = show(readable(pd.DataFrame({"x": [1, 2]})), note="Counts of patients.")._repr_html_()
    assert NOT_REPORTED not in plain and "Counts of patients." in plain
    labelled = show(readable(pd.DataFrame({"k": ["a"], "x": [1]}), label="k"), index=True)._repr_html_()
    assert "row_heading" in labelled and ">a<" in labelled


def test_count_word_writes_small_counts_as_words():
    assert [count_word(n) for n in (0, 2, 9, 10)] == ["zero", "two", "nine", "ten"]
    assert count_word(11) == "11"


def test_patients_phrase_names_one_or_several():
    assert patients_phrase([4]) == "patient 4"
    assert patients_phrase([1, 3, 6]) == "patients 1, 3 and 6"


def test_places_keeps_one_style_down_a_column():
    one = places(1)
    assert [one(v) for v in (2.0, 2.26, float("nan"))] == ["2.0", "2.3", NOT_REPORTED]


def test_the_chapter_tests_table_check_can_fail():
    from tests.support.chapters import words_problems

    assert words_problems('<th>claim_id</th><td>126.0</td><td>True</td><th class="index_name">x</th>') == [
        "program value in a cell: True", "snake_case header", "whole number with decimals",
        "index-name header row"]
    assert words_problems(show(readable(pd.DataFrame({"Age (years)": [31, 33]})))._repr_html_()) == []


@pytest.mark.parametrize(("args", "said"), [
    ((0, 8, "patient"), "no patient"),
    ((8, 8, "patient"), "all 8 patients"),
    ((2, 2, "value", ("lies", "lie")), "both values lie"),
    ((1, 7, "shuffle", ("was", "were")), "1 of the 7 shuffles was"),
    ((4, 8, "patient"), "4 of the 8 patients"),
    ((1, 2, "value", ("lies", "lie")), "1 of the 2 values lies"),
    ((0, 2, "value", ("lies", "lie")), "no value lies"),
])
def test_share_says_any_count(args, said):
    assert share(*args) == said
    assert share(6, 6, "definition", say=count_word) == "all six definitions"
    assert share(0, 10_000, "shuffle", ("was", "were"), say="{:,}".format) == "no shuffle was"
