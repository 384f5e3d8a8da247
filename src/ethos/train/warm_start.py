"""Best-of-n warm start (rejection sampling) before GRPO: imitate the policy's own best replies first.

When most GRPO groups tie, a step carries little signal. A warm start spends the same kind of
compute differently: sample ``best_of`` replies to each of ``prompts`` prompts drawn from the arm's
own mix (so a baseline warms up on standard prompts, a treatment on its dosed mix), keep the best
reply of every prompt whose replies did not all score the same, and take a few supervised steps on
them (completion tokens only) with the adapters GRPO then continues to train. The tokens it
processes are added to the run's totals, so compute matching counts them. It runs once, before
step 0; a resumed run that already has a checkpoint skips it.

``source: reference`` imitates each drawn prompt's hand-written reference reply instead (trait
scenarios and standard tasks both carry one): supervised data rather than the policy's own samples,
measured as a bound on what imitation alone can carry to new situations.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from statistics import fmean

import torch

from ethos.files import write_json
from ethos.train.dose import DoseMixer
from ethos.train.policy import pack, token_logprobs


def warm_start(trainer) -> dict:
    """Run the warm start of ``trainer`` (a :class:`ethos.train.grpo.NativeGRPO`); return what it did."""
    from ethos.train.grpo import sampling_params  # the trainer's module imports this one when it runs it

    t0 = time.perf_counter()
    cfg, ws = trainer.cfg, trainer.cfg.warm_start
    policy, mixer = trainer.policy, trainer.mixer
    draw = DoseMixer(
        mixer.standard.examples if mixer.standard else [],
        mixer.trait.examples if mixer.trait else [],
        dose=mixer.dose,
        prompts_per_step=ws.prompts,
        seed=cfg.seed + 104_729,  # a different walk from the one GRPO's steps take
    ).prompts(0)
    if ws.source == "reference":
        return _reference_start(trainer, draw, t0)
    examples = [ex for ex in draw.examples for _ in range(ws.best_of)]
    sources = [s for s in draw.sources for _ in range(ws.best_of)]
    gens = policy.chat.generate([ex.chat() for ex in examples], sampling_params(cfg, cfg.seed + 1))
    rewards = trainer.router(examples, sources, [g.text for g in gens])
    kept = []
    for i in range(0, len(gens), ws.best_of):
        group = [(r, j) for j, r in enumerate(rewards[i : i + ws.best_of], start=i) if r is not None]
        if len({r for r, _ in group}) > 1:
            kept.append(max(group)[1])
    losses = _imitate(policy, [gens[j] for j in kept], ws, cfg.seed) if kept else []
    info = {
        "source": "best_of_n",
        "prompts": len(draw.examples),
        "best_of": ws.best_of,
        "kept": len(kept),
        "mean_reward": fmean(r for r in rewards if r is not None) if any(r is not None for r in rewards) else None,
        "kept_reward": fmean(rewards[j] for j in kept) if kept else None,
        "sft_losses": losses,
        "prompt_tokens": sum(len(g.prompt_token_ids) for g in gens),
        "completion_tokens": sum(len(g.token_ids) for g in gens),
        "seconds": time.perf_counter() - t0,
    }
    write_json(trainer.out_dir / "warm_start.json", info)
    return info


@dataclass
class _Pair:
    prompt_token_ids: list[int]
    token_ids: list[int]


def _reference_start(trainer, draw, t0: float) -> dict:
    """Imitate each drawn prompt's hand-written reference reply instead of the policy's best sample."""
    chat, ws = trainer.policy.chat, trainer.cfg.warm_start
    tok = chat.tokenizer
    end = [tok.eos_token_id] if tok.eos_token_id is not None else []
    pairs = [
        _Pair(chat.encode(ex.chat()), tok(ex.meta["reference"], add_special_tokens=False)["input_ids"] + end)
        for ex in draw.examples
        if ex.meta.get("reference")
    ]
    losses = _imitate(trainer.policy, pairs, ws, trainer.cfg.seed) if pairs else []
    info = {
        "source": "reference",
        "prompts": len(draw.examples),
        "kept": len(pairs),
        "sft_losses": losses,
        "prompt_tokens": sum(len(p.prompt_token_ids) for p in pairs) * ws.epochs,
        "completion_tokens": sum(len(p.token_ids) for p in pairs) * ws.epochs,
        "seconds": time.perf_counter() - t0,
    }
    write_json(trainer.out_dir / "warm_start.json", info)
    return info


def _imitate(policy, gens, ws, seed: int) -> list[float]:
    """Supervised steps on the kept replies (negative log-likelihood of their completion tokens)."""
    params = list(policy.trainable().values())
    opt = torch.optim.AdamW(params, lr=ws.lr)
    pad = policy.chat.tokenizer.pad_token_id or 0
    rng = random.Random(seed)
    losses = []
    for _ in range(ws.epochs):
        order = list(range(len(gens)))
        rng.shuffle(order)
        for k in range(0, len(order), ws.batch_size):
            batch = [gens[i] for i in order[k : k + ws.batch_size]]
            pb = pack([g.prompt_token_ids for g in batch], [g.token_ids for g in batch], pad)
            logp, _ = token_logprobs(policy.module, pb)
            loss = -(logp * pb.mask).sum() / pb.mask.sum().clamp(min=1)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            losses.append(float(loss.detach()))
    policy.chat.refresh(trainable_only=True)
    return losses
