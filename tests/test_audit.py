"""Tests for plro.audit (arithmetic, verdicts, the audit table), its figure, and the claims file.

Every derivable claim is recomputed here independently, from the CSV files read
with the csv and statistics modules (never through plro.audit or plro.recompute),
and checked against what ``audit_table()`` reports. The claims file is checked
against itself and against ``data/paper_statements.csv``: each value is printed in
its own quote, and every number in a quoted statement belongs to a claim.
"""

from __future__ import annotations

import csv
import decimal
import json
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from plro import audit  # noqa: E402
from plro.data import VISIT_ORDER, VISITS, load_all  # noqa: E402
from plro.recompute import Found, RuleError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOK = ROOT / "notebooks" / "06-reproducing-the-paper.ipynb"
BASELINE, FIRST_VISIT = VISIT_ORDER[0], VISIT_ORDER[1]


# ------------------------------------------------------------ raw CSV access
def rows(name):
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


PATIENTS = rows("patients")
VISIT_ROWS = rows("visits")
FLAGS = rows("lab_flags")
IMAGING = rows("imaging_findings")
CLAIMS = rows("reported_statistics")
STATEMENTS = rows("paper_statements")
CLAIM = {c["claim_id"]: c for c in CLAIMS}
VERTEBRAE = re.compile(r"^[TL]\d+$")


@pytest.fixture(scope="module")
def tables():
    return load_all()


@pytest.fixture(scope="module")
def table(tables):
    return audit.audit_table(tables).set_index("claim_id")


def column(name, cast=float):
    return [cast(p[name]) for p in PATIENTS]


def ids(selected):
    return sorted({int(r["patient_id"]) for r in selected})


def summary(values):
    return statistics.mean(values), statistics.stdev(values), statistics.pstdev(values)


def symptoms(test):
    return ids(p for p in PATIENTS if test(p["symptoms"].lower()))


def vas(pid, visit):
    return next(int(v["vas"]) for v in VISIT_ROWS if v["patient_id"] == str(pid) and v["visit"] == visit)


def levels(pid, finding):
    return sorted(i["site"] for i in IMAGING if i["patient_id"] == str(pid) and i["finding"] == finding)


def bib_field(refnumber, field):
    """A field of the printed reference ``refnumber``, read from references.bib with a regex."""
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    entry = next(e for e in text.split("@") if re.search(rf"refnumber = \{{{refnumber}\}}", e))
    return re.search(rf"\b{field} = \{{+(.*?)\}}+,", entry).group(1)


def count(selected):
    """(value, patient ids) for a count of patients."""
    chosen = ids(selected)
    return len(chosen), None, None, chosen


def percent(chosen):
    return 100 * len(chosen) / len(PATIENTS), None, None, chosen


SPINE = ("thoracic_spine", "lumbar_spine")


def back_pain(p):
    """Table I symptoms name the back or the low back ("Back and low back pain", "Hip and low back pain")."""
    return "back pain" in p["symptoms"].lower()


def spinal():
    """One MRI site per woman: the spine for those with back pain, unless Table II names a site elsewhere."""
    elsewhere = {i["patient_id"] for i in IMAGING if i["region"] not in SPINE}
    return ids(p for p in PATIENTS if back_pain(p) and p["patient_id"] not in elsewhere)


def sd(values):
    return statistics.stdev(values), statistics.stdev(values), statistics.pstdev(values), None


def meaningful_relief():
    """At least 2 points and at least 30 % down from baseline at the first follow-up."""
    return count(p for p in PATIENTS
                 if (b := vas(p["patient_id"], BASELINE)) - (m := vas(p["patient_id"], FIRST_VISIT)) >= 2
                 and (b - m) / b >= 0.3)


# Chapter 5's six definitions of pain control, written out again: (predicate, sustained).
CONTROL_RULES = [
    (lambda v, b: v <= 3, False), (lambda v, b: (b - v) / b >= 0.5, False),
    (lambda v, b: v <= 2, False), (lambda v, b: v <= 1, False), (lambda v, b: v <= 1, True),
    (lambda v, b: v == 0, False),
]


def latest_under_every_rule():
    """Patients among the last to reach control under every definition (never reached = last)."""
    common = None
    for met, sustained in CONTROL_RULES:
        first = {}
        for p in PATIENTS:
            pid, base = p["patient_id"], vas(p["patient_id"], BASELINE)
            path = [(VISITS[label], vas(pid, label)) for label in VISIT_ORDER]
            ok = [met(v, base) for _, v in path]
            if sustained:
                ok = [all(ok[i:]) for i in range(len(ok))]
            first[pid] = next((m for (m, _), hit in zip(path, ok) if hit), float("inf"))
        worst = max(first.values())
        latest = {int(pid) for pid, m in first.items() if m == worst}
        common = latest if common is None else common & latest
    return sorted(common)


def latest_parts():
    latest = latest_under_every_rule()
    kept = [int(p["patient_id"]) for p in PATIENTS if p["breastfeeding"] == "continued"]
    return [len(set(latest) & set(kept)), len(latest)]


def talus_flag(analyte):
    talus = {i["patient_id"] for i in IMAGING if i["site"] == "talus"}
    return count(f for f in FLAGS if f["patient_id"] in talus and f["analyte"] == analyte
                 and f["flag"] == "high" and f["visit"] == BASELINE)


def calcium_arrows_by_visit():
    return [sum(f["analyte"] == "calcium_mg_dl" and f["visit"] == label for f in FLAGS)
            for label in VISIT_ORDER]


def bone_density_span():
    """visits.csv has no T-score column: the tables hold one undated set, spanning 0 months."""
    dated = [c for c in VISIT_ROWS[0] if c.startswith("t_score")]
    months = [int(v["month"]) for v in VISIT_ROWS if any(v[c] != "" for c in dated)]
    return (max(months) if months else 0), None, None, None


def only(site):
    chosen = ids(i for i in IMAGING if i["site"] == site)
    return chosen[0], None, None, chosen


def vertebroplasty():
    return [p for p in PATIENTS if p["vertebroplasty"] == "true"]


