"""Chapter 8, the patient's side: its one table in words.

:func:`feeding_vas_table` puts each woman's breast-feeding status beside her pain score at
every visit, as the reader sees it: patient labels, human headers, whole-number VAS scores
and "—" where Table I does not state breast-feeding.
"""

from __future__ import annotations

import pandas as pd

from plro.data import patient_label
from plro.pain import vas_wide
from plro.tables import readable

__all__ = ["FEEDING_ORDER", "FEEDING_WORDS", "feeding_vas_table"]

FEEDING_ORDER = ("continued", "discontinued", "not_stated")
"""The row groups of :func:`feeding_vas_table`, in order: the women who kept breast-feeding first."""

FEEDING_WORDS = {"continued": "continued", "discontinued": "stopped"}
"""How the table words Table I's breast-feeding status ("not stated" shows as "—")."""


def feeding_vas_table(patients: pd.DataFrame, visits: pd.DataFrame) -> pd.DataFrame:
    """Breast-feeding (as Table I records it) and the VAS (0-10) at each visit, one row per patient.

    Rows are grouped in :data:`FEEDING_ORDER`, patients in id order within a group;
    the status reads "continued" or "stopped" (:data:`FEEDING_WORDS`), "—" when not
    stated. Columns: "Breast-feeding", then the VAS at "Baseline", "Month 1", ... (one
    per visit month of :func:`plro.pain.vas_wide`); the page says that they are VAS scores.
    """
    vas = vas_wide(visits)
    status = patients.set_index("patient_id")["breastfeeding"].reindex(vas.index).astype(str)
    order = status.map({s: i for i, s in enumerate(FEEDING_ORDER)}).astype(int)
    words = status.map(FEEDING_WORDS)
    table = vas.assign(feeding=words.where(status != "not_stated", None), order=order)
    table = table.sort_values(["order"], kind="stable")
    table["patient"] = [patient_label(i) for i in table.index]
    headers = {"feeding": "Breast-feeding"} | {
        m: "Baseline" if m == 0 else f"Month {m}" for m in vas.columns}
    return readable(table.reset_index(drop=True), headers=headers, label="patient", decimals=0)
