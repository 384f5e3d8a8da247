"""The small vocabulary every room uses to talk to a model.

A conversation is a list of ``{"role": ..., "content": ...}`` dicts (OpenAI chat shape). Every model,
local or remote, answers the same two questions: *what would you say?* (``generate``) and *how likely
is this reply?* (``score``). Training, data synthesis, judging and evaluation all go through them,
so a speed-up of the engine lands everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

Message = dict[str, str]
Conversation = list[Message]


@dataclass(frozen=True)
class SamplingParams:
    """How to decode. ``temperature == 0`` means greedy."""

    max_new_tokens: int = 128
    temperature: float = 0.0
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    seed: int | None = None
    top_logprobs: int = 0  # also return the k most likely tokens at each step (their untempered log-probs)

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be >= 1, got {self.max_new_tokens}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p}")
        if not 0 <= self.top_logprobs <= 20:
            raise ValueError(f"top_logprobs must be in [0, 20], got {self.top_logprobs}")

    @property
    def greedy(self) -> bool:
        return self.temperature == 0


@dataclass
class Generation:
    """One reply: its text, the sampled token ids and their log-probs under the sampling policy.

    ``logprobs`` are log-probabilities of the sampled tokens under the model's (temperature-1)
    distribution, which is what policy-gradient terms need. Remote models may not report them
    (empty list). ``finish_reason`` is ``"stop"`` (stop string or end-of-turn) or ``"length"``.
    """

    text: str
    token_ids: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    finish_reason: str = "stop"
    prompt_token_ids: list[int] = field(default_factory=list)
    top_logprobs: list[list[tuple[int, float]]] = field(default_factory=list)  # per token, when requested


@dataclass
class ContinuationScore:
    """Log-likelihood of a given assistant reply after a conversation."""

    logprob: float
    n_tokens: int

    @property
    def mean_logprob(self) -> float:
        return self.logprob / max(self.n_tokens, 1)


@runtime_checkable
class ChatModel(Protocol):
    """Anything that can answer a chat: the embedded model, an HF folder, an HTTP endpoint."""

    name: str

    def generate(
        self,
        conversations: Sequence[Conversation],
        params: SamplingParams,
        *,
        progress: bool = False,
    ) -> list[Generation]: ...

    def score(
        self,
        conversations: Sequence[Conversation],
        replies: Sequence[str],
        *,
        progress: bool = False,
    ) -> list[ContinuationScore]: ...
