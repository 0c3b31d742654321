"""Chapter 3, diagnosis and work-up: the numbers its prose quotes and the tables it shows.

:func:`facts` returns every value the chapter glues into its prose (lab values as Table II
prints them, counts as integers, patients as "P3 and P6"); the ``*_table`` functions
return its tables in words (:func:`plro.tables.show`). Everything is computed from the
data package (``plro.data``), the book's illustrative intervals (``plro.labs``) and the
book's work-up checklist (``plro.content``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from plro.bone_density import (
    T_SCORE_SITES,
    WHO_NORMAL_MIN,
    WHO_OSTEOPOROSIS_MAX,
    Z_BELOW_EXPECTED_MAX,
    osteoporotic_patients,
    who_category_counts,
)
from plro.content import fill, load_content, placeholder_values
from plro.data import load_all, patient_label
from plro.describe import mean_sd_vs_reported
from plro.imaging import implied_spinal_patients, non_spinal_sites, vertebral_map
from plro.labs import (
    AGREEMENT,
    PHOSPHATE_UPPER_LIMITS,
    REFERENCE_INTERVALS,
    baseline_labs,
    flag_table,
    flagged_patients,
    interval_summary,
    patients_with_result,
    reference_table,
    workup_coverage,
)
from plro.paper import printed
from plro.tables import VISIT_WORDS, Table, and_list, count_word, number, readable, show

__all__ = ["VITAMIN_D_CUTOFFS", "agreement_table", "baseline_counts_table", "checklist", "checklist_tables",
           "coverage_table", "cutoff_table", "facts", "listing_table", "magnesium_table",
           "other_sites_table", "reference_intervals_table", "t_score_summary_table", "who_table"]

VITAMIN_D_CUTOFFS = (20, 25, 30)
"""The vitamin D cut-offs (ng/mL) the chapter's exercise tries against Table II's arrows."""

_AGREEMENT_WORDS = {"flagged and outside": "Arrow, outside the interval",
                    "outside, not flagged": "Outside, no arrow",
                    "flagged, inside interval": "Arrow, inside the interval",
                    "flag opposite to interval": "Arrow opposite to the interval"}


def _lab(value: float) -> int | str:
    """A laboratory value as Table II prints it: 126, "8.3", "21.9"."""
    return number(value) if float(value).is_integer() else f"{float(value):g}"


def _labels(ids: Iterable[int]) -> str:
    return and_list(map(patient_label, ids))


def share_of_patients(k: int, n: int, verbs: tuple[str, str] = ("", "")) -> str:
    """``k`` of ``n`` patients as a sentence says it, with the verb that agrees.

    "every patient has" when ``k == n``, "no patient has" when ``k`` is 0, otherwise
    "seven of the ten patients have" (``verbs`` is the singular and the plural verb;
    leave it empty for a phrase without one).
    """
    one, many = (f" {verb}" if verb else "" for verb in verbs)
    if k == n:
        return f"every patient{one}"
    if k == 0:
        return f"no patient{one}"
    return f"{count_word(k)} of the {count_word(n)} patients{one if k == 1 else many}"


def share_of_group(k: int, n: int) -> str:
    """``k`` members of a group of ``n`` patients: "all three patients", "both patients",
    "none of the three patients", "two of the three patients", "the one patient"."""
    if k == n:
        return {1: "the one patient", 2: "both patients"}.get(n, f"all {count_word(n)} patients")
    if k == 0:
        return f"none of the {count_word(n)} patients"
    return f"{count_word(k)} of the {count_word(n)} patients"


def capitalised(text: str) -> str:
    """``text`` with its first letter in upper case, for a phrase that opens a sentence."""
    return text[:1].upper() + text[1:]


def _levels_of(ids: list[str], n_levels: int) -> str:
    """The levels of the named patients: "P4's three levels", "the five levels of P4 and P8"."""
    if len(ids) == 1:
        return f"{ids[0]}'s {count_word(n_levels)} level{'' if n_levels == 1 else 's'}"
    return f"the {count_word(n_levels)} levels of {and_list(ids)}"


def _tables(data_dir: str | Path | None) -> dict[str, pd.DataFrame]:
    return load_all(data_dir)


def facts(data_dir: str | Path | None = None) -> dict[str, object]:
    """Every value chapter 3's prose quotes, keyed by its glue name, worded for reading."""
    t = _tables(data_dir)
    patients, visits, flags, imaging = t["patients"], t["visits"], t["lab_flags"], t["imaging_findings"]
    values = _completeness_facts(patients, visits, flags, t)
    values |= _bone_facts(patients)
    values |= _flag_facts(visits, flags)
    values |= _single_values(patients, visits)
    values |= _imaging_facts(patients, imaging)
    rows = checklist(data_dir)
    coverage = workup_coverage(rows, t)
    values |= {"n_checklist_tests": len(coverage),
               "n_checklist_reported": int((coverage["Result reported for"] != "—").sum())}
    return values