def has_all_t_scores(p):
    return all(p[c] != "" for c in ("t_score_l1_l4", "t_score_l2_l4", "t_score_femoral_neck"))


# Symptom claims come in pairs (a percentage and a count) tested on Table I's text.
SYMPTOM_TESTS = {
    "back_lbp": lambda s: s == "back and low back pain",
    "hip_lbp": lambda s: s == "hip and low back pain",
    "hip_ankle": lambda s: "ankle" in s,
    "hip_inguinal": lambda s: "inguinal" in s,
    "lbp_only": lambda s: s == "low back pain",
}
VERTEBROPLASTY_LEVELS = sorted(i["site"] for i in IMAGING if i["finding"] == "vertebroplasty")


def all_have(label):
    seen = {v["patient_id"] for v in VISIT_ROWS if v["visit"] == label and v["vas"] != ""}
    every = seen == {p["patient_id"] for p in PATIENTS}
    return (VISITS[label] if every else None), None, None, None


# Each entry: claim_id -> (value, sd_n1, sd_n, patient ids or levels or None)
EXPECTED = {
    **{cid: (len(PATIENTS), None, None, None) for cid in
       ["abs_n_patients", "intro_n_patients", "cs_n_patients", "disc_n_patients"]},
    "cs_age_mean": summary(column("age_years", int)) + (None,),
    "cs_age_sd": sd(column("age_years", int)),
    "cs_age_median": (statistics.median(column("age_years", int)), None, None, None),
    "cs_onset_min": (min(column("postpartum_week_at_diagnosis", int)), None, None, None),
    "cs_onset_max": (max(column("postpartum_week_at_diagnosis", int)), None, None, None),
    "cs_onset_mean": summary(column("postpartum_week_at_diagnosis", int)) + (None,),
    "cs_onset_sd": sd(column("postpartum_week_at_diagnosis", int)),
    "cs_onset_median": (statistics.median(column("postpartum_week_at_diagnosis", int)),
                        None, None, None),
    "cs_twins": count(p for p in PATIENTS if p["twin_pregnancy"] == "true"),
    "cs_smokers": count(p for p in PATIENTS if p["smoking"] == "true"),
    "disc_smokers": count(p for p in PATIENTS if p["smoking"] == "true"),
    **{cid: count(p for p in PATIENTS if p["breastfeeding"] == "continued") for cid in
       ["abs_breastfeeding_continued", "mgmt_breastfeeding_continued",
        "res_breastfeeding_continued_n"]},
    **{cid: count(p for p in PATIENTS if p["breastfeeding"] == "discontinued") for cid in
       ["mgmt_first_step_all", "disc_breastfeeding_all_stopped"]},
    "mgmt_supplement_all": count(p for p in PATIENTS if p["vitamin_d_calcium"] == "true"),
    "mgmt_bisphosphonate": count(p for p in PATIENTS if p["bisphosphonate"] == "true"),
    **{cid: count(vertebroplasty()) for cid in
       ["abs_vertebroplasty", "mgmt_vertebroplasty_patient", "disc_vertebroplasty_patients"]},
    **{f"cs_symptom_{name}_pct": percent(symptoms(test)) for name, test in SYMPTOM_TESTS.items()},
    **{f"cs_symptom_{name}_n": (len(symptoms(test)), None, None, symptoms(test))
       for name, test in SYMPTOM_TESTS.items()},
    "cs_low_back_pain_pct": percent(symptoms(lambda s: "low back pain" in s)),
    "cs_vas_mean": summary([int(v["vas"]) for v in VISIT_ROWS if v["visit"] == BASELINE]) + (None,),
    "cs_vas_sd": sd([int(v["vas"]) for v in VISIT_ROWS if v["visit"] == BASELINE]),
    "cs_vas_spinal_mean": summary([vas(p["patient_id"], BASELINE) for p in PATIENTS
                                   if back_pain(p)]) + (None,),
    **{cid: meaningful_relief() for cid in ["abs_relief_month_1", "res_relief_month_1"]},
    **{cid: count(p for p in PATIENTS if vas(p["patient_id"], FIRST_VISIT) == 0)
       for cid in ["abs_symptom_resolution_month_1", "res_symptom_resolution_month_1"]},
    "cs_talus_hypercalcaemia": talus_flag("calcium_mg_dl"),
    "cs_talus_alp": talus_flag("alp_u_l"),
    "disc_bmd_six_months": bone_density_span(),
    "cs_spinal_involvement": (len(spinal()), None, None, spinal()),
    "cs_sacroiliac_involvement": count(i for i in IMAGING if i["site"] == "sacroiliac_joint"),
    "cs_femoral_involvement": count(i for i in IMAGING if i["site"] == "femoral_neck"),
    "cs_talus_low_back_pain": count(
        p for p in PATIENTS
        if p["patient_id"] in {i["patient_id"] for i in IMAGING if i["site"] == "talus"}
        and "low back pain" in p["symptoms"].lower()
    ),
    "cs_tscore_l1_l4_mean": summary(column("t_score_l1_l4")) + (None,),
    "cs_tscore_l2_l4_mean": summary(column("t_score_l2_l4")) + (None,),
    "cs_tscore_fn_mean": summary(column("t_score_femoral_neck")) + (None,),
    "cs_tscore_l1_l4_sd": sd(column("t_score_l1_l4")),
    "cs_tscore_l2_l4_sd": sd(column("t_score_l2_l4")),
    "cs_tscore_fn_sd": sd(column("t_score_femoral_neck")),
    "mgmt_vertebroplasty_vas": (vas(vertebroplasty()[0]["patient_id"], FIRST_VISIT), None, None, None),
    **{cid: (len(VERTEBROPLASTY_LEVELS), None, None, VERTEBROPLASTY_LEVELS) for cid in
       ["mgmt_vertebroplasty_levels", "ti_vertebroplasty_levels", "tii_vertebroplasty_levels",
        "disc_vertebroplasty_levels"]},
    "tii_p8_fracture_levels": (len(levels(8, "compression_fracture")), None, None,
                               levels(8, "compression_fracture")),
    "tii_p10_fracture_levels": (len(levels(10, "compression_fracture")), None, None,
                                levels(10, "compression_fracture")),
    "tii_follow_up_months": (max(int(v["month"]) for v in VISIT_ROWS), None, None, None),
    "fig1_patient": only("sacroiliac_joint"),
    "fig2_patient": only("femoral_neck"),
    "fig3_patient": only("talus"),
    "fig4_patient": (int(vertebroplasty()[0]["patient_id"]), None, None, ids(vertebroplasty())),
    "fig5_patient": (int(vertebroplasty()[0]["patient_id"]), None, None, ids(vertebroplasty())),
    **{f"disc_follow_up_{VISITS[label]}": all_have(label) for label in VISIT_ORDER[1:]},
    **{cid: count(p for p in PATIENTS if has_all_t_scores(p))
       for cid in ["cs_bmd_all_patients", "disc_bmd_n_patients"]},
    "disc_calcium_normal": (sum(f["analyte"] == "calcium_mg_dl" for f in FLAGS), None, None, None),
    **{cid: (len(latest_under_every_rule()), None, None, None)
       for cid in ["abs_breastfeeding_latest", "res_breastfeeding_latest"]},
    "disc_tanriover_year": (int(bib_field(20, "year")), None, None, None),
    "disc_laroche_cohort": (int(re.search(r"(\d+) patients", bib_field(9, "title")).group(1)),
                            None, None, None),
}

