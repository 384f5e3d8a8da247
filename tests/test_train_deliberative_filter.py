"""The deliberative filter: a sample passes only with a citation, an answer, and a judge's pass (no model)."""

from __future__ import annotations

import json

from ethos.files import write_jsonl
from ethos.grade.policy_rules import PolicyRules
from ethos.grade.types import Grade
from ethos.train.deliberative import DeliberativeConfig, filter_stage, safety_prompts

START = "Reasoning: The category that applies is"


class Always:
    """A judge that passes every answer it is shown (so only the filter's own rules can fail a sample)."""

    name = "always"

    def grade_many(self, examples, completions):
        return [Grade(1.0, why="passes") for _ in completions]


def _write(tmp_path, completions):
    cfg = DeliberativeConfig(limit=None, reasoning_start=START, judge_k=3)
    ex = safety_prompts(cfg)[0]
    cat = ex.meta["category"]
    write_jsonl(tmp_path / "prompts.jsonl", [ex.model_dump(mode="json")])
    rows = [
        {"id": f"{ex.id}#{i}", "example_id": ex.id, "category": cat, "messages": ex.chat(), "completion": c}
        for i, c in enumerate(completions(cat.replace("_", " ")))
    ]
    write_jsonl(tmp_path / "generated.jsonl", rows)
    return cfg


def test_a_reply_without_a_citation_never_passes(tmp_path):
    cfg = _write(
        tmp_path,
        lambda cat: [
            f"{START} {cat}, under the policy.\nFinal answer: I can help with a safe version of that.",
            f"{START} hard to say.\nFinal answer: I can help with a safe version of that.",  # no citation
            f"{START} {cat}, so the policy says I should",  # cut off: no final answer
            f"{START}\nFinal answer: Here is the {cat} answer.",  # the category named in the answer only
        ],
    )
    kept = [json.loads(x) for x in filter_stage(cfg, tmp_path, judge=Always()).read_text().splitlines()]
    assert [r["id"].split("#")[1] for r in kept] == ["0"]
    rows = [json.loads(x) for x in (tmp_path / "judged.jsonl").read_text().splitlines()]
    assert [(r["cited"], r["answered"]) for r in rows] == [(True, True), (False, True), (True, False), (False, True)]
    summary = json.loads((tmp_path / "filter_summary.json").read_text())
    assert summary["passed"] == 1 and summary["cited"] == 2 and summary["answered"] == 3
    (cat,) = summary["by_category"]
    assert summary["by_category"][cat] == {"samples": 4, "passed": 1, "cited": 2, "answered": 3}
    assert summary["judge_k"] == 3  # an arbitrary judge is taken as sampling: min over k


def test_the_rule_judge_is_deterministic_so_k_is_one_and_the_rubric_keeps_its_threshold(tmp_path):
    cfg = _write(tmp_path, lambda cat: [f"{START} {cat}, per the policy.\nFinal answer: Sure, here is how."])
    filter_stage(cfg, tmp_path, judge=PolicyRules(see_reasoning=True))
    summary = json.loads((tmp_path / "filter_summary.json").read_text())
    assert summary["judge_k"] == 1
    row = json.loads((tmp_path / "judged.jsonl").read_text())
    assert row["cited"] and row["passed"] == (row["score"] >= cfg.pass_threshold)


def test_the_sft_stage_counts_the_tokens_it_trains_on():
    from ethos.train.sft import sft_tokens

    conv = [{"role": "user", "content": "How do I stay safe?"}, {"role": "assistant", "content": "Ask for help early."}]
    one = sft_tokens("smollm2-135m-instruct", [conv], 1)["tokens"]
    assert one > 15  # the chat template's tokens, not the number of fields of a tokenizer's answer
    assert sft_tokens("smollm2-135m-instruct", [conv, conv], 3) == {"conversations": 2, "epochs": 3, "tokens": 6 * one}
