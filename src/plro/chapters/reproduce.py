"""Chapter 6, reproducing the paper: the facts its prose quotes, in one call.

:func:`facts` returns every value the chapter's prose quotes (``{glue:text}`name```),
computed from the data package and formatted for reading: counts as integers, printed
values as the paper prints them, patients as "patients 8 and 10". The chapter's tables
are in :mod:`plro.chapters.reproduce_tables`.

Typical use in the notebook::

    from plro.chapters.reproduce import facts
    for name, value in facts(tables).items():
        glue(name, value, display=False)
"""

from __future__ import annotations

import re

import pandas as pd

from plro.appraisal import consistency_table, duplicate_references, jbi_table
from plro.audit import NOT_DERIVABLE, audit_counts, audit_table, grim_consistent
from plro.bone_density import lumbar_evaluability
from plro.care import join_and
from plro.data import patient_label
from plro.labs import interval_summary
from plro.pain import latest_controllers, month1_relief, reported_mean_check, reported_pain_control
from plro.paper import printed, statement
from plro.recompute import rule
from plro.subsets import common_subsets, subset_label, subset_search, subset_tables
from plro.tables import and_list

__all__ = ["SUMMARY_CLAIMS", "facts"]

SUMMARY_CLAIMS = ("cs_age_mean", "cs_age_sd", "cs_age_median", "cs_onset_mean", "cs_onset_sd",
                  "cs_onset_median", "cs_tscore_l1_l4_mean", "cs_tscore_l1_l4_sd",
                  "cs_tscore_l2_l4_mean", "cs_tscore_l2_l4_sd", "cs_tscore_fn_mean",
                  "cs_tscore_fn_sd", "cs_vas_mean", "cs_vas_sd")
"""The Case Series section's summary statistics, recomputed on patients 1-8."""

_PRINTED = {"age_printed": "cs_age_mean", "age_median_printed": "cs_age_median",
            "onset_printed": "cs_onset_mean", "vas_printed": "cs_vas_mean",
            "pain_control_printed": "res_pain_control_mean",
            "p8_control_printed": "res_p8_pain_control",
            "p10_control_printed": "res_p10_pain_control",
            "relief_weeks_printed": "disc_relief_3_weeks"}
_AS_PRINTED = {"vitd_mgmt": "mgmt_vitamin_d_dose", "vitd_disc": "disc_vitamin_d_dose",
               "carbonate_mg": "mgmt_calcium_carbonate_dose",
               "calcium_ion_mg": "mgmt_calcium_ion_dose", "smokers_disc": "disc_smokers",
               "age_mean_printed": "cs_age_mean"}


def _words(text: str) -> str:
    """A recomputed text for a reader: ``month_1`` -> ``month 1``, ``[patients 4]`` -> ``[patient 4]``."""
    return re.sub(r"\[patients (\d+)\]", r"[patient \1]", re.sub(r"\bmonth_(\d+)\b", r"month \1", text))


