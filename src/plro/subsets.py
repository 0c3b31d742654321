"""Could a smaller version of Table I explain the printed summaries? A subset search.

Several means the Case Series section prints (with their SDs) do not reproduce
from the ten patients of Table I. One possible explanation is that they were
computed on fewer patients. :func:`subset_search` tries every subset of at least
three patients for each printed mean ± SD and counts the subsets that reproduce
it under the audit's rounding rule (:mod:`plro.audit`). A hit shows only that
such a subset exists, not that it was the one used: with hundreds of subsets per
claim, chance matches are expected.

The claims searched are the derivable claims of ``reported_statistics.csv`` that
print an SD; the values searched are those their recompute rule selects
(:mod:`plro.recompute`), one per patient.

Typical use::

    from plro.subsets import subset_search, subset_tables
    subset_search()                                  # one row per printed mean ± SD
    audit_table(subset_tables(load_all(), range(1, 9)))  # the audit on patients 1-8
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

import pandas as pd

from plro.audit import mean_sd, rounds_to, sd_convention
from plro.data import load_all
from plro.recompute import rule

__all__ = [
    "subset_tables",
    "summary_claims",
    "subsets_reproducing",
    "n_subsets",
    "subset_search",
    "common_subsets",
    "subset_label",
]


def subset_tables(tables: dict[str, pd.DataFrame], patient_ids: Iterable[int]) -> dict:
    """The same tables restricted to some patients (tables without ``patient_id`` are kept whole)."""
    keep = {int(i) for i in patient_ids}
    return {
        name: frame if "patient_id" not in frame else frame[frame["patient_id"].isin(keep)]
        for name, frame in tables.items()
    }


def summary_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The derivable claims that print a mean with an SD (the claims a subset search tries)."""
    return claims[(claims["derivable"] == "yes") & claims["reported_sd"].notna()]


def subsets_reproducing(
    values: dict[int, object], mean, decimals: int, sd=None, sd_decimals: int | None = None,
    min_size: int = 3,
) -> list[tuple[int, ...]]:
    """Patient subsets (as id tuples) whose mean (and SD, either convention) round to the printed ones.

    ``values`` maps patient id -> value. A search over every subset of at least
    ``min_size`` patients; with ten patients there are about a thousand.
    """
    hits = []
    values = {int(k): v for k, v in values.items()}
    ids = sorted(values)
    for size in range(min_size, len(ids) + 1):
        for combo in itertools.combinations(ids, size):
            m, s1, s0 = mean_sd(str(values[i]) for i in combo)
            if not rounds_to(m, mean, decimals):
                continue
            if sd is not None and sd_convention(s1, s0, sd, sd_decimals) == "neither":
                continue
            hits.append(combo)
    return hits


def n_subsets(n: int, min_size: int = 3) -> int:
    """How many subsets of at least ``min_size`` of ``n`` patients exist (what a full search tries)."""
    return sum(math.comb(n, k) for k in range(min_size, n + 1))


def _values_by_patient(tables: dict, claim) -> dict[int, str]:
    found = rule(str(claim["recompute"]), str(claim["claim_id"]))(tables)
    if found.statistic != "mean" or found.patient_ids is None:
        raise ValueError(f"claim {claim['claim_id']!r}: rule {claim['recompute']!r} does not "
                         f"select one value per patient (statistic {found.statistic!r})")
    return {pid: str(v) for pid, v in zip(found.patient_ids, found.values, strict=True)}


def subset_search(tables: dict | None = None, min_size: int = 3) -> pd.DataFrame:
    """Search every patient subset for each printed mean ± SD (:func:`summary_claims`).

    One row per claim: ``claim_id``, ``reported`` (mean ± SD as printed),
    ``subsets searched``, ``subsets reproducing`` (mean and SD, either
    convention), ``all ten reproduce`` and ``patients 1-8 reproduce``
    (yes/no), and ``subsets`` (the reproducing subsets as id tuples). Searching
    this many subsets can produce chance matches: a hit shows that a subset
    *could* give the printed numbers, not that it did.
    """
    t = load_all() if tables is None else tables
    rows = []
    for _, claim in summary_claims(t["reported_statistics"]).iterrows():
        values = _values_by_patient(t, claim)
        sd_places = int(claim["reported_sd_decimals"])
        hits = subsets_reproducing(
            values, str(claim["value_as_printed"]), int(claim["reported_decimals"]),
            f"{float(claim['reported_sd']):.{sd_places}f}", sd_places, min_size=min_size,
        )
        rows.append({
            "claim_id": str(claim["claim_id"]),
            "reported": f"{claim['value_as_printed']} ± {float(claim['reported_sd']):.{sd_places}f}"
                        f" {claim['unit']}",
            "subsets searched": n_subsets(len(values), min_size),
            "subsets reproducing": len(hits),
            "all ten reproduce": "yes" if tuple(sorted(values)) in hits else "no",
            "patients 1-8 reproduce": "yes" if tuple(range(1, 9)) in hits else "no",
            "subsets": tuple(hits),
        })
    return pd.DataFrame(rows)


def common_subsets(search: pd.DataFrame, claim_ids: Iterable[str]) -> list[tuple[int, ...]]:
    """The subsets (from :func:`subset_search`) that reproduce every one of ``claim_ids`` at once."""
    found = search.set_index("claim_id")["subsets"]
    sets = [set(found.loc[c]) for c in claim_ids]
    return sorted(set.intersection(*sets)) if sets else []


def subset_label(patient_ids: Iterable[int]) -> str:
    """A subset in words: 'patients 1–8' for a run of consecutive ids, else 'patients 1, 3, 4'."""
    ids = sorted(int(i) for i in patient_ids)
    if len(ids) > 2 and ids == list(range(ids[0], ids[-1] + 1)):
        return f"patients {ids[0]}–{ids[-1]}"
    return "patients " + ", ".join(str(i) for i in ids)
