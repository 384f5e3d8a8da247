"""The stage runner: outputs first, marker last; a re-run skips finished stages and redoes the rest."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from ethos.experiments.rundir import RunDir
from ethos.experiments.stages import Stage, run_stages


def test_interrupted_study_resumes_after_the_last_finished_stage(tmp_path):
    calls: list[str] = []
    state = {"fail": True}

    def make(name):
        def run():
            calls.append(name)
            if name == "b" and state["fail"]:
                raise KeyboardInterrupt
            return {"out": name}

        return Stage(name, 1.0, run)

    stages = [make(n) for n in "abc"]
    run = RunDir(tmp_path / "run", {"k": 1}, "k: 1\n")
    run.claim()
    quiet = Console(file=open(tmp_path / "log.txt", "w"))
    with pytest.raises(KeyboardInterrupt):
        run_stages(stages, run, quiet)
    assert calls == ["a", "b"] and run.done("a") and not run.done("b")
    state["fail"] = False
    timings = run_stages(stages, run, quiet)
    assert calls == ["a", "b", "b", "c"]
    assert list(timings) == ["a", "b", "c"]
    assert run.stage_info("c")["info"]["out"] == "c" and run.stage_info("c")["info"]["peak_rss_gb"] > 0


def test_each_stage_starts_with_what_is_alive_frozen_and_collects_only_its_own(tmp_path):
    import gc

    seen = []
    gc.unfreeze()
    try:
        run_stages(
            [Stage("a", 1, lambda: seen.append(gc.get_freeze_count())), Stage("b", 1, lambda: None)],
            _claimed(tmp_path),
            Console(file=io.StringIO()),
        )
        assert seen[0] > 1000  # the interpreter's and the libraries' objects, exempt from later collections
        assert gc.get_freeze_count() == 0  # and collectable again once the stages are over
    finally:
        gc.unfreeze()


def _claimed(path):
    run = RunDir(path / "run", {"k": 1}, "k: 1\n")
    run.claim()
    return run
