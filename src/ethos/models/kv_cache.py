"""The decode engine's key/value cache: one copy of the prompt prefix every row shares, plus each
row's own slots (the rest of its prompt, then what it generates).

Batches of chat prompts share a long prefix (the template's system turn). Stored once, it is read
once per step instead of once per row, and a row's own slots hold only its own tokens, written
from slot 0, so attention reads exactly the slots that exist. Positions, not slots, drive RoPE.

Layouts group P adjacent elements for the native kernel (``csrc/attention.cpp``): P = 2 for bf16,
so one 32-bit word holds a pair (two multiply-adds per lane, with one AVX512-BF16 instruction or a
shift and a mask elsewhere), and P = 1 for fp32. Keys come in blocks of ``BLOCK`` = 16 slots, each
block holding one 64-byte line per dimension (per dimension pair in bf16):

- keys   ``[rows, kv, slots/16, hd/P, 16, P]``: element (slot s, dim d) at [s // 16, d // P, s % 16, d % P]
- values ``[rows, kv, slots/P, hd, P]``: element (s, d) at [s // P, d, s % P]

So the keys of a row's first n slots are one contiguous run, as are its values, and a decode step
reads each row's cache as two streams the hardware prefetcher follows. The cache is read from memory
every step (the weights stream through the caches in between). With keys stored dimension-major over
all slots ([hd/P, slots, P]), each row and head was 64 short runs and attention waited on memory:
the blocks made a 32-row step's attention 1.5–1.9× faster at 66–576 filled slots (AVX2 and AVX-512,
fp32, 2026-11-30), and at 576 slots it now reads the cache at about the machine's memory bandwidth.
The prefix uses the same layouts without the row dimension, its keys zero-padded to whole blocks;
``prefix_len`` is its length. ``slots`` is kept a multiple of 16.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

BLOCK = 16


def pair_size(dtype: torch.dtype) -> int:
    return 2 if dtype == torch.bfloat16 else 1


def _round_up(n: int, p: int) -> int:
    return n + (-n) % p


def keys_layout(k: torch.Tensor, pair: int) -> torch.Tensor:
    """[.., kv, T, hd] → [.., kv, T16/16, hd/P, 16, P], T zero-padded to T16, a multiple of 16"""
    k = F.pad(k, (0, 0, 0, (-k.shape[-2]) % BLOCK))
    *lead, T, hd = k.shape
    return k.reshape(*lead, T // BLOCK, BLOCK, hd // pair, pair).transpose(-3, -2)


def values_layout(v: torch.Tensor, pair: int) -> torch.Tensor:
    """[.., kv, T, hd] (T a multiple of P) → [.., kv, T/P, hd, P]"""
    *lead, T, hd = v.shape
    return v.reshape(*lead, T // pair, pair, hd).transpose(-2, -1)


def keys_rows(keys: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`keys_layout`: [.., kv, T/16, hd/P, 16, P] → [.., kv, T, hd] (a copy, padding included)."""
    *lead, blocks, groups, block, pair = keys.shape
    return keys.transpose(-3, -2).reshape(*lead, blocks * block, groups * pair)


def values_rows(values: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`values_layout`: [.., kv, T/P, hd, P] → [.., kv, T, hd] (a copy)."""
    *lead, groups, hd, pair = values.shape
    return values.transpose(-2, -1).reshape(*lead, groups * pair, hd)


class KVCache:
    def __init__(self, n_layers: int, rows: int, n_kv: int, slots: int, head_dim: int, dtype: torch.dtype):
        P = self.pair = pair_size(dtype)
        S = _round_up(slots, BLOCK)
        G = head_dim // P
        # Keys past a row's fill are never read; values are, as zeros times a zero weight (a pair's second slot).
        self.keys = [torch.empty((rows, n_kv, S // BLOCK, G, BLOCK, P), dtype=dtype) for _ in range(n_layers)]
        self.values = [torch.zeros((rows, n_kv, S // P, head_dim, P), dtype=dtype) for _ in range(n_layers)]
        self.prefix_k = [torch.zeros((n_kv, 0, G, BLOCK, P), dtype=dtype) for _ in range(n_layers)]
        self.prefix_v = [torch.zeros((n_kv, 0, head_dim, P), dtype=dtype) for _ in range(n_layers)]
        self.prefix_len = 0

    def set_prefix(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> None:
        """The shared prefix's keys and values, [kv, L, hd] each (the same L for every layer)."""
        P = self.pair
        self.prefix_len = k.shape[-2]
        self.prefix_k[layer] = keys_layout(k, P).contiguous()
        self.prefix_v[layer] = values_layout(F.pad(v, (0, 0, 0, (-v.shape[-2]) % P)), P).contiguous()

    def write_own(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> None:
        """Every row's own slots ``0:T`` from [rows, kv, T, hd] each."""
        T, P = k.shape[-2], self.pair
        self.keys[layer][:, :, : _round_up(T, BLOCK) // BLOCK] = keys_layout(k, P)
        self.values[layer][:, :, : _round_up(T, P) // P] = values_layout(F.pad(v, (0, 0, 0, (-T) % P)), P)

    def select_rows(self, index: torch.Tensor) -> None:
        """Keep rows ``index`` (in that order, repeats allowed) of the own slots."""
        self.keys = [k.index_select(0, index) for k in self.keys]
        self.values = [v.index_select(0, index) for v in self.values]
