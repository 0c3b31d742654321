"""Laboratory values of Table II against reference intervals and against the paper's arrows.

The paper gives no reference intervals. The intervals below are typical
adult (non-pregnant) intervals printed by many clinical laboratories; they are
illustrative, not authoritative: every laboratory sets its own, by method and
population, and several analytes change physiologically in pregnancy and
lactation (alkaline phosphatase rises with the placental isoenzyme in late
pregnancy, for example). Read them as "roughly where usual values lie", and
compare them with the paper's own arrows (``lab_flags.csv``).

Nothing here changes a value: missing cells (N/A in the paper) are left out
of long tables, never filled.

Typical use::

    from plro.data import load_lab_flags, load_visits
    from plro.labs import flag_table, interval_summary
    interval_summary(load_visits(), load_lab_flags())
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from plro.data import VISIT_ORDER, VISITS, patient_label

__all__ = [
    "ReferenceInterval",
    "below_interval_at",
    "REFERENCE_INTERVALS",
    "ANALYTE_LABELS",
    "LAB_ANALYTES",
    "AGREEMENT",
    "reference_table",
    "labs_long",
    "baseline_labs",
    "interval_status",
    "out_of_interval",
    "flag_table",
    "flagged_patients",
    "interval_summary",
    "missing_lab_counts",
    "PHOSPHATE_UPPER_LIMITS",
    "patients_with_result",
    "workup_coverage",
]


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
        "vitamin_d_25oh", "Serum 25-hydroxyvitamin D", "ng/mL; printed 'IU'", 30.0, 100.0,
        "The 2011 Endocrine Society guideline's 'sufficiency' range of 30-100 ng/mL (Holick et "
        "al. 2011); the Institute of Medicine report puts the lower limit at 20 ng/mL (Ross et "
        "al. 2011). The Endocrine Society's 2024 guideline on vitamin D for preventing disease "
        "defines no target level, and does not cover people with an established indication such "
        "as osteoporosis (Demay et al. 2024). The paper labels the column 'IU', a dose unit, not "
        "a concentration; ng/mL is assumed.",
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

LAB_ANALYTES = list(REFERENCE_INTERVALS)
"""The five laboratory columns of ``visits.csv`` (Table II), in table order."""

AGREEMENT = (
    "flagged and outside",
    "outside, not flagged",
    "flagged, inside interval",
    "flag opposite to interval",
)
"""How a paper arrow and the interval can relate (the ``agreement`` of :func:`flag_table`)."""

PHOSPHATE_UPPER_LIMITS = (4.5, 5.0)
"""The range of upper limits (mg/dL) that laboratories print for adult serum phosphate.

General clinical context, used to test the hypothesis that Table II's "Mg (mg/dL)" column
holds phosphate: the values above each limit can be counted against the paper's arrows.
"""

_EXPECTED_FLAG = {"below": "low", "above": "high"}


def _interval_text(ref: ReferenceInterval) -> str:
    return f"{ref.low:g}-{ref.high:g}"


def reference_table() -> pd.DataFrame:
    """The intervals as a small DataFrame for display (analyte, column, unit, low, high, basis)."""
    return pd.DataFrame(
        [
            {"analyte": r.label, "column": r.analyte, "unit": r.unit, "low": r.low,
             "high": r.high, "basis": r.basis}
            for r in REFERENCE_INTERVALS.values()
        ]
    )


def labs_long(visits: pd.DataFrame) -> pd.DataFrame:
    """Table II's laboratory values in long form: patient_id, visit, analyte, value.

    One row per reported value; N/A cells are dropped, not filled. ``analyte``
    is a categorical in Table II column order.
    """
    long = visits.melt(
        id_vars=["patient_id", "visit"], value_vars=LAB_ANALYTES,
        var_name="analyte", value_name="value",
    )
    return (
        long.dropna(subset=["value"])
        .assign(
            value=lambda d: d["value"].astype(float),
            analyte=lambda d: pd.Categorical(d["analyte"], LAB_ANALYTES),
        )
        .sort_values(["analyte", "patient_id", "visit"])
        .reset_index(drop=True)
    )


def baseline_labs(visits: pd.DataFrame) -> pd.DataFrame:
    """The baseline (diagnosis) rows of :func:`labs_long`: patient_id, analyte, value."""
    long = labs_long(visits)
    first = next(iter(VISITS))
    return long[long["visit"] == first].drop(columns="visit").reset_index(drop=True)


def interval_status(value: float, interval: ReferenceInterval) -> str:
    """'below', 'above' or 'within' the interval (the limits themselves count as within).

    Raises ``ValueError`` for a missing value rather than guessing.
    """
    if value is None or pd.isna(value):
        raise ValueError("cannot compare a missing value with a reference interval")
    if interval.low is not None and value < interval.low:
        return "below"
    if interval.high is not None and value > interval.high:
        return "above"
    return "within"


def _with_status(visits: pd.DataFrame, intervals: Mapping[str, ReferenceInterval]) -> pd.DataFrame:
    long = labs_long(visits)
    return long.assign(
        interval=[_interval_text(intervals[a]) for a in long["analyte"]],
        status=[interval_status(v, intervals[a]) for v, a in zip(long["value"], long["analyte"],
                                                                  strict=True)],
    )


def out_of_interval(
    visits: pd.DataFrame, intervals: Mapping[str, ReferenceInterval] = REFERENCE_INTERVALS
) -> pd.DataFrame:
    """Every reported value outside its reference interval, at every visit.

    Columns: patient_id, visit, analyte, value, interval (as text), status
    ('below' or 'above').
    """
    with_status = _with_status(visits, intervals)
    return with_status[with_status["status"] != "within"].reset_index(drop=True)


def _agreement(status: str, paper_flag: str) -> str:
    if paper_flag == "":
        return AGREEMENT[1] if status != "within" else ""
    if status == "within":
        return AGREEMENT[2]
    return AGREEMENT[0] if _EXPECTED_FLAG[status] == paper_flag else AGREEMENT[3]


def _with_flags(visits: pd.DataFrame, flags: pd.DataFrame,
                intervals: Mapping[str, ReferenceInterval]) -> pd.DataFrame:
    """Every reported value with its interval status, the paper's arrow ('' if none) and agreement."""
    merged = _with_status(visits, intervals).merge(
        flags.assign(analyte=flags["analyte"].astype(str), flag=flags["flag"].astype(str))
        .rename(columns={"flag": "paper_flag"})[["patient_id", "visit", "analyte", "paper_flag"]],
        on=["patient_id", "visit", "analyte"], how="left",
    )
    merged["paper_flag"] = merged["paper_flag"].fillna("")
    merged["agreement"] = [_agreement(s, f) for s, f in zip(merged["status"], merged["paper_flag"],
                                                            strict=True)]
    return merged.assign(analyte=lambda d: pd.Categorical(d["analyte"], LAB_ANALYTES))


