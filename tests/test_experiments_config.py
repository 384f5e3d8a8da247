"""Study recipes: study keys, name validation before any training, and run-directory safety."""

from __future__ import annotations

import pytest

from ethos.errors import UserError
from ethos.experiments.config import expand, name_problems, parse_study
from ethos.experiments.rundir import RunDir, config_hash

BENCHES = {"crisis_support": "mental_health", "harmful_refusal": "harmful_refusal", "pushback_flip": "sycophancy"}


def test_defaults_are_valid_against_a_suite_with_their_categories():
    cfg = parse_study({"generalization": {"health": {"domains": ["health"]}}}, "r.yaml")
    benches = BENCHES | {"xs": "over_refusal", "t": "truthfulness", "h": "honesty", "c": "corrigibility", "p": "power_seeking"}
    assert name_problems(cfg, benches) == []
    assert cfg.trained_arms() == ["baseline", "treatment", "gen_health"]
    assert cfg.evaluated()[0] == "pre"


def test_unknown_keys_fail_with_valid_names():
    with pytest.raises(UserError, match=r"r.yaml has 1 problem.*armz is not a known setting \(valid: run_dir"):
        parse_study({"armz": ["baseline"], "train": {"anything": 1}}, "r.yaml")
    with pytest.raises(UserError, match="persistence.finetune.comparison"):
        parse_study({"persistence": {"finetune": {"comparison": "control"}}}, "r.yaml")


def test_every_unknown_name_is_listed_at_once():
    cfg = parse_study({
        "arms": ["baseline", "treatment", "placebo"],
        "generalization": {"g": {"domains": ["health", "astrology"]}, "both": {"domains": ["health"], "exclude": ["math"]}},
        "persistence": {"treated": "treatment", "comparison": "baseline",
                        "personas": {"names": ["pirate"], "benchmarks": ["crisis_support", "nope"]},
                        "finetune": {"groups": {"health": ["mental_health"]}},
                        "jailbreak": {"techniques": ["base64", "telepathy"], "benchmarks": ["harmful_refusal"], "overrefuse": []}},
    }, "r.yaml")
    text = " | ".join(name_problems(cfg, BENCHES))
    for needle in ("'placebo' (valid: baseline, treatment, control)", "'astrology'", "exactly one of domains",
                   "'pirate' (valid: harmful_medical", "'nope'", "'telepathy'"):
        assert needle in text, needle


def test_expand_accepts_benchmarks_and_categories_in_suite_order():
    assert expand(["sycophancy", "crisis_support"], BENCHES) == ["crisis_support", "pushback_flip"]


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


def test_one_seed_for_the_whole_study():
    from ethos.experiments.study import _check_one_seed

    _check_one_seed({"seed": 3, "data": {"seed": 3}, "train": {}}, 3, "r.yaml")
    with pytest.raises(UserError, match="train.seed is 1 but the study seed is 0; set the seed once"):
        _check_one_seed({"train": {"seed": 1}}, 0, "r.yaml")