# Claims judged in parts: claim_id -> the value of each part, compared with the printed number.
PARTS = {
    "abs_breastfeeding_latest": latest_parts(),
    "res_breastfeeding_latest": latest_parts(),
    "disc_calcium_normal": calcium_arrows_by_visit(),
}
SD_CLAIMS = {cid for cid in EXPECTED if cid.endswith("_sd")}


def half_away(x, places):
    return Decimal(repr(round(float(x), 9))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def convention_of(sd_n1, sd_n, printed_sd, sd_places):
    printed = half_away(printed_sd, sd_places)
    n1 = half_away(sd_n1, sd_places) == printed
    n = half_away(sd_n, sd_places) == printed
    return {(True, True): "n-1 and n", (True, False): "n-1", (False, True): "n"}.get((n1, n), "neither")


def expected_status(claim, exp):
    """The verdict, from the independent recomputation: a mean is judged on the mean, an SD
    claim on either convention, a claim in parts on how many parts match."""
    value, sd_n1, sd_n, members = exp
    places = int(claim["reported_decimals"])
    if claim["claim_id"] in PARTS:
        hits = [half_away(v, places) == half_away(claim["reported_value"], places)
                for v in PARTS[claim["claim_id"]]]
        return ("matches" if all(hits) else "differs" if not any(hits)
                else "partly contradicted"), ""
    ok = value is not None and half_away(value, places) == half_away(claim["reported_value"], places)
    convention = ""
    if claim["claim_id"] in SD_CLAIMS:
        convention = convention_of(sd_n1, sd_n, claim["reported_value"], places)
        ok = convention != "neither"
    if claim["reported_sd"]:
        convention = convention_of(sd_n1, sd_n, claim["reported_sd"], int(claim["reported_sd_decimals"]))
    if members is not None:
        if claim["vertebral_levels"]:
            ok = ok and sorted(claim["vertebral_levels"].split(";")) == sorted(members)
        elif claim["patient_ids"]:
            ok = ok and sorted(int(i) for i in claim["patient_ids"].split(";")) == members
    return ("matches" if ok else "differs"), convention


# ---------------------------------------------------------------- the audit
def test_every_derivable_claim_has_an_independent_recomputation():
    derivable = {c["claim_id"] for c in CLAIMS if c["derivable"] == "yes"}
    assert derivable == set(EXPECTED)


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_derivable_claim_recomputed_and_judged(table, claim_id):
    claim = CLAIM[claim_id]
    exp = EXPECTED[claim_id]
    row = table.loc[claim_id]
    if exp[0] is None:
        assert str(row["recomputed"]) == "<NA>"
    else:
        assert float(row["recomputed"]) == pytest.approx(float(exp[0]), abs=1e-9)
    if exp[1] is not None:
        assert float(row["recomputed_sd_n1"]) == pytest.approx(exp[1], abs=1e-9)
        assert float(row["recomputed_sd_n"]) == pytest.approx(exp[2], abs=1e-9)
    status, convention = expected_status(claim, exp)
    assert row["status"] == status
    assert row["sd_convention"] == convention


def test_known_discrepancies_are_reported_as_differing(table):
    # Facts stated in the paper that Table I contradicts (checked by hand against the tables).
    for claim_id in ["cs_age_mean", "cs_age_median", "cs_onset_mean", "cs_tscore_l1_l4_mean",
                     "cs_tscore_l2_l4_mean", "disc_smokers"]:
        assert table.loc[claim_id, "status"] == "differs", claim_id
    assert table.loc["cs_smokers", "status"] == "matches"


def test_not_derivable_claims_have_no_recomputed_value(table):
    for claim in CLAIMS:
        row = table.loc[claim["claim_id"]]
        if claim["derivable"] == "no":
            assert row["status"] == "not derivable from the tables"
            assert str(row["recomputed"]) == "<NA>" and row["recomputed_text"] == ""
        else:
            assert row["status"] in ("matches", "partly contradicted", "differs")


def test_every_claim_appears_once_in_the_audit(table):
    assert list(table.index) == [c["claim_id"] for c in CLAIMS]
    assert set(table["status"]) <= set(audit.STATUSES)


def test_audit_follows_the_claims_not_a_stored_answer(tables):
    claims = tables["reported_statistics"].copy()
    ages = column("age_years", int)
    where = claims["claim_id"] == "cs_age_mean"
    claims.loc[where, "reported_value"] = round(statistics.mean(ages), 1)
    claims.loc[where, "reported_decimals"] = 1
    claims.loc[where, "reported_sd"] = round(statistics.stdev(ages), 2)
    out = audit.audit_table(tables, claims).set_index("claim_id")
    assert out.loc["cs_age_mean", "status"] == "matches"
    assert out.loc["cs_age_mean", "sd_convention"] in ("n-1", "n-1 and n")


def test_audit_follows_the_tables(tables):
    smokers = tables["patients"].copy()
    smokers.loc[smokers["patient_id"] == smokers["patient_id"].min(), "smoking"] = True
    out = audit.audit_table({**tables, "patients": smokers}).set_index("claim_id")
    expected = len({*ids(p for p in PATIENTS if p["smoking"] == "true"), int(PATIENTS[0]["patient_id"])})
    assert float(out.loc["cs_smokers", "recomputed"]) == expected


def test_audit_counts_add_up(table):
    counts = audit.audit_counts(table.reset_index())
    assert counts.loc["Total", "claims"] == len(CLAIMS)
    assert counts.loc["Total", "not derivable from the tables"] == sum(
        c["derivable"] == "no" for c in CLAIMS
    )
    for status in audit.STATUSES:
        assert counts.loc["Total", status] == (table["status"] == status).sum()
    assert list(counts.index[:-1]) == list(dict.fromkeys(c["section"] for c in CLAIMS))


# --------------------------------------------- the claims file, checked against itself
WORD_VALUES = {"one": 1, "a patient": 1, "two": 2, "three": 3, "four": 4, "seven": 7, "six": 6,
               "fifty": 50, "once": 1, "twice": 2, "thrice": 3, "annually": 1, "a year": 1,
               "first": 1, "third": 3, "last": 3, "none": 0, "all patients": 10, "all the patients": 10,
               "within normal limits": 0, "her": 1, "our patients": 10, "patients": 10,
               "no": 0, "improve": 1, "improved": 1}


def token(value):
    """A regex finding ``value`` as a whole number or phrase ('2' not inside '20'; '26' in '26kg')."""
    after = r"(?!\d|[.,]\d)" if value[-1].isdigit() else r"(?!\w)"
    return re.compile(rf"(?<![\w.,]){re.escape(value)}{after}")


def test_reported_values_are_printed_verbatim_in_their_quotes():
    for claim in CLAIMS:
        printed = claim["value_as_printed"]
        assert token(printed).search(claim["quote"]), claim["claim_id"]
        if re.fullmatch(r"-?\d+(\.\d+)?", printed):
            formatted = f"{float(claim['reported_value']):.{int(claim['reported_decimals'])}f}"
            assert formatted == printed, claim["claim_id"]
        elif VERTEBRAE.match(printed.split(",")[0]):
            assert len(re.findall(r"[TL]\d+", printed)) == float(claim["reported_value"])
            assert re.findall(r"[TL]\d+", printed) == claim["vertebral_levels"].split(";")
        else:
            assert WORD_VALUES[printed.lower()] == float(claim["reported_value"]), claim["claim_id"]
        if claim["reported_sd"]:
            sd = f"{float(claim['reported_sd']):.{int(claim['reported_sd_decimals'])}f}"
            assert f"{printed} ± {sd}" in claim["quote"], claim["claim_id"]


def test_every_number_in_a_quoted_statement_belongs_to_a_claim():
    """A numeral in paper_statements.csv is the printed value (or SD, unit, patient or level)
    of a claim whose quote overlaps the statement's: reported_statistics.csv holds every number."""
    numeral = re.compile(r"(?<![\w.,])-?\d+(?:[.,]\d+)*(?:th)?")
    not_claims = re.compile(r"\((?:\d+,)*\d+\)|\(Figures? [^)]*\)|25-\(OH\)-D3|L1–L4|L2–L4|[TL]\d+")
    uncovered = []
    for s in STATEMENTS:
        quote = not_claims.sub(" ", s["quote"])
        pieces = set()
        for c in CLAIMS:
            if c["quote"] in s["quote"] or s["quote"] in c["quote"]:
                pieces |= {c["value_as_printed"], *re.findall(r"[\d,]+\d", c["unit"])}
                pieces |= {i for i in c["patient_ids"].split(";") if i}
                if c["reported_sd"]:
                    pieces.add(f"{float(c['reported_sd']):.{int(c['reported_sd_decimals'])}f}")
        for m in numeral.finditer(quote):
            if m.group(0).removesuffix("th") not in pieces:
                uncovered.append((s["statement_id"], m.group(0)))
    assert uncovered == []


# ------------------------------------------------------------ the arithmetic
def test_round_half_away_from_zero():
    assert audit.round_half_away(2.45, 1) == Decimal("2.5")
    assert audit.round_half_away(-2.45, 1) == Decimal("-2.5")
    assert audit.round_half_away("0.125", 2) == Decimal("0.13")
    assert audit.rounds_to(30.5, 31, 0) and not audit.rounds_to(30.5, 30, 0)
    assert not audit.rounds_to(None, 1, 0)


def test_mean_sd_agrees_with_statistics_module():
    values = column("t_score_femoral_neck")
    mean, sd_n1, sd_n = audit.mean_sd(str(v) for v in values)
    assert float(mean) == pytest.approx(statistics.mean(values))
    assert float(sd_n1) == pytest.approx(statistics.stdev(values))
    assert float(sd_n) == pytest.approx(statistics.pstdev(values))
    assert audit.mean_sd(["4"])[1] is None
    with pytest.raises(ValueError):
        audit.mean_sd([])


def test_arithmetic_uses_its_own_decimal_context_and_leaves_the_callers_alone():
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)) as caller:
        mean, sd_n1, _ = audit.mean_sd(["1", "2", "2"])
        assert str(mean).startswith("1.66666666666666666") and len(str(mean)) > 20
        assert audit.median(["1", "2"]) == Decimal("1.5")
        assert audit.round_half_away("2.345", 2) == Decimal("2.35")  # not ROUND_DOWN
        assert decimal.getcontext() is caller and caller.prec == 3
        assert caller.rounding == decimal.ROUND_DOWN


