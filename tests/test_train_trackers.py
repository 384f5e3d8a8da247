"""Trackers (train.report_to) and evaluation during training (train.eval_every), read back from what they wrote."""

from __future__ import annotations

import pytest
import torch

from ethos.data.schema import Example
from ethos.recipe import load_section
from ethos.train import RLConfig, train_arm
from ethos.train.trackers import install_hint, missing, scalars


def test_scalars_keep_numbers_flatten_nested_and_drop_the_rest():
    row = {"step": 3, "reward": 0.5, "reward/trait": 1, "ok": True, "x": float("nan"), "lines": {"a": 0.25}, "s": [1]}
    assert scalars(row) == {"reward": 0.5, "reward/trait": 1.0, "lines/a": 0.25}


def test_a_tracker_that_is_not_installed_is_refused_with_its_install_command(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "trackio" else real(name, *a))
    assert missing(["tensorboard", "trackio"]) == ["trackio"]
    problems = RLConfig(report_to=["trackio"]).problems()
    assert any(loc == ("report_to",) and install_hint("trackio") in msg for loc, msg in problems)
    p = tmp_path / "r.yaml"
    p.write_text("train:\n  report_to: [tensorbored]\n")
    with pytest.raises(Exception, match="report_to"):
        load_section(p, "train", RLConfig)


@pytest.mark.model
def test_a_tiny_run_leaves_tensorboard_scalars_of_rewards_and_the_held_out_evaluation(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from ethos.experiments.train_eval import evaluator, heldout_skeletons

    rubric = [{"text": "Uses at most 3 words", "check": {"kind": "word_count", "max": 3}}]
    tasks = [
        Example(id=f"t{i}", kind="standard", messages=[{"role": "user", "content": q}], rubric=rubric)
        for i, q in enumerate(["Name a fruit.", "Name a color.", "Name a tree.", "Name a drink."])
    ]
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(e.model_dump_json() + "\n" for e in tasks))
    cfg = RLConfig(
        steps=2,
        batch_size=4,
        group_size=2,
        micro_batch_size=2,
        max_new_tokens=8,
        lora={"rank": 4, "alpha": 8},
        data={"standard": str(path), "trait": None, "dose": 0.0},
        report_to=["tensorboard"],
        eval_every=1,
        eval_items=2,
        eval_benchmarks=["truthfulqa.mc"],
    )
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        skeletons = heldout_skeletons(None, "configs/smoke.yaml")
        assert skeletons
        train_arm(cfg, "baseline", tmp_path / "run", progress=False, evaluator=evaluator(cfg, skeletons))
    finally:
        torch.set_num_threads(before)
    events = EventAccumulator(str(tmp_path / "run" / "tensorboard"))
    events.Reload()
    tags = set(events.Tags()["scalars"])
    assert {"reward", "reward/standard", "zero_variance_groups", "seconds"} <= tags
    assert {"eval/heldout_skeletons", "eval/truthfulqa.mc"} <= tags  # beside the reward, every step here
    assert [e.step for e in events.Scalars("eval/truthfulqa.mc")] == [0, 1]
    assert 0.0 <= events.Scalars("eval/truthfulqa.mc")[-1].value <= 1.0
