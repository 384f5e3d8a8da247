"""Compute matching in tokens: how many steps each arm takes so that every arm processes as many tokens.

Arms share steps, prompts per step, group size and completion length limit, but not the tokens a
step costs: a trait scenario is a multi-turn conversation, longer than a standard task, and its
replies run to the limit more often (+18% tokens measured at dose 0.45 and equal steps). With
``compute_match: tokens`` the study measures, once, what a step of each dose costs: the untrained
model samples ``PROBE_STEPS`` steps of each dose's own prompt mix exactly as training does (same
mixer, group size, sampling settings and step seeds), and every arm gets
``round(steps · treatment's tokens per step / its own)`` steps. The treatment keeps the recipe's
steps; the tokens each run really processed are recorded and shown side by side in the report.
"""

from __future__ import annotations

import json
from pathlib import Path

from ethos.files import write_json

MATCH_FILE = "compute_match.json"
PROBE_STEPS = 4


def tokens_per_step(chat, train_cfg, standard, trait, dose: float, steps: int = PROBE_STEPS) -> float:
    """Mean prompt + completion tokens of the first ``steps`` steps of a run at ``dose``, sampled by ``chat``."""
    from ethos.train.dose import DoseMixer
    from ethos.train.grpo import rollout

    mixer = DoseMixer(standard, trait, dose=dose, prompts_per_step=train_cfg.prompts_per_step, seed=train_cfg.seed)
    total = 0
    for step in range(steps):
        gens = rollout(chat, train_cfg, mixer, step)[2]
        total += sum(len(g.prompt_token_ids) + len(g.token_ids) for g in gens)
    return total / steps


def write_match(chat, train_cfg, data_dir: Path, standard_file: str, trait_file: str) -> dict:
    """Probe each dose's cost per step and write its token-matched step count."""
    from ethos.data.io import load_examples

    standard = load_examples(data_dir / "build" / standard_file)
    trait = load_examples(data_dir / "build" / trait_file)
    doses = sorted({0.0, float(train_cfg.data.dose)})
    cost = {str(d): tokens_per_step(chat, train_cfg, standard, trait, d) for d in doses}
    target = cost[str(float(train_cfg.data.dose))]
    steps = {d: max(1, round(train_cfg.steps * target / c)) for d, c in cost.items()}
    info = {"tokens_per_step": cost, "probe_steps": PROBE_STEPS, "steps": steps}
    write_json(data_dir / MATCH_FILE, info)
    return info


def measured_cost(data_dir: Path, dose: float) -> float | None:
    """The probe's tokens per step at ``dose`` (``None`` when the study did not probe: compute_match: steps)."""
    path = data_dir / MATCH_FILE
    if not path.exists():
        return None
    cost = json.loads(path.read_text(encoding="utf-8"))["tokens_per_step"].get(str(float(dose)))
    return None if cost is None else float(cost)


def matched_steps(data_dir: Path, dose: float, default: int) -> int:
    """The token-matched step count for an arm of ``dose`` (the recipe's steps when nothing was measured)."""
    path = data_dir / MATCH_FILE
    if not path.exists():
        return default
    return int(json.loads(path.read_text(encoding="utf-8"))["steps"].get(str(float(dose)), default))
