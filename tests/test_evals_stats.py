"""Paired statistics against small cases computed by hand."""

import pytest

from ethos.evals.stats import bh, bootstrap_mean, did, paired_bootstrap, paired_test, sign_flip_p


def test_bh_matches_hand_computation():
    # sorted p: .01 .03 .04 .20 -> p*m/rank: .04 .06 .0533 .20 -> running min from the top: .04 .0533 .0533 .20
    q = bh([0.01, 0.04, 0.03, 0.20])
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])


def test_bh_caps_at_one_and_handles_empty():
    assert bh([0.9, 0.8]) == pytest.approx([0.9, 0.9])
    assert bh([1.0, 1.0, 1.0]) == [1.0, 1.0, 1.0]
    assert bh([]) == []


def test_sign_flip_exact_small_case():
    # 8 sign patterns of [1, 1, 1]; only all-plus and all-minus reach |mean| >= 1.
    assert sign_flip_p([1, 1, 1]) == pytest.approx(2 / 8)
    # [1, -1]: every pattern has |mean| in {0, 0} -> always >= observed 0 -> p = 1.
    assert sign_flip_p([1, -1]) == 1.0
    # [2, 1]: patterns ++ (1.5), +- (0.5), -+ (0.5), -- (1.5); observed 1.5 -> p = 2/4.
    assert sign_flip_p([2, 1]) == pytest.approx(0.5)


def test_sign_flip_monte_carlo_is_seeded_and_small_for_a_clear_effect():
    diffs = [0.2] * 40
    p1, p2 = sign_flip_p(diffs, n=2000, seed=3), sign_flip_p(diffs, n=2000, seed=3)
    assert p1 == p2
    assert p1 <= 2 / 2001 + 1e-12  # only the +1 correction (and the all-flipped pattern, if drawn)


def test_paired_bootstrap_constant_difference_has_degenerate_interval():
    ci = paired_bootstrap([0.0, 0.5, 1.0], [0.25, 0.75, 1.25])
    assert (ci.estimate, ci.lo, ci.hi) == pytest.approx((0.25, 0.25, 0.25))


def test_bootstrap_is_seeded_and_brackets_the_mean():
    x = [0, 1, 1, 0, 1, 1, 1, 0]
    a, b = bootstrap_mean(x, n=500, seed=1), bootstrap_mean(x, n=500, seed=1)
    assert a == b
    assert a.lo <= 0.625 <= a.hi and a.estimate == pytest.approx(0.625)


def test_paired_test_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        paired_test([1, 2], [1])


def test_did_hand_case():
    # treatment unchanged by the persona, baseline drops by 1 on both items -> DiD = +1 per item
    ci, p = did([1, 1], [1, 1], [0, 0], [1, 1])
    assert (ci.estimate, ci.lo, ci.hi) == (1.0, 1.0, 1.0)
    assert p == pytest.approx(0.5)  # 2 items: ++ and -- both reach |mean| = 1 out of 4 patterns
    with pytest.raises(ValueError):
        did([1], [1, 1], [1], [1])
