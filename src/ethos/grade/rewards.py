"""The RL reward: each prompt source's grader, one object for the native loop and for TRL.

Each prompt comes from a source (``standard`` or ``trait``) and each source has a grader: rule
verifiers for standard tasks, the rubric grader for trait scenarios, and, in the control arm, a
generic helpfulness grader for the same trait prompts. The reward is the grade. The native loop
calls a :class:`Reward` directly; TRL calls the same object through :meth:`Reward.for_trl`, whose
callable has TRL's signature (``prompts, completions, **dataset_columns``) and reads the
``example_id`` and ``source`` columns. ``None`` (unscored) stays missing in both — TRL turns it
into NaN and leaves it out of the group baseline — never a 0.

A grader that raises is a configuration or data problem the user must see: the reward finds the
exact item that failed and raises :class:`RewardError` naming it and the grader, so a trainer can
stop cleanly with its last checkpoint intact. A score outside [0, 1] is treated the same way.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

from ethos.data.schema import Example
from ethos.grade.types import Grade, Grader


class RewardError(Exception):
    """A grader failed on a specific item."""

    def __init__(self, grader: str, item: str, detail: str):
        super().__init__(f"grader '{grader}' failed on item '{item}': {detail}")
        self.grader = grader
        self.item = item


def completion_text(completion: Any) -> str:
    """A completion as text: a string, or the assistant content of a chat message list."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return str(completion.get("content", ""))
    if isinstance(completion, (list, tuple)):
        return "".join(
            str(m.get("content", ""))
            for m in completion
            if isinstance(m, dict) and m.get("role", "assistant") == "assistant"
        )
    raise TypeError(f"cannot read a completion of type {type(completion).__name__}; expected str or a list of messages")


class Reward:
    """Send each (example, reply) to its source's grader; scores in [0, 1] or ``None``."""

    def __init__(self, graders: Mapping[str, Grader]):
        self.graders = dict(graders)

    def grader_for(self, source: str) -> Grader:
        try:
            return self.graders[source]
        except KeyError:
            raise ValueError(f"no grader for prompt source '{source}' (have: {', '.join(self.graders)})") from None

    def __call__(
        self, examples: Sequence[Example], sources: Sequence[str], replies: Sequence[str]
    ) -> list[float | None]:
        return [g.score for g in self.grades(examples, sources, replies)]

    def judge_counts(self) -> dict[str, int]:
        """The LLM judges' running counts (calls, retries, unscored, ...) summed over the graders that keep them."""
        out: dict[str, int] = {}
        for g in self.graders.values():
            for k, v in (getattr(g, "stats", None) or {}).items():
                out[k] = out.get(k, 0) + int(v)
        return out

    def grades(self, examples: Sequence[Example], sources: Sequence[str], replies: Sequence[str]) -> list[Grade]:
        """Every reply's full grade (score and per-line results), each from its source's grader."""
        if not len(examples) == len(sources) == len(replies):
            raise ValueError("examples, sources and replies must align")
        out: list[Grade | None] = [None] * len(examples)
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
                g.score = self._checked(grader, examples[i], g.score)
                out[i] = g
        return out  # type: ignore[return-value]

    def for_trl(
        self,
        examples_by_id: Mapping[str, Example],
        *,
        on_batch: Callable[..., None] | None = None,
        id_column: str = "example_id",
        source_column: str = "source",
    ) -> Callable[..., list[float | None]]:
        """This reward with TRL's reward-function signature; ``on_batch(scores, sources, examples, completion_ids)``
        is called after each batch (for logging)."""

        def reward(prompts=None, completions=None, **columns) -> list[float | None]:
            if completions is None:
                raise ValueError("reward function called without completions")
            ids = columns.get(id_column)
            if ids is None:
                raise ValueError(
                    f"the dataset needs an '{id_column}' column so each completion can be matched to its example"
                )
            missing = [i for i in ids if i not in examples_by_id]
            if missing:
                raise KeyError(
                    f"unknown {id_column} {missing[0]!r} (and {len(missing) - 1} more); pass the examples the dataset "
                    f"was built from"
                )
            examples = [examples_by_id[i] for i in ids]
            sources = list(columns.get(source_column) or [next(iter(self.graders))] * len(ids))
            scores = self(examples, sources, [completion_text(c) for c in completions])
            if on_batch is not None:
                on_batch(scores, sources, examples, columns.get("completion_ids"))
            return scores

        reward.__name__ = "ethos_reward"
        return reward

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
        raise RewardError(
            grader.name, exs[0].id if exs else "?", f"{type(batch_error).__name__} in grade_many: {batch_error}"
        ) from batch_error
