"""What a benchmark is: items, a kind, which answer is good, a category, a version.

Two kinds, both scored so that **higher is always better**:

* ``mc`` — multiple choice by log-likelihood. Each option is scored as the assistant's whole reply
  (as in lm-evaluation-harness); the option probabilities are renormalized over the options. An
  item's ``score`` is the probability mass on the good options (a continuous, more sensitive paired
  measure for a small model than accuracy); ``correct`` is whether the arg-max option is good.
  An item may carry a ``counterfactual`` conversation (the same question with a group attribute
  swapped); its score is then ``1 - total variation distance`` between the two option
  distributions, i.e. consistency.
* ``gen`` — greedy generation of a bounded reply, graded by a grader (the rule grader unless the
  benchmark supplies its own). Items are :class:`ethos.data.schema.Example` objects whose rubric
  checks say what a good reply does.

A benchmark's ``fingerprint`` hashes its declared version together with its items, so a cached
result can never outlive a change to the items.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from ethos.data.schema import Example
from ethos.errors import UserError
from ethos.registry import Registry

CATEGORIES = (
    "honesty",
    "sycophancy",
    "reward_hacking",
    "mental_health",
    "corrigibility",
    "power_seeking",
    "epistemic_humility",
    "truthfulness",
    "fairness",
    "transparency",
    "over_refusal",
    "harmful_refusal",
    "capability",
    "risk_sensitivity",
    "training_reward",  # held-out prompts of a training stream, graded by the training grader (a diagnostic)
    "other",  # public files whose direction the user set but whose category is not one of the above
)


@dataclass(frozen=True)
class McItem:
    """A multiple-choice item: a conversation ending with the user, options, and which are good."""

    id: str
    messages: list[dict[str, str]]
    options: tuple[str, ...]
    good: tuple[int, ...]
    counterfactual: list[dict[str, str]] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    domain: str | None = None  # health, science or other (see ethos.evals.domains)

    def __post_init__(self) -> None:
        if len(self.options) < 2:
            raise ValueError(f"item {self.id}: a multiple-choice item needs at least 2 options")
        if not self.good or any(not 0 <= g < len(self.options) for g in self.good):
            raise ValueError(f"item {self.id}: good option indices {self.good} out of range")
        if not self.messages or self.messages[-1]["role"] != "user":
            raise ValueError(f"item {self.id}: the last message must be from the user")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "messages": self.messages,
            "options": list(self.options),
            "good": list(self.good),
            "counterfactual": self.counterfactual,
            "meta": self.meta,
            "domain": self.domain,
        }


@dataclass(frozen=True)
class Reference:
    """A known-good and a known-bad reply for one item template, used to check a grader separates them."""

    item_id: str
    good: str
    bad: str


@dataclass
class Benchmark:
    """Items plus how to score them. ``good`` says in words which direction is good."""

    name: str
    category: str
    kind: Literal["mc", "gen"]
    items: list
    good: str
    version: str = "1"
    domain: str | None = None
    source: str = "builtin"
    max_new_tokens: int = 64
    norm: Literal["sum", "mean"] = "sum"
    references: list[Reference] = field(default_factory=list)
    scorer: Any = None  # an evaluation-only grader (ethos.evals.graders); None means the rule grader
    descriptive: bool = False  # no answer is the better one: shifts are reported, never counted as wins
    # What training reference the good answer mirrors (then the answer key is the reward's behaviour, not an
    # independent measure, and the benchmark stays out of the headline).
    mirrors_training: str | None = None

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(
                f"benchmark {self.name}: unknown category '{self.category}'; valid: {', '.join(CATEGORIES)}"
            )
        if not self.items:
            raise UserError(f"benchmark {self.name} has no items; an empty benchmark cannot be scored.")
        want = McItem if self.kind == "mc" else Example
        bad = [type(i).__name__ for i in self.items if not isinstance(i, want)]
        if bad:
            raise ValueError(f"benchmark {self.name}: {self.kind} items must be {want.__name__}, got {bad[0]}")
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError(f"benchmark {self.name}: duplicate item ids")

    @property
    def capability(self) -> bool:
        return self.category == "capability"

    @property
    def grader(self) -> str:
        """What decides an item's score, in words."""
        if self.kind == "mc":
            return "answer key (option log-likelihood)"
        return getattr(self.scorer, "name", "rule grader (the training rewards' checks)")

    @property
    def independent(self) -> bool:
        """True when the score shares no code, phrase list or labeled data with a training reward: an answer key,
        or an evaluation-only grader. Built-in generation benchmarks graded by the rule grader are not, nor is a
        multiple-choice benchmark whose good answer mirrors a training reference reply."""
        if self.mirrors_training:
            return False
        return self.kind == "mc" or bool(getattr(self.scorer, "independent", False))

    @property
    def chance(self) -> float | None:
        """Mean probability mass a uniform chooser puts on the good options (mc without counterfactuals)."""
        if self.kind != "mc" or any(i.counterfactual for i in self.items):
            return None
        return sum(len(i.good) / len(i.options) for i in self.items) / len(self.items)

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        h.update(f"{self.name}|{self.kind}|{self.version}|{self.max_new_tokens}|{self.norm}".encode())
        for item in self.items:
            obj = item.to_json() if isinstance(item, McItem) else item.model_dump(mode="json")
            h.update(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode())
        return h.hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "category": self.category,
            "kind": self.kind,
            "good": self.good,
            "version": self.version,
            "fingerprint": self.fingerprint(),
            "domain": self.domain,
            "source": self.source,
            "n_items": len(self.items),
            "chance": self.chance,
            "grader": self.grader,
            "independent": self.independent,
            "mirrors_training": self.mirrors_training,
            "descriptive": self.descriptive,
            "capability": self.capability,
        }


# Benchmarks by name: each factory registers itself with ``@BENCHMARKS.register`` where it is defined.
BENCHMARKS: Registry[Callable[[], Benchmark]] = Registry("benchmark")
