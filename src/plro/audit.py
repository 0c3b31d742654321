"""Recompute the paper's printed numbers from its own tables and judge each one.

``data/reported_statistics.csv`` lists every number the paper prints (one row per
claim, read through :func:`plro.paper.reported_statistics`). For each claim marked
``derivable == "yes"``, the rule its ``recompute`` column names in
:data:`plro.recompute.RULES` selects what the claim is about from the tables;
this module does the arithmetic and the comparison, and :func:`audit_table` puts
the printed and the recomputed numbers side by side.

Rounding rule
    A number printed with *k* decimals matches when the recomputed value, rounded
    to *k* decimals half away from zero (``decimal.ROUND_HALF_UP``), equals it.
    All arithmetic is done in :class:`decimal.Decimal` on the values as printed,
    inside a local decimal context (:data:`PRECISION` digits), so no binary
    floating-point error can tip a rounding and the caller's decimal context is
    never read or changed.

Standard deviations
    A printed SD is compared with both conventions: the sample SD (divisor n - 1)
    and the population SD (divisor n). ``sd_convention`` says which of them
    reproduces it: ``"n-1"``, ``"n"``, ``"n-1 and n"`` or ``"neither"``. A mean
    and its SD are separate claims (``cs_age_mean`` judges the mean, ``cs_age_sd``
    the SD), so a right mean is never marked wrong because of its SD.

Verdicts
    ``matches`` or ``differs`` for one number; ``partly contradicted`` when the
    rule splits the claim into parts (:attr:`plro.recompute.Found.parts`) and
    some parts match the printed number while others do not; ``not derivable from
    the tables`` when the claim is marked ``derivable == "no"``.

Typical use::

    from plro.audit import audit_counts, audit_table
    audit = audit_table()          # one row per claim
    audit_counts(audit)            # claims per section and verdict
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

import pandas as pd

from plro.data import load_all
from plro.paper import reported_statistics
from plro.recompute import Found, check_claims, rule

__all__ = [
    "PRECISION",
    "STATUSES",
    "NOT_DERIVABLE",
    "Recomputed",
    "round_half_away",
    "rounds_to",
    "mean_sd",
    "median",
    "sd_convention",
    "grim_consistent",
    "evaluate",
    "compare",
    "audit_table",
    "audit_counts",
]

PRECISION = 28
"""Significant digits of the local decimal context all arithmetic here runs in."""

STATUSES = ("matches", "partly contradicted", "differs", "not derivable from the tables")
"""The possible values of ``audit_table()["status"]``, from agreement to no check at all."""

NOT_DERIVABLE = STATUSES[-1]
"""The status of a claim the tables cannot check."""


def _context() -> localcontext:
    """A fresh local decimal context: the caller's context is neither read nor changed."""
    return localcontext(Context(prec=PRECISION))


