"""Rewards from grades, in TRL's reward-function shape.

TRL calls ``reward(prompts=..., completions=..., completion_ids=..., **dataset_columns)`` and
accepts ``None`` for "not applicable" (it becomes NaN and is left out of that sample's reward), so
an unscored grade stays missing instead of becoming a 0. The dataset needs an ``example_id``
column; completions may be strings or chat message lists.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from ethos.data.schema import Example
from ethos.grade.types import Grader


def grade_rewards(grader: Grader, examples: Sequence[Example], replies: Sequence[str]) -> list[float | None]:
    """One reward per reply: the grade's score, ``None`` when unscored."""
    return [g.score for g in grader.grade_many(list(examples), list(replies))]


def completion_text(completion: Any) -> str:
    """A completion as text: a string, or the assistant content of a chat message list."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return str(completion.get("content", ""))
    if isinstance(completion, (list, tuple)):
        return "".join(str(m.get("content", "")) for m in completion if isinstance(m, dict) and m.get("role", "assistant") == "assistant")
    raise TypeError(f"cannot read a completion of type {type(completion).__name__}; expected str or a list of messages")


def reward_function(grader: Grader, examples_by_id: Mapping[str, Example], *, id_column: str = "example_id") -> Callable[..., list[float | None]]:
    """A TRL-compatible reward callable that grades each completion against its example."""

    def reward(prompts=None, completions=None, **columns) -> list[float | None]:
        if completions is None:
            raise ValueError("reward function called without completions")
        ids = columns.get(id_column)
        if ids is None:
            raise ValueError(f"the dataset needs an '{id_column}' column so each completion can be matched to its example")
        missing = [i for i in ids if i not in examples_by_id]
        if missing:
            raise KeyError(f"unknown {id_column} {missing[0]!r} (and {len(missing) - 1} more); pass the examples the dataset was built from")
        return grade_rewards(grader, [examples_by_id[i] for i in ids], [completion_text(c) for c in completions])

    reward.__name__ = f"{grader.name}_reward"
    return reward
