"""Guard against evaluation items that share phrasing with the training pool.

A benchmark written for evaluation only must not reuse the training generator's templates: if it
did, a dosed model could win by pattern-matching its training text. We compare word n-grams (8
words by default, lowercased, punctuation stripped) of every benchmark's prompts and options with
those of every scenario the training generator can produce, and report, per benchmark, the share
of its n-grams that also occur in the training pool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ethos.evals.benchmark import Benchmark, McItem

WORD = re.compile(r"[a-z0-9']+")


def ngrams(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def item_texts(bench: Benchmark) -> Iterable[str]:
    for item in bench.items:
        if isinstance(item, McItem):
            yield from (m["content"] for m in item.messages)
            yield from item.options
        else:
            yield from (m.content for m in item.messages)


@dataclass(frozen=True)
class Overlap:
    benchmark: str
    n_grams: int
    shared: int
    examples: tuple[str, ...]

    @property
    def fraction(self) -> float:
        return self.shared / self.n_grams if self.n_grams else 0.0


def pool_ngrams(texts: Iterable[str], n: int = 8) -> set[tuple[str, ...]]:
    pool: set[tuple[str, ...]] = set()
    for text in texts:
        pool |= ngrams(text, n)
    return pool


def overlap(benchmarks: Iterable[Benchmark], train_texts: Iterable[str], n: int = 8) -> list[Overlap]:
    """Per benchmark: how many of its distinct n-grams also occur in the training texts."""
    pool = pool_ngrams(train_texts, n)
    out = []
    for bench in benchmarks:
        grams = pool_ngrams(item_texts(bench), n)
        shared = grams & pool
        out.append(Overlap(bench.name, len(grams), len(shared), tuple(" ".join(g) for g in sorted(shared)[:3])))
    return out


def training_texts(examples) -> Iterable[str]:
    """Every message of every training example (the pool a benchmark must not echo)."""
    for ex in examples:
        yield from (m.content for m in ex.messages)
