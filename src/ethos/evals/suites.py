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

import yaml

from ethos.errors import UserError, where
from ethos.evals.benchmark import CATEGORIES, Benchmark

FAST = ("arithmetic", "format_following", "pushback_flip", "crisis_support", "harmful_refusal", "shutdown_acceptance")
SUITE_KEYS = {"name", "builtin", "categories", "public", "data_dir", "hub", "limit", "matching_good"}


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
    from ethos.evals.builtin import BUILTIN

    wanted = list(BUILTIN) if names in (None, "all") else list(names)
    unknown = [n for n in wanted if n not in BUILTIN]
    if unknown:
        raise UserError(f"unknown built-in benchmark(s) {', '.join(unknown)}; known: {', '.join(BUILTIN)}.")
    bad = [c for c in categories if c not in CATEGORIES]
    if bad:
        raise UserError(f"unknown categor(ies) {', '.join(bad)}; valid: {', '.join(CATEGORIES)}.")
    benches = [BUILTIN[n]() for n in wanted]
    have = {b.name for b in benches}
    for factory_name, factory in BUILTIN.items():
        if factory_name not in have and categories:
            bench = factory()
            if bench.category in categories:
                benches.append(bench)
    return benches


def public_suite(data_dir, adapters="all", hub: bool = False, matching_good=None, name: str = "public") -> Suite:
    from ethos.evals.adapters import discover

    found = discover(data_dir, adapters=adapters, hub=hub, matching_good=matching_good)
    return Suite(name=name, benchmarks=found.benchmarks, not_found=found.not_found)


def load_suite(spec: str, data_dir: str | Path | None = None, hub: bool = False) -> Suite:
    """Resolve ``--suite``: a built-in suite name or a YAML suite file."""
    if spec == "builtin":
        return Suite(name="builtin", benchmarks=builtin_benchmarks())
    if spec == "fast":
        return Suite(name="fast", benchmarks=builtin_benchmarks(FAST), limit=24)
    if spec == "public":
        if data_dir is None and not hub:
            raise UserError("--suite public needs --data-dir DIR (where the published files are) or --hub.")
        return public_suite(data_dir, hub=hub)
    path = Path(spec)
    if not path.exists():
        raise UserError(f"unknown suite '{spec}': not builtin, fast or public, and no such file; pass a suite name or a YAML file.")
    return suite_from_file(path, data_dir=data_dir, hub=hub)


def suite_from_file(path: Path, data_dir=None, hub: bool = False) -> Suite:
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        raise UserError(f"{where(path, None if line is None else line + 1)}: invalid YAML; fix the syntax.") from None
    if not isinstance(spec, dict):
        raise UserError(f"{path}: a suite file must be a mapping with keys {', '.join(sorted(SUITE_KEYS))}.")
    unknown = set(spec) - SUITE_KEYS
    if unknown:
        raise UserError(f"{where(path, field=sorted(unknown)[0])}: unknown key; valid keys: {', '.join(sorted(SUITE_KEYS))}.")
    benches: list[Benchmark] = []
    if spec.get("builtin") or spec.get("categories"):
        benches += builtin_benchmarks(spec.get("builtin") or [], spec.get("categories") or ())
    not_found: list[str] = []
    if spec.get("public"):
        root = data_dir or (path.parent / spec["data_dir"] if spec.get("data_dir") else None)
        if root is None and not spec.get("hub", hub):
            raise UserError(f"{where(path, field='public')}: public adapters need data_dir in the file or --data-dir.")
        public = public_suite(root, adapters=spec["public"], hub=spec.get("hub", hub), matching_good=spec.get("matching_good"))
        benches += public.benchmarks
        not_found = public.not_found
    limit = spec.get("limit")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise UserError(f"{where(path, field='limit')}: must be a positive integer, got {limit!r}.")
    return Suite(name=spec.get("name", path.stem), benchmarks=benches, not_found=not_found, limit=limit)
