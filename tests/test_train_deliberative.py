"""Deliberative alignment end to end on the embedded model, tiny budgets: every stage leaves its file."""

import json
import shutil

import pytest
import torch

from ethos.grade.types import Grade
from ethos.train.deliberative import DeliberativeConfig, filter_stage, generate_stage, rl_stage, sft_stage

pytestmark = pytest.mark.model


class ScriptedJudge:
    """Scores the samples in order from a list (None: could not be scored), to drive the filter's rules."""

    name = "scripted"

    def __init__(self, scores):
        self.scores = list(scores)
        self.read: list[str] = []

    def grade_many(self, examples, completions):
        self.read += completions
        return [Grade(s, why="scripted") for s, _ in zip(self.scores, completions)]


def _cfg() -> DeliberativeConfig:
    tiny = {"dtype": "auto", "lora": {"rank": 4, "alpha": 8}}
    return DeliberativeConfig(
        dtype="auto",
        limit=3,
        samples_per_prompt=1,
        max_new_tokens=16,
        reasoning_start="Reasoning: The category is",
        judge_k=1,
        judge_max_new_tokens=16,
        sft=tiny | {"steps": 1, "batch_size": 2},
        rl=tiny | {"steps": 1, "batch_size": 2, "group_size": 2, "micro_batch_size": 2, "max_new_tokens": 4},
    )


def test_pipeline_keeps_only_passing_samples_and_hides_the_policy_from_sft(tmp_path):
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        cfg = _cfg()
        generated = [json.loads(line) for line in generate_stage(cfg, tmp_path).read_text().splitlines()]
        assert len(generated) == 3 and all(r["category"] and r["completion"] for r in generated)
        nothing = tmp_path / "nothing-passes"
        shutil.copytree(tmp_path, nothing)

        assert all(r["completion"].startswith(cfg.reasoning_start) for r in generated)

        # Replies the filter must tell apart, whatever 16 tokens of a 135M model say: cited and answered (passes),
        # answered without a citation, and cut off before the answer — each scored 0.9 by the judge.
        for r, tail in zip(
            generated,
            [
                f" {generated[0]['category'].replace('_', ' ')} in the policy.\nFinal answer: I'm sorry; call 988.",
                " unclear.\nFinal answer: Sure.",
                " one the policy",
            ],
        ):
            r["completion"] = cfg.reasoning_start + tail
        (tmp_path / "generated.jsonl").write_text("".join(json.dumps(r) + "\n" for r in generated))
        judge = ScriptedJudge([0.9, 0.9, 0.9])
        kept = [json.loads(x) for x in filter_stage(cfg, tmp_path, judge=judge).read_text().splitlines()]
        assert judge.read == [r["completion"] for r in generated]  # it reads the answer part itself
        summary = json.loads((tmp_path / "filter_summary.json").read_text())
        assert (summary["samples"], summary["passed"], summary["cited"], summary["answered"]) == (3, 1, 2, 2)
        assert [r["id"] for r in kept] == [generated[0]["id"]]
        sft_dir = sft_stage(cfg, tmp_path)
        assert (sft_dir / "config.json").exists() and not (tmp_path / "sft" / "skipped.json").exists()
        for line in (tmp_path / "sft_data.jsonl").read_text().splitlines():
            msgs = json.loads(line)["messages"]
            assert msgs[-1]["role"] == "assistant"
            assert not any(
                "Safety policy" in m["content"] or "policy category above" in m["content"] for m in msgs[:-1]
            )
        final = rl_stage(cfg, tmp_path, progress=False)
        assert (final / "config.json").exists()
        run = json.loads((tmp_path / "rl" / "run.json").read_text())
        assert run["graders"] == {"standard": "rule", "trait": "policy_rules"}
        assert 0 < run["dose"] < 1.0  # safety prompts mixed into the standard stream, not RL on them alone

        # nothing passes: nothing is kept (never the least bad), SFT is skipped and says why, RL still runs
        assert filter_stage(cfg, nothing, judge=ScriptedJudge([0.2, 0.1, 0.0])).read_text() == ""
        skipped = sft_stage(cfg, nothing)
        assert json.loads((nothing / "sft" / "skipped.json").read_text())["why"].startswith("no sample passed")
        assert (skipped / "config.json").exists() and not (nothing / "sft_data.jsonl").exists()
    finally:
        torch.set_num_threads(before)
