"""The grader protocol: ``grade(example, reply) -> Grade``.

``Grade.score`` is in [0, 1], or ``None`` when the grader could not decide (a judge that failed
after its retries). ``None`` is counted and reported, never turned into 0: an unscored item is
missing data, not a bad reply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

from ethos.data.schema import Example


@dataclass
class LineResult:
    text: str
    score: float | None  # 1.0 pass, 0.0 fail, fractions allowed; None = undecided
    why: str = ""
    by: str = ""  # "rule" or "judge"


@dataclass
class Grade:
    score: float | None
    per_line: list[LineResult] = field(default_factory=list)
    why: str = ""

    @property
    def scored(self) -> bool:
        return self.score is not None


@runtime_checkable
class Grader(Protocol):
    name: str

    def grade(self, example: Example, reply: str) -> Grade: ...

    def grade_many(self, examples: Sequence[Example], replies: Sequence[str]) -> list[Grade]: ...
