"""Chapter 3's facts, recomputed from the CSVs with plain pandas and set against the printed numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from plro.chapters import workup
from tests.support.chapters import glue_names, stored_glue, words_problems

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03-diagnosis-and-workup.ipynb"
LABS = ["calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"]


@pytest.fixture(scope="module")
def facts() -> dict[str, object]:
    return workup.facts()


@pytest.fixture(scope="module")
def csv() -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(ROOT / "data" / f"{name}.csv")
            for name in ("patients", "visits", "lab_flags", "imaging_findings")}


def labels(ids) -> str:
    ids = [f"P{p}" for p in ids]
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"


def test_every_value_the_prose_pastes_comes_from_facts(facts):
    assert glue_names(NOTEBOOK) - set(facts) == set()


def test_values_are_worded_for_reading(facts):
    conventional = {"z_below_max"}  # the ISCD threshold is written "-2.0"
    for name, value in facts.items():
        assert type(value) in (int, str), f"{name} is {type(value).__name__}"
        whole_with_decimals = isinstance(value, str) and re.fullmatch(r"-?\d+\.0+", value)
        assert name in conventional or not whole_with_decimals, f"{name} = {value!r}"


def test_baseline_completeness(facts, csv):
    baseline = csv["visits"][csv["visits"]["visit"] == "baseline"]
    assert facts["n_baseline_cells"] == len(csv["patients"]) * len(LABS)
    assert facts["n_baseline_values"] == int(baseline[LABS].notna().sum().sum())
    assert facts["n_pth_baseline"] == int(baseline["pth_pg_ml"].notna().sum())
    flags = csv["lab_flags"]
    ca = flags[(flags["analyte"] == "calcium_mg_dl") & (flags["visit"] == "baseline")]["patient_id"]
    no_pth = set(baseline.loc[baseline["pth_pg_ml"].isna(), "patient_id"])
    assert facts["ids_ca_flagged_baseline"] == labels(sorted(ca))
    assert facts["n_ca_flagged_no_pth"] == len(no_pth & set(ca))


def test_arrow_counts(facts, csv):
    flags = csv["lab_flags"]
    assert facts["n_flags_total"] == len(flags)
    assert facts["n_flags_baseline"] == int((flags["visit"] == "baseline").sum())
    count = flags.groupby(["analyte", "flag"]).size()
    assert (facts["ca_arrows_low"], facts["ca_arrows_high"]) == (count["calcium_mg_dl", "low"],
                                                                  count["calcium_mg_dl", "high"])
    alp = flags[(flags["analyte"] == "alp_u_l") & (flags["flag"] == "high")]["patient_id"]
    assert facts["alp_flagged_ids"] == labels(sorted(alp.unique()))


def test_magnesium_and_vitamin_d(facts, csv):
    visits = csv["visits"]
    mg = visits["magnesium_mg_dl"].dropna()
    assert (facts["mg_n"], facts["mg_min"], facts["mg_max"]) == (len(mg), f"{mg.min():g}", f"{mg.max():g}")
    assert facts["mg_n_above"] == int((mg > 2.4).sum())
    vitd = visits[["patient_id", "visit", "vitamin_d_25oh"]].dropna()
    assert facts["vitd_n"] == len(vitd)
    assert facts["vitd_below_30"] == int((vitd["vitamin_d_25oh"] < 30).sum())
    assert facts["vitd_below_20"] == int((vitd["vitamin_d_25oh"] < 20).sum())
    flagged = csv["lab_flags"].query("analyte == 'vitamin_d_25oh'")
    keys = set(zip(flagged["patient_id"], flagged["visit"], strict=True))
    unflagged = vitd[[k not in keys for k in zip(vitd["patient_id"], vitd["visit"], strict=True)]]
    lowest = unflagged.sort_values("vitamin_d_25oh").iloc[0]
    assert facts["vitd_lowest_unflagged"] == int(lowest["vitamin_d_25oh"]) or \
        facts["vitd_lowest_unflagged"] == f"{lowest['vitamin_d_25oh']:g}"
    month = lowest["visit"].replace("_", " ")
    assert facts["vitd_lowest_unflagged_who"] == f"P{lowest['patient_id']}, {month}"


def test_single_values_are_table_ii(facts, csv):
    value = csv["visits"].set_index(["patient_id", "visit"])
    assert facts["ca_p3_baseline"] == f"{value.loc[(3, 'baseline'), 'calcium_mg_dl']:g}"
    assert facts["vitd_p4_baseline"] == f"{value.loc[(4, 'baseline'), 'vitamin_d_25oh']:g}"
    assert facts["alp_p3_baseline"] == int(value.loc[(3, "baseline"), "alp_u_l"])
    assert facts["pth_p8_baseline"] == f"{value.loc[(8, 'baseline'), 'pth_pg_ml']:g}"


def test_imaging(facts, csv):
    imaging = csv["imaging_findings"]
    spine = imaging[imaging["site"].str.fullmatch(r"[TL]\d+")]
    assert facts["ids_named_spine"] == labels(sorted(spine["patient_id"].unique()))
    assert facts["n_fracture_levels"] == int((spine["finding"] == "compression_fracture").sum())
    treated = spine[spine["finding"] == "vertebroplasty"]
    assert facts["n_vertebroplasty_levels"] == len(treated)
    assert facts["ids_vertebroplasty"] == labels(sorted(treated["patient_id"].unique()))
    printed = pd.read_csv(ROOT / "data" / "reported_statistics.csv", dtype=str).set_index("claim_id")
    in_text = int(float(printed.loc["cs_spinal_involvement", "reported_value"]))  # printed "seven"
    assert facts["n_spine_unnamed"] == in_text - facts["n_named_spine"]
    outside = imaging[~imaging["site"].str.fullmatch(r"[TL]\d+")]
    assert facts["n_other_sites"] == outside["patient_id"].nunique()


def test_tables_are_in_words():
    first, second = workup.checklist_tables()
    tables = [workup.baseline_counts_table(), workup.who_table(), workup.t_score_summary_table(),
              workup.reference_intervals_table(), workup.agreement_table(), workup.magnesium_table(),
              workup.listing_table(["vitamin_d_25oh"]), workup.listing_table(["calcium_mg_dl", "alp_u_l"]),
              workup.cutoff_table(), workup.other_sites_table(), first, second, workup.coverage_table()]
    for table in tables:
        html = table._repr_html_()
        assert words_problems(html) == [] and "…" not in html
    assert "not necessarily not done" in workup.coverage_table()._repr_html_()


def test_the_stored_notebook_pastes_todays_facts(facts):
    """The values glued in the committed notebook are the ones the data give now (else re-run it)."""
    assert stored_glue(NOTEBOOK) == {name: repr(value) for name, value in facts.items()}


WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def test_share_phrases_say_every_none_or_k_of_n():
    assert workup.share_of_patients(10, 10, ("has", "have")) == "every patient has"
    assert workup.share_of_patients(0, 10, ("has", "have")) == "no patient has"
    assert workup.share_of_patients(7, 10, ("has", "have")) == "seven of the ten patients have"
    assert workup.share_of_patients(1, 10, ("has", "have")) == "one of the ten patients has"
    assert workup.share_of_patients(3, 10) == "three of the ten patients"
    assert workup.share_of_group(3, 3) == "all three patients"
    assert workup.share_of_group(2, 2) == "both patients"
    assert workup.share_of_group(0, 3) == "none of the three patients"
    assert workup.share_of_group(2, 3) == "two of the three patients"
    assert workup.capitalised("every patient has") == "Every patient has"


def test_glued_phrases_follow_the_counts(facts, csv):
    """The phrases are recomputed here from Table I and II with plain pandas and worded independently."""
    patients, visits, flags = csv["patients"], csv["visits"], csv["lab_flags"]
    n = len(patients)
    lumbar = patients[["t_score_l1_l4", "t_score_l2_l4"]]
    spine_below = int(lumbar.lt(patients["t_score_femoral_neck"], axis=0).all(axis=1).sum())
    sites = ["t_score_l1_l4", "t_score_l2_l4", "t_score_femoral_neck"]
    any_site = int(patients[sites].le(-2.5).any(axis=1).sum())

    def expected(k, verb_one, verb_many):
        if k == n:
            return f"every patient {verb_one}"
        return f"no patient {verb_one}" if k == 0 else f"{WORDS[k]} of the {WORDS[n]} patients {verb_many}"

    assert facts["any_site_osteo_phrase"] == expected(any_site, "has", "have")
    assert facts["any_site_osteo_sentence"] == expected(any_site, "has", "have").capitalize()
    assert facts["spine_below_hip_phrase"] == expected(spine_below, "has", "have").capitalize()
    assert not re.search(r"\d", facts["any_site_osteo_phrase"] + facts["spine_below_hip_phrase"])

    baseline = visits[visits["visit"] == "baseline"]
    no_pth = set(baseline.loc[baseline["pth_pg_ml"].isna(), "patient_id"])
    ca = set(flags.query("analyte == 'calcium_mg_dl' and visit == 'baseline'")["patient_id"])
    k = len(no_pth & ca)
    phrase = facts["ca_flagged_no_pth_phrase"]
    assert phrase == (f"all {WORDS[len(ca)]} patients" if k == len(ca) else
                      f"none of the {WORDS[len(ca)]} patients" if k == 0 else
                      f"{WORDS[k]} of the {WORDS[len(ca)]} patients")

    treated = csv["imaging_findings"].query("finding == 'vertebroplasty'")
    if treated["patient_id"].nunique() == 1:
        assert facts["vertebroplasty_levels_phrase"] == (
            f"P{treated['patient_id'].iloc[0]}'s {WORDS[len(treated)]} levels")


def test_no_sentence_opens_with_a_glued_numeral(facts):
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    openers = re.findall(r"(?:\A|\n\s*\n|[.!?]\s+|\n\s*[-*]\s+)\{glue(?::\w+)?\}`([^`:]+)", text)
    assert openers, "the chapter opens sentences with glued phrases"
    for name in openers:
        assert not re.match(r"\d", str(facts[name])), f"a sentence opens with {name} = {facts[name]!r}"
        assert str(facts[name])[:1].isupper() or str(facts[name])[:1] == "P", name


def test_vitamin_d_listing_heads_the_unit_and_prints_bare_numbers(csv):
    html = workup.listing_table(["vitamin_d_25oh"])._repr_html_()
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert "Value (ng/mL assumed; printed &#39;IU&#39;)" in headers
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    vitd = {f"{v:g}" for v in csv["visits"]["vitamin_d_25oh"].dropna()}
    assert {c for c in cells if re.fullmatch(r"[\d.]+", c)} <= vitd
    assert not any("ng/mL" in c for c in cells)
    mixed = workup.listing_table(["calcium_mg_dl", "alp_u_l"])._repr_html_()
    assert "Value</th>" in mixed and re.search(r">\d+(\.\d+)?\xa0(mg/dL|U/L)<", mixed)


def test_vitamin_d_row_dates_the_thresholds():
    row = workup.checklist().set_index("test").loc["25-hydroxyvitamin D"]
    assert "Endocrine Society's 2011 guideline" in row["rules_in_or_out"]
    assert "2024 guideline defines no target level" in row["rules_in_or_out"]
    assert "Demay et al. 2024" in row["sources"]
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    assert "demay2024" in bib and "demay2024" in NOTEBOOK.read_text(encoding="utf-8")


def test_alp_figure_alt_text_types_no_measured_value(csv):
    """Fig. ex-alp-over-time's alt text is static, so it must not type values that could go stale."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    [alt] = [c["metadata"]["mystnb"]["image"]["alt"] for c in cells
             if c["metadata"].get("mystnb", {}).get("figure", {}).get("name") == "fig-ex-alp-over-time"]
    alp = {f"{v:g}" for v in csv["visits"]["alp_u_l"].dropna()}
    assert not set(re.findall(r"\d+(?:\.\d+)?", alt)) & alp
    assert "falls to" not in alt
