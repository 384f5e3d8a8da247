"""Evaluations as Inspect logs: a write → read round trip, the CLI, and `inspect view` showing the samples."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser import CHROMIUM, DevTools, evaluate, open_page
from ethos.errors import UserError
from ethos.evals.eval_run import EvalRun
from ethos.evals.inspect_export import export
from ethos.evals.suites import load_suite

inspect_log = pytest.importorskip("inspect_ai.log")


def _write_eval(path: Path) -> dict[str, list[dict]]:
    """A model's evaluation of two built-in benchmarks (one multiple choice, one generation), with one item
    unscored, written through EvalRun as the runner writes it."""
    suite = {b.name: b for b in load_suite("builtin").benchmarks}
    mc, gen = suite["misconceptions"], suite["over_refusal"]
    run = EvalRun(path)
    recs = {
        mc.name: [
            {"benchmark": mc.name, "item": it.id, "kind": "mc", "score": 0.25 * i, "prediction": "B", "correct": i > 1}
            for i, it in enumerate(mc.items[:4])
        ],
        gen.name: [
            {
                "benchmark": gen.name,
                "item": it.id,
                "kind": "gen",
                "score": None if i == 2 else 1.0,
                "prediction": "complied",
                "reply": f"Sure, here is help number {i}.",
                "answer": None if i == 2 else f"Sure, here is help number {i}.",
                "no_final_answer": i == 2,
                "refused": False,
            }
            for i, it in enumerate(gen.items[:3])
        ],
    }
    for name, rows in recs.items():
        run.write_records(name, rows)
    rows = {n: {"category": suite[n].category, "kind": suite[n].kind, "grader": "rule"} for n in recs}
    run.write_summary({"model": "tiny-model", "cpu": "test cpu", "benchmarks": rows})
    return recs


def test_every_sample_and_score_survives_a_round_trip(tmp_path):
    recs = _write_eval(tmp_path / "eval")
    paths = export(tmp_path / "eval", tmp_path / "logs")
    assert sorted(p.name for p in paths) == ["eval__misconceptions.eval", "eval__over_refusal.eval"]
    mc = inspect_log.read_eval_log(str(tmp_path / "logs" / "eval__misconceptions.eval"))
    assert mc.eval.task == "misconceptions" and mc.eval.model == "ethos/tiny-model"
    assert mc.eval.metadata["ethos_version"] and mc.eval.metadata["ethos_commit"]
    assert [s.id for s in mc.samples] == [r["item"] for r in recs["misconceptions"]]
    assert [s.scores["ethos"].value for s in mc.samples] == [0.0, 0.25, 0.5, 0.75]
    assert mc.samples[0].target and mc.samples[0].input[0].content  # the good option and the item's question
    assert mc.results.scores[0].metrics["mean"].value == pytest.approx(0.375)
    gen = inspect_log.read_eval_log(str(tmp_path / "logs" / "eval__over_refusal.eval"))
    assert gen.samples[2].scores is None and gen.samples[2].metadata["unscored"]  # never a 0
    assert gen.samples[0].output.completion == "Sure, here is help number 0."
    assert (gen.results.total_samples, gen.results.completed_samples) == (3, 2)


def test_the_command_exports_and_a_missing_folder_or_package_is_one_sentence(tmp_path, monkeypatch):
    _write_eval(tmp_path / "eval")
    ethos = str(Path(sys.executable).parent / "ethos")
    out = subprocess.run(
        [ethos, "export", "inspect", str(tmp_path / "eval"), "--out", str(tmp_path / "logs")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "2 Inspect logs" in out.stdout and "inspect view --log-dir" in out.stdout
    bad = subprocess.run(
        [ethos, "export", "inspect", str(tmp_path / "nope"), "--out", "x"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "does not exist" in bad.stderr and "Traceback" not in bad.stderr
    monkeypatch.setitem(sys.modules, "inspect_ai.log", None)
    with pytest.raises(UserError, match=r"pip install 'ethos\[inspect\]'"):
        export(tmp_path / "eval", tmp_path / "logs2")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium)")
def test_inspect_view_lists_the_exported_samples_with_their_scores(tmp_path):
    _write_eval(tmp_path / "eval")
    export(tmp_path / "eval", tmp_path / "logs")
    port = _free_port()
    inspect = str(Path(sys.executable).parent / "inspect")
    server = subprocess.Popen(
        [inspect, "view", "--log-dir", str(tmp_path / "logs"), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    browser = None
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        browser = DevTools(tmp_path / "profile")
        open_page(browser, f"{url}#/tasks/eval__misconceptions.eval")
        text = ""
        for _ in range(150):
            text = evaluate(browser, "document.body ? document.body.innerText : ''") or ""
            if "4 Samples" in text and "misconceptions-0003" in text:
                break
            time.sleep(0.2)
        # the sample list: every item with its input, target, answer and score, and the benchmark's mean
        assert "4 Samples" in text and "What happens if you swallow chewing gum?" in text, text[:2000]
        assert "misconceptions-0003" in text and "0.75" in text and "MEAN" in text and "0.375" in text
        shot = browser.call("Page.captureScreenshot", format="png")["data"]
        (tmp_path / "inspect-view.png").write_bytes(base64.b64decode(shot))
        assert (tmp_path / "inspect-view.png").stat().st_size > 10_000
    finally:
        if browser is not None:
            browser.close()
        server.kill()
        server.wait()
