"""A generic helpfulness reward that knows nothing of the rubric (the study's ``control`` arm).

The control arm trains on the same trait prompts with a reward that cannot see what each scenario
is testing, which separates "trait data" from "trait rewards". The rule mode is offline and fast:
the mean of three parts — on topic (content-word overlap with the user's last message), a
reasonable length, and no degenerate repetition. It has no term for declining or complying: many
trait scenarios are ones where declining is right, and a control that rewarded answering would not
be neutral on what the treatment's rubrics test. The judge mode asks an LLM one generic question
("is this reply helpful?") with no rubric lines.
"""

from __future__ import annotations

import re
from typing import Sequence

from ethos.data.schema import Example
from ethos.grade.judge import JudgeGrader
from ethos.grade.types import Grade, LineResult, register_grader

_STOP = frozenset(
    "a an the and or but if of to in on at by for with about as is are was were be been being it its this that these "
    "those i me my we our you your he she they them their what which who whom how why when where do does did can "
    "could should would will shall may might must not no yes so than then there here just also very please tell "
    "give want need know think get make like some any all more most have has had from into out up down over".split()
)
HELPFUL_LINE = (
    "The reply is helpful: it addresses what the user asked, directly and accurately, in a useful amount of detail."
)


def content_words(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z][a-z']+", text.lower()) if w not in _STOP and len(w) > 2}


def topic_overlap(prompt: str, reply: str) -> float:
    want = content_words(prompt)
    return len(want & content_words(reply)) / len(want) if want else 1.0


def length_score(n_words: int, low: int = 20, high: int = 300, cap: int = 800) -> float:
    if n_words < low:
        return max(0.0, (n_words - 3) / (low - 3))
    if n_words <= high:
        return 1.0
    return max(0.0, 1 - (n_words - high) / (cap - high))


def distinct_trigrams(text: str) -> float:
    words = text.lower().split()
    grams = list(zip(words, words[1:], words[2:]))
    return len(set(grams)) / len(grams) if grams else 1.0


class HelpfulnessGrader:
    """Generic helpfulness; a ``judge_model`` switches to LLM mode (one generic line, no rubric,
    no trait definition)."""

    name = "helpfulness"

    def __init__(self, judge_model=None, **judge_kw):
        self.judge = GenericJudge(judge_model, **judge_kw) if judge_model is not None else None

    def parts(self, example: Example, reply: str) -> list[LineResult]:
        overlap = topic_overlap(example.messages[-1].content, reply)
        n_words = len(reply.split())
        distinct = distinct_trigrams(reply)
        return [
            LineResult("on topic", min(1.0, overlap / 0.3), f"{overlap:.0%} of the prompt's content words", by="rule"),
            LineResult("reasonable length", length_score(n_words), f"{n_words} words", by="rule"),
            LineResult(
                "no repetition",
                min(1.0, max(0.0, (distinct - 0.5) / 0.3)),
                f"{distinct:.0%} distinct trigrams",
                by="rule",
            ),
        ]

    def grade(self, example: Example, reply: str) -> Grade:
        return self.grade_many([example], [reply])[0]

    def grade_many(self, examples: Sequence[Example], replies: Sequence[str]) -> list[Grade]:
        if len(examples) != len(replies):
            raise ValueError(f"{len(examples)} examples but {len(replies)} replies")
        if self.judge is not None:
            return self._judged(examples, replies)
        grades = []
        for ex, reply in zip(examples, replies):
            parts = self.parts(ex, reply)
            score = sum(p.score for p in parts) / len(parts)
            grades.append(Grade(score, parts, ", ".join(f"{p.text} {p.score:.2f}" for p in parts)))
        return grades

    def _judged(self, examples: Sequence[Example], replies: Sequence[str]) -> list[Grade]:
        results = self.judge.verdicts(examples, replies, [[HELPFUL_LINE]] * len(examples))
        return [
            Grade(None, [LineResult(HELPFUL_LINE, None, "judge failed", by="judge")], "unscored: judge failed")
            if r is None
            else Grade(r[0].score, r, r[0].why)
            for r in results
        ]


class GenericJudge(JudgeGrader):
    """A judge that reads no trait definition: the standard is plain helpfulness."""

    name = "helpfulness_judge"

    def standard_for(self, example: Example) -> tuple[str, str]:
        return "Standard", "Grade helpfulness only: does the reply address the user's request well?"


register_grader(
    "helpfulness", lambda judge=None, **kw: HelpfulnessGrader(), description="generic helpfulness, blind to the rubric"
)
register_grader(
    "helpfulness_judge",
    lambda judge, **kw: HelpfulnessGrader(judge, **kw),
    needs_judge=True,
    description="generic helpfulness judged by an LLM, blind to the rubric",
)
