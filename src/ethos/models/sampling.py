"""Choosing the next token: greedy, or temperature + nucleus sampling from a seeded generator.

The returned log-prob is that of the chosen token under the untempered distribution
(``log_softmax(logits)``): the quantity a policy-gradient loss is computed against.
"""

from __future__ import annotations

import torch

from ethos.models.types import SamplingParams


def sample_next(logits: torch.Tensor, params: SamplingParams, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    logprobs = torch.log_softmax(logits, dim=-1)
    if params.greedy:
        tok = logits.argmax(-1)
    else:
        probs = torch.softmax(logits / params.temperature, dim=-1)
        if params.top_p < 1.0:
            probs = nucleus(probs, params.top_p)
        tok = inverse_cdf(probs, gen)
    return tok, logprobs.gather(-1, tok[:, None]).squeeze(-1)


def nucleus(probs: torch.Tensor, top_p: float) -> torch.Tensor:
    """Keep the smallest set of tokens whose mass reaches ``top_p`` (always at least one)."""
    sorted_p, order = probs.sort(dim=-1, descending=True)
    before = sorted_p.cumsum(-1) - sorted_p
    sorted_p = sorted_p.masked_fill(before >= top_p, 0.0)
    kept = torch.zeros_like(probs).scatter(-1, order, sorted_p)
    return kept / kept.sum(-1, keepdim=True)


def inverse_cdf(probs: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """One draw per row by inverting the CDF with a uniform number.

    ``torch.multinomial`` draws an exponential per vocabulary entry (~50k per row); one uniform
    per row and a cumulative sum is exact and an order of magnitude cheaper on a CPU.
    """
    cdf = probs.cumsum(-1)
    u = torch.rand(probs.shape[0], 1, generator=gen) * cdf[:, -1:]
    return torch.searchsorted(cdf, u).squeeze(-1).clamp_(max=probs.shape[-1] - 1)