def _completeness_facts(patients, visits, flags, tables) -> dict[str, object]:
    baseline = baseline_labs(visits)
    counts = baseline.groupby("analyte", observed=False).size()
    no_pth = set(patients["patient_id"]) - set(patients_with_result("visits.pth_pg_ml", tables))
    ca_flagged = flagged_patients(flags, "calcium_mg_dl", visit="baseline")
    return {
        "n_patients": len(patients),
        "n_analytes": len(REFERENCE_INTERVALS),
        "n_baseline_cells": len(patients) * len(REFERENCE_INTERVALS),
        "n_baseline_values": len(baseline),
        "n_pth_baseline": int(counts["pth_pg_ml"]),
        "n_no_pth_baseline": len(no_pth),
        "n_ca_flagged_baseline": len(ca_flagged),
        "n_ca_flagged_no_pth": len(no_pth & set(ca_flagged)),
        "ca_flagged_no_pth_phrase": share_of_group(len(no_pth & set(ca_flagged)), len(ca_flagged)),
        "ids_ca_flagged_baseline": _labels(ca_flagged),
    }


def _bone_facts(patients) -> dict[str, object]:
    scores = patients[list(T_SCORE_SITES)].astype(float)
    l1_l4, l2_l4, neck = (scores[column] for column in T_SCORE_SITES)
    summary = mean_sd_vs_reported(patients, T_SCORE_SITES)
    ages = patients["age_years"]
    n, n_any = len(patients), len(osteoporotic_patients(patients))
    n_every = int(scores.le(WHO_OSTEOPOROSIS_MAX).all(axis=1).sum())
    n_spine = int((l1_l4.lt(neck) & l2_l4.lt(neck)).sum())
    return {
        "any_site_osteo_phrase": share_of_patients(n_any, n, ("has", "have")),
        "any_site_osteo_sentence": capitalised(share_of_patients(n_any, n, ("has", "have"))),
        "every_site_osteo_phrase": share_of_patients(n_every, n, ("has", "have")),
        "spine_below_hip_phrase": capitalised(share_of_patients(n_spine, n, ("has", "have"))),
        "who_osteo_max": number(WHO_OSTEOPOROSIS_MAX, 1),
        "z_below_max": number(Z_BELOW_EXPECTED_MAX, 1),
        "n_any_site_osteo": n_any,
        "n_every_site_osteo": n_every,
        "n_spine_below_hip": n_spine,
        "neck_sd_table": number(summary.loc["t_score_femoral_neck", "Table I: SD"], 2),
        "age_min": number(ages.min()),
        "age_max": number(ages.max()),
    }


