"""A fake OpenAI-compatible endpoint for the tests that serve one: what it answers, and the server itself."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def chat_completion(content: str, model: str = "judge") -> bytes:
    """The body of a one-choice ``chat.completion`` response whose message is ``content``."""
    choice = {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
    return json.dumps(
        {"id": "x", "object": "chat.completion", "created": 0, "model": model, "choices": [choice]}
    ).encode()


class Script:
    """Replies in order: an int is an HTTP status, a float is a delay (s) before the next item, a str is
    the assistant text, bytes a raw 200 body. The last item repeats. A subclass may answer by request instead
    (override :meth:`reply`)."""

    def __init__(self, *items):
        self.items, self.bodies, self.lock = list(items), [], threading.Lock()

    def next(self):
        with self.lock:
            return self.items.pop(0) if len(self.items) > 1 else self.items[0]

    def reply(self, body: dict):
        return self.next()


@pytest.fixture
def server():
    """``server(script)`` starts an endpoint answering by ``script`` and returns its ``OpenAIChatModel``."""
    from ethos.models.openai_model import OpenAIChatModel

    started = []

    def start(script: Script, timeout: float = 0.5):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                script.bodies.append(body)
                item = script.reply(body)
                if isinstance(item, float):
                    time.sleep(item)
                    item = script.next()
                if isinstance(item, int):
                    data, code = b'{"error": {"message": "boom"}}', item
                elif isinstance(item, bytes):  # a raw body, sent as is with status 200
                    data, code = item, 200
                else:
                    data, code = chat_completion(item), 200
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except BrokenPipeError:  # the client timed out first, as the timeout test intends
                    pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        return OpenAIChatModel("judge", base_url=f"http://127.0.0.1:{httpd.server_port}/v1", timeout=timeout)

    yield start
    for httpd in started:
        httpd.shutdown()
