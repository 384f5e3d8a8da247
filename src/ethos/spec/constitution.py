"""The constitution: the seven traits of the trait spec as first-person principles, for the constitution arm.

The file is Markdown (``constitution.md``): a ``## <trait id>`` section per trait of the spec, each holding
``- ...`` principles in the first person. It is validated like the trait spec: an unknown or missing trait, a
principle not in the first person or a duplicate stops with ``file:line`` and the fix. :func:`draw_principle` picks the
principle a critic or judge applies to one prompt, seeded by the run's seed and the prompt's id.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ethos.errors import UserError, where

BUILTIN_CONSTITUTION = Path(__file__).with_name("constitution.md")
_SECTION = re.compile(r"^## +(\S+) *$")
_FIRST_PERSON = re.compile(r"\b(?:I|me|my|myself)\b")
Draw = Literal["trait", "any"]  # from the prompt's trait's principles, or from all (CAI's uniform draw)


@dataclass(frozen=True)
class Principle:
    id: str  # "<trait>.<n>", n from 1 in file order
    trait: str
    text: str
    line: int


@dataclass(frozen=True)
class Constitution:
    principles: tuple[Principle, ...]
    source: str

    def of_trait(self, trait: str) -> list[Principle]:
        return [p for p in self.principles if p.trait == trait]

    def text(self) -> str:
        """The whole constitution as a model reads it: one numbered line per principle."""
        return "\n".join(f"{i}. {p.text}" for i, p in enumerate(self.principles, 1))


def parse_constitution(
    text: str, source: str = "<constitution>", traits: tuple[str, ...] | None = None
) -> Constitution:
    """Parse and validate; ``traits`` are the ids every section must come from (default: the built-in spec's)."""
    if traits is None:
        from ethos.spec.trait_spec import builtin_spec

        traits = tuple(builtin_spec().traits)
    principles: list[Principle] = []
    trait, heading, counts = None, {}, {}
    current: list[tuple[int, list[str]]] = []

    def close() -> None:
        for lineno, parts in current:
            body = " ".join(parts).strip()
            if not _FIRST_PERSON.search(body):
                raise UserError(
                    f"{where(source, lineno)}: principle '{body[:40]}…' is not in the first person; "
                    "write it as what 'I' do."
                )
            if len(body.split()) < 5:
                raise UserError(f"{where(source, lineno)}: principle '{body}' is too short to guide; write a sentence.")
            if any(p.text == body for p in principles):
                raise UserError(f"{where(source, lineno)}: principle '{body[:40]}…' appears twice; keep one.")
            counts[trait] = counts.get(trait, 0) + 1
            principles.append(Principle(f"{trait}.{counts[trait]}", trait, body, lineno))
        current.clear()

    for lineno, line in enumerate(text.splitlines(), 1):
        m = _SECTION.match(line)
        if m:
            close()
            trait = m.group(1)
            if trait not in traits:
                raise UserError(f"{where(source, lineno)}: unknown trait '{trait}'; valid traits: {', '.join(traits)}.")
            if trait in heading:
                raise UserError(f"{where(source, lineno)}: trait '{trait}' has two sections; merge them.")
            heading[trait] = lineno
        elif line.startswith("## "):
            raise UserError(f"{where(source, lineno)}: a section heading is '## <trait id>' (one word).")
        elif trait is None:
            continue  # the preamble
        elif line.startswith("- "):
            current.append((lineno, [line[2:].strip()]))
        elif line.startswith("  ") and line.strip() and current:
            current[-1][1].append(line.strip())
        elif line.strip():
            raise UserError(f"{where(source, lineno)}: inside a trait section, write each principle as a '- ' line.")
    close()
    missing = [t for t in traits if t not in counts]
    if missing:
        raise UserError(f"{source}: no principle for {', '.join(missing)}; every trait of the spec needs at least one.")
    return Constitution(tuple(principles), source)


@lru_cache(maxsize=1)
def _builtin() -> Constitution:
    return parse_constitution(BUILTIN_CONSTITUTION.read_text(encoding="utf-8"), str(BUILTIN_CONSTITUTION))


def load_constitution(path: str | Path | None = None) -> Constitution:
    """The built-in constitution, or a user's Markdown file of the same shape."""
    if path is None:
        return _builtin()
    path = Path(path)
    if not path.is_file():
        raise UserError(f"constitution file {path} does not exist; check constitution.spec in the recipe.")
    return parse_constitution(path.read_text(encoding="utf-8"), str(path))


def draw_principle(
    constitution: Constitution, key: str, seed: int, trait: str | None, draw: Draw = "trait"
) -> Principle:
    """The principle applied to the prompt ``key``: the same (seed, key) always draws the same one. With
    ``draw: trait`` it comes from the prompt's trait (all principles when the prompt has none)."""
    pool = list(constitution.principles)
    if draw == "trait" and trait:
        pool = constitution.of_trait(trait) or pool
    return random.Random(f"{seed}:{key}").choice(pool)
