"""The native decode kernels against the same computation as tensor ops, and the cache layouts."""

import shutil

import pytest
import torch
import torch.nn.functional as F

from ethos.models import kernels
from ethos.models.kv_cache import KVCache, keys_layout, keys_rows, values_layout, values_rows

needs_native = pytest.mark.skipif(shutil.which("c++") is None, reason="no C++ compiler to build the native kernels")


@pytest.fixture(scope="module")
def native():
    assert kernels.native(), "the native kernels failed to build; see the warning above"


def test_layouts_round_trip():
    k = torch.randn(2, 3, 10, 8)
    assert torch.equal(keys_rows(keys_layout(k)), k)
    assert torch.equal(values_rows(values_layout(k)), k)
    # element (slot s, dim d) sits where the kernel looks for it
    kl, vl = keys_layout(k), values_layout(k)
    assert kl[1, 2, 5 // 2, 7, 5 % 2] == k[1, 2, 7, 5]
    assert vl[1, 2, 7 // 2, 5, 7 % 2] == k[1, 2, 7, 5]


def _case(L: int, group: int, seed: int = 0, B: int = 6, nkv: int = 2, hd: int = 64, slots: int = 21):
    g = torch.Generator().manual_seed(seed)
    nq = nkv * group
    cache = KVCache(1, B + 2, nkv, slots, hd, torch.bfloat16)
    if L:
        cache.set_prefix(0, torch.randn(nkv, L, hd, generator=g).bfloat16(), torch.randn(nkv, L, hd, generator=g).bfloat16())
    cache.write_own(0, torch.randn(B + 2, nkv, slots, hd, generator=g).bfloat16(), torch.randn(B + 2, nkv, slots, hd, generator=g).bfloat16())
    angles = torch.rand(B, hd // 2, generator=g) * 6
    return dict(
        qkv=torch.randn(B, (nq + 2 * nkv) * hd, generator=g).bfloat16(), cos=angles.cos(), sin=angles.sin(),
        prefix_k=cache.prefix_k[0], prefix_v=cache.prefix_v[0], keys=cache.keys[0], values=cache.values[0],
        rows=torch.randperm(B + 2, generator=g)[:B].contiguous(), fill=torch.randint(0, slots, (B,), generator=g),
        n_heads=nq, scale=0.125,
    )


@needs_native
@pytest.mark.parametrize("L,group", [(0, 3), (7, 3), (16, 1), (25, 4), (9, 6)])
def test_decode_attention_matches_fp32_reference(native, L, group):
    case = _case(L, group)
    exact = {k: (v.float() if torch.is_tensor(v) and v.dtype == torch.bfloat16 else v) for k, v in case.items()}
    exact["keys"], exact["values"] = case["keys"].float().clone(), case["values"].float().clone()
    truth = kernels.decode_attention_reference(**exact)
    bf16 = {**case, "keys": case["keys"].clone(), "values": case["values"].clone()}
    out = torch.ops.ethos.decode_attention(*bf16.values())
    # bf16 inputs rounded where the model rounds them: errors are a few bf16 ulps of the output's scale
    assert (out.float() - truth).abs().max() < 0.03 * truth.abs().max()
    # the new key and value landed in the same slots as the reference wrote them (key rounded once)
    written = slice(0, 21)  # the slot past them (the cache keeps an even count) was never written
    assert (bf16["keys"][:, :, :, written].float() - exact["keys"][:, :, :, written]).abs().max() < 0.02
    assert torch.equal(bf16["values"].float(), exact["values"])


@needs_native
def test_decode_attention_only_reads_filled_slots(native):
    case = _case(5, 3)
    a = torch.ops.ethos.decode_attention(*{**case, "keys": case["keys"].clone(), "values": case["values"].clone()}.values())
    poisoned_k, poisoned_v = case["keys"].clone(), case["values"].clone()
    for r, f in zip(case["rows"].tolist(), case["fill"].tolist()):
        poisoned_k[r, :, :, f + 1 :] = float("nan")
        if f % 2 == 0:  # the slot sharing the last filled slot's pair must be finite, as the cache keeps it
            poisoned_v[r, :, f // 2 + 1 :] = float("nan")
        else:
            poisoned_v[r, :, (f + 1) // 2 :] = float("nan")
    b = torch.ops.ethos.decode_attention(*{**case, "keys": poisoned_k, "values": poisoned_v}.values())
    assert torch.equal(a, b)


@needs_native
def test_rms_norm_and_silu_mul_match_torch(native):
    x = (torch.randn(5, 576) * 3).bfloat16()
    ref = F.rms_norm(x.float(), (576,), eps=1e-5)
    assert (torch.ops.ethos.rms_norm(x, 1e-5).float() - ref).abs().max() < 0.02 * ref.abs().max()
    y = (torch.randn(7, 2 * 40) * 4).bfloat16()  # 40: a vector part and a scalar tail
    gate, up = y.float().chunk(2, -1)
    ref = F.silu(gate) * up
    assert (torch.ops.ethos.silu_mul(y).float() - ref).abs().max() < 0.01 * ref.abs().max()


@needs_native
def test_portable_build_agrees_with_the_native_one(native):
    """The scalar paths, compiled for a CPU without AVX-512, compute what the vector paths compute."""
    kernels.build(namespace="ethos_portable", arch="x86-64-v2")
    for L, group in [(7, 3), (0, 1), (25, 4)]:
        case = _case(L, group, seed=3)
        fast = torch.ops.ethos.decode_attention(*{**case, "keys": case["keys"].clone(), "values": case["values"].clone()}.values())
        slow = torch.ops.ethos_portable.decode_attention(*{**case, "keys": case["keys"].clone(), "values": case["values"].clone()}.values())
        assert (fast.float() - slow.float()).abs().max() < 0.02 * slow.float().abs().max()
    x = (torch.randn(5, 600) * 3).bfloat16()
    assert (torch.ops.ethos.rms_norm(x, 1e-5).float() - torch.ops.ethos_portable.rms_norm(x, 1e-5).float()).abs().max() < 0.05
    y = (torch.randn(7, 2 * 40) * 4).bfloat16()
    assert (torch.ops.ethos.silu_mul(y).float() - torch.ops.ethos_portable.silu_mul(y).float()).abs().max() < 0.05


def test_reference_path_when_the_build_fails(monkeypatch, caplog):
    from torch.utils import cpp_extension

    def fail(**_):
        raise RuntimeError("no compiler here")

    monkeypatch.setattr(cpp_extension, "load", fail)
    kernels.native.cache_clear()
    monkeypatch.setattr(kernels, "_loaded", lambda: False)
    try:
        assert kernels.native() is False
        assert "no compiler here" in caplog.text
        y = torch.randn(3, 8).bfloat16()
        gate, up = y.chunk(2, -1)
        assert torch.equal(kernels.silu_mul(y), F.silu(gate) * up)
    finally:
        kernels.native.cache_clear()
