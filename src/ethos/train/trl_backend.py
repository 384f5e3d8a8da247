"""The same GRPO recipe through TRL's ``GRPOTrainer``, for GPUs (accelerate, DeepSpeed, vLLM).

Nothing new to learn: the dataset is the dose mixer's prompts laid out step after step (TRL's
sampler is told not to shuffle, so each optimizer step sees exactly the prompts the native loop
would), and the reward is the same :class:`~ethos.grade.rewards.Reward`, reached through a
TRL-signature callable (``prompts, completions, **columns -> list[float | None]``). ``None`` stays
unscored in TRL too (it becomes NaN and is excluded from the group baseline).

Settings map one to one: ``group_size → num_generations``, ``batch_size → generation_batch_size``,
``micro_batch_size → per_device_train_batch_size`` (with the matching gradient accumulation),
``max_new_tokens → max_completion_length``, ``clip_eps → epsilon``, ``kl_coef → beta``,
``iterations → num_iterations``, ``loss_aggregation sequence|token → loss_type grpo|dapo``,
``scale_rewards true|false → group|none``. TRL's group std is the sample std (ddof=1); the native
loop uses the population std (see :mod:`ethos.train.objective`).

Multi-GPU: one process per GPU. ``batch_size`` stays the global number of completions per step
(so arms trained on different hardware still match); each process takes ``micro_batch_size`` at a
time and gradient accumulation covers the rest, so ``batch_size`` must be a multiple of
``micro_batch_size × processes``::

    accelerate launch --num_processes 8 -m ethos train \\
        --config configs/paper.yaml --arm treatment --backend trl --out runs/paper/treatment

Add ``--config_file zero2.yaml`` (an accelerate DeepSpeed config) for models that do not fit one
GPU. Anything else TRL offers goes through ``train.trl_args`` verbatim, e.g. vLLM generation::

    trl vllm-serve --model <model> &     # on a spare GPU
    # recipe:  train: {trl_args: {use_vllm: true, vllm_mode: server}}

``trl_args`` affects only the TRL backend; keep it identical across the arms of one study.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import torch

from ethos.errors import UserError
from ethos.grade.rewards import Reward, RewardError
from ethos.models.dtypes import parse_dtype
from ethos.train.checkpoint import export_hf_atomic
from ethos.train.dose import DoseMixer
from ethos.train.grpo import Totals, TrainResult
from ethos.train.metrics import reward_breakdown
from ethos.train.rl_config import RLConfig


def trl_dataset(cfg: RLConfig, mixer: DoseMixer):
    """One row per prompt, in step order: ``prompt`` (chat), ``example_id``, ``source``."""
    from datasets import Dataset

    rows = []
    for step in range(cfg.steps):
        batch = mixer.prompts(step)
        for ex, source in zip(batch.examples, batch.sources):
            rows.append({"prompt": ex.chat(), "example_id": ex.id, "source": source})
    return Dataset.from_list(rows)


class TRLReward:
    """The native loop's :class:`~ethos.grade.rewards.Reward`, as TRL calls it; also counts completion tokens
    and keeps each batch's reward breakdown for the run's log."""

    def __init__(self, reward: Reward, mixer: DoseMixer, cfg: RLConfig):
        examples = {ex.id: ex for step in range(cfg.steps) for ex in mixer.prompts(step).examples}
        self.completion_tokens = 0
        self.log: list[dict] = []
        self.function = reward.for_trl(examples, on_batch=self._record)

    def _record(self, scores, sources, examples, completion_ids) -> None:
        self.completion_tokens += sum(len(ids) for ids in completion_ids or [])
        self.log.append(reward_breakdown(scores, sources, [ex.trait for ex in examples]))


def accumulation(cfg: RLConfig) -> int:
    """Gradient-accumulation steps so that all processes together see ``batch_size`` completions."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    per_pass = cfg.micro_batch_size * world
    if cfg.batch_size % per_pass:
        raise UserError(
            f"train.batch_size {cfg.batch_size} is not a multiple of micro_batch_size x processes "
            f"({cfg.micro_batch_size} x {world}); adjust one of them."
        )
    return cfg.batch_size // per_pass


