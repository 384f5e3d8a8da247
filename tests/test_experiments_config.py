"""Study recipes: study keys, name validation before any training, and run-directory safety."""

from __future__ import annotations

import pytest
import yaml

from ethos.errors import UserError
from ethos.experiments.rundir import RunDir, config_hash
from ethos.experiments.study_config import expand, name_problems, parse_study
from ethos.recipe import Recipe


@pytest.fixture
def recipe(tmp_path):
    def make(data: dict) -> Recipe:
        path = tmp_path / "r.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return Recipe.load(path)

    return make


def study(recipe_obj: Recipe):
    cfg = parse_study(recipe_obj)
    recipe_obj.check()
    return cfg


BENCHES = {"crisis_support": "mental_health", "harmful_refusal": "harmful_refusal", "pushback_flip": "sycophancy"}


def test_defaults_resolve_and_a_missing_benchmark_is_named(recipe):
    cfg = study(recipe({"generalization": {"health": {"domains": ["health"]}}}))
    builtin = {
        "misconceptions": "truthfulness",
        "crisis_response_choice": "mental_health",
        "harmful_refusal": "harmful_refusal",
        "harmful_refusal_choice": "harmful_refusal",
        "over_refusal": "over_refusal",
        "shutdown_acceptance": "corrigibility",
        "resource_acquisition": "power_seeking",
    }
    public = {
        "truthfulqa.mc": "truthfulness",
        "xstest.unsafe": "harmful_refusal",
        "xstest.safe": "over_refusal",
        "anthropic.human.survival-instinct": "corrigibility",
        "anthropic.human.power-seeking-inclination": "power_seeking",
    }
    assert name_problems(cfg, public | builtin) == []
    problems = dict(name_problems(cfg, builtin))  # a listed benchmark that is missing is an error, never skipped
    assert "'truthfulqa.mc', 'xstest.unsafe'" in problems[("persistence", "personas", "benchmarks")]
    assert "'xstest.unsafe'" in problems[("persistence", "jailbreak", "benchmarks")]
    assert cfg.trained_arms() == ["baseline", "treatment", "control", "health"]
    assert cfg.evaluated()[0].name == "pre"


def test_seeds_make_one_run_per_seeded_arm(recipe):
    cfg = study(recipe({"seeds": [0, 1, 2], "arms": ["baseline", "treatment", "control"]}))
    assert [r.name for r in cfg.runs()] == [
        "baseline.s0",
        "baseline.s1",
        "baseline.s2",
        "treatment.s0",
        "treatment.s1",
        "treatment.s2",
        "control.s0",
    ]
    with pytest.raises(UserError, match="seeds"):
        study(recipe({"seeds": []}))


def test_unknown_keys_fail_with_file_line_and_plain_words(recipe):
    with pytest.raises(
        UserError,
        match=r"(?s)r.yaml has 1 problem.*r.yaml:1: armz is not a known setting; remove it or check the spelling "
        r"\(known: run_dir, seed",
    ):
        study(recipe({"armz": ["baseline"], "train": {"anything": 1}}))
    with pytest.raises(
        UserError, match=r"r.yaml:3: persistence.finetune.comparison must be one of: baseline, pre, got 'control'"
    ):
        study(recipe({"persistence": {"finetune": {"comparison": "control"}}}))


def test_every_unknown_name_is_listed_at_once(recipe):
    cfg = study(
        recipe(
            {
                "arms": ["baseline", "treatment", "placebo"],
                "persistence": {
                    "treated": "treatment",
                    "comparison": "baseline",
                    "also": ["constitution"],  # an arm the study does not train
                    "personas": {"names": ["pirate"], "benchmarks": ["crisis_support", "nope"]},
                    "finetune": {"groups": {"health": ["mental_health"]}},
                    "jailbreak": {
                        "techniques": ["base64", "telepathy"],
                        "benchmarks": ["harmful_refusal"],
                        "overrefuse": [],
                    },
                },
            }
        )
    )
    text = " | ".join(msg for _, msg in name_problems(cfg, BENCHES))
    for needle in (
        "'placebo' (valid: baseline, treatment, control, deliberative, constitution)",
        "'pirate' (valid: good, bad, harmful_medical",
        "'telepathy'",
        "'constitution' (valid: baseline, treatment)",
    ):
        assert needle in text, needle


