"""Every shipped recipe is valid as a whole (every section and every name it uses), before anything runs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from ethos.experiments import Study

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_recipe_builds_a_study(path, tmp_path):
    study = Study(path, run_dir=tmp_path / "run", console=Console(file=io.StringIO()))
    names = [s.name for s in study.stages()]
    assert names[0] == "prepare" and names[-1] == "report"
    assert "eval:pre" in names and any(n.startswith("train:baseline") for n in names)


def test_default_replicates_the_compared_arms_and_says_which_run_once(tmp_path):
    study = Study(CONFIGS[[p.stem for p in CONFIGS].index("default")], run_dir=tmp_path / "run")
    cfg = study.cfg
    assert len(cfg.seeds) >= 3 and {"baseline", "treatment"} <= set(cfg.seeded_arms)
    assert {"baseline", "treatment", "control", "deliberative"} <= set(cfg.arms)
    assert len(cfg.generalization) == 2
    assert study.train_cfg.data.dose < 0.5  # the standard stream stays the majority


def test_full_runs_every_arm_with_three_seeds_and_enough_trait_prompts(tmp_path):
    study = Study(CONFIGS[[p.stem for p in CONFIGS].index("full")], run_dir=tmp_path / "run")
    cfg, t = study.cfg, study.train_cfg
    assert len(cfg.seeds) >= 3 and set(cfg.seeded_arms) == set(cfg.trained_arms())
    trait_prompts = t.steps * t.prompts_per_step * t.data.dose
    assert trait_prompts >= 300 and t.data.dose < 0.5
    assert study.eval_cfg.limit is None or study.eval_cfg.limit >= 200


def test_the_default_headline_is_what_its_rule_chose_on_the_pre_rl_model(tmp_path):
    from ethos.evals.headline import HeadlineRule, write_choice

    path = CONFIGS[[p.stem for p in CONFIGS].index("default")]
    study = Study(path, run_dir=tmp_path / "run", console=Console(file=io.StringIO()))
    assert study.eval_cfg.headline is not None and study.eval_cfg.benchmarks is None  # a rule, not a list
    names = [s.name for s in study.stages()]
    assert names.index("headline") < min(i for i, n in enumerate(names) if n.startswith("train:"))
    assert all(b.independent for b in study.suite.benchmarks)  # until screened: every candidate
    screen = {
        b.name: {
            "position": "in_range" if b.name == "truthfulqa.mc" else "at_chance",
            "mean": 0.4,
            "category": b.category,
        }
        for b in study.suite.benchmarks
    }
    screen["xstest.safe"] = {"position": "ceiling", "mean": 0.97, "category": "over_refusal"}
    write_choice(study.run.stage_dir("headline"), HeadlineRule(watch=["over_refusal"]), screen)
    study.run.mark_done("headline", 1.0, {})
    again = Study(path, run_dir=tmp_path / "run", console=Console(file=io.StringIO()))
    chosen = [b.name for b in again.suite.benchmarks]
    assert set(chosen) == {"truthfulqa.mc", "xstest.safe", "coconot.contrast"}  # in range, and the watched ones
    assert "misconceptions" in again.persistence_benchmarks()  # persistence names resolve whatever the headline
