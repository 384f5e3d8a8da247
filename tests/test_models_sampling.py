import pytest
import torch

from ethos.models.sampling import inverse_cdf, nucleus, sample_next
from ethos.models.stops import find_stop, truncate_at_stop
from ethos.models.types import SamplingParams


def test_nucleus_keeps_smallest_set_reaching_top_p():
    probs = torch.tensor([[0.5, 0.3, 0.15, 0.05]])
    kept = nucleus(probs, 0.7)
    assert torch.allclose(kept, torch.tensor([[0.5 / 0.8, 0.3 / 0.8, 0.0, 0.0]]))
    # the top token always survives, even with a tiny top_p
    assert nucleus(probs, 0.01)[0, 0] == 1.0


def test_inverse_cdf_matches_the_distribution():
    probs = torch.tensor([0.1, 0.6, 0.3]).repeat(20000, 1)
    draws = inverse_cdf(probs, torch.Generator().manual_seed(0))
    freq = torch.bincount(draws, minlength=3).float() / len(draws)
    assert torch.allclose(freq, torch.tensor([0.1, 0.6, 0.3]), atol=0.015)


def test_inverse_cdf_never_picks_zero_probability_tokens():
    probs = torch.tensor([[0.0, 1.0, 0.0, 0.0]]).repeat(1000, 1)
    assert (inverse_cdf(probs, torch.Generator().manual_seed(1)) == 1).all()


def test_sample_next_greedy_and_logprob_untempered():
    logits = torch.tensor([[0.0, 2.0, 1.0]])
    tok, lp = sample_next(logits, SamplingParams(temperature=0), torch.Generator())
    assert tok.item() == 1
    assert lp.item() == pytest.approx(torch.log_softmax(logits, -1)[0, 1].item())
    _, lp_hot = sample_next(logits, SamplingParams(temperature=5.0, seed=0), torch.Generator().manual_seed(0))
    assert lp_hot.item() <= 0  # log-prob of the chosen token under the untempered policy


def test_same_generator_seed_same_draws():
    logits = torch.randn(8, 100)
    p = SamplingParams(temperature=1.0)
    a, _ = sample_next(logits, p, torch.Generator().manual_seed(3))
    b, _ = sample_next(logits, p, torch.Generator().manual_seed(3))
    c, _ = sample_next(logits, p, torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("bad", [dict(max_new_tokens=0), dict(temperature=-1), dict(top_p=0), dict(top_p=1.5)])
def test_sampling_params_reject_bad_values(bad):
    with pytest.raises(ValueError):
        SamplingParams(**bad)


def test_find_and_truncate_at_stop():
    assert find_stop("abc END def STOP", ("STOP", "END")) == 4
    assert find_stop("nothing", ("STOP",)) == -1
    vocab = {1: "Hello", 2: " wor", 3: "ld", 4: "\n\n", 5: "more"}
    decode = lambda ids: "".join(vocab[i] for i in ids)
    text, ids, hit = truncate_at_stop([1, 2, 3, 4, 5], decode, ("\n\n",))
    assert (text, ids, hit) == ("Hello world", [1, 2, 3, 4], True)
    text, ids, hit = truncate_at_stop([1, 2], decode, ("zzz",))
    assert (text, ids, hit) == ("Hello wor", [1, 2], False)
