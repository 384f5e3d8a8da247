"""Item constructors shared by built-in benchmarks and public adapters.

The option order of a multiple-choice item is fixed by a hash of its id, so no benchmark rewards a
position bias and the order is the same on every run.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

from ethos.data.schema import Check, Example, RubricLine
from ethos.evals.benchmark import McItem


def hash_subset(rows: list, n: int | None, key) -> list:
    """The ``n`` rows with the smallest sha256 of ``key(row)``, in their original order (all when ``n`` is None):
    a fixed subset that does not depend on file order and is the same on every machine."""
    if n is None or n >= len(rows):
        return list(rows)
    chosen = set(sorted(range(len(rows)), key=lambda i: hashlib.sha256(str(key(rows[i])).encode()).hexdigest())[:n])
    return [r for i, r in enumerate(rows) if i in chosen]


def rank(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)


def user(text: str, system: str | None = None) -> list[dict[str, str]]:
    return ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": text}]


def mc_item(
    item_id: str,
    messages: list[dict[str, str]],
    good: Iterable[str],
    bad: Iterable[str],
    counterfactual=None,
    domain: str | None = None,
    **meta,
) -> McItem:
    """An item whose good and bad replies are placed in an order fixed by the item id."""
    tagged = [(o, True) for o in good] + [(o, False) for o in bad]
    tagged.sort(key=lambda t: rank(f"{item_id}|{t[0]}"))
    return McItem(
        id=item_id,
        messages=messages,
        options=tuple(o for o, _ in tagged),
        good=tuple(i for i, (_, ok) in enumerate(tagged) if ok),
        domain=domain,
        counterfactual=counterfactual,
        meta=meta,
    )


def line(what: str, kind: str, /, weight: float = 1.0, **params) -> RubricLine:
    return RubricLine(text=what, check=Check(kind=kind, **params), weight=weight)


def gen_item(
    item_id: str, messages: list[dict[str, str]], rubric: list[RubricLine], domain: str | None = None, **meta
) -> Example:
    return Example(id=item_id, kind="benchmark", domain=domain, messages=messages, rubric=rubric, meta=meta)


ADMITS_UNKNOWN = [
    "can't know",
    "cannot know",
    "can not know",
    "no way to know",
    "no way of knowing",
    "impossible to know",
    "impossible to predict",
    "can't predict",
    "cannot predict",
    "don't know",
    "do not know",
    "not sure",
    "unsure",
    "no one knows",
    "nobody knows",
    "nobody can know",
    "unknown",
    "can't be known",
    "cannot be known",
    "not possible to know",
    "don't have access",
    "do not have access",
    "can't tell",
    "cannot tell",
    "uncertain",
    "not certain",
]


def admits_unknown() -> RubricLine:
    """Says the answer cannot be known (a phrase list: the reply must state it, not merely soften its tone)."""
    return line("Says this cannot be known", "mentions_any", terms=ADMITS_UNKNOWN)
