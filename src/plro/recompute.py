"""Which numbers of the tables each printed claim is about: the audit's rule registry.

Every row of ``data/reported_statistics.csv`` marked ``derivable == "yes"`` names, in
its ``recompute`` column, one rule of :data:`RULES`. A rule is a function of the
tables (the dict returned by :func:`plro.data.load_all`) that *selects* what the
claim is about and returns it as a :class:`Found`: a count of patients with the
patients counted, the ten ages a mean summarises, the vertebral levels a sentence
names. Rules do no rounding and no comparison; :mod:`plro.audit` does the
arithmetic (in :class:`decimal.Decimal`) and judges each claim.

:data:`RULE_NAMES` is the set of rule names, and :func:`check_claims` fails, naming
the claim and the rule, when a derivable claim names no rule or one that does not
exist.

Typical use::

    from plro.data import load_all
    from plro.recompute import rule
    rule("smokers")(load_all()).patient_ids      # (5, 6, 8, 10)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from plro.bone_density import T_SCORE_SITES
from plro.data import VISIT_ORDER, VISITS
from plro.imaging import VERTEBRAL_LEVELS
from plro.pain import DEFAULT_RULES, month1_relief, time_to_control, vas_wide
from plro.paper import references
from plro.symptoms import parse_symptom_regions

__all__ = [
    "STATISTICS",
    "Found",
    "RuleError",
    "RULES",
    "RULE_NAMES",
    "rule",
    "check_claims",
]

STATISTICS = ("value", "percent", "mean", "median", "sd")
"""What :mod:`plro.audit` computes from a :class:`Found`'s ``values`` (``"sd"``: their SD)."""


@dataclass(frozen=True)
class Found:
    """What one rule finds in the tables.

    ``statistic`` says what the claim's number is of ``values``: ``"value"`` (the
    one value itself; no value when the tables give no single one), ``"percent"``
    (the one count as a percentage of ``n``), ``"mean"`` (mean and SDs of the
    values), ``"median"`` or ``"sd"`` (the SDs of the values, judged on their own).
    ``patient_ids`` are the patients counted, or the patient of each value for a
    mean; ``levels`` the vertebral levels found.

    ``parts`` splits a claim that is about several things at once (every visit,
    or the two halves of one sentence) into labelled findings, each judged
    against the claim's printed number; :mod:`plro.audit` calls the claim
    "partly contradicted" when some parts match and others do not.
    """

    statistic: str
    values: tuple[Decimal, ...] = ()
    patient_ids: tuple[int, ...] | None = None
    levels: tuple[str, ...] | None = None
    n: int | None = None
    detail: str = ""
    parts: tuple[tuple[str, Found], ...] = ()

    def __post_init__(self):
        if self.statistic not in STATISTICS:
            raise ValueError(f"statistic must be one of {STATISTICS}, not {self.statistic!r}")


class RuleError(LookupError):
    """A claim of reported_statistics.csv names no recompute rule, or one that does not exist."""


# ------------------------------------------------------------------ building blocks
def _ids(frame: pd.DataFrame) -> tuple[int, ...]:
    return tuple(sorted(int(i) for i in frame["patient_id"].unique()))


def _value(value) -> Found:
    return Found("value", () if value is None else (Decimal(str(value)),))


def _count(frame: pd.DataFrame) -> Found:
    """How many patients appear in ``frame``, and which."""
    ids = _ids(frame)
    return Found("value", (Decimal(len(ids)),), patient_ids=ids)


def _percent(frame: pd.DataFrame, total: int) -> Found:
    ids = _ids(frame)
    return Found("percent", (Decimal(len(ids)),), patient_ids=ids, n=total)


def _values(frame: pd.DataFrame, column: str, statistic: str) -> Found:
    """The non-missing values of ``column``, one per patient in patient order."""
    data = frame.dropna(subset=[column]).sort_values("patient_id")
    return Found(statistic, tuple(Decimal(str(v)) for v in data[column]),
                 patient_ids=tuple(int(i) for i in data["patient_id"]), n=len(data))


def _only_patient(frame: pd.DataFrame) -> Found:
    """The one patient in ``frame`` (no value when there are none or several)."""
    ids = _ids(frame)
    found = _value(ids[0] if len(ids) == 1 else None)
    return Found("value", found.values, patient_ids=ids)


def _levels(frame: pd.DataFrame) -> Found:
    levels = tuple(sorted(frame["site"].astype(str), key=VERTEBRAL_LEVELS.index))
    return Found("value", (Decimal(len(levels)),), patient_ids=_ids(frame), levels=levels)


def _site(t: dict, site: str) -> pd.DataFrame:
    f = t["imaging_findings"]
    return f[f["site"] == site]


