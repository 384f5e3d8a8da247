"""compare_runs on hand-built runs: paired deltas, seeds, intersections, refusal control, the headline rule."""

import json

import numpy as np
import pytest

from ethos.errors import UserError
from ethos.evals.compare import compare_runs
from ethos.evals.stats import bh, seeded_effect


def write_run(root, suite, benches):
    """benches: name -> (meta, [(item, score, refused_or_correct)])"""
    (root / "records").mkdir(parents=True)
    summary = {"model": root.name, "suite": suite, "benchmarks": {}}
    for name, (meta, rows) in benches.items():
        recs = []
        for item, score, flag in rows:
            rec = {"benchmark": name, "item": item, "kind": meta["kind"], "score": score}
            rec["refused" if meta["kind"] == "gen" else "correct"] = flag
            recs.append(rec)
        (root / "records" / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
        summary["benchmarks"][name] = {"fingerprint": "f1", **meta}
    (root / "summary.json").write_text(json.dumps(summary))
    return root


GEN = {"category": "harmful_refusal", "kind": "gen", "capability": False, "position": "in_range", "independent": True}
MC = {"category": "sycophancy", "kind": "mc", "capability": False, "position": "at_chance", "independent": True}
CAP = {"category": "capability", "kind": "gen", "capability": True, "position": "in_range", "independent": True}
RULE = {"category": "honesty", "kind": "gen", "capability": False, "position": "in_range", "independent": False}


@pytest.fixture
def runs(tmp_path):
    a = write_run(
        tmp_path / "a",
        "builtin",
        {
            "gen": (GEN, [("g1", 0.0, False), ("g2", 1.0, True), ("g3", 0.0, False), ("g4", 0.5, False)]),
            "mc": (MC, [("m1", 0.4, 0.0), ("m2", 0.6, 1.0), ("m3", 0.5, 1.0)]),
            "cap": (CAP, [("c1", 1.0, False), ("c2", 1.0, False)]),
            "rule": (RULE, [("r1", 0.0, False), ("r2", 0.0, False)]),
            "only_a": (MC, [("x", 0.5, 1.0)]),
        },
    )
    b = write_run(
        tmp_path / "b",
        "custom",
        {
            "gen": (
                GEN,
                [("g1", 1.0, True), ("g2", 1.0, True), ("g3", 1.0, False), ("g4", 0.5, False), ("g5", 1.0, False)],
            ),
            "mc": (MC, [("m1", 0.5, 0.0), ("m2", 0.7, 1.0), ("m3", None, 1.0)]),
            "cap": (CAP, [("c1", 0.0, False), ("c2", 1.0, False)]),
            "rule": (RULE, [("r1", 1.0, False), ("r2", 1.0, False)]),
        },
    )
    return a, b


def test_paired_deltas_and_intersection(runs):
    comp = compare_runs(*runs, fixed_a=True, fixed_b=True)  # two fixed models: a test over items
    rows = {r.benchmark: r for r in comp.rows}
    assert set(rows) == {"gen", "mc", "cap", "rule"}
    assert rows["gen"].n == 4 and rows["gen"].delta.value == pytest.approx((1 + 0 + 1 + 0) / 4)
    assert rows["mc"].n == 2 and rows["mc"].delta.value == pytest.approx(0.1)  # m3 unscored in B: dropped, not 0
    e = seeded_effect(np.array([[0.0, 1.0, 0.0, 0.5]]), np.array([[1.0, 1.0, 1.0, 0.5]]), fixed=(True, True))
    assert rows["gen"].p == pytest.approx(e.p) and rows["gen"].delta.low == pytest.approx(e.interval.low)


def test_only_independent_in_range_rows_enter_the_headline_and_the_correction(runs):
    comp = compare_runs(*runs, fixed_a=True, fixed_b=True)
    rows = {r.benchmark: r for r in comp.rows}
    assert [r.benchmark for r in comp.headline_rows] == ["gen"]
    assert rows["rule"].set_apart == "grader shares checks with a training reward" and rows["rule"].q is None
    assert rows["mc"].set_apart == "reference model at chance"
    assert rows["cap"].set_apart == "capability check"
    assert rows["gen"].q == pytest.approx(bh([rows["gen"].p])[0])
    assert "1 headline benchmarks" in comp.headline()


def test_positions_can_come_from_another_model(runs):
    comp = compare_runs(*runs, positions={"gen": "ceiling", "mc": "in_range", "cap": "in_range", "rule": "in_range"})
    assert [r.benchmark for r in comp.headline_rows] == ["mc"]


def test_mismatches_are_stated(runs):
    notes = " | ".join(compare_runs(*runs).notes)
    assert "different suites" in notes
    assert "left out): only_a" in notes


def test_refusal_rates_and_neither_refused(runs):
    row = {r.benchmark: r for r in compare_runs(*runs).rows}["gen"]
    assert (row.refusal_a, row.refusal_b) == (0.25, 0.5)
    # neither refused: g3 (0 -> 1) and g4 (0.5 -> 0.5)
    assert row.n_neither_refused == 2 and row.delta_neither_refused.value == pytest.approx(0.5)


def test_several_seeds_per_side(tmp_path):
    def run(name, scores):
        return write_run(tmp_path / name, "s", {"gen": (GEN, [(f"i{k}", s, False) for k, s in enumerate(scores)])})

    a = [run(f"a{k}", [0.0] * 6) for k in range(3)]
    b = [run("b0", [1.0] * 6), run("b1", [0.0] * 6), run("b2", [0.0] * 6)]
    row = compare_runs(a, b).rows[0]
    assert (row.seeds_a, row.seeds_b) == (3, 3)
    assert row.delta.value == pytest.approx(1 / 3)
    assert row.delta.low < 0 and row.p > 0.05  # one lucky seed is not an effect
    assert row.mde > 1 / 3
    two = compare_runs(a[:2], b[:2])
    assert two.rows[0].p is None and two.rows[0].q is None and "descriptive only" in two.headline()


def test_json_round_trip(runs):
    data = json.loads(json.dumps(compare_runs(*runs).to_json()))
    assert {r["benchmark"] for r in data["rows"] if r["headline"]} == {"gen"}


def test_missing_run_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="summary.json"):
        compare_runs(tmp_path, tmp_path)
