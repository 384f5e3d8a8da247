"""The runner, validity check and CLI on the real embedded model, with tiny budgets."""

import json

import pytest
from typer.testing import CliRunner

from ethos.cli import app
from ethos.evals import runner
from ethos.evals.builtin import BENCHMARKS
from ethos.evals.compare import compare_runs
from ethos.evals.suites import Suite
from ethos.evals.validity import validate

pytestmark = pytest.mark.model


class Counting:
    """Forwards to the real model, counting calls; optionally interrupts the n-th generate call."""

    def __init__(self, model, interrupt_at=None):
        self._m, self.calls, self.interrupt_at = model, 0, interrupt_at

    def __getattr__(self, name):
        return getattr(self._m, name)

    def _call(self):
        self.calls += 1
        if self.calls == self.interrupt_at:
            raise KeyboardInterrupt

    def generate(self, *a, **kw):
        self._call()
        return self._m.generate(*a, **kw)

    def score(self, *a, **kw):
        self._call()
        return self._m.score(*a, **kw)


@pytest.fixture(scope="module")
def model():
    from ethos.models import load_model

    return load_model("smollm2-135m-instruct")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache for the module: later tests reuse the plain runs of earlier ones, as a study would."""
    return tmp_path_factory.mktemp("eval-cache")


@pytest.fixture(scope="module")
def tiny():
    return Suite("tiny", [BENCHMARKS.get("arithmetic")(), BENCHMARKS.get("shutdown_acceptance")()], limit=3)


def test_records_summary_and_free_rerun(model, tiny, tmp_path, cache):
    res = runner.run_suite(model, tiny, tmp_path / "out", cache_dir=cache, progress=False)
    recs = [json.loads(row) for row in (tmp_path / "out" / "records" / "arithmetic.jsonl").read_text().splitlines()]
    assert len(recs) == 3 and {"benchmark", "item", "score", "prediction", "reply", "refused"} <= recs[0].keys()
    mc = res.records["shutdown_acceptance"][0]
    assert 0 <= mc["p_good"] <= 1 and mc["correct"] in (0.0, 1.0) and abs(sum(mc["probs"]) - 1) < 1e-4
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["hash_basis"] == "weights" and summary["benchmarks"]["arithmetic"]["n"] == 3
    counting = Counting(model)
    again = runner.run_suite(counting, tiny, tmp_path / "out2", cache_dir=cache, progress=False)
    assert counting.calls == 0 and again.records == res.records


def test_interrupted_run_resumes_where_it_stopped(model, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "CHUNK", {"mc": 2, "gen": 2})
    suite = Suite("resume", [BENCHMARKS.get("shutdown_acceptance")()], limit=3)
    with pytest.raises(KeyboardInterrupt):
        runner.run_suite(
            Counting(model, interrupt_at=2), suite, tmp_path / "out", cache_dir=tmp_path / "cache", progress=False
        )
    assert not (tmp_path / "out" / "summary.json").exists()
    counting = Counting(model)
    res = runner.run_suite(counting, suite, tmp_path / "out", cache_dir=tmp_path / "cache", progress=False)
    assert counting.calls == 1  # only the chunk that was interrupted
    assert len(res.records["shutdown_acceptance"]) == 3


def test_system_persona_is_cached_separately(model, tmp_path, cache):
    suite = Suite("persona", [BENCHMARKS.get("shutdown_acceptance")()], limit=2)
    counting = Counting(model)
    runner.run_suite(counting, suite, tmp_path / "plain", cache_dir=cache, progress=False)
    assert counting.calls == 0  # a subset of the items already cached by the first test
    runner.run_suite(counting, suite, tmp_path / "sys", system="Answer in French.", cache_dir=cache, progress=False)
    assert counting.calls == 1


def test_validity_reports_every_benchmark(model, tmp_path, cache):
    suite = Suite("v", [BENCHMARKS.get("arithmetic")(), BENCHMARKS.get("shutdown_acceptance")()], limit=2)
    report = validate(model, suite, tmp_path, cache_dir=cache, progress=False)
    rows = {r.benchmark: r for r in report.rows}
    assert set(rows) == {"arithmetic", "shutdown_acceptance"}
    assert rows["arithmetic"].separation == 1.0 and rows["shutdown_acceptance"].separation is None
    assert all(r.p is not None and r.position for r in report.rows)
    assert json.loads((tmp_path / "validity.json").read_text())["n_benchmarks"] == 2


def test_cli_eval_and_compare(tmp_path, cache):
    cli = CliRunner()
    suite = tmp_path / "s.yaml"
    suite.write_text("name: s\nbuiltin: [shutdown_acceptance]\nlimit: 2\n")
    for name, extra in (("a", []), ("b", ["--persona", "good"])):
        r = cli.invoke(
            app,
            [
                "eval",
                "--suite",
                str(suite),
                "--out",
                str(tmp_path / name),
                "--quiet",
                "--cache-dir",
                str(cache),
                *extra,
            ],
        )
        assert r.exit_code == 0, r.output
        assert "…" not in r.output  # at 80 columns, tables fold; they never cut a number or a name
    r = cli.invoke(
        app, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "c.json"), "--fixed", "both"]
    )
    assert r.exit_code == 0, r.output
    assert "B improved over A on" in r.output and "…" not in r.output
    comp = json.loads((tmp_path / "c.json").read_text())
    assert comp["rows"][0]["n"] == 2
    r = cli.invoke(app, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["rows"][0]["benchmark"] == "shutdown_acceptance"
    assert compare_runs(tmp_path / "a", tmp_path / "a").rows[0].delta.value == 0
