"""Is the instrument independent of what was trained? Checked inside every study run.

Two kinds of coupling would let a treated model "win" without any trait generalizing: an evaluation
item that repeats training text (8-word n-grams of every benchmark item against every training
prompt: the trait scenarios, the standard tasks and any LLM-written scenarios in the run's data), and
a benchmark whose grader is the training reward (shared checks, phrase lists or labeled data). The
report lists both per benchmark; only benchmarks with an independent grader enter the headline.

A grader that shares no code can still share *words*: XSTest's refusal prefixes ("sorry", "i can't")
are one or two words, and the replies the epistemic-humility reward favours ("I can't say for
certain…") start with them. So each grader's match terms are checked token by token against every
string of the training rewards and scenario skeletons (:func:`shared_terms`), and the grader is run
on the training scenarios' reference replies: the share it calls refusals is the behavioural size
of that coupling (a reply the reward wants, scored as a refusal by the instrument).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from ethos.evals.overlap import overlap, training_texts
from ethos.report.results import CouplingRow

SRC = Path(__file__).resolve().parents[1]
REWARD_SOURCES = ("grade", "data/skeletons")  # the code whose strings decide a training reward
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.translate(_QUOTES).lower())


@cache
def reward_strings() -> tuple[str, ...]:
    """Every string constant of the training rewards' and the skeletons' code (their phrase lists and rubric
    terms), each as its token sequence joined by spaces."""
    out = []
    for room in REWARD_SOURCES:
        for path in sorted((SRC / room).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and tokens(node.value):
                    out.append(" ".join(tokens(node.value)))
    return tuple(out)


def shared_terms(grader_terms, texts) -> list[str]:
    """The grader's match terms that occur, token for token (a whole word or run of words), in any of ``texts``."""
    padded = [f" {t} " for t in texts]
    out = []
    for term in grader_terms:
        toks = tokens(term)
        if toks and any(f" {' '.join(toks)} " in t for t in padded):
            out.append(term)
    return out


def reference_refusals(refuses, examples) -> dict[str, float]:
    """Per trait, the share of the training scenarios' reference replies that ``refuses`` counts as refusals."""
    by_trait: dict[str, list[bool]] = {}
    for e in examples:
        ref = e.meta.get("reference")
        if ref:
            by_trait.setdefault(e.trait or "?", []).append(bool(refuses(ref)))
    return {t: sum(v) / len(v) for t, v in sorted(by_trait.items())}


def training_pool(data_dir: Path) -> list[str]:
    """Every message of every prompt any arm of the run trains on."""
    from ethos.data.io import load_examples

    files = sorted((data_dir / "build").glob("*_train.jsonl")) + sorted(data_dir.glob("*.jsonl"))
    return [t for f in files for t in training_texts(load_examples(f))]


def coupling_rows(benchmarks, data_dir: Path) -> list[CouplingRow]:
    from ethos.data.io import load_examples

    by_name = {o.benchmark: o for o in overlap(benchmarks, training_pool(data_dir))}
    trait_file = data_dir / "build" / "scenarios_train.jsonl"
    scenarios = load_examples(trait_file) if trait_file.exists() else []
    rows = []
    for b in benchmarks:
        terms = list(getattr(b.scorer, "terms", ()))
        refuses = getattr(b.scorer, "refuses", None)
        rows.append(
            CouplingRow(
                b.name,
                b.grader,
                b.independent,
                by_name[b.name].fraction,
                list(by_name[b.name].examples),
                shared_terms(terms, reward_strings()),
                reference_refusals(refuses, scenarios) if refuses else {},
            )
        )
    return rows
