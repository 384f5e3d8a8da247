"""Train one arm: :func:`train_arm` checks everything cheap before the model loads (the config's problems,
the grader names and both prompt streams), trains with the native GRPO or TRL, and writes ``run.json``
with the arm, its dose, its dtype and CPU, and the compute it used (steps, prompt and completion tokens,
seconds), which is what a study compares to show the arms were compute-matched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import torch

from ethos.errors import UserError
from ethos.files import write_json
from ethos.grade.rewards import Reward
from ethos.grade.types import Grader
from ethos.train.arms import ARMS, Arm
from ethos.train.dose import DoseMixer
from ethos.train.grpo import NativeGRPO, Totals, TrainResult
from ethos.train.rl_config import BACKENDS, RLConfig, check_train_config
from ethos.train.streams import load_stream


def build_graders(cfg: RLConfig, arm: Arm) -> dict[str, Grader]:
    """Graders for each prompt source of this arm, by the names in ``train.rewards``."""
    from ethos.grade import grader_by_name

    r = cfg.rewards
    names = {"standard": r.standard, "trait": getattr(r, arm.trait_reward)}
    return {
        source: grader_by_name(
            name,
            judge=r.judge_model,
            judge_base_url=r.judge_base_url,
            judge_timeout=r.judge_timeout,
            judge_concurrency=r.judge_concurrency,
        )
        for source, name in names.items()
    }


def arm_train_config(cfg: RLConfig, arm: Arm) -> RLConfig:
    """``cfg`` as this arm trains it: its domain selection applied to the trait stream."""
    if arm.domains is None:
        return cfg
    data = cfg.data.model_copy(update={"domains": arm.domains.domains, "exclude": arm.domains.exclude})
    return cfg.model_copy(update={"data": data})


def mixer_for(cfg: RLConfig, arm: Arm, recipe: str | Path | None = None) -> DoseMixer:
    d, dose = cfg.data, arm.dose(cfg.data.dose)
    standard = load_stream(d.standard, d, recipe=recipe) if dose < 1 else []
    trait = load_stream(d.trait, d, recipe=recipe) if dose > 0 and d.trait else []
    return DoseMixer(standard, trait, dose=dose, prompts_per_step=cfg.prompts_per_step, seed=cfg.seed)


def record_run(
    out_dir: Path, cfg: RLConfig, arm: Arm, backend: str, final: Path, totals: Totals, graders: dict[str, str]
) -> None:
    from ethos.models.dtypes import dtype_name, parse_dtype
    from ethos.models.hardware import describe

    write_json(
        out_dir / "run.json",
        {
            "arm": arm.name,
            "backend": backend,
            "dtype": dtype_name(parse_dtype(cfg.dtype)),
            "cpu": describe(),
            "dose": arm.dose(cfg.data.dose),
            "graders": graders,
            "final": str(final),
            "compute": vars(totals),
            "matched_on": {k: getattr(cfg, k) for k in ("steps", "batch_size", "group_size", "max_new_tokens", "seed")}
            | {"prompts_per_step": cfg.prompts_per_step},
            "config": cfg.model_dump(),
        },
    )


def train_arm(
    cfg: RLConfig,
    arm: str | Arm,
    out_dir: str | Path,
    *,
    backend: str = "native",
    recipe: str | Path | None = None,
    graders: Mapping[str, Grader] | None = None,
    chat=None,
    progress: bool = True,
    evaluator=None,
) -> TrainResult:
    """Train ``arm`` into ``out_dir`` (resuming if it holds checkpoints); ``final`` is an HF folder.

    ``graders`` maps prompt source (``standard``, ``trait``) to a grader and overrides the names in
    the config; ``recipe`` is the YAML file whose ``data:`` section builds named prompt streams;
    ``chat`` is an already-loaded ``LocalChatModel`` to train in place; ``evaluator`` is called every
    ``train.eval_every`` steps with the policy (:func:`ethos.experiments.train_eval.evaluator`).
    """
    out_dir = Path(out_dir)
    spec = arm if isinstance(arm, Arm) else ARMS.get(arm)
    if spec.kind not in ("none", "rl"):
        raise UserError(f"arm '{spec.name}' trains by the {spec.kind} pipeline, not by RL; run it with `ethos run`.")
    cfg = arm_train_config(cfg, spec)
    if backend not in BACKENDS:
        raise UserError(f"unknown backend '{backend}'; use one of: {', '.join(BACKENDS)}.")
    check_train_config(cfg)
    if not spec.trains:
        from ethos.models import resolve

        ref = resolve(cfg.model)
        if ref.path is None:
            raise UserError(f"the pre arm needs a local model; '{cfg.model}' is a remote endpoint.")
        record_run(out_dir, cfg, spec, backend, ref.path, Totals(), {})
        return TrainResult(final=ref.path, totals=Totals())
    mixer = mixer_for(cfg, spec, recipe)
    reward = Reward(graders or build_graders(cfg, spec))
    if backend == "trl":
        from ethos.train.trl_backend import train_trl

        if cfg.warm_start is not None:
            raise UserError("train.warm_start runs with the native backend only; remove it or use backend: native.")
        if cfg.eval_every:
            raise UserError("train.eval_every runs with the native backend only; set it to 0 or use backend: native.")

        result = train_trl(cfg, mixer, reward, out_dir, chat=chat)
    else:
        torch.manual_seed(cfg.seed)
        from ethos.train.policy import build_policy, load_policy_model

        policy = build_policy(load_policy_model(cfg, chat), cfg.lora, seed=cfg.seed, kl_coef=cfg.kl_coef)
        result = NativeGRPO(
            cfg, policy, reward, mixer, out_dir, arm=spec.name, progress=progress, evaluator=evaluator
        ).train()
    record_run(
        out_dir, cfg, spec, backend, result.final, result.totals, {src: g.name for src, g in reward.graders.items()}
    )
    return result
