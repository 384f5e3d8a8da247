"""Paired statistics for comparing models on the same items, across training seeds.

Every comparison is *paired*: the same item under model A and model B, so item difficulty cancels.
When an arm was trained with several seeds, the effect is the mean over items and seeds of
``B − A``. Its uncertainty has two sources, and both enter: the **items** (a benchmark is a sample
of the questions it could have asked) and the **training seeds** (a run that happened to go well
is luck, not an effect). :func:`crossed_effect` treats items and seeds as crossed random effects:
with ``D[s, i]`` the combination for seed ``s`` and item ``i`` (seed k of each arm paired: it shares
data order and adapter initialisation),

    Var(mean D) = MS_items/(n·S) + MS_seeds/(n·S) − MS_residual/(n·S)

(the two-way ANOVA mean squares; unbiased for ``σ²_item/n + σ²_seed/S + σ²_residual/(n·S)``), with
Satterthwaite's degrees of freedom and a t interval and p-value. The seed is thus the unit of
replication for the training-luck part, and with 3 seeds its few degrees of freedom widen the
interval accordingly. ``bench/calibration.py`` simulates the default design under no effect and
checks the false-positive rate and the interval's coverage.

A model that was not trained (the pre-RL model) is one fixed model, with no seed variance. A
comparison in which a trained side has fewer than ``MIN_SEEDS`` seeds cannot estimate training
luck: it is **descriptive** — its interval is conditional on the seeds that ran (items only), and it
carries no p-value, so no q and no claim of significance.

``mde`` is the smallest true effect this comparison would detect with 80% power at the
Benjamini–Hochberg threshold of a lone discovery among ``m`` benchmarks (``α/m``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Sequence

import numpy as np
from scipy import stats

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Interval:
    """A point estimate with a 95% interval over ``n`` paired observations."""

    value: float
    low: float
    high: float
    n: int = 0

    @property
    def significant(self) -> bool:
        """The interval excludes 0 (beyond float noise: an all-zero interval is not an effect)."""
        return self.low > TOLERANCE or self.high < -TOLERANCE

    def to_json(self) -> dict:
        return asdict(self)


MIN_SEEDS = 3  # training seeds a trained side needs before a comparison reports p, q or "significant"


@dataclass(frozen=True)
class Effect:
    """A paired effect (``B − A``, or any weighted sum of run groups) across seeds and items."""

    interval: Interval
    p: float | None  # None: descriptive (a trained side with fewer than MIN_SEEDS seeds)
    sd: float  # standard deviation of the seed-averaged per-item combination (the first benchmark's when several)
    se: float  # standard error of the effect (conditional on the seeds when descriptive)
    seeds: tuple[int, ...]  # seeds per group, in the order given
    df: float = float("inf")  # degrees of freedom of the t reference distribution

    @property
    def descriptive(self) -> bool:
        return self.p is None


def _array(x: Sequence[float]) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("need a non-empty 1-d sequence of numbers")
    return arr


def bootstrap_mean(x: Sequence[float], n: int = 10_000, seed: int = 0, level: float = 0.95) -> Interval:
    """Mean of ``x`` with a percentile bootstrap interval (one sample: no pairing, no seeds)."""
    arr = _array(x)
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, arr.size, size=(n, arr.size))].mean(axis=1)
    alpha = (1 - level) / 2
    return Interval(float(arr.mean()), float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha)), arr.size)


def _check(benchmarks: Sequence[Sequence[np.ndarray]], weights: Sequence[float]) -> list[int]:
    if not benchmarks:
        raise ValueError("need at least one benchmark")
    sizes = [int(np.asarray(m).shape[0]) for m in benchmarks[0]]
    for mats in benchmarks:
        shapes = [np.asarray(m).shape for m in mats]
        if len(mats) != len(weights) or any(len(s) != 2 for s in shapes) or len({s[1] for s in shapes}) != 1:
            raise ValueError(f"need one [seeds, items] array per group over the same items, got {shapes}")
        if shapes[0][1] == 0 or [s[0] for s in shapes] != sizes:
            raise ValueError(f"need [seeds, items] arrays with items and the same seeds per group, got {shapes}")
    return sizes


def interaction_ms(d: np.ndarray) -> float:
    """The seed × item interaction mean square of ``d`` [seeds, items] (two-way ANOVA residual)."""
    s, n = d.shape
    if s < 2 or n < 2:
        return 0.0
    resid = d - d.mean(0, keepdims=True) - d.mean(1, keepdims=True) + d.mean()
    return float((resid**2).sum()) / ((s - 1) * (n - 1))


def crossed_effect(
    benchmarks: Sequence[Sequence[np.ndarray]],
    weights: Sequence[float],
    *,
    fixed: Sequence[bool] | None = None,
    level: float = 0.95,
) -> Effect:
    """The one estimator under every comparison: ``Σ weight·group`` averaged over items, then over benchmarks,
    with items and training seeds as crossed random effects (see the module docstring).

    ``benchmarks`` holds, per benchmark, one ``[seeds, items]`` array per group (every group over the same
    items, in order); ``fixed`` marks groups that are one fixed model (the pre-RL model, or one model under
    two conditions), whose single row stands for every seed. Trained groups with the same seed count are
    paired by seed index; otherwise each contributes its own seed variance.
    """
    sizes = _check(benchmarks, weights)
    fixed = list(fixed) if fixed is not None else [False] * len(weights)
    if len(fixed) != len(weights) or any(s != 1 for s, f in zip(sizes, fixed) if f):
        raise ValueError("need one fixed flag per group, and a fixed group is one model: exactly one row")
    trained = [s for s, f in zip(sizes, fixed) if not f]
    k, paired = len(benchmarks), len(set(trained)) <= 1
    seeds_n = trained[0] if trained and paired else 1
    point, item_v, res_v, sd = 0.0, 0.0, 0.0, None
    item_parts: list[tuple[float, float]] = []
    other_parts: list[tuple[float, float]] = []
    seed_rows = np.zeros(seeds_n)
    for mats in benchmarks:
        mats = [np.asarray(m, dtype=float) for m in mats]
        n = mats[0].shape[1]
        per_item = sum(w * m.mean(0) for w, m in zip(weights, mats))  # the seed-averaged combination per item
        point += float(per_item.mean()) / k
        if sd is None:
            sd = float(per_item.std(ddof=1)) if n > 1 else 0.0
        v = float(per_item.var(ddof=1)) / n / k**2 if n > 1 else 0.0
        item_v += v
        item_parts.append((v, n - 1))
        if paired:
            d = sum(w * np.broadcast_to(m, (seeds_n, n)) for w, m in zip(weights, mats))  # [seeds, items]
            seed_rows += d.mean(1) / k
            r = interaction_ms(d) / (n * seeds_n) / k**2
            res_v += r
            other_parts.append((r, (seeds_n - 1) * (n - 1)))
    if paired:
        seed_v = float(seed_rows.var(ddof=1)) / seeds_n if seeds_n > 1 else 0.0
        other_parts.append((seed_v, seeds_n - 1))
        full = max(item_v + seed_v - res_v, item_v, seed_v)  # each component alone is a lower bound
    else:
        seed_v = 0.0
        for g, (w, s) in enumerate(zip(weights, sizes)):
            if fixed[g]:
                continue
            means = sum(np.asarray(mats[g], dtype=float).mean(1) for mats in benchmarks) / k  # [seeds]
            r = sum(
                w * w * interaction_ms(np.asarray(mats[g], dtype=float)) / (np.asarray(mats[g]).shape[1] * s) / k**2
                for mats in benchmarks
            )
            v = w * w * float(means.var(ddof=1)) / s if s > 1 else 0.0
            seed_v += v - r
            other_parts += [(v, s - 1), (r, float("inf"))]
        full = max(item_v + seed_v, item_v)
    descriptive = any(s < MIN_SEEDS for s in trained)
    var = item_v if descriptive else full
    parts = item_parts if descriptive else item_parts + other_parts
    df = (
        float(var * var / denom)
        if (denom := sum(c * c / f for c, f in parts if 0 < f < float("inf"))) > 0
        else float("inf")
    )
    se = float(np.sqrt(max(var, 0.0)))
    quantile = float(stats.t.ppf(0.5 + level / 2, df)) if np.isfinite(df) else NormalDist().inv_cdf(0.5 + level / 2)
    items = sum(np.asarray(m[0]).shape[1] for m in benchmarks)
    interval = Interval(point, point - quantile * se, point + quantile * se, items)
    if descriptive:
        p = None
    elif se == 0:
        p = 1.0 if abs(point) <= TOLERANCE else 0.0
    else:
        p = float(2 * stats.t.sf(abs(point) / se, df))
    return Effect(interval, p, sd or 0.0, se, tuple(sizes), df)


def paired_test(a: Sequence[float], b: Sequence[float]) -> tuple[Interval, float]:
    """``b − a`` for one fixed model under two conditions (the same items): a t interval over items and its p."""
    e = seeded_effect(np.asarray(a, float)[None], np.asarray(b, float)[None], fixed=(True, True))
    return e.interval, e.p  # type: ignore[return-value]


def seeded_effect(
    a: np.ndarray, b: np.ndarray, *, fixed: tuple[bool, bool] = (False, False), level: float = 0.95
) -> Effect:
    """``B − A`` for scores ``a`` [seeds_a, items] and ``b`` [seeds_b, items] (the same items, in order);
    ``fixed`` says which side is one fixed model (A, B)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or a.shape[1] == 0:
        raise ValueError(f"need [seeds, items] arrays over the same items, got {a.shape} and {b.shape}")
    return crossed_effect([[b, a]], [1.0, -1.0], fixed=(fixed[1], fixed[0]), level=level)


def mde(se: float, m: int, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Minimum detectable effect at ``power`` for a lone discovery among ``m`` tests (BH threshold ``α/m``)."""
    z = NormalDist().inv_cdf
    return (z(1 - alpha / (2 * max(m, 1))) + z(power)) * se


def bh(pvals: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input order."""
    p = np.asarray(pvals, dtype=float)
    if p.size == 0:
        return []
    order = np.argsort(p)
    ranked = p[order] * p.size / np.arange(1, p.size + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return [float(q) for q in out]
