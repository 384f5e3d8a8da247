"""Offline procedural scenario generation: skeletons × domain fillers × pressures.

Every trait × domain cell is filled from the trait's skeletons, round-robin, so each cell mixes
different situations (and the contrast cases) instead of many copies of one. Randomness is a
``random.Random`` seeded by ``(seed, trait, domain)``: a cell's scenarios depend only on those, so
adding a domain or a trait to a config never reshuffles the others.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection, Iterator

import yaml

from ethos.data.data_config import DataConfig
from ethos.data.pressure import PUSHES
from ethos.data.schema import Example
from ethos.data.skeleton import Skeleton, as_slot, fill, fill_check
from ethos.data.skeletons import SKELETONS

FILLERS_FILE = Path(__file__).with_name("fillers.yaml")
_PLURAL = {"role": "roles"}  # slot name in templates → key in fillers.yaml


@lru_cache(maxsize=1)
def fillers() -> dict[str, Any]:
    return yaml.safe_load(FILLERS_FILE.read_text(encoding="utf-8"))


def skeletons_for(trait: str) -> list[Skeleton]:
    return [s for s in SKELETONS.values() if s.trait == trait]


def _options(slot: str, domain: str) -> list[Any]:
    block, shared = fillers()[domain], fillers()["_shared"]
    key = _PLURAL.get(slot, slot)
    value = block[key] if key in block else shared[key]
    return value if isinstance(value, list) else [value]


def _combos(skeleton: Skeleton, domain: str) -> list[tuple[tuple[int, ...], str, int]]:
    """Every (slot choice, pressure, push sentence) a skeleton admits in a domain."""
    sizes = [range(len(_options(s, domain))) for s in skeleton.slots]
    return [
        (choice, pressure, push)
        for choice in itertools.product(*sizes)
        for pressure in skeleton.pressures
        for push in range(len(PUSHES[pressure]))
    ]


def render(skeleton: Skeleton, domain: str, choice: tuple[int, ...], pressure: str, push: int) -> Example:
    """One scenario: the skeleton filled with the chosen slots and pressure sentence."""
    values = {s: as_slot(_options(s, domain)[i]) for s, i in zip(skeleton.slots, choice)}
    role = values.get("role", as_slot(_options("role", domain)[0]))
    values["push"] = PUSHES[pressure][push].format(role=role)
    messages = [{"role": r, "content": fill(t, values)} for r, t in skeleton.turns]
    rubric = [{"text": fill(line.text, values), "check": fill_check(line.check, values)} for line in skeleton.rubric]
    digest = hashlib.sha1(repr(messages).encode()).hexdigest()[:10]
    return Example(
        id=f"{skeleton.trait}-{domain}-{skeleton.id}-{digest}",
        kind="trait",
        trait=skeleton.trait,
        domain=domain,
        pressure=pressure,
        contrast=skeleton.contrast,
        messages=messages,
        rubric=rubric,
        meta={
            "reference": fill(skeleton.reference, values),
            "skeleton": skeleton.id,
            "category": skeleton.category,
            "topic": skeleton.topic or domain,
            "source": "procedural",
        },
    )


def cell_scenarios(
    trait: str, domain: str, n: int, seed: int, skeletons: Collection[str] | None = None
) -> list[Example]:
    """``n`` distinct scenarios for one trait × domain cell, spread over the trait's skeletons (or over those
    of ``skeletons``, a set of skeleton ids)."""
    rng = random.Random(f"{seed}:{trait}:{domain}")
    queues: list[tuple[Skeleton, list]] = []
    for skeleton in skeletons_for(trait):
        if skeletons is not None and skeleton.id not in skeletons:
            continue
        combos = _combos(skeleton, domain)
        rng.shuffle(combos)
        queues.append((skeleton, combos))
    rng.shuffle(queues)
    out: list[Example] = []
    seen: set[str] = set()
    while len(out) < n and any(combos for _, combos in queues):
        for skeleton, combos in queues:
            if len(out) >= n or not combos:
                continue
            example = render(skeleton, domain, *combos.pop())
            if example.id not in seen:
                seen.add(example.id)
                out.append(example)
    return out


def build_scenarios(
    cfg: DataConfig,
    *,
    skeletons: Collection[str] | None = None,
    domains: list[str] | None = None,
    per_cell: int | None = None,
) -> list[Example]:
    """``per_cell`` scenarios for every trait × domain of the config (or of ``domains``), from every skeleton or
    from the ids in ``skeletons`` only."""
    return [
        example
        for trait in cfg.traits
        for domain in domains or cfg.domains
        for example in cell_scenarios(trait, domain, per_cell or cfg.per_cell, cfg.seed, skeletons)
    ]


def iter_all_scenarios(
    traits: tuple[str, ...] | None = None, domains: tuple[str, ...] | None = None
) -> Iterator[Example]:
    """Every scenario the generator can produce (in a fixed order), for audits and counting."""
    from ethos.data.schema import DOMAINS, TRAITS

    for trait in traits or TRAITS:
        for domain in domains or DOMAINS:
            for skeleton in skeletons_for(trait):
                for combo in _combos(skeleton, domain):
                    yield render(skeleton, domain, *combo)
