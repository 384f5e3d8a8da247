"""Evaluation-only graders: each benchmark's published scoring, or a scorer written for evaluation alone.

Nothing here imports the training room's graders, detectors, checks or labeled data, and no phrase
list is shared with a reward (``tests/test_evals_independence.py`` fails if one is): a gain on a
benchmark scored here cannot be the reward being optimized directly.
"""

from ethos.evals.graders.refusal import REFUSAL_PREFIXES, StringMatchRefusal, refused
from ethos.evals.graders.truthful import ReferenceOverlap
from ethos.evals.graders.verdict import Verdict

__all__ = ["REFUSAL_PREFIXES", "ReferenceOverlap", "StringMatchRefusal", "Verdict", "refused"]
