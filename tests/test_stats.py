"""Tests for plro.stats: exact tests against scipy (where scipy is exact), hand-computed cases,
and exact p-values recomputed here by enumeration with fractions (independent of plro.stats:
U by counting pairs, mid-ranks by counting, no tolerance)."""

from __future__ import annotations

import itertools
import math
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from plro import stats as plro_stats
from plro.stats import (
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


# ------------------------------------------------- independent exact references


def _midranks(values) -> list[Fraction]:
    """Mid-rank of each value: (number smaller) + (number equal + 1) / 2."""
    return [sum(w < v for w in values) + Fraction(sum(w == v for w in values) + 1, 2) for v in values]


def _share(null: list[Fraction], observed: Fraction, centre: Fraction, alternative: str) -> Fraction:
    if alternative == "two-sided":
        hits = sum(abs(t - centre) >= abs(observed - centre) for t in null)
    elif alternative == "greater":
        hits = sum(t >= observed for t in null)
    else:
        hits = sum(t <= observed for t in null)
    return Fraction(hits, len(null))


def _signflip_reference(d, alternative, zero_method):
    """(T+, exact p) by listing every sign pattern."""
    if zero_method == "pratt":
        ranks = [r for r, v in zip(_midranks([abs(v) for v in d]), d) if v != 0]
    else:
        ranks = _midranks([abs(v) for v in d if v != 0])
    positive = [v > 0 for v in d if v != 0]
    t_obs = sum(r for r, pos in zip(ranks, positive) if pos)
    patterns = itertools.product((0, 1), repeat=len(ranks))
    null = [sum(r for r, s in zip(ranks, signs) if s) for signs in patterns]
    return t_obs, _share(null, t_obs, sum(ranks) / 2, alternative)


def _u(x, y) -> Fraction:
    """Mann-Whitney U of x: pairs with x > y, ties counting one half."""
    return sum(Fraction(int(a > b)) + Fraction(int(a == b), 2) for a in x for b in y)


def _mann_whitney_reference(x, y, alternative):
    """(U, exact p, smallest p any split of these pooled values gives), by listing every split."""
    pooled = list(x) + list(y)
    null = []
    for chosen in itertools.combinations(range(len(pooled)), len(x)):
        rest = [v for i, v in enumerate(pooled) if i not in chosen]
        null.append(_u([pooled[i] for i in chosen], rest))
    centre = Fraction(len(x) * len(y), 2)
    smallest = min(_share(null, u, centre, alternative) for u in set(null))
    return _u(x, y), _share(null, _u(x, y), centre, alternative), smallest


ALTERNATIVES = ["two-sided", "greater", "less"]


# ----------------------------------------------------- sign-flip edge cases


@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("zero_method", ["wilcox", "pratt"])
@pytest.mark.parametrize(
    "d", [[2, -2, 2, 3, 0, -1, 1, 2], [1, 1, 1, -1, 0, 0, 2, -3], [0.5, 0.5, -0.5, 4, 4, -4, 4]]
)
def test_signflip_with_ties_and_zeros_matches_enumeration(d, alternative, zero_method):
    t_obs, p = _signflip_reference(d, alternative, zero_method)
    res = signflip_test(d, alternative=alternative, zero_method=zero_method)
    assert res.statistic == pytest.approx(float(t_obs))
    assert res.pvalue == pytest.approx(float(p))
    assert (res.alternative, res.zero_method) == (alternative, zero_method)


def test_signflip_one_difference():
    # Two sign patterns, + and -: T+ is 1 or 0.
    res = signflip_test([3])
    assert (res.statistic, res.pvalue, res.n_used, res.n_assignments) == (1.0, 1.0, 1, 2)
    assert signflip_test([3], alternative="greater").pvalue == 0.5
    assert signflip_test([-3], alternative="less").pvalue == 0.5
    assert res.rank_biserial == 1.0


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt"])
def test_signflip_all_differences_zero_has_nothing_to_flip(zero_method):
    res = signflip_test([0, 0, 0], alternative="less", zero_method=zero_method)
    assert (res.statistic, res.pvalue, res.n_used, res.n_zero, res.n_assignments) == (0.0, 1.0, 0, 3, 1)
    assert math.isnan(res.rank_biserial)
    assert (res.zero_method, res.alternative) == (zero_method, "less")


def test_signflip_counts_zeros_not_ones():
    res = signflip_test([0, 0, 1, 1, -2])
    assert (res.n_zero, res.n_used) == (2, 3)


def test_signflip_rank_biserial_follows_the_zero_method():
    # wilcox ranks |-1|, |2| as 1, 2: (2 - 1) / 3; pratt ranks 0, 1, 2 as 1, 2, 3: (3 - 2) / 5
    assert signflip_test([0, -1, 2]).rank_biserial == pytest.approx(1 / 3)
    assert signflip_test([0, -1, 2], zero_method="pratt").rank_biserial == pytest.approx(1 / 5)


def test_signflip_enumeration_limit_is_inclusive(monkeypatch):
    monkeypatch.setattr(plro_stats, "_MAX_SIGN_FLIP_N", 3)
    assert signflip_test([0, 1, 2, 3]).n_assignments == 8  # zeros do not count
    with pytest.raises(ValueError, match=r"^4 non-zero differences: too many to enumerate \(max 3\)$"):
        signflip_test([1, 2, 3, 4])


def test_matched_pairs_rank_biserial_one_non_zero_difference_and_all_zero():
    assert matched_pairs_rank_biserial([0, 0, -2]) == -1.0
    assert matched_pairs_rank_biserial([0, 0, -2], zero_method="pratt") == -1.0
    assert math.isnan(matched_pairs_rank_biserial([0, 0]))


def test_rank_biserial_vectorised_row_of_zeros_is_nan_without_warnings():
    rows = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = matched_pairs_rank_biserial(rows, axis=-1)
    assert math.isnan(out[0])
    assert out[1] == pytest.approx((1 + 3 - 2) / 6)


# --------------------------------------------- Mann-Whitney ties, one-sided


@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([6, 6], [3, 1, 1, 3, 3, 1, 6]),
        ([1, 1], [1, 2, 3]),
        ([2, 3, 3], [1, 3, 3, 5]),
        ([0, 0, 1, 2], [0, 1, 1, 2, 2, 3]),
        ([4, 7], [1, 2, 9]),
    ],
)
def test_mann_whitney_with_ties_matches_enumeration(x, y, alternative):
    u, p, smallest = _mann_whitney_reference(x, y, alternative)
    res = mann_whitney_exact(x, y, alternative=alternative)
    assert res.u == pytest.approx(float(u))
    assert res.pvalue == pytest.approx(float(p))
    assert res.smallest_possible_p == pytest.approx(float(smallest))
    assert (res.n_x, res.n_y, res.alternative) == (len(x), len(y), alternative)


