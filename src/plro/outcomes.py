"""Pain (VAS) and laboratory outcomes over the four visits of Table II.

The paper reports pain control without defining it. This module makes the
definition explicit: a :class:`ControlRule` says when a VAS value counts as
"controlled" (e.g. VAS at most 2, or a fall of at least 50 % from baseline),
:func:`time_to_control` applies it to every patient, and
:func:`sensitivity_table` shows how the answer moves with the rule.

Visits were at 0, 1, 3 and 6 months only, so a time to control read from
Table II is *interval-censored*: a patient first meeting the rule at the
3-month visit reached it some time in (1, 3] months. Every result therefore
carries an earliest and a latest possible time.

Figures: :func:`plot_vas_trajectories` (one line per patient plus the median,
optionally faceted by group) and :func:`plot_labs_over_time` (one facet per
analyte with the illustrative reference band of :mod:`plro.labs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from plro.data import VISIT_ORDER
from plro.labs import REFERENCE_INTERVALS
from plro.theme import COLOURS, FIGSIZE, WIDE_FIGSIZE, patient_label
from plro.workup import out_of_interval

__all__ = [
    "VAS_LABEL",
    "TIME_LABEL",
    "VISIT_MONTHS",
    "GROUPINGS",
    "ControlRule",
    "vas_at_most",
    "fall_at_least",
    "DEFAULT_RULES",
    "vas_wide",
    "time_to_control",
    "interval_text",
    "control_intervals",
    "sensitivity_table",
    "sensitivity_display",
    "reported_mean_check",
    "latest_controllers",
    "month1_relief",
    "patient_groups",
    "missing_lab_counts",
    "lab_interval_counts",
    "plot_vas_trajectories",
    "plot_labs_over_time",
]

VAS_LABEL = "Pain, VAS (0-10)"
"""y-axis label of every VAS figure (the scale has no physical unit; 0-10 is its range)."""

TIME_LABEL = "Time since baseline (months)"
"""x-axis label of every over-time figure."""

VISIT_MONTHS = (0, 1, 3, 6)
"""Months of the four visits (baseline, 1, 3 and 6 months), plotted at their real spacing."""

GROUPINGS = {
    "breastfeeding": {
        "column": "breastfeeding",
        "groups": {
            "continued": ("Breast-feeding continued", COLOURS["continued"]),
            "discontinued": ("Breast-feeding discontinued", COLOURS["discontinued"]),
            "not_stated": ("Not stated in Table I", COLOURS["not_stated"]),
        },
    },
    "bisphosphonate": {
        "column": "bisphosphonate",
        "groups": {
            True: ("Bisphosphonate", COLOURS["bisphosphonate"]),
            False: ("No bisphosphonate", COLOURS["no_bisphosphonate"]),
        },
    },
}
"""Ways to split the patients: column of ``patients.csv`` -> value -> (facet title, colour).

Patient 3's breast-feeding is not stated in Table I, so she is a group of her
own, never silently merged with another group.
"""


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
    """VAS as a patients x months table (index ``patient_id``, columns 0, 1, 3, 6; float, NaN = N/A)."""
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
    interval rather than guessing.
    """
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
            earliest, latest = (months[i - 1] if i > 0 else months[i]), months[i]
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


