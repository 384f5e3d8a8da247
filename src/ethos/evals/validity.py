"""Instrument validity: a benchmark that cannot move cannot show a win.

For every benchmark of a suite, on one model:

(a) **position** — at chance (multiple choice), at floor, at ceiling, or in range (plain run);
(b) **steerability** — the paired delta between a good-behaviour and a bad-behaviour persona
    (``good - bad``; positive is the expected direction), its bootstrap p-value and the
    Benjamini–Hochberg q-value across benchmarks. A benchmark is *sensitive* when the delta is
    positive with q < 0.05;
(c) **grader separation** (generation benchmarks) — the shipped known-good and known-bad reference
    replies are graded; separation is mean(good) - mean(bad) and ``ordered`` is the share of pairs
    where the good reply scores higher.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from ethos.data.schema import Example
from ethos.evals.benchmark import Benchmark
from ethos.evals.personas import Persona, get_persona
from ethos.evals.runner import run_suite
from ethos.evals.scoring import rule_grader
from ethos.evals.stats import bh, paired_test
from ethos.evals.suites import Suite
from ethos.files import write_json

ALPHA = 0.05


@dataclass
class ValidityRow:
    benchmark: str
    category: str
    kind: str
    position: str
    mean_plain: float | None
    mean_good: float | None
    mean_bad: float | None
    persona_delta: float | None
    p: float | None
    q: float | None = None
    sensitive: bool = False
    separation: float | None = None
    ordered: float | None = None


@dataclass
class ValidityReport:
    rows: list[ValidityRow]
    good: str
    bad: str
    limit: int | None

    @property
    def n_sensitive(self) -> int:
        return sum(r.sensitive for r in self.rows)

    @property
    def n_wrong_way(self) -> int:
        """Benchmarks the bad persona significantly *improved*: a warning about the benchmark or the personas."""
        return sum(
            r.persona_delta is not None and r.persona_delta < 0 and r.q is not None and r.q < ALPHA for r in self.rows
        )

    def to_json(self) -> dict:
        return {
            "good": self.good,
            "bad": self.bad,
            "limit": self.limit,
            "n_benchmarks": len(self.rows),
            "n_sensitive": self.n_sensitive,
            "n_wrong_way": self.n_wrong_way,
            "rows": [asdict(r) for r in self.rows],
        }


def separation(bench: Benchmark) -> tuple[float, float] | None:
    """(mean good - mean bad, share of reference pairs ordered correctly) for a gen benchmark's references."""
    if bench.kind != "gen" or not bench.references:
        return None
    by_id: dict[str, Example] = {it.id: it for it in bench.items}
    grader = bench.scorer or rule_grader()
    refs = [r for r in bench.references if r.item_id in by_id]
    examples = [by_id[r.item_id] for r in refs]
    good = [g.score for g in grader.grade_many(examples, [r.good for r in refs])]
    bad = [g.score for g in grader.grade_many(examples, [r.bad for r in refs])]
    pairs = [(g, b) for g, b in zip(good, bad) if g is not None and b is not None]
    if not pairs:
        return None
    return (sum(g - b for g, b in pairs) / len(pairs), sum(g > b for g, b in pairs) / len(pairs))


def _scores(records: list[dict]) -> dict[str, float]:
    return {r["item"]: r["score"] for r in records if r["score"] is not None}


def _persona_run(model, suite: Suite, out: Path, persona: Persona, form: str, **kw):
    return run_suite(model, suite, out, **persona.steering(form), **kw)


def validate(
    model,
    suite: Suite,
    out_dir: str | Path,
    *,
    good: str = "good",
    bad: str = "bad",
    form: str = "both",
    limit: int | None = None,
    cache_dir=None,
    progress: bool = True,
    seed: int = 0,
) -> ValidityReport:
    """Run the suite plain and under both personas; write ``validity.json``; return the report."""
    out_dir = Path(out_dir)
    kw = {"limit": limit, "cache_dir": cache_dir, "progress": progress}
    plain = run_suite(model, suite, out_dir / "plain", **kw)
    runs = {name: _persona_run(model, suite, out_dir / name, get_persona(name), form, **kw) for name in (good, bad)}
    rows = []
    for bench in suite.benchmarks:
        summary = plain.benchmarks[bench.name]
        g, b = _scores(runs[good].records[bench.name]), _scores(runs[bad].records[bench.name])
        ids = [i for i in g if i in b]
        row = ValidityRow(
            bench.name,
            bench.category,
            bench.kind,
            summary["position"],
            summary["mean"],
            runs[good].benchmarks[bench.name]["mean"],
            runs[bad].benchmarks[bench.name]["mean"],
            None,
            None,
        )
        if ids:
            ci, row.p = paired_test([b[i] for i in ids], [g[i] for i in ids])  # one model, two personas
            row.persona_delta = ci.value
        sep = separation(bench)
        if sep:
            row.separation, row.ordered = sep
        rows.append(row)
    tested = [r for r in rows if r.p is not None]
    for row, q in zip(tested, bh([r.p for r in tested])):
        row.q = q
        row.sensitive = row.persona_delta > 0 and q < ALPHA
    report = ValidityReport(rows=rows, good=good, bad=bad, limit=limit if limit is not None else suite.limit)
    write_json(out_dir / "validity.json", report.to_json())
    return report
