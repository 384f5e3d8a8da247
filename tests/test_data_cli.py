"""`ethos data build` and `ethos data show` end to end (no model needed)."""

import subprocess
import sys

from typer.testing import CliRunner

from ethos.cli import app
from ethos.data import load_examples


def test_build_writes_splits_and_prints_counts(tmp_path):
    out = tmp_path / "data"
    result = CliRunner().invoke(
        app, ["data", "build", "--config", "configs/smoke.yaml", "--out", str(out)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "scenarios per domain x trait" in result.output and "held" in result.output
    assert "held-out skeletons" in result.output
    names = {p.name for p in out.iterdir()}
    assert names == {
        "scenarios_train.jsonl",
        "scenarios_eval.jsonl",
        "scenarios_heldout.jsonl",
        "scenarios_heldout_skeletons.jsonl",
        "standard_train.jsonl",
        "standard_eval.jsonl",
        "manifest.json",
    }
    heldout = load_examples(out / "scenarios_heldout.jsonl")
    assert {e.domain for e in heldout} == {"games", "art"}
    assert len(load_examples(out / "standard_train.jsonl")) == 200

    shown = CliRunner().invoke(
        app, ["data", "show", str(out / "scenarios_train.jsonl"), "-n", "2"], env={"COLUMNS": "200"}
    )
    assert shown.exit_code == 0 and "reference" in shown.output and "2 of" in shown.output


def test_bad_config_is_one_sentence_and_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("data:\n  traits: [honesty]\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ethos.cli import main; main()",
            "data",
            "build",
            "--config",
            str(bad),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "bad.yaml:2" in proc.stderr and "valid traits" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_a_table_printed_to_a_pipe_keeps_its_columns(tmp_path):
    import os
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    ethos = str(Path(sys.executable).parent / "ethos")
    cmd = [ethos, "data", "build", "--config", "configs/smoke.yaml", "--out", str(tmp_path / "d")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)  # stdout is a pipe
    header = next(line for line in proc.stdout.splitlines() if "domain" in line and "split" in line)
    assert "…" not in header and "total" in header and "truth" in header, header
    assert "creative_writing" in proc.stdout  # no cell truncated either
