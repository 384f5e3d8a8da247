"""The decode engine's key/value cache: one copy of the prompt prefix every row shares, plus each
row's own slots (the rest of its prompt, then what it generates).

Batches of chat prompts share a long prefix (the template's system turn). Stored once, it is read
once per step instead of once per row, and a row's own slots hold only its own tokens, written
from slot 0, so attention reads exactly the slots that exist. Positions, not slots, drive RoPE.

Layouts pair adjacent elements for the native kernel (``csrc/decode_attention.cpp``), which takes
two multiply-adds per lane with one AVX512-BF16 instruction:

- keys   ``[rows, kv, hd/2, slots, 2]``: element (slot s, dim d) at [d // 2, s, d % 2]
- values ``[rows, kv, slots/2, hd, 2]``: element (s, d) at [s // 2, d, s % 2]

The prefix uses the same layouts without the row dimension. ``slots`` is kept even.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _even(n: int) -> int:
    return n + n % 2


def keys_layout(k: torch.Tensor) -> torch.Tensor:
    """[.., kv, T, hd] → [.., kv, hd/2, T, 2]"""
    *lead, T, hd = k.shape
    return k.reshape(*lead, T, hd // 2, 2).transpose(-3, -2)


def values_layout(v: torch.Tensor) -> torch.Tensor:
    """[.., kv, T, hd] (T even) → [.., kv, T/2, hd, 2]"""
    *lead, T, hd = v.shape
    return v.reshape(*lead, T // 2, 2, hd).transpose(-2, -1)


def keys_rows(keys: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`keys_layout`: [.., kv, hd/2, T, 2] → [.., kv, T, hd] (a copy)."""
    *lead, half, T, _ = keys.shape
    return keys.transpose(-3, -2).reshape(*lead, T, 2 * half)


def values_rows(values: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`values_layout`: [.., kv, T/2, hd, 2] → [.., kv, T, hd] (a copy)."""
    *lead, pairs, hd, _ = values.shape
    return values.transpose(-2, -1).reshape(*lead, 2 * pairs, hd)


class KVCache:
    def __init__(self, n_layers: int, rows: int, n_kv: int, slots: int, head_dim: int, dtype: torch.dtype):
        S = _even(slots)
        # Keys past a row's fill are never read; values are, as zeros times a zero weight (a pair's second slot).
        self.keys = [torch.empty((rows, n_kv, head_dim // 2, S, 2), dtype=dtype) for _ in range(n_layers)]
        self.values = [torch.zeros((rows, n_kv, S // 2, head_dim, 2), dtype=dtype) for _ in range(n_layers)]
        self.prefix_k = [torch.zeros((n_kv, head_dim // 2, 0, 2), dtype=dtype) for _ in range(n_layers)]
        self.prefix_v = [torch.zeros((n_kv, 0, head_dim, 2), dtype=dtype) for _ in range(n_layers)]

    def set_prefix(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> None:
        """The shared prefix's keys and values, [kv, L, hd] each."""
        self.prefix_k[layer] = keys_layout(k).contiguous()
        self.prefix_v[layer] = values_layout(F.pad(v, (0, 0, 0, v.shape[-2] % 2))).contiguous()

    def write_own(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> None:
        """Every row's own slots ``0:T`` from [rows, kv, T, hd] each."""
        T = k.shape[-2]
        self.keys[layer][..., :T, :] = keys_layout(k)
        self.values[layer][:, :, : _even(T) // 2] = values_layout(F.pad(v, (0, 0, 0, T % 2)))

    def select_rows(self, index: torch.Tensor) -> None:
        """Keep rows ``index`` (in that order, repeats allowed) of the own slots."""
        self.keys = [k.index_select(0, index) for k in self.keys]
        self.values = [v.index_select(0, index) for v in self.values]