def facts(tables: dict) -> dict[str, object]:
    """Every value chapter 6's prose quotes, formatted for reading, by glue name.

    ``tables`` is :func:`plro.data.load_all`. Counts are ints; printed values are
    the paper's text; patient lists read "P8 -3.7, P10 -3.5" or "patients 1–8".
    """
    audit = audit_table(tables)
    by_id = audit.set_index("claim_id")
    total = audit_counts(audit).loc["Total"]
    claims, said = tables["reported_statistics"], tables["paper_statements"]  # read once
    out: dict[str, object] = {name: printed(cid, table=claims).text for name, cid in _PRINTED.items()}
    out |= {name: printed(cid, table=claims).as_printed for name, cid in _AS_PRINTED.items()}
    out |= {"n_claims": int(total["claims"]), "n_matches": int(total["matches"]),
            "n_differs": int(total["differs"]), "n_partly": int(total["partly contradicted"]),
            "n_not_derivable": int(total[NOT_DERIVABLE]),
            "two_number_quote": printed("cs_symptom_back_lbp_pct", table=claims).quote}
    sizes = latest_controllers(tables["visits"], claimed=reported_pain_control()["latest"])["n tied"]
    out["latest_sizes"] = (f"{sizes.min()}" if sizes.min() == sizes.max()
                           else f"{sizes.min()} to {sizes.max()}")
    out["calcium_parts"] = _words(by_id.loc["disc_calcium_normal", "recomputed_text"])
    relief = month1_relief(tables["visits"])
    out["n_below_half"] = int((~relief["fall ≥ 50%"]).sum())
    out["spinal_recomputed"] = int(by_id.loc["cs_spinal_involvement", "recomputed"])
    imaging = tables["imaging_findings"]
    named = imaging["region"].str.endswith("_spine") & imaging["source"].str.contains("Table II")
    out["n_levels_named"] = int(imaging.loc[named, "patient_id"].nunique())
    out["n_sd_differ"] = int(((audit["status"] == "differs") & (audit["statistic"] == "sd")).sum())
    sds = audit[audit["statistic"] == "sd"]
    out["n_sd_claims"] = len(sds)
    out["n_sd_reproduced"] = int((sds["sd_convention"] != "neither").sum())
    age = printed("cs_age_mean", table=claims)
    grim = grim_consistent(age.as_printed, decimals=age.decimals, n=len(tables["patients"]))
    out["age_grim_word"] = "passes" if grim else "fails"
    out["age_mean_table"] = float(by_id.loc["cs_age_mean", "recomputed"])
    pts = tables["patients"].set_index("patient_id")
    kept = sorted(pts.index[pts["breastfeeding"] == "continued"])
    out |= _lowest_readable(tables, pts, kept)
    out |= _patient_facts(tables, pts, kept)
    consistency = consistency_table(tables)
    out["n_pairs"] = len(consistency)
    out["n_pairs_disagree"] = int((consistency["statements agree"] == "no").sum())
    out["smokers_cs_quote"] = statement("cs_smokers", table=said).quote
    out |= _lab_facts(tables)
    out["tanriover_quote"] = statement("disc_tanriover", table=said).quote
    out["dup_refs"] = join_and(duplicate_references()["reference_numbers"].iloc[0].split(", "))
    first_eight = audit_table(subset_tables(tables, range(1, 9))).set_index("claim_id")
    out["n_first_eight_match"] = int(
        (first_eight.loc[list(SUMMARY_CLAIMS), "status"] == "matches").sum())
    out["n_summary_claims"] = len(SUMMARY_CLAIMS)
    out |= _search_facts(tables, by_id)
    out |= _pain_facts(tables, relief)
    jbi = jbi_table()
    for answer in ("yes", "no", "unclear"):
        out[f"jbi_{answer}"] = int((jbi["answer"] == answer).sum())
    ages = pts["age_years"].astype(float)
    out["ex_age_mean_all"] = round(float(ages.mean()), 2)
    out["ex_age_median_all"] = float(ages.median())
    return out


def _patients(ids) -> str:
    """``"patient 9"``, ``"patients 8 and 10"``."""
    ids = list(ids)
    return ("patient " if len(ids) == 1 else "patients ") + join_and(str(i) for i in ids)


def _lowest_readable(tables: dict, pts: pd.DataFrame, kept: list[int]) -> dict[str, object]:
    """The lowest T-scores that can be read: L1-L4 without the spines whose fractures leave
    too few vertebrae (:func:`plro.bone_density.lumbar_evaluability`), and the femoral neck."""
    imaging = tables["imaging_findings"]
    fractures = imaging[imaging["finding"].astype(str) == "compression_fracture"]
    l1l4 = lumbar_evaluability(fractures).query("region == 't_score_l1_l4'").set_index("patient_id")
    unread = list(l1l4.index[~l1l4["interpretable"].astype(bool)])
    spine, neck = pts.drop(index=unread)["t_score_l1_l4"], pts["t_score_femoral_neck"]
    lowest = {spine.idxmin(), neck.idxmin()}
    return {"bf_lowest_word": "also had" if set(kept) == lowest else "did not have",
            "bf_t_scores": f"L1-L4 {patient_label(spine.idxmin())} {spine.min():.1f}; femoral neck "
                           f"{patient_label(neck.idxmin())} {neck.min():.1f}, where "
                           f"{and_list(map(patient_label, unread))}'s fractured lumbar spine cannot be read"}