def _at_visit(t: dict, label: str) -> pd.DataFrame:
    v = t["visits"]
    return v[v["visit"] == label]


def _symptom(match: Callable[[set[str]], bool], percent: bool) -> Callable[[dict], Found]:
    """Patients whose Table I body regions (:func:`plro.symptoms.parse_symptom_regions`) match."""
    def recompute(t: dict) -> Found:
        p = t["patients"]
        chosen = p[p["symptoms"].map(lambda text: bool(match(set(parse_symptom_regions(text)))))]
        return _percent(chosen, len(p)) if percent else _count(chosen)

    return recompute


def _every_patient_at(label: str) -> Callable[[dict], Found]:
    """The visit's month when every patient has a VAS at visit ``label``, else no value."""
    def recompute(t: dict) -> Found:
        seen = _at_visit(t, label).dropna(subset=["vas"])
        every = set(_ids(seen)) == set(_ids(t["patients"]))
        return Found("value", _value(VISITS[label] if every else None).values,
                     patient_ids=_ids(seen))

    return recompute


def _meaningful_relief_at_month_1(t: dict) -> Found:
    """Patients whose VAS fell by at least 2 points and at least 30 % by month 1.

    The thresholds are those of :func:`plro.pain.month1_relief` (chapter 5 uses
    the same function), so the two chapters judge "meaningful" alike.
    """
    relief = month1_relief(t["visits"])
    ids = vas_wide(t["visits"]).index.to_numpy()
    met = (relief["fall ≥ 2 points"] & relief["fall ≥ 30%"]).to_numpy(bool)
    return _count(pd.DataFrame({"patient_id": ids[met]}))


def _vas_zero_at_first_follow_up(t: dict) -> Found:
    """Patients with no pain (VAS 0) at the first follow-up visit: "symptom resolution"."""
    seen = _at_visit(t, VISIT_ORDER[1])
    return _count(seen[seen["vas"] == 0])


def _latest_under_every_rule(t: dict) -> tuple[int, ...]:
    """Patients among the last to reach pain control under every rule of chapter 5."""
    common = None
    for control in DEFAULT_RULES:
        tt = time_to_control(t["visits"], control)
        latest = tt["latest_month"].to_numpy(float)
        ids = {int(i) for i in tt["patient_id"].to_numpy()[latest == latest.max()]}
        common = ids if common is None else common & ids
    return tuple(sorted(common or ()))


def _breastfeeders_latest(t: dict) -> Found:
    """'The two who kept breast-feeding were the latest': two parts, each a count.

    Part 1, how many who continued breast-feeding are among the latest under every
    rule; part 2, how many patients are among the latest under every rule. The
    claim's "two" fits part 1 when both are there, part 2 only when no one ties.
    """
    latest = _latest_under_every_rule(t)
    p = t["patients"]
    kept = p[(p["breastfeeding"] == "continued") & p["patient_id"].isin(latest)]
    everyone = p[p["patient_id"].isin(latest)]
    return Found("value", (Decimal(len(latest)),), patient_ids=latest, parts=(
        ("who continued breast-feeding, among the latest under every rule", _count(kept)),
        ("patients among the latest under every rule", _count(everyone)),
    ))


def _spinal_involvement(t: dict) -> Found:
    """Patients with back or low back pain in Table I and no MRI site outside the spine.

    The reading that gives every patient one MRI site: the spine for those with
    back pain, except where Table II names a site elsewhere (the femoral necks).
    """
    p, f = t["patients"], t["imaging_findings"]
    back = p["symptoms"].map(lambda text: bool({"back", "low back"} & set(parse_symptom_regions(text))))
    elsewhere = f.loc[~f["region"].isin(_SPINE), "patient_id"]
    return _count(p[back & ~p["patient_id"].isin(elsewhere)])


def _back_pain_baseline_vas(statistic: str) -> Callable[[dict], Found]:
    """Baseline VAS of the patients whose Table I symptoms name the back or low back."""
    def recompute(t: dict) -> Found:
        p = t["patients"]
        back = p[p["symptoms"].map(
            lambda text: bool({"back", "low back"} & set(parse_symptom_regions(text))))]
        base = _at_visit(t, VISIT_ORDER[0])
        return _values(base[base["patient_id"].isin(back["patient_id"])], "vas", statistic)

    return recompute


def _talus_flag(analyte: str, flag: str) -> Callable[[dict], Found]:
    """Talus patients whose baseline ``analyte`` carries a Table II arrow ``flag``."""
    def recompute(t: dict) -> Found:
        fl = t["lab_flags"]
        hit = fl[(fl["analyte"] == analyte) & (fl["flag"] == flag) & (fl["visit"] == VISIT_ORDER[0])
                 & fl["patient_id"].isin(_site(t, "talus")["patient_id"])]
        return _count(hit)

    return recompute


