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
    """A paired effect ``B − A`` across seeds and items."""

    interval: Interval
    p: float
    sd: float  # standard deviation of the seed-averaged per-item differences
    se: float  # bootstrap standard error of the effect
    seeds_a: int
    seeds_b: int


def _array(x: Sequence[float]) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("need a non-empty 1-d sequence of numbers")
    return arr


def bootstrap_mean(x: Sequence[float], n: int = 10_000, seed: int = 0, level: float = 0.95) -> Interval:
    """Mean of ``x`` with a percentile bootstrap interval."""
    arr = _array(x)
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, arr.size, size=(n, arr.size))].mean(axis=1)
    alpha = (1 - level) / 2
    return Interval(float(arr.mean()), float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha)), arr.size)


def paired_test(a: Sequence[float], b: Sequence[float], n: int = 10_000, seed: int = 0) -> tuple[Interval, float]:
    """Paired delta ``b − a`` on one seed each: bootstrap interval and the bootstrap p-value."""
    e = seeded_effect(np.asarray(a, float)[None], np.asarray(b, float)[None], n_boot=n, seed=seed)
    return e.interval, e.p


def seeded_effect(a: np.ndarray, b: np.ndarray, *, n_boot: int = 10_000, seed: int = 0, level: float = 0.95) -> Effect:
    """``B − A`` for scores ``a`` [seeds_a, items] and ``b`` [seeds_b, items] (the same items, in order)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or a.shape[1] == 0:
        raise ValueError(f"need [seeds, items] arrays over the same items, got {a.shape} and {b.shape}")
    (sa, n), sb = a.shape, b.shape[0]
    per_item = b.mean(0) - a.mean(0)
    rng = np.random.default_rng(seed)
    if sa == sb:  # paired seeds: resample seed indices once for both arms
        counts = rng.multinomial(sa, [1 / sa] * sa, size=n_boot)
        seed_diff = counts @ (b - a) / sa
    else:
        seed_diff = (
            rng.multinomial(sb, [1 / sb] * sb, size=n_boot) @ b / sb
            - rng.multinomial(sa, [1 / sa] * sa, size=n_boot) @ a / sa
        )
    item_counts = rng.multinomial(n, [1 / n] * n, size=n_boot)
    boots = (seed_diff * item_counts).sum(1) / n
    alpha = (1 - level) / 2
    low, high = np.quantile(boots, [alpha, 1 - alpha])
    p = float(min(1.0, 2 * min(np.mean(boots <= 0), np.mean(boots >= 0))))
    p = max(p, 1 / (n_boot + 1))
    interval = Interval(float(per_item.mean()), float(low), float(high), n)
    sd = float(per_item.std(ddof=1)) if n > 1 else 0.0
    return Effect(interval, p, sd, float(boots.std(ddof=1)), sa, sb)


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
