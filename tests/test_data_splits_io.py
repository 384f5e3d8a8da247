"""Domain splits and JSONL io."""

import json

import pytest

from ethos.data import DataConfig, build_scenarios, load_examples, save_examples, split_by_domain
from ethos.errors import UserError


@pytest.fixture(scope="module")
def scenarios():
    return build_scenarios(DataConfig(per_cell=5))


def test_heldout_domains_never_reach_train_or_eval(scenarios):
    s = split_by_domain(scenarios, ["health", "math"], ["art"], eval_fraction=0.2, seed=0)
    assert {e.domain for e in s.train} == {"health", "math"} == {e.domain for e in s.eval}
    assert {e.domain for e in s.heldout} == {"art"}
    assert not {e.id for e in s.train} & {e.id for e in s.eval}
    assert len(s.eval) == 2 * 7  # one of five per cell
    assert len(s.train) + len(s.eval) == 2 * 7 * 5


def test_split_is_seeded(scenarios):
    a = split_by_domain(scenarios, ["health"], [], 0.4, seed=0)
    b = split_by_domain(scenarios, ["health"], [], 0.4, seed=0)
    c = split_by_domain(scenarios, ["health"], [], 0.4, seed=9)
    assert [e.id for e in a.eval] == [e.id for e in b.eval] != [e.id for e in c.eval]


def test_heldout_skeletons_are_new_situations_for_every_trait():
    from collections import Counter

    from ethos.data import SKELETONS
    from ethos.data.build import build_splits, held_ids

    cfg = DataConfig(per_cell=6, heldout_domains=["art"])
    splits, _, _ = build_splits(cfg)
    held = held_ids(splits)
    trained = {e.meta["skeleton"] for name, rows in splits.items() if name != "heldout_skeletons" for e in rows}
    assert held and not held & trained  # no split any arm trains or is evaluated on in-domain holds them
    per_trait = Counter(SKELETONS.get(i).trait for i in held)
    for trait in cfg.traits:
        total = sum(s.trait == trait for s in SKELETONS.values())
        assert per_trait[trait] >= 0.2 * total, trait
    assert not any(SKELETONS.get(i).contrast for i in held)  # contrast situations always stay in training
    assert {e.domain for e in splits.heldout_skeletons} == set(cfg.train_domain_list)
    other = build_splits(cfg.model_copy(update={"seed": 1}))[0]
    assert held_ids(other) != held  # chosen by seed


def test_variants_of_one_situation_are_held_out_together():
    from ethos.data import SKELETONS
    from ethos.data.splits import heldout_skeleton_ids

    twins = [s.id for s in SKELETONS.values() if s.family == "stronger_candidate"]
    assert len(twins) == 2
    for seed in range(12):
        held = heldout_skeleton_ids(["fairness"], 0.5, seed)
        assert len(set(twins) & held) in (0, 2), seed


def test_no_heldout_skeletons_when_fraction_is_zero():
    from ethos.data.build import build_splits

    splits, _, _ = build_splits(DataConfig(per_cell=3, heldout_skeleton_fraction=0))
    assert splits.heldout_skeletons == []


def test_roundtrip(tmp_path, scenarios):
    path = tmp_path / "x.jsonl"
    assert save_examples(path, scenarios[:20]) == 20
    assert load_examples(path) == scenarios[:20]


def test_bad_line_names_file_line_and_field(tmp_path, scenarios):
    rows = [scenarios[0].model_dump(mode="json"), scenarios[1].model_dump(mode="json")]
    rows[1]["rubric"][0]["check"] = {"kind": "mentions_any"}
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(UserError, match=r"bad\.jsonl:2 \(field 'rubric\.0\.check'\): check 'mentions_any' needs terms"):
        load_examples(path)
    rows[1] = dict(rows[0])
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(UserError, match=r"bad\.jsonl:2 \(field 'id'\): .* already used on line 1"):
        load_examples(path)
    path.write_text(
        '{"id": "x", "trait": "kindness", "domain": "health", "messages": [{"role": "user", "content": "hi"}], '
        '"rubric": [{"text": "abc"}]}\n'
    )
    with pytest.raises(UserError, match=r"bad\.jsonl:1 \(field 'trait'\): unknown trait 'kindness'"):
        load_examples(path)
