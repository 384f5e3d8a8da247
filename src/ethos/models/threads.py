"""Fewer compute threads while other processes keep cores busy.

A decode step is a few milliseconds of work split across every core by OpenMP, and each parallel
region ends at a barrier. When another process runs on one of the cores, the thread placed there
waits for its time slice, and every region waits for it: measured on 2 cores, generation fell from
115 to 8 tok/s beside one niced busy process, far worse than the half a core it lost. Running on
the cores that are actually free avoids the barrier stall, so ``ThreadGovernor`` samples the
machine's busy time (``/proc/stat``) against this process's own CPU time a few times a second and
sets ``torch``'s thread count to the cores the others leave free (never below one, never above the
count it started with). On a quiet machine it changes nothing; where ``/proc/stat`` does not exist
(macOS, Windows) it does nothing.

It is off unless ``ETHOS_ADAPTIVE_THREADS=1``: matrix products may round differently with another
thread count, so with it the same seed can sample different tokens on a busy machine than on a
quiet one, and ``bench/contention.py`` measured no gain from it beside one niced busy process (the
fixed two threads kept 0.61 of the quiet speed, the governor 0.58, AVX2 path, 2026-11-30). It is
for machines shared with other multi-threaded jobs, where a fixed count stalls at every barrier.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import torch

STAT = Path("/proc/stat")
SLACK = 0.25  # cores of background activity (kernel threads, a shell) that do not count as a busy core


def free_threads(threads: int, others: float) -> int:
    """Threads to run when other processes use ``others`` cores and we may use up to ``threads``."""
    return max(1, min(threads, threads - math.ceil(others - SLACK)))


def _busy_seconds() -> float | None:
    try:
        fields = STAT.read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    guest = sum(ticks[8:10]) if len(ticks) > 9 else 0  # already counted in user / nice
    return (sum(ticks) - idle - guest) / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system


class ThreadGovernor:
    """``with ThreadGovernor() as gov: ... gov.tick() ...`` around a loop of short parallel steps."""

    def __init__(self, interval: float = 0.25, *, enabled: bool | None = None):
        self.interval = interval
        if enabled is None:
            enabled = STAT.exists() and os.environ.get("ETHOS_ADAPTIVE_THREADS", "0") == "1"
        self.enabled = enabled
        self.threads = self.current = torch.get_num_threads()
        self.changes = 0

    def __enter__(self) -> ThreadGovernor:
        self._mark()
        return self

    def __exit__(self, *exc) -> bool:
        if self.current != self.threads:
            torch.set_num_threads(self.threads)
            self.current = self.threads
        return False

    def _mark(self) -> None:
        self._wall, self._busy, self._own = time.monotonic(), _busy_seconds(), _own_seconds()

    def tick(self) -> None:
        if not self.enabled or self.threads < 2:
            return
        wall = time.monotonic()
        if wall - self._wall < self.interval:
            return
        busy, own = _busy_seconds(), _own_seconds()
        if busy is None or self._busy is None:
            self.enabled = False
            return
        others = max(0.0, (busy - self._busy) - (own - self._own)) / (wall - self._wall)
        self._wall, self._busy, self._own = wall, busy, own
        want = free_threads(self.threads, others)
        if want != self.current:
            torch.set_num_threads(want)
            self.current = want
            self.changes += 1
