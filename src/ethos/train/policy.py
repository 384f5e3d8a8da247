"""The trainable policy: one model serving both rollouts (through the fast engine) and gradients.

Rollouts use ``LocalChatModel.generate`` (packed weights, LoRA merged on the fly); the loss needs
log-probs *with autograd*, so those come from a batched forward of prompt + completion through the
HF/peft module, and only the completion positions' logits are materialized (the vocabulary
projection is the largest tensor in the step). The G completions of a group share their prompt,
so :func:`grouped_logprobs` runs each prompt once, keeps its keys/values in the autograd graph and
repeats them for the group: the same gradient as the plain batched forward (:func:`token_logprobs`,
the fallback when a micro-batch splits a group) at a fraction of the prompt cost.

With LoRA the KL reference is the same module with adapters disabled, so no second copy of the
weights exists; full fine-tuning keeps a frozen copy only when ``kl_coef > 0``.
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass

import torch

from ethos.train.grpo_config import LoraSettings


@dataclass
class Policy:
    chat: object  # ethos.models.local.LocalChatModel whose .model is the trainable module
    reference: torch.nn.Module | None = None  # frozen copy, full fine-tuning with KL only

    @property
    def module(self) -> torch.nn.Module:
        return self.chat.model  # type: ignore[attr-defined]

    @property
    def is_lora(self) -> bool:
        return hasattr(self.module, "disable_adapter")

    def trainable(self) -> dict[str, torch.nn.Parameter]:
        return {n: p for n, p in self.module.named_parameters() if p.requires_grad}

    @contextlib.contextmanager
    def as_reference(self):
        """Yield the module that computes reference log-probs."""
        if self.is_lora:
            with self.module.disable_adapter():
                yield self.module
        else:
            yield self.reference


def attach_lora(model: torch.nn.Module, lora: LoraSettings, seed: int) -> torch.nn.Module:
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)  # adapter init is random; seed it so runs repeat
    cfg = LoraConfig(r=lora.rank, lora_alpha=lora.alpha, lora_dropout=lora.dropout, target_modules=list(lora.targets), bias="none", task_type="CAUSAL_LM")
    return get_peft_model(model, cfg)


def build_policy(chat, lora: LoraSettings | None, *, seed: int, kl_coef: float) -> Policy:
    """Make ``chat.model`` trainable (LoRA adapters or all weights) and return the policy."""
    model = chat.model
    if lora is not None:
        model = attach_lora(model, lora, seed)
    else:
        model.requires_grad_(True)
    model.eval()  # no dropout: rollouts and gradients see the same function
    chat.model = model
    chat.refresh()
    reference = None
    if lora is None and kl_coef > 0:
        reference = copy.deepcopy(model).requires_grad_(False)
    return Policy(chat=chat, reference=reference)


@dataclass
class PackedBatch:
    ids: torch.Tensor  # [B, P + C]
    attention: torch.Tensor  # [B, P + C]
    positions: torch.Tensor  # [B, P + C]
    targets: torch.Tensor  # [B, C] completion token ids (pad where mask is 0)
    mask: torch.Tensor  # [B, C] 1 on completion tokens


def completion_mask(completions: list[list[int]]) -> torch.Tensor:
    """[B, C] with 1 on each completion's tokens (right-padded)."""
    width = max(max((len(c) for c in completions), default=1), 1)
    mask = torch.zeros((len(completions), width), dtype=torch.float32)
    for i, c in enumerate(completions):
        mask[i, : len(c)] = 1
    return mask


def pack(prompts: list[list[int]], completions: list[list[int]], pad_id: int) -> PackedBatch:
    """Left-pad prompts, right-pad completions, so completions share their starting column."""
    width_p = max(len(p) for p in prompts)
    width_c = max(max(len(c) for c in completions), 1)
    b = len(prompts)
    ids = torch.full((b, width_p + width_c), pad_id, dtype=torch.long)
    attention = torch.zeros_like(ids)
    mask = completion_mask(completions)
    for i, (p, c) in enumerate(zip(prompts, completions)):
        ids[i, width_p - len(p) : width_p] = torch.tensor(p, dtype=torch.long)
        attention[i, width_p - len(p) : width_p + len(c)] = 1
        if c:
            ids[i, width_p : width_p + len(c)] = torch.tensor(c, dtype=torch.long)
    positions = (attention.cumsum(1) - 1).clamp(min=0)
    return PackedBatch(ids=ids, attention=attention, positions=positions, targets=ids[:, width_p:], mask=mask)


