"""What an evaluation-only grader returns: a score in [0, 1] (or None when it cannot decide) and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    score: float | None
    why: str = ""
