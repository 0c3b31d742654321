"""Chapter 5, outcomes: the numbers its prose quotes and the tables it shows.

:func:`analyse` runs the chapter's analyses once (seeded); :func:`facts` turns the result into
every value the prose glues, worded for reading ("p = 0.002", "patients 8 and 10", "no patient");
the ``*_table`` functions show its tables in words. ``p_signflip``, ``min_p_2v7`` and ``alpha``
stay numbers because the chapter's quizzes format them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as _st

from plro import pain, tables
from plro import stats as sx
from plro.bone_density import lumbar_evaluability
from plro.data import VISITS, load_imaging_findings, load_lab_flags, load_patients, load_visits, patient_label
from plro.labs import (
    REFERENCE_INTERVALS,
    below_interval_at,
    flagged_patients,
    interval_summary,
    missing_lab_counts,
)
from plro.pain import fall_at_least, vas_at_most
from plro.resampling import DEFAULT_SEED, bootstrap_ci
from plro.tables import Table, and_list, count_word, number, p_value, readable, share, show

__all__ = ["ALPHA", "N_BOOT", "N_PERMUTATIONS", "Outcomes", "analyse", "facts"]

ALPHA = 0.05  # the conventional threshold, used only to show what small groups cannot reach
N_BOOT = 10_000  # bootstrap resamples, seeded with plro.resampling.DEFAULT_SEED
N_PERMUTATIONS = 10_000  # Monte Carlo shuffles of the Friedman test
SCAN = (*(vas_at_most(k) for k in range(7)), *(fall_at_least(f / 10) for f in range(3, 10)))  # for 2.4 months
SUSTAINED = (vas_at_most(2), vas_at_most(2, sustained=True), vas_at_most(1), vas_at_most(1, sustained=True))
CHANGES = {"baseline to month 1": 1, "baseline to month 6": 6}
OUTCOMES = {"fall": "VAS fall, baseline to month 6 (points)", "le2": "Month of first VAS ≤ 2"}
MONTHS = {m: "Baseline" if m == 0 else f"Month {m}" for m in VISITS.values()}


@dataclass(frozen=True)
class Outcomes:
    """Everything chapter 5 shows, computed once by :func:`analyse` (plain frames and results)."""

    patients: pd.DataFrame
    visits: pd.DataFrame
    claimed: dict  # the paper's pain-control numbers, read once (plro.pain.reported_pain_control)
    vas: pd.DataFrame
    sensitivity: pd.DataFrame
    scan: pd.DataFrame
    latest: pd.DataFrame
    relief: pd.DataFrame
    missing: pd.DataFrame
    labs: pd.DataFrame
    calcium_by_visit: pd.DataFrame
    signflip: dict
    boot: pd.DataFrame
    fr: object
    w_ci: object
    outcome: pd.DataFrame
    groups: dict
    mw: pd.DataFrame
    cliff: pd.DataFrame
    unmixed: pd.DataFrame
    sustained: pd.DataFrame
    alp_flagged: list
    lumbar: pd.DataFrame  # plro.bone_density.lumbar_evaluability of the compression fractures


def _mw_rows(outcome: pd.DataFrame, a, b, **keys) -> list[dict]:
    rows = []
    for name in outcome:
        r = sx.mann_whitney_exact(outcome.loc[a, name], outcome.loc[b, name])
        rows.append({**keys, "outcome": name, "sizes": f"{r.n_x} vs {r.n_y}", "p": r.pvalue,
                     "smallest": r.smallest_possible_p, "delta": r.cliffs_delta})
    return rows


def analyse(data_dir: str | Path | None = None) -> Outcomes:
    """Run every analysis of chapter 5 on the data package (seeded, so the same every run)."""
    patients, visits, flags = load_patients(data_dir), load_visits(data_dir), load_lab_flags(data_dir)
    fractures = load_imaging_findings(data_dir)
    vas = pain.vas_wide(visits)
    claimed = pain.reported_pain_control()
    check = pain.reported_mean_check(visits, SCAN, reported_mean=claimed["mean"],
                                     reported_times=claimed["times"])
    scan = pain.sensitivity_table(visits, SCAN)[["mean, earliest"]].join(check)
    signflip = {label: sx.signflip_test((vas[0] - vas[m]).to_numpy()) for label, m in CHANGES.items()}
    stats = {"median fall": lambda a: np.median(a, axis=1),
             "rank-biserial": lambda a: sx.matched_pairs_rank_biserial(a, axis=1)}
    boot = pd.DataFrame([
        {"statistic": f"{name}, {label}", **vars(bootstrap_ci((vas[0] - vas[m]).to_numpy(), stat,
                                                              n_resamples=N_BOOT, vectorized=True))}
        for label, m in CHANGES.items() for name, stat in stats.items()]).set_index("statistic")
    ranks = _st.rankdata(vas.to_numpy(), axis=1)
    info = patients.set_index("patient_id")
    le2 = pain.time_to_control(visits, vas_at_most(2)).set_index("patient_id")["visit_month"]
    outcome = pd.DataFrame({OUTCOMES["fall"]: vas[0] - vas[6], OUTCOMES["le2"]: le2})
    kept, stopped = info["breastfeeding"].eq("continued").to_numpy(), info["breastfeeding"].eq("discontinued")
    given = info["bisphosphonate"].to_numpy(bool)
    groups = {"continued vs discontinued (P3 left out)": (kept, stopped.to_numpy()),
              "continued vs all others (P3 as discontinued)": (kept, ~kept),
              "bisphosphonate vs none": (given, ~given)}
    mw = pd.DataFrame([row for split, (a, b) in groups.items()
                       for row in _mw_rows(outcome, a, b, comparison=split)])
    fall = outcome[OUTCOMES["fall"]].to_numpy()
    cliff = pd.DataFrame([
        {"comparison": split, **vars(bootstrap_ci((fall[groups[split][0]], fall[groups[split][1]]),
                                                  lambda x, y: sx.cliffs_delta(x, y, axis=1),
                                                  n_resamples=N_BOOT, vectorized=True))}
        for split in ("continued vs discontinued (P3 left out)", "bisphosphonate vs none")])
    confounders = [*claimed["latest"], *info.index[info["vertebroplasty"].astype(bool)]]
    unmixed = ~info.index.isin(confounders)
    calcium_by_visit = pd.DataFrame({
        visit: interval_summary(visits[visits["visit"] == visit], flags[flags["visit"] == visit]).loc[
            "calcium_mg_dl", ["reported", "below", "above", "arrows"]] for visit in VISITS}).T.astype(int)
    return Outcomes(
        patients=patients, visits=visits, claimed=claimed, vas=vas, scan=scan,
        sensitivity=pain.sensitivity_table(visits), relief=pain.month1_relief(visits),
        latest=pain.latest_controllers(visits, claimed=claimed["latest"]),
        missing=missing_lab_counts(visits), labs=interval_summary(visits, flags),
        calcium_by_visit=calcium_by_visit, signflip=signflip, boot=boot,
        fr=sx.friedman(vas.to_numpy(), n_permutations=N_PERMUTATIONS),
        w_ci=bootstrap_ci(ranks, lambda r: sx.kendalls_w(r, axis=0), n_resamples=N_BOOT, vectorized=True),
        outcome=outcome, groups=groups, mw=mw, cliff=cliff,
        unmixed=pd.DataFrame(_mw_rows(outcome, given & unmixed, ~given & unmixed)),
        sustained=pain.sensitivity_table(visits, SUSTAINED),
        alp_flagged=flagged_patients(flags, "alp_u_l", visit="baseline", flag="high"),
        lumbar=lumbar_evaluability(fractures[fractures["finding"] == "compression_fracture"]))


def facts(results: Outcomes | None = None) -> dict[str, object]:
    """Every value chapter 5's prose quotes, keyed by its glue name, worded for reading."""
    r = analyse() if results is None else results
    vas, sens, info = r.vas, r.sensitivity, r.patients.set_index("patient_id")
    values: dict[str, object] = {
        "alpha": ALPHA, "n_patients": len(vas), "n_complete": int(vas.notna().all(axis=1).sum()),
        "baseline_mean": number(vas[0].mean(), 1), "baseline_sd": number(vas[0].std(ddof=1), 2),
        "vas_min0": int(vas[0].min()), "vas_max0": int(vas[0].max()),
        "n_never_zero": int(sens.loc["VAS = 0", "not reached"]),
    }
    values |= {f"median_m{m}": tables.cell_text(vas[m].median(), 1) for m in VISITS.values()}
    for key, rule in {"le3": "VAS ≤ 3", "le2": "VAS ≤ 2", "le1": "VAS ≤ 1", "f50": "Fall ≥ 50%"}.items():
        values[f"mean_{key}"] = number(sens.loc[rule, "mean, latest"], 1)
        values[f"early_{key}"] = number(sens.loc[rule, "mean, earliest"], 1)
    kept = list(info.index[info["breastfeeding"] == "continued"])
    given = list(info.index[info["bisphosphonate"].astype(bool)])
    values["bf_baselines"] = and_list(f"{v:g}" for v in vas.loc[kept, 0])
    values |= _scan_facts(r) | _lab_facts(r) | _test_facts(r)
    latest, n_rules, claimed = r.latest, len(r.latest), list(r.claimed["latest"])
    p9, n_only = latest["latest patients"].str.contains(r"\bP9\b"), int(latest["only claimed"].sum())
    rules = {k: share(int(v), n_rules, "definition", say=count_word) for k, v in
             (("only", n_only), ("p9", p9.sum()), ("among", latest["claimed among latest"].sum()))}
    values |= {"n_rules": n_rules, "n_only_8_10": n_only, "n_with_p9": int(p9.sum()),
               "only_8_10_phrase": ("under no definition are they the only latest patients" if n_only == 0
                                    else f"they are the only latest patients under {rules['only']}"),
               "p9_tie_phrase": f"under {rules['p9']}", "among_phrase": f"under {rules['among']}",
               "p9_path": and_list(f"{v:g}" for v in vas.loc[9]),
               "claimed_ids": tables.patients_phrase(claimed), "bf_ids": tables.patients_phrase(kept),
               "bf_n_word": count_word(len(kept)), "bis_n_word": count_word(len(given)),
               "bis_ids": tables.patients_phrase(given), "alp_n_word": count_word(len(r.alp_flagged))}
    values |= _bone_facts(r, kept) | _vitamin_d_facts(r)
    relief, n = r.relief, len(r.relief)
    for key, hit in (("2pt", relief["fall ≥ 2 points"]), ("30", relief["fall ≥ 30%"]),
                     ("50", relief["fall ≥ 50%"]), ("zero_m1", vas[1] == 0)):
        values |= {f"n_{key}": int(hit.sum()), f"n_{key}_phrase": share(int(hit.sum()), n, "patient")}
    values |= {**{f"p8_{k}": int(relief.loc["P8", c]) for k, c in (
                   ("pct", "fall (%)"), ("m0", "baseline"), ("m1", "month 1"), ("pts", "fall (points)"))},
               "p8_rank": int(relief["fall (%)"].rank(method="min")["P8"]),
               "min_m1": int(vas[1].min()), "p4_m0": int(vas.loc[4, 0]), "p4_m1": int(vas.loc[4, 1]),
               "ex_le1s_mean": number(r.sustained.loc["VAS ≤ 1, sustained", "mean, latest"], 1),
               "p3_path": and_list(f"{v:g}" for v in vas.loc[3])}
    return values


