"""Chapter 2, the cohort: the numbers its prose quotes and the tables it shows.

:func:`facts` returns every value the chapter glues into its prose, keyed by glue name
(all start with ``cohort_``) and worded for reading: counts as integers, means and SDs
with the decimals the prose uses, patients as "P3 and P9". The ``*_table`` functions
return its tables in words (:func:`plro.tables.show`). Everything is computed from
Table I (``plro.data``) and the paper's printed summaries (``plro.describe``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from plro.bone_density import (
    T_SCORE_SITES,
    WHO_NORMAL_MIN,
    WHO_OSTEOPOROSIS_MAX,
    Z_BELOW_EXPECTED_MAX,
    lumbar_evaluability,
    t_scores_long,
)
from plro.data import load_imaging_findings, load_patients, patient_label
from plro.describe import cohort_table, computed_vs_reported, describe_continuous, reported_summary
from plro.paper import statement
from plro.symptoms import region_grid, spinal_patients, symptom_pattern, symptom_regions
from plro.tables import NOT_REPORTED, Table, and_list, cohort_table_html, count_word, number, readable, show

__all__ = ["BREASTFEEDING_WORDS", "NEAR_MARGIN", "cohort_table_shown", "comparison_table",
           "correlation_table", "facts", "rank_correlations", "regions_table", "treatment_table",
           "who_counts", "who_table"]

NEAR_MARGIN = 0.1
"""How close to a WHO threshold (in T-score units) the prose counts a value as "near the line"."""

BREASTFEEDING_WORDS = {"discontinued": "stopped", "continued": "continued", "not_stated": NOT_REPORTED}
"""Table I's breast-feeding decision as a table cell says it."""

_STATS = ("n", "mean", "sd", "median", "q1", "q3", "min", "max")


def _labels(ids) -> str:
    return and_list(map(patient_label, ids))


def _summary(prefix: str, stats: dict[str, float], places: dict[str, int]) -> dict[str, object]:
    """``{prefix_stat: number}`` for the statistics in ``stats``: whole values as integers, others
    with ``places[stat]`` decimals (default 1); None values are left out."""
    return {f"{prefix}_{stat}": number(value, 0 if float(value).is_integer() else places.get(stat, 1))
            for stat, value in stats.items() if value is not None}


def who_counts(patients: pd.DataFrame) -> pd.DataFrame:
    """T-scores per DXA site (rows, Table I's order) and WHO category (columns): counts."""
    t_long = t_scores_long(patients)
    return pd.crosstab(t_long["site"], t_long["who_category"])


def rank_correlations(patients: pd.DataFrame) -> tuple[float, float, list[int]]:
    """Spearman's rho of age and femoral neck T-score: all ten, without the two youngest, and those two."""
    youngest = patients.nsmallest(2, "age_years")
    others = patients.drop(youngest.index)

    def rho(frame: pd.DataFrame) -> float:
        return float(frame["age_years"].astype(float).corr(frame["t_score_femoral_neck"].astype(float),
                                                           method="spearman"))

    return rho(patients), rho(others), list(youngest["patient_id"])


def facts(data_dir: str | Path | None = None) -> dict[str, object]:
    """Every value chapter 2's prose quotes, keyed by its glue name, worded for reading."""
    patients = load_patients(data_dir)
    n = len(patients)
    values: dict[str, object] = {"cohort_n": n, "cohort_pct_per_patient": number(100 / n)}

    age = describe_continuous(patients["age_years"])
    values |= _summary("cohort_age", age, {"n": 0, "min": 0, "max": 0, "q1": 1, "q3": 1})
    values["cohort_age_sd_2dp"] = number(age["sd"], 2)
    values["cohort_age_sd_divide_by_n"] = number(patients["age_years"].astype(float).std(ddof=0), 2)
    values |= _summary("cohort_age_rep", reported_summary("age_years"), {"mean": 2, "sd": 2, "median": 0})

    smokers = patients.loc[patients["smoking"].astype(bool), "patient_id"]
    given = patients["bisphosphonate"].astype(bool)
    nursing = patients["breastfeeding"] == "continued"
    unknown = patients["breastfeeding"] == "not_stated"
    values |= {
        "cohort_smokers": len(smokers),
        "cohort_smokers_ids": _labels(smokers),
        "cohort_bisphosphonate": int(given.sum()),
        "cohort_bisphosphonate_word": count_word(int(given.sum())).capitalize(),  # opens a sentence
        "cohort_breastfeeding_continued": int(nursing.sum()),
        "cohort_bp_given": _labels(patients.loc[given, "patient_id"]),
        "cohort_bp_nursing": _labels(patients.loc[nursing, "patient_id"]),
        "cohort_bp_unknown": _labels(patients.loc[unknown, "patient_id"]),
        "cohort_washout_quote": statement("disc_bisphosphonate_washout").quote,
    }

    comparison = computed_vs_reported(patients)
    largest = comparison.loc[comparison["difference"].abs().idxmax()]
    values |= {
        "cohort_diff_n_rows": len(comparison),
        "cohort_diff_n_zero": int((comparison["difference"] == 0).sum()),
        "cohort_diff_largest_var": f"{largest['variable']} ({largest['statistic']})",
        "cohort_diff_largest": number(largest["difference"], 2),
    }

    spinal = spinal_patients(patients)
    values |= {
        "cohort_vas_spinal_n": int(spinal.sum()),
        "cohort_vas_spinal_mean": number(patients.loc[spinal, "vas_table_i"].astype(float).mean(), 1),
        "cohort_vas_other_ids": _labels(patients.loc[~spinal, "patient_id"]),
    }
    values |= _symptom_facts(patients)
    values |= _week_facts(patients)
    values |= _t_score_facts(patients, data_dir)

    rho_all, rho_others, youngest = rank_correlations(patients)
    values |= {"cohort_rho_all": number(rho_all, 2), "cohort_rho_wo_young": number(rho_others, 2),
               "cohort_youngest_two": _labels(youngest)}
    return values