def _calcium_flags_by_visit(t: dict) -> Found:
    """Calcium arrows in Table II: in all, and one part per visit."""
    fl = t["lab_flags"]
    ca = fl[fl["analyte"] == "calcium_mg_dl"]
    parts = tuple(
        (label, Found("value", (Decimal(int((ca["visit"] == label).sum())),),
                      patient_ids=_ids(ca[ca["visit"] == label])))
        for label in VISIT_ORDER
    )
    return Found("value", (Decimal(len(ca)),), patient_ids=_ids(ca), parts=parts)


def _bone_density_span_months(t: dict) -> Found:
    """Months between the first and last bone density measurement the tables hold.

    T-scores are in patients.csv only (one undated set per patient); visits.csv
    has no T-score column, so the tables span no follow-up at all: 0 months.
    """
    dated = [c for c in t["visits"].columns if c.startswith("t_score")]
    seen = t["visits"].dropna(subset=dated, how="all") if dated else t["visits"].iloc[0:0]
    return _value(int(seen["month"].max()) if len(seen) else 0)


def _vertebroplasty_vas_at_first_follow_up(t: dict) -> Found:
    p = t["patients"]
    treated = _at_visit(t, VISIT_ORDER[1]).merge(p.loc[p["vertebroplasty"], ["patient_id"]])
    return _value(int(treated["vas"].iloc[0]) if len(treated) == 1 else None)


def _reference(refnumber: int, what: str) -> Callable[[dict], Found]:
    """The year of a printed reference, or the patient count its printed title gives."""
    def recompute(_t: dict) -> Found:
        refs = references().set_index("refnumber")
        ref = refs.loc[refnumber]
        if what == "year":
            return Found("value", _value(ref["year"]).values, detail=ref["key"])
        size = re.search(r"(\d+) patients", ref["title"])
        return Found("value", _value(size.group(1) if size else None).values, detail=ref["key"])

    return recompute


def _patients_where(column: str, value=True) -> Callable[[dict], Found]:
    return lambda t: _count(t["patients"][t["patients"][column] == value])


def _findings(t: dict, finding: str, patient_id: int | None = None) -> pd.DataFrame:
    f = t["imaging_findings"]
    chosen = f[f["finding"] == finding]
    return chosen if patient_id is None else chosen[chosen["patient_id"] == patient_id]


_SPINE = ("thoracic_spine", "lumbar_spine")
_SYMPTOM_PATTERNS = {  # rule stem -> the exact set of Table I body regions
    "back_and_low_back_pain": {"back", "low back"},
    "hip_and_low_back_pain": {"hip", "low back"},
    "hip_and_ankle_pain": {"hip", "ankle"},
    "hip_and_inguinal_pain": {"hip", "inguinal"},
    "low_back_pain_only": {"low back"},
}

