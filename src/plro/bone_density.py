"""DXA T-scores and the WHO densitometric categories.

The WHO categories were defined for postmenopausal women: a T-score at or
above -1 is normal, between -1 and -2.5 is osteopenia (low bone mass), and at
or below -2.5 is osteoporosis. For premenopausal women, such as every patient
in this series, Z-scores (comparison with age-matched women) are the
recommended measure (the 2005 ISCD Official Positions, which call a Z-score of
-2.0 or lower "below the expected range for age"); the paper reports only
T-scores, so the categories here describe the published numbers, not a diagnosis.

A lumbar T-score also depends on which vertebrae it is measured over. Fractured
vertebrae are left out of the analysis, and a spine value from a single
remaining vertebra is not used for diagnosis (2023 ISCD Official Positions on
reporting fewer than four vertebrae); :func:`lumbar_evaluability` says, for each
patient, which vertebrae of each lumbar region are left once her fractured levels
are removed.

Typical use::

    from plro.data import load_patients
    from plro.bone_density import t_scores_long, who_category_counts
    who_category_counts(load_patients())
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "WHO_NORMAL_MIN",
    "WHO_OSTEOPOROSIS_MAX",
    "WHO_CATEGORIES",
    "T_SCORE_SITES",
    "who_category",
    "t_scores_long",
    "osteoporotic_patients",
    "who_category_counts",
    "Z_BELOW_EXPECTED_MAX",
    "LUMBAR_REGIONS",
    "MIN_EVALUABLE_VERTEBRAE",
    "evaluable_vertebrae",
    "lumbar_evaluability",
]

WHO_NORMAL_MIN = -1.0
"""T-scores at or above this value are 'normal' in the WHO scheme."""

WHO_OSTEOPOROSIS_MAX = -2.5
"""T-scores at or below this value are 'osteoporosis' in the WHO scheme."""

WHO_CATEGORIES = ("osteoporosis", "osteopenia", "normal")
"""The three WHO categories, from worst to best."""

T_SCORE_SITES = {
    "t_score_l1_l4": "Lumbar spine L1-L4",
    "t_score_l2_l4": "Lumbar spine L2-L4",
    "t_score_femoral_neck": "Femoral neck",
}
"""The three DXA sites of Table I: column name -> readable label."""

Z_BELOW_EXPECTED_MAX = -2.0
"""Z-scores at or below this value are 'below the expected range for age' (2005 ISCD positions)."""

LUMBAR_REGIONS: dict[str, tuple[str, ...]] = {
    "t_score_l1_l4": ("L1", "L2", "L3", "L4"),
    "t_score_l2_l4": ("L2", "L3", "L4"),
}
"""The vertebrae each lumbar T-score column of Table I is measured over."""

MIN_EVALUABLE_VERTEBRAE = 2
"""Fewest vertebrae a lumbar spine value may rest on (never a single vertebra; ISCD 2023)."""


def who_category(t_score: float) -> str:
    """WHO category of one T-score: 'osteoporosis' (<= -2.5), 'osteopenia', or 'normal' (>= -1).

    Raises ``ValueError`` for a missing value rather than guessing.
    """
    if t_score is None or pd.isna(t_score):
        raise ValueError("cannot categorise a missing T-score")
    if t_score <= WHO_OSTEOPOROSIS_MAX:
        return "osteoporosis"
    if t_score < WHO_NORMAL_MIN:
        return "osteopenia"
    return "normal"


def t_scores_long(patients: pd.DataFrame) -> pd.DataFrame:
    """One row per patient per DXA site: patient_id, site (readable label), t_score, who_category.

    ``site`` and ``who_category`` are ordered categoricals (sites in Table I order;
    categories from worst to best).
    """
    long = patients.melt(
        id_vars="patient_id", value_vars=list(T_SCORE_SITES), var_name="column", value_name="t_score"
    )
    return long.assign(
        site=pd.Categorical(long["column"].map(T_SCORE_SITES), list(T_SCORE_SITES.values()), ordered=True),
        t_score=long["t_score"].astype(float),
        who_category=pd.Categorical(
            long["t_score"].map(who_category), categories=list(WHO_CATEGORIES), ordered=True
        ),
    ).drop(columns="column")[["patient_id", "site", "t_score", "who_category"]]


def osteoporotic_patients(patients: pd.DataFrame, threshold: float = WHO_OSTEOPOROSIS_MAX) -> list:
    """Patient ids with at least one DXA T-score at or below ``threshold`` (default -2.5)."""
    scores = patients[list(T_SCORE_SITES)].astype(float)
    hit = (scores <= threshold).any(axis=1)
    return [int(p) for p in patients.loc[hit, "patient_id"]]


def who_category_counts(patients: pd.DataFrame) -> pd.DataFrame:
    """Number of patients in each WHO category, one row per DXA site (Table I order)."""
    return (
        t_scores_long(patients)
        .pipe(lambda d: pd.crosstab(d["site"], d["who_category"]))
        .rename_axis(index="DXA site", columns="WHO category")
    )


def evaluable_vertebrae(region: str, fractured_levels) -> tuple[str, ...]:
    """Vertebrae of a lumbar ``region`` (a key of ``LUMBAR_REGIONS``) left once fractured ones are removed.

    ``fractured_levels`` is any iterable of level names such as ``["L1", "T12"]``;
    levels outside the region are ignored. Raises ``KeyError`` naming the known
    regions for an unknown one.
    """
    if region not in LUMBAR_REGIONS:
        raise KeyError(f"unknown lumbar region {region!r}; known: {', '.join(LUMBAR_REGIONS)}")
    fractured = {str(level).strip().upper() for level in fractured_levels}
    return tuple(level for level in LUMBAR_REGIONS[region] if level not in fractured)


def lumbar_evaluability(fractures: pd.DataFrame) -> pd.DataFrame:
    """Per patient with a fracture inside a lumbar region: what is left of each region.

    ``fractures`` has one row per fractured vertebra, with columns ``patient_id``
    and ``site`` (level names such as ``"L2"``). Returns one row per patient and
    region that contains at least one of her fractured levels, with columns
    patient_id, region (the T-score column), fractured (levels inside the region,
    comma-separated), remaining (the other levels), n_remaining and
    interpretable (``n_remaining >= MIN_EVALUABLE_VERTEBRAE``).
    """
    missing = {"patient_id", "site"} - set(fractures.columns)
    if missing:
        raise KeyError(f"fractures table lacks column(s): {', '.join(sorted(missing))}")
    rows = []
    for pid, group in fractures.groupby("patient_id", sort=True):
        levels = [str(s).strip().upper() for s in group["site"]]
        for region, vertebrae in LUMBAR_REGIONS.items():
            inside = [v for v in vertebrae if v in levels]
            if not inside:
                continue
            remaining = evaluable_vertebrae(region, levels)
            rows.append({
                "patient_id": int(pid),
                "region": region,
                "fractured": ", ".join(inside),
                "remaining": ", ".join(remaining),
                "n_remaining": len(remaining),
                "interpretable": len(remaining) >= MIN_EVALUABLE_VERTEBRAE,
            })
    columns = ["patient_id", "region", "fractured", "remaining", "n_remaining", "interpretable"]
    return pd.DataFrame(rows, columns=columns)
