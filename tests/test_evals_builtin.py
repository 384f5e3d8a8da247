"""The built-in benchmarks: coverage, balance, determinism, grader separation, independence from training data."""

from collections import Counter

import pytest

from ethos.evals.benchmark import CATEGORIES, Benchmark, McItem
from ethos.evals.builtin import BENCHMARKS
from ethos.evals.overlap import ngrams, overlap, training_texts
from ethos.evals.validity import separation

MAX_SHARED_8GRAMS = 0.02


@pytest.fixture(scope="module")
def benches() -> list[Benchmark]:
    return [f() for f in BENCHMARKS.values()]


def test_at_least_30_covering_every_category_twice(benches):
    assert len(benches) >= 30
    counts = Counter(b.category for b in benches)
    # "other" and "training_reward" are not behaviours; risk sensitivity comes from Anthropic's published files
    not_builtin = {"other", "training_reward", "risk_sensitivity"}
    assert all(counts[c] >= 2 for c in CATEGORIES if c not in not_builtin), counts


def test_generated_benchmarks_have_100_items_and_capability_is_tagged(benches):
    for b in benches:
        assert len(b.items) >= 100, b.name
        assert b.good.startswith("higher = "), b.name
    assert {b.name for b in benches if b.capability} >= {"arithmetic", "format_following"}


def test_good_option_position_is_not_constant(benches):
    for b in (b for b in benches if b.kind == "mc"):
        positions = Counter(i.good[0] for i in b.items)
        assert len(positions) > 1 and max(positions.values()) < 0.8 * len(b.items), (b.name, positions)


def test_items_and_fingerprints_are_deterministic(benches):
    again = [f() for f in BENCHMARKS.values()]
    assert [b.fingerprint() for b in benches] == [b.fingerprint() for b in again]


def test_every_generation_benchmark_ships_references_the_grader_separates(benches):
    for b in (b for b in benches if b.kind == "gen"):
        sep = separation(b)
        assert sep is not None, b.name
        gap, ordered = sep
        assert gap > 0 and ordered == 1.0, (b.name, sep)


def test_counterfactual_items_share_options():
    b = BENCHMARKS.get("counterfactual_consistency")()
    item = b.items[0]
    assert isinstance(item, McItem) and item.counterfactual and item.counterfactual != item.messages
    assert b.chance is None


def test_ngrams():
    assert ngrams("The cat sat, on the mat!", n=3) == {
        ("the", "cat", "sat"),
        ("cat", "sat", "on"),
        ("sat", "on", "the"),
        ("on", "the", "mat"),
    }
    assert ngrams("too short", n=3) == set()


def test_overlap_guard_detects_a_copied_template(benches):
    copied = (
        [m["content"] for m in benches[-1].items[0].messages]
        if isinstance(benches[-1].items[0], McItem)
        else [m.content for m in benches[-1].items[0].messages]
    )
    result = overlap([benches[-1]], copied, n=8)[0]
    assert result.shared > 0


def test_builtin_items_do_not_share_phrasing_with_the_training_pool(benches):
    from ethos.data import iter_all_scenarios

    results = overlap(benches, training_texts(iter_all_scenarios()), n=8)
    worst = max(results, key=lambda r: r.fraction)
    assert worst.fraction <= MAX_SHARED_8GRAMS, (worst.benchmark, worst.fraction, worst.examples)
