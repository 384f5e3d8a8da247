"""The fast engine against the reference (``transformers`` ``generate``) on the real embedded model."""

import pytest
import torch

from ethos.models import SamplingParams
from ethos.models.hf_generate import hf_generate, hf_score
from ethos.models.local import LocalChatModel

pytestmark = pytest.mark.model

PROMPTS = [
    "What is the capital of France?",
    "Write one sentence about the sea.",
    "List three prime numbers.",
    "How do I make tea? Answer briefly.",
]


def conv(text, system=None):
    return ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": text}]


def test_greedy_matches_generate_fp32_batch1(smol_fp32):
    m = smol_fp32
    params = SamplingParams(max_new_tokens=48)
    for text in PROMPTS:
        ours = m.generate([conv(text)], params)[0]
        ref = hf_generate(m.model, m.tokenizer, [m.encode(conv(text))], params, None, m.chat.stop_token_ids)[0]
        assert ours.token_ids == ref.token_ids, text
        assert ours.text == ref.text
        assert ours.logprobs == pytest.approx(ref.logprobs, abs=1e-3)


def _first_divergence_is_near_tie(m, prompt_ids, a, b, tol=0.05):
    """If two greedy decodes differ, the logits at the first differing step must be a near-tie."""
    n = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
    ids = torch.tensor([prompt_ids + a[:n]])
    with torch.no_grad():
        logits = m.model(ids).logits[0, -1].float()
    top = torch.log_softmax(logits, -1)
    return abs(top[a[n]] - top[b[n]]) < tol


def test_batched_greedy_matches_unbatched(smol_fp32):
    m = smol_fp32
    params = SamplingParams(max_new_tokens=40)
    convs = [conv(t) for t in PROMPTS] + [conv(PROMPTS[0], system="You are terse.")]
    batched = m.generate(convs, params)
    for c, b in zip(convs, batched):
        single = m.generate([c], params)[0]
        if single.token_ids != b.token_ids:
            assert _first_divergence_is_near_tie(m, m.encode(c), single.token_ids, b.token_ids)


def test_same_seed_same_samples_and_seed_matters(smol):
    m = smol
    convs = [conv(t) for t in PROMPTS]
    a = m.generate(convs, SamplingParams(max_new_tokens=24, temperature=1.0, seed=7))
    b = m.generate(convs, SamplingParams(max_new_tokens=24, temperature=1.0, seed=7))
    c = m.generate(convs, SamplingParams(max_new_tokens=24, temperature=1.0, seed=8))
    assert [g.token_ids for g in a] == [g.token_ids for g in b]
    assert [g.token_ids for g in a] != [g.token_ids for g in c]
    for g in a:
        assert len(g.logprobs) == len(g.token_ids) and all(lp <= 0 for lp in g.logprobs)


def test_stop_strings_cut_text_and_tokens(smol_fp32):
    m = smol_fp32
    c = conv("Count from 1 to 10, separated by commas.")
    full = m.generate([c], SamplingParams(max_new_tokens=40))[0]
    assert "5" in full.text
    stopped = m.generate([c], SamplingParams(max_new_tokens=40, stop=("5",)))[0]
    assert "5" not in stopped.text and full.text.startswith(stopped.text)
    assert stopped.finish_reason == "stop"
    assert len(stopped.token_ids) < len(full.token_ids)
    assert stopped.token_ids == full.token_ids[: len(stopped.token_ids)]


def test_max_tokens_gives_length_finish(smol_fp32):
    g = smol_fp32.generate([conv("Tell me a long story about a dragon.")], SamplingParams(max_new_tokens=5))[0]
    assert g.finish_reason == "length" and len(g.token_ids) == 5


