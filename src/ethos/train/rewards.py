"""One reward interface for every prompt source: the reward is the grade.

Each prompt comes from a source (``standard`` or ``trait``) and each source has a grader: rule
verifiers for standard tasks, the rubric grader for trait scenarios, and, in the control arm, a
generic helpfulness grader for the same trait prompts. Both backends (native and TRL) call this
router, so they see identical rewards.

A grader that raises is a configuration or data problem the user must see: the router finds the
exact item that failed and raises :class:`RewardError` naming it and the grader, so the trainer
can stop cleanly with its last checkpoint intact. A score outside [0, 1] is treated the same way.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from ethos.data.schema import Example
from ethos.grade.types import Grader


class RewardError(Exception):
    """A grader failed on a specific item."""

    def __init__(self, grader: str, item: str, detail: str):
        super().__init__(f"grader '{grader}' failed on item '{item}': {detail}")
        self.grader = grader
        self.item = item


class RewardRouter:
    """Send each (example, reply) to its source's grader and return scores in [0, 1] or ``None``."""

    def __init__(self, graders: Mapping[str, Grader]):
        self.graders = dict(graders)

    def grader_for(self, source: str) -> Grader:
        try:
            return self.graders[source]
        except KeyError:
            raise ValueError(f"no grader for prompt source '{source}' (have: {', '.join(self.graders)})") from None

    def __call__(self, examples: Sequence[Example], sources: Sequence[str], replies: Sequence[str]) -> list[float | None]:
        if not len(examples) == len(sources) == len(replies):
            raise ValueError("examples, sources and replies must align")
        scores: list[float | None] = [None] * len(examples)
        for source in dict.fromkeys(sources):
            idx = [i for i, s in enumerate(sources) if s == source]
            grader = self.grader_for(source)
            exs, reps = [examples[i] for i in idx], [replies[i] for i in idx]
            try:
                grades = grader.grade_many(exs, reps)
            except Exception as e:  # noqa: BLE001 - locate the item, then report it
                self._locate_failure(grader, exs, reps, e)
            if len(grades) != len(idx):
                raise RewardError(grader.name, exs[0].id, f"returned {len(grades)} grades for {len(idx)} replies")
            for i, g in zip(idx, grades):
                scores[i] = self._checked(grader, examples[i], g.score)
        return scores

    @staticmethod
    def _checked(grader: Grader, example: Example, score: float | None) -> float | None:
        if score is None:
            return None
        if not (isinstance(score, (int, float)) and math.isfinite(score) and 0.0 <= score <= 1.0):
            raise RewardError(grader.name, example.id, f"returned score {score!r}; scores must be in [0, 1] or None")
        return float(score)

    @staticmethod
    def _locate_failure(grader: Grader, exs: Sequence[Example], reps: Sequence[str], batch_error: Exception) -> None:
        for ex, rep in zip(exs, reps):
            try:
                grader.grade(ex, rep)
            except Exception as e:  # noqa: BLE001
                raise RewardError(grader.name, ex.id, f"{type(e).__name__}: {e}") from e
        raise RewardError(grader.name, exs[0].id if exs else "?", f"{type(batch_error).__name__} in grade_many: {batch_error}") from batch_error
