"""dtype: auto and the CPU's instruction set, on forced feature sets (no real timing)."""

import json

import pytest
import torch

from ethos.models import dtypes, hardware
from ethos.models.dtypes import decide_cpu_dtype, parse_dtype
from ethos.models.hardware import CpuInfo, apply_cap
from ethos.models.kernels import build_folder, runnable_variants, variant_for

V3 = {"avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "sse4_2"}
V4 = V3 | {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}
AVX2 = CpuInfo("x86_64", "laptop", frozenset(V3))
AVX512 = CpuInfo("x86_64", "cascade lake", frozenset(V4))
AVX512_BF16 = CpuInfo("x86_64", "sapphire rapids", frozenset(V4 | {"avx512_bf16", "amx_bf16"}))
ARM_BF16 = CpuInfo("aarch64", "graviton3", frozenset({"fp", "asimd", "bf16"}))
ARM = CpuInfo("aarch64", "graviton2", frozenset({"fp", "asimd"}))


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ETHOS_HOME", str(tmp_path))
    return tmp_path


def never():
    raise AssertionError("no measurement is needed where bf16 is not native")


@pytest.mark.parametrize(
    "info,level,native_bf16",
    [
        (AVX2, "avx2", False),
        (AVX512, "avx512", False),
        (AVX512_BF16, "avx512_bf16", True),
        (ARM_BF16, "baseline", True),
        (ARM, "baseline", False),
        (CpuInfo("x86_64", "old", frozenset({"sse4_2", "avx"})), "baseline", False),
    ],
)
def test_levels_and_native_bf16(info, level, native_bf16):
    assert info.level == level
    assert info.native_bf16 is native_bf16


@pytest.mark.parametrize("info", [AVX2, AVX512, ARM])
def test_fp32_without_native_bf16_and_no_timing(home, info):
    decision = decide_cpu_dtype(info, measure=never)
    assert decision["dtype"] == "fp32" and "no native bf16" in decision["why"]


@pytest.mark.parametrize("speedup,dtype", [(2.0, "bf16"), (1.2, "bf16"), (1.05, "fp32"), (0.8, "fp32")])
def test_native_bf16_is_chosen_only_when_it_measured_faster(home, speedup, dtype):
    assert decide_cpu_dtype(AVX512_BF16, measure=lambda: speedup)["dtype"] == dtype
    assert decide_cpu_dtype(ARM_BF16, measure=lambda: speedup)["dtype"] == dtype


def test_decision_is_measured_once_and_remembered(home):
    calls = []

    def measure():
        calls.append(1)
        return 0.9

    first = decide_cpu_dtype(AVX512_BF16, measure=measure)
    again = decide_cpu_dtype(AVX512_BF16, measure=measure)
    assert first == again and len(calls) == 1
    saved = json.loads((home / "hardware.json").read_text())
    assert list(saved.values()) == [first]
    # another kind of CPU sharing the home gets its own decision
    other = CpuInfo("x86_64", "another", AVX512_BF16.flags)
    decide_cpu_dtype(other, measure=measure)
    assert len(calls) == 2 and len(json.loads((home / "hardware.json").read_text())) == 2


def test_caps_from_the_environment_emulate_a_lower_level(monkeypatch):
    assert apply_cap(set(AVX512_BF16.flags), "avx2") == frozenset(V3)
    assert CpuInfo("x86_64", "x", apply_cap(set(AVX512_BF16.flags), "avx512")).level == "avx512"
    assert apply_cap(set(V4), None) == frozenset(V4)
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "avx2")
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    assert hardware._cap_from_env() == "avx2"
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "avx512")
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    assert hardware._cap_from_env() == "avx2"  # the lower of the two caps wins
    monkeypatch.delenv("ATEN_CPU_CAPABILITY")
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA")
    assert hardware._cap_from_env() is None


def test_explicit_dtypes_win_and_auto_resolves(home, monkeypatch):
    assert parse_dtype("bf16") == torch.bfloat16 and parse_dtype("fp32") == torch.float32
    monkeypatch.setattr(dtypes, "cpu_info", lambda: AVX2)
    assert parse_dtype("auto") == torch.float32
    with pytest.raises(ValueError, match="auto, bf16, fp32"):
        parse_dtype("fp16")


def test_kernel_builds_are_keyed_by_the_cpus_level(home):
    assert variant_for(AVX2) == "avx2" and variant_for(AVX512) == "avx512" and variant_for(AVX512_BF16) == "avx512_bf16"
    assert variant_for(ARM) is None and variant_for(CpuInfo("x86_64", "old", frozenset({"avx"}))) is None
    assert runnable_variants(AVX2) == ["avx2"]
    assert runnable_variants(AVX512_BF16) == ["avx2", "avx512", "avx512_bf16"]
    assert runnable_variants(ARM) == []
    folders = {v: build_folder(v) for v in ("avx2", "avx512", "avx512_bf16")}
    assert len(set(folders.values())) == 3 and all(f.name.startswith(v + "-") for v, f in folders.items())
    assert all(f.parent == home / "kernels" for f in folders.values())
    from ethos.models.kernels import FLAGS, VARIANTS

    assert not any("native" in flag for flag in FLAGS + sum(VARIANTS.values(), []))  # never the compiling machine's ISA
