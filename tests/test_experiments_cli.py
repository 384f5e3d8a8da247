"""`ethos run` refuses bad recipes with one message listing valid names, before any model loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

SMOKE = Path(__file__).resolve().parents[1] / "configs" / "smoke.yaml"


def _run(tmp_path, edit) -> subprocess.CompletedProcess:
    recipe = yaml.safe_load(SMOKE.read_text())
    edit(recipe)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(recipe))
    return subprocess.run(
        [str(Path(sys.executable).parent / "ethos"), "run", "--config", str(path), "--run-dir", str(tmp_path / "run")],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unknown_names_fail_before_any_stage(tmp_path):
    def edit(r):
        r["arms"] = ["baseline", "treatment", "placebo"]
        r["generalization"] = {"odd": {"domains": ["astrology"]}}
        r["persistence"]["personas"]["names"] = ["pirate"]
        r["persistence"]["personas"]["benchmarks"] = ["no_such_benchmark"]

    out = _run(tmp_path, edit)
    assert out.returncode == 2, out.stderr
    msg = " ".join(out.stderr.split())
    for needle in (
        "'placebo'",
        "valid: baseline, treatment, control",
        "'astrology'",
        "valid: health",
        "'pirate'",
        "harmful_medical",
        "personas.benchmarks names 'no_such_benchmark', not in this run's suites",
    ):
        assert needle in msg, (needle, msg)
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "run").exists()