def _flag_facts(visits, flags) -> dict[str, object]:
    arrows = flags.groupby(["analyte", "flag"], observed=False).size()
    table = flag_table(visits, flags)
    mg = visits["magnesium_mg_dl"].dropna().astype(float)
    mg_ref = REFERENCE_INTERVALS["magnesium_mg_dl"]
    phos_low_end, phos_high_end = PHOSPHATE_UPPER_LIMITS
    vitd = table[table["analyte"] == "vitamin_d_25oh"]
    flagged = vitd[vitd["paper_flag"] == "low"]
    unflagged = vitd[vitd["paper_flag"] == ""].sort_values("value")
    lowest_unflagged = unflagged.iloc[0]
    ca_low = REFERENCE_INTERVALS["calcium_mg_dl"].low
    ca_unflagged = table.query("analyte == 'calcium_mg_dl' and status == 'below' and paper_flag == ''")
    vitd_all = visits[["patient_id", "visit", "vitamin_d_25oh"]].dropna()
    at_baseline = vitd_all[vitd_all["visit"] == "baseline"]["vitamin_d_25oh"]
    below_20 = vitd_all[vitd_all["vitamin_d_25oh"] < 20]
    return {
        "n_flags_total": len(flags),
        "n_flags_baseline": int((flags["visit"] == "baseline").sum()),
        "ca_arrows_low": int(arrows["calcium_mg_dl", "low"]),
        "ca_arrows_high": int(arrows["calcium_mg_dl", "high"]),
        "alp_arrows_high": int(arrows["alp_u_l", "high"]),
        "alp_flagged_ids": _labels(flagged_patients(flags, "alp_u_l", flag="high")),
        "mg_n": len(mg),
        "mg_min": _lab(mg.min()),
        "mg_max": _lab(mg.max()),
        "mg_n_above": int((mg > mg_ref.high).sum()),
        "mg_ref_low": _lab(mg_ref.low),
        "mg_ref_high": _lab(mg_ref.high),
        "phos_low_end": _lab(phos_low_end),
        "phos_high_end": _lab(phos_high_end),
        "mg_above_low_end": int((mg > phos_low_end).sum()),
        "mg_above_high_end": int((mg > phos_high_end).sum()),
        "mg_flagged_patient": _labels(flagged_patients(flags, "magnesium_mg_dl")),
        "pth_flagged_low_ids": _labels(flagged_patients(flags, "pth_pg_ml", visit="baseline", flag="low")),
        "vitd_lowest_flagged": _lab(flagged["value"].min()),
        "vitd_highest_flagged": _lab(flagged["value"].max()),
        "vitd_lowest_unflagged": _lab(lowest_unflagged["value"]),
        "vitd_lowest_unflagged_who": f"{patient_label(lowest_unflagged['patient_id'])}, "
                                     f"{VISIT_WORDS[lowest_unflagged['visit']]}",
        "ca_low": _lab(ca_low),
        "ca_unflagged_low": len(ca_unflagged),
        "vitd_n": len(vitd_all),
        "vitd_n_baseline": len(at_baseline),
        "vitd_below_30": int((vitd_all["vitamin_d_25oh"] < 30).sum()),
        "vitd_below_30_baseline": int((at_baseline < 30).sum()),
        "vitd_below_20": len(below_20),
        "vitd_below_20_who": "; ".join(
            f"{patient_label(p)} at {VISIT_WORDS[v]}"
            for p, v in zip(below_20["patient_id"], below_20["visit"], strict=True)) or "none",
    }


_SINGLE_VALUES = {
    "ca_p10_baseline": (10, "baseline", "calcium_mg_dl"),
    "ca_p1_month3": (1, "month_3", "calcium_mg_dl"),
    "ca_p3_baseline": (3, "baseline", "calcium_mg_dl"),
    "ca_p6_baseline": (6, "baseline", "calcium_mg_dl"),
    "ca_p4_month1": (4, "month_1", "calcium_mg_dl"),
    "pth_p8_baseline": (8, "baseline", "pth_pg_ml"),
    "vitd_p4_baseline": (4, "baseline", "vitamin_d_25oh"),
    "vitd_p6_baseline": (6, "baseline", "vitamin_d_25oh"),
    "alp_p3_baseline": (3, "baseline", "alp_u_l"),
    "alp_p6_baseline": (6, "baseline", "alp_u_l"),
}
"""The single Table II values the prose discusses by patient and visit: (patient, visit, column)."""


def _single_values(patients, visits) -> dict[str, object]:
    value_at = visits.set_index(["patient_id", "visit"])
    values: dict[str, object] = {name: _lab(value_at.loc[(pid, visit), column])
                                 for name, (pid, visit, column) in _SINGLE_VALUES.items()}
    values["p3_week"] = number(patients.set_index("patient_id").loc[3, "postpartum_week_at_diagnosis"])
    return values


def _imaging_facts(patients, imaging) -> dict[str, object]:
    vmap = vertebral_map(imaging, patients["patient_id"])
    named = vmap.index[(vmap != "").any(axis=1)]
    cells = vmap.stack()
    treated = vmap.index[vmap.apply(lambda row: row.str.contains("vertebroplasty").any(), axis=1)]
    implied = implied_spinal_patients(patients, imaging)
    weeks = patients["postpartum_week_at_diagnosis"]
    return {
        "n_named_spine": len(named),
        "ids_named_spine": _labels(named),
        "n_spine_unnamed": int(printed("cs_spinal_involvement").value) - len(named),
        "n_spine_implied": len(implied),
        "ids_spine_implied": _labels(implied),
        "n_fracture_levels": int(cells.str.contains("fracture").sum()),
        "n_vertebroplasty_levels": int(cells.str.contains("vertebroplasty").sum()),
        "ids_vertebroplasty": _labels(treated),
        "vertebroplasty_levels_phrase": _levels_of(list(map(patient_label, treated)),
                                                   int(cells.str.contains("vertebroplasty").sum())),
        "n_other_sites": len(non_spinal_sites(imaging)),
        "week_min": number(weeks.min()),
        "week_max": number(weeks.max()),
    }