def _bone_facts(r: Outcomes, kept: list[int]) -> dict[str, object]:
    """The lowest interpretable T-scores: lumbar (L1-L4) without unreadable spines, femoral neck."""
    l1l4 = r.lumbar.query("region == 't_score_l1_l4'").set_index("patient_id")
    unread, info = list(l1l4.index[~l1l4["interpretable"].astype(bool)]), r.patients.set_index("patient_id")
    spine, neck = info.drop(index=unread)["t_score_l1_l4"], info["t_score_femoral_neck"]
    return {"l1l4_lowest": f"{patient_label(spine.idxmin())} ({spine.min():.1f})",
            "lumbar_unreadable": and_list(map(patient_label, unread)),
            "unreadable_levels": "; ".join(and_list(l1l4.loc[i, "fractured"].split(", ")) for i in unread),
            "neck_lowest": f"{patient_label(neck.idxmin())} ({neck.min():.1f})",
            "bf_lowest_word": "also had" if set(kept) == {spine.idxmin(), neck.idxmin()} else "did not have"}


def _vitamin_d_facts(r: Outcomes) -> dict[str, object]:
    """25(OH)D at month 1 on the maintenance doses: who was below the interval, who fell further."""
    cut = REFERENCE_INTERVALS["vitamin_d_25oh"].low
    m1, low, fell = below_interval_at(r.visits, "vitamin_d_25oh", "month_1")
    return {"vd_cut": number(cut), "vd_low_m1": f"{share(len(low), len(m1), 'patient')} measured at "
            f"month 1 ({and_list(map(patient_label, low))})" if low else "no patient measured at month 1",
            "vd_fell": (f"{and_list(map(patient_label, fell))}, already below it at baseline, fell further"
                        if fell else "none of those already below it at baseline fell further")}


