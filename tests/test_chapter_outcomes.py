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
        assert facts[f"median_m{m}"] == f"{statistics.median(p[m] for p in vas.values()):.1f}"


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
