"""Evaluate the study's models, and turn their per-item records into comparisons and domain transfer.

Every model (pre, and each trained arm at each seed) is evaluated on the headline suite (published
benchmarks with independent graders) and on a secondary panel (the built-in benchmarks, whose
generation graders share checks with the training rewards and are reported apart). Each model is
also run on held-out prompts of both training streams, graded by the training graders themselves:
the diagnostic that shows whether RL improved its own objective at all.

Every statistic starts from the per-item records the eval runner writes, so a comparison can always
be recomputed from disk. Comparisons pool an arm's seeds (:mod:`ethos.evals.compare`); the
generalization matrix is training set × the *domain of the evaluation item* (health, science,
other), plus the trait scenarios of domains no arm trained on.
"""

from __future__ import annotations

from pathlib import Path

from ethos.evals.benchmark import Benchmark
from ethos.evals.domains import DOMAIN_GROUPS
from ethos.evals.effects import delta, region_contrast, scores_from_records
from ethos.evals.eval_run import EvalRun, RunLike
from ethos.evals.overlap import overlap
from ethos.evals.suites import Suite
from ethos.report.results import GeneralizationCell, HeldoutRow
from ethos.train.arms import BASELINE, PRE

STREAMS = {
    "standard": "standard",
    "trait": "trait (training domains)",
    "heldout": "trait (held-out domains)",
    "skeletons": "trait (held-out skeletons)",
    "contrast": "trait contrast items (blanket behaviour is wrong)",
}
HELDOUT_STREAMS = ("heldout", "skeletons")  # the streams that claim to be held out of training
# Above this share of 8-word n-grams found in training text a stream is not called held out. The shared
# n-grams of a new situation are the pressure sentences and domain fillers every scenario draws from
# (~20% measured for held-out skeletons); the eval split, new fillers in trained situations, shares ~60%.
MAX_HELDOUT_OVERLAP = 0.30


def heldout_suite(data_dir: Path, settings) -> Suite:
    """Held-out prompts of both streams as three generation benchmarks graded by the training (rule) grader."""
    from ethos.data.io import load_examples
    from ethos.evals.runner import select

    build = data_dir / "build"
    sources = {
        "standard": ("standard_eval.jsonl", settings.standard),
        "trait": ("scenarios_eval.jsonl", settings.trait),
        "heldout": ("scenarios_heldout.jsonl", settings.heldout_domains),
        "skeletons": ("scenarios_heldout_skeletons.jsonl", settings.skeletons),
        "contrast": ("scenarios_eval.jsonl", settings.contrast),
    }
    benches = []
    for name, (file, n) in sources.items():
        pool = load_examples(build / file) if n and (build / file).exists() else []
        if name == "contrast":
            pool = [e for e in pool if e.contrast]
        items = select(pool, n) if n else []
        if items:
            benches.append(
                Benchmark(
                    name=f"heldout.{name}",
                    category="training_reward",
                    kind="gen",
                    items=items,
                    max_new_tokens=settings.max_new_tokens,
                    source="ethos",
                    good=f"higher = more training reward on held-out {STREAMS[name]} prompts",
                )
            )
    return Suite(name="heldout", benchmarks=benches)


def heldout_overlap(suite: Suite, data_dir: Path) -> dict[str, float]:
    """Per held-out stream: the share of its distinct 8-word n-grams that occur in any training text."""
    from ethos.experiments.coupling import training_pool

    by_bench = {o.benchmark: o.fraction for o in overlap(suite.benchmarks, training_pool(data_dir))}
    return {name: by_bench[f"heldout.{name}"] for name in STREAMS if f"heldout.{name}" in by_bench}


def stream_label(name: str, overlap_share: float | None) -> tuple[str, bool | None]:
    """The stream's name in results, and whether it may be called held out."""
    if name not in HELDOUT_STREAMS or overlap_share is None:
        return STREAMS[name], None
    if overlap_share <= MAX_HELDOUT_OVERLAP:
        return STREAMS[name], True
    return (
        f"{STREAMS[name][:-1]}, not held out: {overlap_share:.0%} of its 8-grams are in training text, limit "
        f"{MAX_HELDOUT_OVERLAP:.0%})",
        False,
    )