def _scan_facts(r: Outcomes) -> dict[str, object]:
    check, claimed = r.scan, r.claimed
    n_eq = int(check["equals reported"].sum())
    gap = (check["mean of visit months"] - claimed["mean"]).abs()
    nearest = [f"{rule} ({check.loc[rule, 'mean of visit months']:.1f})"
               for rule in gap.index[gap == gap.min()]]
    return {"n_scan": len(check), "n_equal": n_eq,
            "reproduce_phrase": (f"None of the {len(check)} definitions reproduces" if n_eq == 0
                                 else f"{n_eq} of the {len(check)} definitions reproduce"
                                 + ("s" if n_eq == 1 else "")),
            "fit_rules": and_list(check.index[check["attainable"]]), "nearest": "; ".join(nearest),
            "others_sum": number(claimed["mean"] * len(r.vas) - sum(claimed["times"].values()), 1)}


def _lab_facts(r: Outcomes) -> dict[str, object]:
    labs, ca = r.labs, r.calcium_by_visit
    visits = list(VISITS)
    p1_m3 = r.visits.query("patient_id == 1 and visit == 'month_3'")["calcium_mg_dl"].iloc[0]
    at_last = r.visits[r.visits["patient_id"].isin(r.alp_flagged) & (r.visits["visit"] == visits[-1])]
    ref = REFERENCE_INTERVALS["alp_u_l"]
    values = {f"{short}_{column.replace(' ', '_')}": int(labs.loc[analyte, column])
              for short, analyte in (("ca", "calcium_mg_dl"), ("mg", "magnesium_mg_dl"))
              for column in ("reported", "below", "above", "flagged low", "flagged high")}
    return values | {
        "pth_missing": int(r.missing.loc["Parathyroid hormone (intact)", "total"]),
        "lab_cells": int(r.missing["of"].iloc[0]),
        "ca_m6_reported": int(ca.loc[visits[-1], "reported"]),
        "ca_early_arrows": int(ca.loc[visits[:2], "arrows"].sum()), "ca_same_value": f"{float(p1_m3):g}",
        "alp_ids": and_list(map(patient_label, r.alp_flagged)),
        "alp_in_band": (in_band := int(at_last["alp_u_l"].astype(float).between(ref.low, ref.high).sum())),
        "alp_band_phrase": share(in_band, int(at_last["alp_u_l"].notna().sum()), "value", ("lies", "lie")),
        "mg_above_phrase": share(*labs.loc["magnesium_mg_dl", ["above", "reported"]].astype(int),
                                  "value", ("lies", "lie")),
    }


