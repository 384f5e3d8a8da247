"""The data: config section: defaults, domain splits, and errors that list valid ids and lines."""

import pytest

from ethos.data import DataConfig, load_data_config
from ethos.data.schema import DOMAINS
from ethos.errors import UserError


def test_defaults_cover_everything():
    cfg = DataConfig()
    assert cfg.train_domain_list == list(DOMAINS) and cfg.heldout_domain_list == []


def test_train_on_health_only_holds_out_the_rest():
    cfg = DataConfig(train_domains=["health"])
    assert cfg.train_domain_list == ["health"]
    assert set(cfg.heldout_domain_list) == set(DOMAINS) - {"health"}


def test_hold_out_health_and_science():
    cfg = DataConfig(heldout_domains=["health", "science"])
    assert "health" not in cfg.train_domain_list and len(cfg.train_domain_list) == 10


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"traits": ["honesty"]}, "unknown trait 'honesty'; valid traits: truthfulness"),
        ({"domains": ["cooking"]}, "unknown domain 'cooking'; valid domains: health"),
        ({"train_domains": ["health"], "heldout_domains": ["health"]}, "both a train and a held-out domain"),
        ({"heldout_domains": list(DOMAINS)}, "no domain left to train on"),
        ({"domains": ["health"], "heldout_domains": ["math"]}, "not in domains"),
        ({"standard_mix": {"poems": 1.0}}, "unknown standard task kind 'poems'"),
        ({"standard_mix": {"ifeval": 0.0}}, "at least one positive weight"),
    ],
)
def test_bad_values_explain_themselves(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataConfig(**kwargs)


def test_yaml_errors_name_file_line_and_field(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text("seed: 0\ntrain:\n  steps: 2\ndata:\n  per_cell: 3\n  domains: [health, cooking]\n")
    with pytest.raises(UserError) as e:
        load_data_config(path)
    assert f"{path}:6: data.domains" in str(e.value) and "valid domains" in str(e.value)


def test_shipped_configs_load():
    for name in ("smoke", "default", "paper"):
        cfg = load_data_config(f"configs/{name}.yaml")
        assert cfg.per_cell >= 1 and cfg.heldout_domain_list


def test_missing_section_means_defaults_with_the_recipes_own_seed(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text("seed: 1\n")
    assert load_data_config(path) == DataConfig(seed=1)  # the seed is declared once, at the top, and inherited