# ------------------------------------------------------------------------------ tables
def baseline_counts_table(data_dir: str | Path | None = None) -> Table:
    """For each Table II analyte, how many patients have a value at the baseline visit."""
    t = _tables(data_dir)
    counts = baseline_labs(t["visits"]).groupby("analyte", observed=False).size()
    rows = pd.DataFrame({"analyte": [REFERENCE_INTERVALS[a].label for a in counts.index],
                         "n": counts.to_numpy()})
    header = f"Patients with a baseline value (of {len(t['patients'])})"
    return show(readable(rows, {"analyte": "Analyte", "n": header}))


def who_table(data_dir: str | Path | None = None) -> Table:
    """Patients in each WHO category at each DXA site (Table I)."""
    counts = who_category_counts(_tables(data_dir)["patients"]).reset_index()
    headers = {"DXA site": "DXA site", "osteoporosis": f"Osteoporosis (T ≤ {WHO_OSTEOPOROSIS_MAX:g})",
               "osteopenia": "Osteopenia (in between)", "normal": f"Normal (T ≥ {WHO_NORMAL_MIN:g})"}
    return show(readable(counts, headers))


def t_score_summary_table(data_dir: str | Path | None = None) -> Table:
    """Mean and SD of each DXA site from Table I beside the mean ± SD the text prints."""
    summary = mean_sd_vs_reported(_tables(data_dir)["patients"], T_SCORE_SITES)
    summary = summary.set_axis([T_SCORE_SITES[c] for c in summary.index]).rename_axis("site")
    headers = {"site": "DXA site", "Table I: mean": "Mean, from Table I", "Table I: SD": "SD, from Table I",
               "text: mean": "Mean, printed in the text", "text: SD": "SD, printed in the text"}
    return show(readable(summary, headers, decimals=2))


def reference_intervals_table() -> Table:
    """The book's illustrative reference intervals, with the basis of each."""
    headers = {"analyte": "Analyte", "unit": "Unit", "low": "Lower limit", "high": "Upper limit",
               "basis": "Basis"}
    return show(readable(reference_table(), headers))


def agreement_table(data_dir: str | Path | None = None) -> Table:
    """Per analyte, how Table II's arrows agree with the illustrative interval (counts of values)."""
    t = _tables(data_dir)
    summary = interval_summary(t["visits"], t["lab_flags"])
    summary = summary.set_axis([REFERENCE_INTERVALS[a].label for a in summary.index]).rename_axis("analyte")
    return show(readable(summary, {"analyte": "Analyte", **{a: _AGREEMENT_WORDS[a] for a in AGREEMENT}}))


def magnesium_table(data_dir: str | Path | None = None) -> Table:
    """Summary of every value in Table II's "Mg (mg/dL)" column, as printed."""
    mg = _tables(data_dir)["visits"]["magnesium_mg_dl"].dropna().astype(float)
    rows = pd.DataFrame({"statistic": ["Number of values", "Mean", "SD", "Lowest", "Lower quartile",
                                       "Median", "Upper quartile", "Highest"],
                         "value": [len(mg), *(number(v, 2) for v in (mg.mean(), mg.std())), _lab(mg.min()),
                                   number(mg.quantile(0.25), 2), _lab(mg.median()),
                                   number(mg.quantile(0.75), 2), _lab(mg.max())]})
    return show(readable(rows, {"statistic": "Statistic", "value": "Magnesium as printed (mg/dL)"}))


def _unit_parts(unit: str) -> tuple[str, str]:
    """A unit and its note: "ng/mL; printed 'IU'" -> ("ng/mL", "printed 'IU'"), "mg/dL" -> ("mg/dL", "")."""
    for separator in ("; ", " ("):
        base, found, note = unit.partition(separator)
        if found:
            return base, note.rstrip(")")
    return unit, ""