# --------------------------------------------------------------------- numbers
def _dec(value) -> Decimal:
    """A Decimal from an int, a float (via its shortest repr), a string or a Decimal."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def round_half_away(value, decimals: int) -> Decimal:
    """Round ``value`` to ``decimals`` places, halves away from zero (2.45 -> 2.5, -2.45 -> -2.5)."""
    with _context():
        return _dec(value).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)


def rounds_to(recomputed, reported, decimals: int) -> bool:
    """True when ``recomputed`` rounded to ``decimals`` places equals ``reported`` (never for None)."""
    if recomputed is None:
        return False
    return round_half_away(recomputed, decimals) == round_half_away(reported, decimals)


def mean_sd(values: Iterable) -> tuple[Decimal, Decimal | None, Decimal]:
    """Mean, sample SD (divisor n - 1; ``None`` when n < 2) and population SD (divisor n)."""
    xs = [_dec(v) for v in values]
    if not xs:
        raise ValueError("mean_sd needs at least one value")
    with _context():
        n = len(xs)
        mean = sum(xs) / n
        ss = sum((x - mean) ** 2 for x in xs)
        sd_n = (ss / n).sqrt()
        sd_n1 = (ss / (n - 1)).sqrt() if n > 1 else None
    return mean, sd_n1, sd_n


def median(values: Iterable) -> Decimal:
    """The median (mean of the two middle values when n is even)."""
    xs = sorted(_dec(v) for v in values)
    if not xs:
        raise ValueError("median needs at least one value")
    mid = len(xs) // 2
    with _context():
        return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def sd_convention(sd_n1, sd_n, reported_sd, decimals: int) -> str:
    """Which SD convention reproduces ``reported_sd``: 'n-1', 'n', 'n-1 and n' or 'neither'."""
    ok_n1 = sd_n1 is not None and rounds_to(sd_n1, reported_sd, decimals)
    ok_n = sd_n is not None and rounds_to(sd_n, reported_sd, decimals)
    return {(True, True): "n-1 and n", (True, False): "n-1", (False, True): "n"}.get(
        (ok_n1, ok_n), "neither"
    )


def grim_consistent(mean, decimals: int, n: int, data_decimals: int = 0) -> bool:
    """GRIM test: can n values recorded with ``data_decimals`` places have this printed mean?

    With whole-number data (ages, weeks) every possible mean is a multiple of
    1/n; the printed mean is consistent when some multiple rounds to it.
    """
    target = _dec(mean)
    with _context():
        grain = Decimal(1).scaleb(-data_decimals) / n
        centre = int((target / grain).to_integral_value())
        candidates = [k * grain for k in range(centre - 2, centre + 3)]
    return any(rounds_to(c, target, decimals) for c in candidates)


# ------------------------------------------------------------- one claim
@dataclass(frozen=True)
class Recomputed:
    """A recomputed number, with both SDs for a mean and the members behind a count.

    ``statistic`` is the rule's (``"sd"``: ``value`` is the sample SD and the claim
    is judged on either convention); ``parts`` the labelled part results of a
    split claim.
    """

    value: Decimal | None
    sd_n1: Decimal | None = None
    sd_n: Decimal | None = None
    patient_ids: tuple[int, ...] | None = None
    levels: tuple[str, ...] | None = None
    n: int | None = None
    detail: str = ""
    statistic: str = "value"
    parts: tuple[tuple[str, Recomputed], ...] = ()


def evaluate(found: Found) -> Recomputed:
    """Do the arithmetic a rule's :class:`plro.recompute.Found` asks for (value, %, mean, median, SD).

    Each of the Found's ``parts`` is evaluated the same way.
    """
    members = dict(patient_ids=found.patient_ids, levels=found.levels, n=found.n,
                   detail=found.detail, statistic=found.statistic,
                   parts=tuple((label, evaluate(part)) for label, part in found.parts))
    if found.statistic in ("mean", "sd"):
        mean, sd_n1, sd_n = mean_sd(found.values)
        return Recomputed(sd_n1 if found.statistic == "sd" else mean, sd_n1, sd_n, **members)
    if found.statistic == "median":
        return Recomputed(median(found.values), **members)
    value = found.values[0] if found.values else None
    if found.statistic == "percent" and value is not None:
        with _context():
            value = 100 * value / found.n
    return Recomputed(value, **members)


def _split(cell) -> tuple[str, ...] | None:
    if cell is None or pd.isna(cell) or str(cell) == "":
        return None
    return tuple(str(cell).split(";"))


def _reported_text(row) -> str:
    printed = str(row["value_as_printed"])
    if not re.fullmatch(r"-?\d+(\.\d+)?", printed):
        return f"'{printed}' = {float(row['reported_value']):g} {row['unit']}"
    if not pd.isna(row["reported_sd"]):
        printed += f" ± {float(row['reported_sd']):.{int(row['reported_sd_decimals'])}f}"
    return f"{printed} {row['unit']}"


def _recomputed_text(rec: Recomputed | None, row) -> str:
    if rec is None:
        return ""
    if rec.value is None:
        return "no single value"
    if rec.statistic == "sd":
        places = int(row["reported_decimals"]) + 1
        n1 = "" if rec.sd_n1 is None else round_half_away(rec.sd_n1, places)
        return f"{n1} (n-1) / {round_half_away(rec.sd_n, places)} (n)"
    if rec.parts:
        return "; ".join(f"{label}: {_recomputed_text(part, row)}" for label, part in rec.parts)
    text = f"{round_half_away(rec.value, 3).normalize():f}"
    if not pd.isna(row["reported_sd"]):
        sd_dec = int(row["reported_sd_decimals"]) + 1
        n1 = "" if rec.sd_n1 is None else round_half_away(rec.sd_n1, sd_dec)
        text += f" ± {n1} (n-1) / {round_half_away(rec.sd_n, sd_dec)} (n)"
    if rec.levels is not None:
        text += f" [{', '.join(rec.levels)}]"
    elif rec.patient_ids is not None and _split(row["patient_ids"]) is not None:
        text += f" [patients {', '.join(str(i) for i in rec.patient_ids)}]"
    return text


def compare(row, rec: Recomputed) -> dict:
    """Judge one claim (a row of reported_statistics.csv) against its recomputed number.

    Returns ``status`` ("matches", "differs", or "partly contradicted" when
    ``rec`` has parts and only some of them match), ``what_differs`` (value, SD,
    patients, levels, or the labels of the parts that differ), ``sd_convention``,
    ``difference`` (recomputed - reported) and ``relative_difference_pct`` (None
    when the reported value is 0 or nothing was found). The SD printed beside a
    mean (``reported_sd``) is described in ``sd_convention`` but judged by its own
    claim (a rule with statistic ``"sd"``), not by the mean's.
    """
    reported = _dec(float(row["reported_value"]))
    decimals = int(row["reported_decimals"])
    if rec.parts:
        failing = [label for label, part in rec.parts if not rounds_to(part.value, reported, decimals)]
        status = ("matches" if not failing else
                  "differs" if len(failing) == len(rec.parts) else "partly contradicted")
        return {"status": status, "what_differs": ", ".join(failing), "sd_convention": "",
                "difference": None, "relative_difference_pct": None}
    if rec.statistic == "sd":
        convention = sd_convention(rec.sd_n1, rec.sd_n, reported, decimals)
        problems = ["SD"] if convention == "neither" else []
    else:
        problems = [] if rounds_to(rec.value, reported, decimals) else ["value"]
        convention = ""
    if not pd.isna(row["reported_sd"]):
        convention = sd_convention(
            rec.sd_n1, rec.sd_n, _dec(float(row["reported_sd"])), int(row["reported_sd_decimals"])
        )
    printed_ids = _split(row["patient_ids"])
    if printed_ids is not None and rec.patient_ids is not None:
        if tuple(sorted(int(i) for i in printed_ids)) != tuple(sorted(rec.patient_ids)):
            problems.append("patients")
    printed_levels = _split(row["vertebral_levels"])
    if printed_levels is not None and rec.levels is not None:
        if sorted(printed_levels) != sorted(rec.levels):
            problems.append("levels")
    diff = rel = None
    if rec.value is not None and rec.statistic == "sd" and convention == "n":
        rec = Recomputed(rec.sd_n)
    if rec.value is not None:
        with _context():
            diff = float(rec.value - reported)
        rel = 100 * diff / abs(float(reported)) if reported != 0 else None
    return {
        "status": "matches" if not problems else "differs",
        "what_differs": ", ".join(problems),
        "sd_convention": convention,
        "difference": diff,
        "relative_difference_pct": rel,
    }


# ---------------------------------------------------------------- the audit
def audit_table(
    tables: dict[str, pd.DataFrame] | None = None, claims: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The side-by-side audit: one row per claim, in the order of ``reported_statistics.csv``.

    Columns: ``claim_id``, ``section``, ``claim`` (the quoted phrase),
    ``quantity``, ``reported`` (as printed, with SD and unit),
    ``reported_value``, ``recomputed`` (float; empty when not derivable),
    ``recomputed_sd_n1``, ``recomputed_sd_n``, ``recomputed_text``,
    ``status`` (one of :data:`STATUSES`), ``statistic`` (what the rule
    computes: value, percent, mean, median or sd; empty when not derivable), ``what_differs`` (value, SD,
    patients, levels), ``sd_convention``, ``difference`` (recomputed -
    reported), ``relative_difference_pct`` (difference as % of the reported
    value's magnitude; empty when the reported value is 0) and ``basis``.
    ``tables`` defaults to :func:`plro.data.load_all`; pass others (for example
    from :func:`plro.subsets.subset_tables`) to audit other data. ``claims``
    defaults to the tables' ``reported_statistics``. Raises
    :class:`plro.recompute.RuleError` when a derivable claim names no existing rule.
    """
    tables = load_all() if tables is None else tables
    claims = tables.get("reported_statistics") if claims is None else claims
    claims = reported_statistics() if claims is None else claims
    check_claims(claims)
    rows = []
    for _, row in claims.iterrows():
        out = {
            "claim_id": str(row["claim_id"]),
            "section": str(row["section"]),
            "claim": str(row["quote"]),
            "quantity": str(row["quantity"]),
            "reported": _reported_text(row),
            "reported_value": float(row["reported_value"]),
        }
        rec = None
        if row["derivable"] == "yes":
            rec = evaluate(rule(str(row["recompute"]), str(row["claim_id"]))(tables))
            out.update(compare(row, rec))
        else:
            out.update(status=NOT_DERIVABLE, what_differs="", sd_convention="",
                       difference=None, relative_difference_pct=None)
        out["recomputed"] = None if rec is None or rec.value is None else float(rec.value)
        out["recomputed_sd_n1"] = None if rec is None or rec.sd_n1 is None else float(rec.sd_n1)
        out["recomputed_sd_n"] = None if rec is None or rec.sd_n is None else float(rec.sd_n)
        out["recomputed_text"] = _recomputed_text(rec, row)
        out["statistic"] = "" if rec is None else rec.statistic
        out["basis"] = str(row["recompute_basis"])
        rows.append(out)
    frame = pd.DataFrame(rows)
    frame["status"] = pd.Categorical(frame["status"], categories=list(STATUSES))
    for col in ["recomputed", "recomputed_sd_n1", "recomputed_sd_n", "difference",
                "relative_difference_pct"]:
        frame[col] = frame[col].astype("Float64")
    return frame


def audit_counts(audit: pd.DataFrame) -> pd.DataFrame:
    """Number of claims per section and status (sections in paper order, a Total row)."""
    counts = pd.crosstab(audit["section"], audit["status"]).reindex(
        columns=list(STATUSES), fill_value=0
    )
    order = list(dict.fromkeys(audit["section"]))
    counts = counts.reindex(order)
    counts.loc["Total"] = counts.sum()
    counts["claims"] = counts.sum(axis=1)
    return counts.rename_axis(index="section", columns=None)