def test_mann_whitney_one_sided_ties_hand_computed():
    # Pooled 2, 2, 1, 2 has mid-ranks 3, 3, 1, 3. Of the 6 splits, 3 give x the ranks 3 + 3
    # (U = 3) and 3 give 1 + 3 (U = 1). x = [2, 2] has U = 3, tied with two other splits.
    assert mann_whitney_exact([2, 2], [1, 2], alternative="greater").pvalue == pytest.approx(3 / 6)
    assert mann_whitney_exact([2, 2], [1, 2], alternative="less").pvalue == 1.0
    assert mann_whitney_exact([1, 2], [2, 2], alternative="less").pvalue == pytest.approx(3 / 6)
    assert mann_whitney_exact([2, 2], [1, 2]).pvalue == 1.0  # |3 - 2| = |1 - 2|


def test_mann_whitney_smallest_possible_p_takes_the_more_extreme_tail():
    # Pooled 1, 1, 1, 2, 3; 10 splits of 2. U = 1 (three tied 1s in x), 3, 4 or 6 (x = [2, 3]).
    # Two-sided around 3: U = 6 is alone at distance 3 (p = 1/10), U = 1 has p = 4/10.
    res = mann_whitney_exact([1, 1], [1, 2, 3])
    assert res.pvalue == pytest.approx(4 / 10)
    assert res.smallest_possible_p == pytest.approx(1 / 10)
    less = mann_whitney_exact([1, 1], [1, 2, 3], alternative="less")
    assert less.smallest_possible_p == pytest.approx(3 / 10)


def test_mann_whitney_enumeration_limit_is_inclusive(monkeypatch):
    monkeypatch.setattr(plro_stats, "_MAX_SPLITS", 10)
    assert mann_whitney_exact([1, 2], [3, 4, 5]).n_splits == 10
    with pytest.raises(ValueError, match=r"^15 splits: too many to enumerate \(max 10\)$"):
        mann_whitney_exact([1, 2], [3, 4, 5, 6])


