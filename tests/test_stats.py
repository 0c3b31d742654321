"""Tests for plro.stats: exact tests against scipy (where scipy is exact) and hand-computed cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats as st

from plro.stats import (
    bootstrap_ci,
    cliffs_delta,
    friedman,
    kendalls_w,
    mann_whitney_exact,
    matched_pairs_rank_biserial,
    signflip_test,
    smallest_exact_p,
)

# --------------------------------------------------------------------- sign flip


def test_signflip_five_positive_differences_is_two_over_32():
    # Only "all +" and "all -" are as extreme as the observed pattern: 2 of 2**5.
    res = signflip_test([1, 2, 3, 4, 5])
    assert res.pvalue == pytest.approx(2 / 32)
    assert res.statistic == 15
    assert res.n_assignments == 32
    assert res.rank_biserial == 1.0


def test_signflip_one_sided_all_positive_is_one_over_two_to_n():
    assert signflip_test([3, 1, 4, 1.5, 9, 2.6], alternative="greater").pvalue == pytest.approx(1 / 64)
    assert signflip_test([3, 1, 4, 1.5, 9, 2.6], alternative="less").pvalue == 1.0


@pytest.mark.parametrize(
    "d",
    [
        [1.5, -2.25, 3.1, 4.7, 5.2, -0.4, 7.9, 8.3],
        [-1, 2, 3, -4, 5, 6, 7, -8, 9, 10, 11],
        [0.3, 0.1, -0.2, 0.7, 0.9, 1.3, -1.1],
    ],
)
def test_signflip_matches_scipy_exact_without_ties_or_zeros(d):
    ours = signflip_test(d)
    theirs = st.wilcoxon(d, method="exact")
    assert ours.pvalue == pytest.approx(theirs.pvalue)
    # scipy reports min(T+, T-); T+ + T- = n(n+1)/2
    n = len(d)
    assert min(ours.statistic, n * (n + 1) / 2 - ours.statistic) == pytest.approx(theirs.statistic)


def test_signflip_ties_hand_computed():
    # |d| all tied -> every rank is 2; T+ = 2 * (number of positives).
    # [2, 2, 2]: T+ = 6, only +++ and --- are as extreme: p = 2/8.
    assert signflip_test([2, 2, 2]).pvalue == pytest.approx(2 / 8)
    # [1, 1, -1]: T+ = 4, |4 - 3| = 1 is the smallest possible distance -> p = 1.
    assert signflip_test([1, 1, -1]).pvalue == pytest.approx(1.0)


def test_signflip_zero_methods():
    d = [0, 1, 2, 3]
    wilcox = signflip_test(d, zero_method="wilcox")
    pratt = signflip_test(d, zero_method="pratt")
    assert wilcox.n_zero == pratt.n_zero == 1
    assert wilcox.n_used == pratt.n_used == 3
    assert wilcox.statistic == 6  # ranks 1, 2, 3 without the zero
    assert pratt.statistic == 9  # ranks 2, 3, 4 when the zero takes rank 1
    assert wilcox.pvalue == pytest.approx(2 / 8)
    with pytest.raises(ValueError, match="zero_method"):
        signflip_test(d, zero_method="zsplit")


def test_signflip_rejects_missing_values():
    with pytest.raises(ValueError, match="missing"):
        signflip_test([1, float("nan"), 2])


def test_matched_pairs_rank_biserial_hand_case():
    # ranks of |d|: 1, 2, 3, 4 ; T+ = 1+2+3 = 6, T- = 4 -> (6-4)/10
    assert matched_pairs_rank_biserial([1, 2, 3, -4]) == pytest.approx(0.2)
    assert matched_pairs_rank_biserial([-1, -2]) == -1.0


# ------------------------------------------------------------------ Mann-Whitney


def test_mann_whitney_most_extreme_two_vs_eight_is_two_over_45():
    res = mann_whitney_exact([1, 2], list(range(3, 11)))
    assert res.pvalue == pytest.approx(2 / 45)
    assert res.u == 0
    assert res.cliffs_delta == -1.0
    assert res.n_splits == 45


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1.1, 2.5, 3.9, 8.0], [4.2, 5.3, 6.6, 7.7, 9.1, 10.4]),
        ([0.2, 3.4, 5.5], [1.0, 2.0, 4.4, 6.1, 7.2, 8.3, 9.9]),
    ],
)
def test_mann_whitney_matches_scipy_exact_without_ties(x, y):
    ours = mann_whitney_exact(x, y)
    theirs = st.mannwhitneyu(x, y, method="exact")
    assert ours.pvalue == pytest.approx(theirs.pvalue)
    assert ours.u == pytest.approx(theirs.statistic)


def test_mann_whitney_with_ties_by_brute_force():
    # Recompute the tied case with an independent loop over all label assignments.
    x, y = [6, 6], [3, 1, 1, 3, 3, 1, 6]
    pooled = np.array(x + y, dtype=float)
    ranks = st.rankdata(pooled)
    centre = len(x) * len(y) / 2
    obs = abs(ranks[:2].sum() - 3 - centre)
    splits = list(itertools.combinations(range(9), 2))
    hits = sum(abs(ranks[list(c)].sum() - 3 - centre) >= obs - 1e-9 for c in splits)
    assert mann_whitney_exact(x, y).pvalue == pytest.approx(hits / len(splits))


def test_smallest_exact_p():
    assert smallest_exact_p(2, 8) == pytest.approx(2 / 45)
    assert smallest_exact_p(2, 7) == pytest.approx(2 / 36)
    assert smallest_exact_p(2, 7) > 0.05
    assert smallest_exact_p(4, 6) == pytest.approx(2 / math.comb(10, 4))
    assert smallest_exact_p(2, 8, alternative="greater") == pytest.approx(1 / 45)


def test_cliffs_delta_hand_case_and_vectorised():
    # x=[3,4], y=[1,2,3]: 5 pairs x>y, 1 tie, 0 x<y -> 5/6
    assert cliffs_delta([3, 4], [1, 2, 3]) == pytest.approx(5 / 6)
    xs = np.array([[3, 4], [1, 1]])
    ys = np.array([[1, 2, 3], [2, 2, 2]])
    np.testing.assert_allclose(cliffs_delta(xs, ys, axis=1), [5 / 6, -1.0])


# ---------------------------------------------------------------------- Friedman


def test_friedman_matches_scipy_with_ties():
    m = np.array([[9, 5, 1, 0], [8, 2, 2, 1], [7, 1, 2, 0], [7, 3, 3, 3], [6, 6, 2, 1]])
    ours = friedman(m)
    theirs = st.friedmanchisquare(*m.T)
    assert ours.statistic == pytest.approx(theirs.statistic)
    assert ours.pvalue_chi2 == pytest.approx(theirs.pvalue)
    assert ours.kendalls_w == pytest.approx(theirs.statistic / (5 * 3))


def test_kendalls_w_perfect_agreement_is_one():
    ranks = np.tile([4.0, 3.0, 2.0, 1.0], (6, 1))
    assert kendalls_w(ranks) == pytest.approx(1.0)
    assert friedman(ranks).kendalls_w == pytest.approx(1.0)


def test_friedman_permutation_p_is_seeded_and_sensible():
    m = np.tile([4.0, 3.0, 2.0, 1.0], (6, 1))
    a = friedman(m, n_permutations=2000, seed=1)
    b = friedman(m, n_permutations=2000, seed=1)
    assert a.pvalue_permutation == b.pvalue_permutation
    # perfect agreement among 6 patients: exact p = 24 / 24**6, so essentially only
    # the observed arrangement counts -> p close to 1/(2000+1)
    assert a.pvalue_permutation < 0.01
    random_like = np.array([[1, 2, 3, 4], [4, 3, 2, 1], [2, 1, 4, 3], [3, 4, 1, 2]])
    assert friedman(random_like, n_permutations=2000).pvalue_permutation > 0.5


def test_friedman_rejects_missing():
    with pytest.raises(ValueError, match="missing"):
        friedman([[1, 2, np.nan], [1, 2, 3]])


# --------------------------------------------------------------------- bootstrap


def test_bootstrap_same_seed_same_interval_different_seed_differs():
    data = np.random.default_rng(0).normal(size=25)
    a = bootstrap_ci(data, np.mean, n_resamples=2000, seed=7)
    b = bootstrap_ci(data, np.mean, n_resamples=2000, seed=7)
    c = bootstrap_ci(data, np.mean, n_resamples=2000, seed=8)
    assert (a.low, a.high) == (b.low, b.high)
    assert (a.low, a.high) != (c.low, c.high)
    assert a.low < a.estimate < a.high


def test_bootstrap_vectorised_equals_loop():
    data = np.arange(12.0) ** 1.5
    loop = bootstrap_ci(data, np.median, n_resamples=500, seed=3)
    vec = bootstrap_ci(data, lambda a: np.median(a, axis=1), n_resamples=500, seed=3, vectorized=True)
    assert (loop.estimate, loop.low, loop.high) == pytest.approx((vec.estimate, vec.low, vec.high))


def test_bootstrap_two_samples_resampled_within_group():
    x, y = np.array([5.0, 6.0, 7.0]), np.array([1.0, 2.0])
    res = bootstrap_ci((x, y), lambda a, b: a.mean() - b.mean(), n_resamples=1000)
    # every resample keeps group sizes: difference of means lies in [5-2, 7-1]
    assert 3.0 <= res.low <= res.estimate <= res.high <= 6.0
    assert res.estimate == pytest.approx(4.5)


def test_bootstrap_coverage_of_a_known_mean():
    # Normal samples with true mean 10: a 95 % percentile interval for the mean
    # should contain 10 in roughly 95 % of repetitions (allowing for n = 30 and 200 reps).
    rng = np.random.default_rng(123)
    hits = 0
    reps = 200
    for i in range(reps):
        sample = rng.normal(10, 2, size=30)
        ci = bootstrap_ci(sample, lambda a: a.mean(axis=1), n_resamples=1000, seed=i, vectorized=True)
        hits += ci.low <= 10 <= ci.high
    assert 0.88 <= hits / reps <= 0.99


def test_bootstrap_degenerate_when_all_equal():
    res = bootstrap_ci([1.0, 1.0, 1.0], np.median, n_resamples=100)
    assert res.low == res.high == res.estimate == 1.0


def test_bootstrap_rejects_bad_input():
    with pytest.raises(ValueError):
        bootstrap_ci([1.0, np.nan], np.mean)
    with pytest.raises(ValueError):
        bootstrap_ci([1.0, 2.0], np.mean, confidence=1.5)


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt"])
def test_rank_biserial_vectorised_equals_row_by_row(zero_method):
    rows = np.random.default_rng(5).integers(-3, 4, size=(100, 7)).astype(float)
    looped = [matched_pairs_rank_biserial(r, zero_method=zero_method) for r in rows]
    vectorised = matched_pairs_rank_biserial(rows, zero_method=zero_method, axis=1)
    np.testing.assert_allclose(vectorised, looped, equal_nan=True)


def test_signflip_p_depends_on_n_not_on_size_of_the_changes():
    # Ten all-positive differences give the smallest two-sided p, 2 / 2**10, whether
    # every patient improved by 1 point or by very different amounts.
    tiny = signflip_test(np.ones(10))
    large = signflip_test(np.arange(1, 11) * 3.0)
    assert tiny.pvalue == large.pvalue == pytest.approx(2 / 2**10)
