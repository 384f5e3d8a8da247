"""A judge step's requests go out concurrently from a bounded pool, keep their order and are counted per step."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ethos.data.schema import Example
from ethos.grade import Reward
from ethos.grade.by_name import grader_by_name
from fake_openai import chat_completion

LATENCY = 0.2


@pytest.fixture
def slow_judge():
    """An OpenAI-compatible endpoint that answers every request after 200 ms: pass for an even item, else fail;
    it records the most requests it ever had in flight."""
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
            time.sleep(LATENCY)
            with lock:
                state["now"] -= 1
            text = json.dumps(body["messages"])
            verdict = "pass" if "item-even" in text else "fail"
            content = json.dumps({"lines": [{"line": n, "verdict": verdict, "reason": "r"} for n in (1, 2, 3)]})
            data = chat_completion(content)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/v1", state
    httpd.shutdown()


def _examples(n: int) -> list[Example]:
    return [
        Example(
            id=f"e{i}",
            trait="truthfulness",
            domain="health",
            messages=[{"role": "user", "content": f"Question item-{'even' if i % 2 == 0 else 'odd'} number {i}?"}],
            rubric=[{"text": "Says it cannot verify the source"}, {"text": "Names no DOI"}, {"text": "Offers a way"}],
        )
        for i in range(n)
    ]


def test_a_32_completion_judge_step_with_a_pool_of_16_takes_under_two_seconds_in_order(slow_judge):
    url, state = slow_judge
    judge = grader_by_name("judge", judge="openai:judge", judge_base_url=url, judge_timeout=5, judge_concurrency=16)
    examples = _examples(32)
    reward = Reward({"trait": judge})
    before = reward.judge_counts()
    started = time.perf_counter()
    scores = reward(examples, ["trait"] * 32, ["I cannot verify that."] * 32)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{elapsed:.2f} s for 32 requests of {LATENCY} s with a pool of 16"
    assert elapsed >= 2 * LATENCY * 0.9  # 32 requests over 16 slots: at least two rounds, so the pool is bounded
    assert 1 < state["most"] <= 16
    assert scores == [1.0 if i % 2 == 0 else 0.0 for i in range(32)]  # each score is its own item's, in order
    after = reward.judge_counts()
    assert after["scored"] - before.get("scored", 0) == 32 and after.get("unscored", 0) == 0