@pytest.mark.parametrize(
    ("n_x", "n_y", "alternative", "expected"),
    [(1, 5, "two-sided", 2 / 6), (5, 1, "two-sided", 2 / 6), (1, 1, "two-sided", 1.0), (1, 1, "less", 0.5)],
)
def test_smallest_exact_p_with_one_observation_in_a_group(n_x, n_y, alternative, expected):
    assert smallest_exact_p(n_x, n_y, alternative) == pytest.approx(expected)


def test_cliffs_delta_axis_minus_one_and_unsigned_integers():
    # 1 < 3 and 5 > 3: delta 0. Unsigned subtraction would wrap 1 - 3 around to 254.
    x, y = np.array([1, 5], dtype=np.uint8), np.array([3], dtype=np.uint8)
    assert cliffs_delta(x, y) == 0.0
    np.testing.assert_array_equal(cliffs_delta(x[None], y[None], axis=-1), [0.0])


# ------------------------------------------------------ Friedman edge cases


def test_friedman_two_visits_with_a_tied_row_hand_computed():
    # Ranks [1, 2] and [1.5, 1.5]: column sums 2.5, 3.5 around 3 -> 0.5; sum of squared ranks
    # 9.5 - n k (k + 1)^2 / 4 = 9 -> 0.5 over k - 1 = 1; Q = 0.5 / 0.5 = 1 and W = 1 / (2 * 1).
    res = friedman([[1, 2], [5, 5]])
    assert (res.statistic, res.kendalls_w, res.n, res.k) == (pytest.approx(1.0), pytest.approx(0.5), 2, 2)
    assert res.pvalue_chi2 == pytest.approx(math.erfc(math.sqrt(1 / 2)))  # chi-square, 1 df


def test_friedman_all_rows_tied_is_undefined_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = friedman([[3, 3, 3], [1, 1, 1]], n_permutations=10)
        w = kendalls_w([[2, 2, 2], [2, 2, 2]])
    undefined = (res.statistic, res.kendalls_w, res.pvalue_chi2, res.pvalue_permutation, w)
    assert all(math.isnan(v) for v in undefined)


def test_friedman_permutation_p_counts_every_tie_with_the_observed_arrangement():
    # Swapping [1, 2] leaves Q = 1 (the other row is one tie), so every shuffle ties: p = 1.
    assert friedman([[1, 2], [5, 5]], n_permutations=20).pvalue_permutation == 1.0


@pytest.mark.parametrize("n_permutations", [1, 7, 50])
def test_friedman_permutation_p_is_hits_plus_one_over_draws_plus_one(n_permutations):
    # Perfect agreement of 6 patients over 4 visits: a shuffle reaches the observed Q only if
    # all rows move alike (probability 24 / 24**6), so no draw does and p = 1 / (N + 1).
    res = friedman(np.tile([4.0, 3.0, 2.0, 1.0], (6, 1)), n_permutations=n_permutations, seed=5)
    assert res.pvalue_permutation == pytest.approx(1 / (n_permutations + 1))
    assert (res.n_permutations, res.seed) == (n_permutations, 5)


def test_friedman_without_permutations_reports_none():
    res = friedman([[1, 2, 3], [1, 3, 2]])
    assert (res.pvalue_permutation, res.n_permutations, res.seed) == (None, 0, None)


def test_friedman_same_seed_same_p():
    m = np.random.default_rng(2).normal(size=(8, 4))
    ps = {friedman(m, n_permutations=300, seed=9).pvalue_permutation for _ in range(3)}
    assert len(ps) == 1
    assert ps != {friedman(m, n_permutations=300, seed=10).pvalue_permutation}


def test_kendalls_w_vectorised_over_resamples_equals_one_by_one():
    ranks = st.rankdata(np.random.default_rng(3).integers(0, 4, size=(5, 6, 3)), axis=-1)
    one_by_one = [kendalls_w(r) for r in ranks]
    np.testing.assert_allclose(kendalls_w(ranks, axis=0), one_by_one)
    assert type(one_by_one[0]) is float