def test_each_row_keeps_its_own_token_budget(smol_fp32):
    m = smol_fp32
    convs = [conv(t) for t in PROMPTS]
    limits = [5, 12, 3, 20]
    mixed = m.generate(convs, SamplingParams(max_new_tokens=20), limits=limits)
    for c, lim, g in zip(convs, limits, mixed):
        alone = m.generate([c], SamplingParams(max_new_tokens=lim))[0]
        assert g.token_ids == alone.token_ids and g.finish_reason == alone.finish_reason
        assert len(g.token_ids) <= lim
    with pytest.raises(ValueError, match="limits"):
        m.generate(convs, SamplingParams(max_new_tokens=4), limits=[4])


def test_model_hash_is_remembered_until_the_weights_change(smol_fp32):
    from ethos.evals.model_hash import model_hash

    m = smol_fp32
    first = model_hash(m)
    assert model_hash(m) == first and m._ethos_hash[1] == first[0]
    w = m.model.get_input_embeddings().weight
    original = w[0, 0].item()
    with torch.no_grad():
        w[0, 0] = original + 1.0
    try:
        assert model_hash(m) != first
    finally:
        with torch.no_grad():
            w[0, 0] = original
        m.refresh()
    assert model_hash(m) == first


def test_score_matches_reference_forward(smol_fp32):
    m = smol_fp32
    convs = [conv(t) for t in PROMPTS]
    replies = ["Paris.", "The sea is wide.", "2, 3 and 5.", "Boil water, add the leaves."]
    ours = m.score(convs, replies)
    pairs = [m.chat.encode_reply(c, r) for c, r in zip(convs, replies)]
    ref = [hf_score(m.model, [p], m.tokenizer.pad_token_id) for p in pairs]
    for o, r, (_, cont) in zip(ours, ref, pairs):
        assert o.logprob == pytest.approx(r[0], abs=2e-3)
        assert o.n_tokens == len(cont)
    # the model prefers the right answer
    good, bad = m.score([convs[0]] * 2, ["The capital of France is Paris.", "The capital of France is Berlin."])
    assert good.logprob > bad.logprob


def test_options_sharing_a_prompt_score_as_if_scored_alone(smol_fp32):
    m = smol_fp32
    c = conv(PROMPTS[0])
    options = ["Paris.", "The capital of France is Berlin, I think.", "Lyon"]
    together = m.score([c] * 3 + [conv(PROMPTS[1])], options + ["Waves."])
    for option, got in zip(options, together):
        alone = m.score([c], [option])[0]
        assert got.logprob == pytest.approx(alone.logprob, abs=1e-3) and got.n_tokens == alone.n_tokens


def test_lora_adapted_model_generates_like_peft_forward(smol_fp32):
    from peft import LoraConfig, get_peft_model

    base = smol_fp32
    import copy

    torch.manual_seed(
        0
    )  # lora_A's initialisation too: an unseeded draw can leave the adapter too weak to change the reply
    model = get_peft_model(
        copy.deepcopy(base.model), LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "up_proj"])
    )
    for name, p in model.named_parameters():
        if "lora_B" in name:
            p.data.normal_(0, 0.3)
    lm = LocalChatModel(model, base.tokenizer, name="lora")
    params = SamplingParams(max_new_tokens=24)
    c = conv(PROMPTS[1])
    ours = lm.generate([c], params)[0]
    ref = hf_generate(model, base.tokenizer, [lm.encode(c)], params, None, lm.chat.stop_token_ids)[0]
    assert ours.token_ids == ref.token_ids
    plain = base.generate([c], params)[0]
    assert plain.token_ids != ours.token_ids  # the adapter changes behavior, and the engine sees it
    # after a weight change, refresh() makes the engine re-read the adapter
    for name, p in model.named_parameters():
        if "lora_B" in name:
            p.data.zero_()
    lm.refresh()
    assert lm.generate([c], params)[0].token_ids == plain.token_ids