def _test_facts(r: Outcomes) -> dict[str, object]:
    six, boot, fr = r.signflip["baseline to month 6"], r.boot, r.fr
    mw = r.mw.set_index(["comparison", "outcome"])
    pair = mw.loc[("continued vs discontinued (P3 left out)", OUTCOMES["le2"])]
    cliff = r.cliff.set_index("comparison")
    values = {
        "p_signflip": six.pvalue, "p_signflip_text": p_value(six.pvalue), "n_zero_6": six.n_zero,
        "zero_6_phrase": ("no difference is zero" if six.n_zero == 0 else
                          f"{six.n_zero} of the differences are zero, dropped before ranking"),
        "n_assignments": six.n_assignments, "rb6": f"{six.rank_biserial:g}",
        "n_boot": f"{N_BOOT:,}", "seed": DEFAULT_SEED, "n_perm": f"{fr.n_permutations:,}",
        "fr_n_extreme": (k := round(fr.pvalue_permutation * (fr.n_permutations + 1)) - 1),
        "fr_extreme_phrase": share(k, fr.n_permutations, "shuffle", ("was", "were"), say="{:,}".format),
        "fr_q": number(fr.statistic, 1), "fr_p": p_value(fr.pvalue_chi2),
        "fr_pperm": p_value(fr.pvalue_permutation), "w": number(fr.kendalls_w, 2),
        "w_lo": number(r.w_ci.low, 2), "w_hi": number(r.w_ci.high, 2),
        "mw_bf_p": p_value(pair["p"]), "mw_bf_min": p_value(pair["smallest"]),
        "mw_bf_delta": number(pair["delta"], 2),
        "unmixed_sizes": r.unmixed["sizes"].iloc[0], "unmixed_min_p": p_value(r.unmixed["p"].min()),
        "bf_falls": and_list(f"{v:g}" for v in r.outcome.loc[r.groups[next(iter(r.groups))][0],
                                                              OUTCOMES["fall"]]),
    }
    for stat, name in (("med6", "median fall"), ("rb6", "rank-biserial")):
        row = boot.loc[f"{name}, baseline to month 6"]
        values |= {f"{stat}_lo": f"{row['low']:g}", f"{stat}_hi": f"{row['high']:g}"}
    values["med6"] = f"{boot.loc['median fall, baseline to month 6', 'estimate']:g}"
    for key, split in zip(("bf", "bf_all", "bis"), r.groups, strict=True):
        a, b = (int(mask.sum()) for mask in r.groups[split])
        values |= {f"min_p_{key}": p_value(sx.smallest_exact_p(a, b)), f"{key}_sizes": f"{a} vs {b}",
                   f"min_p_{key}_fraction": f"2/{round(2 / sx.smallest_exact_p(a, b))}"}  # 2 / C(a+b, a)
    values["min_p_2v7"] = sx.smallest_exact_p(*(int(m.sum()) for m in r.groups[next(iter(r.groups))]))  # quiz
    for key, split in (("bf", "continued vs discontinued (P3 left out)"), ("bis", "bisphosphonate vs none")):
        values |= {f"{short}_{key}": number(cliff.loc[split, column], 2)
                   for short, column in (("cd", "estimate"), ("lo", "low"), ("hi", "high"))}
    return values


