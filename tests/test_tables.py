"""Tests for plro.tables: HTML rendering and display formatting (numbers never change)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from plro.data import VISITS
from plro.tables import MONTH_NAMES, VISIT_NAMES, cohort_table_html, sensitivity_display


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
