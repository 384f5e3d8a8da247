"""GRPO on the real embedded model with tiny budgets: learning, resume, failures, exports, TRL."""

from __future__ import annotations

import pytest
import torch

from ethos.data.schema import Example
from ethos.errors import UserError
from ethos.grade import RuleGrader
from ethos.grade.types import Grade
from ethos.train import GRPOConfig, latest_checkpoint, train_arm
from ethos.train.dose import arm_plan
from ethos.train.arms import mixer_for

pytestmark = pytest.mark.model

QUESTIONS = ["Name a fruit.", "Name a color.", "Name an animal.", "Name a country.", "Name a drink.", "Name a tree."]


def brevity_tasks() -> list[Example]:
    """An easy verifiable task: answer in at most 3 words (the rule grader checks it)."""
    rubric = [{"text": "Uses at most 3 words", "check": {"kind": "word_count", "max": 3}}]
    return [Example(id=f"brief-{i}", kind="standard", messages=[{"role": "user", "content": q}], rubric=rubric) for i, q in enumerate(QUESTIONS)]


def tiny(tmp_path, **kw) -> GRPOConfig:
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(e.model_dump_json() + "\n" for e in brevity_tasks()))
    base = dict(steps=3, batch_size=4, group_size=2, micro_batch_size=2, max_new_tokens=8, lr=2e-3,
                lora={"rank": 4, "alpha": 8}, data={"standard": str(path), "trait": None, "dose": 0.0})
    return GRPOConfig(**(base | kw))


def fresh():
    from ethos.models import load_model

    return load_model("smollm2-135m-instruct", dtype="fp32")


def trainable(result_dir):
    from safetensors.torch import load_file

    return load_file(str(latest_checkpoint(result_dir / "checkpoints") / "trainable.safetensors"))


class Interrupting(RuleGrader):
    """The rule grader, but the process "dies" (KeyboardInterrupt) on its ``n``-th batch."""

    def __init__(self, n: int, exc: BaseException):
        super().__init__()
        self.calls, self.n, self.exc = 0, n, exc

    def grade_many(self, examples, replies):
        self.calls += 1
        if self.calls == self.n:
            raise self.exc
        return super().grade_many(examples, replies)


def test_learning_check_reward_rises_on_brevity(tmp_path):
    cfg = tiny(tmp_path, steps=8, batch_size=12, group_size=4, micro_batch_size=12, max_new_tokens=10, lr=3e-3, lr_schedule="constant", lora={"rank": 8, "alpha": 16})
    result = train_arm(cfg, "baseline", tmp_path / "run", graders={"standard": RuleGrader()}, chat=fresh(), progress=False)
    rewards = [row["reward"] for row in result.metrics]
    first, last = sum(rewards[:3]) / 3, sum(rewards[-3:]) / 3
    assert last > first + 0.2, f"mean reward did not rise: {rewards}"
    assert result.metrics[-1]["completion_len"] < result.metrics[0]["completion_len"]


def test_resume_after_a_kill_ends_with_identical_weights(tmp_path):
    cfg = tiny(tmp_path, checkpoint_every=1)
    whole = train_arm(cfg, "baseline", tmp_path / "whole", graders={"standard": RuleGrader()}, chat=fresh(), progress=False)
    with pytest.raises(KeyboardInterrupt):
        train_arm(cfg, "baseline", tmp_path / "split", graders={"standard": Interrupting(3, KeyboardInterrupt())}, chat=fresh(), progress=False)
    assert latest_checkpoint(tmp_path / "split" / "checkpoints").name == "step-000002"
    resumed = train_arm(cfg, "baseline", tmp_path / "split", graders={"standard": RuleGrader()}, chat=fresh(), progress=False)
    a, b = trainable(tmp_path / "whole"), trainable(tmp_path / "split")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)  # bitwise
    assert [r["step"] for r in resumed.metrics] == [0, 1, 2]
    assert [r["reward"] for r in resumed.metrics] == [r["reward"] for r in whole.metrics]
    assert resumed.totals.steps == 3 and resumed.totals.completion_tokens == whole.totals.completion_tokens


def test_grader_failure_names_item_and_keeps_checkpoint(tmp_path):
    cfg = tiny(tmp_path, checkpoint_every=1)
    with pytest.raises(UserError) as e:
        train_arm(cfg, "baseline", tmp_path / "run", graders={"standard": Interrupting(2, RuntimeError("judge down"))}, chat=fresh(), progress=False)
    msg = str(e.value)
    assert "step 1" in msg and "grader 'rule'" in msg and "brief-" in msg and "judge down" in msg
    ckpt = latest_checkpoint(tmp_path / "run" / "checkpoints")
    assert ckpt.name == "step-000001" and (ckpt / "model" / "config.json").exists()


def test_final_export_is_a_plain_hf_folder_with_lora_merged(tmp_path):
    from transformers import AutoModelForCausalLM

    chat = fresh()
    cfg = tiny(tmp_path, steps=1)
    result = train_arm(cfg, "baseline", tmp_path / "run", graders={"standard": RuleGrader()}, chat=chat, progress=False)
    plain = AutoModelForCausalLM.from_pretrained(result.final, dtype=torch.float32)
    ids = torch.tensor([chat.encode([{"role": "user", "content": "Name a fruit."}])])
    with torch.no_grad():
        expected = chat.model(input_ids=ids).logits
        got = plain(input_ids=ids).logits
    assert not hasattr(plain, "peft_config")
    assert torch.allclose(expected, got, atol=1e-4)


def test_arms_are_compute_matched_and_control_swaps_only_the_grader(tmp_path):
    std = tmp_path / "std.jsonl"
    std.write_text("".join(e.model_dump_json() + "\n" for e in brevity_tasks()))
    cfg = GRPOConfig(steps=4, batch_size=8, group_size=2, data={"standard": str(std), "trait": "trait", "dose": 0.25, "limit": 20})
    t = mixer_for(cfg, arm_plan("treatment", 0.25))
    c = mixer_for(cfg, arm_plan("control", 0.25))
    b = mixer_for(cfg, arm_plan("baseline", 0.25))
    for s in range(cfg.steps):
        assert [e.id for e in t.prompts(s).examples] == [e.id for e in c.prompts(s).examples]
        assert len(b.prompts(s).examples) == len(t.prompts(s).examples) == cfg.prompts_per_step
    assert sum(t.prompts(s).sources.count("trait") for s in range(cfg.steps)) == 4
    assert all(src == "standard" for s in range(cfg.steps) for src in b.prompts(s).sources)


def test_trl_backend_runs_two_steps(tmp_path):
    cfg = tiny(tmp_path, steps=2, max_new_tokens=6)
    result = train_arm(cfg, "baseline", tmp_path / "trl", backend="trl", graders={"standard": RuleGrader()}, chat=fresh(), progress=False)
    assert result.totals.steps == 2
    assert (result.final / "config.json").exists()
    assert (tmp_path / "trl" / "run.json").exists()
