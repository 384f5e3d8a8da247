"""The study's training data and what each run saw: pin the data, and read back each run's curves.

All runs train from one pinned copy of the data splits (``data/build/``, from the recipe's ``data:``
section), so re-running a stage, or reading the run months later, sees exactly the prompts that were
used. A generalization arm is the treatment with a domain selection applied to that trait stream
(:class:`ethos.data.domain_select.DomainSelection`); everything else — steps, prompts per step, group
size, seed — is shared, which is what makes the arms comparable. Each run's ``metrics.jsonl`` gives
the curves per prompt source and the prompts and skeletons it saw. How an arm trains is its kind's
(:mod:`ethos.experiments.kinds`).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ethos.experiments.kinds import TRAIT_FILE
from ethos.experiments.study_config import ModelRun
from ethos.files import read_jsonl_tolerant
from ethos.report.results import TrainingCurve
from ethos.train.arms import Arm


def build_data(data_cfg, arms: dict[str, Arm], data_dir: Path) -> dict:
    """Build the data splits into ``data_dir`` and count what the trait reward can see (rubric lines without a
    code check are skipped by the rule grader) and what each arm with a domain selection trains on."""
    from ethos.data.build import build_dataset
    from ethos.data.io import load_examples

    manifest = build_dataset(data_cfg, data_dir / "build")
    trait = load_examples(data_dir / "build" / TRAIT_FILE)
    lines = [line for e in trait for line in e.rubric]
    counts = dict(manifest["counts"]) | {
        "trait_train_by_domain": dict(Counter(e.domain for e in trait)),
        "trait_train_skeletons": len({e.meta.get("skeleton") for e in trait}),
        "rubric_lines": len(lines),
        "rubric_lines_without_check": sum(line.check is None for line in lines),
    }
    for name, arm in arms.items():
        if arm.domains is not None:
            counts[f"trait-{name}"] = sum(arm.domains.keeps(e) for e in trait)
    return counts


def _series(rows: list[dict], key: str) -> list[float | None]:
    return [r.get(key) for r in rows]


LINE_BINS = 3  # per-line learning curves: the run cut into thirds (a line is seen a few times per step at most)


def _kind_pass(rows: list[dict]) -> dict[str, list[float | None]]:
    prefix = "line_pass/trait/"
    kinds = sorted({k.removeprefix(prefix) for r in rows for k in r if k.startswith(prefix)})
    return {kind: [r.get(prefix + kind) for r in rows] for kind in kinds}


def _line_pass(rows: list[dict], kinds: dict[str, str]) -> dict[str, list[float | None]]:
    """Pass rate of every trait rubric line in each third of the run (``None`` where it was not seen)."""
    tallies: dict[str, list[list[float]]] = {}
    for pos, r in enumerate(rows):
        b = min(pos * LINE_BINS // max(len(rows), 1), LINE_BINS - 1)
        for key, (passed, n) in (r.get("lines") or {}).items():
            if key.startswith("trait:"):
                cell = tallies.setdefault(key.removeprefix("trait:"), [[0.0, 0] for _ in range(LINE_BINS)])[b]
                cell[0] += passed
                cell[1] += n
    return {
        f"{key} ({kinds.get(key, '?')})": [p / n if n else None for p, n in bins]
        for key, bins in sorted(tallies.items())
    }


def _reward_hist(rows: list[dict]) -> dict[str, list[list[int]]]:
    out: dict[str, list[list[int]]] = {}
    half = len(rows) // 2
    for pos, r in enumerate(rows):
        for key, counts in r.items():
            if key.startswith("reward_hist/"):
                hist = out.setdefault(key.removeprefix("reward_hist/"), [[0] * len(counts), [0] * len(counts)])
                hist[pos >= half] = [a + b for a, b in zip(hist[pos >= half], counts)]
    return out


def line_kinds(trait_file: Path) -> dict[str, str]:
    """Check kind of every trait rubric line, by line key (``none`` when the line has no code check)."""
    from ethos.data.io import load_examples
    from ethos.train.metrics import line_key

    if not trait_file.exists():
        return {}
    return {
        line_key(e, i): line.check.kind if line.check is not None else "none"
        for e in load_examples(trait_file)
        for i, line in enumerate(e.rubric)
    }


def training_curve(
    run: ModelRun, arm_dir: Path, skeletons_total: int | None = None, kinds: dict[str, str] | None = None
) -> TrainingCurve:
    """Per-step reward, zero-variance groups and adapter norm per prompt source, plus what the run saw."""
    rows = read_jsonl_tolerant(arm_dir / "metrics.jsonl")
    meta = json.loads((arm_dir / "run.json").read_text(encoding="utf-8")) if (arm_dir / "run.json").exists() else {}
    compute = meta.get("compute", {})
    seen = Counter()
    skeletons: set[str] = set()
    for r in rows:
        seen["standard"] += r.get("prompts/standard", 0)
        seen["trait"] += r.get("prompts/trait", 0)
        skeletons |= set(r.get("skeletons") or [])
    traits = sorted({k.removeprefix("reward/trait/") for r in rows for k in r if k.startswith("reward/trait/")})
    tokens = compute.get("prompt_tokens", 0) + compute.get("completion_tokens", 0) if compute else None
    return TrainingCurve(
        arm=run.arm,
        seed=run.seed,
        steps=[r["step"] for r in rows],
        reward_standard=_series(rows, "reward/standard"),
        reward_trait=_series(rows, "reward/trait"),
        zero_variance_standard=_series(rows, "zero_variance_groups/standard"),
        zero_variance_trait=_series(rows, "zero_variance_groups/trait"),
        adapter_norm=_series(rows, "adapter_norm"),
        entropy=_series(rows, "entropy"),
        kl=_series(rows, "kl"),
        kind_pass=_kind_pass(rows),
        line_pass=_line_pass(rows, kinds or {}),
        reward_hist=_reward_hist(rows),
        prompts_seen=dict(seen),
        traits_seen=traits,
        skeletons_seen=len(skeletons),
        skeletons_total=skeletons_total,
        dose=meta.get("dose"),
        dtype=meta.get("dtype"),
        cpu=meta.get("cpu"),
        tokens=tokens,
        seconds=compute.get("seconds"),
    )
