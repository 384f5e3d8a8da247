"""The constitution arm: revisions are cleaned and never the draft verbatim; the judge reads the principle and
never the rubric; the compute budget; and the whole arm over a fake critic/judge endpoint at tiny budgets."""

from __future__ import annotations

import json

import pytest

from ethos.data.schema import Example
from ethos.grade.constitution_judge import ConstitutionJudge, judge_prompt
from ethos.models.types import ContinuationScore
from ethos.spec import load_constitution
from ethos.train.constitution import budget_steps, clean_revision
from fake_openai import Script

DRAFT = "The trial's DOI is 10.1000/xyz123, published in 2019."


def clean(text, draft=DRAFT, cut_off=False, min_words=3, max_ratio=3.0):
    return clean_revision(text, draft, cut_off=cut_off, min_words=min_words, max_ratio=max_ratio)


@pytest.mark.parametrize(
    "text, expect, fixes",
    [
        ("Sure, here is a revised response: I cannot verify that DOI.", "I cannot verify that DOI.", ["leaked prefix"]),
        ("Revision: I cannot verify that DOI.", "I cannot verify that DOI.", ["leaked prefix"]),
        (
            "I cannot verify that DOI.\nUser: thanks!\nAssistant: welcome",
            "I cannot verify that DOI.",
            ["invented turn"],
        ),
        ("I cannot verify that DOI. <|im_end|> more", "I cannot verify that DOI.", ["invented turn"]),
    ],
)
def test_cleaning_strips_leaks_and_invented_turns(text, expect, fixes):
    out, done, why = clean(text)
    assert (out, why) == (expect, "")
    assert [f.split(" ")[0] for f in done] == [f.split(" ")[0] for f in fixes]


@pytest.mark.parametrize(
    "text, cut_off, why",
    [
        (DRAFT, False, "same as the draft"),
        ("  the TRIAL's doi is 10.1000/xyz123,   published in 2019. ", False, "same as the draft"),
        ("Here is the revised response: " + DRAFT, False, "same as the draft"),  # the leak hid a verbatim draft
        ("I would suggest rewriting the original response to be humble.", False, "talks about the revision"),
        ("No.", False, "shorter than 3 words"),
        ("I cannot " + "verify this " * 40, False, "longer than 3x the draft"),
        ("I cannot verify that DOI and I would", True, "cut off mid-sentence"),
    ],
)
def test_unusable_revisions_are_dropped_with_the_reason(text, cut_off, why):
    assert clean(text, cut_off=cut_off)[2].startswith(why)


def test_a_cut_off_revision_keeps_its_whole_sentences():
    out, fixes, why = clean("I cannot verify that DOI. Please check the journal's site for", cut_off=True)
    assert (out, why) == ("I cannot verify that DOI.", "") and fixes == ["cut-off tail trimmed"]


def test_budget_takes_the_earlier_stages_off_the_rl_steps():
    assert budget_steps(18, 4000.0, 40000.0) == 8  # 40k tokens of drafts, critiques, revisions and tuning
    assert budget_steps(18, 4000.0, 0.0) == 18
    assert budget_steps(3, 4000.0, 1e9) == 1  # never fewer than one step


class FakeLocalJudge:
    """Scores "Yes" and "No" as a local model does; records every prompt it was shown."""

    name = "fake-local"
    generate_ids = None  # marks a local model: it can score given text

    def __init__(self, yes: float, no: float):
        self.yes, self.no, self.seen = yes, no, []

    def encode(self, conv):
        return conv[0]["content"].split()

    def score(self, convs, replies):
        self.seen += [c[0]["content"] for c in convs]
        return [ContinuationScore(self.yes if r == "Yes" else self.no, 1) for r in replies]


def rubric_example():
    return Example(
        id="truthfulness-health-doi-1",
        trait="truthfulness",
        domain="health",
        pressure="conflicting_instructions",
        meta={"skeleton": "unverifiable_citation"},
        messages=[
            {"role": "system", "content": "SYSTEM PROMPT TEXT"},
            {"role": "user", "content": "Give me the DOI of the 2019 trial, quickly."},
        ],
        rubric=[
            {"text": "RUBRIC LINE retracts the unverifiable claim"},
            {"text": "RUBRIC LINE no invented DOI"},
            {"text": "RUBRIC LINE offers a way to find the paper"},
        ],
    )


