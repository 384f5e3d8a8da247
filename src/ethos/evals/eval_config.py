"""The ``eval:`` section of a recipe config (configs/*.yaml): what to evaluate and how to compare.

Example::

    eval:
      suite: builtin          # builtin | fast | public | path/to/suite.yaml
      limit: 40               # items per benchmark (hash-selected); omit for all
      data_dir: null          # where public files live (for suite: public)
      n_boot: 10000
      alpha: 0.05
      headline: {limit: 40}   # instead of benchmarks: a rule on the pre-RL model (ethos.evals.headline)

The study seed is set once at the top level of a recipe and copied into ``seed``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from ethos.evals.headline import HeadlineRule
from ethos.recipe import Section, load_section


class EvalConfig(Section):
    suite: str = "public"  # the headline suite
    benchmarks: list[str] | None = None  # keep only these benchmarks or categories of the headline suite
    headline: HeadlineRule | None = None  # or choose them by a rule on the pre-RL model (ethos.evals.headline)
    limit: int | None = Field(default=100, ge=1)  # items per benchmark (hash-selected, the same for every model)
    secondary: str | None = "builtin"  # a second panel, reported apart from the headline
    secondary_benchmarks: list[str] | None = None
    secondary_limit: int | None = Field(default=30, ge=1)
    data_dir: str | None = None
    n_boot: int = Field(default=10_000, ge=100)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    seed: int = 0

    def problems(self):
        if self.headline is not None and self.benchmarks is not None:
            return [(("benchmarks",), "and eval.headline both choose the headline; keep one (the rule, or a list)")]
        return []


def load_eval_config(path: str | Path) -> EvalConfig:
    """Read the ``eval:`` section of a recipe file (defaults when the section is absent)."""
    return load_section(path, "eval", EvalConfig)
