"""An evaluation run on disk has one owner: written and read through EvalRun, panels read as one."""

import pytest

from ethos.errors import UserError
from ethos.evals.compare import load_run
from ethos.evals.eval_run import EvalRun


def _write(path, benchmarks: dict[str, list[float]]):
    run = EvalRun(path)
    for name, scores in benchmarks.items():
        run.write_records(name, [{"benchmark": name, "item": str(i), "score": s} for i, s in enumerate(scores)])
    run.write_summary({"suite": "t", "benchmarks": {n: {"n": len(v)} for n, v in benchmarks.items()}})
    return run


def test_records_and_summary_round_trip(tmp_path):
    run = _write(tmp_path / "a", {"b2": [1.0], "b1": [0.0, 1.0]})
    assert run.exists() and run.summary()["suite"] == "t"
    assert run.benchmarks() == ["b1", "b2"]
    assert [r["benchmark"] for r in run.records()] == ["b1", "b1", "b2"]
    assert [r["score"] for r in run.records(["b2"])] == [1.0]
    assert run.by_item("b1")["1"]["score"] == 1.0 and run.by_item("nope") == {}
    summary, records = load_run(tmp_path / "a")
    assert set(records) == {"b1", "b2"} and records["b1"]["0"]["score"] == 0.0


def test_two_panels_read_as_one_and_the_first_wins(tmp_path):
    _write(tmp_path / "headline", {"shared": [1.0], "head": [1.0]})
    _write(tmp_path / "secondary", {"shared": [0.0], "second": [0.5]})
    both = EvalRun(tmp_path / "headline", tmp_path / "secondary")
    assert both.benchmarks() == ["head", "second", "shared"]
    assert [r["score"] for r in both.records(["shared", "second"])] == [0.5, 1.0]


def test_a_folder_without_a_summary_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="has no summary.json; point at the --out folder"):
        EvalRun(tmp_path).summary()
