"""Pain (VAS) over the four visits of Table II, and what "pain control" could mean.

The paper reports pain control without defining it. This module makes the
definition explicit: a :class:`ControlRule` says when a VAS value counts as
"controlled" (e.g. VAS at most 2, or a fall of at least 50 % from baseline),
:func:`time_to_control` applies it to every patient, and
:func:`sensitivity_table` shows how the answer moves with the rule.

Visits were at the months of :data:`plro.data.VISITS` only, so a time to
control read from Table II is *interval-censored*: a patient first meeting the
rule at the 3-month visit reached it some time in (1, 3] months. Every result
therefore carries an earliest and a latest possible time.

The paper's own numbers (the mean time to control, the two patients it times,
who reached control last) are read from ``data/reported_statistics.csv``
through :mod:`plro.paper`; they are the defaults of
:func:`reported_mean_check` and :func:`latest_controllers`.

Typical use::

    from plro.data import load_visits
    from plro.pain import sensitivity_table, vas_at_most
    sensitivity_table(load_visits(), [vas_at_most(2)])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from plro.data import patient_label
from plro.paper import claim_patients, printed

__all__ = [
    "GROUPINGS",
    "PAIN_CONTROL_CLAIMS",
    "ControlRule",
    "vas_at_most",
    "fall_at_least",
    "DEFAULT_RULES",
    "vas_wide",
    "time_to_control",
    "interval_text",
    "control_intervals",
    "sensitivity_table",
    "reported_pain_control",
    "reported_mean_check",
    "latest_controllers",
    "month1_relief",
    "patient_groups",
]

GROUPINGS = {
    "breastfeeding": {
        "column": "breastfeeding",
        "groups": {
            "continued": "Breast-feeding continued",
            "discontinued": "Breast-feeding discontinued",
            "not_stated": "Not stated in Table I",
        },
    },
    "bisphosphonate": {
        "column": "bisphosphonate",
        "groups": {True: "Bisphosphonate", False: "No bisphosphonate"},
    },
}
"""Ways to split the patients: column of ``patients.csv`` -> value -> group title.