# ------------------------------------------------------------------ tables
def _per_patient(frame: pd.DataFrame, **options) -> Table:
    shown = frame.rename(index=patient_label, columns=MONTHS).rename_axis(index="patient", columns=None)
    return show(readable(shown.reset_index(), label="patient"), index=True, **options)


def vas_table(r: Outcomes, patients=None) -> Table:
    """Pain (VAS, 0-10) of each patient (or of ``patients``, ids) at each visit."""
    vas = r.vas if patients is None else r.vas.loc[list(patients)]
    return _per_patient(vas, caption="Pain (VAS, 0-10) at each visit")


def group_medians_table(r: Outcomes) -> Table:
    """Median VAS at baseline and month 6 in each breast-feeding group (Table I's record)."""
    medians = r.vas[[0, 6]].groupby(pain.patient_groups(r.patients, "breastfeeding")).median()
    medians = medians.rename(columns={0: "Median VAS, baseline", 6: "Median VAS, month 6"})
    return show(readable(medians.rename_axis("group").reset_index(), label="group"), index=True)


_SUMMARY_ROWS = {"not reached": "Patients not reached", "mean, earliest": "Mean, earliest possible (months)",
                 "mean, latest": "Mean of visit months", "median, latest": "Median of visit months"}


def rules_table(table: pd.DataFrame, by_patient: bool = True) -> Table:
    """A :func:`plro.pain.sensitivity_table` in words: one column per rule (``by_patient``) or one row."""
    median = ["not defined" if pd.isna(v) else f"{v:g}" for v in table["median, latest"]]  # whole: an integer
    shown = tables.sensitivity_display(table).assign(**{"median, latest": median}).rename(
        columns=_SUMMARY_ROWS)
    return show(readable((shown.T if by_patient else shown).rename_axis("row").reset_index(), label="row"),
                index=True, note="“> 6”: not reached by the last visit; “not defined”: a mean with a "
                                 "patient not reached.")


