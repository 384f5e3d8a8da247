"""Training diagnostics: line-by-line pass rates, reward histograms, and the curves read back from them."""

import json

from ethos.data.procedural import cell_scenarios
from ethos.experiments.study_config import ModelRun
from ethos.experiments.training import LINE_BINS, training_curve
from ethos.grade.rule import RuleGrader
from ethos.train.metrics import HIST_BINS, line_breakdown, line_key, reward_histogram


def test_histogram_bins_every_scored_reward_per_source():
    hist = reward_histogram([0.0, 0.5, 1.0, None, 0.99], ["trait", "trait", "trait", "trait", "standard"])
    assert hist["reward_hist/trait"] == [1, 0, 1, 0, 1] and sum(hist["reward_hist/standard"]) == 1
    assert len(hist["reward_hist/trait"]) == HIST_BINS


def test_line_breakdown_tallies_each_line_and_each_check_kind():
    examples = cell_scenarios("truthfulness", "health", 3, seed=0)
    grader = RuleGrader()
    replies = [e.meta["reference"] for e in examples]  # the hand-written good replies
    grades = grader.grade_many(examples, replies)
    out = line_breakdown(examples, ["trait"] * 3, grades)
    decided = [(e, i) for e, g in zip(examples, grades) for i, r in enumerate(g.per_line) if r.score is not None]
    assert sum(n for _, n in out["lines"].values()) == len(decided)
    key = f"trait:{line_key(*decided[0])}"
    assert key in out["lines"] and out["lines"][key][1] >= 1
    kinds = {k for k in out if k.startswith("line_pass/trait/")}
    assert kinds == {f"line_pass/trait/{e.rubric[i].check.kind}" for e, i in decided}
    # a reply that passes nothing lowers every kind's pass rate
    bad = line_breakdown(examples, ["trait"] * 3, grader.grade_many(examples, ["ok"] * 3))
    assert sum(bad[k] for k in kinds) < sum(out[k] for k in kinds)


def test_training_curve_reads_per_line_thirds_and_histogram_halves(tmp_path):
    rows = []
    for step in range(6):
        passed = 1.0 if step >= 3 else 0.0
        rows.append(
            {
                "step": step,
                "reward/trait": passed,
                "line_pass/trait/refuses": passed,
                "lines": {"trait:sk#0": [passed * 2, 2], "standard:ifeval#0": [1.0, 1]},
                "reward_hist/trait": [2, 0, 0, 0, 0] if step < 3 else [0, 0, 0, 0, 2],
                "entropy": 1.0,
            }
        )
    (tmp_path / "metrics.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    curve = training_curve(ModelRun("treatment", 0), tmp_path, kinds={"sk#0": "refuses"})
    assert curve.kind_pass["refuses"] == [0, 0, 0, 1, 1, 1]
    assert curve.line_pass == {"sk#0 (refuses)": [0.0, 0.5, 1.0]} and LINE_BINS == 3
    assert curve.reward_hist["trait"] == [[6, 0, 0, 0, 0], [0, 0, 0, 0, 6]]
