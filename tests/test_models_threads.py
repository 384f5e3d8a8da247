"""The thread governor: as many threads as the other processes leave cores free, and back when they stop."""

from __future__ import annotations

import pytest
import torch

from ethos.models import threads
from ethos.models.threads import ThreadGovernor, free_threads


@pytest.mark.parametrize(
    ("threads_", "others", "want"),
    [(2, 0.0, 2), (2, 0.2, 2), (2, 0.5, 1), (2, 1.0, 1), (2, 3.0, 1), (8, 0.1, 8), (8, 3.0, 5), (1, 0.9, 1)],
)
def test_free_threads(threads_, others, want):
    assert free_threads(threads_, others) == want


def test_drops_to_the_free_cores_and_restores_on_exit(monkeypatch):
    clock, busy, own = [0.0], [0.0], [0.0]
    monkeypatch.setattr(threads.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(threads, "_busy_seconds", lambda: busy[0])
    monkeypatch.setattr(threads, "_own_seconds", lambda: own[0])
    monkeypatch.setattr(torch, "get_num_threads", lambda: 2)
    seen = []
    monkeypatch.setattr(torch, "set_num_threads", seen.append)
    with ThreadGovernor(interval=0.25, enabled=True) as gov:
        clock[0], busy[0], own[0] = 1.0, 1.9, 1.0  # we used 1 core-second, the machine 1.9: others 0.9
        gov.tick()
        assert gov.current == 1
        clock[0], busy[0], own[0] = 1.1, 2.5, 1.05  # too soon to sample again
        gov.tick()
        assert gov.current == 1
        clock[0], busy[0], own[0] = 2.0, 2.95, 2.0  # the other process stopped: others 0.05
        gov.tick()
        assert gov.current == 2
        clock[0], busy[0], own[0] = 3.0, 4.9, 2.2  # busy again
        gov.tick()
    assert seen == [1, 2, 1, 2] and gov.changes == 3  # the last set restores the starting count
