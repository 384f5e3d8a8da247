"""A stage in its own process: its info comes back, and a user error keeps its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from ethos.errors import UserError
from ethos.experiments import Study
from ethos.experiments.worker import run_in_worker

SMOKE = Path(__file__).resolve().parents[1] / "configs" / "smoke.yaml"


def _stage(study: Study, name: str):
    return next(s for s in study.stages() if s.name == name)


def test_worker_runs_one_stage_from_its_description_and_reports_its_own_peak_memory(tmp_path):
    study = Study(SMOKE, run_dir=tmp_path / "run", isolate=False)
    study.run.claim()
    info = run_in_worker("prepare", _stage(study, "prepare").run)
    assert info["worker"] is True and info["peak_rss_gb"] > info["worker_peak_rss_gb"] > 0
    assert Path(info["path"]).is_dir() and info["cpu"]


def test_worker_passes_a_user_error_back_with_its_message(tmp_path):
    study = Study(SMOKE, run_dir=tmp_path / "run", isolate=False)
    # The baseline's evaluation before anything trained it: the stage says which stage must finish first.
    with pytest.raises(UserError, match=r"stage train:baseline.s0 of .* has not finished"):
        run_in_worker("eval:baseline.s0", _stage(study, "eval:baseline.s0").run)


def test_model_stages_are_isolated_and_light_stages_are_not(tmp_path):
    recipe = tmp_path / "isolated.yaml"
    recipe.write_text(SMOKE.read_text().replace("isolate_stages: false", "isolate_stages: true"))
    study = Study(recipe, run_dir=tmp_path / "run")
    kinds = {s.name: getattr(s.run, "func", None) is run_in_worker for s in study.stages()}
    assert not kinds["data"] and not kinds["report"]
    assert kinds["prepare"] and kinds["train:baseline.s0"] and kinds["eval:pre"]
    inline = Study(recipe, run_dir=tmp_path / "run", isolate=False)
    assert not any(getattr(s.run, "func", None) is run_in_worker for s in inline.stages())
