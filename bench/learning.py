"""Which GRPO recipe teaches the trait reward? Held-out-skeleton gain per CPU-minute, per recipe variant.

Each variant is the treatment arm of a study recipe (default: ``configs/default.yaml``) with a few
``train:`` keys changed. It is trained at every seed on the recipe's own data, then evaluated on
scenarios of skeletons no arm trains on (the study's ``trait (held-out skeletons)`` stream), graded
by the rule grader of the recipe and, with ``--graders``, by others too (so that a more sensitive
grader cannot make the gain by itself). Printed per variant: training CPU-minutes per seed (median),
held-out-skeleton reward, its gain over the untrained model with an interval over seeds and items
(``ethos.evals.stats.crossed_effect``; with fewer than three seeds it is conditional on the seeds that ran),
gain per CPU-minute, and what training saw (trait reward in the first and last
quarter of the run, the share of trait groups without reward variance). Runs resume: a finished
(variant, seed) is read back from ``--out``; its training resumes from its last checkpoint. One CPU job
at a time: run nothing else heavy while it measures.

    python bench/learning.py [--config configs/default.yaml] [--variants default,group8] [--seeds 0 1]
                             [--items 48] [--graders rule,graded] [--out runs/learning]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
from pathlib import Path

from ethos.data.io import load_examples
from ethos.evals.benchmark import Benchmark
from ethos.evals.effects import delta, scores_from_records
from ethos.evals.runner import run_suite, select
from ethos.evals.suites import Suite
from ethos.files import read_jsonl_tolerant, write_json
from ethos.models.hardware import describe

# train: keys each variant changes (nested keys merge into the recipe's section)
VARIANTS: dict[str, dict] = {
    "default": {},
    "group8": {"group_size": 8, "batch_size": 32, "micro_batch_size": 32},
    "group16": {"group_size": 16, "batch_size": 64, "micro_batch_size": 32},
    "lr3e-3": {"lr": 3.0e-3},
    "lr3e-4": {"lr": 3.0e-4},
    "lora_all": {"lora": {"top_layers": None}},
    "lora_middle": {"lora": {"top_layers": None, "layers": list(range(11, 19))}},  # 8 of 30, centred
    "full_ft": {"lora": None, "lr": 2.0e-5},
    "rank64": {"lora": {"rank": 64, "alpha": 64}},
    "passes2": {"iterations": 2},
    "steps2x": {"steps": 36},
    "steps4x": {"steps": 72},
    # learnability probes, not arms: every prompt a trait prompt, at the recipe's steps and at 4x
    "trait_only": {"data": {"dose": 1.0}},
    "trait_only_steps4x": {"data": {"dose": 1.0}, "steps": 72},
    "trait_only_steps4x_graded": {"data": {"dose": 1.0}, "steps": 72, "rewards": {"trait": "graded"}},
    "kl0.05": {"kl_coef": 0.05},
    "graded": {"rewards": {"trait": "graded"}},
    "no_std_scale": {"scale_rewards": False},
    "token_loss": {"loss_aggregation": "token"},
    "warm_start": {"warm_start": {"prompts": 32, "best_of": 8}},
    "reference_start": {"warm_start": {"source": "reference", "prompts": 64, "epochs": 2}},
}


def merged(base: dict, change: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def heldout_suite(build: Path, items: int, max_new_tokens: int) -> Suite:
    rows = select(load_examples(build / "scenarios_heldout_skeletons.jsonl"), items)
    bench = Benchmark(
        name="heldout.skeletons",
        category="training_reward",
        kind="gen",
        items=rows,
        max_new_tokens=max_new_tokens,
        source="ethos",
        good="higher = more trait reward on situations never trained on",
    )
    return Suite(name="heldout", benchmarks=[bench])


def evaluate(model_path: str, suite: Suite, out: Path, graders: list[str]) -> dict[str, dict]:
    from ethos.grade import grader_by_name
    from ethos.models import load_model

    model = load_model(model_path)
    scores = {}
    for name in graders:
        result = run_suite(model, suite, out / name, grader=grader_by_name(name), progress=False)
        scores[name] = scores_from_records(result.records["heldout.skeletons"])
    return scores


def training_summary(arm_dir: Path) -> dict:
    rows = read_jsonl_tolerant(arm_dir / "metrics.jsonl")
    run = json.loads((arm_dir / "run.json").read_text())
    trait = [r["reward/trait"] for r in rows if r.get("reward/trait") is not None]
    q = max(1, len(trait) // 4)
    flat = [r["zero_variance_groups/trait"] for r in rows if "zero_variance_groups/trait" in r]
    c = run["compute"]
    return {
        "seconds": c["seconds"],
        "tokens": c["prompt_tokens"] + c["completion_tokens"],
        "trait_first_quarter": statistics.fmean(trait[:q]) if trait else None,
        "trait_last_quarter": statistics.fmean(trait[-q:]) if trait else None,
        "zero_variance_trait": statistics.fmean(flat) if flat else None,
    }


def run_variant(name: str, seed: int, recipe, build: Path, out: Path, suite: Suite, graders: list[str]) -> dict:
    from ethos.train.arm_training import train_arm
    from ethos.train.rl_config import RLConfig

    done = out / "result.json"
    if done.exists():
        row = json.loads(done.read_text())
        missing = [g for g in graders if g not in row["scores"]]
        if missing:  # a finished run graded by fewer graders: grade its model by the rest
            final = json.loads((out / "train" / "run.json").read_text())["final"]
            row["scores"] |= _plain(evaluate(final, suite, out / "eval", missing))
            write_json(done, row)
        return row
    raw = merged(recipe["train"], VARIANTS[name])
    raw["data"] = merged(raw.get("data", {}), {"standard": str(build / "standard_train.jsonl")})
    raw["data"]["trait"] = str(build / "scenarios_train.jsonl")
    raw["seed"] = seed
    cfg = RLConfig.model_validate(raw)
    result = train_arm(cfg, "treatment", out / "train", progress=sys.stderr.isatty())
    scores = evaluate(str(result.final), suite, out / "eval", graders)
    row = {"variant": name, "seed": seed, **training_summary(out / "train"), "scores": _plain(scores)}
    write_json(done, row)
    return row


def _plain(scores: dict[str, dict]) -> dict[str, dict[str, float | None]]:
    return {g: {item: v for (_, item), v in s.items()} for g, s in scores.items()}


def _keyed(plain: dict[str, float | None]) -> dict[tuple[str, str], float | None]:
    return {("heldout.skeletons", item): v for item, v in plain.items()}


def report(rows: list[dict], pre: dict[str, dict], graders: list[str]) -> list[str]:
    lines = []
    head = "| variant | seeds | CPU-min / seed | trait reward q1 → q4 | zero-var trait | "
    head += " | ".join(f"held-out ({g}) | gain vs pre ({g}) | gain / CPU-min" for g in graders) + " |"
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    for name in dict.fromkeys(r["variant"] for r in rows):
        mine = [r for r in rows if r["variant"] == name]
        minutes = statistics.median(r["seconds"] for r in mine) / 60
        q1 = statistics.fmean(r["trait_first_quarter"] for r in mine if r["trait_first_quarter"] is not None)
        q4 = statistics.fmean(r["trait_last_quarter"] for r in mine if r["trait_last_quarter"] is not None)
        zv = statistics.fmean(r["zero_variance_trait"] for r in mine if r["zero_variance_trait"] is not None)
        cells = [name, str(len(mine)), f"{minutes:.1f}", f"{q1:.3f} → {q4:.3f}", f"{zv:.0%}"]
        for g in graders:
            runs = [_keyed(r["scores"][g]) for r in mine]
            mean = statistics.fmean(v for run in runs for v in run.values() if v is not None)
            gain, _ = delta([_keyed(pre[g])], runs, fixed_a=True)
            cells += [
                f"{mean:.3f}",
                f"{gain.value:+.3f} ({gain.low:+.3f}, {gain.high:+.3f})",
                f"{gain.value / minutes:+.3f}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> None:
    import yaml

    from ethos.data.build import build_dataset
    from ethos.data.data_config import DataConfig

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="configs/default.yaml")
    ap.add_argument("--variants", default="default,group8", help=f"comma-separated; known: {', '.join(VARIANTS)}")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--items", type=int, default=48, help="held-out-skeleton scenarios evaluated")
    ap.add_argument("--graders", default="rule", help="comma-separated grader names the held-out items are graded by")
    ap.add_argument("--n-boot", type=int, default=2000)
    ap.add_argument("--out", default="runs/learning")
    a = ap.parse_args(argv)
    unknown = [v for v in a.variants.split(",") if v not in VARIANTS]
    if unknown:
        ap.error(f"unknown variant '{unknown[0]}'; known: {', '.join(VARIANTS)}")
    recipe = yaml.safe_load(Path(a.config).read_text())
    out = Path(a.out)
    build = out / "data" / "build"
    if not (build / "manifest.json").exists():
        build_dataset(DataConfig.model_validate(recipe.get("data", {})), build)
    graders = a.graders.split(",")
    tokens = (recipe.get("heldout") or {}).get("max_new_tokens", 48)
    suite = heldout_suite(build, a.items, tokens)
    print(f"cpu: {describe()}; recipe {a.config}; {a.items} held-out-skeleton items; graders {graders}", flush=True)
    pre = _plain(evaluate(recipe.get("model", "smollm2-135m-instruct"), suite, out / "pre", graders))
    rows = []
    for name in a.variants.split(","):
        for seed in a.seeds:
            row = run_variant(name, seed, recipe, build, out / name / f"s{seed}", suite, graders)
            rows.append(row)
            print(f"{name} seed {seed}: {row['seconds'] / 60:.1f} CPU-min, {row['tokens']} tokens", flush=True)
    print("\n".join(report(rows, pre, graders)))


if __name__ == "__main__":
    main()