def test_sd_convention_names_the_divisor():
    assert audit.sd_convention(Decimal("0.392"), Decimal("0.372"), Decimal("0.39"), 2) == "n-1"
    assert audit.sd_convention(Decimal("0.392"), Decimal("0.372"), Decimal("0.37"), 2) == "n"
    assert audit.sd_convention(Decimal("0.392"), Decimal("0.372"), Decimal("0.50"), 2) == "neither"
    assert audit.sd_convention(Decimal("0.371"), Decimal("0.374"), Decimal("0.37"), 2) == "n-1 and n"


def test_grim():
    # Ten whole-number ages can average 29.7 or 29.8, never 29.75.
    assert not audit.grim_consistent("29.75", 2, 10)
    assert audit.grim_consistent("29.9", 1, 10)
    assert audit.grim_consistent("-2.91", 2, 10, data_decimals=1)


def test_evaluate_does_the_arithmetic_a_rule_asks_for():
    assert audit.evaluate(Found("percent", (Decimal(2),), n=8)).value == Decimal(25)
    assert audit.evaluate(Found("median", (Decimal(1), Decimal(4), Decimal(2)))).value == Decimal(2)
    mean = audit.evaluate(Found("mean", (Decimal(1), Decimal(3)), patient_ids=(1, 2)))
    assert (mean.value, mean.sd_n, mean.patient_ids) == (Decimal(2), Decimal(1), (1, 2))
    assert audit.evaluate(Found("value")).value is None
    with pytest.raises(ValueError, match="statistic"):
        Found("sum", (Decimal(1),))


