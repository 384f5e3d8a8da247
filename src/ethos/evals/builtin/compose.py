"""Small builders for the built-in benchmarks: a registry and combinatorial helpers.

Built-in items are composed combinatorially from content written for evaluation only (subjects ×
framings × phrasings), which reaches 100+ varied items per benchmark without an LLM.
"""

from __future__ import annotations

import itertools
from typing import Callable, Iterable

from ethos.evals.benchmark import Benchmark
from ethos.evals.items import gen_item, line, mc_item, user

__all__ = ["BUILTIN", "gen_item", "line", "mc_item", "product", "register", "user"]

BUILTIN: dict[str, Callable[[], Benchmark]] = {}


def register(factory: Callable[[], Benchmark]) -> Callable[[], Benchmark]:
    BUILTIN[factory.__name__] = factory
    return factory


def product(*parts: Iterable) -> list[tuple]:
    return list(itertools.product(*parts))

