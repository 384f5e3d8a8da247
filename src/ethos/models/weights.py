"""Pack a (possibly LoRA-wrapped) Llama-family model's weights for the decode engine.

LoRA deltas are added on the fly (``W + B·A·scale``) instead of ``merge_adapter``/``unmerge``:
merging into and subtracting from bf16 base weights would slowly corrupt them over a training run.

In bf16, matrices are also re-laid out once into oneDNN's blocked format. ``F.linear`` on a plain
bf16 weight re-packs it on every call, which at decode sizes (a few dozen rows) costs about as much
as the multiplication; packing once is bitwise identical and ~1.3–1.5× faster per step here.
fp32 keeps plain tensors (MKL), which is what ``transformers`` uses, so greedy decoding in fp32
stays token-identical to ``generate``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ethos.models import kernels


def _can_prepack(dtype: torch.dtype) -> bool:
    return (
        dtype == torch.bfloat16
        and torch.backends.mkldnn.is_available()
        and torch.ops.mkldnn._is_mkldnn_bf16_supported()
    )


class Linear:
    """A weight ready for ``y = x @ W.T``, prepacked for oneDNN when that helps."""

    __slots__ = ("weight", "packed")

    def __init__(self, weight: torch.Tensor, *, prepack: bool, rows_hint: int = 32):
        self.weight = weight
        self.packed = torch.ops.mkldnn._reorder_linear_weight(weight, rows_hint) if prepack else None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.packed is None:
            return F.linear(x, self.weight)
        return torch.ops.mkldnn._linear_pointwise(x, self.packed, None, "none", [], "")

    # On the packed path each method is one oneDNN call (plus, for ``gated``, one native elementwise op);
    # the unpacked path computes exactly what transformers does.
    def gated(self, x: torch.Tensor) -> torch.Tensor:
        """``silu(x @ Wg.T) * (x @ Wu.T)`` for a weight stacked as [Wg; Wu]: one matrix product on the packed
        path (wider products run faster per FLOP here), two on the plain one, as ``transformers`` does."""
        if self.packed is None:
            gate, up = self.weight.chunk(2)
            return F.silu(F.linear(x, gate)) * F.linear(x, up)
        y = torch.ops.mkldnn._linear_pointwise(x.reshape(-1, x.shape[-1]), self.packed, None, "none", [], "")
        return kernels.silu_mul(y).view(*x.shape[:-1], -1)

    def plus(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        """``residual + x @ W.T``"""
        if self.packed is None:
            return residual + F.linear(x, self.weight)
        return torch.ops.mkldnn._linear_pointwise.binary(x, residual, self.packed, None, "add")


@dataclass
class PackedLayer:
    in_norm: torch.Tensor | None  # None: folded into wqkv's columns
    wqkv: Linear  # [(nq + 2·nkv)·hd, D]; q rows pre-scaled by 1/sqrt(hd) when that is exact
    wo: Linear
    post_norm: torch.Tensor | None  # None: folded into wgu's columns
    wgu: Linear  # [Wgate; Wup]
    wdown: Linear


@dataclass
class PackedWeights:
    embed: torch.Tensor
    layers: list[PackedLayer]
    final_norm: torch.Tensor
    lm_head: Linear
    inv_freq: torch.Tensor
    n_heads: int
    n_kv_heads: int
    head_dim: int
    eps: float
    dtype: torch.dtype
    n_params: int
    q_scale: float  # the attention scale still to apply to q·k (1.0 when folded into the q rows)


def effective_weight(module) -> torch.Tensor:
    """The weight a Linear (or a peft LoRA Linear) applies right now."""
    if hasattr(module, "base_layer") and hasattr(module, "lora_A"):
        weight = module.base_layer.weight
        if not getattr(module, "merged", False) and not getattr(module, "disable_adapters", False):
            for name in module.active_adapters:
                if name in module.lora_A:
                    weight = weight + module.get_delta_weight(name).to(weight.dtype)
        return weight
    return module.weight


@torch.no_grad()
def pack_weights(model, dtype: torch.dtype | None = None) -> PackedWeights:
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    cfg = base.config
    dtype = dtype or next(base.parameters()).dtype
    core = base.model
    cast = lambda t: t.detach().to(dtype).contiguous()
    prepack = _can_prepack(dtype)
    # fp32 stays operation-for-operation what transformers computes; bf16 folds the RMSNorm weights into
    # the next projection (W·diag(g)), one rounding of the weights for two fewer calls per layer.
    fold = dtype == torch.bfloat16
    lin = lambda t, norm=None: Linear(cast(t.float() * norm.float() if norm is not None else t), prepack=prepack)
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
    scale = head_dim**-0.5
    exact = math.log2(scale).is_integer()  # a power of two scales without rounding, so q can carry it
    layers = []
    for layer in core.layers:
        att, mlp = layer.self_attn, layer.mlp
        g_in, g_post = layer.input_layernorm.weight, layer.post_attention_layernorm.weight
        wq = effective_weight(att.q_proj) * (scale if exact else 1.0)
        layers.append(
            PackedLayer(
                in_norm=None if fold else cast(g_in),
                wqkv=lin(torch.cat([wq, effective_weight(att.k_proj), effective_weight(att.v_proj)]), g_in if fold else None),
                wo=lin(effective_weight(att.o_proj)),
                post_norm=None if fold else cast(g_post),
                wgu=lin(torch.cat([effective_weight(mlp.gate_proj), effective_weight(mlp.up_proj)]), g_post if fold else None),
                wdown=lin(effective_weight(mlp.down_proj)),
            )
        )
    embed = cast(effective_weight(core.embed_tokens) if hasattr(core.embed_tokens, "base_layer") else core.embed_tokens.weight)
    head = base.get_output_embeddings()
    lm_head = Linear(embed if getattr(cfg, "tie_word_embeddings", False) else cast(effective_weight(head)), prepack=prepack)
    rope = getattr(cfg, "rope_parameters", None) or {}
    theta = rope.get("rope_theta", getattr(cfg, "rope_theta", 10000.0))
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float) / head_dim))
    return PackedWeights(
        embed=embed,
        layers=layers,
        final_norm=cast(core.norm.weight),
        lm_head=lm_head,
        inv_freq=inv_freq,
        n_heads=cfg.num_attention_heads,
        n_kv_heads=cfg.num_key_value_heads,
        head_dim=head_dim,
        eps=cfg.rms_norm_eps,
        dtype=dtype,
        n_params=sum(p.numel() for p in base.parameters()),
        q_scale=1.0 if exact else scale,
    )
