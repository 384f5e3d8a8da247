"""The study's training runs: pin the data, train each (arm, seed), and read back what each run saw.

All runs train from one pinned copy of the data splits (``data/build/``, from the recipe's ``data:``
section), so re-running a stage, or reading the run months later, sees exactly the prompts that were
used. A generalization arm is the treatment recipe with trait data whose *content* is about some
domains only (``data/trait-gen_<name>.jsonl``): a scenario's domain and its skeleton's topic both
count, so "all but health" drops a crisis conversation even when a law firm's details fill it.
Everything else — steps, prompts per step, group size, seed — is shared, which is what makes the arms
comparable. Each run's ``metrics.jsonl`` gives the curves per prompt source and the prompts and
skeletons it saw.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ethos.data.splits import content_domains
from ethos.experiments.study_config import DomainSet, ModelRun, StudyConfig
from ethos.files import read_jsonl_tolerant
from ethos.report.results import TrainingCurve

GEN_PREFIX = "gen_"
TRAIT_FILE = "scenarios_train.jsonl"
STANDARD_FILE = "standard_train.jsonl"


def domain_filter(ds: DomainSet):
    """A predicate on scenarios for one generalization arm."""
    if ds.domains is not None:
        keep = set(ds.domains)
        return lambda e: bool(content_domains(e) & keep)
    drop = set(ds.exclude or [])
    return lambda e: not content_domains(e) & drop


def domain_label(name: str, ds: DomainSet) -> str:
    if ds.label:
        return ds.label
    if ds.domains is not None:
        return " + ".join(ds.domains) + " only"
    return "all but " + " + ".join(ds.exclude or [])


def build_data(data_cfg, study: StudyConfig, data_dir: Path) -> dict:
    """Build the data splits into ``data_dir``, write each generalization arm's trait subset, and count what
    the trait reward can see (rubric lines without a code check are skipped by the rule grader)."""
    from ethos.data.build import build_dataset
    from ethos.data.io import load_examples, save_examples

    manifest = build_dataset(data_cfg, data_dir / "build")
    trait = load_examples(data_dir / "build" / TRAIT_FILE)
    lines = [line for e in trait for line in e.rubric]
    counts = dict(manifest["counts"]) | {
        "trait_train_by_domain": dict(Counter(e.domain for e in trait)),
        "trait_train_skeletons": len({e.meta.get("skeleton") for e in trait}),
        "rubric_lines": len(lines),
        "rubric_lines_without_check": sum(line.check is None for line in lines),
    }
    for name, ds in study.generalization.items():
        keep = domain_filter(ds)
        counts[f"trait-{GEN_PREFIX}{name}"] = save_examples(
            data_dir / f"trait-{GEN_PREFIX}{name}.jsonl", [e for e in trait if keep(e)]
        )
    return counts


def arm_config(train_cfg, run: ModelRun, data_dir: Path):
    """The train config for one (arm, seed), reading the pinned streams from the run directory, with the
    arm's token-matched step count when the study measured one (:mod:`ethos.experiments.compute_match`)."""
    from ethos.experiments.compute_match import matched_steps
    from ethos.train.arms import ARMS

    gen = run.arm.startswith(GEN_PREFIX)
    trait_file = data_dir / f"trait-{run.arm}.jsonl" if gen else data_dir / "build" / TRAIT_FILE
    data = train_cfg.data.model_copy(
        update={"standard": str(data_dir / "build" / STANDARD_FILE), "trait": str(trait_file)}
    )
    dose = ARMS.get("treatment" if gen else run.arm).dose(train_cfg.data.dose)
    steps = matched_steps(data_dir, dose, train_cfg.steps)
    return train_cfg.model_copy(update={"data": data, "seed": run.seed, "steps": steps})


def train_run(train_cfg, run: ModelRun, data_dir: Path, out_dir: Path, *, backend: str = "native") -> Path:
    """Train one (arm, seed) (a generalization arm trains as ``treatment``); return its final HF folder."""
    from ethos.train.arms import train_arm

    base_arm = "treatment" if run.arm.startswith(GEN_PREFIX) else run.arm
    result = train_arm(arm_config(train_cfg, run, data_dir), base_arm, out_dir, backend=backend)
    return Path(result.final)


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
