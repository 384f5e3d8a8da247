"""The trainable policy: one model serving both rollouts (through the fast engine) and gradients.

Rollouts use ``LocalChatModel.generate`` (packed weights, LoRA merged on the fly); the loss needs
log-probs *with autograd*, so those come from a batched forward of prompt + completion through the
HF/peft decoder, and the vocabulary projection of the completion tokens goes through
:mod:`ethos.train.head`, which never holds more than a chunk of fp32 logits. The G completions of a
group share their prompt, so :func:`grouped_logprobs` runs each prompt once, keeps its keys/values in
the autograd graph and repeats them for the group: the same gradient as the plain batched forward
(:func:`token_logprobs`, the fallback when a micro-batch splits a group) at a fraction of the prompt
cost.

With LoRA the KL reference is the same module with adapters disabled, so no second copy of the
weights exists; full fine-tuning keeps a frozen copy only when ``kl_coef > 0``. The training
forward uses eager attention: for a step's short sequences on a CPU its backward is several times
faster than the fused SDPA kernel's, and the rollouts never use it (the engine has its own).
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import warnings
from dataclasses import dataclass

import torch

from ethos.errors import UserError
from ethos.train.head import head_logprobs
from ethos.train.rl_config import LoraSettings


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


def load_policy_model(cfg, chat=None):
    """The local chat model to train (an already-loaded one is used as is)."""
    if chat is not None:
        return chat
    from ethos.errors import UserError
    from ethos.models import load_model

    chat = load_model(cfg.model, dtype=cfg.dtype)
    if not hasattr(chat, "model"):
        raise UserError(
            f"train.model '{cfg.model}' is a remote endpoint; RL needs local weights (an embedded name, HF folder or "
            f"hub id)."
        )
    return chat


def lora_config(lora: LoraSettings, n_layers: int):
    """peft's config for these settings (both backends build their adapters from it)."""
    from peft import LoraConfig

    top = lora.top_layers
    layers = None if top is None else list(range(max(0, n_layers - top), n_layers))
    if lora.layers is not None:
        outside = [i for i in lora.layers if not 0 <= i < n_layers]
        if outside:
            raise UserError(f"train.lora.layers names layer {outside[0]}; this model has layers 0–{n_layers - 1}.")
        layers = sorted(set(lora.layers))
    return LoraConfig(
        r=lora.rank,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=list(lora.targets),
        bias="none",
        task_type="CAUSAL_LM",
        layers_to_transform=layers,
    )


def attach_lora(model: torch.nn.Module, lora: LoraSettings, seed: int) -> torch.nn.Module:
    from peft import get_peft_model

    torch.manual_seed(seed)  # adapter init is random; seed it so runs repeat
    cfg = lora_config(lora, model.config.num_hidden_layers)
    with warnings.catch_warnings():  # peft calls a transformers method deprecated in v5; nothing for a user to change
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        return get_peft_model(model, cfg)


def adapter_norm(module: torch.nn.Module) -> float:
    """Frobenius norm of every LoRA update ``scale·B·A`` together: how far training has moved the policy."""
    total = 0.0
    for sub in module.modules():
        if hasattr(sub, "lora_A") and hasattr(sub, "scaling"):
            for name in sub.lora_A:
                a, b = sub.lora_A[name].weight.detach().float(), sub.lora_B[name].weight.detach().float()
                total += float(((b.T @ b) * (a @ a.T)).sum()) * sub.scaling[name] ** 2
    return total**0.5


def build_policy(chat, lora: LoraSettings | None, *, seed: int, kl_coef: float) -> Policy:
    """Make ``chat.model`` trainable (LoRA adapters or all weights) and return the policy."""
    model = chat.model
    if lora is not None:
        model = attach_lora(model, lora, seed)
    else:
        model.requires_grad_(True)
    model.eval()  # no dropout: rollouts and gradients see the same function
    model.set_attn_implementation("eager")
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


def _parts(module: torch.nn.Module):
    """(decoder, output layer) of a causal LM, looking through a peft wrapper."""
    base = module.get_base_model() if hasattr(module, "get_base_model") else module
    return base.get_decoder(), base.get_output_embeddings()


