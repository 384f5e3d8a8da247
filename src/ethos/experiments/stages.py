"""Run a list of stages with resume, per-stage timing and an ETA.

Each stage is a named function whose outputs live under the run directory. The runner skips a stage
whose marker exists, runs the others in order, and writes the marker (with seconds and peak memory)
only after the stage returned, so an interrupted stage is simply re-run. Stages show their own rich
progress bars (training steps, eval items); between them the runner prints one line with the
overall position and an ETA estimated from each stage's weight (rough cost units) and the seconds
the finished stages actually took.
"""

from __future__ import annotations

import ctypes
import gc
import resource
import time
from dataclasses import dataclass
from typing import Callable

from rich.console import Console

from ethos.experiments.rundir import RunDir


@dataclass
class Stage:
    name: str
    weight: float  # estimated cost in rough units (one 64-token completion = 1)
    run: Callable[[], dict | None]


MIN_RATE_SECONDS = 5.0  # seconds of measured work before the ETA is trusted


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def release_memory() -> None:
    """Free what a finished stage left behind before the next one starts.

    Models, optimizers and peft wrappers hold reference cycles, so they wait for the cyclic
    collector; and glibc keeps freed heap pages unless asked to return them. Without both, each
    training arm of a study starts on top of the previous one's memory and the peak ratchets up.
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def freeze_survivors() -> None:
    """Exempt what is alive now from every later garbage collection (``gc.freeze``).

    torch, transformers and peft leave about 400,000 tracked objects behind once imported, and a full
    collection walks all of them: 0.2 s each time, and a study collects before every model load and
    after every stage (measured: 13 s of the smoke study's 2 min 50 s). What is alive when a stage
    starts is modules, classes and the study's own state, which live to the end anyway; freezing it
    leaves the collector only what the stage itself creates, which is what it is there to free.
    """
    gc.collect()
    gc.freeze()


def _fmt(seconds: float) -> str:
    seconds = int(seconds)
    return (
        f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"
    )


def run_stages(stages: list[Stage], run: RunDir, console: Console | None = None) -> dict[str, float]:
    """Run the unfinished stages in order; return seconds per stage (including earlier runs)."""
    console = console or Console()
    total = sum(s.weight for s in stages)
    done_weight = 0.0
    spent = 0.0  # seconds of stages run in this process, for the rate
    spent_weight = 0.0
    try:
        for i, stage in enumerate(stages, 1):
            head = f"[bold]{i}/{len(stages)}[/] {stage.name}"
            if run.done(stage.name):
                console.print(f"{head} [green]✓ finished earlier[/]", highlight=False)
                done_weight += stage.weight
                continue
            remaining = total - done_weight
            eta = (
                f"ETA ~{_fmt(spent / spent_weight * remaining)}"
                if spent >= MIN_RATE_SECONDS
                else "ETA after the first long stage"
            )
            console.rule(f"{head} · {done_weight / total:.0%} of the study · {eta}")
            started = time.time()
            freeze_survivors()
            info = stage.run() or {}
            release_memory()
            seconds = time.time() - started
            run.mark_done(
                stage.name, seconds, {"peak_rss_gb": round(peak_rss_gb(), 3)} | info
            )  # a worker stage reports its own (worker + parent)
            console.print(f"{head} [green]done[/] in {_fmt(seconds)}", highlight=False)
            done_weight += stage.weight
            if seconds >= 1.0 and stage.weight > 1:  # set-up stages (weight 1: model, data) say nothing about the rate
                spent += seconds
                spent_weight += stage.weight
    finally:
        gc.unfreeze()  # what was frozen becomes collectable again once the stages are over
    return run.timings()
