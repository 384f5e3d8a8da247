"""The chunked log-prob head against the textbook log-softmax: values, entropies and gradients."""

from __future__ import annotations

import pytest
import torch

from ethos.train import head as head_mod
from ethos.train.head import head_logprobs


def textbook(hidden, weight, targets, temperature):
    logits = (hidden.float() @ weight.float().t()) / temperature
    logp_all = torch.log_softmax(logits, -1)
    return logp_all.gather(1, targets[:, None]).squeeze(1), -(logp_all.exp() * logp_all).sum(-1)


@pytest.mark.parametrize("temperature", [1.0, 0.7])
def test_fp32_matches_textbook_values_entropies_and_gradients(monkeypatch, temperature):
    monkeypatch.setattr(head_mod, "CHUNK_ROWS", 7)  # several chunks, the last one partial
    torch.manual_seed(0)
    h = torch.randn(30, 16, requires_grad=True)
    w = (torch.randn(50, 16) * 0.5).requires_grad_(True)
    t = torch.randint(0, 50, (30,))
    g = torch.randn(30)
    lp, ent = head_logprobs(h, w, t, temperature=temperature, entropy=True)
    (lp * g).sum().backward()
    gh, gw = h.grad.clone(), w.grad.clone()
    h.grad = w.grad = None
    lp2, ent2 = textbook(h, w, t, temperature)
    (lp2 * g).sum().backward()
    torch.testing.assert_close(lp, lp2, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(ent, ent2, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(gh, h.grad, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(gw, w.grad, rtol=1e-4, atol=1e-5)
    assert not ent.requires_grad


def test_bf16_keeps_the_gradient_of_a_confident_token():
    # p(target) ≈ 0.999: in bf16, 1 − p rounds to 0; the head computes that entry from the exact log-prob.
    w = torch.zeros(8, 4)
    w[3, 0] = 1.0
    h = torch.tensor([[9.0, 0.0, 0.0, 0.0]], requires_grad=True)
    lp, _ = head_logprobs(h.bfloat16(), w.bfloat16(), torch.tensor([3]))
    lp.sum().backward()
    expected = 1 - torch.softmax(h.detach() @ w.t(), -1)[0, 3]  # d logp / d h[0] = (1 − p) · w[3, 0] − Σ p_j w[j, 0]
    assert float(expected) > 1e-4
    torch.testing.assert_close(h.grad[0, 0].float(), expected.float(), rtol=0.02, atol=0)


def test_no_entropy_requested_returns_none():
    lp, ent = head_logprobs(torch.randn(3, 4), torch.randn(5, 4), torch.tensor([0, 1, 2]))
    assert ent is None and lp.shape == (3,)


def test_policy_head_fallback_for_a_wrapped_layer_matches_the_chunked_path():
    from ethos.train.policy import _head

    class Wrapped(torch.nn.Module):  # stands in for a LoRA-wrapped output layer
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return self.inner(x)

    torch.manual_seed(1)
    plain = torch.nn.Linear(8, 20, bias=False)
    hidden, targets = torch.randn(2, 5, 8), torch.randint(0, 20, (2, 5))
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.float32)
    fast = _head(plain, hidden, targets, mask, 0.8, True)
    slow = _head(Wrapped(plain), hidden, targets, mask, 0.8, True)
    for a, b in zip(fast, slow):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)
    assert float(fast[0][0, 3].detach()) == 0.0 and float(fast[1][0, 4]) == 0.0  # masked-out positions stay 0
