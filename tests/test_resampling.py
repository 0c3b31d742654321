"""Tests for plro.resampling: the seeded percentile bootstrap.

Expected interval ends are computed here, independently of the code under
test: by enumerating every resample of a tiny sample (the exact bootstrap
distribution), or from the resamples the docstring promises (rows drawn by
``numpy.random.default_rng(seed).integers``), taking order statistics by hand.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from plro.resampling import DEFAULT_SEED, bootstrap_ci

# ----------------------------------------------------------- exact quantiles


def _exact_bootstrap_quantile_of_sums(data: list[int], p: float) -> int:
    """Smallest resample sum s with P(sum <= s) >= p over all len(data)**len(data) resamples."""
    n = len(data)
    sums = sorted(sum(data[i] for i in idx) for idx in itertools.product(range(n), repeat=n))
    return sums[math.ceil(p * len(sums)) - 1]


@pytest.mark.parametrize("seed", [1, 2, DEFAULT_SEED])
@pytest.mark.parametrize("confidence", [0.95, 0.90])
def test_bootstrap_ends_are_the_exact_bootstrap_quantiles(seed, confidence):
    # For this sample the exact bootstrap distribution of the mean (all 5**5 resamples)
    # has its 2.5 %, 5 %, 95 % and 97.5 % quantiles at least 0.01 away from a jump of its
    # distribution function, so 10 000 resamples find them whatever the seed, and the
    # 95 % and 90 % intervals differ at both ends: (2.6, 9.8) against (3.2, 9.2).
    data = [2, 2, 5, 11, 11]
    alpha = (1 - confidence) / 2
    low = _exact_bootstrap_quantile_of_sums(data, alpha) / len(data)
    high = _exact_bootstrap_quantile_of_sums(data, 1 - alpha) / len(data)
    res = bootstrap_ci(data, lambda a: a.mean(axis=1), seed=seed, confidence=confidence, vectorized=True)
    assert (res.low, res.high) == pytest.approx((low, high))
    assert res.estimate == pytest.approx(31 / 5)
    assert (res.confidence, res.seed) == (confidence, seed)


def test_bootstrap_95_and_90_percent_intervals_differ():
    data = [2, 2, 5, 11, 11]
    wide = bootstrap_ci(data, np.mean, n_resamples=2000, confidence=0.95)
    narrow = bootstrap_ci(data, np.mean, n_resamples=2000, confidence=0.90)
    assert wide.low < narrow.low < narrow.high < wide.high


# -------------------------------------------- the same resamples, by hand


def _order_statistic(values: np.ndarray, p: float) -> float:
    """Inverted empirical CDF: the ceil(p * B)-th smallest of B values."""
    return float(np.sort(values)[math.ceil(p * len(values)) - 1])


SAMPLE = np.array([0.3, 1.7, 2.2, 4.1, 5.9, 8.4])
B = 50  # small, so that the 2nd and 3rd smallest resample means differ (no interpolation hides)


@pytest.mark.parametrize("confidence", [0.95, 0.90, 0.5])
@pytest.mark.parametrize("vectorized", [False, True])
def test_bootstrap_ends_are_order_statistics_of_the_documented_resamples(confidence, vectorized):
    idx = np.random.default_rng(11).integers(len(SAMPLE), size=(B, len(SAMPLE)))
    means = SAMPLE[idx].mean(axis=1)
    alpha = (1 - confidence) / 2
    stat = (lambda a: a.mean(axis=1)) if vectorized else np.mean
    res = bootstrap_ci(SAMPLE, stat, n_resamples=B, seed=11, confidence=confidence, vectorized=vectorized)
    assert res.low == pytest.approx(_order_statistic(means, alpha))
    assert res.high == pytest.approx(_order_statistic(means, 1 - alpha))
    assert res.estimate == pytest.approx(SAMPLE.mean())
    assert (res.n_resamples, res.confidence, res.seed) == (B, confidence, 11)


def test_bootstrap_two_groups_use_one_draw_per_group_in_order():
    x, y = np.array([5.0, 6.5, 7.25, 9.0]), np.array([1.0, 2.5, 3.75])
    rng = np.random.default_rng(4)
    ix = rng.integers(len(x), size=(B, len(x)))
    iy = rng.integers(len(y), size=(B, len(y)))
    diffs = x[ix].mean(axis=1) - y[iy].mean(axis=1)
    for vectorized in (False, True):
        def stat(a, b, vec=vectorized):
            return a.mean(axis=-1) - b.mean(axis=-1) if vec else a.mean() - b.mean()

        res = bootstrap_ci((x, y), stat, n_resamples=B, seed=4, vectorized=vectorized)
        assert res.low == pytest.approx(_order_statistic(diffs, 0.025))
        assert res.high == pytest.approx(_order_statistic(diffs, 0.975))
        assert res.estimate == pytest.approx(x.mean() - y.mean())


def test_bootstrap_resamples_rows_of_a_matrix_whole():
    # Rows (patients) are kept together: each resample row is a row of the data.
    m = np.array([[0.0, 10.0], [1.0, 11.0], [2.0, 12.0]])
    res = bootstrap_ci(m, lambda a: float(np.all(a[:, 1] - a[:, 0] == 10.0)), n_resamples=200)
    assert (res.low, res.high, res.estimate) == (1.0, 1.0, 1.0)


# --------------------------------------------------------------- defaults


def test_bootstrap_reads_pandas_nullable_integers_as_numbers():
    frame = pd.DataFrame({"a": pd.array([1, 2, 4], dtype="Int64"), "b": pd.array([0, 2, 1], dtype="Int64")})
    got = bootstrap_ci(frame, lambda m: m.sum(), n_resamples=30)
    want = bootstrap_ci(np.array([[1.0, 0.0], [2.0, 2.0], [4.0, 1.0]]), lambda m: m.sum(), n_resamples=30)
    assert (got.estimate, got.low, got.high) == (want.estimate, want.low, want.high)
    assert got.estimate == 10.0


def test_bootstrap_defaults_are_documented_ones():
    res = bootstrap_ci([1.0, 2.0, 4.0], np.mean)
    assert (res.n_resamples, res.confidence, res.seed) == (10_000, 0.95, DEFAULT_SEED)
    explicit = bootstrap_ci([1.0, 2.0, 4.0], np.mean, n_resamples=10_000, seed=DEFAULT_SEED)
    assert (res.low, res.high) == (explicit.low, explicit.high)


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


@pytest.mark.parametrize("data", [[4.0], ([4.0], [1.0])])
def test_bootstrap_single_observation_and_single_resample_are_allowed(data):
    stat = np.mean if not isinstance(data, tuple) else (lambda a, b: a.mean() - b.mean())
    res = bootstrap_ci(data, stat, n_resamples=1)
    assert res.low == res.high == res.estimate == (4.0 if stat is np.mean else 3.0)
    assert res.n_resamples == 1


@pytest.mark.parametrize("confidence", [0.01, 0.5, 0.999])
def test_bootstrap_accepts_any_level_strictly_between_0_and_1(confidence):
    res = bootstrap_ci([1.0, 2.0, 3.0], np.mean, n_resamples=20, confidence=confidence)
    assert res.confidence == confidence


CONFIDENCE_MESSAGE = r"^confidence must be between 0 and 1$"
DATA_MESSAGE = r"^bootstrap data must be non-empty without missing values$"


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        ([1.0, 2.0], {"confidence": 0.0}, CONFIDENCE_MESSAGE),
        ([1.0, 2.0], {"confidence": 1.0}, CONFIDENCE_MESSAGE),
        ([1.0, 2.0], {"confidence": 1.5}, CONFIDENCE_MESSAGE),
        ([1.0, 2.0], {"confidence": 95}, CONFIDENCE_MESSAGE),
        ([1.0, 2.0], {"n_resamples": 0}, r"^n_resamples must be positive$"),
        ([], {}, DATA_MESSAGE),
        ([1.0, np.nan], {}, DATA_MESSAGE),
        (pd.array([1, 2, None], dtype="Int64"), {}, DATA_MESSAGE),
        (pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": pd.array([2, 3], dtype="Int64")}),
         {}, DATA_MESSAGE),
        ([1.0, None, 3.0], {}, DATA_MESSAGE),
        (([1.0, 2.0], []), {}, DATA_MESSAGE),
    ],
)
def test_bootstrap_rejects_bad_input_with_a_clear_message(data, kwargs, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_ci(data, np.mean, **kwargs)
