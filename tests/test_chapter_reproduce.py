"""Chapter 6 (reproducing the paper): its facts, its tables in words and the audit CSV.

The facts are checked against the CSV files read with the standard library, not against
the audit that computes them; the CSV writer of ``book/_ext/plro_audit_csv.py`` is called
on a temporary folder (no book build) and its rows checked against the claims file.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import re
import statistics
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from plro.audit import NOT_DERIVABLE, STATUSES, audit_table
from plro.chapters import reproduce, reproduce_tables
from plro.chapters.reproduce import SUMMARY_CLAIMS
from plro.data import load_all

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
EXTENSION = ROOT / "book" / "_ext" / "plro_audit_csv.py"
BAD_CELL = re.compile(r"^(True|False|nan|NaN|<NA>|None|NaT)$")
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def tables():
    return load_all()


@pytest.fixture(scope="module")
def facts(tables):
    return reproduce.facts(tables)


@pytest.fixture(scope="module")
def audit(tables):
    return audit_table(tables)


def test_claim_counts_add_up_to_the_claims_file(facts):
    claims = rows("reported_statistics.csv")
    assert facts["n_claims"] == len(claims)
    assert facts["n_not_derivable"] == sum(c["derivable"] == "no" for c in claims)
    assert (facts["n_matches"] + facts["n_differs"] + facts["n_partly"]
            == sum(c["derivable"] == "yes" for c in claims))
    assert all(isinstance(facts[k], int) for k in ("n_claims", "n_matches", "n_differs",
                                                     "n_partly", "n_not_derivable"))


def test_printed_values_are_the_papers(facts):
    claims = {c["claim_id"]: c for c in rows("reported_statistics.csv")}
    assert facts["age_mean_printed"] == claims["cs_age_mean"]["value_as_printed"]
    assert facts["age_printed"].startswith(claims["cs_age_mean"]["value_as_printed"] + " ± ")
    assert facts["smokers_disc"] == claims["disc_smokers"]["value_as_printed"]
    assert facts["pain_control_printed"] == claims["res_pain_control_mean"]["value_as_printed"]


def test_lab_and_pain_values_come_from_the_visits_file(facts):
    visits = {(int(r["patient_id"]), r["visit"]): r for r in rows("visits.csv")}
    assert float(facts["vd_p4"]) == float(visits[(4, "baseline")]["vitamin_d_25oh"])
    assert float(facts["vd_p8"]) == float(visits[(8, "baseline")]["vitamin_d_25oh"])
    assert float(facts["ca_p10"]) == float(visits[(10, "baseline")]["calcium_mg_dl"])
    before, after = (int(visits[(8, v)]["vas"]) for v in ("baseline", "month_1"))
    assert (facts["p8_baseline"], facts["p8_month_1"]) == (before, after)
    assert facts["p8_fall_pct"] == int(100 * (before - after) / before)
    magnesium = [r["magnesium_mg_dl"] for r in visits.values() if r["magnesium_mg_dl"]]
    assert facts["mg_values"] == len(magnesium)
    assert facts["mg_above"] == sum(float(v) > 2.4 for v in magnesium)


def test_age_and_breastfeeding_facts_from_the_patients_file(facts):
    patients = rows("patients.csv")
    ages = [int(p["age_years"]) for p in patients]
    assert facts["ex_age_mean_all"] == pytest.approx(statistics.mean(ages))
    assert facts["age_mean_table"] == pytest.approx(statistics.mean(ages))
    assert facts["ex_age_median_all"] == statistics.median(ages)
    kept = [p for p in patients if p["breastfeeding"] == "continued"]
    # ISCD: a lumbar region needs at least two unfractured vertebrae to be read
    fractured = Counter(
        r["patient_id"] for r in rows("imaging_findings.csv")
        if r["finding"] == "compression_fracture" and r["site"] in ("L1", "L2", "L3", "L4"))
    unread = {pid for pid, n in fractured.items() if 4 - n < 2}
    readable = [p for p in patients if p["patient_id"] not in unread]
    spine = min(readable, key=lambda p: float(p["t_score_l1_l4"]))
    neck = min(patients, key=lambda p: float(p["t_score_femoral_neck"]))
    assert facts["bf_t_scores"].startswith(
        f"L1-L4 P{spine['patient_id']} {float(spine['t_score_l1_l4']):.1f}; femoral neck "
        f"P{neck['patient_id']} {float(neck['t_score_femoral_neck']):.1f}")
    assert unread and all(f"P{pid}" in facts["bf_t_scores"] for pid in unread)
    lowest_are_kept = {spine["patient_id"], neck["patient_id"]} == {p["patient_id"] for p in kept}
    assert facts["bf_lowest_word"] == ("also had" if lowest_are_kept else "did not have")
    # ten whole numbers cannot average to two decimals: the printed mean fails GRIM
    assert facts["age_grim_word"] == "fails"


def test_jbi_counts_from_the_checklist(facts):
    answers = Counter(r["answer"] for r in rows("jbi_checklist.csv"))
    assert (facts["jbi_yes"], facts["jbi_no"], facts["jbi_unclear"]) == (
        answers["yes"], answers["no"], answers["unclear"])


def test_glued_text_reads_as_words(facts):
    for name, value in facts.items():
        text = str(value)
        assert not re.search(r"\bmonth_\d|\bnot_stated\b|\bnan\b|\bNone\b", text), (name, text)
        assert not re.search(r"\d,\d", text) or name.endswith("quote"), (name, text)


def group_sizes(html: str) -> list[tuple[str, int, int]]:
    """(verdict heading, claims it announces, rows under it) for each group of the table."""
    out = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", html, re.S):
        heading = re.search(r'scope="rowgroup"[^>]*>([^:<]+): (\d+) claims?<', body)
        out.append((heading.group(1), int(heading.group(2)), body.count("<tr") - 1))
    return out


def test_audit_html_is_grouped_verdict_first(audit):
    html = reproduce_tables.audit_html(audit)
    groups = group_sizes(html)
    assert [g[0] for g in groups] == ["Differs", "Partly contradicted", "Matches",
                                     NOT_DERIVABLE.capitalize()]
    counted = Counter(rows_status for rows_status in audit["status"].astype(str))
    for (heading, announced, present), status in zip(groups, reproduce_tables.GROUP_ORDER, strict=True):
        assert announced == present == counted[status], heading
    assert sum(g[2] for g in groups) == len(rows("reported_statistics.csv"))
    assert sorted(re.findall(r'data-claim-id="([^"]+)"', html)) == sorted(
        c["claim_id"] for c in rows("reported_statistics.csv"))
    headers = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert headers == ["Claim", "Printed", "Recomputed", "Verdict"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    assert not any(BAD_CELL.match(c) for c in cells)
    shown = re.sub(r"<[^>]+>", " ", html)  # what a reader sees, without the markup
    assert "month_" not in shown and "(n-1)" not in shown and "[patients 4]" not in shown
    assert "@media (max-width" in html  # each row becomes a card on a phone


def test_audit_html_ungrouped_keeps_the_given_rows(audit):
    some = audit.iloc[[4, 7, 26]]
    html = reproduce_tables.audit_html(some, table_id="t", grouped=False)
    assert '<th scope="rowgroup"' not in html
    assert html.count("<tr") == 1 + len(some)
    assert "differs: value" in html and "partly contradicted" in html


def test_verdict_words_name_what_differs():
    row = pd.Series({"status": "differs", "what_differs": "SD"})
    assert reproduce_tables.verdict_words(row) == "differs: SD"
    assert reproduce_tables.verdict_words(pd.Series({"status": NOT_DERIVABLE, "what_differs": ""})) \
        == "not derivable"


def displayed_tables(tables, audit):
    from plro.appraisal import duplicate_references
    return {
        "by section": reproduce_tables.claims_by_section(audit),
        "full": reproduce_tables.full_audit(audit),
        "differences": reproduce_tables.differences_table(audit),
        "sd": reproduce_tables.sd_table(audit),
        "first eight": reproduce_tables.first_eight_table(tables, SUMMARY_CLAIMS),
        "search": reproduce_tables.search_table(tables, audit),
        "labs": reproduce_tables.lab_table(tables),
        "pain": reproduce_tables.pain_check_table(tables),
        "consistency": reproduce_tables.consistency_display(tables),
        "duplicates": reproduce_tables.duplicates_table(duplicate_references()),
        "jbi": reproduce_tables.jbi_display(),
    }


def test_every_table_is_in_words(tables, audit):
    for name, table in displayed_tables(tables, audit).items():
        assert table.index.name is None and table.columns.name is None, name
        assert not any(SNAKE.match(str(h)) for h in table.columns), (name, list(table.columns))
        cells = table.to_numpy().ravel().tolist() + list(table.index)
        bad = [c for c in cells if BAD_CELL.match(str(c)) or re.fullmatch(r"-?\d+\.0", str(c))
               and name not in ("differences", "pain", "full")]
        assert not bad, (name, bad[:5])
        assert not any(re.match(r"^(case_series|table_i|figure_captions):", str(c))
                       for c in cells), name


def test_section_totals_and_relative_differences_keep_their_decimals(audit):
    by_section = reproduce_tables.claims_by_section(audit)
    assert by_section.loc["Total", "Claims"] == str(len(rows("reported_statistics.csv")))
    assert "Case Series" in by_section.index
    shown = reproduce_tables.differences_table(audit)["Relative difference (%)"]
    assert all(re.fullmatch(r"-?\d+(\.\d)?", v) for v in shown), list(shown)


def load_extension():
    spec = importlib.util.spec_from_file_location("plro_audit_csv_under_test", EXTENSION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_audit_csv_writer_writes_every_claim_with_its_verdict(tmp_path, audit):
    path = load_extension().write_audit_csv(tmp_path)
    assert path == tmp_path / "downloads" / "plro-audit.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    claims = rows("reported_statistics.csv")
    assert [r["Claim id"] for r in written] == [c["claim_id"] for c in claims]
    assert {r["Verdict"] for r in written} <= set(STATUSES)
    for row, claim in zip(written, claims, strict=True):
        assert (row["Verdict"] == NOT_DERIVABLE) == (claim["derivable"] == "no"), row["Claim id"]
        if claim["reported_value"]:
            printed = float(claim["reported_value"])
            assert float(row["Printed value"]) == printed, row["Claim id"]
            assert printed.is_integer() == ("." not in row["Printed value"]), row["Claim id"]
    assert Counter(r["Verdict"] for r in written) == Counter(audit["status"].astype(str))
    assert {"Claim as printed", "Printed", "Recomputed from the tables", "What differs"} <= set(written[0])
    assert not any(re.fullmatch(r"-?\d+\.0", v) for r in written for v in r.values())


def test_women_with_vertebral_levels_in_table_ii(facts):
    named = {r["patient_id"] for r in rows("imaging_findings.csv")
             if r["region"] in ("thoracic_spine", "lumbar_spine", "cervical_spine")
             and "Table II" in r["source"]}
    assert facts["n_levels_named"] == len(named)


def test_the_patients_the_prose_names(facts):
    patients = rows("patients.csv")
    by_status = {s: [p["patient_id"] for p in patients if p["breastfeeding"] == s]
                 for s in ("continued", "not_stated")}
    assert facts["kept_ids"] == "Patients " + " and ".join(by_status["continued"])
    assert facts["n_kept"] == len(by_status["continued"])
    assert facts["not_stated_ids"] == "patient " + " and ".join(by_status["not_stated"])
    assert facts["n_smokers"] == sum(p["smoking"] == "true" for p in patients)
    assert facts["n_back_pain"] == sum("back" in p["symptoms"].lower() for p in patients)
    hips = sorted({r["patient_id"] for r in rows("imaging_findings.csv")
                   if r["site"] == "femoral_neck"}, key=int)
    assert facts["femoral_neck_ids"] == "patient " + " and ".join(hips)
    visits = {(int(r["patient_id"]), r["visit"]): r for r in rows("visits.csv")}
    assert float(facts["ca_p1_m3"]) == float(visits[(1, "month_3")]["calcium_mg_dl"])


def _latest_group(threshold: int) -> set[str]:
    """Patients who first reached VAS <= threshold last (never reaching counts as last)."""
    first: dict[str, float] = {}
    for r in rows("visits.csv"):
        if r["vas"] and int(r["vas"]) <= threshold:
            first[r["patient_id"]] = min(first.get(r["patient_id"], math.inf), int(r["month"]))
    every = {r["patient_id"] for r in rows("patients.csv")}
    month = {pid: first.get(pid, math.inf) for pid in every}
    return {pid for pid, m in month.items() if m == max(month.values())}


def test_the_latest_to_pain_control_who_stopped_breast_feeding(facts):
    # the patients latest under every rule are latest under the two simplest rules too;
    # those of them whom Table I records as not continuing are the ones the prose names
    patients = {p["patient_id"]: p for p in rows("patients.csv")}
    always = re.findall(r"\d+", facts["always_latest"])
    assert always and set(always) <= _latest_group(2) & _latest_group(3)
    stopped = [pid for pid in always if patients[pid]["breastfeeding"] != "continued"]
    assert facts["latest_not_kept"] == ("patient " if len(stopped) == 1 else "patients ") \
        + " and ".join(stopped)
    low, _, high = facts["latest_sizes"].partition(" to ")
    assert len(always) <= int(low) <= int(high or low) <= len(patients)
    assert len(_latest_group(2)) in range(int(low), int(high or low) + 1)


def test_the_duplicated_references(facts):
    assert re.fullmatch(r"\d+ and \d+", facts["dup_refs"])


@pytest.mark.parametrize(("printed", "shown"), [
    ("'A patient' = 1 patients", "\u2018A patient\u2019 = 1 patient"),
    ("'once' = 1 doses per day", "\u2018once\u2019 = 1 dose per day"),
    ("'last' = 3 trimester", "\u2018last\u2019 = 3rd trimester"),
    ("7 year of follow-up", "7th year of follow-up"),
    ("'Four' = 4 patients", "\u2018Four\u2019 = 4 patients"),
    ("1 points (0-10)", "1 point (0-10)"),
])
def test_printed_values_read_as_words(printed, shown):
    assert reproduce_tables._printed_words(printed) == shown
