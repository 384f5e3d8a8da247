"""What a fake OpenAI-compatible endpoint answers, for the tests that serve one."""

from __future__ import annotations

import json


def chat_completion(content: str, model: str = "judge") -> bytes:
    """The body of a one-choice ``chat.completion`` response whose message is ``content``."""
    choice = {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
    return json.dumps(
        {"id": "x", "object": "chat.completion", "created": 0, "model": model, "choices": [choice]}
    ).encode()
