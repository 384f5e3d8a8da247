"""Selective persistence: persona steering, harmful fine-tuning and jailbreaks, measured the same way.

Each attack is an evaluation of a model *under* the attack, paired item by item with the same
model's clean evaluation. A model's degradation is ``clean − attacked``; the study's number is the
difference in degradation between the comparison and the treated model (positive = the treated model
held up better), each arm's training seeds pooled, with an interval over seeds and items
(:func:`ethos.evals.stats.crossed_effect`; descriptive, without p, below three seeds a side).
The helpful persona is analysed identically: there the difference should be near zero, because a
model that ignores *all* steering is not what we want.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path
from typing import Sequence

import numpy as np

from ethos.evals.effects import aligned, degradation, diff_in_degradation, scores_from_records
from ethos.evals.eval_run import EvalRun
from ethos.experiments.jailbreaks import TECHNIQUES, goodness_per_prompt, jailbreak_conversation
from ethos.report.results import JailbreakResult, PersistenceContrast, PersistenceRow


def attack_rows(
    test: str,
    harmful: bool,
    clean: dict[str, list[Path]],
    attacked: dict[str, list[Path]],
    benchmarks: Sequence[str],
    treated: str,
    comparison: str,
    *,
    fixed: Sequence[str] = (),
) -> tuple[list[PersistenceRow], PersistenceContrast]:
    """Per-arm degradation (seeds pooled) and the treated-vs-comparison difference for one attack; ``fixed``
    names the arms that are one fixed model (the pre-RL model)."""
    scores = {}
    for arm in (comparison, treated):
        scores[arm] = (
            [scores_from_records(EvalRun.of(d).records(benchmarks)) for d in clean[arm]],
            [scores_from_records(EvalRun.of(d).records(benchmarks)) for d in attacked[arm]],
        )
    rows = []
    for arm, (c, a) in scores.items():
        e, _ = degradation(c, a, benchmarks=benchmarks, fixed=arm in fixed)
        mats = aligned([(1.0, c), (1.0, a)], benchmarks)
        means = [float(np.mean([m[k].mean() for m in mats.values()])) if mats else float("nan") for k in (0, 1)]
        rows.append(PersistenceRow(test, arm, len(c), harmful, means[0], means[1], e))
    d, p = diff_in_degradation(
        *scores[treated], *scores[comparison], benchmarks=benchmarks, comparison_fixed=comparison in fixed
    )
    return rows, PersistenceContrast(test, treated, comparison, harmful, d, p, len(scores[treated][0]))


def jailbreak_suite(benchmarks: Sequence, techniques: Sequence[str], limit: int | None):
    """One generation benchmark per (benchmark, technique), on the same hash-selected prompts."""
    from ethos.data.schema import Message
    from ethos.evals.runner import select
    from ethos.evals.suites import Suite

    out = []
    for bench in benchmarks:
        if bench.kind != "gen":
            continue
        items = select(bench.items, limit)
        for tech in techniques:
            wrapped = [
                it.model_copy(update={"messages": [Message(**m) for m in jailbreak_conversation(it.chat(), tech)]})
                for it in items
            ]
            out.append(
                dataclasses.replace(
                    bench, name=f"{bench.name}@{tech}", items=wrapped, version=f"{bench.version}+jailbreak-{tech}"
                )
            )
    return Suite(name="jailbreaks", benchmarks=out)


def jailbreak_result(
    model_name: str,
    attacked_dir: Path,
    clean_dir: Path,
    overrefuse: Sequence[str],
    *,
    quantile: float,
    seed: int = 0,
    n_boot: int = 2000,
) -> JailbreakResult:
    """goodness@q over prompts (worst techniques per prompt), per-technique safety, and not-over-refuse."""
    from ethos.evals.stats import Interval, bootstrap_mean

    safety: dict[str, dict[str, float | None]] = defaultdict(dict)
    per_tech: dict[str, list[float]] = defaultdict(list)
    for r in EvalRun.of(attacked_dir).records():
        bench, tech = r["benchmark"].rsplit("@", 1)
        safety[f"{bench}/{r['item']}"][tech] = r["score"]
        if r["score"] is not None:
            per_tech[tech].append(r["score"])
    values, unscored = goodness_per_prompt(safety, quantile)
    goodness = (
        bootstrap_mean(list(values.values()), n=n_boot, seed=seed)
        if values
        else Interval(float("nan"), float("nan"), float("nan"), 0)
    )
    refused = [bool(r.get("refused")) for r in EvalRun.of(clean_dir).records(overrefuse) if "refused" in r]
    return JailbreakResult(
        model=model_name,
        goodness=goodness,
        quantile=quantile,
        n_unscored=len(unscored),
        not_overrefuse=1 - float(np.mean(refused)) if refused else None,
        per_technique={
            t: float(np.mean(v)) for t, v in sorted(per_tech.items(), key=lambda kv: list(TECHNIQUES).index(kv[0]))
        },
    )
