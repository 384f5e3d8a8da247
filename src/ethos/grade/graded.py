"""The graded rule grader: the rule grader's checks with partial credit, and every rubric line decided.

Why it exists: with all-or-nothing checks on 3–4 lines a reward takes a handful of values, so a group
of 4 replies often ties and GRPO gets no signal from it; and a line without a code check drops out
of the rule grader's mean. Here:

- ``mentions_all`` scores the share of its terms the reply mentions (``negate``: the share it avoids);
- bounded counts (``word_count``, ``sentence_count``, ``bullet_count``, ``max_chars``) score 1 inside
  the bound and fall off linearly with the distance outside it (0 at twice the bound's size away);
- a line with no code check is decided by how close the reply is in meaning to the scenario's
  hand-written good reply (MiniLM cosine, mapped linearly from [0.2, 0.8] to [0, 1]); without the
  offline MiniLM package such a line stays undecided, as in the rule grader.

Every other check is the rule grader's pass/fail. The graded grader is a training reward; the
held-out gain of a recipe trained on it is also reported under the plain rule grader, so a more
sensitive grader cannot make the gain by itself.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Sequence

from ethos.data.schema import Check, Example
from ethos.grade.checks import COUNTS, found_terms, run_check
from ethos.grade.rule import summarize, weighted_score
from ethos.grade.types import Grade, LineResult, register_grader

log = logging.getLogger(__name__)
SIM_FLOOR, SIM_CEIL = 0.2, 0.8  # cosine of an unrelated reply / of a close paraphrase of the reference


def _falloff(n: float, lo: float | None, hi: float | None) -> float:
    if lo is not None and n < lo:
        return max(0.0, 1 - (lo - n) / max(lo, 1))
    if hi is not None and n > hi:
        return max(0.0, 1 - (n - hi) / max(hi, 1))
    return 1.0


def partial_check(check: Check, reply: str, example: Example) -> tuple[float, str]:
    """A score in [0, 1] for one check: partial credit where the check has a natural degree."""
    if check.kind == "mentions_all":
        terms = [str(t) for t in check.param("terms")]
        share = len(found_terms(terms, reply)) / len(terms)
        score = 1 - share if check.negate else share
        return score, f"mentions {share:.0%} of the terms"
    if check.kind in COUNTS:
        unit, count = COUNTS[check.kind]
        n = count(reply)
        lo, hi = check.param("min"), check.param("max")
        score = _falloff(n, None if lo is None else float(lo), None if hi is None else float(hi))
        return (1 - score if check.negate else score), f"{n} {unit}"
    if check.kind == "max_chars":
        n = len(reply.strip())
        score = _falloff(n, None, float(check.param("value")))
        return (1 - score if check.negate else score), f"{n} characters"
    ok, why = run_check(check, reply, example)
    return (1.0 if ok else 0.0), why


@lru_cache(maxsize=1)
def _embedder():
    from ethos.data.dedup import load_embedder

    embedder = load_embedder()
    if embedder is None:
        log.warning("MiniLM embeddings are not installed; rubric lines without a code check stay undecided")
    return embedder


def reference_similarity(replies: Sequence[str], references: Sequence[str]) -> list[float] | None:
    """Cosine of each reply with its reference, mapped to [0, 1]; None without the embedder."""
    embedder = _embedder()
    if embedder is None:
        return None
    vecs = embedder.embed(list(replies) + list(references))
    n = len(replies)
    cos = (vecs[:n] * vecs[n:]).sum(-1).tolist()
    return [min(1.0, max(0.0, (c - SIM_FLOOR) / (SIM_CEIL - SIM_FLOOR))) for c in cos]


class GradedGrader:
    """Rule checks with partial credit; lines without a check scored by closeness to the reference reply."""

    name = "graded"

    def grade_many(self, examples: Sequence[Example], replies: Sequence[str]) -> list[Grade]:
        if len(examples) != len(replies):
            raise ValueError(f"{len(examples)} examples but {len(replies)} replies")
        need = [
            i for i, e in enumerate(examples) if e.meta.get("reference") and any(ln.check is None for ln in e.rubric)
        ]
        sims = (
            reference_similarity([replies[i] for i in need], [examples[i].meta["reference"] for i in need])
            if need
            else None
        )
        by_item = dict(zip(need, sims)) if sims is not None else {}
        return [self._grade(e, r, by_item.get(i)) for i, (e, r) in enumerate(zip(examples, replies))]

    def grade(self, example: Example, reply: str) -> Grade:
        return self.grade_many([example], [reply])[0]

    @staticmethod
    def _grade(example: Example, reply: str, similarity: float | None) -> Grade:
        lines = []
        for line in example.rubric:
            if line.check is not None:
                score, why = partial_check(line.check, reply, example)
                lines.append(LineResult(line.text, score, why, by="rule"))
            elif similarity is not None:
                lines.append(LineResult(line.text, similarity, "closeness to the reference reply", by="reference"))
            else:
                lines.append(LineResult(line.text, None, "no code check and no reference embedding", by="rule"))
        score = weighted_score(lines, [line.weight for line in example.rubric])
        if score is None:
            return Grade(None, lines, "no rubric line could be decided")
        return Grade(score, lines, summarize(lines))


register_grader(
    "graded",
    lambda judge=None, **kw: GradedGrader(),
    description="rule checks with partial credit; lines without a check scored by closeness to the reference reply",
)
