"""Is the test's error rate what it claims? Simulate a study design under no effect and count.

A design is a number of items per benchmark, benchmarks, and training seeds per side (or a fixed
model on a side, such as the pre-RL model). Scores follow crossed random effects — an item's
difference between the arms (``item_sd``), a training seed's shift (``seed_sd``), and a seed × item
residual (``residual_sd``), all on the per-item difference scale — which :func:`components` estimates
from a finished study's per-item records (the baseline and treatment seeds, two-way ANOVA per
benchmark, the median over the headline). :func:`simulate` runs :func:`ethos.evals.stats.crossed_effect`
on ``reps`` simulated studies with true effect zero (false-positive rate at α) and with a true effect
(coverage of the 95% interval). ``bench/calibration.py`` prints both for the default design.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ethos.evals.stats import crossed_effect, interaction_ms


@dataclass(frozen=True)
class Design:
    items: int = 80
    benchmarks: int = 1
    seeds_a: int = 3
    seeds_b: int = 3
    fixed_a: bool = False  # side A is one fixed model (the pre-RL model): one row, no seed variance

    def describe(self) -> str:
        a = "fixed model" if self.fixed_a else f"{self.seeds_a} seed{'s' * (self.seeds_a != 1)}"
        b = f"{self.seeds_b} seed{'s' * (self.seeds_b != 1)}"
        return f"{a} vs {b}, {self.items} items x {self.benchmarks} benchmark(s)"


@dataclass(frozen=True)
class Components:
    item_sd: float  # sd of an item's true B − A difference
    seed_sd: float  # sd of a training seed's shift of B − A
    residual_sd: float  # sd of the seed x item residual of B − A

    def describe(self) -> str:
        return f"item sd {self.item_sd:.3f}, seed sd {self.seed_sd:.3f}, residual sd {self.residual_sd:.3f}"


@dataclass(frozen=True)
class Calibration:
    design: Design
    components: Components
    reps: int
    alpha: float
    false_positive_rate: float
    coverage: float
    descriptive: bool  # the design has a trained side with too few seeds: no p-values to calibrate


def _arm(rng, shape, comps: Components, fixed: bool, item_part: np.ndarray) -> np.ndarray:
    seeds, items = shape
    half = np.sqrt(0.5)
    seed = np.zeros((seeds, 1)) if fixed else rng.normal(0, comps.seed_sd * half, (seeds, 1))
    resid = rng.normal(0, comps.residual_sd * half, (seeds, items))
    return item_part[None, :] + seed + resid


def simulate(
    design: Design,
    comps: Components,
    *,
    reps: int = 2000,
    alpha: float = 0.05,
    effect: float = 0.05,
    seed: int = 0,
) -> Calibration:
    """False-positive rate at ``alpha`` with no true effect, and coverage of the 95% interval of ``effect``."""
    rng = np.random.default_rng(seed)
    rejections, covered, tested = 0, 0, 0
    a_rows = 1 if design.fixed_a else design.seeds_a
    for rep in range(reps):
        truth = 0.0 if rep % 2 == 0 else effect
        benches = []
        for _ in range(design.benchmarks):
            base = rng.normal(0.5, 0.2, design.items)
            diff = rng.normal(0, comps.item_sd, design.items)
            a = _arm(rng, (a_rows, design.items), comps, design.fixed_a, base - diff / 2)
            b = _arm(rng, (design.seeds_b, design.items), comps, False, base + diff / 2 + truth)
            benches.append([b, a])
        e = crossed_effect(benches, [1.0, -1.0], fixed=(False, design.fixed_a))
        covered += e.interval.low <= truth <= e.interval.high
        if truth == 0.0 and e.p is not None:
            tested += 1
            rejections += e.p < alpha
    return Calibration(
        design,
        comps,
        reps,
        alpha,
        false_positive_rate=rejections / tested if tested else float("nan"),
        coverage=covered / reps,
        descriptive=tested == 0,
    )


def _anova(d: np.ndarray) -> tuple[float, float, float]:
    """(item, seed, residual) variance components of ``d`` [seeds, items] (method of moments, floored at 0)."""
    s, n = d.shape
    ms_res = interaction_ms(d)
    ms_item = s * float(d.mean(0).var(ddof=1))
    ms_seed = n * float(d.mean(1).var(ddof=1))
    return max((ms_item - ms_res) / s, 0.0), max((ms_seed - ms_res) / n, 0.0), ms_res


def components(eval_runs_a: list, eval_runs_b: list, benchmarks: list[str] | None = None) -> Components:
    """Variance components of B − A from two arms' evaluations (one per seed, paired by index), per benchmark,
    the median over benchmarks."""
    from ethos.evals.eval_run import EvalRun

    a_runs, b_runs = [EvalRun.of(r) for r in eval_runs_a], [EvalRun.of(r) for r in eval_runs_b]
    if len(a_runs) != len(b_runs) or len(a_runs) < 2:
        raise ValueError("need the same number (at least two) of paired seed evaluations on each side")
    names = benchmarks or a_runs[0].benchmarks()
    parts = []
    for name in names:
        a = [r.by_item(name) for r in a_runs]
        b = [r.by_item(name) for r in b_runs]
        ids = [i for i in a[0] if all(i in x and x[i]["score"] is not None for x in a + b)]
        if len(ids) < 3:
            continue
        d = np.array([[bb[i]["score"] - aa[i]["score"] for i in ids] for aa, bb in zip(a, b)], dtype=float)
        parts.append(_anova(d))
    if not parts:
        raise ValueError("no benchmark with at least three items scored in every run")
    item, seed, resid = (float(np.median([p[k] for p in parts])) for k in range(3))
    return Components(np.sqrt(item), np.sqrt(seed), np.sqrt(resid))


def study_components(run_dir: Path, a: str = "baseline", b: str = "treatment", panel: str = "headline") -> Components:
    """:func:`components` of a finished study's two arms (every seed each evaluated under ``evals/<arm>.s<k>``)."""
    evals = Path(run_dir) / "evals"
    a_dirs = sorted(p / panel for p in evals.glob(f"{a}.s*"))
    b_dirs = sorted(p / panel for p in evals.glob(f"{b}.s*"))
    return components(a_dirs, b_dirs)
