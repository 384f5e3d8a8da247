"""The engine's native decode kernels (``csrc/decode_attention.cpp``), built once per machine.

``torch.utils.cpp_extension`` compiles the source the first time it is needed (~1 min) into
``$ETHOS_HOME/kernels/<hash of source and flags>``; later processes load the built library in
milliseconds, and concurrent builders wait on torch's lock in that folder. Without a C++ compiler,
or with ``ETHOS_NATIVE_KERNELS=0``, the engine uses :func:`decode_attention_reference` (the same
computation as tensor ops), so nothing depends on the build succeeding.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import shutil
import sys
from functools import cache
from pathlib import Path

import torch
import torch.nn.functional as F

from ethos.models.cache import ethos_home
from ethos.models.kv_cache import keys_rows, values_rows

log = logging.getLogger(__name__)
SOURCE = Path(__file__).parent / "csrc" / "decode_attention.cpp"
FLAGS = ["-O3", "-ffp-contract=fast", "-fopenmp"]  # OpenMP: at::parallel_for is inline


@cache
def native() -> bool:
    """True when the native kernels are loaded into ``torch.ops.ethos`` (building them if needed)."""
    if os.environ.get("ETHOS_NATIVE_KERNELS", "1") == "0":
        return False
    if _loaded():
        return True
    try:
        build()
        return True
    except Exception as exc:  # no compiler, no ninja, odd platform: the tensor-op path still works
        log.warning("native decode kernels unavailable (%s); using the tensor-op path", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return False


def build(namespace: str = "ethos", arch: str = "native") -> None:
    """Compile (once per source, flags and torch version) and load the kernels as ``torch.ops.<namespace>``;
    ``arch`` is the ``-march`` target (``native`` uses every instruction this CPU has)."""
    from torch.utils import cpp_extension

    if shutil.which("ninja") is None:  # the ninja wheel's binary sits in the environment's bin, maybe not on PATH
        import ninja

        os.environ["PATH"] = ninja.BIN_DIR + os.pathsep + os.environ.get("PATH", "")
    flags = FLAGS + [f"-march={arch}", f"-DETHOS_OPS={namespace}"]
    tag = hashlib.sha256(SOURCE.read_bytes() + " ".join(flags + [platform.machine(), torch.__version__]).encode()).hexdigest()[:12]
    folder = ethos_home() / "kernels" / tag
    folder.mkdir(parents=True, exist_ok=True)
    if not any(folder.glob("*.so")):
        print(f"ethos: building the native decode kernels once into {folder} (~10 s)", file=sys.stderr, flush=True)
    cpp_extension.load(
        name=f"ethos_kernels_{tag}", sources=[str(SOURCE)], extra_cflags=flags, extra_ldflags=["-fopenmp"],
        build_directory=str(folder), is_python_module=False, verbose=False,
    )


def _loaded() -> bool:
    try:
        return hasattr(torch.ops.ethos, "decode_attention")
    except (AttributeError, RuntimeError):
        return False


def rms_norm(x: torch.Tensor, eps: float) -> torch.Tensor:
    """RMSNorm with no weight, fp32 statistics, for [rows, dim]."""
    if x.dtype == torch.bfloat16 and native():
        return torch.ops.ethos.rms_norm(x, eps)
    return F.rms_norm(x.float(), (x.shape[-1],), eps=eps).to(x.dtype)


def silu_mul(y: torch.Tensor) -> torch.Tensor:
    """silu(gate) · up for ``y = [gate | up]`` [rows, 2F] (bf16 natively; else in the input's dtype)."""
    if y.dtype == torch.bfloat16 and y.is_contiguous() and native():
        return torch.ops.ethos.silu_mul(y)
    gate, up = y.chunk(2, dim=-1)
    return F.silu(gate) * up


def rope_tables(cos: torch.Tensor, sin: torch.Tensor, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """Full-width cos and a sign-folded sin from the half-width fp32 angles, cast to ``dtype`` as
    ``transformers`` casts them, so that ``rotate(x, cos, sin)`` is its ``apply_rotary_pos_emb``."""
    return torch.cat((cos, cos), dim=-1).to(dtype), torch.cat((-sin, sin), dim=-1).to(dtype)


def rotate(x: torch.Tensor, cos: torch.Tensor, sin_signed: torch.Tensor) -> torch.Tensor:
    """x·cos + swap_halves(x)·sin_signed (a roll by half the width swaps the halves)."""
    return x * cos + torch.roll(x, x.shape[-1] // 2, -1) * sin_signed


def decode_attention(qkv, cos, sin, prefix_k, prefix_v, keys, values, rows, fill, n_heads: int, scale: float) -> torch.Tensor:
    """One decode step of attention; see the C++ source for the layouts. Writes the new k, v."""
    if qkv.dtype == torch.bfloat16 and native():
        return torch.ops.ethos.decode_attention(qkv, cos, sin, prefix_k, prefix_v, keys, values, rows, fill, n_heads, scale)
    return decode_attention_reference(qkv, cos, sin, prefix_k, prefix_v, keys, values, rows, fill, n_heads, scale)


def decode_attention_reference(qkv, cos, sin, prefix_k, prefix_v, keys, values, rows, fill, n_heads: int, scale: float) -> torch.Tensor:
    """The kernel's computation as tensor ops in the cache's dtype (rotation as ``transformers``
    computes it, fp32 softmax): the path for fp32 and for machines without the native build."""
    B = qkv.shape[0]
    nkv, half, S = keys.shape[1:4]
    hd, dtype, L = 2 * half, keys.dtype, prefix_k.shape[2]
    q, k, v = qkv.split([n_heads * hd, nkv * hd, nkv * hd], dim=-1)
    cos_f, sin_f = (t[:, None] for t in rope_tables(cos, sin, dtype))
    q, k = rotate(q.reshape(B, n_heads, hd), cos_f, sin_f), rotate(k.reshape(B, nkv, hd), cos_f, sin_f)
    keys[rows, :, :, fill] = k.reshape(B, nkv, half, 2)
    values[rows, :, fill // 2, :, fill % 2] = v.reshape(B, nkv, hd)
    n = int(fill.max()) + 1
    all_k = torch.cat([keys_rows(prefix_k)[None].expand(B, -1, -1, -1), keys_rows(keys[rows])[:, :, :n]], dim=2)
    all_v = torch.cat([values_rows(prefix_v)[None, :, :L].expand(B, -1, -1, -1), values_rows(values[rows])[:, :, :n]], dim=2)
    q = q.reshape(B, nkv, n_heads // nkv, hd)
    scores = (q @ all_k.transpose(-1, -2)).float() * scale  # [B, nkv, group, L + n]
    visible = torch.cat([torch.ones((B, L), dtype=torch.bool), torch.arange(n)[None] <= fill[:, None]], dim=1)
    probs = torch.softmax(scores.masked_fill(~visible[:, None, None], float("-inf")), dim=-1).to(dtype)
    return (probs @ all_v).reshape(B, n_heads * hd)
