"""Pack a (possibly LoRA-wrapped) Llama-family model's weights for the decode engine.

LoRA deltas are added on the fly (``W + B·A·scale``) instead of ``merge_adapter``/``unmerge``:
merging into and subtracting from bf16 base weights would slowly corrupt them over a training run.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class PackedLayer:
    in_norm: torch.Tensor
    wqkv: torch.Tensor  # [(nq + 2·nkv)·hd, D]
    wo: torch.Tensor
    post_norm: torch.Tensor
    wgu: torch.Tensor  # [2·I, D]  gate then up
    wdown: torch.Tensor


@dataclass
class PackedWeights:
    embed: torch.Tensor
    layers: list[PackedLayer]
    final_norm: torch.Tensor
    lm_head: torch.Tensor
    inv_freq: torch.Tensor
    n_heads: int
    n_kv_heads: int
    head_dim: int
    eps: float
    dtype: torch.dtype
    n_params: int


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
    layers = []
    for layer in core.layers:
        att, mlp = layer.self_attn, layer.mlp
        layers.append(
            PackedLayer(
                in_norm=cast(layer.input_layernorm.weight),
                wqkv=cast(torch.cat([effective_weight(att.q_proj), effective_weight(att.k_proj), effective_weight(att.v_proj)])),
                wo=cast(effective_weight(att.o_proj)),
                post_norm=cast(layer.post_attention_layernorm.weight),
                wgu=cast(torch.cat([effective_weight(mlp.gate_proj), effective_weight(mlp.up_proj)])),
                wdown=cast(effective_weight(mlp.down_proj)),
            )
        )
    embed = cast(effective_weight(core.embed_tokens) if hasattr(core.embed_tokens, "base_layer") else core.embed_tokens.weight)
    head = base.get_output_embeddings()
    lm_head = embed if getattr(cfg, "tie_word_embeddings", False) else cast(effective_weight(head))
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
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
    )
