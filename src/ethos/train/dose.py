"""Dose mixing and arms: which prompts each RL step sees, and where their rewards come from.

The dose is the fraction of prompts drawn from trait scenarios. Per-step counts use cumulative
rounding (the largest-remainder idea applied over time): step ``s`` gets
``round((s+1)·P·d) − round(s·P·d)`` trait prompts, so a 5% dose at 8 prompts per step alternates
0s and 1s and the run total is exactly ``round(S·P·d)`` rather than 0 (per-step rounding) or a
random number (per-prompt coin flips). Counts use exact fractions, never floats.

Every step's prompts are a pure function of ``(seed, step)``: each stream is visited in a seeded
permutation per epoch, at the position implied by the counts of earlier steps. Resuming therefore
needs no stream state beyond the step number; the positions are still saved with each checkpoint
so a resumed run can prove it continues where it stopped.

Arms (:mod:`ethos.train.arms`) share one config and so are compute-matched by construction (same
steps, prompts per step, group size, completion length and seed); they differ only in the dose and
in the grader that rewards trait prompts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence

from ethos.data.schema import Example
from ethos.errors import UserError


def _round_half_up(x: Fraction) -> int:
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


def dose_fraction(dose: float) -> Fraction:
    """The dose as an exact fraction of the decimal the user wrote (0.05 → 1/20)."""
    return Fraction(str(dose))


def trait_count(step: int, prompts_per_step: int, dose: float) -> int:
    """Trait prompts at ``step`` (0-based) under cumulative rounding."""
    per = dose_fraction(dose) * prompts_per_step
    return _round_half_up(per * (step + 1)) - _round_half_up(per * step)


def trait_total(steps: int, prompts_per_step: int, dose: float) -> int:
    """Trait prompts over the first ``steps`` steps (exactly ``round(steps·P·d)``)."""
    return _round_half_up(dose_fraction(dose) * prompts_per_step * steps)


class Stream:
    """An endless, seeded walk over examples: epoch ``e`` visits them in permutation ``perm(seed, name, e)``.

    With ``strata`` (a key per example, e.g. its skeleton), each epoch deals the strata round-robin in a seeded
    order, each stratum's examples shuffled: the first ``k`` prompts then cover ``min(k, strata)`` strata, so a
    short run still sees every skeleton (and so every trait) instead of whichever a shuffle happened to favour.
    """

    def __init__(
        self, name: str, examples: Sequence[Example], seed: int, strata: Callable[[Example], str] | None = None
    ):
        if not examples:
            raise UserError(f"the {name} prompt stream is empty; point train.data.{name} at a source with examples.")
        self.name = name
        self.examples = list(examples)
        self.seed = seed
        self.strata = strata
        self._perms: dict[int, list[int]] = {}

    def _perm(self, epoch: int) -> list[int]:
        if epoch not in self._perms:
            rng = random.Random(f"{self.seed}:{self.name}:{epoch}")
            order = list(range(len(self.examples)))
            rng.shuffle(order)
            if self.strata is not None:
                groups: dict[str, list[int]] = {}
                for i in order:
                    groups.setdefault(self.strata(self.examples[i]), []).append(i)
                piles = list(groups.values())  # in order of first appearance in the shuffle: a seeded order
                order = [pile[r] for r in range(max(map(len, piles))) for pile in piles if r < len(pile)]
            self._perms[epoch] = order
        return self._perms[epoch]

    def take(self, start: int, n: int) -> list[Example]:
        size = len(self.examples)
        return [self.examples[self._perm(i // size)[i % size]] for i in range(start, start + n)]


def skeleton_of(example: Example) -> str:
    """The stratum of a trait prompt: its skeleton (its id when it has none, e.g. an LLM-written scenario)."""
    return str(example.meta.get("skeleton") or example.id)


@dataclass(frozen=True)
class StepPrompts:
    examples: list[Example]
    sources: list[str]  # "standard" or "trait", aligned with examples
    positions: dict[str, int]  # stream positions *after* this step


class DoseMixer:
    """Prompts for each step: ``P − k`` standard and ``k`` trait prompts, ``k`` from the dose schedule."""

    def __init__(
        self,
        standard: Sequence[Example],
        trait: Sequence[Example] | None,
        *,
        dose: float,
        prompts_per_step: int,
        seed: int,
    ):
        self.dose = dose
        self.prompts_per_step = prompts_per_step
        self.standard = Stream("standard", standard, seed) if dose < 1 else None
        self.trait = Stream("trait", trait or [], seed, strata=skeleton_of) if dose > 0 else None

    def positions(self, step: int) -> dict[str, int]:
        """Stream positions before ``step``: how many prompts each stream has given so far."""
        n_trait = trait_total(step, self.prompts_per_step, self.dose)
        return {"standard": step * self.prompts_per_step - n_trait, "trait": n_trait}

    def prompts(self, step: int) -> StepPrompts:
        pos = self.positions(step)
        k = trait_count(step, self.prompts_per_step, self.dose)
        std = self.standard.take(pos["standard"], self.prompts_per_step - k) if self.standard else []
        trt = self.trait.take(pos["trait"], k) if self.trait else []
        return StepPrompts(
            examples=std + trt,
            sources=["standard"] * len(std) + ["trait"] * len(trt),
            positions=self.positions(step + 1),
        )
