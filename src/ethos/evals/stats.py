"""Paired statistics for comparing models on the same items, across training seeds.

Every comparison is *paired*: the same item under model A and model B, so item difficulty cancels.
When each arm was trained with several seeds, an item's score is first averaged over the arm's
seeds and the effect is the mean over items of ``mean_seeds(B) − mean_seeds(A)``. Its uncertainty
comes from a two-level bootstrap that resamples the seeds (paired by seed index when both arms ran
the same seeds: seed k of each arm shares data order and adapter initialisation) and then the items,
so a training run that happened to go well shows up as variance, not as an effect. The p-value is
read off the same bootstrap distribution (two-sided, ``2·min(P(Δ* ≤ 0), P(Δ* ≥ 0))``), so a
confidence interval that excludes zero and ``p < α`` always agree. With one seed per arm the
bootstrap resamples items only, and the report says the run is single-seed.

``mde`` is the smallest true effect this comparison would detect with 80% power at the
Benjamini–Hochberg threshold of a lone discovery among ``m`` benchmarks (``α/m``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Sequence

import numpy as np

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


@dataclass(frozen=True)
class Effect:
    """A paired effect (``B − A``, or any weighted sum of run groups) across seeds and items."""

    interval: Interval
    p: float
    sd: float  # standard deviation of the seed-averaged per-item combination (the first benchmark's when several)
    se: float  # bootstrap standard error of the effect
    seeds: tuple[int, ...]  # seeds per group, in the order given

    @property
    def seeds_a(self) -> int:
        return self.seeds[-1]

    @property
    def seeds_b(self) -> int:
        return self.seeds[0]


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


def bootstrap_effect(
    benchmarks: Sequence[Sequence[np.ndarray]],
    weights: Sequence[float],
    *,
    n_boot: int = 10_000,
    seed: int = 0,
    level: float = 0.95,
) -> Effect:
    """The one seed-and-item bootstrap: ``Σ weight·group`` averaged over items, then over benchmarks.

    ``benchmarks`` holds, per benchmark, one ``[seeds, items]`` array per group (every group over the same
    items, in order). Seeds are resampled first — once for every group when all ran the same number (seed k
    of each shares data order and initialisation), else per group in the order given — then the items of
    each benchmark. The p-value is read off the same distribution, so interval and p agree.
    """
    if not benchmarks:
        raise ValueError("need at least one benchmark")
    sizes = [int(np.asarray(m).shape[0]) for m in benchmarks[0]]
    for mats in benchmarks:
        shapes = [np.asarray(m).shape for m in mats]
        if len(mats) != len(weights) or any(len(s) != 2 for s in shapes) or len({s[1] for s in shapes}) != 1:
            raise ValueError(f"need one [seeds, items] array per group over the same items, got {shapes}")
        if shapes[0][1] == 0 or [s[0] for s in shapes] != sizes:
            raise ValueError(f"need [seeds, items] arrays with items and the same seeds per group, got {shapes}")
    rng = np.random.default_rng(seed)
    shared = len(set(sizes)) == 1
    counts = [rng.multinomial(s, [1 / s] * s, size=n_boot) for s in ([sizes[0]] if shared else sizes)]
    boots, point, sd = np.zeros(n_boot), 0.0, None
    for mats in benchmarks:
        mats = [np.asarray(m, dtype=float) for m in mats]
        combo = sum(w * m.mean(0) for w, m in zip(weights, mats))
        point += float(combo.mean())
        if sd is None:
            sd = float(combo.std(ddof=1)) if combo.size > 1 else 0.0
        seed_means = sum(
            w * (counts[0 if shared else g] @ m) / m.shape[0] for g, (w, m) in enumerate(zip(weights, mats))
        )
        n = combo.size
        boots += (seed_means * rng.multinomial(n, [1 / n] * n, size=n_boot)).sum(1) / n
    k = len(benchmarks)
    boots /= k
    alpha = (1 - level) / 2
    low, high = np.quantile(boots, [alpha, 1 - alpha])
    p = max(float(min(1.0, 2 * min(np.mean(boots <= 0), np.mean(boots >= 0)))), 1 / (n_boot + 1))
    items = sum(np.asarray(mats[0]).shape[1] for mats in benchmarks)
    interval = Interval(point / k, float(low), float(high), items)
    return Effect(interval, p, sd or 0.0, float(boots.std(ddof=1)), tuple(sizes))


def paired_test(a: Sequence[float], b: Sequence[float], n: int = 10_000, seed: int = 0) -> tuple[Interval, float]:
    """Paired delta ``b − a`` on one seed each: bootstrap interval and the bootstrap p-value."""
    e = seeded_effect(np.asarray(a, float)[None], np.asarray(b, float)[None], n_boot=n, seed=seed)
    return e.interval, e.p


def seeded_effect(a: np.ndarray, b: np.ndarray, *, n_boot: int = 10_000, seed: int = 0, level: float = 0.95) -> Effect:
    """``B − A`` for scores ``a`` [seeds_a, items] and ``b`` [seeds_b, items] (the same items, in order)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or a.shape[1] == 0:
        raise ValueError(f"need [seeds, items] arrays over the same items, got {a.shape} and {b.shape}")
    return bootstrap_effect([[b, a]], [1.0, -1.0], n_boot=n_boot, seed=seed, level=level)


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
