"""The OpenAI wire format of ``ethos serve``: request bodies (pydantic), the error a bad one gets, log-probability
entries, and the text deltas of a streamed choice."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ethos.models.types import Generation

MAX_N = 16


class TextPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["text"]
    text: str


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart] | None = ""

    def plain(self) -> dict[str, str]:
        text = self.content if isinstance(self.content, str) else "".join(p.text for p in self.content or [])
        return {"role": "system" if self.role == "developer" else self.role, "content": text}


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class _Common(BaseModel):
    model_config = ConfigDict(extra="ignore")  # OpenAI clients send fields a local model has no use for
    model: str
    max_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    n: int = Field(default=1, ge=1, le=MAX_N)
    stop: str | list[str] | None = None
    seed: int | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None

    def stops(self) -> tuple[str, ...]:
        stops = (self.stop,) if isinstance(self.stop, str) else tuple(self.stop or ())
        if len(stops) > 4 or any(not s for s in stops):
            raise BadRequest("stop takes at most 4 non-empty strings", "stop")
        return stops


class ChatRequest(_Common):
    messages: list[Message] = Field(min_length=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    logprobs: bool = False
    top_logprobs: int | None = Field(default=None, ge=0, le=20)


class CompletionRequest(_Common):
    prompt: str | list[str]
    logprobs: int | None = Field(default=None, ge=0, le=5)
    echo: bool = False


class BadRequest(Exception):
    def __init__(self, message: str, param: str | None = None, *, status: int = 400, code: str | None = None):
        super().__init__(message)
        self.status, self.param, self.code = status, param, code

    def body(self) -> dict:
        kind = "invalid_request_error" if self.status < 500 else "server_error"
        return {"error": {"message": str(self), "type": kind, "param": self.param, "code": self.code}}


def logprob_entries(tokenizer, gen: Generation) -> list[dict]:
    out = []
    for i, (tok, lp) in enumerate(zip(gen.token_ids, gen.logprobs)):
        text = tokenizer.decode([tok])
        tops = gen.top_logprobs[i] if i < len(gen.top_logprobs) else []
        out.append(
            {
                "token": text,
                "logprob": lp,
                "bytes": list(text.encode()),
                "top_logprobs": [
                    {"token": (t := tokenizer.decode([tid])), "logprob": v, "bytes": list(t.encode())}
                    for tid, v in tops
                ],
            }
        )
    return out


class Streamer:
    """Turns a choice's token ids into text deltas, holding back what may still become a stop string."""

    def __init__(self, tokenizer, stops: tuple[str, ...], stop_ids: set[int]):
        self.tokenizer, self.stops, self.stop_ids = tokenizer, stops, stop_ids
        self.ids: list[int] = []
        self.sent = ""

    def push(self, token: int) -> str:
        if token in self.stop_ids:
            return ""
        self.ids.append(token)
        text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        if text.endswith("\ufffd"):  # a character split across tokens: wait for the rest
            return ""
        if any(s in text for s in self.stops):
            return ""  # the final text (cut at the stop) is sent by finish()
        hold = max((len(s) - 1 for s in self.stops), default=0)
        ready = text[: len(text) - hold] if hold else text
        if not ready.startswith(self.sent) or len(ready) <= len(self.sent):
            return ""
        delta, self.sent = ready[len(self.sent) :], ready
        return delta

    def finish(self, final: str) -> str:
        delta = final[len(self.sent) :] if final.startswith(self.sent) else ""
        self.sent = final
        return delta
