"""Laboratory reference intervals used to read Table II.

The paper gives no reference intervals. The intervals below are typical
adult (non-pregnant) intervals printed by many clinical laboratories; they are
illustrative, not authoritative: every laboratory sets its own, by method and
population, and several analytes change physiologically in pregnancy and
lactation (alkaline phosphatase rises with the placental isoenzyme in late
pregnancy, for example). Read them as "roughly where usual values lie", and
compare them with the paper's own arrows (``lab_flags.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ReferenceInterval", "REFERENCE_INTERVALS", "ANALYTE_LABELS", "reference_table"]


@dataclass(frozen=True)
class ReferenceInterval:
    """A reference interval for one ``visits.csv`` analyte column."""

    analyte: str
    label: str
    unit: str
    low: float | None
    high: float | None
    basis: str


REFERENCE_INTERVALS = {
    "calcium_mg_dl": ReferenceInterval(
        "calcium_mg_dl", "Serum total calcium", "mg/dL", 8.5, 10.5,
        "Typical adult interval printed by many laboratories (about 8.5-10.5 mg/dL).",
    ),
    "magnesium_mg_dl": ReferenceInterval(
        "magnesium_mg_dl", "Serum magnesium", "mg/dL", 1.7, 2.4,
        "Typical adult interval (about 1.7-2.4 mg/dL). Every value in Table II is above it.",
    ),
    "vitamin_d_25oh": ReferenceInterval(
        "vitamin_d_25oh", "Serum 25-hydroxyvitamin D", "ng/mL (printed as 'IU')", 30.0, 100.0,
        "Common 'sufficiency' range of 30-100 ng/mL; some guidance uses 20 ng/mL as the lower "
        "limit. The paper labels the column 'IU', which is a dose unit, not a concentration.",
    ),
    "alp_u_l": ReferenceInterval(
        "alp_u_l", "Alkaline phosphatase", "U/L", 35.0, 105.0,
        "Typical adult female interval (about 35-105 U/L); higher in late pregnancy and with "
        "bone formation or healing fractures.",
    ),
    "pth_pg_ml": ReferenceInterval(
        "pth_pg_ml", "Parathyroid hormone (intact)", "pg/mL", 15.0, 65.0,
        "Typical adult interval for intact PTH (about 15-65 pg/mL).",
    ),
}
"""Illustrative adult reference intervals, keyed by ``visits.csv`` column."""

ANALYTE_LABELS = {k: f"{v.label} ({v.unit})" for k, v in REFERENCE_INTERVALS.items()}
"""Axis labels with units, keyed by column name."""


def reference_table():
    """The intervals as a small DataFrame for display (analyte, unit, low, high, basis)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {"analyte": r.label, "column": r.analyte, "unit": r.unit, "low": r.low,
             "high": r.high, "basis": r.basis}
            for r in REFERENCE_INTERVALS.values()
        ]
    )