def test_compare_flags_a_wrong_patient_list():
    claim = {"reported_value": 2.0, "reported_decimals": 0, "reported_sd": None,
             "reported_sd_decimals": None, "patient_ids": "8;10", "vertebral_levels": None}
    right = audit.compare(claim, audit.Recomputed(Decimal(2), patient_ids=(8, 10)))
    wrong = audit.compare(claim, audit.Recomputed(Decimal(2), patient_ids=(8, 9)))
    assert (right["status"], wrong["status"], wrong["what_differs"]) == ("matches", "differs", "patients")
    assert wrong["difference"] == 0 and wrong["relative_difference_pct"] == 0


# ------------------------------------------------------------------ the figure
def test_relative_difference_figure(table):
    import matplotlib.pyplot as plt

    from plro.figures.audit import plot_relative_differences

    fig = plot_relative_differences(table.reset_index())
    ax = fig.axes[0]
    assert "%" in ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    zero = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [0, 0]]
    assert len(zero) == 1
    plotted = sum(len(c.get_offsets()) for c in ax.collections)
    derivable = table[(table["status"] != "not derivable from the tables")]
    assert plotted == derivable["relative_difference_pct"].notna().sum()
    labels = [" ".join(t.get_text().split()) for t in ax.get_yticklabels()]
    differing = table[(table["status"] == "differs") & table["relative_difference_pct"].notna()]
    # each differing claim is a row named in words: what it counts or measures, and its section
    for _, claim in differing.iterrows():
        quantity = claim["quantity"].split(" (")[0]
        section = claim["section"].replace("_", " ").title()
        assert f"{quantity[0].upper()}{quantity[1:]} ({section})" in labels, claim.name
    assert not any("_" in label for label in labels)
    assert labels[-1].startswith("All matching claims")
    _, own_ax = plt.subplots()
    assert plot_relative_differences(table.reset_index(), ax=own_ax) is own_ax.figure
    plt.close("all")


