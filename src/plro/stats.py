"""Small-sample statistics for the PLRO case series: exact tests, effect sizes, bootstrap.

With ten patients, asymptotic approximations are poor and ties are everywhere
(VAS is an integer scale from 0 to 10). The tests here therefore enumerate the
*whole* permutation distribution instead of approximating it:

* :func:`signflip_test` - the Wilcoxon signed-rank test done as an exact
  sign-flip permutation test over all ``2**n`` sign assignments. Mid-ranks keep
  ties; zero differences are dropped (``zero_method="wilcox"``) or kept in the
  ranking but never flipped (``"pratt"``). Unlike
  ``scipy.stats.wilcoxon(method="exact")``, the p-value stays exact with ties.
* :func:`mann_whitney_exact` - the Mann-Whitney U test by enumerating every
  way of splitting the pooled values into two groups of the observed sizes
  (exact with ties, which ``scipy.stats.mannwhitneyu(method="exact")`` ignores).
* :func:`friedman` - the Friedman test (tie-corrected chi-square statistic)
  with Kendall's W and an optional seeded Monte Carlo permutation p-value.

Effect sizes: :func:`matched_pairs_rank_biserial`, :func:`cliffs_delta` (equal
to the Mann-Whitney rank-biserial correlation), :func:`kendalls_w`. Uncertainty:
:func:`bootstrap_ci`, a seeded percentile bootstrap.

A p-value answers "how unusual is this pattern if the labels/signs were
exchangeable?" It never says *why* a pattern arose; see the outcomes chapter.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

__all__ = [
    "DEFAULT_SEED",
    "SignFlipResult",
    "MannWhitneyResult",
    "FriedmanResult",
    "BootstrapResult",
    "signflip_test",
    "matched_pairs_rank_biserial",
    "mann_whitney_exact",
    "smallest_exact_p",
    "cliffs_delta",
    "kendalls_w",
    "friedman",
    "bootstrap_ci",
]

DEFAULT_SEED = 20260101
"""Seed used by every random procedure in the book (bootstrap, Monte Carlo)."""

_TOL = 1e-9  # float tolerance when comparing statistics with the observed one
_MAX_SIGN_FLIP_N = 20  # 2**20 ~ one million assignments
_MAX_SPLITS = 2_000_000


def _as_1d(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains missing values; drop them explicitly first")
    return arr


def _check_alternative(alternative: str) -> None:
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError("alternative must be 'two-sided', 'greater' or 'less'")


# --------------------------------------------------------------------------- paired
@dataclass(frozen=True)
class SignFlipResult:
    """Result of :func:`signflip_test`.

    ``statistic`` is T+, the sum of the mid-ranks of the positive differences;
    ``pvalue`` is exact; ``n_used`` differences were flipped, ``n_zero`` were
    zero; ``n_assignments`` = ``2**n_used`` sign patterns were enumerated;
    ``rank_biserial`` is the matched-pairs rank-biserial correlation.
    """

    statistic: float
    pvalue: float
    n_used: int
    n_zero: int
    n_assignments: int
    rank_biserial: float
    zero_method: str
    alternative: str


def _signed_ranks(d: np.ndarray, zero_method: str) -> tuple[np.ndarray, np.ndarray]:
    """Mid-ranks of |d| and signs, following the chosen zero handling."""
    if zero_method == "wilcox":
        d = d[d != 0]
        ranks = _st.rankdata(np.abs(d)) if d.size else np.array([])
    elif zero_method == "pratt":
        ranks = _st.rankdata(np.abs(d))
        keep = d != 0
        d, ranks = d[keep], ranks[keep]
    else:
        raise ValueError("zero_method must be 'wilcox' or 'pratt'")
    return ranks, np.sign(d)


def signflip_test(
    differences: Sequence[float],
    alternative: str = "two-sided",
    zero_method: str = "wilcox",
) -> SignFlipResult:
    """Exact Wilcoxon signed-rank test by enumerating all sign flips.

    Parameters
    ----------
    differences
        Paired differences, e.g. VAS at baseline minus VAS at 6 months
        (positive = pain fell). Missing values raise ``ValueError``.
    alternative
        ``"two-sided"``, ``"greater"`` (differences tend to be positive) or ``"less"``.
    zero_method
        ``"wilcox"`` drops zero differences before ranking (scipy's default);
        ``"pratt"`` ranks them with the others but they carry no sign.

    The statistic is T+, the sum of mid-ranks of |d| over positive d. Under the
    null hypothesis each non-zero difference is equally likely to be positive
    or negative, so every one of the ``2**n`` sign assignments is equally
    likely; the p-value is the share of assignments at least as extreme as the
    observed one (two-sided: distance of T+ from its null mean). Because the
    mid-ranks are fixed and only signs change, the p-value is exact even with
    tied magnitudes. Limited to 20 non-zero differences.

    Example: five positive differences without ties give p = 2/32.
    """
    _check_alternative(alternative)
    d = _as_1d(differences, "differences")
    ranks, signs = _signed_ranks(d, zero_method)
    n = ranks.size
    n_zero = int((d == 0).sum())
    if n == 0:
        return SignFlipResult(0.0, 1.0, 0, n_zero, 1, float("nan"), zero_method, alternative)
    if n > _MAX_SIGN_FLIP_N:
        raise ValueError(f"{n} non-zero differences: too many to enumerate (max {_MAX_SIGN_FLIP_N})")
    t_obs = float(ranks[signs > 0].sum())
    # Every sign pattern as a row of 0/1 (1 = positive); T+ = pattern @ ranks.
    patterns = np.array(list(itertools.product((0, 1), repeat=n)), dtype=float)
    t_all = patterns @ ranks
    centre = ranks.sum() / 2
    if alternative == "two-sided":
        extreme = np.abs(t_all - centre) >= abs(t_obs - centre) - _TOL
    elif alternative == "greater":
        extreme = t_all >= t_obs - _TOL
    else:
        extreme = t_all <= t_obs + _TOL
    return SignFlipResult(
        statistic=t_obs,
        pvalue=float(extreme.mean()),
        n_used=n,
        n_zero=n_zero,
        n_assignments=2**n,
        rank_biserial=matched_pairs_rank_biserial(d, zero_method=zero_method),
        zero_method=zero_method,
        alternative=alternative,
    )


def matched_pairs_rank_biserial(
    differences, zero_method: str = "wilcox", axis: int | None = None
):
    """Matched-pairs rank-biserial correlation ``(T+ - T-) / (T+ + T-)``.

    Ranges from -1 (every difference negative) to +1 (every difference
    positive); 0 when positive and negative ranks balance. Mid-ranks of |d|;
    zeros handled as in :func:`signflip_test`. ``nan`` if every difference is 0.
    With a 2-D input and ``axis=1`` it returns one value per row (one per
    bootstrap resample), so :func:`bootstrap_ci` can run vectorised.
    """
    if axis is None:
        d = _as_1d(differences, "differences")
        ranks, signs = _signed_ranks(d, zero_method)
        total = ranks.sum()
        if total == 0:
            return float("nan")
        return float((ranks[signs > 0].sum() - ranks[signs < 0].sum()) / total)
    d = np.asarray(differences, dtype=float)
    if axis not in (1, -1) or d.ndim != 2:
        raise ValueError("vectorised matched_pairs_rank_biserial expects 2-D input and axis=1")
    if zero_method not in ("wilcox", "pratt"):
        raise ValueError("zero_method must be 'wilcox' or 'pratt'")
    magnitude = np.abs(d)
    if zero_method == "wilcox":  # zeros take no rank at all
        magnitude = np.where(d == 0, np.nan, magnitude)
    ranks = np.nan_to_num(_st.rankdata(magnitude, axis=1, nan_policy="omit"))
    ranks = np.where(d == 0, 0.0, ranks)
    total = ranks.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (ranks * np.sign(d)).sum(axis=1) / total


# ------------------------------------------------------------------ two groups
@dataclass(frozen=True)
class MannWhitneyResult:
    """Result of :func:`mann_whitney_exact`.

    ``u`` is U for the first group (number of pairs where x > y, ties count
    half); ``pvalue`` is exact over ``n_splits`` equally likely group
    assignments; ``cliffs_delta`` = ``2u/(n_x n_y) - 1``; ``smallest_possible_p``
    is the smallest p-value any data could give with these group sizes and
    these pooled values.
    """

    u: float
    pvalue: float
    n_x: int
    n_y: int
    n_splits: int
    cliffs_delta: float
    smallest_possible_p: float
    alternative: str


def mann_whitney_exact(
    x: Sequence[float], y: Sequence[float], alternative: str = "two-sided"
) -> MannWhitneyResult:
    """Exact Mann-Whitney U test by enumerating every split of the pooled sample.

    The pooled values get mid-ranks once; under the null hypothesis every
    choice of ``len(x)`` of the ``len(x) + len(y)`` positions as "group x" is
    equally likely, so all ``C(n, n_x)`` splits are enumerated and the p-value
    is the share with a U at least as extreme as observed (two-sided:
    distance from ``n_x n_y / 2``). Exact with ties. ``"greater"`` means x
    tends to be larger than y.

    Example: x = [1, 2], y = [3, ..., 10] gives the most extreme split, p = 2/45.
    """
    _check_alternative(alternative)
    xa, ya = _as_1d(x, "x"), _as_1d(y, "y")
    n_x, n_y = xa.size, ya.size
    n_splits = math.comb(n_x + n_y, n_x)
    if n_splits > _MAX_SPLITS:
        raise ValueError(f"{n_splits} splits: too many to enumerate (max {_MAX_SPLITS})")
    ranks = _st.rankdata(np.concatenate([xa, ya]))
    offset = n_x * (n_x + 1) / 2
    u_obs = float(ranks[:n_x].sum() - offset)
    combos = np.array(list(itertools.combinations(range(n_x + n_y), n_x)), dtype=int)
    u_all = ranks[combos].sum(axis=1) - offset
    centre = n_x * n_y / 2

    def p_of(u_value: float) -> float:
        if alternative == "two-sided":
            return float((np.abs(u_all - centre) >= abs(u_value - centre) - _TOL).mean())
        if alternative == "greater":
            return float((u_all >= u_value - _TOL).mean())
        return float((u_all <= u_value + _TOL).mean())

    smallest = min(p_of(u) for u in (u_all.min(), u_all.max()))
    return MannWhitneyResult(
        u=u_obs,
        pvalue=p_of(u_obs),
        n_x=n_x,
        n_y=n_y,
        n_splits=n_splits,
        cliffs_delta=cliffs_delta(xa, ya),
        smallest_possible_p=smallest,
        alternative=alternative,
    )


def smallest_exact_p(n_x: int, n_y: int, alternative: str = "two-sided") -> float:
    """Smallest exact Mann-Whitney p-value attainable with groups of ``n_x`` and ``n_y``.

    Without ties the most extreme split is one of ``C(n_x + n_y, n_x)`` equally
    likely splits, and a two-sided test counts both tails: p = 2 / C(n, n_x).
    Ties change the null distribution; :func:`mann_whitney_exact` reports the
    smallest p attainable with the actual tied values. For 2 vs 8 untied
    patients this is 2/45, about 0.044; for 2 vs 7 it is 2/36, above 0.05.
    """
    _check_alternative(alternative)
    if n_x < 1 or n_y < 1:
        raise ValueError("both groups need at least one observation")
    tails = 2 if alternative == "two-sided" else 1
    return min(1.0, tails / math.comb(n_x + n_y, n_x))


def cliffs_delta(x, y, axis: int | None = None):
    """Cliff's delta: P(x > y) - P(x < y) over all pairs, from -1 to +1.

    Equal to the Mann-Whitney rank-biserial correlation ``2U/(n_x n_y) - 1``.
    With ``axis=1`` and 2-D inputs (resamples in rows) it returns one delta per
    row, which lets :func:`bootstrap_ci` run vectorised.
    """
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if axis is None:
        xa, ya = xa.ravel(), ya.ravel()
        return float(np.sign(xa[:, None] - ya[None, :]).mean())
    if axis not in (1, -1) or xa.ndim != 2 or ya.ndim != 2:
        raise ValueError("vectorised cliffs_delta expects 2-D inputs and axis=1")
    return np.sign(xa[:, :, None] - ya[:, None, :]).mean(axis=(1, 2))


# ------------------------------------------------------------- repeated measures
@dataclass(frozen=True)
class FriedmanResult:
    """Result of :func:`friedman`.

    ``statistic`` is the tie-corrected Friedman chi-square (as in
    ``scipy.stats.friedmanchisquare``); ``pvalue_chi2`` its chi-square
    approximation with ``k - 1`` degrees of freedom; ``kendalls_w`` Kendall's
    coefficient of concordance; ``pvalue_permutation`` a Monte Carlo p-value
    from ``n_permutations`` within-patient shuffles (``None`` if not asked for).
    """

    statistic: float
    pvalue_chi2: float
    kendalls_w: float
    n: int
    k: int
    pvalue_permutation: float | None
    n_permutations: int
    seed: int | None


def _friedman_q(ranks: np.ndarray) -> np.ndarray:
    """Tie-corrected Friedman statistic from within-row ranks; works on (..., n, k)."""
    n, k = ranks.shape[-2:]
    col_sums = ranks.sum(axis=-2)
    ss = ((col_sums - n * (k + 1) / 2) ** 2).sum(axis=-1)
    # tie correction: 1 - sum(t^3 - t) / (n k (k^2 - 1)), from the rank sums of squares
    ties = (ranks**2).sum(axis=(-2, -1)) - n * k * (k + 1) ** 2 / 4
    denom = ties / (k - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, ss / np.where(denom > 0, denom, 1), np.nan)


def kendalls_w(ranks, axis: int | None = None):
    """Kendall's W (tie-corrected) from a patients x visits matrix of within-patient ranks.

    W = Q / (n (k - 1)), where Q is the tie-corrected Friedman statistic: 0 =
    no agreement between patients on the ordering of visits, 1 = every patient
    ranks the visits identically. Pass raw values through
    ``scipy.stats.rankdata(values, axis=1)`` first. With 3-D input
    (resamples, n, k) and ``axis=0`` it returns one W per resample.
    """
    r = np.asarray(ranks, dtype=float)
    if axis is None and r.ndim != 2:
        raise ValueError("kendalls_w expects a 2-D patients x visits matrix of ranks")
    n, k = r.shape[-2:]
    w = _friedman_q(r) / (n * (k - 1))
    return float(w) if axis is None else w


def friedman(
    matrix, n_permutations: int = 0, seed: int | None = DEFAULT_SEED
) -> FriedmanResult:
    """Friedman test across ``k`` repeated measurements on ``n`` subjects (rows).

    ``matrix`` is n x k without missing values (drop incomplete subjects
    explicitly before calling). Values are ranked within each row (mid-ranks
    for ties). The chi-square p-value is an approximation; with
    ``n_permutations > 0`` a Monte Carlo permutation p-value is added, drawn by
    shuffling each row's ranks independently with ``numpy.random.default_rng(seed)``
    (it counts the observed arrangement, so it is never 0).
    """
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2 or m.shape[1] < 2 or m.shape[0] < 2:
        raise ValueError("friedman expects an n x k matrix with n >= 2 and k >= 2")
    if np.isnan(m).any():
        raise ValueError("matrix contains missing values; keep complete subjects only")
    n, k = m.shape
    ranks = _st.rankdata(m, axis=1)
    q = float(_friedman_q(ranks))
    p_perm = None
    if n_permutations > 0:
        rng = np.random.default_rng(seed)
        shuffled = rng.permuted(np.broadcast_to(ranks, (n_permutations, n, k)), axis=-1)
        q_perm = _friedman_q(shuffled)
        p_perm = float(((q_perm >= q - _TOL).sum() + 1) / (n_permutations + 1))
    return FriedmanResult(
        statistic=q,
        pvalue_chi2=float(_st.chi2.sf(q, k - 1)),
        kendalls_w=q / (n * (k - 1)),
        n=n,
        k=k,
        pvalue_permutation=p_perm,
        n_permutations=n_permutations,
        seed=seed if n_permutations > 0 else None,
    )


# ------------------------------------------------------------------- bootstrap
@dataclass(frozen=True)
class BootstrapResult:
    """Result of :func:`bootstrap_ci`: the statistic on the data and a percentile interval."""

    estimate: float
    low: float
    high: float
    confidence: float
    n_resamples: int
    seed: int


def bootstrap_ci(
    data,
    stat: Callable,
    n_resamples: int = 10_000,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
    vectorized: bool = False,
) -> BootstrapResult:
    """Seeded percentile bootstrap confidence interval for ``stat``.

    Parameters
    ----------
    data
        A 1-D sequence (resampled with replacement), a 2-D array (its rows,
        e.g. patients, are resampled whole), or a ``tuple`` of such arrays,
        which are resampled independently (two groups resampled within
        group); ``stat`` then receives one argument per array.
    stat
        Function of the (resampled) data returning a number.
    n_resamples, seed, confidence
        Number of resamples, seed for ``numpy.random.default_rng``, interval level.
    vectorized
        If true, ``stat`` is called once with every resample stacked along a
        new first axis (shape ``(n_resamples, n, ...)``) and must return
        ``n_resamples`` values; much faster for simple statistics.

    The same seed gives the same interval. With ten patients a bootstrap
    interval is rough: it cannot reach beyond values the sample contains, and
    if every resample gives the same value the interval collapses to a point.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if n_resamples < 1:
        raise ValueError("n_resamples must be positive")
    samples = data if isinstance(data, tuple) else (data,)
    arrays = [np.asarray(s, dtype=float) for s in samples]
    for a in arrays:
        if a.size == 0 or np.isnan(a).any():
            raise ValueError("bootstrap data must be non-empty without missing values")
    rng = np.random.default_rng(seed)
    indices = [rng.integers(0, len(a), size=(n_resamples, len(a))) for a in arrays]
    if vectorized:
        estimate = float(np.asarray(stat(*[a[None] for a in arrays]), float).ravel()[0])
    else:
        estimate = float(stat(*arrays))
    if vectorized:
        values = np.asarray(stat(*[a[i] for a, i in zip(arrays, indices, strict=True)]), float)
    else:
        values = np.array(
            [stat(*[a[i[b]] for a, i in zip(arrays, indices, strict=True)])
             for b in range(n_resamples)],
            dtype=float,
        )
    alpha = (1 - confidence) / 2
    # inverted_cdf: interval ends are values some resample actually produced
    low, high = np.quantile(values, [alpha, 1 - alpha], method="inverted_cdf")
    return BootstrapResult(estimate, float(low), float(high), confidence, n_resamples, seed)
