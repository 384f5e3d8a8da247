"""Splits: train, in-domain eval, held-out domains, and held-out skeletons.

Held-out-domain scenarios are never trained on, which is what the cross-domain transfer questions
need ("train on health only", "remove health and science"). Within the training domains, a fixed
fraction of every trait × domain cell goes to eval, chosen by a seeded hash of the example id so
that the split is stable when other cells change.

Those two reuse the training *situations* with new slot fillers. Held-out skeletons are new
situations: a seeded share of each trait's skeletons that no split any arm trains on is built from,
so their scenarios test whether a trait learned on some situations carries to others. Contrast
skeletons (where the blanket behaviour is wrong) are never held out: the reward must keep seeing
them, or training would pay for hedging, refusing or referring everywhere.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field

from ethos.data.schema import Example
from ethos.data.skeletons import SKELETONS


@dataclass
class Splits:
    train: list[Example]
    eval: list[Example]
    heldout: list[Example]
    heldout_skeletons: list[Example] = field(default_factory=list)

    def items(self) -> list[tuple[str, list[Example]]]:
        return [
            ("train", self.train),
            ("eval", self.eval),
            ("heldout", self.heldout),
            ("heldout_skeletons", self.heldout_skeletons),
        ]


def heldout_skeleton_ids(traits: list[str], fraction: float, seed: int) -> set[str]:
    """At least ``fraction`` of each trait's skeletons (rounded up), chosen by a seeded hash among the
    non-contrast ones, whole families at a time (variants of one situation are held out together); at
    least one non-contrast family per trait stays for training."""
    held: set[str] = set()
    if fraction <= 0:
        return held
    for trait in traits:
        mine = [s for s in SKELETONS.values() if s.trait == trait]
        families: dict[str, list[str]] = {}
        for s in mine:
            if not s.contrast:
                families.setdefault(str(s.family), []).append(s.id)
        ranked = sorted(families, key=lambda f: _rank(f, seed))
        want, taken = math.ceil(len(mine) * fraction), 0
        for family in ranked[:-1]:
            if taken >= want:
                break
            held |= set(families[family])
            taken += len(families[family])
    return held


def content_domains(example: Example) -> set[str]:
    """The spec domains a scenario is about: its domain, and its skeleton's topic (a crisis conversation
    is about health whatever domain's details fill it)."""
    return {d for d in (example.domain, example.meta.get("topic")) if d}


def _rank(example_id: str, seed: int) -> str:
    return hashlib.sha1(f"{seed}:{example_id}".encode()).hexdigest()


def split_by_domain(
    examples: list[Example],
    train_domains: list[str],
    heldout_domains: list[str],
    eval_fraction: float = 0.2,
    seed: int = 0,
) -> Splits:
    """Held-out domains go to ``heldout``; each train-domain cell gives ``eval_fraction`` to ``eval``."""
    cells: dict[tuple, list[Example]] = defaultdict(list)
    heldout: list[Example] = []
    train_set, held_set = set(train_domains), set(heldout_domains)
    for example in examples:
        if example.domain in held_set:
            heldout.append(example)
        elif example.domain in train_set:
            cells[(example.trait, example.domain)].append(example)
    train: list[Example] = []
    evals: list[Example] = []
    for cell in cells.values():
        ranked = sorted(cell, key=lambda e: _rank(e.id, seed))
        # at least one eval item per cell when asked for any, but never the whole cell
        n_eval = min(len(ranked) - 1, max(1, round(len(ranked) * eval_fraction))) if eval_fraction > 0 else 0
        chosen = {e.id for e in ranked[:n_eval]}
        for example in cell:  # keep generation order within each split
            (evals if example.id in chosen else train).append(example)
    return Splits(train, evals, heldout)
