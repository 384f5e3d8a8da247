"""Effects pooled over several benchmarks and seeds: deltas, degradations, differences in degradation.

The study's persistence and generalization numbers are linear combinations of evaluation runs — a
delta is ``B − A``, a model's degradation under an attack is ``clean − attacked``, a difference in
degradation is ``(comparison clean − comparison attacked) − (treated clean − treated attacked)`` —
each run group holding one evaluation per training seed. An effect is averaged within each
benchmark over the items every run scored, then across benchmarks (so a large benchmark does not
drown a small one). Its interval and p-value treat items and training seeds as crossed random
effects (:func:`ethos.evals.stats.crossed_effect`): with fewer than three seeds on a trained side
the effect is descriptive (no p). An unscored item is dropped from the pairing, never read as 0.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np

from ethos.evals.stats import Interval, crossed_effect

Scores = Mapping[tuple[str, str], float | None]  # (benchmark, item id) -> score
Group = tuple[float, Sequence[Scores]]  # (weight, one Scores per seed)


def scores_from_records(records: Iterable[Mapping]) -> dict[tuple[str, str], float | None]:
    """Index the eval runner's per-item records (``benchmark``, ``item``, ``score``) by (benchmark, item)."""
    out: dict[tuple[str, str], float | None] = {}
    for r in records:
        score = r.get("score")
        out[(str(r["benchmark"]), str(r["item"]))] = None if score is None else float(score)
    return out


def aligned(groups: Sequence[Group], benchmarks: Iterable[str] | None = None) -> dict[str, list[np.ndarray]]:
    """Per benchmark, one [seeds, items] array per group over the items scored in every run of every group."""
    wanted = None if benchmarks is None else set(benchmarks)
    runs = [run for _, seeds in groups for run in seeds]
    keys = sorted({k for run in runs for k in run if wanted is None or k[0] in wanted})
    kept = [k for k in keys if all(run.get(k) is not None for run in runs)]
    by_bench: dict[str, list[tuple[str, str]]] = {}
    for k in kept:
        by_bench.setdefault(k[0], []).append(k)
    return {
        b: [np.array([[run[k] for k in ks] for run in seeds], dtype=float) for _, seeds in groups]
        for b, ks in by_bench.items()
    }


def combination(
    groups: Sequence[Group],
    *,
    benchmarks: Iterable[str] | None = None,
    fixed: Sequence[bool] | None = None,
    level: float = 0.95,
) -> tuple[Interval, float | None]:
    """``Σ weight·run`` averaged over items then benchmarks, with its interval and p-value
    (:func:`ethos.evals.stats.crossed_effect`; p is None when descriptive). ``fixed`` marks the groups that
    are one fixed model (the pre-RL model)."""
    arrays = aligned(groups, benchmarks)
    if not arrays:
        return Interval(float("nan"), float("nan"), float("nan"), 0), None
    e = crossed_effect(list(arrays.values()), [w for w, _ in groups], fixed=fixed, level=level)
    return e.interval, e.p


def delta(a: Sequence[Scores], b: Sequence[Scores], *, fixed_a: bool = False, **kw) -> tuple[Interval, float | None]:
    """Mean paired ``b − a`` (e.g. treatment minus baseline), each a list of per-seed scores; ``fixed_a``: A is
    one fixed model (the pre-RL model)."""
    return combination([(-1.0, a), (1.0, b)], fixed=(fixed_a, False), **kw)


def degradation(
    clean: Sequence[Scores], attacked: Sequence[Scores], *, fixed: bool = False, **kw
) -> tuple[Interval, float | None]:
    """How far a model fell under an attack: ``clean − attacked`` (positive = worse under attack)."""
    return combination([(1.0, clean), (-1.0, attacked)], fixed=(fixed, fixed), **kw)


def diff_in_degradation(
    treat_clean, treat_attacked, comp_clean, comp_attacked, *, comparison_fixed: bool = False, **kw
) -> tuple[Interval, float | None]:
    """Comparison's degradation minus the treated model's (positive = treatment more persistent)."""
    groups = [(1.0, comp_clean), (-1.0, comp_attacked), (-1.0, treat_clean), (1.0, treat_attacked)]
    return combination(groups, fixed=(comparison_fixed, comparison_fixed, False, False), **kw)


def region_contrast(
    a: Sequence[Scores], b: Sequence[Scores], inside, *, fixed_a: bool = False, level: float = 0.95
) -> tuple[Interval, float | None]:
    """``mean(b − a) over items inside − mean(b − a) over items outside`` (``inside``: a predicate on the
    (benchmark, item) key; e.g. in-domain vs out-of-domain items), items weighted equally within each side.

    Written as two benchmarks, the outside one negated: :func:`crossed_effect` then estimates half the
    contrast with every variance component in place, and the interval is scaled back."""
    keys = sorted({k for run in [*a, *b] for k in run if all(r.get(k) is not None for r in [*a, *b])})
    side = {k: bool(inside(k)) for k in keys}
    n_in = sum(side.values())
    if not n_in or n_in == len(keys):
        return Interval(float("nan"), float("nan"), float("nan"), 0), None

    def split(runs: Sequence[Scores], flag: bool, sign: float) -> np.ndarray:
        return np.array([[sign * run[k] for k in keys if side[k] == flag] for run in runs], dtype=float)

    mats = [[split(a, True, 1.0), split(b, True, 1.0)], [split(a, False, -1.0), split(b, False, -1.0)]]
    e = crossed_effect(mats, [-1.0, 1.0], fixed=(fixed_a, False), level=level)
    iv = e.interval
    return Interval(2 * iv.value, 2 * iv.low, 2 * iv.high, iv.n), e.p