def test_relative_difference_figure_text_fits_the_canvas(table):
    """Figures are rendered without a tight bounding box, so nothing may overhang the canvas."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from plro.figures.audit import plot_relative_differences
    from plro.theme import set_theme

    with mpl.rc_context():
        set_theme()  # as in the chapter: constrained layout, no tight-bbox crop
        fig = plot_relative_differences(table.reset_index())
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        canvas = fig.bbox
        for text in [fig.axes[0].title, fig.axes[0].xaxis.label, fig.axes[0].yaxis.label]:
            box = text.get_window_extent(renderer)
            assert canvas.x0 - 1 <= box.x0 and box.x1 <= canvas.x1 + 1, f"{text.get_text()!r} overhangs"
        plt.close(fig)


# ------------------------------------------------------------ the notebook
def test_notebook_output_lists_every_claim():
    if not NOTEBOOK.exists():
        pytest.fail(f"{NOTEBOOK} is missing")
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    outputs = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for key in ("text/html", "text/plain"):
                outputs.append("".join(out.get("data", {}).get(key, "")))
    stored = "\n".join(outputs)
    missing = [c["claim_id"] for c in CLAIMS if c["claim_id"] not in stored]
    assert not missing, missing


# ------------------------------------------------- verdicts pinned by the clinical review
# Every verdict that changed (or is new) since the audit judged means and SDs together and
# compound sentences on one half. Each reason is checked from the raw CSV files below.
PINNED = {
    # The tables imply seven: back pain in Table I, minus patient 6 whose MRI site is the femoral necks.
    "cs_spinal_involvement": "matches",
    # A right mean is no longer marked wrong for its SD; the SD is its own claim.
    "cs_vas_mean": "matches", "cs_tscore_fn_mean": "matches",
    "cs_vas_sd": "differs", "cs_tscore_fn_sd": "differs", "cs_age_sd": "differs",
    "cs_onset_sd": "differs", "cs_tscore_l2_l4_sd": "differs", "cs_tscore_l1_l4_sd": "matches",
    # "for spinal pain": the eight with back pain average more than 7.9.
    "cs_vas_spinal_mean": "differs",
    # Meaningful relief (2 points and 30 %) holds for all; symptom resolution (VAS 0) for none.
    "abs_relief_month_1": "matches", "res_relief_month_1": "matches",
    "abs_symptom_resolution_month_1": "differs", "res_symptom_resolution_month_1": "differs",
    # Patients 8 and 10 are among the latest under every rule, but patient 9 ties with them.
    "abs_breastfeeding_latest": "partly contradicted", "res_breastfeeding_latest": "partly contradicted",
    "res_breastfeeding_continued_n": "matches",
    # Calcium arrows at baseline and month 1, none at months 3 and 6.
    "disc_calcium_normal": "partly contradicted",
    # One undated set of T-scores: no six months of follow-up density.
    "disc_bmd_six_months": "differs",
    # "All" stopped breast-feeding: Table I has two who kept on and one not recorded.
    "mgmt_first_step_all": "differs", "disc_breastfeeding_all_stopped": "differs",
    "cs_talus_hypercalcaemia": "matches", "cs_talus_alp": "matches",
    # No follow-up DXA in the tables, no test named, no patient on teriparatide.
    "res_bisphosphonate_no_difference": "not derivable from the tables",
    "abs_bp_teriparatide_bmd": "not derivable from the tables",
    "concl_bp_teriparatide_bmd": "not derivable from the tables",
    "disc_laroche_bmd_improved": "not derivable from the tables",
}


def test_pinned_reasons_hold_in_the_raw_data():
    assert len(spinal()) == 7 and 6 not in spinal()
    assert [int(p["patient_id"]) for p in PATIENTS if back_pain(p)] == sorted(spinal() + [6])
    assert latest_under_every_rule() == [8, 9, 10]
    assert calcium_arrows_by_visit()[0] > 0 and calcium_arrows_by_visit()[1] > 0
    assert calcium_arrows_by_visit()[2:] == [0, 0]
    assert meaningful_relief()[0] == len(PATIENTS)
    assert count(p for p in PATIENTS if vas(p["patient_id"], FIRST_VISIT) == 0)[0] == 0
    base = [vas(p["patient_id"], BASELINE) for p in PATIENTS if back_pain(p)]
    assert statistics.mean(base) > 7.95
    assert bone_density_span()[0] == 0
    assert not any(p["breastfeeding"] == "" for p in PATIENTS)


@pytest.mark.parametrize("claim_id", sorted(PINNED))
def test_pinned_verdict(table, claim_id):
    claim = CLAIM[claim_id]
    if claim["derivable"] == "no":
        independent = "not derivable from the tables"
    else:
        independent = expected_status(claim, EXPECTED[claim_id])[0]
    assert independent == PINNED[claim_id], "the raw data no longer support the pinned verdict"
    assert table.loc[claim_id, "status"] == PINNED[claim_id]


def test_headline_counts(table):
    independent = {status: 0 for status in audit.STATUSES}
    for claim in CLAIMS:
        if claim["derivable"] == "no":
            independent["not derivable from the tables"] += 1
        else:
            independent[expected_status(claim, EXPECTED[claim["claim_id"]])[0]] += 1
    counts = audit.audit_counts(table.reset_index()).loc["Total"]
    assert {s: int(counts[s]) for s in audit.STATUSES} == independent
    # The reviewed headline: 58 match, 3 partly contradicted, 18 differ, 62 not derivable, of 141.
    assert tuple(independent.values()) == (58, 3, 18, 62) and len(CLAIMS) == 141


def test_compare_judges_parts():
    row = {"reported_value": 0, "reported_decimals": 0, "reported_sd": float("nan"),
           "reported_sd_decimals": float("nan"), "patient_ids": None, "vertebral_levels": None}
    def rec(*values):
        return audit.Recomputed(Decimal(sum(values)), parts=tuple(
            (f"part {i}", audit.Recomputed(Decimal(v))) for i, v in enumerate(values)))
    assert audit.compare(row, rec(0, 0))["status"] == "matches"
    assert audit.compare(row, rec(1, 0))["status"] == "partly contradicted"
    assert audit.compare(row, rec(1, 0))["what_differs"] == "part 0"
    assert audit.compare(row, rec(1, 2))["status"] == "differs"


def test_sd_claim_is_judged_on_either_convention():
    found = Found("sd", tuple(Decimal(v) for v in (1, 2, 3, 4)))
    rec = audit.evaluate(found)
    row = {"reported_value": 1.12, "reported_decimals": 2, "reported_sd": float("nan"),
           "reported_sd_decimals": float("nan"), "patient_ids": None, "vertebral_levels": None}
    assert float(rec.value) == pytest.approx(statistics.stdev([1, 2, 3, 4]))
    assert audit.compare(row, rec)["status"] == "matches"  # pstdev 1.118 -> 1.12
    assert audit.compare(row, rec)["sd_convention"] == "n"
    assert audit.compare({**row, "reported_value": 1.5}, rec)["status"] == "differs"


# --------------------------------------- the arithmetic and the texts, on small cases
def test_arithmetic_errors_and_small_samples():
    with pytest.raises(ValueError, match="^mean_sd needs at least one value$"):
        audit.mean_sd([])
    with pytest.raises(ValueError, match="^median needs at least one value$"):
        audit.median([])
    mean, sd_n1, sd_n = audit.mean_sd(["1", "3"])  # two values: both SDs exist
    assert (mean, sd_n1, sd_n) == (Decimal(2), Decimal(2).sqrt(), Decimal(1))
    assert audit.median(["4", "1", "3", "2"]) == Decimal("2.5")  # even n: the two middle ones
    assert audit.median(["5", "1", "4", "2", "3"]) == Decimal(3)


def test_precision_does_not_follow_the_default_context():
    saved = decimal.DefaultContext.prec
    decimal.DefaultContext.prec = 5  # the template of new contexts, restored below
    try:
        mean, _, _ = audit.mean_sd(["1", "2", "2"])
    finally:
        decimal.DefaultContext.prec = saved
    assert len(str(mean).lstrip("1.")) == audit.PRECISION - 1  # 1.666...67, 28 digits


def test_evaluate_keeps_what_the_rule_found():
    part = Found("value", (Decimal(1),))
    found = Found("value", (Decimal(3),), patient_ids=(1, 2, 3), levels=("T6", "T10", "T11"),
                  detail="note", parts=(("a part", part),))
    assert audit.evaluate(found) == audit.Recomputed(
        Decimal(3), patient_ids=(1, 2, 3), levels=("T6", "T10", "T11"), detail="note",
        parts=(("a part", audit.Recomputed(Decimal(1))),))
    percent = audit.evaluate(Found("percent", (Decimal(1),), patient_ids=(4,), n=4))
    assert percent == audit.Recomputed(Decimal(25), patient_ids=(4,), n=4, statistic="percent")
    middle = audit.evaluate(Found("median", (Decimal(1), Decimal(5), Decimal(2)), patient_ids=(1, 2, 3),
                                  n=3))
    assert middle == audit.Recomputed(Decimal(2), patient_ids=(1, 2, 3), n=3, statistic="median")


def text_row(printed="2", value=2.0, decimals=0, sd=float("nan"), sd_decimals=float("nan"),
             unit="patients", patient_ids=None, levels=None):
    return {"value_as_printed": printed, "reported_value": value, "reported_decimals": decimals,
            "reported_sd": sd, "reported_sd_decimals": sd_decimals, "unit": unit,
            "patient_ids": patient_ids, "vertebral_levels": levels}


def test_reported_text_shows_the_number_as_printed():
    assert audit._reported_text(text_row("52")) == "52 patients"
    assert audit._reported_text(text_row("-2.91", -2.91, 2, unit="SD")) == "-2.91 SD"
    assert audit._reported_text(text_row("29.9", 29.9, 1, 2.3, 2, "years")) == "29.9 ± 2.30 years"
    assert audit._reported_text(text_row("Two")) == "'Two' = 2 patients"


def test_recomputed_text():
    text = audit._recomputed_text
    row = text_row()
    assert text(None, row) == "" and text(audit.Recomputed(None), row) == "no single value"
    assert text(audit.Recomputed(Decimal(100)), row) == "100"
    assert text(audit.Recomputed(Decimal(448) / 15), row) == "29.867"  # three places at most
    # an SD claim printed with two places: both SDs with three
    sd = audit.Recomputed(Decimal("1.29099"), Decimal("1.29099"), Decimal("1.11803"), statistic="sd")
    assert text(sd, text_row("1.12", 1.12, 2)) == "1.291 (n-1) / 1.118 (n)"
    # a mean printed with its SD (one place): the SDs with two places; one value has no n-1 SD
    with_sd = text_row("29.9", 29.9, 1, 2.3, 1, "years")
    mean = audit.Recomputed(Decimal("29.86"), Decimal("2.3333"), Decimal("2.2136"))
    assert text(mean, with_sd) == "29.86 ± 2.33 (n-1) / 2.21 (n)"
    one = audit.Recomputed(Decimal(4), None, Decimal(0))
    assert text(one, with_sd) == "4 ±  (n-1) / 0.00 (n)"
    # levels, else patients where the claim names patients
    levels = audit.Recomputed(Decimal(3), patient_ids=(4,), levels=("T6", "T10", "T11"))
    assert text(levels, text_row(patient_ids="4")) == "3 [T6, T10, T11]"
    both = audit.Recomputed(Decimal(2), patient_ids=(8, 10))
    assert text(both, text_row(patient_ids="8;10")) == "2 [patients 8, 10]"
    assert text(both, text_row()) == "2"
    parts = audit.Recomputed(Decimal(1), parts=(("first", audit.Recomputed(Decimal(1))),
                                                ("second", audit.Recomputed(None))))
    assert text(parts, row) == "first: 1; second: no single value"


def test_split_reads_semicolon_lists_and_nothing_from_empty_cells():
    assert audit._split("8;10") == ("8", "10")
    assert audit._split("") is None and audit._split(None) is None
    assert audit._split(float("nan")) is None


def test_compare_in_parts_returns_every_field():
    row = text_row("0", 0.0)
    rec = audit.Recomputed(Decimal(3), parts=(("a", audit.Recomputed(Decimal(1))),
                                              ("b", audit.Recomputed(Decimal(2)))))
    assert audit.compare(row, rec) == {"status": "differs", "what_differs": "a, b",
                                       "sd_convention": "", "difference": None,
                                       "relative_difference_pct": None}


def test_compare_names_what_differs():
    row = text_row("2", 2.0, 0, levels="T6;T10")
    value = audit.compare(row, audit.Recomputed(Decimal(3), levels=("T10", "T6")))
    assert (value["status"], value["what_differs"]) == ("differs", "value")
    assert (value["difference"], value["relative_difference_pct"]) == (1.0, 50.0)
    levels = audit.compare(row, audit.Recomputed(Decimal(2), levels=("T6", "T11")))
    assert (levels["status"], levels["what_differs"]) == ("differs", "levels")
    both = audit.compare(text_row("2", 2.0, 0, patient_ids="1;2"),
                         audit.Recomputed(Decimal(3), patient_ids=(1, 3)))
    assert both["what_differs"] == "value, patients"
    zero = audit.compare(text_row("0", 0.0), audit.Recomputed(Decimal(1)))
    assert (zero["difference"], zero["relative_difference_pct"]) == (1.0, None)


def test_compare_sd_claims_use_both_conventions():
    sd_row = text_row("1.29", 1.29, 2)
    only_n1 = audit.Recomputed(Decimal("1.291"), Decimal("1.291"), Decimal("1.118"), statistic="sd")
    judged = audit.compare(sd_row, only_n1)
    assert (judged["status"], judged["sd_convention"], judged["what_differs"]) == ("matches", "n-1", "")
    assert judged["difference"] == pytest.approx(0.001)
    neither = audit.compare({**sd_row, "reported_value": 1.5}, only_n1)
    assert (neither["status"], neither["what_differs"], neither["sd_convention"]) == (
        "differs", "SD", "neither")
    # a mean printed with an SD: the convention is that of the printed SD
    mean_row = text_row("2", 2.0, 0, 1.12, 2)
    mean = audit.compare(mean_row, audit.Recomputed(Decimal(2), Decimal("1.291"), Decimal("1.118")))
    assert (mean["status"], mean["sd_convention"]) == ("matches", "n")


def test_compare_difference_and_relative_difference():
    four = text_row("4", 4.0)
    assert {k: audit.compare(four, audit.Recomputed(Decimal(5)))[k]
            for k in ("difference", "relative_difference_pct")} == {
        "difference": 1.0, "relative_difference_pct": 25.0}
    assert audit.compare(text_row("1", 1.0), audit.Recomputed(Decimal(3)))[
        "relative_difference_pct"] == 200.0
    nothing = audit.compare(four, audit.Recomputed(None))
    assert (nothing["status"], nothing["difference"], nothing["relative_difference_pct"]) == (
        "differs", None, None)
    # an SD claim reproduced by the population SD: the difference is the population SD's
    sd = audit.Recomputed(Decimal("1.291"), Decimal("1.291"), Decimal("1.118"), statistic="sd")
    by_n = audit.compare(text_row("1.12", 1.12, 2), sd)
    assert by_n["sd_convention"] == "n" and by_n["difference"] == pytest.approx(-0.002)
    # a mean whose printed SD is the population SD: the difference is still the mean's
    mean = audit.Recomputed(Decimal(3), Decimal("1.291"), Decimal("1.118"))
    judged = audit.compare(text_row("2", 2.0, 0, 1.12, 2), mean)
    assert (judged["sd_convention"], judged["difference"]) == ("n", 1.0)


def test_audit_table_in_full():
    # Built here, not from the module's fixture, so that every check runs on a fresh audit.
    out = audit.audit_table()
    assert set(out.columns) == {
        "claim_id", "section", "claim", "quantity", "reported", "reported_value", "recomputed",
        "recomputed_sd_n1", "recomputed_sd_n", "recomputed_text", "status", "statistic",
        "what_differs", "sd_convention", "difference", "relative_difference_pct", "basis"}
    assert list(out["status"].cat.categories) == list(audit.STATUSES)
    for col in ("recomputed", "recomputed_sd_n1", "recomputed_sd_n", "difference",
                "relative_difference_pct"):
        assert str(out[col].dtype) == "Float64", col
    kinds = {"mean": "mean", "sd": "sd", "median": "median", "percent": "percent"}
    for claim, (_, row) in zip(CLAIMS, out.iterrows(), strict=True):
        cid = claim["claim_id"]
        assert (row["claim_id"], row["section"], row["claim"], row["quantity"], row["basis"]) == (
            cid, claim["section"], claim["quote"], claim["quantity"], claim["recompute_basis"])
        assert row["reported_value"] == float(claim["reported_value"])
        assert row["reported"].startswith(claim["value_as_printed"] if re.fullmatch(
            r"-?\d+(\.\d+)?", claim["value_as_printed"]) else f"'{claim['value_as_printed']}' = ")
        assert row["reported"].endswith(f" {claim['unit']}"), cid
        if claim["derivable"] == "no":
            assert (row["status"], row["what_differs"], row["sd_convention"], row["statistic"],
                    row["recomputed_text"]) == (audit.NOT_DERIVABLE, "", "", "", ""), cid
            assert all(pd.isna(row[c]) for c in ("recomputed", "recomputed_sd_n1",
                                                  "recomputed_sd_n", "difference")), cid
            continue
        value, sd_n1, sd_n, _ = EXPECTED[cid]
        status, convention = expected_status(claim, EXPECTED[cid])
        assert (row["status"], row["sd_convention"]) == (status, convention), cid
        assert row["what_differs"] == "" if status == "matches" else row["what_differs"] != "", cid
        assert row["statistic"] == kinds.get(claim["recompute"].rsplit("_", 1)[-1], "value"), cid
        assert row["recomputed_text"] != "", cid
        if sd_n1 is not None:
            assert float(row["recomputed_sd_n1"]) == pytest.approx(sd_n1, abs=1e-9), cid
            assert float(row["recomputed_sd_n"]) == pytest.approx(sd_n, abs=1e-9), cid
        if value is not None and cid not in PARTS and claim["recompute"] and not (
                row["statistic"] == "sd" and convention == "n"):
            assert float(row["difference"]) == pytest.approx(
                float(value) - float(claim["reported_value"]), abs=1e-9), cid
            if float(claim["reported_value"]) != 0:
                assert float(row["relative_difference_pct"]) == pytest.approx(
                    100 * float(row["difference"]) / abs(float(claim["reported_value"])), abs=1e-9)


def test_audit_table_reads_the_claims_that_come_with_the_tables(tables):
    few = tables["reported_statistics"].head(3)
    assert list(audit.audit_table({**tables, "reported_statistics": few})["claim_id"]) == list(
        few["claim_id"])
    not_derivable = tables["reported_statistics"].query("derivable == 'no'").head(2)
    empty = audit.audit_table(tables, not_derivable)  # no claim recomputed: the columns remain
    assert empty[["difference", "relative_difference_pct"]].isna().all().all()
    without = {k: v for k, v in tables.items() if k != "reported_statistics"}
    assert len(audit.audit_table(without)) == len(CLAIMS)  # then the claims file itself


def test_audit_table_names_the_claim_with_an_unknown_rule(tables):
    claims = tables["reported_statistics"].copy()
    first = claims.index[claims["derivable"] == "yes"][0]
    claims.loc[first, "recompute"] = "renamed_rule"
    claim_id = claims.loc[first, "claim_id"]
    with pytest.raises(RuleError, match=rf"claim '{claim_id}'.*'renamed_rule'"):
        audit.audit_table(tables, claims)


def test_audit_counts_fill_missing_statuses_with_zero():
    small = pd.DataFrame({"section": ["results", "abstract", "results"],
                          "status": pd.Categorical(["matches", "differs", "matches"],
                                                   categories=list(audit.STATUSES))})
    counts = audit.audit_counts(small)
    assert counts.index.name == "section" and counts.columns.name is None
    assert list(counts.index) == ["results", "abstract", "Total"]
    assert list(counts.columns) == [*audit.STATUSES, "claims"]
    assert counts.loc["results"].tolist() == [2, 0, 0, 0, 2]
    assert counts.loc["Total"].tolist() == [2, 0, 1, 0, 3]
    plain = audit.audit_counts(small.astype({"status": str}))  # statuses never seen: still 0
    assert plain.loc["abstract"].tolist() == [0, 0, 1, 0, 1]
