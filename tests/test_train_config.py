"""Config validation: every problem reported at once, before any model loads."""

import pytest

from ethos.errors import UserError
from ethos.recipe import load_section
from ethos.train.rl_config import RLConfig


def load_train_config(path, overrides=None):
    return load_section(path, "train", RLConfig, overrides=overrides)


def _write(tmp_path, text):
    p = tmp_path / "recipe.yaml"
    p.write_text(text)
    return p


def test_defaults_are_valid():
    assert RLConfig().problems(("rule", "helpfulness")) == []
    assert RLConfig(batch_size=16, group_size=4).prompts_per_step == 4


def test_all_problems_in_one_message_each_with_its_line(tmp_path):
    p = _write(
        tmp_path,
        "train:\n  group_size: 1\n  batch_size: 6\n  micro_batch_size: 4\n  data: {dose: 1.5}\n  rewards: {trait: "
        "vibes}\n",
    )
    with pytest.raises(UserError) as e:
        load_train_config(p)
    msg = str(e.value)
    assert "4 problem(s)" in msg
    for needle in (
        "recipe.yaml:5: train.data.dose is 1.5",
        "recipe.yaml:2: train.group_size is 1",
        "micro_batch_size 4",
        "recipe.yaml:6: train.rewards.trait names unknown grader 'vibes'",
    ):
        assert needle in msg


def test_batch_not_divisible_by_group(tmp_path):
    with pytest.raises(UserError, match=r"recipe.yaml:1: train.batch_size 10 is not divisible by group_size 4"):
        load_train_config(_write(tmp_path, "train: {batch_size: 10, group_size: 4, micro_batch_size: 10}\n"))


def test_unknown_setting_and_bad_type(tmp_path):
    with pytest.raises(UserError) as e:
        load_train_config(_write(tmp_path, "train: {stepz: 3, lr: fast}\n"))
    assert "recipe.yaml:1: train.stepz is not a known setting; remove it or check the spelling" in str(e.value)
    assert "train.lr must be a number, got 'fast'" in str(e.value)


def test_positive_dose_needs_a_trait_stream():
    assert (("data", "trait"), "names no trait stream but the dose is above 0; name one or set dose to 0") in RLConfig(
        data={"trait": None, "dose": 0.1}
    ).problems()


def test_an_empty_recipe_is_an_error_not_the_defaults(tmp_path):
    with pytest.raises(UserError, match="recipe.yaml is empty"):
        load_train_config(_write(tmp_path, "# nothing here\n"))


def test_yaml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(UserError, match=r"recipe.yaml:\d+: invalid YAML"):
        load_train_config(_write(tmp_path, "train:\n  steps: [1\n"))


def test_missing_file():
    with pytest.raises(UserError, match="does not exist"):
        load_train_config("no/such/recipe.yaml")


def test_overrides_apply(tmp_path):
    cfg = load_train_config(_write(tmp_path, "train: {steps: 3}\n"), {"steps": 5})
    assert cfg.steps == 5