def sensitivity_display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`sensitivity_table` as text: months as integers, "> 6" for not reached, means to 1 dp."""
    last = max(VISIT_MONTHS)

    def month(v: float) -> str:
        return f"> {last}" if pd.isna(v) else f"{v:g}"

    def one_dp(v: float) -> str:
        return "not defined" if pd.isna(v) else f"{v:.1f}"

    shown = pd.DataFrame(index=table.index)
    for col in table.columns:
        if col.startswith("P"):
            shown[col] = table[col].map(month)
        elif col == "not reached":
            shown[col] = table[col].astype(int).astype(str)
        else:
            shown[col] = table[col].map(one_dp)
    return shown


def reported_mean_check(
    visits: pd.DataFrame,
    rules: Iterable[ControlRule] = DEFAULT_RULES,
    reported_mean: float = 2.4,
    reported_times: Mapping[int, float] | None = None,
) -> pd.DataFrame:
    """Which rules could give the paper's "mean duration of pain control 2.4 months"?

    For each rule: ``mean of visit months`` (NaN if anyone not reached);
    ``equals reported`` (that mean, rounded to one decimal, equals
    ``reported_mean``); ``within bounds`` (``reported_mean`` lies between the
    means of the earliest and latest possible times); ``reported times fit``
    (every time in ``reported_times`` - by default the paper's patient 8 at
    3.5 and patient 10 at 4 months - lies inside that patient's interval); and
    ``attainable`` (the reported times fit *and* some choice of times for the
    other patients, each inside its own interval, makes the mean exactly
    ``reported_mean``).
    """
    reported_times = dict({8: 3.5, 10: 4.0} if reported_times is None else reported_times)
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
    claimed: Sequence[int] = (8, 10),
) -> pd.DataFrame:
    """Who reached control last under each rule, and is it exactly the ``claimed`` patients?

    Patients not reached by the last visit count as latest. Columns:
    ``latest reached`` ("month 3", or "not by month 6" when someone never
    reaches control within the follow-up), ``latest patients`` (labels, e.g.
    "P8, P9, P10"), ``n tied``, ``only claimed`` (the latest group is exactly
    ``claimed``) and ``claimed among latest``.
    """
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
        raise ValueError(f"by must be one of {sorted(GROUPINGS)} or None, not {by!r}")
    spec = GROUPINGS[by]
    values = patients.set_index("patient_id")[spec["column"]]
    unknown = set(values.astype(object)) - set(spec["groups"])
    if unknown:
        raise ValueError(f"unexpected {spec['column']} value(s) {sorted(map(str, unknown))}")
    return values.astype(object).map(lambda v: spec["groups"][v][0]).rename(by)


def missing_lab_counts(visits: pd.DataFrame) -> pd.DataFrame:
    """Number of missing (N/A) values per analyte (rows) and visit (columns), with totals."""
    cols = list(REFERENCE_INTERVALS)
    counts = (
        visits.set_index("visit")[cols].isna()
        .groupby(level="visit", observed=True).sum()
        .reindex(VISIT_ORDER).T
    )
    counts.index = [REFERENCE_INTERVALS[c].label for c in counts.index]
    counts.columns = [f"{m} mo" if m else "baseline" for m in VISIT_MONTHS]
    counts["total"] = counts.sum(axis=1)
    counts["of"] = visits["patient_id"].nunique() * len(VISIT_ORDER)
    return counts.rename_axis("analyte")


def lab_interval_counts(visits: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """Per analyte: values reported, values outside the reference interval, and Table II's arrows.

    Index ``analyte`` (the ``visits.csv`` column names, Table II order).
    Columns: ``reported`` (values that are not N/A); ``below`` and ``above``
    (outside the illustrative interval of :mod:`plro.labs`, counted with
    :func:`plro.workup.out_of_interval`, limits themselves inside); ``flagged
    low`` and ``flagged high`` (the down and up arrows Table II prints, from
    ``lab_flags.csv``). The two pairs need not agree: that is the point.
    """
    analytes = list(REFERENCE_INTERVALS)

    def counts(frame: pd.DataFrame, column: str, values: Mapping[str, str]) -> pd.DataFrame:
        table = frame.groupby([frame["analyte"].astype(str), frame[column].astype(str)]).size()
        return table.unstack(fill_value=0).reindex(index=analytes, columns=list(values),
                                                   fill_value=0).rename(columns=values)

    outside = counts(out_of_interval(visits), "status", {"below": "below", "above": "above"})
    arrows = counts(flags, "flag", {"low": "flagged low", "high": "flagged high"})
    reported = visits[analytes].notna().sum().rename("reported")
    return pd.concat([reported, outside, arrows], axis=1).rename_axis("analyte").astype(int)


# ------------------------------------------------------------------ figures
def _time_axis(ax) -> None:
    ax.set_xticks(VISIT_MONTHS)
    ax.set_xlim(-0.3, max(VISIT_MONTHS) + 0.3)
    ax.set_xlabel(TIME_LABEL)


def _draw_vas(ax, wide: pd.DataFrame, colour: str, with_median: bool) -> None:
    months = np.asarray(wide.columns, dtype=float)
    for pid, row in wide.iterrows():
        ax.plot(months, row.to_numpy(), color=colour, lw=1.0, alpha=0.7, marker="o", ms=3,
                label=patient_label(pid), gid="patient", zorder=6)
    if with_median:
        ax.plot(months, wide.median(axis=0).to_numpy(), color=COLOURS["threshold"], lw=3.2,
                label="Median", gid="median", zorder=4)
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(0, 11, 2))
    _time_axis(ax)


def plot_vas_trajectories(visits: pd.DataFrame, patients: pd.DataFrame, by: str | None = None):
    """VAS over the four visits: a thin line per patient and the median in bold.

    ``by=None`` draws one panel (all 10 patients, cohort median). ``by`` set to
    ``"breastfeeding"`` or ``"bisphosphonate"`` draws one panel per group
    (see :data:`GROUPINGS`) with the group's own median; a group of one patient
    gets no median line (its "median" would be that patient) and says so.
    The x axis is in months at real spacing (0, 1, 3, 6). Patient lines carry
    ``gid="patient"`` and labels "P1"...; median lines ``gid="median"``.
    Returns the Figure.
    """
    wide = vas_wide(visits)
    if by is None:
        fig, ax = plt.subplots(figsize=FIGSIZE)
        _draw_vas(ax, wide, COLOURS["muted"], with_median=True)
        ax.set_ylabel(VAS_LABEL)
        ax.set_title(f"Pain at each visit, all {len(wide)} patients")
        ax.legend(handles=[
            Line2D([], [], color=COLOURS["muted"], lw=1, marker="o", ms=3, label="One patient"),
            Line2D([], [], color=COLOURS["threshold"], lw=3.2, label="Median"),
        ], loc="upper right")
        return fig
    groups = patient_groups(patients, by)
    spec = GROUPINGS[by]["groups"]
    present = [(title, colour) for title, colour in spec.values() if (groups == title).any()]
    # A fixed grid instead of constrained layout: same look, less time to draw.
    fig, axes = plt.subplots(1, len(present), figsize=WIDE_FIGSIZE, sharey=True, squeeze=False,
                             layout="none", gridspec_kw=dict(left=0.07, right=0.985, bottom=0.13,
                                                             top=0.86, wspace=0.08))
    for ax, (title, colour) in zip(axes[0], present, strict=True):
        ids = groups.index[groups == title]
        sub = wide.loc[wide.index.isin(ids)]
        _draw_vas(ax, sub, colour, with_median=len(sub) > 1)
        ax.set_title(f"{title}\n(n = {len(sub)})", fontsize=10.5)
        if len(sub) == 1:
            ax.text(0.97, 0.95, f"{patient_label(sub.index[0])} only:\nno median", ha="right",
                    va="top", transform=ax.transAxes, fontsize=9)
    axes[0][0].set_ylabel(VAS_LABEL)
    return fig


def _short_title(label: str) -> str:
    """Facet title without the leading 'Serum ' (the unit sits on the y axis)."""
    short = label.removeprefix("Serum ")
    return short[:1].upper() + short[1:]


def plot_labs_over_time(visits: pd.DataFrame):
    """Five panels (calcium, magnesium, vitamin D, ALP, PTH): one thin line per patient.

    Each panel shades the illustrative reference interval of
    :data:`plro.labs.REFERENCE_INTERVALS` (patch ``gid="reference_band"``).
    Missing values (N/A) are left as gaps: a line joins only values reported at
    consecutive visits, and a value with no reported neighbour shows as a lone
    dot. Nothing is interpolated. The sixth grid cell holds the legend and a
    note. Returns the Figure.
    """
    # A fixed grid instead of constrained layout: same look, about 0.4 s less to draw.
    fig, axes = plt.subplots(2, 3, figsize=(8.8, 5.2), layout="none",
                             gridspec_kw=dict(left=0.075, right=0.975, bottom=0.1, top=0.94,
                                              wspace=0.42, hspace=0.5))
    flat = axes.ravel()
    for ax, (col, ref) in zip(flat, REFERENCE_INTERVALS.items(), strict=False):
        ax.axhspan(ref.low, ref.high, color=COLOURS["reference_band"], alpha=0.25, lw=0,
                   gid="reference_band")
        wide = visits.pivot(index="patient_id", columns="month", values=col).astype(float)
        for pid, row in wide.iterrows():
            ax.plot(wide.columns.to_numpy(float), row.to_numpy(), color=COLOURS["primary"],
                    lw=0.9, marker="o", ms=3, label=patient_label(pid), gid="patient")
        ax.set_title(_short_title(ref.label), fontsize=10.5)
        ax.set_ylabel(ref.unit)
        _time_axis(ax)
    legend_ax = flat[-1]
    legend_ax.axis("off")
    legend_ax.legend(handles=[
        Line2D([], [], color=COLOURS["primary"], lw=0.9, marker="o", ms=3, label="One patient"),
        Patch(color=COLOURS["reference_band"], alpha=0.25, label="Reference interval\n(illustrative)"),
    ], loc="upper left")
    legend_ax.text(0.0, 0.45, "Lines join values reported at\nconsecutive visits only. A gap\n"
                   "or a lone dot means a missing\n(N/A) value; nothing is\ninterpolated.",
                   transform=legend_ax.transAxes, va="top", fontsize=9)
    return fig

