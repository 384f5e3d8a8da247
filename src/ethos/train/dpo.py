"""Direct preference optimisation (Rafailov et al., 2023) on (prompt, chosen, rejected) conversations, LoRA.

The constitution arm's preference variant: chosen = the critic's revision, rejected = the policy's draft.
It runs SFT's loop (:func:`ethos.train.sft.fit`) with DPO's loss: the same assistant-token masks (one
definition of what a reply is), the same LoRA, seeds, batches, progress and atomic export, so the two
objectives differ in their loss only — which is why it is here and not TRL's ``DPOTrainer`` (that is the
route on GPUs). The reference is the starting model: the same batch with the LoRA adapters disabled (as TRL
does for a PEFT model without a reference model), so policy and reference see identical shapes and the
first step's margin is exactly 0.
Loss: ``-log σ(β[(π_c − ref_c) − (π_r − ref_r)]) + nll_coef · NLL(chosen)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import torch

from ethos.errors import UserError
from ethos.train.sft import Conversation, _batch, _load, encode_with_mask, fit, trainable
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
    if not pairs:
        raise UserError("DPO got no preference pairs; check the previous stage's output.")
    if cfg.lora is None:
        raise UserError("DPO here trains LoRA adapters (the reference is the model before them); set a lora: section.")
    torch.manual_seed(cfg.seed)
    chat = _load(model_path_or_model, cfg)
    rows = [
        tuple(encode_with_mask(chat.chat, p + [{"role": "assistant", "content": r}], cfg.max_length) for r in (c, j))
        for p, c, j in pairs
    ]
    module = trainable(chat, cfg)
    pad = chat.tokenizer.pad_token_id or 0

    def step_loss(idx: list[int]):
        inputs = _batch([rows[i][0] for i in idx] + [rows[i][1] for i in idx], pad)
        with torch.no_grad(), module.disable_adapter():  # the reference: the starting model
            ref = sequence_logprobs(module, *inputs)[0]
        lp, n = sequence_logprobs(module, *inputs)
        k = len(idx)
        margin = cfg.beta * ((lp[:k] - ref[:k]) - (lp[k:] - ref[k:]))
        chosen_tokens = sum(sum(rows[i][0][1]) for i in idx)
        loss = -torch.nn.functional.logsigmoid(margin).mean() - cfg.nll_coef * lp[:k].sum() / max(chosen_tokens, 1)
        metrics = {"margin": float(margin.detach().mean()), "accuracy": float((margin > 0).float().mean())}
        return loss, metrics | {"tokens": n}

    return fit(chat, len(rows), cfg, Path(out_dir), "DPO", step_loss, progress=progress)
