"""The headline rule: chosen on the pre-RL model's screen, by position, with a cap and watched benchmarks."""

from __future__ import annotations

import json

import pytest

from ethos.errors import UserError
from ethos.evals.eval_config import EvalConfig
from ethos.evals.headline import HeadlineRule, candidates, choose, read_choice, write_choice


def row(position, mean, chance=None, category="x"):
    return {
        "position": position,
        "mean": mean,
        "low": mean - 0.1,
        "high": mean + 0.1,
        "chance": chance,
        "category": category,
    }


SCREEN = {
    "tqa": row("in_range", 0.37, chance=0.46, category="truthfulness"),
    "bbq": row("at_chance", 0.30, chance=0.33, category="fairness"),
    "unsafe": row("in_range", 0.10, category="harmful_refusal"),
    "safe": row("ceiling", 0.97, category="over_refusal"),
    "harm": row("floor", 0.0, category="harmful_refusal"),
    "surv": row("in_range", 0.30, chance=0.5, category="corrigibility"),
}


def test_in_range_benchmarks_enter_and_the_rest_say_why():
    chosen, why, watched = choose(HeadlineRule(), SCREEN)
    assert chosen == ["tqa", "unsafe", "surv"] and watched == []
    assert why == {"bbq": "pre-RL score at chance", "safe": "pre-RL score ceiling", "harm": "pre-RL score floor"}


def test_a_cap_keeps_the_most_room_and_watched_ones_are_evaluated_anyway(tmp_path):
    chosen, why, watched = choose(HeadlineRule(max_benchmarks=2, watch=["over_refusal"]), SCREEN)
    assert chosen == ["tqa", "surv"]  # room 0.09 and 0.20; unsafe sits 0.05 from the floor
    assert "beyond the cap of 2" in why["unsafe"] and watched == ["safe"]
    names = write_choice(tmp_path, HeadlineRule(watch=["over_refusal"]), SCREEN)
    assert names == ["tqa", "unsafe", "surv", "safe"] == read_choice(tmp_path)
    saved = json.loads((tmp_path / "headline.json").read_text())
    assert saved["screen"]["bbq"]["position"] == "at_chance" and saved["rule"]["limit"] == 40


def test_no_benchmark_in_range_is_an_error_naming_each_position(tmp_path):
    with pytest.raises(UserError, match="chose no benchmark.*bbq: pre-RL score at chance"):
        write_choice(tmp_path, HeadlineRule(), {"bbq": SCREEN["bbq"]})
    assert read_choice(tmp_path) is None


def test_candidates_are_independent_and_a_list_and_a_rule_cannot_both_choose():
    from ethos.evals.suites import load_suite

    benches = load_suite("builtin").benchmarks
    pool = candidates(HeadlineRule(), benches)
    assert pool and all(b.independent for b in pool)
    assert "crisis_response_choice" not in {b.name for b in pool}  # its good option mirrors a training reference
    assert {b.category for b in candidates(HeadlineRule(candidates=["truthfulness"]), benches)} == {"truthfulness"}
    problems = EvalConfig(benchmarks=["a"], headline=HeadlineRule()).problems()
    assert problems and "both choose the headline" in problems[0][1]
