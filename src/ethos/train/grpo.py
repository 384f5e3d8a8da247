"""Native GRPO, built for small models on a CPU and for runs that must be resumable and comparable.

Why not TRL's ``GRPOTrainer`` here: on a CPU its step is dominated by ``model.generate`` and
framework overhead. This loop samples through the fast engine (``LocalChatModel.generate``, LoRA
merged into packed weights), then does a single batched forward/backward over prompt +
completion. TRL remains available as a backend (:mod:`ethos.train.trl_backend`) for GPUs.

One step:
  1. the dose mixer picks ``P`` prompts (a pure function of seed and step);
  2. each is sampled ``G`` times with a per-step seed (so a resumed step samples identically);
  3. the reward router grades every completion (``None`` = unscored: counted, masked out);
  4. group-normalized advantages and the clipped objective (:mod:`ethos.train.objective`),
     gradient-accumulated over micro-batches with whole-batch normalizers;
  5. optimizer + LR-schedule step, then ``refresh()`` so the engine re-reads the weights.

The "old" log-probs of the PPO ratio are the trainer's own, computed under the rollout weights:
with one pass per batch that is the detached current value (ratio exactly 1, no extra forward);
with ``iterations > 1`` a no-grad forward before the first update. The engine's sampling log-probs
come from a differently fused kernel, so they are logged as a diagnostic (``engine_logprob_gap``)
rather than used in the ratio, where kernel noise would masquerade as policy change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ethos.errors import UserError
from ethos.grade.rewards import Reward, RewardError
from ethos.models.types import SamplingParams
from ethos.train.arms import TREATMENT
from ethos.train.checkpoint import latest_checkpoint, load_checkpoint, publish, remove_partial, save_checkpoint
from ethos.train.dose import DoseMixer
from ethos.train.metrics import MetricsLog, line_breakdown, reward_breakdown, reward_histogram
from ethos.train.objective import group_advantages, normalizer, policy_loss
from ethos.train.policy import Policy, adapter_norm, completion_mask, grouped_logprobs, pack, token_logprobs
from ethos.train.progress import StepProgress
from ethos.train.rl_config import RLConfig
from ethos.train.schedule import lr_lambda


@dataclass
class Totals:
    """Compute actually spent, recorded so arms can be checked for compute matching."""

    steps: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def add(self, prompt_tokens: int, completion_tokens: int, seconds: float) -> None:
        self.steps += 1
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        self.seconds += seconds


@dataclass
class TrainResult:
    final: Path
    totals: Totals
    metrics: list[dict] = field(default_factory=list)


def step_seed(seed: int, step: int) -> int:
    return (seed * 1_000_003 + step * 7_919) % (2**31 - 1)


def sampling_params(cfg: RLConfig, seed: int) -> SamplingParams:
    """How a training rollout samples (the recipe's length limit, temperature and top-p) with ``seed``."""
    return SamplingParams(max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, top_p=cfg.top_p, seed=seed)


def rollout(chat, cfg: RLConfig, mixer: DoseMixer, step: int):
    """Step ``step``'s prompts from ``mixer``, each sampled ``group_size`` times by ``chat`` with the step's seed:
    (examples, sources, generations), one entry per completion."""
    batch = mixer.prompts(step)
    g = cfg.group_size
    examples = [ex for ex in batch.examples for _ in range(g)]
    sources = [s for s in batch.sources for _ in range(g)]
    gens = chat.generate([ex.chat() for ex in examples], sampling_params(cfg, step_seed(cfg.seed, step)))
    return examples, sources, gens


class NativeGRPO:
    def __init__(
        self,
        cfg: RLConfig,
        policy: Policy,
        router: Reward,
        mixer: DoseMixer,
        out_dir: Path,
        *,
        arm: str = TREATMENT,
        progress: bool = True,
        evaluator=None,
    ):
        self.cfg, self.policy, self.router, self.mixer = cfg, policy, router, mixer
        self.evaluator = evaluator  # called every cfg.eval_every steps with the policy (ethos.experiments.train_eval)
        self.out_dir, self.arm, self.show_progress = Path(out_dir), arm, progress
        params = list(policy.trainable().values())
        self.optimizer = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lr_lambda(cfg.lr_schedule, cfg.steps * cfg.iterations, cfg.warmup_steps * cfg.iterations)
        )
        from ethos.train.trackers import open_trackers

        trackers = open_trackers(cfg.report_to, self.out_dir, f"{arm}-{self.out_dir.name}", cfg.model_dump(mode="json"))
        self.metrics = MetricsLog(self.out_dir / "metrics.jsonl", trackers=trackers)
        self.totals = Totals()
        self.start_step = 0

    @property
    def checkpoint_root(self) -> Path:
        return self.out_dir / "checkpoints"

    # ------------------------------------------------------------------ run
    def resume(self) -> int:
        """Continue from the newest complete checkpoint, if any; return the next step."""
        remove_partial(self.checkpoint_root)
        folder = latest_checkpoint(self.checkpoint_root)
        if folder is None:
            self.metrics.truncate(0)
            return 0
        state = load_checkpoint(folder, self.policy.module)
        if state["step"] > self.cfg.steps:
            raise UserError(
                f"{folder} is past train.steps ({self.cfg.steps}); use a new --out or at least {state['step']} steps."
            )
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.totals = Totals(**state["totals"])
        if state["streams"] != self.mixer.positions(state["step"]):
            raise UserError(
                f"{folder} was written with a different data stream (positions {state['streams']}); use a new --out "
                f"or the original config."
            )
        self.policy.chat.refresh()
        self.metrics.truncate(state["step"])
        return state["step"]

    def checkpoint(self, done: int, final: bool = False) -> Path:
        state = {
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "streams": self.mixer.positions(done),
            "totals": vars(self.totals),
            "arm": self.arm,
        }
        tok = self.policy.chat.tokenizer
        return save_checkpoint(
            self.checkpoint_root, done, self.policy.module, tok, state, final=final, keep=self.cfg.keep_checkpoints
        )

    def train(self) -> TrainResult:
        cfg = self.cfg
        self.start_step = self.resume()
        if cfg.warm_start is not None and self.start_step == 0:
            from ethos.train.warm_start import warm_start

            info = warm_start(self)
            self.totals.prompt_tokens += info["prompt_tokens"]
            self.totals.completion_tokens += info["completion_tokens"]
            self.totals.seconds += info["seconds"]
        with StepProgress(cfg.steps, f"GRPO ({self.arm})", enabled=self.show_progress, done=self.start_step) as bar:
            for step in range(self.start_step, cfg.steps):
                try:
                    row = self.step(step)
                except RewardError as e:
                    last = latest_checkpoint(self.checkpoint_root)
                    kept = f"the last checkpoint ({last}) is intact" if last else "no checkpoint was written yet"
                    raise UserError(
                        f"step {step}: {e}; the run stopped and {kept}; fix the grader or data and re-run the same "
                        f"command to resume."
                    ) from e
                done = step + 1
                if self.evaluator is not None and cfg.eval_every and (done % cfg.eval_every == 0 or done == cfg.steps):
                    row |= self.evaluator(self.policy.chat)
                self.metrics.write(row)
                bar.advance(row)
                if done == cfg.steps or (cfg.checkpoint_every and done % cfg.checkpoint_every == 0):
                    self.checkpoint(done, final=done == cfg.steps)
        self.metrics.close()
        final = publish(latest_checkpoint(self.checkpoint_root) / "model", self.out_dir / "final")
        return TrainResult(final=final, totals=self.totals, metrics=self.metrics.rows())

    # ------------------------------------------------------------------ one step
    def rollout(self, step: int):
        return rollout(self.policy.chat, self.cfg, self.mixer, step)

    def step(self, step: int) -> dict:
        cfg = self.cfg
        t0 = time.perf_counter()
        examples, sources, gens = self.rollout(step)
        t_gen = time.perf_counter() - t0
        judged = self.router.judge_counts()
        grades = self.router.grades(examples, sources, [g.text for g in gens])
        judged = {f"judge/{k}": v - judged.get(k, 0) for k, v in self.router.judge_counts().items()}
        rewards = [g.score for g in grades]
        adv, use = group_advantages(rewards, cfg.group_size, scale=cfg.scale_rewards)
        t_reward = time.perf_counter() - t0 - t_gen
        stats = self.optimize(gens, torch.tensor(adv), torch.tensor(use, dtype=torch.float32))
        self.policy.chat.refresh(trainable_only=True)
        seconds = time.perf_counter() - t0
        prompt_tokens = sum(len(g.prompt_token_ids) for g in gens)
        completion_tokens = sum(len(g.token_ids) for g in gens)
        self.totals.add(prompt_tokens, completion_tokens, seconds)
        g = cfg.group_size
        flat = [len({r for r in rewards[i : i + g] if r is not None}) <= 1 for i in range(0, len(rewards), g)]
        group_sources = sources[::g]
        return {
            "step": step,
            "arm": self.arm,
            **reward_breakdown(rewards, sources, [ex.trait for ex in examples]),
            "prompts/standard": group_sources.count("standard"),
            "prompts/trait": group_sources.count("trait"),
            "trait_prompts": group_sources.count("trait"),
            "skeletons": sorted({ex.meta.get("skeleton") for ex in examples[::g] if ex.meta.get("skeleton")}),
            "zero_variance_groups": sum(flat),
            # per source, the fraction of its groups whose rewards were all equal (no learning signal)
            **{
                f"zero_variance_groups/{src}": sum(f for f, s2 in zip(flat, group_sources) if s2 == src)
                / group_sources.count(src)
                for src in dict.fromkeys(group_sources)
            },
            **reward_histogram(rewards, sources),
            **line_breakdown(examples, sources, grades),
            "adapter_norm": adapter_norm(self.policy.module),
            **stats,
            "completion_len": completion_tokens / len(gens),
            "truncated": sum(g.finish_reason == "length" for g in gens),
            "lr": self.scheduler.get_last_lr()[0],
            "seconds": seconds,
            "seconds_generate": t_gen,
            "seconds_reward": t_reward,
            "tokens_per_s": (prompt_tokens + completion_tokens) / seconds,
            **judged,  # this step's LLM-judge calls, retries and unscored replies (none with code graders)
            "completion_tokens_per_s": completion_tokens / seconds,
        }

    def optimize(self, gens, adv: torch.Tensor, use: torch.Tensor) -> dict:
        cfg = self.cfg
        micro = [
            list(range(i, min(i + cfg.micro_batch_size, len(gens)))) for i in range(0, len(gens), cfg.micro_batch_size)
        ]
        full_mask = completion_mask([g.token_ids for g in gens])
        norm = normalizer(full_mask, use)
        old = self._fixed_logprobs(gens, micro, reference=False) if cfg.iterations > 1 else None
        ref = self._fixed_logprobs(gens, micro, reference=True) if cfg.kl_coef > 0 else None
        acc = {"loss": 0.0, "clip_frac_sum": 0.0, "kl_sum": 0.0, "tokens": 0.0, "entropy_sum": 0.0, "gap_sum": 0.0}
        grad_norm = 0.0
        for it in range(cfg.iterations):
            for j, idx in enumerate(micro):
                logp, mask, ent = self._logprobs(self.policy.module, gens, idx, entropy=it == 0)
                old_logp = logp.detach() if old is None else old[j]
                loss, st = policy_loss(
                    logp,
                    old_logp,
                    adv[idx],
                    mask,
                    use[idx],
                    norm,
                    clip_eps=cfg.clip_eps,
                    kl_coef=cfg.kl_coef,
                    ref_logp=None if ref is None else ref[j],
                    aggregation=cfg.loss_aggregation,
                )
                loss.backward()
                if it == 0:
                    acc["loss"] += float(loss.detach())
                    acc["entropy_sum"] += float((ent * mask).sum())
                    acc["gap_sum"] += self._engine_gap(logp.detach(), mask, [gens[i] for i in idx])
                    for k in ("clip_frac_sum", "kl_sum", "tokens"):
                        acc[k] += st[k]
            if cfg.max_grad_norm is not None:
                grad_norm = float(
                    torch.nn.utils.clip_grad_norm_(self.optimizer.param_groups[0]["params"], cfg.max_grad_norm)
                )
            self.optimizer.step()
            self.scheduler.step()
            self.optimizer.zero_grad(set_to_none=True)
        n = max(float(full_mask.sum()), 1.0)
        out = {
            "loss": acc["loss"],
            "entropy": acc["entropy_sum"] / n,
            "clip_frac": acc["clip_frac_sum"] / max(acc["tokens"], 1),
            "grad_norm": grad_norm,
        }
        if cfg.kl_coef > 0:
            out["kl"] = acc["kl_sum"] / max(acc["tokens"], 1)
        if cfg.temperature == 1.0:
            out["engine_logprob_gap"] = acc["gap_sum"] / n
        return out

    def _logprobs(self, module, gens, idx: list[int], *, entropy: bool = False):
        """Completion log-probs for ``gens[idx]``; whole groups share one prompt forward."""
        g, pad, t = self.cfg.group_size, self.policy.chat.tokenizer.pad_token_id or 0, self.cfg.temperature
        prompts = [gens[i].prompt_token_ids for i in idx]
        completions = [gens[i].token_ids for i in idx]
        if len(idx) % g == 0 and idx[0] % g == 0 and all(prompts[k] == prompts[k - k % g] for k in range(len(idx))):
            return grouped_logprobs(module, prompts[::g], completions, g, pad, temperature=t, entropy=entropy)
        pb = pack(prompts, completions, pad)
        logp, ent = token_logprobs(module, pb, temperature=t, entropy=entropy)
        return logp, pb.mask, ent

    @torch.no_grad()
    def _fixed_logprobs(self, gens, micro, *, reference: bool) -> list[torch.Tensor]:
        if not reference:
            return [self._logprobs(self.policy.module, gens, idx)[0] for idx in micro]
        with self.policy.as_reference() as ref_module:
            return [self._logprobs(ref_module, gens, idx)[0] for idx in micro]

    @staticmethod
    def _engine_gap(logp: torch.Tensor, mask: torch.Tensor, gens) -> float:
        total = 0.0
        for row, g in enumerate(gens):
            n = min(len(g.logprobs), int(mask[row].sum()))
            if n:
                total += float((logp[row, :n] - torch.tensor(g.logprobs[:n])).abs().sum())
        return total
