"""Is the instrument independent of what was trained? Checked inside every study run.

Two kinds of coupling would let a treated model "win" without any trait generalizing: an evaluation
item that repeats training text (8-word n-grams of every benchmark item against every training
prompt: the trait scenarios, the standard tasks and any LLM-written scenarios in the run's data), and
a benchmark whose grader is the training reward (shared checks, phrase lists or labeled data). The
report lists both per benchmark; only benchmarks with an independent grader enter the headline.
"""

from __future__ import annotations

from pathlib import Path

from ethos.evals.overlap import overlap, training_texts
from ethos.report.results import CouplingRow


def training_pool(data_dir: Path) -> list[str]:
    """Every message of every prompt any arm of the run trains on."""
    from ethos.data.io import load_examples

    files = sorted((data_dir / "build").glob("*_train.jsonl")) + sorted(data_dir.glob("*.jsonl"))
    return [t for f in files for t in training_texts(load_examples(f))]


def coupling_rows(benchmarks, data_dir: Path) -> list[CouplingRow]:
    by_name = {o.benchmark: o for o in overlap(benchmarks, training_pool(data_dir))}
    return [
        CouplingRow(b.name, b.grader, b.independent, by_name[b.name].fraction, list(by_name[b.name].examples))
        for b in benchmarks
    ]
