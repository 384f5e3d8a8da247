"""Paired statistics against small cases computed by hand."""

import numpy as np
import pytest

from ethos.evals.stats import bh, bootstrap_mean, mde, paired_test, seeded_effect


def test_bh_matches_hand_computation():
    # sorted p: .01 .03 .04 .20 -> p*m/rank: .04 .06 .0533 .20 -> running min from the top: .04 .0533 .0533 .20
    q = bh([0.01, 0.04, 0.03, 0.20])
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])


def test_bh_caps_at_one_and_handles_empty():
    assert bh([0.9, 0.8]) == pytest.approx([0.9, 0.9])
    assert bh([1.0, 1.0, 1.0]) == [1.0, 1.0, 1.0]
    assert bh([]) == []


def test_constant_difference_has_a_degenerate_interval_and_the_smallest_p():
    e = seeded_effect(np.array([[0.0, 0.5, 1.0]]), np.array([[0.25, 0.75, 1.25]]), n_boot=500)
    assert (e.interval.value, e.interval.low, e.interval.high) == pytest.approx((0.25, 0.25, 0.25))
    assert e.p == pytest.approx(1 / 501)  # every resample is positive: p is the bootstrap's floor, 1/(n+1)


def test_seed_variance_widens_the_interval():
    # Seed 0 of B is one better on every item, seed 1 of B equals A. Items cannot tell them apart, so all the
    # uncertainty is the seeds': resampling seed indices (paired) gives 0, 0.5 or 1 with chances 1/4, 1/2, 1/4.
    a = np.zeros((2, 3))
    b = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    e = seeded_effect(a, b, n_boot=20_000, seed=1)
    assert e.interval.value == pytest.approx(0.5)
    assert (e.interval.low, e.interval.high) == (0.0, 1.0)
    assert e.p == pytest.approx(0.5, abs=0.02)  # 2 * P(boot <= 0) = 2 * 1/4
    assert not e.interval.significant
    # the same mean difference from a single seed would look certain: that is what seeds guard against
    single = seeded_effect(np.zeros((1, 3)), np.full((1, 3), 0.5), n_boot=2000)
    assert single.interval.low == single.interval.high == 0.5


def test_unpaired_seed_counts_resample_each_arm():
    e = seeded_effect(np.zeros((1, 4)), np.array([[1.0] * 4, [0.0] * 4, [1.0] * 4]), n_boot=5000, seed=0)
    assert e.interval.value == pytest.approx(2 / 3)
    assert e.seeds_a == 1 and e.seeds_b == 3
    assert e.interval.low == 0.0 and e.interval.high == 1.0


def test_interval_and_p_agree():
    rng = np.random.default_rng(0)
    for shift in (0.0, 0.05, 0.2):
        a = rng.random((2, 40))
        b = a + shift + rng.normal(0, 0.2, (2, 40))
        e = seeded_effect(a, b, n_boot=4000, seed=2)
        assert e.interval.significant == (e.p < 0.05)


def test_seeded_effect_is_deterministic_and_checks_shapes():
    a, b = np.array([[0.0, 1.0, 0.5]]), np.array([[1.0, 1.0, 0.0]])
    assert seeded_effect(a, b, seed=3) == seeded_effect(a, b, seed=3)
    with pytest.raises(ValueError):
        seeded_effect(np.zeros((1, 2)), np.zeros((1, 3)))
    with pytest.raises(ValueError):
        paired_test([1, 2], [1])


def test_mde_hand_values():
    # one test at alpha .05 two-sided, 80% power: (1.95996 + 0.84162) * se
    assert mde(0.1, 1) == pytest.approx(0.28016, abs=1e-4)
    # ten tests: the lone discovery must pass alpha/10 -> z = 2.80703
    assert mde(0.1, 10) == pytest.approx(0.36487, abs=1e-4)


def test_bootstrap_is_seeded_and_brackets_the_mean():
    x = [0, 1, 1, 0, 1, 1, 1, 0]
    a, b = bootstrap_mean(x, n=500, seed=1), bootstrap_mean(x, n=500, seed=1)
    assert a == b
    assert a.low <= 0.625 <= a.high and a.value == pytest.approx(0.625)


def test_one_bootstrap_under_comparisons_and_pooled_effects():
    from ethos.evals.effects import delta
    from ethos.evals.stats import bootstrap_effect

    rng = np.random.default_rng(4)
    a, b = rng.random((3, 20)), rng.random((3, 20)) + 0.1
    paired = seeded_effect(a, b, n_boot=1000, seed=7)
    assert paired == bootstrap_effect([[b, a]], [1.0, -1.0], n_boot=1000, seed=7)
    as_scores = [[{("x", f"{i:02d}"): float(v) for i, v in enumerate(row)} for row in m] for m in (a, b)]
    interval, p = delta(*as_scores, n_boot=1000, seed=7)  # equal seeds: one shared seed draw, same items
    assert abs(interval.value - paired.interval.value) < 1e-12
    assert abs(interval.low - paired.interval.low) < 1e-12 and abs(interval.high - paired.interval.high) < 1e-12
    assert p == paired.p and paired.seeds == (3, 3)
    with pytest.raises(ValueError, match="same seeds per group"):
        bootstrap_effect([[a, b], [a[:2], b]], [1.0, -1.0])