def test_pandas_nullable_integers_are_read_as_numbers():
    columns = {"a": [9, 8, 7], "b": [5, 2, 6], "c": [1, 2, 0]}
    vas = pd.DataFrame({name: pd.array(col, dtype="Int64") for name, col in columns.items()})
    plain = vas.to_numpy(dtype=float)
    assert friedman(vas).statistic == pytest.approx(friedman(plain).statistic)
    assert kendalls_w(st.rankdata(vas, axis=1)) == pytest.approx(friedman(plain).kendalls_w)
    assert signflip_test(vas["a"] - vas["c"]).pvalue == pytest.approx(2 / 8)
    assert cliffs_delta(vas["a"], vas["c"]) == 1.0
    assert mann_whitney_exact(vas["a"], vas["c"]).u == 9.0
    # rows of vas - 5: [4, 0, -4] -> 0; [3, -3, -3] -> (2 - 4) / 6; [2, 1, -5] -> (2 + 1 - 3) / 6
    np.testing.assert_allclose(matched_pairs_rank_biserial(vas - 5, axis=1), [0.0, -1 / 3, 0.0], atol=1e-12)


# ------------------------------------------------------- clear error messages

ALTERNATIVE = r"^alternative must be 'two-sided', 'greater' or 'less'$"
ZERO_METHOD = r"^zero_method must be 'wilcox' or 'pratt'$"
VEC_RB = r"^vectorised matched_pairs_rank_biserial expects 2-D input and axis=1$"
VEC_CD = r"^vectorised cliffs_delta expects 2-D inputs and axis=1$"
KENDALL = r"^kendalls_w expects a 2-D patients x visits matrix of ranks$"
FRIEDMAN = r"^friedman expects an n x k matrix with n >= 2 and k >= 2$"
NA = pd.array([1, None, 3], dtype="Int64")  # a pandas column with a missing value


def _missing(name):
    return rf"^{name} contains missing values; drop them explicitly first$"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: signflip_test([]), r"^differences is empty$"),
        (lambda: signflip_test([1, np.nan]), _missing("differences")),
        (lambda: signflip_test(NA), _missing("differences")),
        (lambda: signflip_test([1, None, 2]), _missing("differences")),
        (lambda: signflip_test([1, 2], alternative="both"), ALTERNATIVE),
        (lambda: signflip_test([1, 2], zero_method="zsplit"), ZERO_METHOD),
        (lambda: matched_pairs_rank_biserial([]), r"^differences is empty$"),
        (lambda: matched_pairs_rank_biserial([[1, 2]], axis=0), VEC_RB),
        (lambda: matched_pairs_rank_biserial([1, 2], axis=1), VEC_RB),
        (lambda: matched_pairs_rank_biserial([[1, 2]], axis=1, zero_method="zsplit"), ZERO_METHOD),
        (lambda: matched_pairs_rank_biserial(pd.DataFrame({"a": NA}), axis=1), _missing("differences")),
        (lambda: mann_whitney_exact([], [1]), r"^x is empty$"),
        (lambda: mann_whitney_exact([1], []), r"^y is empty$"),
        (lambda: mann_whitney_exact(NA, [1]), _missing("x")),
        (lambda: mann_whitney_exact([1], [np.nan]), _missing("y")),
        (lambda: mann_whitney_exact([1], [2], alternative="up"), ALTERNATIVE),
        (lambda: smallest_exact_p(0, 5), r"^both groups need at least one observation$"),
        (lambda: smallest_exact_p(5, 0), r"^both groups need at least one observation$"),
        (lambda: smallest_exact_p(2, 3, "up"), ALTERNATIVE),
        (lambda: cliffs_delta([[1]], [[2]], axis=0), VEC_CD),
        (lambda: cliffs_delta([[1, 2]], [1, 2], axis=1), VEC_CD),
        (lambda: cliffs_delta([1, 2], [[1, 2]], axis=1), VEC_CD),
        (lambda: cliffs_delta(NA, [2]), _missing("x")),
        (lambda: cliffs_delta([1], [np.nan]), _missing("y")),
        (lambda: kendalls_w(np.ones((2, 2, 2))), KENDALL),
        (lambda: kendalls_w([1, 2, 3]), KENDALL),
        (lambda: kendalls_w(pd.DataFrame({"a": NA, "b": NA})), _missing("ranks")),
        (lambda: friedman([1, 2, 3]), FRIEDMAN),
        (lambda: friedman([[1], [2], [3]]), FRIEDMAN),
        (lambda: friedman([[1, 2, 3]]), FRIEDMAN),
        (lambda: friedman(np.ones((2, 2, 2))), FRIEDMAN),
        (lambda: friedman(pd.DataFrame({"a": NA, "b": NA})),
         r"^matrix contains missing values; keep complete subjects only$"),
    ],
)
def test_bad_input_raises_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()
