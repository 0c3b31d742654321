"""Numbers for the pages on caring for the patient and on the case cards.

The chapters on the patient's side and on follow-up, and the four case cards,
never type a number from the data: they read it through these functions.
Each works on the tables of :mod:`plro.data` and changes nothing; a value the
paper did not report (N/A) is never filled in, and asking for one raises an
error that names the patient, the visit and the column, so a page cannot print
a missing value as if it were a number.

Typical use::

    from plro.data import load_imaging_findings, load_patients, load_visits
    from plro.care import case_facts, lumbar_dxa_readability, fractured_levels
    facts = case_facts(load_patients(), load_visits(), 10)
    lumbar_dxa_readability(fractured_levels(load_imaging_findings(), 10))
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

import pandas as pd

from plro.data import VISITS, patient_label

__all__ = [
    "LUMBAR_REGION",
    "VISIT_KEYS",
    "LAB_KEYS",
    "join_and",
    "label_list",
    "patients_where",
    "visit_value",
    "lab_flag",
    "case_facts",
    "fractured_levels",
    "LumbarReadability",
    "lumbar_dxa_readability",
    "least_significant_change",
]

# The four vertebrae of the usual lumbar DXA region (L1-L4).
LUMBAR_REGION = ("L1", "L2", "L3", "L4")

# Short keys of the visits, as used in placeholder names (p6_ca_m1 ...).
VISIT_KEYS = dict(zip(VISITS, ("baseline", "m1", "m3", "m6"), strict=True))

# Short keys of the visits.csv columns used on the cards.
LAB_KEYS = {
    "vas": "vas",
    "calcium_mg_dl": "ca",
    "magnesium_mg_dl": "mg",
    "vitamin_d_25oh": "vitd",
    "alp_u_l": "alp",
    "pth_pg_ml": "pth",
}

_PATIENT_KEYS = {
    "age_years": "age",
    "postpartum_week_at_diagnosis": "week",
    "vas_table_i": "vas_table_i",
    "t_score_l1_l4": "t_l1l4",
    "t_score_l2_l4": "t_l2l4",
    "t_score_femoral_neck": "t_fn",
}


def join_and(items: Iterable) -> str:
    """Items joined for prose: "T6, T10 and T11", "3 and 3"; an empty list gives "none"."""
    words = [str(item) for item in items]
    if not words:
        return "none"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def label_list(patient_ids: Iterable[int]) -> str:
    """Patient labels in the order given, joined for prose: "P8 and P10", "P3, P6 and P10".

    An empty list gives "none", so a sentence never silently loses its subject.
    """
    return join_and(patient_label(int(pid)) for pid in patient_ids)


def patients_where(patients: pd.DataFrame, mask: pd.Series) -> list[int]:
    """The ``patient_id`` values of the rows of ``patients`` where ``mask`` is true, in order."""
    if len(mask) != len(patients):
        raise ValueError(f"mask has {len(mask)} rows, patients has {len(patients)}")
    return [int(pid) for pid in patients.loc[mask.to_numpy(dtype=bool), "patient_id"]]


# Columns whose whole values print without a decimal (VAS 9, ALP 126, 25(OH)D 46); the others
# (calcium, the "Mg" column, T-scores) keep theirs (9.0, -2.0), as the paper prints them.
_WHOLE_WHEN_WHOLE = {"age_years", "postpartum_week_at_diagnosis", "vas_table_i", "vas",
                     "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"}


def _number(value):
    """A float that is a whole number becomes an int (9.0 -> 9); other floats stay as they are."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):
        return _number(value.item())
    return value


def visit_value(visits: pd.DataFrame, patient_id: int, visit: str, column: str):
    """One value of ``visits.csv``, as the data hold it; an N/A cell raises ``LookupError``.

    The error names the patient, visit and column, so a page that asks for a
    value the paper did not report fails instead of printing "nan".
    """
    if visit not in VISITS:
        raise KeyError(f"unknown visit {visit!r}; expected one of {list(VISITS)}")
    if column not in visits.columns:
        raise KeyError(f"visits has no column {column!r}")
    rows = visits[(visits["patient_id"] == patient_id) & (visits["visit"] == visit)]
    if len(rows) != 1:
        raise LookupError(f"{patient_label(patient_id)} has {len(rows)} rows for visit {visit!r}")
    value = rows[column].iloc[0]
    if pd.isna(value):
        raise LookupError(
            f"{patient_label(patient_id)}, visit {visit!r}, column {column!r}: not reported (N/A)"
        )
    return _number(value) if column in _WHOLE_WHEN_WHOLE else float(value)