def heldout_rows(model_dirs: dict[str, list[RunLike]], *, overlaps: dict[str, float] | None = None) -> list[HeldoutRow]:
    """Per stream and arm: mean training reward on held-out prompts, and its change vs pre and vs the baseline."""
    scores = {arm: [scores_from_records(EvalRun.of(d).records()) for d in dirs] for arm, dirs in model_dirs.items()}
    overlaps = overlaps or {}
    rows = []
    for name in STREAMS:
        bench = [f"heldout.{name}"]
        label, held_out = stream_label(name, overlaps.get(name))
        for arm, runs in scores.items():
            values = [v for run in runs for (b, _), v in run.items() if b == bench[0] and v is not None]
            if not values:
                continue
            row = HeldoutRow(
                stream=label,
                model=arm,
                seeds=len(runs),
                mean=sum(values) / len(values),
                ngram_overlap=overlaps.get(name),
                held_out=held_out,
            )
            if arm != PRE and PRE in scores:
                row.vs_pre = delta(scores[PRE], runs, benchmarks=bench, fixed_a=True)[0]
            if arm not in (PRE, BASELINE) and BASELINE in scores:
                row.vs_baseline = delta(scores[BASELINE], runs, benchmarks=bench)[0]
            rows.append(row)
    return rows


def _by_group(records: list[dict]) -> dict[str, dict]:
    """Scores per evaluation domain, every benchmark's items pooled into one (so items, not benchmarks, weigh)."""
    out: dict[str, dict] = {g: {} for g in DOMAIN_GROUPS}
    for r in records:
        out.setdefault(r.get("domain") or "other", {})[("pooled", f"{r['benchmark']}/{r['item']}")] = r["score"]
    return out


def _all(groups: dict[str, dict]) -> dict:
    return {k: v for scores in groups.values() for k, v in scores.items()}


def generalization_cells(
    baseline: list[RunLike],
    arms: dict[str, list[RunLike]],
    headline: list[str],
    heldout_baseline: list[RunLike],
    heldout_arms: dict[str, list[RunLike]],
    in_domain: dict[str, set[str]] | None = None,
) -> list[GeneralizationCell]:
    """Training set × evaluation domain: the paired change vs the baseline on headline items of that domain
    (seeds pooled, every item weighing the same), plus the held-out-domain trait scenarios graded by the trait
    reward; for an arm trained on some domains only (``in_domain``: its evaluation domains), the in-domain minus
    out-of-domain change, tested directly."""
    base = [_by_group(EvalRun.of(d).records(headline)) for d in baseline]
    cells = []
    for label, dirs in arms.items():
        runs = [_by_group(EvalRun.of(d).records(headline)) for d in dirs]
        for group in DOMAIN_GROUPS:
            e, p = delta([b[group] for b in base], [r[group] for r in runs])
            if e.n:
                cells.append(GeneralizationCell(label, group, e, p))
        inside = (in_domain or {}).get(label)
        if inside:
            owner = {k: g for r in [*base, *runs] for g, scores in r.items() for k in scores}
            e, p = region_contrast([_all(b) for b in base], [_all(r) for r in runs], lambda k: owner[k] in inside)
            if e.n:
                outside = " + ".join(g for g in DOMAIN_GROUPS if g not in inside)
                cells.append(
                    GeneralizationCell(label, f"in − out of domain ({' + '.join(sorted(inside))} − {outside})", e, p)
                )
        if label in heldout_arms and heldout_baseline:
            e, p = delta(
                [scores_from_records(EvalRun.of(d).records(["heldout.heldout"])) for d in heldout_baseline],
                [scores_from_records(EvalRun.of(d).records(["heldout.heldout"])) for d in heldout_arms[label]],
            )
            if e.n:
                cells.append(GeneralizationCell(label, "held-out domains (trait reward)", e, p))
    return cells