def test_duplicate_prompts_are_prefilled_once_and_decode_like_singles(smol_fp32):
    m = smol_fp32
    engine = m.engine()
    calls = []
    original = engine._prefill

    def counting(ids, *a, **kw):
        calls.append(ids.shape[0])
        return original(ids, *a, **kw)

    engine._prefill = counting
    try:
        a, b = conv(PROMPTS[0]), conv(PROMPTS[2])
        params = SamplingParams(max_new_tokens=24)
        batch = m.generate([a, b, a, a], params)
    finally:
        engine._prefill = original
    assert calls == [1, 2]  # the shared system-turn prefix once, then the two distinct suffixes
    assert batch[0].token_ids == batch[2].token_ids == batch[3].token_ids
    for c, g in ((a, batch[0]), (b, batch[1])):
        single = m.generate([c], params)[0]
        if single.token_ids != g.token_ids:
            assert _first_divergence_is_near_tie(m, m.encode(c), single.token_ids, g.token_ids)


@pytest.mark.parametrize("fixture,tol", [("smol_fp32", 1e-4), ("smol_bf16", 0.15)])
def test_native_decode_matches_tensor_op_path(fixture, tol, request, monkeypatch):
    """The engine on this CPU's native kernels computes what it computes on tensor ops alone."""
    from ethos.models import kernels
    from ethos.models.engine import FastEngine

    if not kernels.native():
        pytest.skip("no native kernels on this CPU")
    m = request.getfixturevalue(fixture)
    ids = [m.encode(conv(t)) for t in PROMPTS]

    def steps(engine, forced=None):
        """Prefill and two decode steps, feeding the reference's greedy tokens to both engines (a near-tie
        broken differently would otherwise compare different continuations)."""
        cache, fill, logits = engine._prefill_prompts(ids, 4)
        out = [logits]
        pos, rows = torch.tensor([len(p) for p in ids]), torch.arange(len(ids))
        with torch.inference_mode():
            for i in range(2):
                tok = (forced or out)[i].argmax(-1)
                out.append(engine._logits(engine._decode(tok, pos + i, cache, rows, fill + i)))
        return out

    native_engine = m.engine()
    monkeypatch.setattr(kernels, "ops", lambda: None)
    reference = steps(FastEngine(m.model, m.tokenizer, stop_token_ids=m.chat.stop_token_ids))
    monkeypatch.undo()
    native = steps(native_engine, forced=reference)
    for a, b in zip(native, reference):
        a, b = torch.log_softmax(a, -1), torch.log_softmax(b, -1)
        top = b.argmax(-1, keepdim=True)
        assert (a.gather(-1, top) - b.gather(-1, top)).abs().max() < tol  # rounding, not a different computation
        assert (a.exp() - b.exp()).abs().sum(-1).max() < tol  # total variation between the next-token distributions


def test_refresh_after_an_optimizer_step_lays_out_only_what_trained(smol_fp32):
    import copy

    from peft import LoraConfig, get_peft_model

    from ethos.models.weights import pack_weights

    torch.manual_seed(0)
    cfg = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], layers_to_transform=[29])
    model = get_peft_model(copy.deepcopy(smol_fp32.model), cfg)
    lm = LocalChatModel(model, smol_fp32.tokenizer, name="lora")
    before = lm.engine().w.matrices()
    trained = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trained, lr=0.1)
    for p in trained:
        p.grad = torch.randn_like(p)
    opt.step()

    lm.refresh(trainable_only=True)
    after = lm.engine().w.matrices()
    kept = {name for name in after if after[name] is before[name]}
    assert kept == set(after) - {"29.wqkv"}  # only the adapted projection is laid out again
    fresh = pack_weights(model).matrices()
    layout = lambda lin: lin.packed if lin.packed is not None else lin.weight
    assert all(torch.equal(layout(after[name]), layout(fresh[name])) for name in fresh)

    # a frozen weight changed in place is noticed (its version counter), and a plain refresh re-reads everything
    with torch.no_grad():
        model.get_base_model().model.layers[3].mlp.down_proj.weight.mul_(2.0)
    lm.refresh(trainable_only=True)
    again = lm.engine().w.matrices()
    assert again["3.wdown"] is not after["3.wdown"] and again["3.wgu"] is after["3.wgu"]
    lm.refresh()
    assert not any(m is again[name] for name, m in lm.engine().w.matrices().items())