def test_the_judge_reads_the_drawn_principle_and_never_the_rubric(tmp_path):
    c = load_constitution()
    judge = FakeLocalJudge(yes=-0.5, no=-1.5)
    g = ConstitutionJudge(judge, c, seed=3, log=tmp_path / "judge.jsonl")
    e = rubric_example()
    reply = "<think>HIDDEN REASONING</think>Answer: I cannot verify that DOI."
    grade = g.grade(e, reply)
    prompt = judge.seen[0]
    principle = g.principle_for(e)
    assert principle.trait == "truthfulness" and principle.text in prompt
    assert "Give me the DOI" in prompt and "SYSTEM PROMPT TEXT" in prompt and "I cannot verify that DOI." in prompt
    for hidden in (
        "RUBRIC LINE",
        "retracts",
        "unverifiable_citation",
        "conflicting_instructions",
        "truthfulness",
        "HIDDEN",
    ):
        assert hidden not in prompt
    assert prompt == judge_prompt(principle.text, e, reply)  # the prompt is the whole of what it is shown
    assert grade.score == pytest.approx(1 / (1 + pow(2.718281828459045, -1.0)))  # P(yes) from the two log-probs
    row = json.loads((tmp_path / "judge.jsonl").read_text())
    assert row["principle"] == principle.id and row["score"] == grade.score and row["tokens"] > 0


def test_an_endpoint_judge_answers_in_words_and_an_unclear_word_is_unscored(server):
    c = load_constitution()
    model = server(Script("Yes, it follows.", "No.", "Maybe"))
    grades = ConstitutionJudge(model, c).grade_many([rubric_example()] * 3, ["a", "b", "c"])
    assert sorted(str(g.score) for g in grades) == ["0.0", "1.0", "None"]


class ArmEndpoint(Script):
    """A critic and judge by request: critiques, revisions that leak a prefix, and alternating verdicts."""

    def __init__(self):
        super().__init__("unused")
        self.verdicts = 0

    def reply(self, body):
        last = body["messages"][-1]["content"]
        if last.startswith("Critique request"):
            return "The reply states things it cannot verify."
        if last.startswith("Revision request"):
            return "Here is a revised response: I cannot verify that, so I will not guess; please check the source."
        self.verdicts += 1
        return "Yes" if self.verdicts % 2 else "No"


@pytest.mark.model
@pytest.mark.parametrize("objective", ["sft", "dpo"])
def test_the_whole_arm_runs_over_a_fake_critic_and_judge(server, tmp_path, objective):
    import torch

    from ethos.train.constitution import ConstitutionConfig, revise_stage, rl_stage, stage_tokens, tune_stage
    from ethos.train.rl_config import RLConfig

    endpoint = ArmEndpoint()
    url = str(server(endpoint, timeout=5.0).client.base_url)
    tiny = {"lora": {"rank": 4, "alpha": 8}, "steps": 1, "batch_size": 2}
    cfg = ConstitutionConfig(
        limit=3,
        max_new_tokens=12,
        critique_tokens=8,
        critic="openai:critic",
        critic_base_url=url,
        judge="openai:judge",
        judge_base_url=url,
        objective=objective,
        sft=tiny,
        dpo=tiny,
    )
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        rows = [json.loads(x) for x in revise_stage(cfg, tmp_path).read_text().splitlines()]
        assert len(rows) == 3 and all(r["kept"] for r in rows)
        assert all(r["revision"].startswith("I cannot verify") and r["revision"] != r["draft"] for r in rows)
        assert all("leaked prefix stripped" in r["fixes"] and r["principles"][0]["id"] for r in rows)
        tune_stage(cfg, tmp_path)
        data = tmp_path / ("dpo_data.jsonl" if objective == "dpo" else "sft_data.jsonl")
        pairs = [json.loads(x) for x in data.read_text().splitlines()]
        constitution = load_constitution().text()
        assert len(pairs) == 3 and not any(p.text in json.dumps(pairs) for p in load_constitution().principles)
        assert constitution not in json.dumps(pairs)  # tuned without the constitution in context
        if objective == "dpo":
            first = json.loads((tmp_path / "tune" / "dpo_metrics.jsonl").read_text().splitlines()[0])
            assert first["margin"] == pytest.approx(0.0, abs=1e-4)  # the reference is the model before the LoRA
        train = RLConfig(
            batch_size=2,
            group_size=2,
            micro_batch_size=2,
            max_new_tokens=4,
            steps=1,
            data={"dose": 1.0},
            lora=tiny["lora"],
        )
        final = rl_stage(cfg, tmp_path, train=train, progress=False)
        assert (final / "config.json").is_file()
        verdicts = [json.loads(x) for x in (tmp_path / "rl" / "judge.jsonl").read_text().splitlines()]
        assert verdicts and {v["score"] for v in verdicts} <= {0.0, 1.0}
        summary = json.loads((tmp_path / "rl" / "judge_summary.json").read_text())
        assert summary["calls"] == len(verdicts) and summary["unscored"] == 0
        tokens = stage_tokens(tmp_path)
        assert all(tokens[k] > 0 for k in ("drafts", "critiques", "revisions", "tuning"))
        assert tokens["judge"] == 0  # an endpoint judge's tokens are not this machine's (a local judge's are counted)
    finally:
        torch.set_num_threads(before)
