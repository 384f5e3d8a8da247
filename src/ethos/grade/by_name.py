"""Graders by name, for recipes and the command line (the names come from the ``GRADERS`` registry)."""

from __future__ import annotations

from typing import Any

from ethos.errors import UserError
from ethos.grade.types import GRADERS


def _judge_model(judge: Any, base_url: str | None, timeout: float | None = None, concurrency: int | None = None):
    if isinstance(judge, str):
        from ethos.models import load_model

        return load_model(judge, base_url=base_url, timeout=timeout, concurrency=concurrency)
    return judge


def grader_by_name(
    name: str,
    *,
    judge: Any = None,
    judge_base_url: str | None = None,
    judge_timeout: float | None = None,
    judge_concurrency: int | None = None,
    **kw,
):
    """Build a grader. ``judge`` is a chat model or model string, used by the graders that need one
    (and ignored by the others); ``judge_timeout`` is seconds per request to an ``openai:`` judge and
    ``judge_concurrency`` how many of its requests run at once; other keywords go to :class:`JudgeConfig`
    (e.g. ``max_retries``)."""
    kind = GRADERS.get(name)
    if not kind.needs_judge:
        return kind.make(None)
    if judge is None:
        raise UserError(f"grader '{name}' needs a judge model (e.g. --judge smollm2-135m-instruct or openai:<model>).")
    return kind.make(_judge_model(judge, judge_base_url, judge_timeout, judge_concurrency), **kw)
