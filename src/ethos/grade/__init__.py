"""ethos.grade: rubric lines -> a grade -> a reward.

One protocol (``grade(example, reply) -> Grade``) and its implementations: code checks built on
behavior detectors (:class:`RuleGrader`), an LLM judge (:class:`JudgeGrader`, and the
policy-aware :class:`PolicyJudge` for deliberative alignment), the two combined
(:class:`HybridGrader`), and a rubric-blind helpfulness reward for the control arm
(:class:`HelpfulnessGrader`). :func:`reward_function` wraps any of them for TRL.
"""

from ethos.grade.checks import CHECKS, run_check
from ethos.grade.helpfulness import GenericJudge, HelpfulnessGrader
from ethos.grade.hybrid import HybridGrader
from ethos.grade.judge import JudgeConfig, JudgeGrader
from ethos.grade.judge_prompt import MalformedVerdict, final_answer, parse_verdicts
from ethos.grade.policy_judge import PolicyJudge
from ethos.grade.registry import GRADER_NAMES, grader_by_name
from ethos.grade.rewards import completion_text, grade_rewards, reward_function
from ethos.grade.rule import RuleGrader
from ethos.grade.types import Grade, Grader, LineResult

__all__ = [
    "CHECKS",
    "GRADER_NAMES",
    "GenericJudge",
    "Grade",
    "Grader",
    "HelpfulnessGrader",
    "HybridGrader",
    "JudgeConfig",
    "JudgeGrader",
    "LineResult",
    "MalformedVerdict",
    "PolicyJudge",
    "RuleGrader",
    "completion_text",
    "final_answer",
    "grade_rewards",
    "grader_by_name",
    "parse_verdicts",
    "reward_function",
    "run_check",
]
