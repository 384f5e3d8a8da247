"""An OpenAI-compatible chat endpoint as a :class:`ChatModel` (judges, external policies).

Requests run concurrently from a small thread pool, because judges send many independent
prompts and remote servers batch them. Failures surface as exceptions, never as empty replies, in
two kinds. A *transient* one — unreachable, timed out, a 429 or 5xx, a body that is not JSON — is an
:class:`EndpointError`: the LLM judge retries it with backoff and then marks the item unscored, and a
command that calls the endpoint once prints its one-sentence message. A *permanent* one — the key is
refused (401/403), the model does not exist (404), the request is invalid (400) — is a
:class:`~ethos.errors.UserError` at once: retrying cannot fix it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

from ethos.errors import UserError
from ethos.models.types import ContinuationScore, Conversation, Generation, SamplingParams


class EndpointError(UserError, ConnectionError):
    """A failure worth retrying (the judge does); its message is the sentence a user needs."""


class EndpointUnreachable(EndpointError):
    pass


class EndpointTimeout(EndpointError):
    pass


class EndpointBadResponse(EndpointError):
    pass


def _translate(e: Exception, where: str, timeout: float) -> Exception:
    """An ``openai`` exception as one of ours, with a sentence that says what to do."""
    import json

    import openai

    if isinstance(e, openai.APITimeoutError):
        return EndpointTimeout(
            f"{where} did not answer within {timeout:g} s; raise the timeout (--judge-timeout) "
            "or check the server's load."
        )
    if isinstance(e, openai.APIConnectionError):
        return EndpointUnreachable(
            f"cannot reach {where}; check --base-url / OPENAI_BASE_URL and that the server is running."
        )
    if isinstance(e, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return UserError(f"{where} refused the API key (HTTP {e.status_code}); set OPENAI_API_KEY to a key it accepts.")
    if isinstance(e, openai.NotFoundError):
        return UserError(
            f"{where} answered 404: the model or route does not exist there; check the model name "
            "and the base URL (it usually ends in /v1)."
        )
    if isinstance(e, openai.BadRequestError):
        return UserError(f"{where} rejected the request (HTTP 400): {e.message}")
    if isinstance(e, openai.APIStatusError):
        return EndpointError(f"{where} answered HTTP {e.status_code}; retried, then given up.")
    if isinstance(e, (json.JSONDecodeError, openai.APIResponseValidationError)):
        return EndpointBadResponse(
            f"{where} answered with a body that is not an OpenAI chat completion (not JSON); "
            "check that the base URL points at an OpenAI-compatible API."
        )
    return e


class OpenAIChatModel:
    def __init__(
        self,
        name: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 0,
        concurrency: int = 8,
    ):
        from openai import OpenAI

        self.name = f"openai:{name}"
        self.model_name = name
        key = api_key or os.environ.get("OPENAI_API_KEY") or ("not-needed" if base_url else None)
        if key is None:
            raise UserError(
                f"model openai:{name} needs OPENAI_API_KEY, or --base-url / OPENAI_BASE_URL for a local "
                "OpenAI-compatible server."
            )
        self.client = OpenAI(base_url=base_url, api_key=key, timeout=timeout, max_retries=max_retries)
        self.concurrency, self.timeout = concurrency, timeout
        self.where = f"the endpoint {base_url or os.environ.get('OPENAI_BASE_URL') or 'api.openai.com'} ({name})"

    def _one(self, conversation: Conversation, params: SamplingParams) -> Generation:
        kw = dict(
            model=self.model_name,
            messages=list(conversation),
            max_tokens=params.max_new_tokens,
            temperature=params.temperature,
            top_p=params.top_p,
        )
        if params.stop:
            kw["stop"] = list(params.stop)[:4]
        if params.seed is not None:
            kw["seed"] = params.seed
        try:
            resp = self.client.chat.completions.create(**kw)
            choice = resp.choices[0]
        except Exception as e:  # noqa: BLE001 - translated, or re-raised unchanged when unknown
            raise _translate(e, self.where, self.timeout) from None
        text = choice.message.content or ""
        return Generation(text=text, finish_reason="length" if choice.finish_reason == "length" else "stop")

    def generate(
        self, conversations: Sequence[Conversation], params: SamplingParams, *, progress: bool = False
    ) -> list[Generation]:
        if len(conversations) <= 1:
            return [self._one(c, params) for c in conversations]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(lambda c: self._one(c, params), conversations))

    def score(
        self, conversations: Sequence[Conversation], replies: Sequence[str], *, progress: bool = False
    ) -> list[ContinuationScore]:
        raise UserError(
            f"{self.name} cannot score given replies (chat endpoints do not return prompt log-probs); "
            "use a local model for multiple-choice benchmarks."
        )