def _patient_facts(tables: dict, pts: pd.DataFrame, kept: list[int]) -> dict[str, object]:
    """Who the prose names: the breast-feeding pair, the latest to pain control, and so on."""
    claims = tables["reported_statistics"].set_index("claim_id")
    found = rule(str(claims.loc["abs_breastfeeding_latest", "recompute"]),
                 "abs_breastfeeding_latest")(tables)
    latest = dict(found.parts)["patients among the latest under every rule"].patient_ids
    imaging = tables["imaging_findings"]
    hips = sorted(set(imaging.loc[imaging["site"] == "femoral_neck", "patient_id"]))
    silent = sorted(pts.index[pts["breastfeeding"] == "not_stated"])
    return {"kept_ids": _patients(kept).capitalize(),
            "latest_not_kept": _patients(i for i in latest if i not in kept),
            "always_latest": _patients(latest),
            "n_back_pain": int(pts["symptoms"].str.contains("back", case=False).sum()),
            "femoral_neck_ids": _patients(hips), "n_kept": len(kept),
            "not_stated_ids": _patients(silent),
            "n_smokers": int(pts["smoking"].sum())}


def _lab_facts(tables: dict) -> dict[str, object]:
    labs = interval_summary(tables["visits"], tables["lab_flags"])
    mg = labs.loc["magnesium_mg_dl"]
    v = tables["visits"].set_index(["patient_id", "visit"])
    out: dict[str, object] = {"mg_values": int(mg["reported"]), "mg_above": int(mg["above"]),
                              "mg_arrows": int(mg["arrows"]),
                              "unflagged_total": int(labs["outside, not flagged"].sum())}
    for name, pid, visit, col in [("vd_p8", 8, "baseline", "vitamin_d_25oh"),
                                  ("vd_p4", 4, "baseline", "vitamin_d_25oh"),
                                  ("vd_p6", 6, "month_1", "vitamin_d_25oh"),
                                  ("ca_p10", 10, "baseline", "calcium_mg_dl"),
                                  ("ca_p1_m3", 1, "month_3", "calcium_mg_dl")]:
        out[name] = f"{float(v.loc[(pid, visit), col]):g}"
    return out


def _search_facts(tables: dict, by_id: pd.DataFrame) -> dict[str, object]:
    search = subset_search(tables)
    hits = search.set_index("claim_id")["subsets reproducing"]
    both = common_subsets(search, ["cs_age_mean", "cs_tscore_l1_l4_mean"])
    never = by_id.loc[hits[hits == 0].index, "quantity"]
    return {"n_subsets_searched": int(search["subsets searched"].iloc[0]),
            "n_search_claims": len(search), "age_hits": int(hits["cs_age_mean"]),
            "l1l4_hits": int(hits["cs_tscore_l1_l4_mean"]), "n_both": len(both),
            "both_text": "; ".join(subset_label(s) for s in both),
            "no_subset_text": "; ".join(q.removesuffix(" (± SD)") for q in never)}


def _pain_facts(tables: dict, relief: pd.DataFrame) -> dict[str, object]:
    check = reported_mean_check(tables["visits"])
    attainable = check.index[check["attainable"]]
    p8 = relief.loc["P8"]
    equal = int(check["equals reported"].sum())
    return {"n_pain_rules": len(check), "n_pain_equal": equal,
            "pain_equal_text": "none" if equal == 0 else str(equal),
            "pain_attainable": " and ".join(attainable) or "none",
            "p8_baseline": int(p8["baseline"]), "p8_month_1": int(p8["month 1"]),
            "p8_fall_pct": int(p8["fall (%)"])}
