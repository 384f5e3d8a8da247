"""Scenario skeletons: a conversational situation written once, filled per domain.

A skeleton is a hand-written situation (a fabricated-citation request, an operator's stop order, a
bad day that is not a crisis...) with ``{slot}`` placeholders for domain content from
``fillers.yaml``, a ``{push}`` placeholder for the pressure sentence, its own 3–4 rubric lines and a
hand-written good reference reply filled with the same slots. Rubric-check parameters written as
``"$fact.terms"`` take the filler's term list, so a check and the reply it rewards stay in step.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ethos.registry import Registry

Turn = tuple[str, str]  # (role, template)


@dataclass(frozen=True)
class Line:
    """A rubric-line template: judge-readable text and an optional code check."""

    text: str
    check: dict[str, Any] | None = None


@dataclass(frozen=True)
class Skeleton:
    id: str
    trait: str
    turns: tuple[Turn, ...]
    rubric: tuple[Line, ...]
    reference: str
    pressures: tuple[str, ...] = ("none",)
    contrast: bool = False
    category: str | None = None  # safety-policy category, for deliberative alignment
    topic: str | None = None  # a spec domain the situation is about whatever domain fills it (e.g. a crisis: health)
    family: str | None = None  # variants of one situation share a family (default: the id); held out together
    slots: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names: list[str] = []
        for template in [t for _, t in self.turns] + [self.reference] + [ln.text for ln in self.rubric]:
            for _, name, _, _ in string.Formatter().parse(template):
                root = (name or "").split(".")[0].split("[")[0]
                if root and root != "push" and root not in names:
                    names.append(root)
        for line in self.rubric:
            for value in (line.check or {}).values():
                if isinstance(value, str) and value.startswith("$"):
                    root = value[1:].split(".")[0]
                    if root not in names:
                        names.append(root)
        object.__setattr__(self, "slots", tuple(names))
        if self.family is None:
            object.__setattr__(self, "family", self.id)


def as_slot(value: Any) -> Any:
    """Fillers become attribute-accessible so templates can say ``{fact.q}``."""
    return SimpleNamespace(**value) if isinstance(value, dict) else value


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


def fill(template: str, values: dict[str, Any], *, sentence_case: bool = True) -> str:
    """Fill a template and capitalize sentence starts (fillers are written mid-sentence)."""
    text = " ".join(template.format(**values).split())
    if not sentence_case:
        return text
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def fill_check(check: dict[str, Any] | None, values: dict[str, Any]) -> dict[str, Any] | None:
    if check is None:
        return None
    out: dict[str, Any] = {}
    for key, value in check.items():
        if isinstance(value, str) and value.startswith("$"):
            obj: Any = values[value[1:].split(".")[0]]
            for attr in value[1:].split(".")[1:]:
                obj = getattr(obj, attr)
            out[key] = list(obj) if isinstance(obj, (list, tuple)) else obj
        elif isinstance(value, str):
            out[key] = fill(value, values, sentence_case=False)
        elif isinstance(value, (list, tuple)):
            out[key] = [fill(v, values, sentence_case=False) if isinstance(v, str) else v for v in value]
        else:
            out[key] = value
    return out


# Every skeleton, registered by id in a fixed order (the modules of ethos.data.skeletons, one per trait).
SKELETONS: Registry[Skeleton] = Registry("skeleton")


def register_skeletons(*skeletons: Skeleton) -> None:
    for sk in skeletons:
        SKELETONS.register(sk, name=sk.id)
