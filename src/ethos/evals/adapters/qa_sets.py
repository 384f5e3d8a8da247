"""Question sets with known answers: BBQ (bias), TruthfulQA (the CSV, and mc_task.json), SelfAware.

BBQ and TruthfulQA are multiple choice over free-text options, so options are compared by mean
per-token log-probability (length-normalised) against the published answer key. BBQ files are
large: a fixed subset of ``BBQ_ITEMS`` items per category is kept (the smallest sha256 of the
``example_id``), the same on every machine. TruthfulQA's CSV gives two benchmarks: ``truthfulqa.mc``
(probability mass on the published true answers against the false ones, the paper's MC2) and
``truthfulqa.gen`` (a generated answer scored by the paper's ROUGE reference overlap). SelfAware is
generated and graded by rule checks (not independent of the training rewards: it is never a
headline benchmark): unanswerable questions should get an admission of uncertainty.
"""

from __future__ import annotations

from pathlib import Path

from ethos.data.schema import RubricLine
from ethos.errors import UserError, where
from ethos.evals.adapters.formats import ADAPTERS, Adapter
from ethos.evals.adapters.reading import json_list, read_csv, read_json, read_records, require
from ethos.evals.benchmark import Benchmark, McItem
from ethos.evals.domains import tag
from ethos.evals.graders import ReferenceOverlap
from ethos.evals.items import admits_unknown, gen_item, hash_subset, line, user

BBQ_ITEMS = 300

BBQ_FIELDS = ("context", "question", "ans0", "ans1", "ans2", "label", "context_condition")


def load_bbq(path: Path) -> list[Benchmark]:
    items = []
    for lineno, row in hash_subset(
        read_records(path, BBQ_FIELDS), BBQ_ITEMS, key=lambda r: r[1].get("example_id", r[0])
    ):
        label = row["label"]
        if label not in (0, 1, 2):
            raise UserError(f"{where(path, lineno, 'label')}: expected 0, 1 or 2, got {label!r}.")
        key = row.get("example_id", lineno)
        items.append(
            McItem(
                id=f"bbq.{path.stem}-{key}",
                messages=user(f"{row['context']} {row['question']}"),
                options=(row["ans0"], row["ans1"], row["ans2"]),
                good=(label,),
                meta={"condition": row["context_condition"]},
                domain="other",
            )
        )
    return [
        Benchmark(
            name=f"bbq.{path.stem}",
            category="fairness",
            kind="mc",
            items=items,
            source="bbq",
            norm="mean",
            good="higher = more probability on the unbiased answer (unknown when ambiguous, the stated person "
            "otherwise)",
        )
    ]


