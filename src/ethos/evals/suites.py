"""Suites: which benchmarks to run. Built-in names, or a YAML file.

Built-in suites:

* ``builtin`` — every built-in benchmark;
* ``fast`` — one small benchmark per kind of behaviour, for smoke tests;
* ``public`` — every public-format adapter whose files are found under ``--data-dir`` (what was not
  found is listed in the summary, never skipped silently).

A suite file (YAML)::

    name: my-suite
    builtin: [arithmetic, crisis_support]   # names, or "all"
    categories: [sycophancy]                # plus every built-in benchmark in these categories
    public: [anthropic, xstest]             # adapters, or "all"; files looked up under data_dir
    data_dir: data/public                   # relative to the suite file
    hub: false                              # read Anthropic files from the Hugging Face hub instead
    limit: 50                               # items per benchmark (hash-selected), optional
    matching_good: {power-seeking-inclination: false}   # per-file direction for Anthropic files
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ethos.errors import UserError
from ethos.evals.benchmark import CATEGORIES, Benchmark
from ethos.recipe import Recipe

FAST = ("arithmetic", "format_following", "pushback_flip", "crisis_support", "harmful_refusal", "shutdown_acceptance")


@dataclass
class Suite:
    name: str
    benchmarks: list[Benchmark]
    not_found: list[str] = field(default_factory=list)
    limit: int | None = None

    def __post_init__(self) -> None:
        names = [b.name for b in self.benchmarks]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise UserError(f"suite '{self.name}' lists benchmarks twice: {', '.join(dupes)}; list each once.")
        if not self.benchmarks:
            hint = f" (not found: {'; '.join(self.not_found)})" if self.not_found else ""
            raise UserError(f"suite '{self.name}' has no benchmarks{hint}; an empty suite cannot be scored.")


def builtin_benchmarks(names=None, categories=()) -> list[Benchmark]:
    from ethos.evals.builtin import BENCHMARKS

    wanted = list(BENCHMARKS) if names in (None, "all") else list(names)
    unknown = [n for n in wanted if n not in BENCHMARKS]
    if unknown:
        raise UserError(f"unknown built-in benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}.")
    bad = [c for c in categories if c not in CATEGORIES]
    if bad:
        raise UserError(f"unknown categor(ies) {', '.join(bad)}; valid: {', '.join(CATEGORIES)}.")
    benches = [BENCHMARKS.get(n)() for n in wanted]
    have = {b.name for b in benches}
    for factory_name, factory in BENCHMARKS.items():
        if factory_name not in have and categories:
            bench = factory()
            if bench.category in categories:
                benches.append(bench)
    return benches


def public_suite(data_dir=None, adapters="all", hub: bool = False, matching_good=None, name: str = "public") -> Suite:
    """The published benchmarks under ``data_dir``, or, without one, the verified files of the installed data
    (:mod:`ethos.evals.public`)."""
    from ethos.evals.adapters import discover
    from ethos.evals.public import find_data, verified

    only = None
    if data_dir is None and not hub:
        data_dir = find_data()
        if data_dir is None:
            raise UserError(
                "no published benchmark files are installed; run `ethos data public install --from DIR` "
                "(see ethos/evals/public/README.md) or pass --data-dir DIR."
            )
        only = {(data_dir / f.relative).resolve() for f in verified(data_dir)}
    found = discover(data_dir, adapters=adapters, hub=hub, matching_good=matching_good, only=only)
    return Suite(name=name, benchmarks=found.benchmarks, not_found=found.not_found)


def load_suite(spec: str, data_dir: str | Path | None = None, hub: bool = False) -> Suite:
    """Resolve ``--suite``: a built-in suite name or a YAML suite file."""
    if spec == "builtin":
        return Suite(name="builtin", benchmarks=builtin_benchmarks())
    if spec == "fast":
        return Suite(name="fast", benchmarks=builtin_benchmarks(FAST), limit=24)
    if spec == "public":
        return public_suite(data_dir, hub=hub)
    path = Path(spec)
    if not path.exists():
        raise UserError(
            f"unknown suite '{spec}': not builtin, fast or public, and no such file; pass a suite name or a YAML file."
        )
    return suite_from_file(path, data_dir=data_dir, hub=hub)


class SuiteFile(BaseModel):
    """The keys of a suite YAML file (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    builtin: list[str] | Literal["all"] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    public: list[str] | Literal["all"] = Field(default_factory=list)
    data_dir: str | None = None
    hub: bool = False
    limit: int | None = Field(default=None, ge=1)
    matching_good: dict[str, bool] = Field(default_factory=dict)


def suite_from_file(path: Path, data_dir=None, hub: bool = False) -> Suite:
    recipe = Recipe.load(path)
    spec = recipe.parse(None, SuiteFile, raw=recipe.data)
    if spec is not None and spec.public and data_dir is None and not spec.data_dir and not (spec.hub or hub):
        recipe.add(("public",), "needs data_dir in the file or --data-dir")
    recipe.check()
    benches: list[Benchmark] = []
    if spec.builtin or spec.categories:
        benches += builtin_benchmarks(spec.builtin, spec.categories)
    not_found: list[str] = []
    if spec.public:
        root = data_dir or (path.parent / spec.data_dir if spec.data_dir else None)
        public = public_suite(root, adapters=spec.public, hub=spec.hub or hub, matching_good=spec.matching_good)
        benches += public.benchmarks
        not_found = public.not_found
    return Suite(name=spec.name or path.stem, benchmarks=benches, not_found=not_found, limit=spec.limit)


def with_reasoning_budget(suite: Suite, tokens: int) -> Suite:
    """``suite`` with ``tokens`` more on every generation benchmark's budget (a model that reasons before it
    answers); its fingerprints change with the budget, so cached replies of the plain budget are not reused."""
    import dataclasses

    benches = [
        dataclasses.replace(b, max_new_tokens=b.max_new_tokens + tokens) if b.kind == "gen" else b
        for b in suite.benchmarks
    ]
    return dataclasses.replace(suite, benchmarks=benches)
