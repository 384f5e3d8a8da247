"""``ethos serve`` driven by the ``openai`` client, the way its users call it, on the embedded model."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.model

openai = pytest.importorskip("openai")
NAME = "smollm2-135m-instruct"


@pytest.fixture(scope="module")
def server(smol_fp32):
    from ethos.models.server import make_server

    srv = make_server(smol_fp32, "127.0.0.1", 0, model_id=NAME, window_s=0.05)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0, timeout=120)


def ask(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def test_chat_completion_greedy_matches_the_model(client, smol_fp32):
    from ethos.models import SamplingParams

    r = client.chat.completions.create(model=NAME, messages=ask("Name a fruit."), max_tokens=12, temperature=0)
    want = smol_fp32.generate([ask("Name a fruit.")], SamplingParams(max_new_tokens=12))[0]
    assert r.choices[0].message.content == want.text and r.choices[0].finish_reason == want.finish_reason
    assert r.usage.completion_tokens == len(want.token_ids) and r.usage.prompt_tokens == len(want.prompt_token_ids)
    assert r.model == NAME and r.object == "chat.completion"


def test_streaming_yields_the_same_text_in_pieces_and_ends(client):
    kw = dict(model=NAME, messages=ask("Write one sentence about the sea."), max_tokens=24, temperature=0)
    whole = client.chat.completions.create(**kw).choices[0].message.content
    pieces, finishes, usage = [], [], None
    for ev in client.chat.completions.create(stream=True, stream_options={"include_usage": True}, **kw):
        if ev.usage:
            usage = ev.usage
        for c in ev.choices:
            pieces.append(c.delta.content or "")
            finishes.append(c.finish_reason)
    assert "".join(pieces) == whole and len([p for p in pieces if p]) > 3
    assert finishes[-1] in ("stop", "length") and usage.completion_tokens > 0


def test_n_seed_stop_and_max_completion_tokens(client):
    kw = dict(
        model=NAME, messages=ask("Tell me a short story."), temperature=1.0, seed=7, n=3, max_completion_tokens=10
    )
    a, b = client.chat.completions.create(**kw), client.chat.completions.create(**kw)
    assert len(a.choices) == 3 and [c.index for c in a.choices] == [0, 1, 2]
    assert [c.message.content for c in a.choices] == [c.message.content for c in b.choices]  # same seed, same replies
    assert len({c.message.content for c in a.choices}) > 1  # three samples, not one copied
    r = client.chat.completions.create(
        model=NAME, messages=ask("Count from 1 to 10 with commas."), max_tokens=40, temperature=0, stop=["5"]
    )
    assert "5" not in r.choices[0].message.content and r.choices[0].finish_reason == "stop"


def test_logprobs_and_top_logprobs(client):
    r = client.chat.completions.create(
        model=NAME, messages=ask("Say yes."), max_tokens=4, temperature=0, logprobs=True, top_logprobs=3
    )
    content = r.choices[0].logprobs.content
    assert len(content) >= 1 and all(len(t.top_logprobs) == 3 for t in content)
    first = content[0]
    assert first.top_logprobs[0].token == first.token  # greedy: the chosen token is the most likely
    assert first.logprob == pytest.approx(first.top_logprobs[0].logprob, abs=1e-4) and first.logprob <= 0


def test_list_of_parts_content_and_developer_role(client):
    parts = [{"type": "text", "text": "Name a "}, {"type": "text", "text": "color."}]
    r = client.chat.completions.create(
        model=NAME,
        messages=[{"role": "developer", "content": "Be brief."}, {"role": "user", "content": parts}],
        max_tokens=6,
        temperature=0,
    )
    assert r.choices[0].message.content


def test_completions_route(client):
    r = client.completions.create(model=NAME, prompt="The capital of France is", max_tokens=4, temperature=0)
    assert r.choices[0].text and r.object == "text_completion"


def test_errors_have_openai_bodies(client, server):
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="gpt-9", messages=ask("hi"), max_tokens=2)
    assert e.value.body["code"] == "model_not_found"
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model=NAME, messages=[], max_tokens=2)
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=NAME, messages=ask("hi"), max_tokens=2, top_logprobs=2)
    req = urllib.request.Request(
        f"{server}/v1/chat/completions", data=b"{not json", method="POST", headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as http:
        urllib.request.urlopen(req, timeout=30)
    assert http.value.code == 400 and json.loads(http.value.read())["error"]["type"] == "invalid_request_error"
    with pytest.raises(urllib.error.HTTPError) as http:
        urllib.request.urlopen(f"{server}/v1/nothing", timeout=30)
    assert http.value.code == 404


def test_models_and_health(client, server):
    (card,) = client.models.list().data
    assert card.id == NAME and card.created > 0 and client.models.retrieve(NAME).id == NAME
    health = json.loads(urllib.request.urlopen(f"{server}/health", timeout=30).read())
    assert health["status"] == "ok" and health["model"] == NAME


def test_thirty_two_parallel_requests_are_complete_and_batched(client, server):
    before = json.loads(urllib.request.urlopen(f"{server}/health", timeout=30).read())
    questions = [f"What is {i} plus {i}? Answer with the number." for i in range(32)]

    def one(q):
        return client.chat.completions.create(model=NAME, messages=ask(q), max_tokens=8 + len(q) % 5, temperature=0)

    with ThreadPoolExecutor(32) as pool:
        replies = list(pool.map(one, questions))
    after = json.loads(urllib.request.urlopen(f"{server}/health", timeout=30).read())
    assert all(r.choices[0].message.content and r.choices[0].finish_reason in ("stop", "length") for r in replies)
    assert after["requests"] - before["requests"] == 32
    assert after["batches"] - before["batches"] < 32 and after["largest_batch"] > 1  # served together, not one by one