def flag_table(
    visits: pd.DataFrame,
    flags: pd.DataFrame,
    intervals: Mapping[str, ReferenceInterval] = REFERENCE_INTERVALS,
) -> pd.DataFrame:
    """Values that the paper flags, or that fall outside the interval, or both.

    Columns: patient_id, visit, analyte, value, interval, status (against the
    interval), paper_flag ('high', 'low' or '' when Table II prints no arrow)
    and agreement, one of :data:`AGREEMENT`:

    - 'flagged and outside' - the arrow points the same way as the interval;
    - 'outside, not flagged' - outside the interval but printed without an arrow;
    - 'flagged, inside interval' - an arrow on a value inside the interval;
    - 'flag opposite to interval' - an arrow pointing the other way.
    """
    merged = _with_flags(visits, flags, intervals)
    return (
        merged[merged["agreement"] != ""]
        .sort_values(["analyte", "patient_id", "visit"])
        .reset_index(drop=True)
    )


def flagged_patients(
    flags: pd.DataFrame, analyte: str, visit: str | None = None, flag: str | None = None
) -> list[int]:
    """Ids of the patients with an arrow on ``analyte`` in Table II, in ascending order.

    ``visit`` (e.g. "baseline") and ``flag`` ("high" or "low") narrow the
    arrows counted; ``None`` counts every visit or both directions.
    """
    if analyte not in REFERENCE_INTERVALS:
        raise ValueError(f"unknown analyte {analyte!r}; known: {', '.join(LAB_ANALYTES)}")
    keep = flags["analyte"].astype(str) == analyte
    if visit is not None:
        keep &= flags["visit"].astype(str) == visit
    if flag is not None:
        keep &= flags["flag"].astype(str) == flag
    return sorted({int(p) for p in flags.loc[keep, "patient_id"]})


def interval_summary(
    visits: pd.DataFrame,
    flags: pd.DataFrame,
    intervals: Mapping[str, ReferenceInterval] = REFERENCE_INTERVALS,
) -> pd.DataFrame:
    """Per analyte: the values reported, where they fall against the interval, and the arrows.

    One row per analyte, index ``analyte`` (the ``visits.csv`` column names, Table II
    order, every analyte present even with no value). Columns:

    - ``label``, ``unit``, ``interval`` (e.g. "8.5-10.5"): the illustrative interval used;
    - ``reported`` (values that are not N/A), ``min`` and ``max`` of those values;
    - ``below`` and ``above``: values outside the interval (the limits themselves are inside);
    - ``flagged low`` and ``flagged high``: the down and up arrows Table II prints
      (``flags``), and ``arrows``, their sum;
    - one count per :data:`AGREEMENT` category (the rows of :func:`flag_table`),
      zeros included.

    The interval counts and the arrow counts need not agree: that is the point.
    """
    with_flags = _with_flags(visits, flags, intervals)
    by = with_flags.groupby("analyte", observed=False)

    def count(column: str, value: str) -> pd.Series:
        return (with_flags[column] == value).groupby(with_flags["analyte"], observed=False).sum()

    summary = pd.DataFrame({
        "label": [intervals[a].label for a in LAB_ANALYTES],
        "unit": [intervals[a].unit for a in LAB_ANALYTES],
        "interval": [_interval_text(intervals[a]) for a in LAB_ANALYTES],
    }, index=pd.Index(LAB_ANALYTES, name="analyte"))
    summary["reported"] = by["value"].size().reindex(LAB_ANALYTES).astype(int)
    summary["min"] = by["value"].min().reindex(LAB_ANALYTES).astype(float)
    summary["max"] = by["value"].max().reindex(LAB_ANALYTES).astype(float)
    summary["below"] = count("status", "below").astype(int)
    summary["above"] = count("status", "above").astype(int)
    summary["flagged low"] = count("paper_flag", "low").astype(int)
    summary["flagged high"] = count("paper_flag", "high").astype(int)
    summary["arrows"] = summary["flagged low"] + summary["flagged high"]
    for category in AGREEMENT:
        summary[category] = count("agreement", category).astype(int)
    return summary


