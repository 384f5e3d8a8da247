"""Direct preference optimisation (Rafailov et al., 2023) on (prompt, chosen, rejected) conversations, LoRA.

The constitution arm's preference variant: chosen = the critic's revision, rejected = the policy's draft.
It is the SFT loop of :mod:`ethos.train.sft` with DPO's loss: the same assistant-token masks (one definition
of what a reply is), the same LoRA, seeds, progress and atomic export, so the two objectives differ in their
loss only — which is why it is here and not TRL's ``DPOTrainer`` (that is the route on GPUs). The reference
is the starting model: the same batch with the LoRA adapters disabled (as TRL does for a PEFT model without
a reference model), so policy and reference see identical shapes and the first step's margin is exactly 0.
Loss: ``-log σ(β[(π_c − ref_c) − (π_r − ref_r)]) + nll_coef · NLL(chosen)``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Sequence

import torch

from ethos.errors import UserError
from ethos.files import append_jsonl
from ethos.train.checkpoint import export_hf_atomic
from ethos.train.progress import StepProgress
from ethos.train.schedule import lr_lambda
from ethos.train.sft import Conversation, _batch, _load, encode_with_mask
from ethos.train.sft_config import DPOSettings


def sequence_logprobs(module, ids: torch.Tensor, attn: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, int]:
    """Per row: the summed log-probability of its assistant tokens; and how many tokens those were."""
    logits = module(input_ids=ids, attention_mask=attn, use_cache=False).logits[:, :-1].float()
    mask = labels[:, 1:]
    lp = torch.log_softmax(logits, -1).gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return (lp * mask).sum(-1), int(mask.sum())


def dpo(
    model_path_or_model,
    pairs: Sequence[tuple[Conversation, str, str]],
    cfg: DPOSettings,
    out_dir: str | Path,
    *,
    progress: bool = True,
) -> Path:
    """Tune on ``(prompt, chosen, rejected)`` and return the merged HF folder ``<out>/final``."""
    from ethos.train.policy import attach_lora

    if not pairs:
        raise UserError("DPO got no preference pairs; check the previous stage's output.")
    if cfg.lora is None:
        raise UserError("DPO here trains LoRA adapters (the reference is the model before them); set a lora: section.")
    out_dir = Path(out_dir)
    torch.manual_seed(cfg.seed)
    chat = _load(model_path_or_model, cfg)
    rows = [
        tuple(encode_with_mask(chat.chat, p + [{"role": "assistant", "content": r}], cfg.max_length) for r in (c, j))
        for p, c, j in pairs
    ]
    module = attach_lora(chat.model, cfg.lora, cfg.seed)
    module.eval()
    chat.model = module
    pad = chat.tokenizer.pad_token_id or 0
    params = [p for p in module.parameters() if p.requires_grad]
    total = cfg.steps or -(-len(rows) // cfg.batch_size) * cfg.epochs
    optimizer = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda(cfg.lr_schedule, total, cfg.warmup_steps))
    rng, order = random.Random(cfg.seed), []
    log_path = out_dir / "dpo_metrics.jsonl"
    log_path.unlink(missing_ok=True)
    with StepProgress(total, "DPO", enabled=progress) as bar:
        for step in range(total):
            if len(order) < cfg.batch_size:
                epoch = list(range(len(rows)))
                rng.shuffle(epoch)
                order += epoch
            idx, order = order[: cfg.batch_size], order[cfg.batch_size :]
            batch = [rows[i][0] for i in idx] + [rows[i][1] for i in idx]
            inputs = _batch(batch, pad)
            with torch.no_grad(), module.disable_adapter():  # the reference: the starting model
                ref = sequence_logprobs(module, *inputs)[0]
            lp, n = sequence_logprobs(module, *inputs)
            chosen, rejected = lp[: len(idx)], lp[len(idx) :]
            ref_c, ref_r = ref[: len(idx)], ref[len(idx) :]
            margin = cfg.beta * ((chosen - ref_c) - (rejected - ref_r))
            chosen_tokens = sum(sum(rows[i][0][1]) for i in idx)
            loss = -torch.nn.functional.logsigmoid(margin).mean() - cfg.nll_coef * chosen.sum() / max(chosen_tokens, 1)
            loss.backward()
            if cfg.max_grad_norm:
                torch.nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            row = {
                "step": step,
                "loss": float(loss.detach()),
                "margin": float(margin.detach().mean()),
                "accuracy": float((margin > 0).float().mean()),
                "tokens": n,
                "lr": scheduler.get_last_lr()[0],
            }
            append_jsonl(log_path, row)
            bar.advance(row)
    chat.refresh()
    return export_hf_atomic(module, chat.tokenizer, out_dir / "final")
