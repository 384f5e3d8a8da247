"""Graders by name, for configs and the command line."""

from __future__ import annotations

from typing import Any

from ethos.errors import UserError

GRADER_NAMES = ("rule", "judge", "hybrid", "helpfulness", "helpfulness_judge", "policy_judge")
_NEED_JUDGE = {"judge", "hybrid", "helpfulness_judge", "policy_judge"}


def _judge_model(judge: Any, base_url: str | None):
    if isinstance(judge, str):
        from ethos.models import load_model

        return load_model(judge, base_url=base_url)
    return judge


def grader_by_name(name: str, *, judge: Any = None, judge_base_url: str | None = None, **kw):
    """Build a grader. ``judge`` is a chat model or model string, used by the judge-based graders
    (and ignored by ``rule`` and ``helpfulness``); other keywords go to :class:`JudgeConfig`."""
    from ethos.grade.helpfulness import HelpfulnessGrader
    from ethos.grade.hybrid import HybridGrader
    from ethos.grade.judge import JudgeGrader
    from ethos.grade.policy_judge import PolicyJudge
    from ethos.grade.rule import RuleGrader

    if name not in GRADER_NAMES:
        raise UserError(f"unknown grader '{name}'; valid graders: {', '.join(GRADER_NAMES)}.")
    if name == "rule":
        return RuleGrader()
    if name == "helpfulness":
        return HelpfulnessGrader()
    if judge is None:
        raise UserError(f"grader '{name}' needs a judge model (e.g. --judge smollm2-135m-instruct or openai:<model>).")
    model = _judge_model(judge, judge_base_url)
    if name == "judge":
        return JudgeGrader(model, **kw)
    if name == "hybrid":
        return HybridGrader(JudgeGrader(model, **kw))
    if name == "policy_judge":
        return PolicyJudge(model, **kw)
    return HelpfulnessGrader(model, **kw)
