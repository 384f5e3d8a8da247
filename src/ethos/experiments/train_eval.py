"""Evaluation during training that is not the training reward (``train.eval_every: N``).

Every N steps (and after the last) the policy answers two small, fixed sets, greedily, and their means
join that step's metrics (``metrics.jsonl`` and every tracker of ``train.report_to``), beside the
training reward — so a run whose reward climbs while its held-out behaviour falls shows it as it runs:

- ``eval/heldout_skeletons``: trait scenarios of situations no arm trains on (the held-out skeletons),
  graded by their own rubric lines — the reward's kind of grading, on what training never saw;
- ``eval/<benchmark>``: the first ``train.eval_items`` items (hash-selected) of each of
  ``train.eval_benchmarks`` from the published suite, each graded by its own published grader, which
  shares nothing with the rewards.

The items are chosen once, before training, so every evaluation scores the same ones.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from ethos.data.schema import Example
from ethos.errors import UserError
from ethos.train.rl_config import RLConfig

SKELETONS_FILE = "scenarios_heldout_skeletons.jsonl"


def heldout_skeletons(data_dir: Path | None, recipe: str | Path | None) -> list[Example]:
    """The held-out-skeleton scenarios: a study's pinned file, else built from the recipe's ``data:`` section."""
    if data_dir is not None and (data_dir / "build" / SKELETONS_FILE).is_file():
        from ethos.data.io import load_examples

        return load_examples(data_dir / "build" / SKELETONS_FILE)
    from ethos.data import build_splits, load_data_config
    from ethos.data.data_config import DataConfig

    cfg = load_data_config(recipe) if recipe else DataConfig()
    return build_splits(cfg)[0].heldout_skeletons


def evaluator(cfg: RLConfig, skeletons: list[Example]) -> Callable[[object], dict[str, float]]:
    """The function the trainer calls every ``eval_every`` steps with its policy's chat model."""
    from ethos.evals.benchmark import Benchmark
    from ethos.evals.runner import select
    from ethos.evals.scoring import score_items
    from ethos.evals.suites import load_suite

    published = {b.name: b for b in load_suite("public").benchmarks}
    missing = [n for n in cfg.eval_benchmarks if n not in published]
    if missing:
        raise UserError(
            f"train.eval_benchmarks names {', '.join(map(repr, missing))}, not in the published suite "
            f"(available: {', '.join(published)})."
        )
    sets = [(b, select(b.items, cfg.eval_items)) for b in (published[n] for n in cfg.eval_benchmarks)]
    held = select(skeletons, cfg.eval_items)
    if held:
        bench = Benchmark(
            name="heldout_skeletons",
            category="training_reward",
            kind="gen",
            items=held,
            max_new_tokens=cfg.max_new_tokens,
            source="ethos",
            good="higher = more rubric lines met on situations no arm trains on",
        )
        sets.insert(0, (bench, held))

    def run(chat) -> dict[str, float]:
        started, out = time.perf_counter(), {}
        for bench, items in sets:
            scores = [r["score"] for r in score_items(chat, bench, items) if r.get("score") is not None]
            if scores:
                out[f"eval/{bench.name}"] = sum(scores) / len(scores)
        out["seconds_eval"] = time.perf_counter() - started
        return out

    return run
