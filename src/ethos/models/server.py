"""An OpenAI-compatible HTTP server for a local model (``ethos serve``).

Routes: ``POST /v1/chat/completions`` and ``POST /v1/completions`` (non-streaming, and streaming as
server-sent events ending in ``data: [DONE]``), ``GET /v1/models``, ``GET /v1/models/{id}`` and
``GET /health``. Requests are validated with pydantic; a bad request gets OpenAI's error body
(``{"error": {"message", "type", "param", "code"}}``) with 400 (malformed JSON or an invalid value),
404 (unknown route or model) or 422 (a body of the wrong shape). Supported: ``n``, ``stop``,
``max_tokens`` / ``max_completion_tokens``, ``seed``, ``temperature``, ``top_p``, ``logprobs`` and
``top_logprobs`` (log-probabilities under the model's untempered distribution), content as a string
or a list of text parts, ``stream_options.include_usage``.

Concurrent requests are gathered for a few milliseconds and decoded as one batch — where a CPU gets
its throughput — each row within its own token budget. A request with a ``seed`` and a temperature
above 0 is decoded in a batch of its own, so the same request and seed give the same reply whatever
else the server is doing. Streaming is real: each token is sent as it is sampled (text that could be
the start of a ``stop`` string is held back until it is clear).

Standard library HTTP (four routes and a thread per connection do not need a web framework); the
request schema (``server_protocol.py``) is pydantic, like every other input of ethos.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pydantic import ValidationError

from ethos.models.server_protocol import BadRequest, ChatRequest, CompletionRequest, Streamer, logprob_entries
from ethos.models.types import Generation, SamplingParams


@dataclass(eq=False)
class _Job:
    prompts: list[list[int]]  # one token list per choice
    params: SamplingParams
    limit: int
    future: Future = field(default_factory=Future)
    tokens: queue.Queue | None = None  # (choice, token id) as they are sampled, for streaming

    @property
    def key(self) -> tuple:
        p = self.params
        alone = p.seed if p.temperature > 0 and p.seed is not None else None
        return (p.temperature, p.top_p, p.stop, p.top_logprobs, alone, id(self) if alone is not None else None)


class Batcher:
    """Collects requests and decodes compatible ones together, one batch at a time."""

    def __init__(self, model, *, window_s: float = 0.01, max_batch: int = 32):
        self.model, self.window_s, self.max_batch = model, window_s, max_batch
        self.jobs: queue.Queue[_Job] = queue.Queue()
        self.stats = {"requests": 0, "batches": 0, "largest_batch": 0}
        threading.Thread(target=self._loop, daemon=True, name="ethos-batcher").start()

    def submit(self, job: _Job) -> _Job:
        self.jobs.put(job)
        return job

    def _gather(self) -> list[_Job]:
        first = self.jobs.get()
        batch, rows, later = [first], len(first.prompts), []
        deadline = time.monotonic() + self.window_s
        while rows < self.max_batch and (left := deadline - time.monotonic()) > 0:
            try:
                job = self.jobs.get(timeout=left)
            except queue.Empty:
                break
            if job.key == first.key and rows + len(job.prompts) <= self.max_batch:
                batch.append(job)
                rows += len(job.prompts)
            else:
                later.append(job)
        for job in later:
            self.jobs.put(job)
        return batch

    def _loop(self) -> None:
        while True:
            batch = self._gather()
            owners = [(job, c) for job in batch for c in range(len(job.prompts))]
            self.stats["requests"] += len(batch)
            self.stats["batches"] += 1
            self.stats["largest_batch"] = max(self.stats["largest_batch"], len(owners))

            def tell(row: int, token: int) -> None:
                job, choice = owners[row]
                if job.tokens is not None:
                    job.tokens.put((choice, token))

            try:
                gens = self.model.generate_ids(
                    [p for job in batch for p in job.prompts],
                    batch[0].params,
                    limits=[job.limit for job, _ in owners],
                    on_token=tell,
                )
            except Exception as e:  # reported to each client as a 500 with the reason
                for job in batch:
                    job.future.set_exception(e)
                continue
            k = 0
            for job in batch:
                job.future.set_result(gens[k : k + len(job.prompts)])
                k += len(job.prompts)


def make_server(
    model, host: str = "127.0.0.1", port: int = 8000, *, model_id: str | None = None, window_s: float = 0.01
) -> ThreadingHTTPServer:
    """A server for ``model`` (a ``LocalChatModel``), bound to ``host:port`` (``port=0``: any free port)."""
    batcher = Batcher(model, window_s=window_s)
    encoding = threading.Lock()  # one tokenizer, many handler threads
    served = model_id or model.name
    created = int(time.time())
    card = {"id": served, "object": "model", "created": created, "owned_by": "ethos"}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet by default
            pass

        def _send(self, code: int, obj: dict) -> None:
            data = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, err: BadRequest) -> None:
            self._send(err.status, err.body())

        def do_GET(self) -> None:
            path = self.path.split("?")[0].rstrip("/")
            if path in ("/v1/models", "/models"):
                return self._send(200, {"object": "list", "data": [card]})
            if path.startswith(("/v1/models/", "/models/")):
                name = path.split("/models/", 1)[1]
                if name == served:
                    return self._send(200, card)
                return self._error(
                    BadRequest(
                        f"The model '{name}' does not exist; this server serves '{served}'.",
                        "model",
                        status=404,
                        code="model_not_found",
                    )
                )
            if path == "/health":
                return self._send(200, {"status": "ok", "model": served, **batcher.stats})
            self._error(BadRequest(f"no route GET {self.path}", status=404, code="not_found"))

        def do_POST(self) -> None:
            path = self.path.split("?")[0].rstrip("/")
            routes = {
                "/v1/chat/completions": ChatRequest,
                "/chat/completions": ChatRequest,
                "/v1/completions": CompletionRequest,
                "/completions": CompletionRequest,
            }
            kind = routes.get(path)
            if kind is None:
                return self._error(BadRequest(f"no route POST {self.path}", status=404, code="not_found"))
            try:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw or b"")
                except ValueError as e:
                    raise BadRequest(f"the request body is not valid JSON ({e})") from None
                if not isinstance(body, dict):
                    raise BadRequest("the request body must be a JSON object")
                try:
                    req = kind.model_validate(body)
                except ValidationError as e:
                    first = e.errors()[0]
                    where = ".".join(str(x) for x in first["loc"])
                    raise BadRequest(f"{where}: {first['msg']}", where, status=422) from None
                if req.model != served:
                    raise BadRequest(
                        f"The model '{req.model}' does not exist; this server serves '{served}'.",
                        "model",
                        status=404,
                        code="model_not_found",
                    )
                job, choices, streamers = self._job(req)
            except BadRequest as err:
                return self._error(err)
            if req.stream:
                return self._stream(req, job, streamers)
            try:
                gens = job.future.result()
            except Exception as e:  # noqa: BLE001 - the client gets the reason
                return self._error(BadRequest(f"generation failed: {type(e).__name__}: {e}", status=500))
            self._send(200, self._response(req, gens, choices))

        # ---------------------------------------------------------- building a job
        def _job(self, req):
            chat = isinstance(req, ChatRequest)
            limit = (req.max_completion_tokens if chat else None) or req.max_tokens or 256
            top = (req.top_logprobs or 0) if chat else (req.logprobs or 0)
            if chat and top and not req.logprobs:
                raise BadRequest("top_logprobs needs logprobs: true", "top_logprobs")
            temperature = 1.0 if req.temperature is None else req.temperature
            try:
                params = SamplingParams(
                    max_new_tokens=limit,
                    temperature=temperature,
                    top_p=req.top_p or 1.0,
                    stop=req.stops(),
                    seed=req.seed,
                    top_logprobs=top,
                )
            except ValueError as e:
                raise BadRequest(str(e)) from None
            texts = None if chat else ([req.prompt] if isinstance(req.prompt, str) else req.prompt)
            if texts is not None and not texts:
                raise BadRequest("prompt must not be empty", "prompt")
            with encoding:
                if chat:
                    prompts = [model.encode([m.plain() for m in req.messages])]
                else:
                    prompts = [model.tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
            per_choice = [p for p in prompts for _ in range(req.n)]
            job = _Job(per_choice, params, limit, tokens=queue.Queue() if req.stream else None)
            streamers = [Streamer(model.tokenizer, params.stop, set(model.chat.stop_token_ids)) for _ in per_choice]
            return batcher.submit(job), len(per_choice), streamers

        def _usage(self, gens: list[Generation]) -> dict:
            prompt = sum(len(p) for p in {tuple(g.prompt_token_ids) for g in gens})
            completion = sum(len(g.token_ids) for g in gens)
            return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

        def _response(self, req, gens: list[Generation], n: int) -> dict:
            chat = isinstance(req, ChatRequest)
            choices = []
            for i, g in enumerate(gens):
                lps = logprob_entries(model.tokenizer, g) if req.logprobs else None
                if chat:
                    choices.append(
                        {
                            "index": i,
                            "message": {"role": "assistant", "content": g.text},
                            "logprobs": {"content": lps} if lps is not None else None,
                            "finish_reason": g.finish_reason,
                        }
                    )
                else:
                    legacy = (
                        None
                        if lps is None
                        else {
                            "tokens": [x["token"] for x in lps],
                            "token_logprobs": [x["logprob"] for x in lps],
                            "top_logprobs": [{t["token"]: t["logprob"] for t in x["top_logprobs"]} for x in lps],
                        }
                    )
                    choices.append({"index": i, "text": g.text, "logprobs": legacy, "finish_reason": g.finish_reason})
            return {
                "id": f"{'chatcmpl' if chat else 'cmpl'}-{uuid.uuid4().hex[:24]}",
                "object": "chat.completion" if chat else "text_completion",
                "created": int(time.time()),
                "model": served,
                "system_fingerprint": None,
                "choices": choices,
                "usage": self._usage(gens),
            }

        # ---------------------------------------------------------- streaming
        def _event(self, obj) -> None:
            data = obj if isinstance(obj, str) else json.dumps(obj)
            chunk = f"data: {data}\n\n".encode()
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.flush()

        def _stream(self, req, job: _Job, streamers: list[Streamer]) -> None:
            chat = isinstance(req, ChatRequest)
            rid, now = f"{'chatcmpl' if chat else 'cmpl'}-{uuid.uuid4().hex[:24]}", int(time.time())
            head = {
                "id": rid,
                "object": "chat.completion.chunk" if chat else "text_completion",
                "created": now,
                "model": served,
                "system_fingerprint": None,
            }

            def chunk(i: int, text: str | None, finish: str | None = None, lps=None, first: bool = False) -> dict:
                if chat:
                    delta = ({"role": "assistant", "content": ""} if first else {}) | (
                        {"content": text} if text else {}
                    )
                    c = {
                        "index": i,
                        "delta": delta,
                        "logprobs": {"content": lps} if lps else None,
                        "finish_reason": finish,
                    }
                else:
                    c = {"index": i, "text": text or "", "logprobs": None, "finish_reason": finish}
                return head | {"choices": [c]}

            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                if chat:
                    for i in range(len(streamers)):
                        self._event(chunk(i, None, first=True))
                while not job.future.done() or not job.tokens.empty():
                    try:
                        choice, token = job.tokens.get(timeout=0.05)
                    except queue.Empty:
                        continue
                    delta = streamers[choice].push(token)
                    if delta:
                        self._event(chunk(choice, delta))
                try:
                    gens = job.future.result()
                except Exception as e:  # noqa: BLE001 - mid-stream: an error event, then the end
                    self._event(
                        {"error": BadRequest(f"generation failed: {type(e).__name__}: {e}", status=500).body()["error"]}
                    )
                    gens = None
                if gens is not None:
                    for i, g in enumerate(gens):
                        lps = logprob_entries(model.tokenizer, g) if chat and req.logprobs else None
                        rest = streamers[i].finish(g.text)
                        if rest or lps:
                            self._event(chunk(i, rest, lps=lps))
                        self._event(chunk(i, None, finish=g.finish_reason))
                    if req.stream_options and req.stream_options.include_usage:
                        self._event(head | {"choices": [], "usage": self._usage(gens)})
                self._event("[DONE]")
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):  # the client went away; the batch finishes anyway
                pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def port_free(host: str, port: int) -> bool:
    """Whether ``host:port`` can be bound now (checked before a slow model load)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True
