"""What this machine can do fast: its instruction set (x86-64 level, native bf16 products), capped by
the variables PyTorch and oneDNN use to cap theirs (``ATEN_CPU_CAPABILITY``, ``ONEDNN_MAX_CPU_ISA``),
so an AVX-512 machine can run, and test, exactly what an AVX2-only machine runs::

    ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ethos ...

Which dtype to compute in is decided above this, in :mod:`ethos.models.dtypes` (it times the kernels).
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from functools import cache

import torch

X86_64_V3 = {"avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe"}
X86_64_V4 = X86_64_V3 | {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}
# Levels from the highest down; a cap (from the environment) removes the ones above it.
LEVELS = ("avx512_bf16", "avx512", "avx2", "baseline")
_ATEN_CAPS = {"default": "baseline", "avx2": "avx2", "avx512": "avx512"}
_ONEDNN_CAPS = {
    "sse41": "baseline",
    "avx": "baseline",
    "avx2": "avx2",
    "avx2_vnni": "avx2",
    "avx2_vnni_2": "avx2",
    "avx512_core": "avx512",
    "avx512_core_vnni": "avx512",
}


@dataclass(frozen=True)
class CpuInfo:
    """The CPU as ethos uses it: architecture, model name, feature flags (after any cap)."""

    arch: str
    model: str
    flags: frozenset[str]
    cap: str | None = None  # the emulation cap in force, e.g. "avx2"

    @property
    def level(self) -> str:
        """The highest x86-64 level ethos has kernels for: avx512_bf16, avx512, avx2, or baseline."""
        if self.arch not in ("x86_64", "amd64"):
            return "baseline"
        if X86_64_V4 <= self.flags:
            return "avx512_bf16" if "avx512_bf16" in self.flags else "avx512"
        return "avx2" if X86_64_V3 <= self.flags else "baseline"

    @property
    def native_bf16(self) -> bool:
        """True when the CPU multiplies bf16 natively (so bf16 *can* be the fast dtype)."""
        if self.arch == "x86_64":
            return self.level == "avx512_bf16" or ("amx_bf16" in self.flags and self.level != "baseline")
        return "bf16" in self.flags  # aarch64 lists BF16 support as "bf16"

    @property
    def isa(self) -> str:
        """A short name for reports, e.g. ``x86_64 AVX2+FMA`` or ``x86_64 AVX-512+BF16 (capped from ...)``."""
        names = {"avx512_bf16": "AVX-512+BF16", "avx512": "AVX-512", "avx2": "AVX2+FMA", "baseline": "baseline"}
        if self.arch == "x86_64":
            text = f"x86_64 {names[self.level]}" + ("+AMX" if "amx_bf16" in self.flags else "")
        else:
            text = self.arch + (" +BF16" if "bf16" in self.flags else "")
        return text + (f" (emulated: {self.cap} cap)" if self.cap else "")


def _read_flags() -> tuple[str, set[str]]:
    """(model name, flags) from /proc/cpuinfo; empty where there is none (macOS, Windows)."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        text = open("/proc/cpuinfo", encoding="utf-8", errors="replace").read()
    except OSError:
        return model, flags
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("flags", "features") and not flags:
            flags = set(value.split())
        elif key in ("model name", "cpu model") and value.strip():
            model = value.strip()
    return model, flags


def _cap_from_env() -> str | None:
    """The lowest level that ATEN_CPU_CAPABILITY or ONEDNN_MAX_CPU_ISA allows, if either is set."""
    caps = []
    aten = os.environ.get("ATEN_CPU_CAPABILITY", "").strip().lower()
    if aten in _ATEN_CAPS:
        caps.append(_ATEN_CAPS[aten])
    onednn = os.environ.get("ONEDNN_MAX_CPU_ISA", "").strip().lower()
    if onednn in _ONEDNN_CAPS:
        caps.append(_ONEDNN_CAPS[onednn])
    return max(caps, key=LEVELS.index) if caps else None  # the lowest level wins


def apply_cap(flags: set[str], cap: str | None) -> frozenset[str]:
    """``flags`` without the features above ``cap`` (as the capped libraries will not use them)."""
    if cap in (None, "avx512_bf16"):
        return frozenset(flags)
    drop = {f for f in flags if f.startswith("amx") or f == "avx512_bf16"}
    if cap in ("avx2", "baseline"):
        drop |= {f for f in flags if f.startswith("avx512")}
    if cap == "baseline":
        drop |= X86_64_V3 - {"bmi1", "bmi2", "movbe"}
    return frozenset(flags - drop)


@cache
def cpu_info() -> CpuInfo:
    arch = platform.machine().lower()
    arch = "x86_64" if arch in ("x86_64", "amd64") else ("aarch64" if arch in ("aarch64", "arm64") else arch)
    model, flags = _read_flags()
    cap = _cap_from_env() if arch == "x86_64" else None
    return CpuInfo(arch=arch, model=model, flags=apply_cap(flags, cap), cap=cap)


def describe() -> str:
    """One line for logs, benches and reports: ISA, model name, threads."""
    info = cpu_info()
    return f"{info.isa}, {info.model}, {torch.get_num_threads()} threads"


@cache
def tune_allocator() -> bool:
    """Keep freed heap memory in the process instead of returning it to the OS after every tensor.

    glibc serves large blocks with fresh ``mmap`` pages and trims freed ones, so each activation
    tensor of a training step page-faults again on first touch: measured ~150,000 faults and ~1.5 s
    of kernel time per GRPO step of the embedded model on a 2-core VM. A fixed 32 MB mmap threshold
    and no automatic trimming remove nearly all of them (peak memory is unchanged; the study still
    trims explicitly between stages). A no-op where the C library is not glibc.
    """
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
        ok = libc.mallopt(m_mmap_threshold, 32 * 2**20) and libc.mallopt(m_trim_threshold, 2**31 - 1)
        return bool(ok and libc.mallopt(m_top_pad, 64 * 2**20))
    except (OSError, AttributeError):
        return False
