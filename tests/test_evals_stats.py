"""Paired statistics: small cases computed by hand, and the error rate checked in simulation."""

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


def test_a_constant_difference_has_a_degenerate_interval():
    a, b = np.zeros((3, 4)), np.full((3, 4), 0.25)
    e = seeded_effect(a, b)
    assert (e.interval.value, e.interval.low, e.interval.high) == pytest.approx((0.25, 0.25, 0.25))
    assert e.p == 0.0 and e.interval.significant


def test_seed_luck_widens_the_interval_with_the_seeds_few_degrees_of_freedom():
    # Seeds 0 and 2 of B are one better on every item, seed 1 equals A: items cannot tell the seeds apart, so
    # the uncertainty is the seeds' — var([1, 0, 1]) / 3 with 2 degrees of freedom.
    a = np.zeros((3, 5))
    b = np.array([[1.0] * 5, [0.0] * 5, [1.0] * 5])
    e = seeded_effect(a, b)
    assert e.interval.value == pytest.approx(2 / 3) and e.se == pytest.approx(1 / 3)
    assert e.df == pytest.approx(2.0)
    assert e.interval.low < 0 < e.interval.high and e.p == pytest.approx(0.1835, abs=1e-3)


def test_fewer_than_three_seeds_on_a_trained_side_is_descriptive():
    a, b = np.zeros((3, 6)), np.array([[0.0, 1.0, 1.0, 1.0, 0.0, 1.0]])
    e = seeded_effect(a, b)
    assert e.p is None and e.descriptive and e.seeds == (1, 3)  # seeds per group, in the order given: B, A
    assert e.interval.low < e.interval.value < e.interval.high  # an interval over items, given these seeds
    assert seeded_effect(np.zeros((2, 6)), np.ones((2, 6))).p is None  # two seeds are not enough either


def test_the_pre_rl_model_is_one_fixed_model():
    rng = np.random.default_rng(1)
    pre, treated = rng.random((1, 40)), rng.random((3, 40))
    e = seeded_effect(pre, treated, fixed=(True, False))
    assert e.p is not None and e.seeds == (3, 1)
    with pytest.raises(ValueError, match="exactly one row"):
        seeded_effect(treated, treated, fixed=(True, False))


def test_interval_and_p_agree():
    rng = np.random.default_rng(0)
    for shift in (0.0, 0.05, 0.2):
        a = rng.random((3, 40))
        b = a + shift + rng.normal(0, 0.2, (3, 40))
        e = seeded_effect(a, b)
        assert e.interval.significant == (e.p < 0.05)


def test_the_error_rate_is_the_one_claimed_in_simulation():
    """The method is checked against simulated studies with no effect, not against fixed p-values."""
    from ethos.evals.calibration import Components, Design, simulate

    for comps in (Components(0.05, 0.03, 0.1), Components(0.2, 0.05, 0.3)):
        for design in (Design(40, 1, 3, 3), Design(40, 1, 1, 3, fixed_a=True), Design(40, 3, 3, 3)):
            c = simulate(design, comps, reps=800, seed=3)
            assert c.false_positive_rate <= 0.09 and c.coverage >= 0.91, (comps, design, c)
    one_seed = simulate(Design(40, 1, 3, 1), Components(0.05, 0.03, 0.1), reps=50)
    assert one_seed.descriptive  # nothing to calibrate: no p-value is ever given


def test_seeded_effect_is_deterministic_and_checks_shapes():
    a, b = np.array([[0.0, 1.0, 0.5]] * 3), np.array([[1.0, 1.0, 0.0]] * 3)
    assert seeded_effect(a, b) == seeded_effect(a, b)
    with pytest.raises(ValueError):
        seeded_effect(np.zeros((1, 2)), np.zeros((1, 3)))
    with pytest.raises(ValueError):
        paired_test([1, 2], [1])
    assert paired_test([0.0, 0.0, 1.0, 0.0], [1.0, 1.0, 1.0, 0.0])[1] is not None  # one model, two conditions


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


def test_one_estimator_under_comparisons_and_pooled_effects():
    from ethos.evals.effects import delta
    from ethos.evals.stats import crossed_effect

    rng = np.random.default_rng(4)
    a, b = rng.random((3, 20)), rng.random((3, 20)) + 0.1
    paired = seeded_effect(a, b)
    assert paired == crossed_effect([[b, a]], [1.0, -1.0])
    as_scores = [[{("x", f"{i:02d}"): float(v) for i, v in enumerate(row)} for row in m] for m in (a, b)]
    interval, p = delta(*as_scores)
    assert interval.value == pytest.approx(paired.interval.value)
    assert (interval.low, interval.high) == pytest.approx((paired.interval.low, paired.interval.high))
    assert p == pytest.approx(paired.p) and paired.seeds == (3, 3)
    with pytest.raises(ValueError, match="same seeds per group"):
        crossed_effect([[a, b], [a[:2], b]], [1.0, -1.0])
