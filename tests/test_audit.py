"""Tests for plro.audit and data/reported_statistics.csv.

Every derivable claim is recomputed here independently, from the CSV files
read with the csv and statistics modules (never through plro.audit), and
checked against what ``audit_table()`` reports. The claims are also checked
against the paper's text: each quote is printed in the section the CSV names,
each value is printed in its quote, and every number in the prose belongs to
a claim.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from plro import audit  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOK = ROOT / "notebooks" / "06-reproducing-the-paper.ipynb"


# ------------------------------------------------------------ raw CSV access
def rows(name):
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


PATIENTS = rows("patients")
VISITS = rows("visits")
FLAGS = rows("lab_flags")
IMAGING = rows("imaging_findings")
CLAIMS = rows("reported_statistics")
CLAIM = {c["claim_id"]: c for c in CLAIMS}
VERTEBRAE = re.compile(r"^[TL]\d+$")


@pytest.fixture(scope="module")
def tables():
    return audit.load_tables()


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
    return next(int(v["vas"]) for v in VISITS if v["patient_id"] == str(pid) and v["visit"] == visit)


def levels(pid, finding):
    return sorted(i["site"] for i in IMAGING if i["patient_id"] == str(pid) and i["finding"] == finding)


def bib_field(number, field):
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    entry = next(e for e in text.split("@") if f"Reference {number} of the case series" in e)
    return re.search(rf"{field} = \{{+(.*?)\}}+,", entry).group(1)


def count(selected):
    """(value, patient ids) for a count of patients."""
    chosen = ids(selected)
    return len(chosen), None, None, chosen


def percent(chosen):
    return 100 * len(chosen) / len(PATIENTS), None, None, chosen


def spinal():
    return ids(i for i in IMAGING if i["region"] in ("thoracic_spine", "lumbar_spine"))


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


def all_have(month):
    seen = {v["patient_id"] for v in VISITS if v["month"] == str(month) and v["vas"] != ""}
    return (month if seen == {p["patient_id"] for p in PATIENTS} else None), None, None, None


# Each entry: claim_id -> (value, sd_n1, sd_n, patient ids or levels or None)
EXPECTED = {
    **{cid: (len(PATIENTS), None, None, None) for cid in
       ["abs_n_patients", "intro_n_patients", "cs_n_patients", "disc_n_patients"]},
    "cs_age_mean": summary(column("age_years", int)) + (None,),
    "cs_age_median": (statistics.median(column("age_years", int)), None, None, None),
    "cs_onset_min": (min(column("postpartum_week_at_diagnosis", int)), None, None, None),
    "cs_onset_max": (max(column("postpartum_week_at_diagnosis", int)), None, None, None),
    "cs_onset_mean": summary(column("postpartum_week_at_diagnosis", int)) + (None,),
    "cs_onset_median": (statistics.median(column("postpartum_week_at_diagnosis", int)),
                        None, None, None),
    "cs_twins": count(p for p in PATIENTS if p["twin_pregnancy"] == "true"),
    "cs_smokers": count(p for p in PATIENTS if p["smoking"] == "true"),
    "disc_smokers": count(p for p in PATIENTS if p["smoking"] == "true"),
    **{cid: count(p for p in PATIENTS if p["breastfeeding"] == "continued") for cid in
       ["abs_breastfeeding_continued", "mgmt_breastfeeding_continued", "res_breastfeeding_latest"]},
    "mgmt_supplement_all": count(p for p in PATIENTS if p["vitamin_d_calcium"] == "true"),
    "mgmt_bisphosphonate": count(p for p in PATIENTS if p["bisphosphonate"] == "true"),
    **{cid: count(vertebroplasty()) for cid in
       ["abs_vertebroplasty", "mgmt_vertebroplasty_patient", "disc_vertebroplasty_patients"]},
    **{f"cs_symptom_{name}_pct": percent(symptoms(test)) for name, test in SYMPTOM_TESTS.items()},
    **{f"cs_symptom_{name}_n": (len(symptoms(test)), None, None, symptoms(test))
       for name, test in SYMPTOM_TESTS.items()},
    "cs_low_back_pain_pct": percent(symptoms(lambda s: "low back pain" in s)),
    "cs_vas_mean": summary([int(v["vas"]) for v in VISITS if v["visit"] == "baseline"]) + (None,),
    **{cid: count(p for p in PATIENTS if vas(p["patient_id"], "month_1")
                  < vas(p["patient_id"], "baseline"))
       for cid in ["abs_relief_month_1", "res_relief_month_1"]},
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
    "mgmt_vertebroplasty_vas": (vas(vertebroplasty()[0]["patient_id"], "month_1"), None, None, None),
    **{cid: (len(VERTEBROPLASTY_LEVELS), None, None, VERTEBROPLASTY_LEVELS) for cid in
       ["mgmt_vertebroplasty_levels", "ti_vertebroplasty_levels", "tii_vertebroplasty_levels",
        "disc_vertebroplasty_levels"]},
    "tii_p8_fracture_levels": (len(levels(8, "compression_fracture")), None, None,
                               levels(8, "compression_fracture")),
    "tii_p10_fracture_levels": (len(levels(10, "compression_fracture")), None, None,
                                levels(10, "compression_fracture")),
    "tii_follow_up_months": (max(int(v["month"]) for v in VISITS), None, None, None),
    "fig1_patient": only("sacroiliac_joint"),
    "fig2_patient": only("femoral_neck"),
    "fig3_patient": only("talus"),
    "fig4_patient": (int(vertebroplasty()[0]["patient_id"]), None, None, ids(vertebroplasty())),
    "fig5_patient": (int(vertebroplasty()[0]["patient_id"]), None, None, ids(vertebroplasty())),
    "disc_follow_up_1": all_have(1),
    "disc_follow_up_3": all_have(3),
    "disc_follow_up_6": all_have(6),
    **{cid: count(p for p in PATIENTS if has_all_t_scores(p))
       for cid in ["cs_bmd_all_patients", "disc_bmd_n_patients"]},
    "disc_calcium_normal": (sum(f["analyte"] == "calcium_mg_dl" for f in FLAGS), None, None, None),
    "disc_tanriover_year": (int(bib_field(20, "year")), None, None, None),
    "disc_laroche_cohort": (int(re.search(r"(\d+) patients", bib_field(9, "title")).group(1)),
                            None, None, None),
}


def half_away(x, places):
    return Decimal(repr(round(float(x), 9))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def expected_status(claim, exp):
    value, sd_n1, sd_n, members = exp
    places = int(claim["reported_decimals"])
    ok = value is not None and half_away(value, places) == half_away(claim["reported_value"], places)
    convention = ""
    if claim["reported_sd"]:
        sd_places = int(claim["reported_sd_decimals"])
        printed = half_away(claim["reported_sd"], sd_places)
        n1 = half_away(sd_n1, sd_places) == printed
        n = half_away(sd_n, sd_places) == printed
        convention = {(True, True): "n-1 and n", (True, False): "n-1",
                      (False, True): "n"}.get((n1, n), "neither")
        ok = ok and convention != "neither"
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
        assert row["recomputed"] is None or str(row["recomputed"]) == "<NA>"
    else:
        assert float(row["recomputed"]) == pytest.approx(float(exp[0]), abs=1e-9)
    if exp[1] is not None:
        assert float(row["recomputed_sd_n1"]) == pytest.approx(exp[1], abs=1e-9)
        assert float(row["recomputed_sd_n"]) == pytest.approx(exp[2], abs=1e-9)
    status, convention = expected_status(claim, exp)
    assert row["status"] == status
    assert row["sd_convention"] == convention


def test_known_discrepancies_are_reported_as_differing(table):
    # Facts stated in the paper that Table I contradicts (checked by hand).
    for claim_id in ["cs_age_mean", "cs_age_median", "cs_onset_mean", "cs_tscore_l1_l4_mean",
                     "cs_tscore_l2_l4_mean", "disc_smokers", "cs_spinal_involvement"]:
        assert table.loc[claim_id, "status"] == "differs", claim_id
    assert table.loc["cs_smokers", "status"] == "matches"
    assert float(table.loc["cs_age_mean", "recomputed"]) == pytest.approx(29.9)


def test_not_derivable_claims_have_no_recomputed_value(table):
    for claim in CLAIMS:
        row = table.loc[claim["claim_id"]]
        if claim["derivable"] == "no":
            assert row["status"] == "not derivable from the tables"
            assert str(row["recomputed"]) == "<NA>"
        else:
            assert row["status"] in ("matches", "differs")


def test_every_claim_appears_once_in_the_audit(table):
    assert list(table.index) == [c["claim_id"] for c in CLAIMS]
    assert set(table["status"]) <= set(audit.STATUSES)


def test_audit_follows_the_claims_not_a_stored_answer(tables):
    claims = tables["reported_statistics"].copy()
    where = claims["claim_id"] == "cs_age_mean"
    claims.loc[where, "reported_value"] = 29.9
    claims.loc[where, "reported_decimals"] = 1
    claims.loc[where, "reported_sd"] = 2.88
    out = audit.audit_table(tables, claims).set_index("claim_id")
    assert out.loc["cs_age_mean", "status"] == "matches"
    assert out.loc["cs_age_mean", "sd_convention"] == "n-1"


def test_audit_counts_add_up(table):
    counts = audit.audit_counts(table.reset_index())
    assert counts.loc["Total", "claims"] == len(CLAIMS)
    assert counts.loc["Total", "not derivable from the tables"] == sum(
        c["derivable"] == "no" for c in CLAIMS
    )


# ------------------------------------------------------------ the paper text
def normalise(text):
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("$", "").replace("\\pm", "±")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\(\s+", "(", text)
    return re.sub(r"\s+\)", ")", text).strip()


# Where each section of the paper's text starts; it ends where the next one starts.
SECTION_STARTS = [
    ("abstract", "## ABSTRACT"),
    ("introduction", "## INTRODUCTION"),
    ("methods", "## ■ MATERIAL and METHODS"),
    ("case_series", "### Case Series"),
    ("management", "### Management"),
    ("results", "All patients had meaningful pain relief and symptom"),
    ("table_i", "**Table I:**"),
    ("table_ii", "**Table II:**"),
    ("discussion", "**DISCUSSION**"),
    ("figure_captions", "**Figure 1:**"),
    ("discussion", "Osteoporosis is a progressive"),  # the Discussion resumes after the captions
    ("conclusion", "## ■ CONCLUSION"),
]
TEXT_END = "## ■ AUTHORSHIP"
WORD_VALUES = {"one": 1, "a patient": 1, "two": 2, "three": 3, "four": 4, "seven": 7, "six": 6,
               "fifty": 50, "once": 1, "twice": 2, "thrice": 3, "annually": 1, "a year": 1,
               "first": 1, "third": 3, "last": 3, "none": 0, "all patients": 10, "all the patients": 10,
               "within normal limits": 0}


@pytest.fixture(scope="module")
def sections(paper_text):
    orcid = re.compile(r"\d{4}[- ]\d{4}[- ]\d{4}[- ]\d{3}[\dX]")
    text = normalise("\n".join(line for line in paper_text.splitlines() if not orcid.search(line)))
    ends = [start for _, start in SECTION_STARTS[1:]] + [TEXT_END]
    spans, i = {}, 0
    for (name, start), end in zip(SECTION_STARTS, ends, strict=True):
        i = text.index(start, i)
        spans.setdefault(name, []).append(text[i:text.index(end, i + 1)])
    return spans


def token(value):
    """A regex finding ``value`` as a whole number or phrase ('2' not inside '20'; '26' in '26kg')."""
    after = r"(?!\d|[.,]\d)" if value[-1].isdigit() else r"(?!\w)"
    return re.compile(rf"(?<![\w.,]){re.escape(value)}{after}")


def test_every_quote_is_printed_in_its_section(sections):
    for claim in CLAIMS:
        assert any(claim["quote"] in part for part in sections[claim["section"]]), claim["claim_id"]


def test_reported_values_are_printed_verbatim(sections):
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


def test_every_number_in_the_prose_belongs_to_a_claim(sections):
    """Each numeral or number word of the prose is the printed value (or SD, or unit) of a claim."""
    marker = re.compile(
        r"(?<![A-Za-z\d.,])\d+(?:[.,]\d+)*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
        r"fifty|once|twice|thrice|none|annually)\b", flags=re.I)
    # citations "(9,17)", figure numbers, the analyte name 25-(OH)-D3: not quantities
    not_claims = [r"\((?:\d+,)*\d+\)", r"\(Figures? [^)]*\)", r"Figure \d", r"25-\(OH\)-D3"]
    uncovered = []
    for name, parts in sections.items():
        if name in ("table_i", "table_ii"):
            continue  # table cells are the data themselves (patients.csv, visits.csv)
        claims = [c for c in CLAIMS if c["section"] == name]
        for part in parts:
            covered = set()
            for pattern in not_claims:
                for m in re.finditer(pattern, part):
                    covered.update(range(m.start(), m.end()))
            for c in claims:
                for q in re.finditer(re.escape(c["quote"]), part):
                    pieces = [c["value_as_printed"]] + re.findall(r"[\d,]+\d", c["unit"])
                    pieces += [i for i in c["patient_ids"].split(";") if i]
                    if c["reported_sd"]:
                        pieces.append(f"{float(c['reported_sd']):.{int(c['reported_sd_decimals'])}f}")
                    for piece in pieces:
                        for m in token(piece).finditer(c["quote"]):
                            covered.update(range(q.start() + m.start(), q.start() + m.end()))
            for m in marker.finditer(part):
                if m.start() not in covered:
                    uncovered.append((name, part[max(0, m.start() - 40):m.end() + 20]))
    assert not uncovered, uncovered


def test_cohort_reported_in_text_agrees_with_the_claims():
    """plro.cohort.REPORTED_IN_TEXT types the Case Series summaries again: both copies must agree."""
    from plro.cohort import REPORTED_IN_TEXT

    claim_of = {"age_years": ("cs_age_mean", "cs_age_median"),
                "postpartum_week_at_diagnosis": ("cs_onset_mean", "cs_onset_median"),
                "vas_table_i": ("cs_vas_mean", None),
                "t_score_l1_l4": ("cs_tscore_l1_l4_mean", None),
                "t_score_l2_l4": ("cs_tscore_l2_l4_mean", None),
                "t_score_femoral_neck": ("cs_tscore_fn_mean", None)}
    assert set(REPORTED_IN_TEXT) == set(claim_of)
    for column, (mean_id, median_id) in claim_of.items():
        printed = REPORTED_IN_TEXT[column]
        assert printed["mean"] == float(CLAIM[mean_id]["reported_value"]), column
        assert printed["sd"] == float(CLAIM[mean_id]["reported_sd"]), column
        median = None if median_id is None else float(CLAIM[median_id]["reported_value"])
        assert printed["median"] == median, column


def test_claims_per_section_match_hand_count():
    # Hand count made reading the paper sentence by sentence (see the CSV's quotes).
    hand = {"abstract": 7, "introduction": 11, "methods": 2, "case_series": 34, "management": 15,
            "results": 6, "table_i": 1, "table_ii": 5, "figure_captions": 5, "discussion": 36}
    found = {}
    for c in CLAIMS:
        found[c["section"]] = found.get(c["section"], 0) + 1
    assert found == hand


def test_consistency_quotes_are_printed(sections):
    text = " ".join(" ".join(parts) for parts in sections.values())
    for topic, statements in audit.CONSISTENCY_STATEMENTS.items():
        for st in statements:
            assert st.quote in text, (topic, st.quote)
            assert any(st.quote in part for part in sections[st.section]), (topic, st.section)


# ------------------------------------------------------------ library parts
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
    with pytest.raises(ValueError):
        audit.mean_sd([])


def test_sd_convention_names_the_divisor():
    assert audit.sd_convention(Decimal("0.392"), Decimal("0.372"), Decimal("0.39"), 2) == "n-1"
    assert audit.sd_convention(Decimal("0.392"), Decimal("0.372"), Decimal("0.37"), 2) == "n"
    assert audit.sd_convention(Decimal("0.392"), Decimal("0.372"), Decimal("0.50"), 2) == "neither"


def test_grim():
    # Ten whole-number ages can average 29.7 or 29.8, never 29.75.
    assert not audit.grim_consistent("29.75", 2, 10)
    assert audit.grim_consistent("29.9", 1, 10)
    assert audit.grim_consistent("-2.91", 2, 10, data_decimals=1)


def test_calcium_in_carbonate():
    assert audit.calcium_in_carbonate_mg(2500) == pytest.approx(1001, abs=1)
    assert audit.calcium_in_carbonate_mg(250) == pytest.approx(100, abs=1)


def test_reference_list_and_duplicates():
    from plro.background import REFERENCE_KEYS

    refs = audit.reference_list()
    assert list(refs["number"]) == list(range(1, 24))
    # references.bib's notes and plro.background's number -> key map are two transcriptions
    assert dict(zip(refs["number"], refs["key"], strict=True)) == REFERENCE_KEYS
    dup = audit.duplicate_references(refs)
    assert list(dup["reference_numbers"]) == ["2, 3"]


def test_lab_interval_check_counts_against_raw_values():
    out = audit.lab_interval_check().set_index("analyte")
    mg = [float(v["magnesium_mg_dl"]) for v in VISITS if v["magnesium_mg_dl"]]
    assert out.loc["Serum magnesium", "above"] == sum(x > 2.4 for x in mg)
    assert out.loc["Serum magnesium", "arrows"] == sum(f["analyte"] == "magnesium_mg_dl" for f in FLAGS)
    ca = [float(v["calcium_mg_dl"]) for v in VISITS if v["calcium_mg_dl"]]
    assert out.loc["Serum total calcium", "below"] == sum(x < 8.5 for x in ca)


def test_subsets_reproducing_finds_the_first_eight_for_age():
    ages = {int(p["patient_id"]): int(p["age_years"]) for p in PATIENTS}
    hits = audit.subsets_reproducing(ages, "29.75", 2, "3.24", 2, min_size=8)
    assert tuple(range(1, 9)) in hits
    assert tuple(range(1, 11)) not in hits


def test_subset_tables_keeps_only_those_patients(tables):
    sub = audit.subset_tables(tables, [1, 2])
    assert set(sub["patients"]["patient_id"]) == {1, 2}
    assert set(sub["visits"]["patient_id"]) == {1, 2}
    assert len(sub["reported_statistics"]) == len(CLAIMS)


def test_consistency_table_uses_the_data(tables):
    out = audit.consistency_table(tables).set_index("topic")
    smokers = [p["patient_id"] for p in PATIENTS if p["smoking"] == "true"]
    assert out.loc["Smokers", "the tables say"].startswith(f"{len(smokers)} smokers")
    assert set(out["statements agree"]) <= {"yes", "no", "unclear"}
    assert len(out) == len(audit.CONSISTENCY_STATEMENTS)


def test_jbi_checklist_has_ten_answered_items():
    out = audit.jbi_table()
    assert list(out["item"]) == list(range(1, 11))
    assert set(out["answer"]) <= {"yes", "no", "unclear"}
    assert out["reason"].str.len().min() > 40


def test_relative_difference_figure(table):
    import matplotlib.pyplot as plt

    fig = audit.plot_relative_differences(table.reset_index())
    ax = fig.axes[0]
    assert "%" in ax.get_xlabel()
    assert ax.get_ylabel()
    assert ax.get_title()
    zero = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [0, 0]]
    assert len(zero) == 1
    plotted = sum(len(c.get_offsets()) for c in ax.collections)
    derivable = table[(table["status"] != "not derivable from the tables")]
    assert plotted == derivable["relative_difference_pct"].notna().sum()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    differing = table[(table["status"] == "differs") & table["relative_difference_pct"].notna()]
    assert set(differing.index) <= set(labels)
    assert labels[-1].startswith("all matching claims")
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


# ------------------------------------------------------- the subset search
def test_n_subsets_counts_subsets_of_three_or_more():
    # 2**10 subsets in all, minus the empty one, the 10 singletons and the 45 pairs.
    assert audit.n_subsets(10, 3) == 2**10 - 1 - 10 - 45
    assert audit.n_subsets(4, 4) == 1


def test_subset_search_agrees_with_an_independent_search():
    from itertools import combinations

    ages = {int(p["patient_id"]): int(p["age_years"]) for p in PATIENTS}
    searched, hits = 0, []
    for k in range(3, len(ages) + 1):
        for combo in combinations(sorted(ages), k):
            searched += 1
            xs = [ages[i] for i in combo]
            sds = {half_away(statistics.stdev(xs), 2), half_away(statistics.pstdev(xs), 2)}
            if half_away(statistics.mean(xs), 2) == Decimal("29.75") and Decimal("3.24") in sds:
                hits.append(combo)
    out = audit.subset_search().set_index("claim_id")
    row = out.loc["cs_age_mean"]
    assert row["subsets searched"] == searched
    assert row["subsets reproducing"] == len(hits) > 0
    assert set(row["subsets"]) == set(hits)
    assert row["all ten reproduce"] == "no"
    assert row["patients 1-8 reproduce"] == ("yes" if tuple(range(1, 9)) in hits else "no")
    assert set(out.index) == set(audit.SUMMARY_CLAIMS)


def test_common_subsets_intersects_the_hits():
    import pandas as pd

    search = pd.DataFrame({"claim_id": ["a", "b"],
                           "subsets": [((1, 2, 3), (2, 3, 4)), ((2, 3, 4), (1, 3, 4))]})
    assert audit.common_subsets(search, ["a", "b"]) == [(2, 3, 4)]
    assert audit.common_subsets(search, ["a"]) == [(1, 2, 3), (2, 3, 4)]


def test_subset_label_names_runs_and_lists():
    assert audit.subset_label([3, 1, 2, 4]) == "patients 1–4"
    assert audit.subset_label([1, 3, 4]) == "patients 1, 3, 4"
    assert audit.subset_label([2, 3]) == "patients 2, 3"


def test_relative_difference_figure_text_fits_the_canvas(table):
    """Figures are rendered without a tight bounding box, so nothing may overhang the canvas."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from plro.theme import set_theme

    with mpl.rc_context():
        set_theme()  # as in the chapter: constrained layout, no tight-bbox crop
        fig = audit.plot_relative_differences(table.reset_index())
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        canvas = fig.bbox
        for text in [fig.axes[0].title, fig.axes[0].xaxis.label, fig.axes[0].yaxis.label]:
            box = text.get_window_extent(renderer)
            assert canvas.x0 - 1 <= box.x0 and box.x1 <= canvas.x1 + 1, f"{text.get_text()!r} overhangs"
        plt.close(fig)