def _symptom_facts(patients: pd.DataFrame) -> dict[str, object]:
    n = len(patients)
    regions = symptom_regions(patients)
    by_region = regions.groupby("region", observed=True)["present"].sum()
    low_back = int(by_region["low back"])
    no_low_back = regions.query("region == 'low back' and not present")["patient_id"]
    return {
        "cohort_low_back_n": low_back,
        "cohort_low_back_pct": number(100 * low_back / n),
        "cohort_back_low_back_n": int(symptom_pattern(patients).value_counts()["Back + low back"]),
        "cohort_hip_n": int(by_region["hip"]),
        "cohort_no_low_back": _labels(no_low_back),
        "cohort_low_back_if_p3": low_back + 1,
        "cohort_low_back_if_p3_word": count_word(low_back + 1).capitalize(),  # opens a sentence
        "cohort_low_back_if_p3_pct": number(100 * (low_back + 1) / n),
    }


def _week_facts(patients: pd.DataFrame) -> dict[str, object]:
    weeks = patients["postpartum_week_at_diagnosis"]
    places = {"n": 0, "min": 0, "max": 0, "median": 0, "mean": 1, "sd": 2, "q1": 1, "q3": 1}
    without = {**places, "sd": 1}
    values = _summary("cohort_weeks", describe_continuous(weeks), places)
    without_p1 = describe_continuous(weeks[patients["patient_id"] != 1])
    values |= {f"{key}_wo_p1": value for key, value in _summary("cohort_weeks", without_p1, without).items()}
    values |= _summary("cohort_weeks_rep", reported_summary("postpartum_week_at_diagnosis"),
                       {"mean": 0, "sd": 2, "median": 0})
    values |= {"cohort_p1": patient_label(1),
               "cohort_diagnosis_header": statement("ti_time_of_diagnosis").quote}
    return values


def _t_score_facts(patients: pd.DataFrame, data_dir: str | Path | None) -> dict[str, object]:
    t_long = t_scores_long(patients)
    counts = who_counts(patients)
    site_means = t_long.groupby("site", observed=True)["t_score"].mean()
    values: dict[str, object] = {
        "cohort_who_normal": number(WHO_NORMAL_MIN),
        "cohort_who_osteoporosis": number(WHO_OSTEOPOROSIS_MAX, 1),
        "cohort_z_below": number(Z_BELOW_EXPECTED_MAX, 1),
        "cohort_t_n": len(t_long),
    }
    for column, site in T_SCORE_SITES.items():
        key = column.removeprefix("t_score_")
        for category in counts.columns:
            values[f"cohort_{key}_{category}"] = int(counts.loc[site, category])
        values[f"cohort_{key}_mean"] = number(site_means[site], 2)
        values[f"cohort_{key}_rep_mean"] = number(reported_summary(column)["mean"], 2)

    edge = t_long.query("site == 'Lumbar spine L2-L4' and who_category == 'osteopenia'")
    on_line = t_long[t_long["t_score"] == WHO_NORMAL_MIN]
    gap = pd.concat([(t_long["t_score"] - y).abs().round(2) for y in (WHO_NORMAL_MIN, WHO_OSTEOPOROSIS_MAX)],
                    axis=1).min(axis=1)
    values |= {
        "cohort_l2l4_osteopenia_who": _labels(edge["patient_id"]),
        "cohort_l2l4_osteopenia_t": and_list(f"{t:.1f}" for t in edge["t_score"]),
        "cohort_fn_normal_who": _labels(on_line["patient_id"]),
        "cohort_near_line_n": int((gap <= NEAR_MARGIN).sum()),
        "cohort_near_line_word": count_word(int((gap <= NEAR_MARGIN).sum())).capitalize(),  # opens a sentence
        "cohort_near_margin": number(NEAR_MARGIN, 1),
    }

    imaging = load_imaging_findings(data_dir)
    fractures = imaging[imaging["finding"] == "compression_fracture"]
    in_l1_l4 = fractures[fractures["site"].isin(["L1", "L2", "L3", "L4"])]
    unreadable = lumbar_evaluability(fractures).query("not interpretable")
    unreadable_ids = list(unreadable["patient_id"].drop_duplicates())
    neck = patients.set_index("patient_id").loc[unreadable_ids, "t_score_femoral_neck"]
    values |= {
        "cohort_l1l4_fracture_patients": _labels(in_l1_l4["patient_id"].drop_duplicates()),
        "cohort_l1l4_fracture_levels": and_list(in_l1_l4["site"]),
        "cohort_lumbar_left": and_list(unreadable["remaining"].drop_duplicates()),
        "cohort_lumbar_unreadable": _labels(unreadable_ids),
        "cohort_lumbar_unreadable_fn": and_list(f"{t:.1f}" for t in neck),
    }
    return values


