"""The dtype that is fastest *and* correct on this machine.

Speed on a CPU depends on instructions a model never sees. bf16 halves memory traffic, but only
CPUs with bf16 dot products (AVX512-BF16, AMX-BF16, ARM BF16) multiply it natively; elsewhere
PyTorch and oneDNN emulate it, several times slower than fp32 (measured on AVX2-only CPUs: ~7×).
Even with the instructions, bf16 is not always the faster choice (on some AVX512-BF16 VMs oneDNN's
bf16 products run no faster than MKL's fp32), so ``dtype: auto`` decides by features *and* a
one-second measurement of the engine's own products, and remembers the decision per machine in
``$ETHOS_HOME/hardware.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time

import torch

from ethos.models.cache import ethos_home
from ethos.models.hardware import CpuInfo, cpu_info
from ethos.models.linear import Linear

DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32, "bfloat16": torch.bfloat16, "float32": torch.float32}
DTYPE_CHOICES = ("auto", "bf16", "fp32")
BF16_MIN_SPEEDUP = 1.15  # bf16 must beat fp32 clearly: it also costs precision


def parse_dtype(dtype: str | torch.dtype) -> torch.dtype:
    """``auto`` (the fastest correct dtype here), ``bf16`` or ``fp32``, or a torch dtype as is."""
    if isinstance(dtype, torch.dtype):
        return dtype
    if dtype == "auto":
        return auto_dtype()
    try:
        return DTYPES[dtype]
    except KeyError:
        raise ValueError(f"unknown dtype '{dtype}'; use one of: {', '.join(DTYPE_CHOICES)}") from None


def dtype_name(dtype: torch.dtype) -> str:
    return (
        "bf16" if dtype == torch.bfloat16 else "fp32" if dtype == torch.float32 else str(dtype).removeprefix("torch.")
    )


def auto_dtype() -> torch.dtype:
    """bf16 on a GPU that supports it, and on a CPU with native bf16 products that measured faster; else fp32."""
    if torch.cuda.is_available():
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float32
    return DTYPES[decide_cpu_dtype(cpu_info())["dtype"]]


def _decision_key(info: CpuInfo) -> str:
    blob = json.dumps(
        [
            info.arch,
            info.model,
            sorted(info.flags),
            info.cap,
            torch.__version__,
            torch.get_num_threads(),
            os.environ.get("MKL_ENABLE_INSTRUCTIONS", ""),
        ]
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def decide_cpu_dtype(info: CpuInfo, measure=None) -> dict:
    """The decision for this CPU — ``{"dtype", "why", "speedup", ...}`` — measured once where bf16 is
    native and remembered in ``$ETHOS_HOME/hardware.json``. ``measure`` returns bf16's speedup over
    fp32 (default: :func:`bf16_speedup`, about a second)."""
    if not info.native_bf16:
        return {"dtype": "fp32", "why": f"{info.isa} has no native bf16 products", "speedup": None}
    path = ethos_home() / "hardware.json"
    key = _decision_key(info)
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if key in known:
        return known[key]
    speedup = (measure or bf16_speedup)()
    dtype = "bf16" if speedup >= BF16_MIN_SPEEDUP else "fp32"
    decision = {
        "dtype": dtype,
        "speedup": round(speedup, 3),
        "why": (
            f"{info.isa}: bf16 matrix products measured {speedup:.2f}x fp32's here "
            f"({'at least' if dtype == 'bf16' else 'under'} the {BF16_MIN_SPEEDUP}x needed to prefer bf16)"
        ),
        "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    _remember(path, key, decision)
    return decision


def _remember(path, key: str, decision: dict) -> None:
    from ethos.files import atomic_path

    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    known[key] = decision
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(known, indent=2), encoding="utf-8")
    except OSError:  # a read-only home: decide again next time
        pass


def bf16_speedup(seconds: float = 1.0) -> float:
    """Time bf16 against fp32 on the shapes a small model's decode and training steps multiply (~``seconds``).

    Each dtype takes the path the engine and training would take: prepacked oneDNN for bf16
    decode, plain ``F.linear`` (MKL / oneDNN) otherwise.
    """
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(0)
    shapes = ((32, 576, 1536), (512, 576, 1536))  # (rows, in, out): a decode step and a training micro-batch
    totals = {}
    for dtype in (torch.float32, torch.bfloat16):
        total = 0.0
        for rows, k, n in shapes:
            x = torch.randn(rows, k, generator=g).to(dtype)
            w = torch.randn(n, k, generator=g).to(dtype)
            lin = Linear(w) if rows <= 64 else None
            run = (lambda: lin(x)) if lin is not None else (lambda: F.linear(x, w))
            total += _time_per_call(run, seconds / 4) / (rows * k * n)
        totals[dtype] = total
    return totals[torch.float32] / totals[torch.bfloat16]


def _time_per_call(fn, budget: float) -> float:
    fn()
    start, calls = time.perf_counter(), 0
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget or (calls >= 3 and elapsed > budget / 2):
            return elapsed / calls
