"""The engine's native kernels (``csrc/``), built once per machine *kind* and chosen at run time.

One source compiles to a library per x86-64 level — ``avx2`` (x86-64-v3: AVX2+FMA), ``avx512``
(x86-64-v4) and ``avx512_bf16`` — each with fixed ``-march`` flags, into
``$ETHOS_HOME/kernels/<level>-<hash of sources and flags>``, and registers its operators as
``torch.ops.ethos_<level>``. The level is the CPU's own (:mod:`ethos.models.hardware`), never the
compiling machine's, so a ``$ETHOS_HOME`` shared between different CPUs holds one build per kind
and no machine loads instructions it lacks. ``torch.utils.cpp_extension`` compiles a build the
first time it is needed (~20 s) and later processes load it in milliseconds; concurrent builders
wait on torch's lock in that folder.

Below x86-64-v3, on other architectures (aarch64), without a C++ compiler, or with
``ETHOS_NATIVE_KERNELS=0``, the engine runs the same computation as tensor ops
(:func:`decode_attention_reference`), so nothing depends on a build succeeding.
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
from ethos.models.hardware import LEVELS, CpuInfo, cpu_info
from ethos.models.kv_cache import keys_rows, values_rows

log = logging.getLogger(__name__)
CSRC = Path(__file__).parent / "csrc"
FLAGS = ["-O3", "-ffp-contract=fast", "-fopenmp"]  # OpenMP: at::parallel_for is inline
VARIANTS = {  # level -> the instructions its build may use
    "avx2": ["-march=x86-64-v3"],
    "avx512": ["-march=x86-64-v4"],
    "avx512_bf16": ["-march=x86-64-v4", "-mavx512bf16"],
}


def variant_for(info: CpuInfo) -> str | None:
    """The build this CPU runs (its own level), or None where the tensor-op path is used."""
    return info.level if info.arch == "x86_64" and info.level in VARIANTS else None


def runnable_variants(info: CpuInfo | None = None) -> list[str]:
    """Every build this CPU can execute: its own level and the ones below it."""
    own = variant_for(info or cpu_info())
    if own is None:
        return []
    return [v for v in reversed(LEVELS) if v in VARIANTS and LEVELS.index(v) >= LEVELS.index(own)]


def sources() -> list[Path]:
    return sorted(CSRC.glob("*.cpp"))


def build_folder(variant: str) -> Path:
    """Where ``variant`` is built: keyed by the level, the sources, the flags, the platform and torch."""
    blob = b"".join(p.read_bytes() for p in sorted(CSRC.iterdir()) if p.suffix in (".cpp", ".h"))
    blob += " ".join(FLAGS + VARIANTS[variant] + [platform.machine(), torch.__version__]).encode()
    return ethos_home() / "kernels" / f"{variant}-{hashlib.sha256(blob).hexdigest()[:12]}"


def build(variant: str):
    """Compile (once per build folder) and load ``variant``; return its ``torch.ops`` namespace."""
    from torch.utils import cpp_extension

    namespace = f"ethos_{variant}"
    if _loaded(namespace):
        return getattr(torch.ops, namespace)
    if shutil.which("ninja") is None:  # the ninja wheel's binary sits in the environment's bin, maybe not on PATH
        import ninja

        os.environ["PATH"] = ninja.BIN_DIR + os.pathsep + os.environ.get("PATH", "")
    folder = build_folder(variant)
    folder.mkdir(parents=True, exist_ok=True)
    if not any(folder.glob("*.so")):
        print(
            f"ethos: building the native kernels for {variant} once into {folder} (~20 s)", file=sys.stderr, flush=True
        )
    cpp_extension.load(
        name=f"ethos_kernels_{folder.name.replace('-', '_')}",
        sources=[str(p) for p in sources()],
        extra_cflags=FLAGS + VARIANTS[variant] + [f"-DETHOS_OPS={namespace}", f"-I{CSRC}"],
        extra_ldflags=["-fopenmp"],
        build_directory=str(folder),
        is_python_module=False,
        verbose=False,
    )
    return getattr(torch.ops, namespace)


def _loaded(namespace: str) -> bool:
    try:
        return hasattr(getattr(torch.ops, namespace), "decode_attention")
    except (AttributeError, RuntimeError):
        return False


@cache
def ops():
    """This CPU's kernel namespace (built if needed), or None where the tensor-op path runs."""
    if os.environ.get("ETHOS_NATIVE_KERNELS", "1") == "0":
        return None
    variant = variant_for(cpu_info())
    if variant is None:
        return None
    try:
        return build(variant)
    except Exception as exc:  # no compiler, no ninja, an old compiler: the tensor-op path still works
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.warning("native kernels for %s unavailable (%s); using the slower tensor-op path", variant, first)
        return None


