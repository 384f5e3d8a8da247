"""Run a suite of benchmarks on one model: per-item records, a summary, a cache, and resume.

The output folder is an :class:`ethos.evals.eval_run.EvalRun` (per-item records and a summary).

Results are cached by (model content hash, benchmark fingerprint, settings) in an append-only log
under ``$ETHOS_HOME/eval-cache``: each chunk of items is appended as soon as it is scored, so an
interrupted run resumes where it stopped and a repeated run costs nothing. Output files are only
ever written atomically, from the log.

``--limit`` picks items by a hash of their id (not the first N), so a limited run still spans every
template of a combinatorial benchmark, and two models limited the same way see the same items.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ethos.evals.benchmark import Benchmark
from ethos.evals.eval_run import EvalRun
from ethos.evals.model_hash import model_hash
from ethos.evals.scoring import generate_replies, grade_replies, grader_label, score_mc
from ethos.evals.suites import Suite
from ethos.evals.summary import summarize_benchmark
from ethos.files import append_jsonl, read_jsonl_tolerant
from ethos.models.cache import ethos_home
from ethos.progress import Bar

CHUNK = {"mc": 96, "gen": 64}


@dataclass
class SuiteResult:
    out_dir: Path
    summary: dict
    records: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def run(self) -> EvalRun:
        return EvalRun(self.out_dir)

    @property
    def benchmarks(self) -> dict[str, dict]:
        return self.summary["benchmarks"]


def select(items: Sequence, limit: int | None) -> list:
    if limit is None or limit >= len(items):
        return list(items)
    key = lambda it: hashlib.sha256(it.id.encode()).hexdigest()
    chosen = set(id(it) for it in sorted(items, key=key)[:limit])
    return [it for it in items if id(it) in chosen]


RECORD_VERSION = 4  # bumped when a record's fields or meaning change, so older cached records are not reused


def settings_key(system: str | None, prefix_turns: Sequence[dict] | None, grader: str) -> str:
    blob = json.dumps(
        {"system": system, "prefix": list(prefix_turns or []), "grader": grader, "records": RECORD_VERSION},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def cache_root() -> Path:
    return ethos_home() / "eval-cache"


@dataclass(eq=False)
class _Plan:
    """One benchmark of a suite run: its selected items, its append-only log, and what the log already holds."""

    bench: Benchmark
    log_path: Path
    items: list
    done: dict[str, dict]

    @property
    def todo(self) -> list:
        return [it for it in self.items if it.id not in self.done]

    def add(self, records: list[dict]) -> None:
        for rec in records:
            append_jsonl(self.log_path, rec)
            self.done[rec["item"]] = rec

    def records(self) -> list[dict]:
        return [self.done[it.id] for it in self.items]


def _plan(bench: Benchmark, log_path: Path, limit: int | None) -> _Plan:
    return _Plan(bench, log_path, select(bench.items, limit), {r["item"]: r for r in read_jsonl_tolerant(log_path)})


def run_benchmark(
    model,
    bench: Benchmark,
    log_path: Path,
    *,
    system=None,
    prefix_turns=None,
    limit: int | None = None,
    grader=None,
    on_chunk=None,
) -> list[dict]:
    """Score the selected items of one benchmark, reusing and extending the append-only log."""
    plan = _plan(bench, log_path, limit)
    _score_plans(model, [plan], system, prefix_turns, grader, on_chunk or (lambda n, label: None))
    return plan.records()


def _score_plans(model, plans: list[_Plan], system, prefix_turns, grader, tick) -> None:
    """Score every unscored item: multiple-choice benchmarks one by one (options share a pass), generation items of
    all benchmarks together, so short and long replies share batches instead of each benchmark decoding alone."""
    for plan in plans:
        if plan.bench.kind == "mc":
            todo = plan.todo
            for start in range(0, len(todo), CHUNK["mc"]):
                chunk = todo[start : start + CHUNK["mc"]]
                plan.add(score_mc(model, plan.bench, chunk, system, prefix_turns))
                tick(len(chunk), plan.bench.name)
    pending = [(plan, it) for plan in plans if plan.bench.kind == "gen" for it in plan.todo]
    for start in range(0, len(pending), CHUNK["gen"]):
        chunk = pending[start : start + CHUNK["gen"]]
        gens = generate_replies(model, [(plan.bench, it) for plan, it in chunk], system, prefix_turns)
        for plan in dict.fromkeys(plan for plan, _ in chunk):
            rows = [(it, g) for (p, it), g in zip(chunk, gens) if p is plan]
            plan.add(grade_replies(plan.bench, [it for it, _ in rows], [g for _, g in rows], grader))
        tick(len(chunk), ", ".join(dict.fromkeys(plan.bench.name for plan, _ in chunk)))


def run_suite(
    model,
    suite: Suite,
    out_dir: str | Path,
    *,
    system: str | None = None,
    prefix_turns: Sequence[dict] | None = None,
    limit: int | None = None,
    grader=None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
) -> SuiteResult:
    """Evaluate ``model`` on every benchmark of ``suite``; write records and a summary to ``out_dir``.

    ``system`` applies a system-prompt persona; ``prefix_turns`` applies a demonstrated persona
    (earlier turns placed before every item). ``grader`` grades generation benchmarks that do not
    bring their own (default: the rule grader), e.g. an LLM judge.
    """
    out_dir = Path(out_dir)
    run = EvalRun(out_dir)
    limit = limit if limit is not None else suite.limit
    mhash, basis = model_hash(model)
    root = Path(cache_dir) if cache_dir else cache_root()
    started = time.time()
    records: dict[str, list[dict]] = {}
    rows: dict[str, dict] = {}
    total = sum(len(select(b.items, limit)) for b in suite.benchmarks)
    plans = []
    for bench in suite.benchmarks:
        key = settings_key(system, prefix_turns, grader_label(bench, grader))
        plans.append(_plan(bench, root / mhash / f"{bench.name}-{bench.fingerprint()}-{key}.jsonl", limit))
    with Bar(total, "eval", enabled=progress) as bar:  # a bar on a terminal, a line per benchmark in a log

        def tick(n: int, label: str) -> None:
            bar.advance(n, label=f"eval {label}")

        tick(sum(len(p.items) - len(p.todo) for p in plans), "cached")
        _score_plans(model, plans, system, prefix_turns, grader, tick)
    for plan in plans:
        recs = plan.records()
        run.write_records(plan.bench.name, recs)
        records[plan.bench.name] = recs
        rows[plan.bench.name] = summarize_benchmark(plan.bench, recs)
    from ethos.models.dtypes import dtype_name
    from ethos.models.hardware import describe

    dtype = getattr(model, "dtype", None)
    summary = {
        "model": getattr(model, "name", "model"),
        "model_hash": mhash,
        "hash_basis": basis,
        "dtype": dtype_name(dtype) if dtype is not None else None,
        "cpu": describe(),
        "suite": suite.name,
        "grader": getattr(grader, "name", "rule"),
        "system": system,
        "prefix_turns": list(prefix_turns or []),
        "limit": limit,
        "not_found": suite.not_found,
        "seconds": round(time.time() - started, 1),
        "benchmarks": rows,
    }
    run.write_summary(summary)
    return SuiteResult(out_dir=out_dir, summary=summary, records=records)