def intervals_table(r: Outcomes) -> Table:
    """When control (VAS ≤ 2) began for each patient, as the visit schedule allows."""
    shown = pain.control_intervals(r.visits, vas_at_most(2)).rename("Control began (months)")
    return show(readable(shown.reset_index(), label="patient"), index=True)


def scan_table(r: Outcomes) -> Table:
    """Each scanned definition against the paper's mean time to control and its two timed patients."""
    headers = {"definition": "Definition", "mean, earliest": "Mean, earliest (months)",
               "mean of visit months": "Mean of visit months", "equals reported": "Equals the paper's mean",
               "within bounds": "Paper's mean within bounds", "reported times fit": "Paper's 2 times fit",
               "attainable": "Paper's mean attainable"}
    formats = dict.fromkeys(("mean, earliest", "mean of visit months"), tables.places(1))
    return show(readable(r.scan.reset_index(), headers, formats=formats),
                dash="not defined: a patient never reached control")


def latest_table(r: Outcomes) -> Table:
    """Who reached control last under each default rule."""
    claimed = and_list(map(patient_label, r.claimed["latest"]))
    headers = {"definition": "Definition", "latest reached": "Latest control",
               "latest patients": "Latest patients", "n tied": "Patients tied",
               "only claimed": f"Only {claimed}", "claimed among latest": f"{claimed} among them"}
    return show(readable(r.latest.reset_index(), headers))


def relief_table(r: Outcomes, lowest: int | None = None) -> Table:
    """Change in VAS by month 1 and each threshold, per patient (or the ``lowest`` relative falls)."""
    table = r.relief if lowest is None else r.relief.sort_values("fall (%)").head(lowest).iloc[:, :4]
    headers = {"baseline": "Baseline", "month 1": "Month 1", "fall (points)": "Fall (points)",
               "fall (%)": "Fall (%)", **{f"fall ≥ {t}": f"≥ {t}" for t in ("2 points", "30%", "50%")}}
    return show(readable(table.rename(columns=headers).reset_index(), label="patient"), index=True)


def missing_table(r: Outcomes) -> Table:
    """Missing (N/A) values per analyte and visit."""
    headers = {**{v: MONTHS[m] for v, m in VISITS.items()}, "total": "Missing in all", "of": "Values in all"}
    return show(readable(r.missing.rename(columns=headers).reset_index(), label="analyte"), index=True)


