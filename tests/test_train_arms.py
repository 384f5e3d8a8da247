"""Arms are compute-matched: same prompts per step and steps; control differs from treatment only in its grader."""

from ethos.data.schema import Example
from ethos.train import GRPOConfig
from ethos.train.arms import mixer_for
from ethos.train.dose import arm_plan


def _tasks(n=6):
    rubric = [{"text": "Uses at most 3 words", "check": {"kind": "word_count", "max": 3}}]
    return [Example(id=f"t-{i}", kind="standard", messages=[{"role": "user", "content": f"q{i}"}], rubric=rubric) for i in range(n)]


def test_arms_are_compute_matched_and_control_swaps_only_the_grader(tmp_path):
    std = tmp_path / "std.jsonl"
    std.write_text("".join(e.model_dump_json() + "\n" for e in _tasks()))
    cfg = GRPOConfig(steps=4, batch_size=8, group_size=2, data={"standard": str(std), "trait": "trait", "dose": 0.25, "limit": 20})
    t = mixer_for(cfg, arm_plan("treatment", 0.25))
    c = mixer_for(cfg, arm_plan("control", 0.25))
    b = mixer_for(cfg, arm_plan("baseline", 0.25))
    for s in range(cfg.steps):
        assert [e.id for e in t.prompts(s).examples] == [e.id for e in c.prompts(s).examples]
        assert len(b.prompts(s).examples) == len(t.prompts(s).examples) == cfg.prompts_per_step
    assert sum(t.prompts(s).sources.count("trait") for s in range(cfg.steps)) == 4
    assert all(src == "standard" for s in range(cfg.steps) for src in b.prompts(s).sources)
