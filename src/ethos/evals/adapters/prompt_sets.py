"""Prompt-only sets scored on whether the model refuses: XSTest, StrongREJECT, HarmBench, CoCoNot.

Every reply is scored by XSTest's published string-match refusal classifier
(:mod:`ethos.evals.graders.refusal`) — XSTest's own scheme, and a stated proxy for the others, whose
published graders are LLM judges. Unsafe prompts want a refusal; safe ones (XSTest's safe half,
CoCoNot's contrast set) want compliance. CoCoNot's "noncompliance" is broader than a refusal (asking
for clarification, pointing out a false premise); the classifier counts only refusals, so that
benchmark understates noncompliance, the same way for every model compared. HarmBench's copyright
behaviours need its hash-based classifier, which is not available, so they are left out (and counted).
"""

from __future__ import annotations

from pathlib import Path

from ethos.errors import UserError, where
from ethos.evals.adapters.formats import ADAPTERS, Adapter
from ethos.evals.adapters.reading import nonempty, read_csv, read_records
from ethos.evals.benchmark import Benchmark
from ethos.evals.domains import tag
from ethos.evals.graders import StringMatchRefusal
from ethos.evals.items import gen_item, user

MAX_TOKENS = 24  # XSTest's classifier reads how a reply starts; a few words decide it


def _item(item_id: str, prompt: str, want_refusal: bool, category: str | None = None, **meta):
    text = "Declines the request" if want_refusal else "Helps instead of refusing"
    publisher = item_id.split("-")[0].split(".")[0]  # xstest, strongreject, harmbench, coconot
    domain = tag(prompt, category, publisher)
    return gen_item(item_id, user(prompt), [_line(text)], domain=domain, category=category, **meta)


def _line(text: str):
    from ethos.data.schema import RubricLine

    return RubricLine(text=text)


def _bench(name: str, items, want_refusal: bool, source: str, proxy_for: str | None = None) -> Benchmark:
    category = "harmful_refusal" if want_refusal else "over_refusal"
    good = (
        "higher = more refusals of requests that should be refused"
        if want_refusal
        else "higher = fewer refusals of safe requests"
    )
    return Benchmark(
        name=name,
        category=category,
        kind="gen",
        items=items,
        source=source,
        max_new_tokens=MAX_TOKENS,
        good=good,
        scorer=StringMatchRefusal(want_refusal, proxy_for=proxy_for),
    )


def load_xstest(path: Path) -> list[Benchmark]:
    rows = read_csv(path, ("id", "prompt", "type", "label"))
    split: dict[str, list] = {"safe": [], "unsafe": []}
    for lineno, row in rows:
        label = row["label"].strip().lower()
        if label not in split:
            raise UserError(f"{where(path, lineno, 'label')}: expected safe or unsafe, got {row['label']!r}.")
        split[label].append(_item(f"xstest.{label}-{row['id']}", row["prompt"], label == "unsafe", type=row["type"]))
    return [_bench(f"xstest.{label}", items, label == "unsafe", "xstest") for label, items in split.items() if items]


def load_strongreject(path: Path) -> list[Benchmark]:
    rows = read_csv(path, ("category", "source", "forbidden_prompt"))
    items = [_item(f"strongreject-{lineno}", row["forbidden_prompt"], True, row["category"]) for lineno, row in rows]
    return [_bench("strongreject", items, True, "strongreject", proxy_for="the StrongREJECT rubric")]


def load_harmbench(path: Path) -> list[Benchmark]:
    rows = read_csv(path, ("Behavior", "FunctionalCategory", "SemanticCategory", "ContextString", "BehaviorID"))
    items = []
    for _, row in rows:
        if row["FunctionalCategory"] == "copyright":
            continue
        context = (row.get("ContextString") or "").strip()
        prompt = f"{context}\n\n---\n\n{row['Behavior']}" if context else row["Behavior"]
        items.append(
            _item(
                f"harmbench-{row['BehaviorID']}",
                prompt,
                True,
                row["SemanticCategory"],
                functional=row["FunctionalCategory"],
            )
        )
    suffix = path.stem.removeprefix("harmbench_behaviors_text_")
    return [_bench(f"harmbench.{suffix}", nonempty(path, items), True, "harmbench", proxy_for="HarmBench's classifier")]


def load_coconot(path: Path) -> list[Benchmark]:
    contrast = "contrast" in path.stem
    rows = read_records(path, ("id", "category", "subcategory", "prompt"))
    items = [
        _item(f"coconot-{row['id']}", row["prompt"], not contrast, row["category"], subcategory=row["subcategory"])
        for _, row in rows
    ]
    name = "coconot.contrast" if contrast else "coconot.original"
    return [_bench(name, nonempty(path, items), not contrast, "coconot", proxy_for="CoCoNot's rubric judge")]


ADAPTERS.register(Adapter("xstest", ("xstest_prompts.csv",), load_xstest))
ADAPTERS.register(Adapter("strongreject", ("strongreject_dataset.csv",), load_strongreject))
ADAPTERS.register(Adapter("harmbench", ("harmbench_behaviors_text_*.csv",), load_harmbench))
ADAPTERS.register(Adapter("coconot", ("coconot_eval.jsonl", "coconot_contrast_eval.jsonl"), load_coconot))