# ------------------------------------------------------------------------------ tables
def cohort_table_shown(data_dir: str | Path | None = None) -> Table:
    """Table 1 of the cohort (``plro.describe.cohort_table``) with its caption, as HTML."""
    patients = load_patients(data_dir)
    table = cohort_table(patients, symptom_pattern(patients))
    caption = (f"Table 1. The {len(patients)} patients, computed from the paper's Table I. "
               "Continuous variables: mean (SD, n - 1) and median [Q1, Q3]; T-scores are in SD units. "
               "Categorical variables: n (%). 'Not stated': Table I gives no breast-feeding decision "
               "for that patient.")
    return Table(cohort_table_html(table, caption), table.to_string())


def treatment_table(data_dir: str | Path | None = None) -> Table:
    """Each patient's age, breast-feeding decision and bisphosphonate, as Table I gives them."""
    patients = load_patients(data_dir)
    shown = patients.assign(patient=patients["patient_id"].map(patient_label),
                            breastfeeding=patients["breastfeeding"].astype(str).map(BREASTFEEDING_WORDS))
    headers = {"patient": "Patient", "age_years": "Age (years)",
               "breastfeeding": "Breast-feeding after diagnosis", "bisphosphonate": "Bisphosphonate"}
    return show(readable(shown, headers), dash="Table I states no breast-feeding decision")


def comparison_table(data_dir: str | Path | None = None) -> Table:
    """The Case Series text's summary statistics beside the same statistics computed from Table I."""
    headers = {"variable": "Variable", "statistic": "Statistic", "reported_in_text": "Printed in the text",
               "computed_from_table_i": "Computed from Table I",
               "difference": "Difference (computed − printed)"}
    comparison = computed_vs_reported(load_patients(data_dir))
    return show(readable(comparison, headers, decimals={c: 2 for c in headers}))


def regions_table(data_dir: str | Path | None = None) -> Table:
    """Which body regions each patient's Table I symptom description names (yes/no)."""
    grid = region_grid(load_patients(data_dir))
    grid = grid.set_axis(grid.index.map(patient_label)).rename_axis(index="patient")
    headers = {"patient": "Patient", **{r: "Groin (inguinal)" if r == "inguinal" else r.capitalize()
                                        for r in grid.columns}}
    return show(readable(grid.reset_index(), headers))


def who_table(data_dir: str | Path | None = None) -> Table:
    """Counts of T-scores in each WHO category at each DXA site (Table I)."""
    counts = who_counts(load_patients(data_dir)).reset_index()
    headers = {"site": "DXA site",
               "osteoporosis": f"Osteoporosis (T ≤ {WHO_OSTEOPOROSIS_MAX:g})",
               "osteopenia": "Osteopenia (in between)",
               "normal": f"Normal (T ≥ {WHO_NORMAL_MIN:g})"}
    return show(readable(counts, headers))


def correlation_table(data_dir: str | Path | None = None) -> Table:
    """Spearman's rho of age and femoral neck T-score, for all patients and without the two youngest."""
    patients = load_patients(data_dir)
    rho_all, rho_others, youngest = rank_correlations(patients)
    rows = pd.DataFrame({"who": [f"All {len(patients)}", f"Without {_labels(youngest)}"],
                         "rho": [rho_all, rho_others]})
    return show(readable(rows, {"who": "Patients", "rho": "Spearman's rho"}, decimals=2))