def lab_counts_table(r: Outcomes) -> Table:
    """Calcium and magnesium: values reported, outside the illustrative interval, and Table II's arrows."""
    headers = {"reported": "Reported", "below": "Below interval", "above": "Above interval",
               "flagged low": "↓ in Table II", "flagged high": "↑ in Table II"}
    rows = r.labs.loc[["calcium_mg_dl", "magnesium_mg_dl"], list(headers)]
    rows.index = ["Calcium (mg/dL)", "Magnesium (mg/dL)"]
    return show(readable(rows.rename(columns=headers).rename_axis("a").reset_index(), label="a"), index=True)


def calcium_by_visit_table(r: Outcomes) -> Table:
    """Calcium at each visit: values reported, outside the illustrative interval, and arrows."""
    table = r.calcium_by_visit.rename(index={v: MONTHS[m] for v, m in VISITS.items()}).rename(
        columns={"reported": "Reported", "below": "Below interval", "above": "Above interval",
                 "arrows": "Arrows in Table II"})
    return show(readable(table.rename_axis("Calcium (mg/dL)").reset_index()))


def signflip_table(r: Outcomes) -> Table:
    """The exact sign-flip test of each change in VAS."""
    rows = [{"Change": label, "T+": s.statistic, "Exact p (sign-flip)": p_value(s.pvalue), "Zero differences":
             s.n_zero, "Sign assignments": s.n_assignments, "Rank-biserial": s.rank_biserial}
            for label, s in r.signflip.items()]
    return show(readable(pd.DataFrame(rows)))


def bootstrap_table(r: Outcomes) -> Table:
    """Seeded percentile bootstrap intervals of the median fall and the rank-biserial correlation."""
    table = r.boot[["estimate", "low", "high"]].rename(columns={"estimate": "Estimate", "low": "95% low",
                                                                "high": "95% high"})
    return show(readable(table.rename(index=str.capitalize).reset_index(), label="statistic"), index=True)


def friedman_table(r: Outcomes) -> Table:
    """The Friedman test and Kendall's W across the four visits."""
    fr = r.fr
    rows = [("Friedman chi-square (tie-corrected)", number(fr.statistic, 1)), ("p (chi-square)",
            p_value(fr.pvalue_chi2)), ("p (Monte Carlo permutation)", p_value(fr.pvalue_permutation)),
            ("Kendall's W", number(fr.kendalls_w, 2)), ("W, 95% low", number(r.w_ci.low, 2)),
            ("W, 95% high", number(r.w_ci.high, 2))]
    return show(readable(pd.DataFrame(rows, columns=["Statistic", "Value"])))


def outcome_table(r: Outcomes) -> Table:
    """The two outcomes the group comparisons use, per patient."""
    return _per_patient(r.outcome)


_MW_HEADERS = {"comparison": "Comparison", "outcome": "Outcome", "sizes": "Group sizes", "p": "Exact p",
               "smallest": "Smallest p possible", "delta": "Cliff's delta"}


def mann_whitney_table(r: Outcomes, unmixed: bool = False) -> Table:
    """Exact Mann-Whitney comparisons (or the one without patients 4, 8 and 10: ``unmixed``)."""
    table = r.unmixed if unmixed else r.mw
    headers = {k: v for k, v in _MW_HEADERS.items() if k in table.columns}
    return show(readable(table, headers, decimals={"delta": 2},
                         formats={"p": p_value, "smallest": p_value}))


def smallest_p_table(r: Outcomes) -> Table:
    """The smallest two-sided exact Mann-Whitney p that the compared groups' sizes allow (no ties)."""
    sizes = [tuple(int(mask.sum()) for mask in pair) for pair in r.groups.values()]
    rows = [{"Group sizes": f"{a} vs {b}", "Smallest exact p (no ties)": p_value(sx.smallest_exact_p(a, b))}
            for a, b in sizes]
    return show(readable(pd.DataFrame(rows)))


def cliff_table(r: Outcomes) -> Table:
    """Bootstrap intervals of Cliff's delta for the VAS fall, per comparison."""
    headers = {"comparison": "Comparison", "estimate": "Cliff's delta", "low": "95% low", "high": "95% high"}
    return show(readable(r.cliff, headers, formats=dict.fromkeys(list(headers)[1:], tables.places(2))))