def token_logprobs(module: torch.nn.Module, batch: PackedBatch, *, temperature: float = 1.0, entropy: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Log-probs of the completion tokens [B, C] (autograd if enabled) and, optionally, entropies."""
    width_c = batch.targets.shape[1]
    out = module(input_ids=batch.ids, attention_mask=batch.attention, position_ids=batch.positions, logits_to_keep=width_c + 1, use_cache=False)
    logits = out.logits[:, :-1].float()
    if temperature != 1.0:
        logits = logits / temperature
    lse = torch.logsumexp(logits, dim=-1)
    logp = logits.gather(-1, batch.targets.unsqueeze(-1)).squeeze(-1) - lse
    ent = None
    if entropy:
        with torch.no_grad():
            probs = torch.softmax(logits.detach(), dim=-1)
            ent = lse.detach() - (probs * logits.detach()).sum(-1)
    return logp, ent


def grouped_logprobs(module: torch.nn.Module, prompts: list[list[int]], completions: list[list[int]], group_size: int, pad_id: int, *, temperature: float = 1.0, entropy: bool = False) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Like :func:`token_logprobs`, but each group's shared prompt goes through the model once.

    ``prompts`` holds one prompt per group; ``completions`` holds ``group_size`` per prompt, group
    after group. The prompts' keys/values are computed once with autograd and repeated for the
    group's completions, so the gradient is exact (it still flows into the prompt positions) while
    the prompt costs 1/G of the batched version. Returns (logp [B, C], mask [B, C], entropy).
    """
    from transformers import DynamicCache

    width_p = max(len(p) for p in prompts)
    n = len(prompts)
    ids_p = torch.full((n, width_p), pad_id, dtype=torch.long)
    attn_p = torch.zeros_like(ids_p)
    for i, p in enumerate(prompts):
        ids_p[i, width_p - len(p) :] = torch.tensor(p, dtype=torch.long)
        attn_p[i, width_p - len(p) :] = 1
    pos_p = (attn_p.cumsum(1) - 1).clamp(min=0)
    cache = DynamicCache()
    first = module(input_ids=ids_p, attention_mask=attn_p, position_ids=pos_p, past_key_values=cache, use_cache=True, logits_to_keep=1).logits[:, -1]
    cache.batch_repeat_interleave(group_size)
    mask = completion_mask(completions)
    width_c = mask.shape[1]
    ids_c = torch.full((len(completions), width_c), pad_id, dtype=torch.long)
    for i, c in enumerate(completions):
        if c:
            ids_c[i, : len(c)] = torch.tensor(c, dtype=torch.long)
    attn = torch.cat([attn_p.repeat_interleave(group_size, 0), mask.long()], dim=1)
    pos_c = pos_p[:, -1:].repeat_interleave(group_size, 0) + 1 + torch.arange(width_c)[None]
    rest = module(input_ids=ids_c[:, :-1], attention_mask=attn[:, :-1], position_ids=pos_c[:, :-1], past_key_values=cache, use_cache=True).logits if width_c > 1 else None
    logits = first.repeat_interleave(group_size, 0)[:, None]
    if rest is not None:
        logits = torch.cat([logits, rest], dim=1)
    logits = logits.float()
    if temperature != 1.0:
        logits = logits / temperature
    lse = torch.logsumexp(logits, dim=-1)
    logp = logits.gather(-1, ids_c.unsqueeze(-1)).squeeze(-1) - lse
    ent = None
    if entropy:
        with torch.no_grad():
            ent = lse.detach() - (torch.softmax(logits.detach(), dim=-1) * logits.detach()).sum(-1)
    return logp, mask, ent
