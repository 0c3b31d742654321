"""Tests for plro.subsets: restricting the tables to some patients, and the subset search.

The search is checked against an independent search written here with itertools and
the statistics module, on the printed mean age read from reported_statistics.csv.
"""

from __future__ import annotations

import statistics
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

import pandas as pd
import pytest

from plro import subsets
from plro.data import load_all
from plro.paper import printed


@pytest.fixture(scope="module")
def tables():
    return load_all()


def half_away(x, places):
    return Decimal(repr(round(float(x), 9))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def test_subset_tables_keeps_only_those_patients(tables):
    sub = subsets.subset_tables(tables, [1, 2])
    assert set(sub["patients"]["patient_id"]) == {1, 2}
    assert set(sub["visits"]["patient_id"]) == {1, 2}
    assert len(sub["reported_statistics"]) == len(tables["reported_statistics"])


def test_summary_claims_are_the_derivable_means_with_an_sd(tables):
    claims = tables["reported_statistics"]
    chosen = subsets.summary_claims(claims)
    assert len(chosen) > 0
    assert chosen["reported_sd"].notna().all() and (chosen["derivable"] == "yes").all()
    others = claims.drop(chosen.index)
    assert not ((others["derivable"] == "yes") & others["reported_sd"].notna()).any()


def test_subsets_reproducing_on_synthetic_values():
    values = {1: 1, 2: 2, 3: 3, 4: 10}
    assert subsets.subsets_reproducing(values, "2", 0, min_size=3) == [(1, 2, 3)]
    assert subsets.subsets_reproducing(values, "2", 0, "1.00", 2, min_size=3) == [(1, 2, 3)]
    assert subsets.subsets_reproducing(values, "2", 0, "0.50", 2, min_size=3) == []


def test_n_subsets_counts_subsets_of_three_or_more():
    # 2**10 subsets in all, minus the empty one, the 10 singletons and the 45 pairs.
    assert subsets.n_subsets(10, 3) == 2**10 - 1 - 10 - 45
    assert subsets.n_subsets(4, 4) == 1


def test_subset_search_agrees_with_an_independent_search(tables):
    age = printed("cs_age_mean")
    mean, sd = half_away(age.value, age.decimals), half_away(age.sd, age.sd_decimals)
    patients = tables["patients"]
    ages = dict(zip(patients["patient_id"].astype(int), patients["age_years"].astype(int), strict=True))
    searched, hits = 0, []
    for k in range(3, len(ages) + 1):
        for combo in combinations(sorted(ages), k):
            searched += 1
            xs = [ages[i] for i in combo]
            sds = {half_away(statistics.stdev(xs), age.sd_decimals),
                   half_away(statistics.pstdev(xs), age.sd_decimals)}
            if half_away(statistics.mean(xs), age.decimals) == mean and sd in sds:
                hits.append(combo)
    out = subsets.subset_search(tables).set_index("claim_id")
    row = out.loc["cs_age_mean"]
    assert row["subsets searched"] == searched
    assert row["subsets reproducing"] == len(hits) > 0
    assert set(row["subsets"]) == set(hits)
    assert row["all ten reproduce"] == ("yes" if tuple(sorted(ages)) in hits else "no")
    assert row["patients 1-8 reproduce"] == ("yes" if tuple(range(1, 9)) in hits else "no")
    assert row["reported"].startswith(age.text)
    assert list(out.index) == list(subsets.summary_claims(tables["reported_statistics"])["claim_id"])


def test_common_subsets_intersects_the_hits():
    search = pd.DataFrame({"claim_id": ["a", "b"],
                           "subsets": [((1, 2, 3), (2, 3, 4)), ((2, 3, 4), (1, 3, 4))]})
    assert subsets.common_subsets(search, ["a", "b"]) == [(2, 3, 4)]
    assert subsets.common_subsets(search, ["a"]) == [(1, 2, 3), (2, 3, 4)]
    assert subsets.common_subsets(search, []) == []


def test_subset_label_names_runs_and_lists():
    assert subsets.subset_label([3, 1, 2, 4]) == "patients 1–4"
    assert subsets.subset_label([1, 3, 4]) == "patients 1, 3, 4"
    assert subsets.subset_label([2, 3]) == "patients 2, 3"