def missing_lab_counts(visits: pd.DataFrame) -> pd.DataFrame:
    """Number of missing (N/A) values per analyte (rows) and visit (columns), with totals.

    Rows are the analyte labels; columns the visit labels of
    :data:`plro.data.VISITS` (in order), ``total`` and ``of`` (the number of
    cells per analyte: patients x visits).
    """
    counts = (
        visits.set_index("visit")[LAB_ANALYTES].isna()
        .groupby(level="visit", observed=True).sum()
        .reindex(list(VISITS)).T
    )
    counts.index = [REFERENCE_INTERVALS[c].label for c in counts.index]
    counts.columns = list(VISITS)
    counts["total"] = counts.sum(axis=1)
    counts["of"] = visits["patient_id"].nunique() * len(VISITS)
    return counts.rename_axis("analyte")


def patients_with_result(data_source: str, tables: Mapping[str, pd.DataFrame]) -> list[int]:
    """Ids of the patients for whom the data hold a result of ``data_source``, ascending.

    ``data_source`` is ``"table.column"`` (the ``data_source`` of a work-up checklist
    row, :mod:`plro.content`) and ``tables`` maps table names to loaded tables
    (``plro.data.load_all()``). A patient counts when the column holds a value that
    is not N/A: in ``visits``, at the baseline (diagnosis) visit, because a work-up
    is done at diagnosis; in any other table, in any row. An empty ``data_source``
    (the paper reports the test for nobody) gives ``[]``. An unknown table or column
    raises ``ValueError`` naming it.
    """
    if data_source == "":
        return []
    table, _, column = data_source.partition(".")
    if table not in tables:
        raise ValueError(f"data source {data_source!r}: no table {table!r} (known: {sorted(tables)})")
    frame = tables[table]
    if column not in frame.columns:
        raise ValueError(f"data source {data_source!r}: table {table!r} has no column {column!r}")
    if table == "visits":
        frame = frame[frame["visit"].astype(str) == VISIT_ORDER[0]]
    return sorted({int(p) for p in frame.loc[frame[column].notna(), "patient_id"]})


def workup_coverage(checklist: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Which of the patients have a result for each test of a work-up checklist.

    ``checklist`` has the columns ``test`` and ``data_source`` of
    ``book/content/workup_checklist.csv`` (:func:`plro.content.load_content`). One row
    per test (index ``Test``, checklist order) and the columns ``In the paper's tables``
    ('yes' or 'no'), ``Result reported for`` ('10 of 10', '5 of 10', or '—' for none)
    and one column per patient of ``tables["patients"]`` (P1, P2, ...): 'yes' where a
    result is reported, '—' where none is (see :func:`patients_with_result`).
    """
    ids = [int(p) for p in tables["patients"]["patient_id"]]
    rows = []
    for test, source in zip(checklist["test"], checklist["data_source"]):
        have = set(patients_with_result(source, tables))
        row = {"Test": test, "In the paper's tables": "yes" if source else "no",
               "Result reported for": f"{len(have)} of {len(ids)}" if have else "—"}
        row.update({patient_label(p): "yes" if p in have else "—" for p in ids})
        rows.append(row)
    return pd.DataFrame(rows).set_index("Test")


def below_interval_at(visits: pd.DataFrame, analyte: str,
                      visit: str) -> tuple[list[int], list[int], list[int]]:
    """Who was measured at ``visit``, who was below the illustrative lower limit there, and
    who of those was already below it at baseline and lower still: ``(measured, below, fell)``.

    Patient ids in ``visits`` order. The lower limit is :data:`REFERENCE_INTERVALS` of
    ``analyte`` (for vitamin D, the 2011 guideline's 30 ng/mL).
    """
    values = visits.pivot(index="patient_id", columns="visit", values=analyte).astype(float)
    cut, at, first = REFERENCE_INTERVALS[analyte].low, values[visit].dropna(), values["baseline"]
    below = [int(i) for i in at.index[at < cut]]
    fell = [i for i in below if at[i] < first[i] < cut]
    return [int(i) for i in at.index], below, fell