@contextlib.contextmanager
def mixed_precision(module: torch.nn.Module):
    """bf16 compute for fp32 LoRA weights on a bf16 model: autocast, and no upcast of activations.

    Without it peft casts every adapter's input to fp32 and its output back, a copy of each
    projection's activations in both directions (measured: ~15% of the step's time on a CPU).
    """
    params = list(module.parameters())
    if (
        not params
        or params[0].dtype != torch.bfloat16
        or not any(p.requires_grad and p.dtype == torch.float32 for p in params)
    ):
        yield
        return
    with contextlib.ExitStack() as stack:
        stack.enter_context(torch.autocast("cpu", dtype=torch.bfloat16))
        if hasattr(module, "get_base_model"):
            from peft.helpers import disable_input_dtype_casting

            stack.enter_context(disable_input_dtype_casting(module))
        yield


def _head(
    head: torch.nn.Module,
    hidden: torch.Tensor,
    targets: torch.Tensor,
    mask: torch.Tensor,
    temperature: float,
    entropy: bool,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Log-probs [B, C] of ``targets`` from hidden states [B, C, H]; only the masked-in rows are projected."""
    keep = mask.bool()
    rows = hidden[keep]
    if type(head) is torch.nn.Linear and head.bias is None:  # a LoRA-wrapped or biased head takes the module path
        lp, ent = head_logprobs(rows, head.weight, targets[keep], temperature=temperature, entropy=entropy)
    else:
        logits = head(rows).float() / temperature
        lse = torch.logsumexp(logits, dim=-1)
        lp = logits.gather(-1, targets[keep][:, None]).squeeze(-1) - lse
        ent = (lse - (torch.softmax(logits, -1) * logits).sum(-1)).detach() if entropy else None
    logp = torch.zeros(mask.shape, dtype=torch.float32).masked_scatter(keep, lp)
    ent_full = torch.zeros(mask.shape, dtype=torch.float32).masked_scatter(keep, ent) if ent is not None else None
    return logp, ent_full


def token_logprobs(
    module: torch.nn.Module, batch: PackedBatch, *, temperature: float = 1.0, entropy: bool = False
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Log-probs of the completion tokens [B, C] (autograd if enabled; 0 where the mask is 0) and, optionally,
    entropies."""
    width_c = batch.targets.shape[1]
    decoder, head = _parts(module)
    with mixed_precision(module):
        hidden = decoder(
            input_ids=batch.ids, attention_mask=batch.attention, position_ids=batch.positions, use_cache=False
        ).last_hidden_state
        return _head(head, hidden[:, -width_c - 1 : -1], batch.targets, batch.mask, temperature, entropy)


def grouped_logprobs(
    module: torch.nn.Module,
    prompts: list[list[int]],
    completions: list[list[int]],
    group_size: int,
    pad_id: int,
    *,
    temperature: float = 1.0,
    entropy: bool = False,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
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
    mask = completion_mask(completions)
    width_c = mask.shape[1]
    ids_c = torch.full((len(completions), width_c), pad_id, dtype=torch.long)
    for i, c in enumerate(completions):
        if c:
            ids_c[i, : len(c)] = torch.tensor(c, dtype=torch.long)
    decoder, head = _parts(module)
    # transformers renamed `past_key_values` to `cache` (the old name warns, then goes in 5.40)
    key = "cache" if "cache" in inspect.signature(decoder.forward).parameters else "past_key_values"
    with mixed_precision(module):
        cache = DynamicCache()
        first = decoder(
            input_ids=ids_p, attention_mask=attn_p, position_ids=pos_p, use_cache=True, **{key: cache}
        ).last_hidden_state[:, -1:]
        hidden = first.repeat_interleave(group_size, 0)
        if width_c > 1:
            cache.batch_repeat_interleave(group_size)
            attn = torch.cat([attn_p.repeat_interleave(group_size, 0), mask.long()], dim=1)
            pos_c = pos_p[:, -1:].repeat_interleave(group_size, 0) + 1 + torch.arange(width_c)[None]
            rest = decoder(
                input_ids=ids_c[:, :-1],
                attention_mask=attn[:, :-1],
                position_ids=pos_c[:, :-1],
                use_cache=True,
                **{key: cache},
            ).last_hidden_state
            hidden = torch.cat([hidden, rest], dim=1)
        logp, ent = _head(head, hidden, ids_c, mask, temperature, entropy)
    return logp, mask, ent