def lab_flag(flags: pd.DataFrame, patient_id: int, visit: str, analyte: str) -> str | None:
    """The paper's arrow for one value ("high" or "low", from ``lab_flags.csv``), or ``None``.

    Flags are read, never inferred from a reference interval.
    """
    if visit not in VISITS:
        raise KeyError(f"unknown visit {visit!r}; expected one of {list(VISITS)}")
    rows = flags[(flags["patient_id"] == patient_id) & (flags["visit"] == visit)
                 & (flags["analyte"] == analyte)]
    if len(rows) > 1:
        raise LookupError(f"{patient_label(patient_id)}, {visit}, {analyte}: {len(rows)} flags")
    return None if rows.empty else str(rows["flag"].iloc[0])


def case_facts(patients: pd.DataFrame, visits: pd.DataFrame, patient_id: int) -> dict:
    """Every reported number of one patient, keyed as the case cards name them.

    Keys are ``p{k}_age``, ``p{k}_week``, ``p{k}_vas_table_i``, ``p{k}_t_l1l4``,
    ``p{k}_t_l2l4``, ``p{k}_t_fn`` from ``patients.csv``, and
    ``p{k}_{lab}_{visit}`` (lab: vas, ca, mg, vitd, alp, pth; visit: baseline,
    m1, m3, m6) from ``visits.csv``. A value the paper did not report has no key
    at all, so a page that uses it fails to build rather than print N/A.
    """
    rows = patients[patients["patient_id"] == patient_id]
    if len(rows) != 1:
        raise LookupError(f"patients has {len(rows)} rows for patient_id {patient_id}")
    row = rows.iloc[0]
    prefix = f"p{patient_id}"
    facts = {}
    for column, key in _PATIENT_KEYS.items():
        if pd.notna(row[column]):
            value = row[column]
            facts[f"{prefix}_{key}"] = (
                _number(value) if column in _WHOLE_WHEN_WHOLE else float(value)
            )
    for visit, vkey in VISIT_KEYS.items():
        for column, lkey in LAB_KEYS.items():
            try:
                facts[f"{prefix}_{lkey}_{vkey}"] = visit_value(visits, patient_id, visit, column)
            except LookupError:
                continue
    return facts


def _level_order(level: str) -> tuple[int, int]:
    region = {"C": 0, "T": 1, "L": 2, "S": 3}
    if not level or level[0] not in region or not level[1:].isdigit():
        raise ValueError(f"not a vertebral level: {level!r}")
    return region[level[0]], int(level[1:])


def fractured_levels(imaging: pd.DataFrame, patient_id: int) -> list[str]:
    """The vertebral levels with a compression fracture for one patient, head to tail."""
    rows = imaging[(imaging["patient_id"] == patient_id)
                   & (imaging["finding"] == "compression_fracture")]
    return sorted(set(rows["site"]), key=_level_order)


@dataclass(frozen=True)
class LumbarReadability:
    """Which vertebrae of a lumbar DXA region remain once fractured ones are excluded."""

    region: tuple[str, ...]
    fractured: tuple[str, ...]
    remaining: tuple[str, ...]

    @property
    def readable(self) -> bool:
        """At least two vertebrae remain: a spine value is not based on a single vertebra."""
        return len(self.remaining) >= 2


def lumbar_dxa_readability(
    fractured: Iterable[str], region: Iterable[str] = LUMBAR_REGION
) -> LumbarReadability:
    """Split a lumbar DXA region into fractured and remaining vertebrae.

    Fractured vertebrae are excluded from a lumbar spine analysis, and a spine
    value should not rest on a single vertebra (the 2023 ISCD positions on
    reporting fewer than four vertebrae); ``readable`` says whether at least two
    remain. ``region`` defaults to L1-L4; pass ("L2", "L3", "L4") for L2-L4.
    """
    region = tuple(region)
    broken = set(fractured)
    for level in broken | set(region):
        _level_order(level)
    return LumbarReadability(
        region=region,
        fractured=tuple(v for v in region if v in broken),
        remaining=tuple(v for v in region if v not in broken),
    )


def least_significant_change(precision_error: float, confidence: float = 0.95) -> float:
    """The least significant change between two scans, from one unit's precision error.

    The change between two measurements on the same DXA unit must exceed
    z * sqrt(2) * precision error (z the two-sided normal quantile for
    ``confidence``, about 2.77 x precision at 95%) before it is more than
    measurement error. ``precision_error`` is in the unit of the answer (per
    cent, or g/cm2) and comes from that unit's own precision study.
    """
    if not (isinstance(precision_error, (int, float)) and math.isfinite(precision_error)):
        raise ValueError(f"precision_error must be a finite number, got {precision_error!r}")
    if precision_error <= 0:
        raise ValueError(f"precision_error must be positive, got {precision_error}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    return z * math.sqrt(2) * precision_error