def native() -> bool:
    """True when this CPU's native kernels are loaded (building them if needed)."""
    return ops() is not None


def _native_for(t: torch.Tensor):
    return ops() if t.dtype in (torch.float32, torch.bfloat16) else None


def rms_norm(x: torch.Tensor, eps: float) -> torch.Tensor:
    """RMSNorm with no weight, fp32 statistics, for [rows, dim]."""
    k = _native_for(x)
    if k is not None and x.is_contiguous():
        return k.rms_norm(x, eps)
    return F.rms_norm(x.float(), (x.shape[-1],), eps=eps).to(x.dtype)


def silu_mul(y: torch.Tensor) -> torch.Tensor:
    """silu(gate) · up for ``y = [gate | up]`` [rows, 2F]."""
    k = _native_for(y)
    if k is not None and y.is_contiguous() and y.dim() == 2:
        return k.silu_mul(y)
    gate, up = y.chunk(2, dim=-1)
    return F.silu(gate) * up


def rope_tables(cos: torch.Tensor, sin: torch.Tensor, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """Full-width cos and a sign-folded sin from the half-width fp32 angles, cast to ``dtype`` as
    ``transformers`` casts them, so that ``rotate(x, cos, sin)`` is its ``apply_rotary_pos_emb``."""
    return torch.cat((cos, cos), dim=-1).to(dtype), torch.cat((-sin, sin), dim=-1).to(dtype)


def rotate(x: torch.Tensor, cos: torch.Tensor, sin_signed: torch.Tensor) -> torch.Tensor:
    """x·cos + swap_halves(x)·sin_signed (a roll by half the width swaps the halves)."""
    return x * cos + torch.roll(x, x.shape[-1] // 2, -1) * sin_signed


def decode_attention(
    qkv, cos, sin, prefix_k, prefix_v, keys, values, rows, fill, n_heads: int, scale: float, prefix_len: int
) -> torch.Tensor:
    """One decode step of attention; see ``csrc/attention.cpp`` and :mod:`ethos.models.kv_cache` for the
    layouts. Writes the new k, v."""
    args = (qkv, cos, sin, prefix_k, prefix_v, keys, values, rows, fill, n_heads, scale, prefix_len)
    k = _native_for(qkv)
    if k is not None:
        return k.decode_attention(*args)
    return decode_attention_reference(*args)


def decode_attention_reference(
    qkv, cos, sin, prefix_k, prefix_v, keys, values, rows, fill, n_heads: int, scale: float, prefix_len: int
) -> torch.Tensor:
    """The kernel's computation as tensor ops in the cache's dtype (rotation as ``transformers``
    computes it, fp32 softmax): the path for CPUs without a native build."""
    B = qkv.shape[0]
    nkv, groups, block, pair = keys.shape[1], keys.shape[3], keys.shape[4], keys.shape[5]
    hd, dtype, L = groups * pair, keys.dtype, prefix_len
    q, k, v = qkv.split([n_heads * hd, nkv * hd, nkv * hd], dim=-1)
    cos_f, sin_f = (t[:, None] for t in rope_tables(cos, sin, dtype))
    q, k = rotate(q.reshape(B, n_heads, hd), cos_f, sin_f), rotate(k.reshape(B, nkv, hd), cos_f, sin_f)
    keys[rows, :, fill // block, :, fill % block] = k.reshape(B, nkv, groups, pair)
    values[rows, :, fill // pair, :, fill % pair] = v.reshape(B, nkv, hd)
    n = int(fill.max()) + 1
    all_k = torch.cat([keys_rows(prefix_k)[None, :, :L].expand(B, -1, -1, -1), keys_rows(keys[rows])[:, :, :n]], dim=2)
    all_v = torch.cat(
        [values_rows(prefix_v)[None, :, :L].expand(B, -1, -1, -1), values_rows(values[rows])[:, :, :n]], dim=2
    )
    q = q.reshape(B, nkv, n_heads // nkv, hd)
    scores = (q @ all_k.transpose(-1, -2)).float() * scale  # [B, nkv, group, L + n]
    visible = torch.cat([torch.ones((B, L), dtype=torch.bool), torch.arange(n)[None] <= fill[:, None]], dim=1)
    probs = torch.softmax(scores.masked_fill(~visible[:, None, None], float("-inf")), dim=-1).to(dtype)
    return (probs @ all_v).reshape(B, n_heads * hd)
