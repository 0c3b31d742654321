"""Small-sample statistics for the PLRO case series: exact tests and effect sizes.

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
to the Mann-Whitney rank-biserial correlation), :func:`kendalls_w`; their
vectorised forms (``axis=1``) feed :func:`plro.resampling.bootstrap_ci`, the
seeded percentile bootstrap, which lives in :mod:`plro.resampling`.

A p-value answers "how unusual is this pattern if the labels/signs were
exchangeable?" It never says *why* a pattern arose; see the outcomes chapter.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

from plro.resampling import DEFAULT_SEED

__all__ = [
    "SignFlipResult", "MannWhitneyResult", "FriedmanResult",
    "signflip_test", "matched_pairs_rank_biserial", "mann_whitney_exact", "smallest_exact_p",
    "cliffs_delta", "kendalls_w", "friedman",
]

_TOL = 1e-9  # float tolerance when comparing statistics with the observed one
_MAX_SIGN_FLIP_N = 20  # 2**20 ~ one million assignments
_MAX_SPLITS = 2_000_000


def _as_float(values, name: str, advice: str = "drop them explicitly first") -> np.ndarray:
    """``values`` as a float array; a missing value (``nan``, ``pd.NA``) is an error."""
    if hasattr(values, "to_numpy"):  # pandas: numpy cannot turn pd.NA in a nullable DataFrame into nan
        values = values.to_numpy(dtype=float)
    arr = np.asarray(values, dtype=float)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains missing values; {advice}")
    return arr


def _as_1d(values, name: str) -> np.ndarray:
    """``values`` flattened to a non-empty 1-D float array without missing values."""
    arr = _as_float(values, name).ravel()
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    return arr


def _check_alternative(alternative: str) -> None:
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError("alternative must be 'two-sided', 'greater' or 'less'")


def _check_zero_method(zero_method: str) -> None:
    if zero_method not in ("wilcox", "pratt"):
        raise ValueError("zero_method must be 'wilcox' or 'pratt'")


def _at_least(values, observed):
    """Which ``values`` are at least ``observed``, allowing for float rounding in sums of ranks."""
    threshold = observed - _TOL
    # ">" for ">=" would differ only for a value exactly 1e-9 below `observed`; sums of
    # mid-ranks (multiples of 1/2) never are, so that mutant is equivalent.
    return values >= threshold  # pragma: no mutate (equivalent, see above)


def _tail_share(null: np.ndarray, observed: float, centre: float, alternative: str) -> float:
    """Share of the equally likely null statistics at least as extreme as ``observed``.

    Two-sided: at least as far from ``centre``; ``"greater"``: at least as
    large; ``"less"``: at least as small.
    """
    if alternative == "two-sided":
        return float(_at_least(np.abs(null - centre), abs(observed - centre)).mean())
    if alternative == "greater":
        return float(_at_least(null, observed).mean())
    return float(_at_least(-null, -observed).mean())


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
    """Mid-ranks of |d| and signs (+1 or -1) of the non-zero differences.

    ``"wilcox"`` ranks the non-zero differences only; ``"pratt"`` ranks the zeros
    with them and then drops them.
    """
    _check_zero_method(zero_method)
    keep = d != 0
    if zero_method == "wilcox":
        return _st.rankdata(np.abs(d[keep])), np.sign(d[keep])
    return _st.rankdata(np.abs(d))[keep], np.sign(d[keep])


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
        return SignFlipResult(0.0, 1.0, 0, n_zero, 1, math.nan, zero_method, alternative)
    if n > _MAX_SIGN_FLIP_N:
        raise ValueError(f"{n} non-zero differences: too many to enumerate (max {_MAX_SIGN_FLIP_N})")
    # signs are +1 or -1, so T+ = (sum of ranks + signed rank sum) / 2
    t_obs = float((ranks.sum() + ranks @ signs) / 2)
    # Every sign pattern as a row of 0/1 (1 = positive); T+ = pattern @ ranks.
    patterns = np.array(list(itertools.product((0, 1), repeat=n)))
    t_all = patterns @ ranks
    return SignFlipResult(
        statistic=t_obs, pvalue=_tail_share(t_all, t_obs, ranks.sum() / 2, alternative),
        n_used=n, n_zero=n_zero, n_assignments=2**n,
        rank_biserial=matched_pairs_rank_biserial(d, zero_method=zero_method),
        zero_method=zero_method, alternative=alternative,
    )


def matched_pairs_rank_biserial(
    differences, zero_method: str = "wilcox", axis: int | None = None
):
    """Matched-pairs rank-biserial correlation ``(T+ - T-) / (T+ + T-)``.

    Ranges from -1 (every difference negative) to +1 (every difference
    positive); 0 when positive and negative ranks balance. Mid-ranks of |d|;
    zeros handled as in :func:`signflip_test`. ``nan`` if every difference is 0.
    With a 2-D input and ``axis=1`` it returns one value per row (one per
    bootstrap resample), so :func:`plro.resampling.bootstrap_ci` can run vectorised.
    Missing values raise ``ValueError``.
    """
    if axis is None:
        d = _as_1d(differences, "differences")
        ranks, signs = _signed_ranks(d, zero_method)
        total = ranks.sum()
        if total == 0:
            return math.nan
        # T+ - T- is the signed rank sum; T+ + T- the sum of ranks
        return float(ranks @ signs / total)
    d = _as_float(differences, "differences")
    if axis not in (1, -1) or d.ndim != 2:
        raise ValueError("vectorised matched_pairs_rank_biserial expects 2-D input and axis=1")
    _check_zero_method(zero_method)
    magnitude = np.abs(d)
    if zero_method == "wilcox":  # zeros take no rank at all
        magnitude = np.where(d == 0, np.nan, magnitude)
    ranks = np.nan_to_num(_st.rankdata(magnitude, axis=1, nan_policy="omit"))
    ranks = np.where(d == 0, 0.0, ranks)
    total = ranks.sum(axis=1)
    with np.errstate(invalid="ignore"):  # 0 / 0 = nan for a row of zeros, as in the 1-D case
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
    combos = np.array(list(itertools.combinations(range(n_x + n_y), n_x)))
    u_all = ranks[combos].sum(axis=1) - offset
    centre = n_x * n_y / 2
    smallest = min(_tail_share(u_all, u, centre, alternative) for u in (u_all.min(), u_all.max()))
    return MannWhitneyResult(
        u=u_obs, pvalue=_tail_share(u_all, u_obs, centre, alternative),
        n_x=n_x, n_y=n_y, n_splits=n_splits, cliffs_delta=cliffs_delta(xa, ya),
        smallest_possible_p=smallest, alternative=alternative,
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
    return tails / math.comb(n_x + n_y, n_x)  # at most 2 / C(2, 1) = 1


def cliffs_delta(x, y, axis: int | None = None):
    """Cliff's delta: P(x > y) - P(x < y) over all pairs, from -1 to +1.

    Equal to the Mann-Whitney rank-biserial correlation ``2U/(n_x n_y) - 1``.
    With ``axis=1`` and 2-D inputs (resamples in rows) it returns one delta per
    row, which lets :func:`plro.resampling.bootstrap_ci` run vectorised.
    Missing values raise ``ValueError``.
    """
    xa, ya = _as_float(x, "x"), _as_float(y, "y")
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
    # denom is 0 only when every row is one tie; then ss is 0 too, and Q = 0 / 0 = nan
    with np.errstate(invalid="ignore"):
        return ss / denom


def kendalls_w(ranks, axis: int | None = None):
    """Kendall's W (tie-corrected) from a patients x visits matrix of within-patient ranks.

    W = Q / (n (k - 1)), where Q is the tie-corrected Friedman statistic: 0 =
    no agreement between patients on the ordering of visits, 1 = every patient
    ranks the visits identically. Pass raw values through
    ``scipy.stats.rankdata(values, axis=1)`` first. With 3-D input
    (resamples, n, k) and ``axis=0`` it returns one W per resample. ``nan``
    where every patient's visits are one tie (no ordering at all); missing
    ranks raise ``ValueError``.
    """
    r = _as_float(ranks, "ranks")
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
    (it counts the observed arrangement, so it is never 0). When every row is
    a single tie there is no ordering to test: the statistic, W and both
    p-values are ``nan``.
    """
    m = _as_float(matrix, "matrix", advice="keep complete subjects only")
    if m.ndim != 2 or m.shape[1] < 2 or m.shape[0] < 2:
        raise ValueError("friedman expects an n x k matrix with n >= 2 and k >= 2")
    n, k = m.shape
    ranks = _st.rankdata(m, axis=1)
    q = float(_friedman_q(ranks))
    p_perm = None
    if n_permutations > 0:
        rng = np.random.default_rng(seed)
        shuffled = rng.permuted(np.broadcast_to(ranks, (n_permutations, n, k)), axis=-1)
        q_perm = _friedman_q(shuffled)
        hits = int(_at_least(q_perm, q).sum())
        p_perm = (hits + 1) / (n_permutations + 1) if not math.isnan(q) else math.nan
    return FriedmanResult(
        statistic=q, pvalue_chi2=float(_st.chi2.sf(q, k - 1)), kendalls_w=q / (n * (k - 1)),
        n=n, k=k, pvalue_permutation=p_perm, n_permutations=n_permutations,
        seed=seed if n_permutations > 0 else None,
    )
