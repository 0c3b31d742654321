"""Chapter 5 (outcomes): its facts and its tables in words.

The facts are recomputed here from the CSV files with the standard library, numpy and
scipy (brute-force enumeration for the exact tests), and compared with the paper's printed
numbers in data/reported_statistics.csv, never with plro.pain or plro.stats, which compute
them; the tables are checked for what a reader must never see.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
import statistics
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from plro.chapters import outcomes as chapter

DATA = Path(__file__).resolve().parents[1] / "data"
MONTHS = (0, 1, 3, 6)
BAD_CELL = re.compile(r"^(True|False|nan|NaN|<NA>|None|NaT|not_stated)$")
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
P_STYLE = re.compile(r"^p (= (0\.\d{2,3}|1)|< 0\.001)$")


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def vas() -> dict[int, dict[int, float]]:
    out: dict[int, dict[int, float]] = {}
    for row in rows("visits.csv"):
        out.setdefault(int(row["patient_id"]), {})[int(row["month"])] = float(row["vas"])
    return out


@pytest.fixture(scope="module")
def results():
    return chapter.analyse()


@pytest.fixture(scope="module")
def facts(results):
    return chapter.facts(results)


def first_month(path: dict[int, float], ok) -> float:
    return next((m for m in MONTHS if ok(path[m], path[0])), math.inf)


def test_cohort_and_medians(facts, vas):
    baseline = [p[0] for p in vas.values()]
    assert facts["n_patients"] == facts["n_complete"] == len(vas) == 10
    assert facts["baseline_mean"] == f"{statistics.mean(baseline):.1f}"
    assert facts["baseline_sd"] == f"{statistics.stdev(baseline):.2f}"
    assert (facts["vas_min0"], facts["vas_max0"]) == (min(baseline), max(baseline))
    for m in MONTHS:
        median = statistics.median(p[m] for p in vas.values())  # whole medians read "2", not "2.0"
        assert facts[f"median_m{m}"] == (f"{median:.0f}" if float(median).is_integer() else f"{median:.1f}")


def test_times_to_control_recomputed_visit_by_visit(facts, vas):
    for key, k in (("le3", 3), ("le2", 2), ("le1", 1)):
        months = [first_month(p, lambda v, b, k=k: v <= k) for p in vas.values()]
        assert facts[f"mean_{key}"] == f"{statistics.mean(months):.1f}"
    halved = [first_month(p, lambda v, b: (b - v) / b >= 0.5) for p in vas.values()]
    assert facts["mean_f50"] == f"{statistics.mean(halved):.1f}"
    assert facts["n_never_zero"] == sum(all(p[m] > 0 for m in MONTHS) for p in vas.values())
    assert facts["n_zero_m1"] == sum(p[1] == 0 for p in vas.values())


def test_no_ceiling_reproduces_the_printed_mean(facts, vas):
    printed = {r["claim_id"]: r for r in rows("reported_statistics.csv")}
    mean = float(printed["res_pain_control_mean"]["reported_value"])
    reproduced = [k for k in range(7)
                  if round(statistics.mean(first_month(p, lambda v, b, k=k: v <= k) for p in vas.values()), 1)
                  == mean]
    assert reproduced == [] and facts["n_equal"] == 0
    assert facts["reproduce_phrase"] == f"None of the {facts['n_scan']} definitions reproduces"
    times = [float(printed[c]["reported_value"]) for c in ("res_p8_pain_control", "res_p10_pain_control")]
    assert facts["others_sum"] == f"{mean * len(vas) - sum(times):.1f}"


def test_month_one_relief(facts, vas):
    falls = {pid: (p[0] - p[1], (p[0] - p[1]) / p[0]) for pid, p in vas.items()}
    assert facts["n_2pt"] == sum(points >= 2 for points, _ in falls.values())
    assert facts["n_30"] == sum(share >= 0.3 - 1e-12 for _, share in falls.values())
    assert facts["n_50"] == sum(share >= 0.5 - 1e-12 for _, share in falls.values())
    assert (facts["p8_m0"], facts["p8_m1"]) == (vas[8][0], vas[8][1])
    assert facts["p8_pct"] == round(100 * falls[8][1])
    assert facts["p8_rank"] == 1 + sum(share < falls[8][1] for _, share in falls.values())


def _exact_signflip_p(differences: list[float]) -> float:
    ranks = stats.rankdata(np.abs(differences))
    observed = ranks[np.asarray(differences) > 0].sum()
    centre = ranks.sum() / 2
    sums = [sum(r for r, s in zip(ranks, signs, strict=True) if s)
            for signs in itertools.product((True, False), repeat=len(ranks))]
    extreme = sum(abs(t - centre) >= abs(observed - centre) for t in sums)
    return extreme / 2 ** len(ranks)


def test_exact_tests_by_enumeration(facts, vas):
    fall6 = [p[0] - p[6] for p in vas.values()]
    p = _exact_signflip_p(fall6)
    assert facts["p_signflip"] == pytest.approx(p)
    assert facts["p_signflip_text"] == ("p < 0.001" if p < 0.001 else f"p = {p:.3f}")
    assert facts["min_p_2v7"] == pytest.approx(2 / math.comb(9, 2))
    assert facts["min_p_bf_all"] == f"p = {2 / math.comb(10, 2):.2f}"
    assert facts["min_p_bf_all_fraction"] == f"2/{math.comb(10, 2)}" and facts["min_p_bf_fraction"] == "2/36"
    q = stats.friedmanchisquare(*[[p[m] for p in vas.values()] for m in MONTHS]).statistic
    assert facts["fr_q"] == f"{q:.1f}"
    assert facts["w"] == f"{q / (len(vas) * (len(MONTHS) - 1)):.2f}"


def test_p_values_print_in_one_style(facts):
    texts = {k: v for k, v in facts.items() if isinstance(v, str) and v.startswith("p ")}
    assert len(texts) >= 8
    assert all(P_STYLE.match(v) for v in texts.values()), texts


def test_laboratory_counts(facts):
    visits, flags = rows("visits.csv"), rows("lab_flags.csv")
    calcium = [float(v["calcium_mg_dl"]) for v in visits if v["calcium_mg_dl"]]
    assert facts["ca_reported"] == len(calcium)
    assert facts["pth_missing"] == sum(not v["pth_pg_ml"] for v in visits)
    assert facts["lab_cells"] == len(visits)
    low = [f for f in flags if (f["analyte"], f["flag"]) == ("calcium_mg_dl", "low")]
    assert facts["ca_flagged_low"] == len(low)
    assert facts["mg_reported"] == sum(bool(v["magnesium_mg_dl"]) for v in visits)
    alp = sorted(int(f["patient_id"]) for f in flags
                 if (f["analyte"], f["visit"], f["flag"]) == ("alp_u_l", "baseline", "high"))
    assert facts["alp_ids"] == " and ".join(f"P{i}" for i in alp)


def test_breastfeeding_patients_come_from_table_i(facts):
    status = {int(p["patient_id"]): p["breastfeeding"] for p in rows("patients.csv")}
    kept = [pid for pid, s in status.items() if s == "continued"]
    assert facts["bf_ids"] == "patients " + " and ".join(map(str, kept))
    assert facts["bf_sizes"] == f"{len(kept)} vs {list(status.values()).count('discontinued')}"


def _tables(results):
    r = results
    return [chapter.vas_table(r), chapter.vas_table(r, patients=[4]), chapter.group_medians_table(r),
            chapter.intervals_table(r), chapter.scan_table(r),
            chapter.latest_table(r), chapter.relief_table(r), chapter.relief_table(r, lowest=4),
            chapter.missing_table(r), chapter.lab_counts_table(r), chapter.calcium_by_visit_table(r),
            chapter.signflip_table(r), chapter.bootstrap_table(r), chapter.friedman_table(r),
            chapter.outcome_table(r), chapter.mann_whitney_table(r),
            chapter.mann_whitney_table(r, unmixed=True), chapter.smallest_p_table(r), chapter.cliff_table(r)]


def test_tables_read_as_words(results):
    fixed = {chapter.scan_table(results).html, chapter.cliff_table(results).html}  # means: fixed decimals
    for table in _tables(results):
        cells = [c.strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table.html, re.S)]
        assert cells, table.text[:80]
        assert not [c for c in cells if BAD_CELL.match(c)], table.text[:300]
        assert not [c for c in cells if SNAKE.match(c)], table.text[:300]
        if table.html not in fixed:
            assert not [c for c in cells if re.fullmatch(r"-?\d+\.0+", c)], table.text[:300]


def test_rule_tables_give_months_as_integers_and_means_with_one_decimal(results):
    for table in (chapter.rules_table(results.sensitivity), chapter.rules_table(results.sustained, False)):
        cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table.html, re.S)]
        assert not [c for c in cells if BAD_CELL.match(c) or re.fullmatch(r"\d\.\d{2,}", c)], table.text
        assert {c for c in cells if not re.fullmatch(r"\d|&gt; 6|\d\.\d|not defined", c)} == set(), table.text
        assert not [c for c in cells if re.fullmatch(r"0\.\d{4,}", c)], table.text[:300]


def test_scan_table_keeps_one_decimal_per_column(results):
    html = chapter.scan_table(results).html
    body = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]
    means = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1].strip() for row in body]
    assert all(re.fullmatch(r"\d\.\d", m) for m in means), means


GLUED_BADLY = re.compile(r"(^|\s)0 of\b|holds for 0\b|\b(\d+) of (the )?\2\b|\bof the (two|2)\b|\bis 0\b")


def test_no_fact_glues_a_bare_zero_or_n_of_n(facts):
    texts = {k: v for k, v in facts.items() if isinstance(v, str)}
    assert not {k: v for k, v in texts.items() if GLUED_BADLY.search(v)}


def test_count_phrases_follow_the_recounted_numbers(facts, vas):
    zero_m1 = sum(p[1] == 0 for p in vas.values())
    assert facts["n_zero_m1_phrase"] == ("no patient" if zero_m1 == 0 else
                                         f"all {len(vas)} patients" if zero_m1 == len(vas) else
                                         f"{zero_m1} of the {len(vas)} patients")
    halved = sum((p[0] - p[1]) / p[0] >= 0.5 - 1e-12 for p in vas.values())
    assert facts["n_50_phrase"] == f"{halved} of the {len(vas)} patients"
    assert facts["n_2pt_phrase"] == f"all {len(vas)} patients"  # every patient fell by >= 2 points
    words = "zero one two three four five six seven eight nine ten".split()
    assert facts["p9_tie_phrase"] == (f"under all {words[facts['n_rules']]} definitions"
                                      if facts["n_with_p9"] == facts["n_rules"] else facts["p9_tie_phrase"])
    if facts["n_only_8_10"] == 0:
        assert facts["only_8_10_phrase"] == "under no definition are they the only latest patients"
    assert facts["fr_extreme_phrase"] == ("no shuffle was" if facts["fr_n_extreme"] == 0
                                          else facts["fr_extreme_phrase"])
    magnesium = [float(v["magnesium_mg_dl"]) for v in rows("visits.csv") if v["magnesium_mg_dl"]]
    if facts["mg_above"] == len(magnesium):
        assert facts["mg_above_phrase"] == f"all {len(magnesium)} values lie"


def test_bone_facts_leave_out_lumbar_values_on_fractured_vertebrae(facts):
    """The lowest readable T-scores, recomputed: an L1-L4 value with fewer than two unfractured
    vertebrae left is not interpretable, so the femoral neck is that patient's site."""
    patients = {int(p["patient_id"]): p for p in rows("patients.csv")}
    fractured: dict[int, list[str]] = {}
    for f in rows("imaging_findings.csv"):
        if f["finding"] == "compression_fracture" and f["site"] in ("L1", "L2", "L3", "L4"):
            fractured.setdefault(int(f["patient_id"]), []).append(f["site"])
    unread = sorted(pid for pid, levels in fractured.items() if 4 - len(set(levels)) < 2)
    spine = {pid: float(p["t_score_l1_l4"]) for pid, p in patients.items() if pid not in unread}
    neck = {pid: float(p["t_score_femoral_neck"]) for pid, p in patients.items()}
    low_spine, low_neck = min(spine, key=spine.get), min(neck, key=neck.get)
    assert facts["l1l4_lowest"] == f"P{low_spine} ({spine[low_spine]:.1f})"
    assert facts["neck_lowest"] == f"P{low_neck} ({neck[low_neck]:.1f})"
    assert facts["lumbar_unreadable"] == " and ".join(f"P{i}" for i in unread)
    # the reviewer's reading of Tables I and II: P10's L1, L2 and L4 are fractured
    assert 10 in unread and facts["unreadable_levels"] == "L1, L2 and L4"
    kept = {pid for pid, p in patients.items() if p["breastfeeding"] == "continued"}
    assert facts["bf_lowest_word"] == ("also had" if kept == {low_spine, low_neck} else "did not have")
    assert "bf_t_scores" not in facts  # P10's unreadable lumbar value is no longer quoted


def test_vitamin_d_on_maintenance_doses(facts):
    d: dict[int, dict[str, float]] = {}
    for v in rows("visits.csv"):
        if v["vitamin_d_25oh"]:
            d.setdefault(int(v["patient_id"]), {})[v["visit"]] = float(v["vitamin_d_25oh"])
    cut = 30  # ng/mL, the usual sufficiency threshold
    measured = [pid for pid in sorted(d) if "month_1" in d[pid]]
    low = [pid for pid in measured if d[pid]["month_1"] < cut]
    fell = [pid for pid in low if d[pid]["month_1"] < d[pid]["baseline"] < cut]
    assert facts["vd_cut"] == cut
    assert facts["vd_low_m1"].startswith(f"{len(low)} of the {len(measured)} patients measured at month 1")
    assert facts["vd_low_m1"].endswith("(" + ", ".join(f"P{i}" for i in low[:-1]) + f" and P{low[-1]})")
    assert facts["vd_fell"].startswith(" and ".join(f"P{i}" for i in fell) + ", already below")
