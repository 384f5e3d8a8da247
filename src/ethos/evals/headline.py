"""The headline chosen by a rule, not by hand: every candidate benchmark on which the pre-RL model can move.

A headline picked after seeing results can be picked to flatter them; a headline picked by a rule,
on the pre-RL model, before any trained model is scored, cannot. The rule (``eval.headline:`` in a
recipe)::

    eval:
      headline:
        candidates: independent   # every independent benchmark of the suite (or a list of names/categories)
        limit: 40                 # items per benchmark of the pre-RL screen (a subset of the evaluation's items)
        exclude: [harmbench.test] # left out before the screen, for a reason the recipe states
        max_benchmarks: null      # a budget cap: keep the in-range benchmarks with the most room to move
        watch: [over_refusal]     # candidates evaluated on every model even out of range (harm they can show)

A candidate enters the headline when the pre-RL model's score on it is ``in_range``
(:func:`ethos.evals.summary.position`: the 95% interval excludes chance, the mean is more than 0.05
from 0 and from 1). A benchmark whose good answer mirrors a training reference is not independent and
is never a candidate. With a cap, the benchmarks furthest from their nearest bound (chance, 0 or 1)
are kept, ties by name; those left out are listed with why. A *watched* candidate (``watch``: names or
categories) is evaluated on every model whatever its position — an over-refusal benchmark at ceiling
can still show a trained model refusing more — but enters the headline count only when in range
(:func:`ethos.evals.compare.compare_runs` decides that on the pre-RL model's full evaluation).
``headline.json`` in the study's ``headline`` stage holds every candidate's screen and the choice.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import Field

from ethos.errors import UserError
from ethos.evals.summary import EDGE
from ethos.files import write_json
from ethos.recipe import Section

FILE = "headline.json"


class HeadlineRule(Section):
    candidates: Literal["independent"] | list[str] = "independent"
    # Candidates left out before the screen, each for a reason the recipe states (e.g. what it costs to run).
    exclude: list[str] = Field(default_factory=list)
    limit: int = Field(default=40, ge=5)
    max_benchmarks: int | None = Field(default=None, ge=1)
    watch: list[str] = Field(default_factory=list)


def candidates(rule: HeadlineRule, benchmarks: list) -> list:
    """The suite's benchmarks the rule screens: independent ones, optionally narrowed by names/categories."""
    skip = set(rule.exclude)
    pool = [
        b
        for b in benchmarks
        if b.independent and not getattr(b, "capability", False) and b.name not in skip and b.category not in skip
    ]
    if rule.candidates == "independent":
        return pool
    chosen = set(rule.candidates)
    return [b for b in pool if b.name in chosen or b.category in chosen]


def room(row: dict) -> float:
    """How far the pre-RL score sits from its nearest bound (chance, or the floor/ceiling edges)."""
    mean = row["mean"]
    bounds = [EDGE, 1 - EDGE] + ([row["chance"]] if row.get("chance") is not None else [])
    return min(abs(mean - b) for b in bounds)


def choose(rule: HeadlineRule, screen: dict[str, dict]) -> tuple[list[str], dict[str, str], list[str]]:
    """(chosen benchmark names in screen order, why each other candidate was left out, the watched ones kept
    whatever their position) from the pre-RL screen's per-benchmark summaries (``position``, ``mean``,
    ``chance``, ``category``)."""
    why = {
        n: f"pre-RL score {row['position'].replace('_', ' ')}"
        for n, row in screen.items()
        if row["position"] != "in_range"
    }
    inside = [n for n in screen if n not in why]
    if rule.max_benchmarks is not None and len(inside) > rule.max_benchmarks:
        ranked = sorted(inside, key=lambda n: (-room(screen[n]), n))
        for n in ranked[rule.max_benchmarks :]:
            why[n] = f"in range, beyond the cap of {rule.max_benchmarks} (room {room(screen[n]):.3f})"
        inside = [n for n in inside if n not in why]
    watch = set(rule.watch)
    watched = [n for n, row in screen.items() if n in why and (n in watch or row.get("category") in watch)]
    return inside, why, watched


def write_choice(out: Path, rule: HeadlineRule, screen: dict[str, dict]) -> list[str]:
    chosen, why, watched = choose(rule, screen)
    if not chosen:
        raise UserError(
            "the headline rule chose no benchmark: the pre-RL model is at chance, floor or ceiling on every "
            f"candidate ({', '.join(f'{n}: {w}' for n, w in why.items())}); widen eval.headline.candidates."
        )
    keep = ("position", "mean", "low", "high", "chance", "n", "category", "kind")
    write_json(
        out / FILE,
        {
            "rule": rule.model_dump(),
            "chosen": chosen,
            "watched": watched,
            "left_out": why,
            "screen": {n: {k: row.get(k) for k in keep} for n, row in screen.items()},
        },
    )
    return chosen + watched


def read_screen(stage_dir: Path) -> dict | None:
    """The ``headline`` stage's record (rule, screen, choice), or None before the stage has run."""
    path = stage_dir / FILE
    return json.loads(path.read_text()) if path.is_file() else None


def read_choice(stage_dir: Path) -> list[str] | None:
    """Every benchmark the trained models are evaluated on: the chosen ones, then the watched ones."""
    data = read_screen(stage_dir)
    return None if data is None else data["chosen"] + data.get("watched", [])
