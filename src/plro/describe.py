"""Describing the cohort: summary statistics, a "Table 1", and the paper's printed summaries.

* :func:`describe_continuous` gives n, mean, SD, median, quartiles and range
  of one column;
* :func:`cohort_variables` and :func:`cohort_table` build a "Table 1" of the
  cohort with the ``tableone`` package;
* :func:`reported_summary`, :func:`computed_vs_reported` and
  :func:`mean_sd_vs_reported` set the summary numbers printed in the paper's
  "Case Series" text (read from ``data/reported_statistics.csv`` through
  :mod:`plro.paper`) beside the same numbers recomputed from Table I, so that
  differences are shown rather than smoothed over.

HTML rendering of the table is in :mod:`plro.tables`.

Typical use::

    from plro.data import load_patients
    from plro.describe import cohort_table
    from plro.symptoms import symptom_pattern
    patients = load_patients()
    cohort_table(patients, symptom_pattern(patients))
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import pandas as pd

from plro.paper import printed

__all__ = [
    "CONTINUOUS_LABELS",
    "CATEGORICAL_LABELS",
    "REPORTED_CLAIMS",
    "describe_continuous",
    "cohort_variables",
    "cohort_table",
    "reported_summary",
    "computed_vs_reported",
    "mean_sd_vs_reported",
]

CONTINUOUS_LABELS = {
    "age_years": "Age, years",
    "postpartum_week_at_diagnosis": "Time of diagnosis, weeks after delivery",
    "vas_table_i": "Baseline pain, VAS 0-10",
    "t_score_l1_l4": "T-score, lumbar spine L1-L4",
    "t_score_l2_l4": "T-score, lumbar spine L2-L4",
    "t_score_femoral_neck": "T-score, femoral neck",
}
"""``patients.csv`` column -> readable label (with unit) for each continuous variable."""

CATEGORICAL_LABELS = {
    "smoking": "Smoking",
    "twin_pregnancy": "Twin pregnancy",
    "breastfeeding": "Breast-feeding after diagnosis",
    "symptom_pattern": "Presenting symptom pattern",
    "bisphosphonate": "Bisphosphonate",
    "vertebroplasty": "Vertebroplasty",
}
"""Column -> readable label for each categorical variable of Table 1."""

REPORTED_CLAIMS = {
    "age_years": {"mean": "cs_age_mean", "median": "cs_age_median"},
    "postpartum_week_at_diagnosis": {"mean": "cs_onset_mean", "median": "cs_onset_median"},
    "vas_table_i": {"mean": "cs_vas_mean"},
    "t_score_l1_l4": {"mean": "cs_tscore_l1_l4_mean"},
    "t_score_l2_l4": {"mean": "cs_tscore_l2_l4_mean"},
    "t_score_femoral_neck": {"mean": "cs_tscore_fn_mean"},
}
"""``patients.csv`` column -> claim ids (``data/reported_statistics.csv``) of the summary the
Case Series text prints for it: the "mean" claim carries the mean and its SD, the "median"
claim (where the text prints one) the median."""

_BREASTFEEDING = {"discontinued": "Discontinued", "continued": "Continued", "not_stated": "Not stated"}

_DECIMALS = {
    "age_years": 1,
    "postpartum_week_at_diagnosis": 1,
    "vas_table_i": 1,
    "t_score_l1_l4": 2,
    "t_score_l2_l4": 2,
    "t_score_femoral_neck": 2,
}


def describe_continuous(values: pd.Series) -> dict[str, float]:
    """n, mean, SD (n - 1), median, quartiles, minimum and maximum of one numeric column."""
    x = values.dropna().astype(float)
    return {
        "n": int(x.size),
        "mean": float(x.mean()),
        "sd": float(x.std(ddof=1)),
        "median": float(x.median()),
        "q1": float(x.quantile(0.25)),
        "q3": float(x.quantile(0.75)),
        "min": float(x.min()),
        "max": float(x.max()),
    }


def _yes_no(column: pd.Series) -> pd.Series:
    if column.isna().any():
        raise ValueError(f"column {column.name!r} has missing values; Table 1 would hide them")
    return column.map({True: "Yes", False: "No"}).astype(str)


def cohort_variables(patients: pd.DataFrame, symptom_pattern: pd.Series) -> pd.DataFrame:
    """The Table 1 variables, one row per patient, with readable names and values.

    Continuous columns become floats; yes/no columns become "Yes"/"No"; breast-feeding
    status reads "Discontinued", "Continued" or "Not stated"; the symptom pattern is
    ``symptom_pattern``, one label per patient aligned with ``patients`` (for example
    :func:`plro.symptoms.symptom_pattern`). Column names are the labels in
    :data:`CONTINUOUS_LABELS` and :data:`CATEGORICAL_LABELS`.
    """
    if len(symptom_pattern) != len(patients) or symptom_pattern.isna().any():
        raise ValueError("symptom_pattern needs one label per patient, none missing")
    continuous = {
        CONTINUOUS_LABELS[col]: patients[col].astype(float) for col in CONTINUOUS_LABELS
    }
    categorical = {
        CATEGORICAL_LABELS["smoking"]: _yes_no(patients["smoking"]),
        CATEGORICAL_LABELS["twin_pregnancy"]: _yes_no(patients["twin_pregnancy"]),
        CATEGORICAL_LABELS["breastfeeding"]: patients["breastfeeding"].astype(str).map(_BREASTFEEDING),
        CATEGORICAL_LABELS["symptom_pattern"]: pd.Series(
            symptom_pattern.astype(str).to_numpy(), index=patients.index),
        CATEGORICAL_LABELS["bisphosphonate"]: _yes_no(patients["bisphosphonate"]),
        CATEGORICAL_LABELS["vertebroplasty"]: _yes_no(patients["vertebroplasty"]),
    }
    return pd.DataFrame({**continuous, **categorical}).reset_index(drop=True)


def _category_order(variables: pd.DataFrame) -> dict[str, list[str]]:
    order = {CATEGORICAL_LABELS[c]: ["Yes", "No"] for c in
             ("smoking", "twin_pregnancy", "bisphosphonate", "vertebroplasty")}
    order[CATEGORICAL_LABELS["breastfeeding"]] = list(_BREASTFEEDING.values())
    pattern = variables[CATEGORICAL_LABELS["symptom_pattern"]]
    counts = pattern.value_counts()
    order[CATEGORICAL_LABELS["symptom_pattern"]] = sorted(counts.index, key=lambda k: (-counts[k], k))
    return order


def cohort_table(patients: pd.DataFrame, symptom_pattern: pd.Series) -> pd.DataFrame:
    """A "Table 1" of the cohort built with ``tableone`` (see :func:`cohort_variables`).

    Rows are a two-level index (variable, statistic or level). Each continuous
    variable has two rows, "mean (SD)" (SD with n - 1) and "median [Q1, Q3]";
    each categorical variable has one row per level, "n (%)". The single
    column is headed "All patients (n = N)".
    """
    from tableone import TableOne

    variables = cohort_variables(patients, symptom_pattern)
    cont = list(CONTINUOUS_LABELS.values())
    cat = list(CATEGORICAL_LABELS.values())
    decimals = {CONTINUOUS_LABELS[c]: d for c, d in _DECIMALS.items()} | {c: 0 for c in cat}
    common = {"data": variables, "missing": False, "label_suffix": False, "decimals": decimals}
    with warnings.catch_warnings():
        # tableone 0.9 uses a pandas idiom that pandas 3 deprecates; the result is unaffected.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        normal = TableOne(**common, columns=cont + cat, continuous=cont, categorical=cat,
                          order=_category_order(variables)).tableone
        skewed = TableOne(**common, columns=cont, continuous=cont, categorical=[],
                          nonnormal=cont).tableone
    column = normal.columns[0]
    rows = []
    for label in cont:
        rows.append((label, "mean (SD)", normal.loc[(label, ""), column]))
        rows.append((label, "median [Q1, Q3]", skewed.loc[(label, ""), column]))
    for label in cat:
        for level, value in normal.loc[label, column].items():
            rows.append((label, f"{level}, n (%)", value))
    table = pd.DataFrame(rows, columns=["Variable", "Statistic", f"All patients (n = {len(variables)})"])
    return table.set_index(["Variable", "Statistic"])


def reported_summary(column: str) -> dict[str, float | None]:
    """What the Case Series text prints for ``column``: ``{"mean", "sd", "median"}``.

    Read from ``data/reported_statistics.csv`` (claims in :data:`REPORTED_CLAIMS`)
    with :func:`plro.paper.printed`; ``None`` where the text prints no such number.
    """
    if column not in REPORTED_CLAIMS:
        raise KeyError(f"the text prints no summary of {column!r}; known: {sorted(REPORTED_CLAIMS)}")
    claims = REPORTED_CLAIMS[column]
    mean = printed(claims["mean"])
    median = printed(claims["median"]).value if "median" in claims else None
    return {"mean": mean.value, "sd": mean.sd, "median": median}


def computed_vs_reported(patients: pd.DataFrame) -> pd.DataFrame:
    """The paper's printed summary statistics beside the same statistics computed from Table I.

    One row per variable and statistic (mean, SD, median where the text prints
    one): ``variable`` (readable label), ``statistic``, ``reported_in_text``,
    ``computed_from_table_i`` and ``difference`` (computed minus reported).
    """
    rows = []
    for col in REPORTED_CLAIMS:
        reported = reported_summary(col)
        computed = describe_continuous(patients[col])
        for stat in ("mean", "sd", "median"):
            if reported[stat] is None:
                continue
            rows.append(
                {
                    "variable": CONTINUOUS_LABELS[col],
                    "statistic": "SD" if stat == "sd" else stat,
                    "reported_in_text": reported[stat],
                    "computed_from_table_i": round(computed[stat], 2),
                }
            )
    table = pd.DataFrame(rows)
    return table.assign(
        difference=(table["computed_from_table_i"] - table["reported_in_text"]).round(2)
    )


def mean_sd_vs_reported(patients: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Mean and SD (n - 1) of each of ``columns`` from Table I beside the text's mean ± SD.

    Index: ``columns``; columns "Table I: mean", "Table I: SD", "text: mean",
    "text: SD" (unrounded; the printed values as in :func:`reported_summary`).
    """
    rows = {}
    for col in columns:
        computed, reported = describe_continuous(patients[col]), reported_summary(col)
        rows[col] = {"Table I: mean": computed["mean"], "Table I: SD": computed["sd"],
                     "text: mean": reported["mean"], "text: SD": reported["sd"]}
    return pd.DataFrame.from_dict(rows, orient="index")