def listing_table(analytes: Iterable[str], data_dir: str | Path | None = None) -> Table:
    """Every value of ``analytes`` that carries an arrow or lies outside the interval, one row each.

    For one analyte the unit heads the value column ("Value (ng/mL assumed; printed 'IU')" where
    the printed unit is not the one assumed) and the cells are bare numbers; for several, each
    cell carries its unit.
    """
    t = _tables(data_dir)
    table = flag_table(t["visits"], t["lab_flags"])
    table = table[table["analyte"].isin(list(analytes))]
    nbsp = "\u00a0"  # keeps "8.3 mg/dL" and "month 3" on one line in a narrow column
    single = table["analyte"].nunique() == 1
    units = {a: _unit_parts(REFERENCE_INTERVALS[a].unit) for a in table["analyte"].unique()}
    table = table.assign(
        analyte=table["analyte"].map(lambda a: REFERENCE_INTERVALS[a].label),
        patient=table["patient_id"].map(patient_label),
        visit=table["visit"].map(lambda v: VISIT_WORDS[v].replace(" ", nbsp)),
        value=[str(_lab(v)) if single else f"{_lab(v)}{nbsp}{units[a][0]}"
               for v, a in zip(table["value"], table["analyte"], strict=True)],
        status=[f"{s} {i}" for s, i in zip(table["status"], table["interval"], strict=True)],
        paper_flag=table["paper_flag"].replace("", "none"),
        agreement=table["agreement"].map(_AGREEMENT_WORDS),
    )
    value_header = "Value"
    if single:
        base, note = next(iter(units.values()))
        value_header = f"Value ({base} assumed; {note})" if note else f"Value ({base})"
    headers = {"analyte": "Analyte", "patient": "Patient", "visit": "Visit", "value": value_header,
               "status": "Against the illustrative interval", "paper_flag": "Arrow in Table II",
               "agreement": "Agreement"}
    if single:
        headers.pop("analyte")
    return show(readable(table, headers))


def cutoff_table(data_dir: str | Path | None = None) -> Table:
    """For each vitamin D cut-off, the values below it with and without a down arrow."""
    t = _tables(data_dir)
    table = flag_table(t["visits"], t["lab_flags"])
    vitd = table[table["analyte"] == "vitamin_d_25oh"]
    arrow = vitd["paper_flag"].eq("low")
    rows = []
    for cutoff in VITAMIN_D_CUTOFFS:
        below = vitd["value"].lt(cutoff)
        rows.append({"cutoff": cutoff, "with": int((below & arrow).sum()),
                     "without": int((below & ~arrow).sum()), "above": int((~below & arrow).sum())})
    headers = {"cutoff": "Cut-off (ng/mL)", "with": "Below, with arrow", "without": "Below, no arrow",
               "above": "Arrow, not below"}
    return show(readable(pd.DataFrame(rows), headers))


def other_sites_table(data_dir: str | Path | None = None) -> Table:
    """The imaging findings outside the spine, one row per patient and site."""
    headers = {"patient": "Patient", "site": "Site", "side": "Side",
               "finding_as_printed": "Finding, as printed", "source": "Where the paper gives it"}
    return show(readable(non_spinal_sites(_tables(data_dir)["imaging_findings"]), headers))


def checklist(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The book's work-up checklist (``book/content``) with its placeholders filled from the data."""
    t = _tables(data_dir)
    return fill(load_content("workup_checklist"), placeholder_values(t["patients"], t["visits"]))


def checklist_tables(data_dir: str | Path | None = None) -> tuple[Table, Table]:
    """The work-up checklist in two tables: why each test is done, then what the paper reports of it."""
    t = _tables(data_dir)
    rows = checklist(data_dir)
    coverage = workup_coverage(rows, t)
    rows = rows.assign(reported=rows["test"].map(coverage["Result reported for"]))
    first = {"test": "Test", "why_it_is_done": "Why it is done", "rules_in_or_out": "What it rules in or out",
             "reported": f"Which of the {len(t['patients'])} had it"}
    second = {"test": "Test", "in_this_series": "In this series", "sources": "Sources"}
    dash = "no result in the paper's tables (not reported; not necessarily not done)"
    return show(readable(rows, first), dash=dash), show(readable(rows, second), dash=dash)


def coverage_table(data_dir: str | Path | None = None) -> Table:
    """The checklist's coverage patient by patient: "yes" where the paper's tables hold a result."""
    t = _tables(data_dir)
    coverage = workup_coverage(checklist(data_dir), t).reset_index()
    return show(readable(coverage, {c: c for c in coverage.columns}),
                dash="no result in the paper's tables (not reported; not necessarily not done)")