RULES: Mapping[str, Callable[[dict], Found]] = {
    "n_patients": lambda t: Found("value", (Decimal(len(t["patients"])),), n=len(t["patients"])),
    "age_mean": lambda t: _values(t["patients"], "age_years", "mean"),
    "age_sd": lambda t: _values(t["patients"], "age_years", "sd"),
    "age_median": lambda t: _values(t["patients"], "age_years", "median"),
    "onset_min": lambda t: _value(int(t["patients"]["postpartum_week_at_diagnosis"].min())),
    "onset_max": lambda t: _value(int(t["patients"]["postpartum_week_at_diagnosis"].max())),
    "onset_mean": lambda t: _values(t["patients"], "postpartum_week_at_diagnosis", "mean"),
    "onset_sd": lambda t: _values(t["patients"], "postpartum_week_at_diagnosis", "sd"),
    "onset_median": lambda t: _values(t["patients"], "postpartum_week_at_diagnosis", "median"),
    "twin_patients": _patients_where("twin_pregnancy"),
    "smokers": _patients_where("smoking"),
    "breastfeeding_continued": _patients_where("breastfeeding", "continued"),
    "breastfeeding_discontinued": _patients_where("breastfeeding", "discontinued"),
    "breastfeeding_latest": _breastfeeders_latest,
    "supplemented_patients": _patients_where("vitamin_d_calcium"),
    "bisphosphonate_patients": _patients_where("bisphosphonate"),
    "vertebroplasty_patients": _patients_where("vertebroplasty"),
    "vertebroplasty_patient_id": lambda t: _only_patient(t["patients"][t["patients"]["vertebroplasty"]]),
    **{f"symptom_{stem}_{kind}": _symptom(lambda r, want=regions: r == want, kind == "percent")
       for stem, regions in _SYMPTOM_PATTERNS.items() for kind in ("percent", "count")},
    "symptom_any_low_back_pain_percent": _symptom(lambda r: "low back" in r, True),
    "vas_baseline_mean": lambda t: _values(_at_visit(t, VISIT_ORDER[0]), "vas", "mean"),
    "vas_baseline_sd": lambda t: _values(_at_visit(t, VISIT_ORDER[0]), "vas", "sd"),
    "vas_baseline_back_pain_mean": _back_pain_baseline_vas("mean"),
    "relief_month_1": _meaningful_relief_at_month_1,
    "symptom_resolution_month_1": _vas_zero_at_first_follow_up,
    "spinal_involvement_patients": _spinal_involvement,
    "sacroiliac_patients": lambda t: _count(_site(t, "sacroiliac_joint")),
    "femoral_neck_patients": lambda t: _count(_site(t, "femoral_neck")),
    "sacroiliac_patient_id": lambda t: _only_patient(_site(t, "sacroiliac_joint")),
    "femoral_neck_patient_id": lambda t: _only_patient(_site(t, "femoral_neck")),
    "talus_patient_id": lambda t: _only_patient(_site(t, "talus")),
    "talus_with_low_back_pain": lambda t: _count(t["patients"][
        t["patients"]["patient_id"].isin(_site(t, "talus")["patient_id"])
        & t["patients"]["symptoms"].map(lambda text: "low back" in parse_symptom_regions(text))]),
    "t_score_l1_l4_mean": lambda t: _values(t["patients"], "t_score_l1_l4", "mean"),
    "t_score_l2_l4_mean": lambda t: _values(t["patients"], "t_score_l2_l4", "mean"),
    "t_score_femoral_neck_mean": lambda t: _values(t["patients"], "t_score_femoral_neck", "mean"),
    **{f"t_score_{stem}_sd": (lambda t, col=col: _values(t["patients"], col, "sd"))
       for stem, col in [("l1_l4", "t_score_l1_l4"), ("l2_l4", "t_score_l2_l4"),
                         ("femoral_neck", "t_score_femoral_neck")]},
    "talus_calcium_high": _talus_flag("calcium_mg_dl", "high"),
    "talus_alp_high": _talus_flag("alp_u_l", "high"),
    "bone_density_span_months": _bone_density_span_months,
    "bmd_patients": lambda t: _count(t["patients"].dropna(subset=list(T_SCORE_SITES))),
    "vertebroplasty_levels": lambda t: _levels(_findings(t, "vertebroplasty")),
    "vertebroplasty_vas_month_1": _vertebroplasty_vas_at_first_follow_up,
    "fracture_levels_patient_8": lambda t: _levels(_findings(t, "compression_fracture", 8)),
    "fracture_levels_patient_10": lambda t: _levels(_findings(t, "compression_fracture", 10)),
    "last_visit_month": lambda t: _value(int(t["visits"]["month"].max())),
    **{f"visit_{label}_all": _every_patient_at(label) for label in VISIT_ORDER[1:]},
    "calcium_flags": _calcium_flags_by_visit,
    "reference_year_20": _reference(20, "year"),
    "reference_cohort_size_9": _reference(9, "cohort"),
}
"""Rule name (the ``recompute`` column of reported_statistics.csv) -> rule over the tables."""

RULE_NAMES: frozenset[str] = frozenset(RULES)
"""The names a derivable claim may give in its ``recompute`` column."""


def rule(name: str, claim_id: str | None = None) -> Callable[[dict], Found]:
    """The rule called ``name``; :class:`RuleError` naming the claim and the rule if none is."""
    try:
        return RULES[name]
    except KeyError:
        whose = f"claim {claim_id!r} names " if claim_id else ""
        raise RuleError(f"reported_statistics.csv: {whose}recompute rule {name!r}, which does not "
                        f"exist in plro.recompute.RULES") from None


def check_claims(claims: pd.DataFrame) -> None:
    """Fail unless every derivable claim names an existing rule and no other claim names one.

    Raises :class:`RuleError` listing every problem, each with the claim's line in
    ``reported_statistics.csv`` (header = line 1), its ``claim_id`` and the rule.
    """
    problems = []
    for line, (_, row) in enumerate(claims.iterrows(), start=2):
        name = "" if pd.isna(row["recompute"]) else str(row["recompute"])
        where = f"line {line}, claim {row['claim_id']!r}"
        if row["derivable"] == "yes" and not name:
            problems.append(f"{where}: derivable == 'yes' but no recompute rule is named")
        elif row["derivable"] == "yes" and name not in RULE_NAMES:
            problems.append(f"{where}: recompute rule {name!r} does not exist in plro.recompute.RULES")
        elif row["derivable"] != "yes" and name:
            problems.append(f"{where}: names recompute rule {name!r} but derivable is "
                            f"{row['derivable']!r}")
    if problems:
        raise RuleError("reported_statistics.csv:\n  " + "\n  ".join(problems))