Patient 3's breast-feeding is not stated in Table I, so she is a group of her
own, never silently merged with another group.
"""

PAIN_CONTROL_CLAIMS = {
    "mean": "res_pain_control_mean",
    "times": ("res_p8_pain_control", "res_p10_pain_control"),
    "latest": "res_breastfeeding_latest",
}
"""Claim ids (``data/reported_statistics.csv``) of the paper's pain-control numbers:
the mean time to control, the two per-patient times, and who reached control last."""


# ------------------------------------------------------------------ rules
@dataclass(frozen=True)
class ControlRule:
    """A definition of "pain control" applied visit by visit.

    ``kind`` is ``"vas_at_most"`` (VAS <= ``threshold``) or ``"fall_at_least"``
    (fall from baseline >= ``threshold``, a fraction such as 0.5). With
    ``sustained=True`` a visit counts only if the rule also holds at every
    later reported visit (control that is kept, not just touched once).
    """

    label: str
    kind: str
    threshold: float
    sustained: bool = False

    def met(self, vas: np.ndarray, baseline: float) -> np.ndarray:
        """Boolean array: does each VAS value in ``vas`` meet the rule (ignoring ``sustained``)?"""
        vas = np.asarray(vas, dtype=float)
        if self.kind == "vas_at_most":
            return vas <= self.threshold
        if self.kind == "fall_at_least":
            if baseline is None or not np.isfinite(baseline) or baseline <= 0:
                raise ValueError("a relative-fall rule needs a positive baseline VAS")
            return (baseline - vas) / baseline >= self.threshold - 1e-12
        raise ValueError(f"unknown rule kind {self.kind!r}")


def vas_at_most(k: float, sustained: bool = False) -> ControlRule:
    """Rule "VAS <= k" (e.g. ``vas_at_most(2)``); ``sustained`` as in :class:`ControlRule`."""
    label = f"VAS ≤ {k:g}" if k > 0 else "VAS = 0"
    return ControlRule(label + (", sustained" if sustained else ""), "vas_at_most", k, sustained)


def fall_at_least(fraction: float, sustained: bool = False) -> ControlRule:
    """Rule "VAS fell by at least ``fraction`` of baseline" (``fall_at_least(0.5)`` = 50 %)."""
    label = f"Fall ≥ {fraction:.0%}"
    return ControlRule(label + (", sustained" if sustained else ""), "fall_at_least", fraction,
                       sustained)


DEFAULT_RULES = (
    vas_at_most(3),
    fall_at_least(0.5),
    vas_at_most(2),
    vas_at_most(1),
    vas_at_most(1, sustained=True),
    vas_at_most(0),
)
"""The definitions compared in the outcomes chapter, from most to least lenient (roughly)."""


# ------------------------------------------------------------------ tables
def vas_wide(visits: pd.DataFrame) -> pd.DataFrame:
    """VAS as a patients x months table: index ``patient_id``, one column per visit month (NaN = N/A)."""
    return (
        visits.pivot(index="patient_id", columns="month", values="vas")
        .astype("Float64")
        .astype(float)
        .rename_axis(columns="month")
    )


def time_to_control(visits: pd.DataFrame, rule: ControlRule) -> pd.DataFrame:
    """When did each patient first meet ``rule``? One row per patient.

    Columns: ``patient_id``; ``rule`` (its label); ``reached`` (met by the last
    reported visit); ``visit_month`` (month of the first visit meeting the rule,
    NaN if never); ``earliest_month`` and ``latest_month`` - the interval
    (earliest, latest] in which control must have begun, given that the
    previous reported visit did not meet the rule. Met at baseline gives
    [0, 0]. Never met gives earliest = last reported visit, latest = ``inf``
    (right-censored). Visits with a missing VAS are skipped, which widens the
    interval rather than guessing: with no baseline VAS, a rule first met at
    month 1 gives earliest = 0 (the first visit of ``visits``), latest = 1.
    """
    first_month = float(visits["month"].min())  # the first scheduled visit, even without a VAS
    obs = visits.loc[visits["vas"].notna(), ["patient_id", "month", "vas"]]
    obs = obs.astype(float).sort_values(["patient_id", "month"])
    ids, starts = np.unique(obs["patient_id"].to_numpy(), return_index=True)
    rows = []  # plain numpy per patient: this runs for every rule in every table
    for pid, months, vas in zip(ids, np.split(obs["month"].to_numpy(), starts[1:]),
                                np.split(obs["vas"].to_numpy(), starts[1:]), strict=True):
        baseline = vas[months == 0][0] if (months == 0).any() else float("nan")
        ok = rule.met(vas, baseline)
        if rule.sustained:
            ok = np.logical_and.accumulate(ok[::-1])[::-1]  # met here and at every later visit
        hit = np.flatnonzero(ok)
        if hit.size == 0:
            reached, visit, earliest, latest = False, float("nan"), months[-1], float("inf")
        else:
            i = hit[0]
            reached, visit = True, months[i]
            earliest, latest = (months[i - 1] if i > 0 else first_month), months[i]
        rows.append({"patient_id": int(pid), "rule": rule.label, "reached": reached,
                     "visit_month": float(visit), "earliest_month": float(earliest),
                     "latest_month": float(latest)})
    return pd.DataFrame(rows)


def interval_text(earliest: float, latest: float) -> str:
    """An interval-censored time as text.

    ``"1"`` when it is known exactly (earliest = latest, e.g. met at baseline),
    ``"(1, 3]"`` when control began after one visit and by the next, and
    ``"> 6"`` when it was not reached by the last reported visit (latest = inf).
    """
    if np.isinf(latest):
        return f"> {earliest:g}"
    if earliest == latest:
        return f"{latest:g}"
    return f"({earliest:g}, {latest:g}]"


def control_intervals(visits: pd.DataFrame, rule: ControlRule) -> pd.Series:
    """Each patient's interval for the start of control under ``rule``, as :func:`interval_text`.

    Index ``patient`` ("P1" ... "P10"); the Series is named after the rule.
    """
    tt = time_to_control(visits, rule)
    text = [interval_text(lo, hi) for lo, hi in zip(tt["earliest_month"], tt["latest_month"],
                                                    strict=True)]
    index = pd.Index([patient_label(p) for p in tt["patient_id"]], name="patient")
    return pd.Series(text, index=index, name=rule.label)


def sensitivity_table(
    visits: pd.DataFrame, rules: Iterable[ControlRule] = DEFAULT_RULES
) -> pd.DataFrame:
    """Time to pain control under each rule: one row per rule, numeric.

    Columns: one per patient (``P1`` ... ``P10``: month of the first visit
    meeting the rule, NaN = not reached by the last visit); ``not reached``
    (count); ``mean, earliest`` and ``mean, latest`` (cohort means of the
    interval bounds; the latest-bound mean is the mean of visit months and is
    NaN when anyone was not reached); ``median, latest``. Use
    :func:`sensitivity_display` for a printable version.
    """
    out = []
    for rule in rules:
        tt = time_to_control(visits, rule)
        row = {patient_label(p): m for p, m in zip(tt["patient_id"], tt["visit_month"], strict=True)}
        latest = tt["latest_month"].to_numpy()
        median_latest = float(np.median(latest))
        row |= {
            "not reached": int((~tt["reached"]).sum()),
            "mean, earliest": float(tt["earliest_month"].mean()),
            "mean, latest": float(latest.mean()) if np.isfinite(latest).all() else float("nan"),
            "median, latest": median_latest if np.isfinite(median_latest) else float("nan"),
        }
        out.append(pd.Series(row, name=rule.label))
    return pd.DataFrame(out).rename_axis("definition")


def reported_mean_check(
    visits: pd.DataFrame,
    rules: Iterable[ControlRule] = DEFAULT_RULES,
    reported_mean: float | None = None,
    reported_times: Mapping[int, float] | None = None,
) -> pd.DataFrame:
    """Which rules could give the paper's printed mean duration of pain control?

    For each rule: ``mean of visit months`` (NaN if anyone not reached);
    ``equals reported`` (that mean, rounded to one decimal, equals
    ``reported_mean``); ``within bounds`` (``reported_mean`` lies between the
    means of the earliest and latest possible times); ``reported times fit``
    (every time in ``reported_times`` - patient id -> months - lies inside that
    patient's interval); and
    ``attainable`` (the reported times fit *and* some choice of times for the
    other patients, each inside its own interval, makes the mean exactly
    ``reported_mean``). Both default to the paper's printed numbers
    (:func:`reported_pain_control`).
    """
    paper_says = reported_pain_control() if reported_mean is None or reported_times is None else {}
    reported_mean = paper_says["mean"] if reported_mean is None else float(reported_mean)
    reported_times = dict(paper_says["times"] if reported_times is None else reported_times)
    rows = []
    for rule in rules:
        tt = time_to_control(visits, rule)  # plain numpy below: this runs once per rule
        ids = tt["patient_id"].to_numpy()
        lo, hi = tt["earliest_month"].to_numpy(), tt["latest_month"].to_numpy()
        row = {p: i for i, p in enumerate(ids)}
        fits = all(
            (lo[row[p]] < t <= hi[row[p]]) or (lo[row[p]] == hi[row[p]] == t)
            for p, t in reported_times.items()
        )
        others = ~np.isin(ids, list(reported_times))
        target = reported_mean * len(ids) - sum(reported_times.values())
        o_lo, o_hi = lo[others], hi[others]
        strict = (o_hi > o_lo).any()  # half-open intervals: the lower sum itself is excluded
        low_ok = target > o_lo.sum() if strict else target >= o_lo.sum()
        mean_visit = float(hi.mean()) if np.isfinite(hi).all() else float("nan")
        rows.append({
            "definition": rule.label,
            "mean of visit months": mean_visit,
            "equals reported": bool(np.isfinite(mean_visit) and round(mean_visit, 1) == reported_mean),
            "within bounds": bool(lo.mean() <= reported_mean <= hi.mean()),
            "reported times fit": bool(fits),
            "attainable": bool(fits and low_ok and target <= o_hi.sum()),
        })
    return pd.DataFrame(rows).set_index("definition")


def latest_controllers(
    visits: pd.DataFrame, rules: Iterable[ControlRule] = DEFAULT_RULES,
    claimed: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Who reached control last under each rule, and is it exactly the ``claimed`` patients?

    Patients not reached by the last visit count as latest. Columns:
    ``latest reached`` ("month 3", or "not by month 6" when someone never
    reaches control within the follow-up), ``latest patients`` (labels, e.g.
    "P8, P9, P10"), ``n tied``, ``only claimed`` (the latest group is exactly
    ``claimed``) and ``claimed among latest``. ``claimed`` defaults to the
    patients the paper says reached control last (:func:`reported_pain_control`).
    """
    claimed = reported_pain_control()["latest"] if claimed is None else tuple(claimed)
    rows = []
    for rule in rules:
        tt = time_to_control(visits, rule)
        latest = tt["latest_month"].to_numpy()
        worst = latest.max()
        ids = sorted(int(p) for p in tt["patient_id"].to_numpy()[latest == worst])
        last_visit = int(visits["month"].max())
        rows.append({
            "definition": rule.label,
            "latest reached": (
                f"month {worst:g}" if np.isfinite(worst) else f"not by month {last_visit}"
            ),
            "latest patients": ", ".join(patient_label(p) for p in ids),
            "n tied": len(ids),
            "only claimed": set(ids) == set(claimed),
            "claimed among latest": set(claimed) <= set(ids),
        })
    return pd.DataFrame(rows).set_index("definition")


def month1_relief(
    visits: pd.DataFrame, points: float = 2, fractions: Sequence[float] = (0.3, 0.5)
) -> pd.DataFrame:
    """Change in VAS from baseline to the 1-month visit, and who meets which threshold.

    One row per patient (index ``patient``, e.g. "P8"): ``baseline``,
    ``month 1``, ``fall (points)``, ``fall (%)`` and one boolean column per
    threshold: ``fall ≥ 2 points``, ``fall ≥ 30%``, ``fall ≥ 50%`` by default.
    """
    wide = vas_wide(visits)
    fall = wide[0] - wide[1]
    table = pd.DataFrame({
        "baseline": wide[0].astype("Int64"),
        "month 1": wide[1].astype("Int64"),
        "fall (points)": fall.astype("Int64"),
        "fall (%)": (100 * fall / wide[0]).round(0).astype("Int64"),
    })
    table[f"fall ≥ {points:g} points"] = fall >= points
    for f in fractions:
        table[f"fall ≥ {f:.0%}"] = fall / wide[0] >= f - 1e-12
    return table.set_axis([patient_label(p) for p in table.index]).rename_axis("patient")


def patient_groups(patients: pd.DataFrame, by: str) -> pd.Series:
    """Facet title of each patient for grouping ``by`` (a key of :data:`GROUPINGS`), indexed by id."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(GROUPINGS)}, not {by!r}")
    spec = GROUPINGS[by]
    values = patients.set_index("patient_id")[spec["column"]]
    unknown = set(values.astype(object)) - set(spec["groups"])
    if unknown:
        raise ValueError(f"unexpected {spec['column']} value(s) {sorted(map(str, unknown))}")
    return values.astype(object).map(lambda v: spec["groups"][v]).rename(by)


def reported_pain_control() -> dict:
    """The paper's pain-control numbers, read from ``data/reported_statistics.csv``.

    A dict as the paper prints them: ``"mean"``, the mean time to control
    (months); ``"times"``, the time of each patient it names (patient id ->
    months); ``"latest"``, the ids of the patients it says reached control last.
    Claim ids are in :data:`PAIN_CONTROL_CLAIMS`.
    """
    times = {}
    for claim_id in PAIN_CONTROL_CLAIMS["times"]:
        (pid,) = claim_patients(claim_id)
        times[pid] = printed(claim_id).value
    return {
        "mean": printed(PAIN_CONTROL_CLAIMS["mean"]).value,
        "times": times,
        "latest": tuple(claim_patients(PAIN_CONTROL_CLAIMS["latest"])),
    }
