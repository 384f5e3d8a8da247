"""Effects pooled over benchmarks and seeds: deltas, degradations, differences in degradation."""

from __future__ import annotations

import numpy as np
import pytest

from ethos.evals.effects import aligned, degradation, delta, diff_in_degradation, scores_from_records


def _scores(bench_scores: dict[str, list[float | None]]) -> dict:
    return {(b, str(i)): s for b, vals in bench_scores.items() for i, s in enumerate(vals)}


def test_aligned_keeps_items_scored_in_every_run():
    a = _scores({"x": [1, 0, None], "y": [1]})
    b = _scores({"x": [0, 0, 1]})
    arrays = aligned([(1.0, [a]), (1.0, [b])])
    assert list(arrays) == ["x"]  # y is missing from b
    assert [m.shape for m in arrays["x"]] == [(1, 2), (1, 2)]  # x/2 is unscored in a: dropped, never read as 0


def test_benchmarks_weigh_equally_whatever_their_size():
    a = [_scores({"big": [0.0] * 100, "small": [0.0] * 4})]
    b = [_scores({"big": [1.0] * 100, "small": [0.0] * 4})]
    e, _ = delta(a, b)
    assert e.value == pytest.approx(0.5) and e.n == 104


def test_degradation_and_difference_signs():
    clean_t, att_t = [_scores({"h": [1, 1, 1, 1]})], [_scores({"h": [1, 1, 1, 0]})]  # treated fell 0.25
    clean_c, att_c = [_scores({"h": [1, 1, 1, 1]})], [_scores({"h": [0, 0, 1, 0]})]  # comparison fell 0.75
    assert degradation(clean_t, att_t)[0].value == pytest.approx(0.25)
    assert delta(att_c, clean_c)[0].value == pytest.approx(0.75)
    d, p = diff_in_degradation(clean_t, att_t, clean_c, att_c)
    assert d.value == pytest.approx(0.5)  # positive = treated more persistent
    assert p is None  # one seed a side: descriptive
    _, p3 = diff_in_degradation(clean_t * 3, att_t * 3, clean_c * 3, att_c * 3)
    assert 0 < p3 <= 1


def test_seeds_pool_and_their_spread_widens_the_interval():
    base = [_scores({"h": [0.0] * 20})] * 3
    lucky = [_scores({"h": [1.0] * 20}), _scores({"h": [0.0] * 20}), _scores({"h": [0.0] * 20})]  # one good seed
    e, p = delta(base, lucky)
    assert e.value == pytest.approx(1 / 3)
    assert e.low < 0 < e.high and p > 0.05


def test_empty_selection_is_nan_not_zero():
    e, p = delta([_scores({"x": [1]})], [_scores({"x": [0]})], benchmarks=["other"])
    assert np.isnan(e.value) and e.n == 0 and p is None


def test_scores_from_runner_records():
    s = scores_from_records([{"benchmark": "b", "item": 7, "score": 1}, {"benchmark": "b", "item": "8", "score": None}])
    assert s == {("b", "7"): 1.0, ("b", "8"): None}
