"""ethos.grade: rubric lines -> a grade -> a reward.

One protocol (``grade(example, reply) -> Grade``) and its implementations: code checks built on
behavior detectors (:class:`RuleGrader`), an LLM judge (:class:`JudgeGrader`, and the
policy-aware :class:`PolicyJudge` for deliberative alignment), the two combined
(:class:`HybridGrader`), and a rubric-blind helpfulness reward for the control arm
(:class:`HelpfulnessGrader`). :class:`Reward` turns graders into the RL reward, for the native
loop and for TRL alike.
"""

from ethos.grade.by_name import grader_by_name
from ethos.grade.checks import CHECKS, run_check
from ethos.grade.graded import GradedGrader
from ethos.grade.helpfulness import GenericJudge, HelpfulnessGrader
from ethos.grade.hybrid import HybridGrader
from ethos.grade.judge import JudgeConfig, JudgeGrader
from ethos.grade.judge_prompt import MalformedVerdict, parse_verdicts
from ethos.grade.policy_judge import PolicyJudge
from ethos.grade.policy_rules import PolicyRules
from ethos.grade.rewards import Reward, RewardError, completion_text
from ethos.grade.rule import RuleGrader
from ethos.grade.types import DETECTORS, GRADERS, Grade, Grader, GraderKind, LineResult, detector, register_grader
from ethos.models.reasoning import Reply, final_answer, parse_reply

__all__ = [
    "CHECKS",
    "DETECTORS",
    "GRADERS",
    "GenericJudge",
    "GradedGrader",
    "Grade",
    "Grader",
    "GraderKind",
    "HelpfulnessGrader",
    "HybridGrader",
    "JudgeConfig",
    "JudgeGrader",
    "LineResult",
    "MalformedVerdict",
    "PolicyJudge",
    "PolicyRules",
    "Reward",
    "RewardError",
    "RuleGrader",
    "completion_text",
    "detector",
    "final_answer",
    "parse_reply",
    "Reply",
    "grader_by_name",
    "parse_verdicts",
    "register_grader",
    "run_check",
]