def test_a_generalization_arm_is_one_domain_selection_of_known_domains(recipe):
    generalization = {"g": {"domains": ["health", "astrology"]}, "both": {"domains": ["health"], "exclude": ["math"]}}
    with pytest.raises(UserError) as e:
        study(recipe({"generalization": generalization}))
    assert "generalization.g.domains names unknown domain 'astrology'" in str(e.value)
    assert "generalization.both needs exactly one of domains" in str(e.value)
    cfg = parse_study(recipe({"generalization": {"treatment": {"domains": ["health"]}}}))
    assert any("registered arm's name" in m for _, m in name_problems(cfg, BENCHES))


def test_expand_accepts_benchmarks_and_categories_in_suite_order():
    assert expand(["sycophancy", "crisis_support"], BENCHES) == ["crisis_support", "pushback_flip"]
    # a name that is both a benchmark and a category selects the benchmark only, not the whole category
    both = {
        "xstest.unsafe": "harmful_refusal",
        "harmbench.test": "harmful_refusal",
        "harmful_refusal": "harmful_refusal",
    }
    assert expand(["harmful_refusal"], both) == ["harmful_refusal"]
    assert expand(["xstest.unsafe", "sycophancy"], both | BENCHES) == ["xstest.unsafe", "pushback_flip"]


def test_config_hash_ignores_key_order():
    assert config_hash({"a": 1, "b": {"c": 2, "d": 3}}) == config_hash({"b": {"d": 3, "c": 2}, "a": 1})
    assert config_hash({"a": 1}) != config_hash({"a": 2})


def test_run_dir_refuses_another_config_and_resumes_its_own(tmp_path):
    run = RunDir(tmp_path / "run", {"seed": 0}, "seed: 0\n")
    run.claim()
    assert (tmp_path / "run" / "config.yaml").read_text() == "seed: 0\n"
    run.mark_done("train:baseline", 1.5, {"final": "x"})
    again = RunDir(tmp_path / "run", {"seed": 0}, "seed: 0\n")
    again.claim()
    assert again.done("train:baseline") and not again.done("train:treatment")
    assert again.stage_info("train:baseline")["info"] == {"final": "x"}
    assert list(again.timings()) == ["train:baseline"]
    with pytest.raises(UserError, match="made by a different config"):
        RunDir(tmp_path / "run", {"seed": 1}, "seed: 1\n").claim()


def test_run_dir_refuses_a_foreign_non_empty_folder(tmp_path):
    (tmp_path / "mine.txt").write_text("x")
    with pytest.raises(UserError, match="not made by ethos run"):
        RunDir(tmp_path, {}, "").claim()


def test_one_seed_and_one_model_for_the_whole_recipe(recipe):
    from ethos.data.data_config import DataConfig
    from ethos.train.rl_config import RLConfig

    ok = recipe({"seed": 3, "model": "m", "data": {"seed": 3}, "train": {}})
    assert ok.parse("data", DataConfig).seed == 3
    train = ok.parse("train", RLConfig)
    assert (train.seed, train.model) == (3, "m")  # declared once at the top, inherited
    ok.check()
    bad = recipe({"train": {"seed": 1}})
    bad.parse("train", RLConfig, shared={"seed": 0})
    with pytest.raises(UserError, match=r"r.yaml:2: train.seed is 1 but the recipe's seed is 0; set the seed once"):
        bad.check()


def test_an_unknown_benchmark_name_is_an_error_not_a_shorter_list(tmp_path):
    from pathlib import Path

    from ethos.experiments import Study

    smoke = yaml.safe_load((Path(__file__).resolve().parents[1] / "configs" / "smoke.yaml").read_text())
    smoke["eval"]["benchmarks"] = ["harmful_refusal", "truthfulqa.mc", "no_such_benchmark"]  # a published name is fine
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(smoke, sort_keys=False))
    with pytest.raises(UserError, match=r"eval.benchmarks names unknown benchmark\(s\) 'no_such_benchmark'"):
        Study(path, run_dir=tmp_path / "run")
    smoke["eval"]["benchmarks"] = ["truthfulqa.mc"]  # valid, but not in this run's (fast) suite
    path.write_text(yaml.safe_dump(smoke, sort_keys=False))
    with pytest.raises(UserError, match="selects none of the fast suite's benchmarks"):
        Study(path, run_dir=tmp_path / "run")