def _targets(path: Path, i: int, targets, name: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    if not isinstance(targets, dict) or not targets:
        raise UserError(f"{path} (entry {i}): '{name}' must map answer text to 0/1, got {type(targets).__name__}.")
    options = tuple(targets)
    good = tuple(j for j, text in enumerate(options) if targets[text] == 1)
    if not good:
        raise UserError(f"{path} (entry {i}): '{name}' has no answer marked 1.")
    return options, good


def load_truthfulqa_json(path: Path) -> list[Benchmark]:
    rows = json_list(path, read_json(path), ("question", "mc1_targets", "mc2_targets"))
    out = []
    for which in ("mc1", "mc2"):
        items = []
        for i, row in rows:
            options, good = _targets(path, i, row[f"{which}_targets"], f"{which}_targets")
            items.append(
                McItem(id=f"truthfulqa.{which}-{i}", messages=user(row["question"]), options=options, good=good)
            )
        out.append(
            Benchmark(
                name=f"truthfulqa.{which}",
                category="truthfulness",
                kind="mc",
                items=items,
                source="truthfulqa",
                norm="mean",
                good="higher = more probability on true answers than on imitative falsehoods",
            )
        )
    return out


def load_truthfulqa_csv(path: Path) -> list[Benchmark]:
    mc, gen = [], []
    split = lambda text: [a.strip() for a in text.split(";") if a.strip()]
    for lineno, row in read_csv(path, ("Question", "Best Answer", "Correct Answers", "Incorrect Answers")):
        true, false = split(row["Correct Answers"]) or [row["Best Answer"].strip()], split(row["Incorrect Answers"])
        if not false:
            raise UserError(
                f"{where(path, lineno, 'Incorrect Answers')}: no incorrect answers; expected a ';'-separated list."
            )
        domain = tag(row["Question"], row.get("Category"), "truthfulqa")
        meta = {"category": row.get("Category"), "true_answers": true, "false_answers": false}
        mc.append(
            McItem(
                id=f"truthfulqa.mc-{lineno}",
                messages=user(row["Question"]),
                options=(*true, *false),
                good=tuple(range(len(true))),
                meta={"category": row.get("Category")},
                domain=domain,
            )
        )
        gen.append(
            gen_item(
                f"truthfulqa.gen-{lineno}",
                user(row["Question"]),
                [RubricLine(text="Answers truthfully")],
                domain=domain,
                **meta,
            )
        )
    return [
        Benchmark(
            name="truthfulqa.mc",
            category="truthfulness",
            kind="mc",
            items=mc,
            source="truthfulqa",
            norm="mean",
            good="higher = more probability on the true answers than on the imitative falsehoods (MC2)",
        ),
        Benchmark(
            name="truthfulqa.gen",
            category="truthfulness",
            kind="gen",
            items=gen,
            source="truthfulqa",
            max_new_tokens=48,
            scorer=ReferenceOverlap(),
            good="higher = more generated answers closer to a true reference than to a false one (ROUGE-L)",
        ),
    ]


def load_selfaware(path: Path) -> list[Benchmark]:
    data = read_json(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected an object with an 'example' list, got {type(data).__name__}.")
    require(path, data.keys(), ("example",))
    rows = json_list(path, data["example"], ("question", "answer", "answerable"), what="'example' as a list of objects")
    unanswerable, answerable = [], []
    for i, row in rows:
        key = row.get("question_id", i)
        if row["answerable"]:
            answers = [str(a) for a in (row["answer"] or []) if str(a).strip()]
            if not answers:
                raise UserError(f"{path} (entry {i}): an answerable question needs a non-empty 'answer' list.")
            answerable.append(
                gen_item(
                    f"selfaware.answerable-{key}",
                    user(row["question"]),
                    [line("Gives a known answer", "mentions_any", terms=answers)],
                )
            )
        else:
            unanswerable.append(gen_item(f"selfaware.unanswerable-{key}", user(row["question"]), [admits_unknown()]))
    out = []
    if unanswerable:
        out.append(
            Benchmark(
                name="selfaware.unanswerable",
                category="epistemic_humility",
                kind="gen",
                items=unanswerable,
                source="selfaware",
                max_new_tokens=64,
                good="higher = more admissions that an unanswerable question cannot be answered",
            )
        )
    if answerable:
        out.append(
            Benchmark(
                name="selfaware.answerable",
                category="epistemic_humility",
                kind="gen",
                items=answerable,
                source="selfaware",
                max_new_tokens=64,
                good="higher = more answerable questions answered with a known answer",
            )
        )
    return out


BBQ_CATEGORIES = (
    "Age",
    "Disability_status",
    "Gender_identity",
    "Nationality",
    "Physical_appearance",
    "Race_ethnicity",
    "Race_x_SES",
    "Race_x_gender",
    "Religion",
    "SES",
    "Sexual_orientation",
)
ADAPTERS.register(Adapter("bbq", tuple(f"{c}.jsonl" for c in BBQ_CATEGORIES), load_bbq))
ADAPTERS.register(
    Adapter(
        "truthfulqa",
        ("mc_task.json", "TruthfulQA.csv"),
        lambda p: (load_truthfulqa_json if p.suffix == ".json" else load_truthfulqa_csv)(p),
    )
)
ADAPTERS.register(Adapter("selfaware", ("SelfAware.json",), load_selfaware))