def trl_args(cfg: RLConfig, out_dir: Path):
    import trl

    args = dict(
        output_dir=str(out_dir / "trl"),
        max_steps=cfg.steps,
        per_device_train_batch_size=cfg.micro_batch_size,
        gradient_accumulation_steps=accumulation(cfg),
        generation_batch_size=cfg.batch_size,
        num_generations=cfg.group_size,
        max_completion_length=cfg.max_new_tokens,
        temperature=cfg.temperature,
        top_p=cfg.top_p,
        learning_rate=cfg.lr,
        lr_scheduler_type="cosine" if cfg.lr_schedule == "cosine" else "constant_with_warmup",
        warmup_steps=cfg.warmup_steps,
        weight_decay=cfg.weight_decay,
        max_grad_norm=cfg.max_grad_norm or 0.0,
        epsilon=cfg.clip_eps,
        beta=cfg.kl_coef,
        num_iterations=cfg.iterations,
        loss_type="grpo" if cfg.loss_aggregation == "sequence" else "dapo",
        scale_rewards="group" if cfg.scale_rewards else "none",
        shuffle_dataset=False,
        seed=cfg.seed,
        bf16=parse_dtype(cfg.dtype) == torch.bfloat16,
        use_cpu=not torch.cuda.is_available(),
        save_strategy="steps" if cfg.checkpoint_every else "no",
        save_steps=cfg.checkpoint_every or 1,
        save_total_limit=cfg.keep_checkpoints,
        logging_steps=1,
        report_to=[t for t in cfg.report_to if t != "none"] or "none",  # TRL's own trackers, the same setting
        disable_tqdm=False,
    )
    # Off: TRL's GPU-memory default recomputes activations, and the native loop does not recompute either
    # (newer transformers renamed the field).
    fields = getattr(trl.GRPOConfig, "__dataclass_fields__", {})
    args["activation_checkpointing" if "activation_checkpointing" in fields else "gradient_checkpointing"] = False
    return trl.GRPOConfig(**(args | cfg.trl_args))


def build_trl_trainer(cfg: RLConfig, mixer: DoseMixer, reward: Reward, out_dir: Path, *, chat=None):
    """A ready ``trl.GRPOTrainer`` and its reward adapter (used by the backend and the benchmark)."""
    import trl

    from ethos.train.policy import load_policy_model, lora_config

    chat = load_policy_model(cfg, chat)
    if not torch.cuda.is_available():
        # On a CPU, eager attention's backward beats the fused SDPA kernel's for RL's short sequences (bench/grpo.py:
        # TRL 10.2 s/step eager vs 11.2 s sdpa); on GPUs the default (SDPA / flash) stays.
        chat.model.set_attn_implementation("eager")
    adapter = TRLReward(reward, mixer, cfg)
    trainer = trl.GRPOTrainer(
        model=chat.model,
        reward_funcs=[adapter.function],
        args=trl_args(cfg, out_dir),
        train_dataset=trl_dataset(cfg, mixer),
        processing_class=chat.tokenizer,
        peft_config=None if cfg.lora is None else lora_config(cfg.lora, chat.model.config.num_hidden_layers),
    )
    return trainer, adapter


def train_trl(cfg: RLConfig, mixer: DoseMixer, reward: Reward, out_dir: Path, *, chat=None) -> TrainResult:
    from transformers.trainer_utils import get_last_checkpoint

    out_dir = Path(out_dir)
    trainer, adapter = build_trl_trainer(cfg, mixer, reward, out_dir, chat=chat)
    resume = get_last_checkpoint(str(out_dir / "trl")) if (out_dir / "trl").is_dir() else None
    t0 = time.perf_counter()
    try:
        trainer.train(resume_from_checkpoint=resume)
    except RewardError as e:
        raise UserError(
            f"{e}; the TRL run stopped; its last checkpoint under {out_dir / 'trl'} is intact and re-running the same "
            f"command resumes it."
        ) from e
    seconds = time.perf_counter() - t0
    final = export_hf_atomic(trainer.model, trainer.processing_class, out_dir / "final")
    totals = Totals(steps=int(trainer.state.global_step), completion_tokens=adapter.completion_tokens, seconds=seconds)
    return TrainResult(final=final, totals=totals, metrics=list(trainer.state.log_history))
