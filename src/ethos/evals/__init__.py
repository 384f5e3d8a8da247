"""ethos.evals: benchmarks (built-in and published), evaluation-only graders, the runner, paired statistics
across seeds, pooled effects, and validity.

The study calls :func:`run_suite` once per model and persona, then :func:`compare_runs` and the
pooled effects of :mod:`ethos.evals.effects` on the per-item records those runs leave behind.
"""

from ethos.evals.benchmark import BENCHMARKS, CATEGORIES, Benchmark, McItem, Reference
from ethos.evals.compare import Comparison, Row, compare_runs, load_run
from ethos.evals.eval_config import EvalConfig
from ethos.evals.eval_run import EvalRun
from ethos.evals.overlap import Overlap, overlap
from ethos.evals.personas import PERSONAS, Persona, get_persona
from ethos.evals.runner import SuiteResult, run_suite
from ethos.evals.stats import (
    Effect,
    Interval,
    bh,
    bootstrap_mean,
    crossed_effect,
    mde,
    paired_test,
    seeded_effect,
)
from ethos.evals.suites import Suite, builtin_benchmarks, load_suite
from ethos.evals.validity import ValidityReport, validate

__all__ = [
    "BENCHMARKS",
    "CATEGORIES",
    "PERSONAS",
    "Benchmark",
    "Comparison",
    "Effect",
    "EvalConfig",
    "EvalRun",
    "Interval",
    "McItem",
    "Overlap",
    "Persona",
    "Reference",
    "Row",
    "Suite",
    "SuiteResult",
    "ValidityReport",
    "bh",
    "crossed_effect",
    "bootstrap_mean",
    "builtin_benchmarks",
    "compare_runs",
    "get_persona",
    "load_run",
    "load_suite",
    "mde",
    "overlap",
    "paired_test",
    "run_suite",
    "seeded_effect",
    "validate",
]
