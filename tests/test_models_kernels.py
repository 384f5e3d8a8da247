"""Every native kernel build this CPU can execute, against the same computation in fp32 tensor ops."""

import shutil

import pytest
import torch
import torch.nn.functional as F

from ethos.models import kernels
from ethos.models.kv_cache import KVCache, keys_layout, keys_rows, values_layout, values_rows

VARIANTS = kernels.runnable_variants()
if shutil.which("c++") is None or not VARIANTS:
    VARIANTS = []
DTYPES = [torch.float32, torch.bfloat16]


@pytest.fixture(
    scope="module",
    params=VARIANTS or [pytest.param(None, marks=pytest.mark.skip(reason="no native build for this CPU"))],
)
def ops(request):
    return kernels.build(request.param)


@pytest.mark.parametrize("pair", [1, 2])
def test_layouts_round_trip(pair):
    k = torch.randn(2, 3, 22, 8)
    kl, vl = keys_layout(k, pair), values_layout(k, pair)
    assert kl.shape == (2, 3, 2, 8 // pair, 16, pair)  # 22 slots padded to two blocks of 16
    assert torch.equal(keys_rows(kl)[..., :22, :], k) and not keys_rows(kl)[..., 22:, :].any()
    assert torch.equal(values_rows(vl), k)
    # element (slot s, dim d) sits where the kernel looks for it
    for s in (7, 19):
        assert kl[1, 2, s // 16, 5 // pair, s % 16, 5 % pair] == k[1, 2, s, 5]
        assert vl[1, 2, s // pair, 5, s % pair] == k[1, 2, s, 5]
    # a row's first n slots are one contiguous run of keys
    flat = kl.contiguous()[1, 2].flatten()
    assert set(flat[: 16 * 8].tolist()) == set(k[1, 2, :16].flatten().tolist())


def _case(dtype, L: int, group: int, seed: int = 0, B: int = 6, nkv: int = 2, hd: int = 64, slots: int = 21):
    g = torch.Generator().manual_seed(seed)
    nq = nkv * group
    cache = KVCache(1, B + 2, nkv, slots, hd, dtype)
    if L:
        cache.set_prefix(
            0, torch.randn(nkv, L, hd, generator=g).to(dtype), torch.randn(nkv, L, hd, generator=g).to(dtype)
        )
    cache.write_own(
        0,
        torch.randn(B + 2, nkv, slots, hd, generator=g).to(dtype),
        torch.randn(B + 2, nkv, slots, hd, generator=g).to(dtype),
    )
    angles = torch.rand(B, hd // 2, generator=g) * 6
    return dict(
        qkv=torch.randn(B, (nq + 2 * nkv) * hd, generator=g).to(dtype),
        cos=angles.cos(),
        sin=angles.sin(),
        prefix_k=cache.prefix_k[0],
        prefix_v=cache.prefix_v[0],
        keys=cache.keys[0],
        values=cache.values[0],
        rows=torch.randperm(B + 2, generator=g)[:B].contiguous(),
        fill=torch.randint(0, slots, (B,), generator=g),
        n_heads=nq,
        scale=0.125,
        prefix_len=L,
    )


def _fresh(case):
    return {**case, "keys": case["keys"].clone(), "values": case["values"].clone()}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("L,group", [(0, 3), (7, 3), (16, 1), (25, 4), (9, 6), (40, 2)])
def test_decode_attention_matches_fp32_reference(ops, dtype, L, group):
    case = _case(dtype, L, group)
    exact = {k: (v.float() if torch.is_tensor(v) and v.dtype == torch.bfloat16 else v) for k, v in _fresh(case).items()}
    truth = kernels.decode_attention_reference(**exact)
    ran = _fresh(case)
    out = ops.decode_attention(*ran.values())
    # fp32: summation order only; bf16: inputs rounded where the model rounds them, a few ulps of the output's scale
    tol = 1e-5 if dtype == torch.float32 else 0.03
    assert (out.float() - truth).abs().max() < tol * truth.abs().max()
    # the new key and value landed in the same slots as the reference wrote them (key rounded once); the
    # cache's padding slots past the 21 are never written
    assert (keys_rows(ran["keys"])[..., :21, :].float() - keys_rows(exact["keys"])[..., :21, :]).abs().max() < (
        1e-5 if dtype == torch.float32 else 0.02
    )
    assert torch.equal(ran["values"].float(), exact["values"])


@pytest.mark.parametrize("dtype", DTYPES)
def test_decode_attention_only_reads_filled_slots(ops, dtype):
    case = _case(dtype, 5, 3)
    a = ops.decode_attention(*_fresh(case).values())
    pair = case["keys"].shape[-1]
    key_rows, poisoned_v = keys_rows(case["keys"]), case["values"].clone()
    for r, f in zip(case["rows"].tolist(), case["fill"].tolist()):
        key_rows[r, :, f + 1 :] = float("nan")
        # the slot sharing the last filled slot's pair must stay finite, as the cache keeps it (zeros)
        poisoned_v[r, :, f // pair + 1 :] = float("nan")
    poisoned_k = keys_layout(key_rows, pair).contiguous()
    b = ops.decode_attention(*{**case, "keys": poisoned_k, "values": poisoned_v}.values())
    assert torch.equal(a, b)


@pytest.mark.parametrize("dtype", DTYPES)
def test_rms_norm_and_silu_mul_match_torch(ops, dtype):
    x = (torch.randn(5, 600) * 3).to(dtype)  # 600: vector parts and a scalar tail at every width
    ref = F.rms_norm(x.float(), (600,), eps=1e-5)
    tol = 1e-5 if dtype == torch.float32 else 0.02
    assert (ops.rms_norm(x, 1e-5).float() - ref).abs().max() < tol * ref.abs().max()
    y = (torch.randn(7, 2 * 40) * 4).to(dtype)
    gate, up = y.float().chunk(2, -1)
    ref = F.silu(gate) * up
    assert (ops.silu_mul(y).float() - ref).abs().max() < (1e-5 if dtype == torch.float32 else 0.01) * ref.abs().max()


@pytest.mark.parametrize("m,n,k", [(1, 5, 7), (3, 100, 64), (32, 960, 576), (33, 49, 1536), (300, 130, 40)])
def test_linear_matches_torch(ops, m, n, k):
    g = torch.Generator().manual_seed(m + n + k)
    x, w, r = torch.randn(m, k, generator=g), torch.randn(n, k, generator=g), torch.randn(m, n, generator=g)
    packed = ops.pack_linear(w)
    scale = (x.abs() @ w.abs().t()).max()
    assert (ops.linear(x, packed, n) - F.linear(x, w)).abs().max() < 1e-5 * scale
    assert (ops.linear_add(x, packed, n, r) - (r + F.linear(x, w))).abs().max() < 1e-5 * scale
    assert ops.linear(x.view(1, m, k), packed, n).shape == (1, m, n)


@pytest.mark.parametrize("temperature", [1.0, 0.7])
def test_log_softmax_stats_match_torch(ops, temperature):
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(9, 1003, generator=g) * 4
    targets = torch.randint(0, 1003, (9,), generator=g)
    z = logits / temperature
    logp_all = torch.log_softmax(z, -1)
    work = logits.clone()
    logp, ent, inv_sum = ops.log_softmax_stats(work, targets, 1.0 / temperature)
    torch.testing.assert_close(logp, logp_all.gather(1, targets[:, None]).squeeze(1), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(ent, -(logp_all.exp() * logp_all).sum(-1), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(work * inv_sum[:, None], logp_all.exp(), rtol=1e-5, atol=1e-7)


def test_reference_path_when_the_build_fails(monkeypatch, caplog):
    def fail(variant):
        raise RuntimeError("no compiler here")

    monkeypatch.setattr(kernels, "build", fail)
    monkeypatch.setattr(kernels, "variant_for", lambda info: "avx2")
    kernels.ops.cache_clear()
    try:
        assert kernels.ops() is None and kernels.native() is False
        assert "no compiler here" in caplog.text
        y = torch.randn(3, 8)
        gate, up = y.chunk(2, -1)
        assert torch.equal(kernels.silu_mul(y), F.silu(gate) * up)
    finally:
        kernels.ops.cache_clear()


def test_no_native_build_below_x86_64_v3(monkeypatch):
    monkeypatch.setattr(kernels, "variant_for", lambda info: None)
    kernels.ops.cache_clear()
    try:
        assert kernels.ops() is None
    finally:
        kernels.ops.cache_clear()
