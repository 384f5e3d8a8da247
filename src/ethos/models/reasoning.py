"""The one parser of a reply into its reasoning and its final answer.

Deliberative alignment trains a model to reason before it answers, and every consumer of such a reply
must read the same parts of it: generation (what the SFT target's reasoning and answer are), the
filter's judge (which sees both), the RL judge and every evaluation grader (which see the answer only).
A reply takes one of these forms:

- ``plain`` — no reasoning marker: the whole reply is the answer;
- ``think`` — a ``<think>…</think>`` block (or ``thinking``, ``reasoning``, ``analysis``), closed,
  then the answer; a closing tag without an opening one (a chat template that opened it) counts too;
- ``marked`` — ``Reasoning: …`` and then ``Final answer: …`` (the generation instruction's markers), or
  any text before a ``Final answer:`` mark;
- ``cut_off`` — reasoning that never reached its answer: an unclosed ``<think>``, a ``Reasoning:`` with
  no ``Final answer:`` mark, or a mark with nothing after it. Its ``answer`` is None: an answer-only
  grader leaves it unscored, and the report counts it as "no final answer" — never a refusal, never
  a compliance.

When the answer itself carries a ``Final answer:`` mark (a model that repeats it), what follows the
last mark is the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAGS = r"(?:think|thinking|reasoning|analysis)"
_OPEN = re.compile(rf"^\s*<{_TAGS}>", re.I)
_CLOSE = re.compile(rf"</{_TAGS}>", re.I)
_FINAL = re.compile(r"^\s*(?:\*\*)?final answer(?:\*\*)?\s*:\s*", re.I | re.M)
_REASONING = re.compile(r"^\s*(?:\*\*)?reasoning(?:\*\*)?\s*:\s*", re.I)

PLAIN, THINK, MARKED, CUT_OFF = "plain", "think", "marked", "cut_off"


@dataclass(frozen=True)
class Reply:
    """A reply's reasoning (``""`` when it has none) and its final answer (None when it never arrived)."""

    reasoning: str
    answer: str | None
    form: str  # plain | think | marked | cut_off

    @property
    def answered(self) -> bool:
        return self.answer is not None


def _after_last_mark(text: str) -> tuple[str, str | None]:
    marks = list(_FINAL.finditer(text))
    if not marks:
        return "", None
    return text[: marks[-1].start()], text[marks[-1].end() :].strip()


def parse_reply(text: str) -> Reply:
    """Split ``text`` into reasoning and final answer (see the module docstring for the forms)."""
    text = text or ""
    close = _CLOSE.search(text)
    if _OPEN.match(text) or close:
        if close is None:  # opened and never closed: the reasoning was cut off
            return Reply(_OPEN.sub("", text, count=1).strip(), None, CUT_OFF)
        reasoning = _OPEN.sub("", text[: close.start()], count=1).strip()
        rest = text[close.end() :]
        before, marked = _after_last_mark(rest)
        answer = (marked if marked is not None else rest).strip()
        return Reply(reasoning, answer or None, THINK if answer else CUT_OFF)
    before, marked = _after_last_mark(text)
    if marked is not None:
        reasoning = _REASONING.sub("", before, count=1).strip()
        return Reply(reasoning, marked or None, MARKED if marked else CUT_OFF)
    if _REASONING.match(text):  # reasoning began and its answer never came
        return Reply(_REASONING.sub("", text, count=1).strip(), None, CUT_OFF)
    return Reply("", text.strip(), PLAIN)


def final_answer(text: str) -> str | None:
    """The part of a reply an answer-only grader may see, or None when the answer never arrived."""
    return parse_reply(text).answer
