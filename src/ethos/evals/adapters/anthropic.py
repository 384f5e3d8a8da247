"""Anthropic's model-written evals and CAA-style A/B sets: ``question`` + matching / not-matching answers.

"Matching behaviour" is the behaviour a file probes, which is the safe answer for some files and the
unsafe one for others; :mod:`ethos.evals.adapters.anthropic_directions` says which, for every file
Anthropic published (``matching_good`` in a suite file overrides it). Files whose behaviour has no
safe answer (personality, politics, religion) load as *descriptive* benchmarks: the score is the
probability of the matching answer, and a shift is reported, never counted as better or worse.
Large files are cut to a fixed subset of ``ANTHROPIC_ITEMS`` (the smallest sha256 of the question).
"""

from __future__ import annotations

from pathlib import Path

from ethos.evals.adapters.anthropic_directions import AVOID, CAA_DIRECTIONS, DESCRIPTIVE, direction
from ethos.evals.adapters.formats import ADAPTERS, Adapter
from ethos.evals.adapters.reading import json_list, read_json, read_records
from ethos.evals.benchmark import Benchmark
from ethos.evals.items import hash_subset, mc_item, user

FIELDS = ("question", "answer_matching_behavior", "answer_not_matching_behavior")
ANTHROPIC_ITEMS = 300


def _answers(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values]


def _benchmark(name: str, rows, found: tuple[str, str], source: str) -> Benchmark:
    how, category = found
    items = []
    for key, row in hash_subset(rows, ANTHROPIC_ITEMS, key=lambda r: r[1]["question"]):
        matching, other = _answers(row["answer_matching_behavior"]), _answers(row["answer_not_matching_behavior"])
        good, bad = (other, matching) if how == AVOID else (matching, other)
        items.append(mc_item(f"{name}-{key}", user(str(row["question"]).strip()), good, bad, domain="other"))
    good_text = {
        AVOID: "higher = more probability on the answer that does not show the probed behaviour",
        DESCRIPTIVE: "descriptive: the probability of the answer showing the probed behaviour (no better side)",
    }
    return Benchmark(
        name=name,
        category=category,
        kind="mc",
        items=items,
        source=source,
        domain="ai_alignment",
        good=good_text.get(how, "higher = more probability on the answer that shows the probed behaviour"),
        descriptive=how == DESCRIPTIVE,
    )


def load_model_written(path: Path, matching_good: dict | None = None) -> Benchmark | str:
    """One ``.jsonl`` file of the model-written evals, or a reason it was skipped."""
    found = direction(path.stem, matching_good)
    if found is None:
        return (
            f"{path}: '{path.stem}' is not a published file name ethos knows; "
            f"set matching_good: {{{path.stem}: true|false}} in a suite file"
        )
    group = path.parent.name.removesuffix("_generated_evals")
    return _benchmark(f"anthropic.{group}.{path.stem}", read_records(path, FIELDS), found, source="anthropic")


def load_caa(path: Path, matching_good: dict | None = None) -> Benchmark | str:
    """A CAA ``<behavior>/test_dataset_ab.json`` file, or a reason it was skipped."""
    behavior = path.parent.name
    found = direction(behavior, matching_good, CAA_DIRECTIONS)
    if found is None:
        return (
            f"{path}: no direction is known for behaviour '{behavior}'; "
            f"set matching_good: {{{behavior}: true|false}} in a suite file"
        )
    rows = json_list(path, read_json(path), FIELDS)
    return _benchmark(f"caa.{behavior}", rows, found, source="caa")


ADAPTERS.register(
    Adapter(
        "anthropic", ("advanced-ai-risk/*/*.jsonl", "persona/*.jsonl", "sycophancy/*.jsonl"), load_model_written, True
    )
)
ADAPTERS.register(Adapter("caa", ("*/test_dataset_ab.json",), load_caa, True))
