"""A stage in its own process: its info comes back, and a user error keeps its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from ethos.errors import UserError
from ethos.experiments import Study
from ethos.experiments.worker import run_stage_in_worker

SMOKE = Path(__file__).resolve().parents[1] / "configs" / "smoke.yaml"


def test_worker_runs_one_stage_and_reports_its_own_peak_memory(tmp_path):
    info = run_stage_in_worker(SMOKE, tmp_path / "run", "data")
    assert info["worker"] is True and info["peak_rss_gb"] > info["worker_peak_rss_gb"] > 0
    assert info["standard_train.jsonl"] > 0
    assert (tmp_path / "run" / "data" / "build" / "standard_train.jsonl").exists()


def test_worker_passes_a_user_error_back_with_its_message(tmp_path):
    with pytest.raises(UserError, match="has no stage 'train:nope'.*train:baseline.s0"):
        run_stage_in_worker(SMOKE, tmp_path / "run", "train:nope")


def test_model_stages_are_isolated_and_light_stages_are_not(tmp_path):
    recipe = tmp_path / "isolated.yaml"
    recipe.write_text(SMOKE.read_text().replace("isolate_stages: false", "isolate_stages: true"))
    study = Study(recipe, run_dir=tmp_path / "run")
    kinds = {s.name: getattr(s.run, "func", None) is run_stage_in_worker for s in study.stages()}
    assert not kinds["data"] and not kinds["report"]
    assert kinds["prepare"] and kinds["train:baseline.s0"] and kinds["eval:pre"]
    inline = Study(recipe, run_dir=tmp_path / "run", isolate=False)
    assert not any(getattr(s.run, "func", None) is run_stage_in_worker for s in inline.stages())
