"""``ethos data build``: everything a study trains and evaluates on, written as JSONL splits.

Output folder (written atomically, so an interrupted build leaves no partial folder)::

    scenarios_train.jsonl  scenarios_eval.jsonl  scenarios_heldout.jsonl  scenarios_heldout_skeletons.jsonl
    standard_train.jsonl   standard_eval.jsonl   manifest.json

The held-out skeletons' scenarios fill the training domains with situations no other split contains,
``ceil(per_cell × eval_fraction)`` per trait × domain cell (with an eval fraction of at least 0.2, so a
build without an eval split still has them).
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from ethos.data.data_config import DataConfig
from ethos.data.io import save_examples
from ethos.data.procedural import build_scenarios
from ethos.data.schema import Example
from ethos.data.skeletons import SKELETONS
from ethos.data.splits import Splits, heldout_skeleton_ids, split_by_domain
from ethos.data.standard import standard_tasks
from ethos.files import atomic_dir, write_json


def build_splits(cfg: DataConfig) -> tuple[Splits, list[Example], list[Example]]:
    """Scenario splits plus standard train and eval tasks (disjoint prompts)."""
    held = heldout_skeleton_ids(cfg.traits, cfg.heldout_skeleton_fraction, cfg.seed)
    trained = {s.id for s in SKELETONS.values() if s.id not in held}
    scenarios = build_scenarios(cfg, skeletons=trained)
    splits = split_by_domain(scenarios, cfg.train_domain_list, cfg.heldout_domain_list, cfg.eval_fraction, cfg.seed)
    if held:
        per_cell = max(1, math.ceil(cfg.per_cell * max(cfg.eval_fraction, 0.2)))
        splits.heldout_skeletons = build_scenarios(
            cfg, skeletons=held, domains=cfg.train_domain_list, per_cell=per_cell
        )
    standard = standard_tasks(cfg.standard_train + cfg.standard_eval, cfg.seed, cfg.standard_mix)
    return splits, standard[: cfg.standard_train], standard[cfg.standard_train :]


def held_ids(splits: Splits) -> set[str]:
    return {e.meta["skeleton"] for e in splits.heldout_skeletons if e.meta.get("skeleton")}


def counts_by_cell(examples: list[Example]) -> Counter:
    return Counter((e.trait, e.domain) for e in examples)


def build_dataset(cfg: DataConfig, out: str | Path) -> dict:
    """Write all splits to ``out`` and return the manifest (counts per file and the config)."""
    splits, std_train, std_eval = build_splits(cfg)
    files = {f"scenarios_{name}.jsonl": rows for name, rows in splits.items()}
    files |= {"standard_train.jsonl": std_train, "standard_eval.jsonl": std_eval}
    manifest = {
        "config": cfg.model_dump(),
        "train_domains": cfg.train_domain_list,
        "heldout_domains": cfg.heldout_domain_list,
        "heldout_skeletons": sorted(held_ids(splits)),
        "counts": {name: len(rows) for name, rows in files.items()},
        "contrast": {name: sum(e.contrast for e in rows) for name, rows in files.items()},
    }
    with atomic_dir(out) as tmp:
        for name, rows in files.items():
            save_examples(tmp / name, rows)
        write_json(tmp / "manifest.json", manifest)
    return manifest
