"""SIGTERM (what `timeout`, schedulers and `docker stop` send) stops `ethos run` cleanly: the stage worker dies with
the parent, no temporary folder is left behind, and the message says how to resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SMOKE = Path(__file__).resolve().parents[1] / "configs" / "smoke.yaml"


def _workers(parent: int) -> list[int]:
    """Stage workers whose parent is ``parent`` (other studies on the machine are not this test's)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes()
                ppid = int(
                    next(x for x in (proc / "status").read_text().splitlines() if x.startswith("PPid:")).split()[1]
                )
            except (OSError, StopIteration, ValueError):
                continue
            if b"ethos.experiments.worker" in cmd and ppid == parent:
                found.append(int(proc.name))
    return found


@pytest.mark.model
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_sigterm_stops_the_worker_and_says_how_to_resume(tmp_path):
    recipe = tmp_path / "isolated.yaml"
    recipe.write_text(SMOKE.read_text().replace("isolate_stages: false", "isolate_stages: true"))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    cmd = [str(Path(sys.executable).parent / "ethos"), "run", "--config", str(recipe), "--run-dir", str(tmp_path / "r")]
    parent = subprocess.Popen(cmd, env=os.environ | {"TMPDIR": str(tmp)}, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not _workers(parent.pid) and time.monotonic() < deadline and parent.poll() is None:
            time.sleep(0.2)
        workers = _workers(parent.pid)
        assert workers, f"no stage worker started (ethos run exited {parent.poll()})"
        time.sleep(1.0)
        parent.send_signal(signal.SIGTERM)
        _, stderr = parent.communicate(timeout=60)
    finally:
        if parent.poll() is None:
            parent.kill()
    assert parent.returncode == 128 + signal.SIGTERM, stderr
    time.sleep(0.5)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()], "a stage worker outlived the parent"
    assert not list(tmp.glob("ethos-stage-*"))
    said = " ".join(stderr.split())
    assert "stopped by SIGTERM" in said and "run the same command again" in said and "Traceback" not in said
