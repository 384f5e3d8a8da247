"""Per-step training metrics: a JSONL log that survives interruption, sent to the trackers of ``train.report_to``.

``metrics.jsonl`` holds one flushed line per finished step. On resume, lines for steps after the
checkpoint are dropped (those steps will be re-run), so the log always describes the weights.
TensorBoard is used only when it is installed; it is a view, the JSONL is the record.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from statistics import fmean
from typing import Sequence

from ethos.files import append_jsonl, read_jsonl_tolerant, write_jsonl

log = logging.getLogger(__name__)


def reward_breakdown(
    rewards: Sequence[float | None], sources: Sequence[str], traits: Sequence[str | None]
) -> dict[str, float | int]:
    """Mean reward overall, by source and by trait (unscored excluded) and the unscored count."""
    out: dict[str, float | int] = {"unscored": sum(r is None for r in rewards)}
    groups: dict[str, list[float]] = defaultdict(list)
    for r, s, t in zip(rewards, sources, traits):
        if r is None:
            continue
        groups["reward"].append(r)
        groups[f"reward/{s}"].append(r)
        if s == "trait" and t:
            groups[f"reward/trait/{t}"].append(r)
    for key, vals in groups.items():
        out[key] = fmean(vals)
    return out


HIST_BINS = 5  # reward histogram: equal bins over [0, 1], 1.0 in the last


def reward_histogram(rewards: Sequence[float | None], sources: Sequence[str]) -> dict[str, list[int]]:
    """Per source, how many rewards fell in each of ``HIST_BINS`` equal bins of [0, 1] (unscored left out)."""
    out: dict[str, list[int]] = {}
    for r, s in zip(rewards, sources):
        if r is not None:
            out.setdefault(f"reward_hist/{s}", [0] * HIST_BINS)[min(int(r * HIST_BINS), HIST_BINS - 1)] += 1
    return out


def line_key(example, index: int) -> str:
    """A rubric line's identity across scenarios: its skeleton (or task kind) and position."""
    owner = example.meta.get("skeleton") or example.meta.get("task") or example.kind
    return f"{owner}#{index}"


def line_breakdown(examples: Sequence, sources: Sequence[str], grades: Sequence) -> dict[str, object]:
    """What the graders decided line by line: the pass rate of each check kind per source (``line_pass/<source>/
    <kind>``, undecided lines as kind ``none`` with their share), and for each rubric line ``[passed, decided]``
    summed over the step (``lines``), the raw material of per-line learning curves."""
    kinds: dict[str, list[float]] = defaultdict(list)
    undecided: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lines: dict[str, list[float]] = {}
    for ex, src, grade in zip(examples, sources, grades):
        if grade is None:
            continue
        for i, (rubric_line, result) in enumerate(zip(ex.rubric, grade.per_line)):
            undecided[src][1] += 1
            if result.score is None:
                undecided[src][0] += 1
                continue
            kind = rubric_line.check.kind if rubric_line.check is not None else "none"
            kinds[f"line_pass/{src}/{kind}"].append(result.score)
            tally = lines.setdefault(f"{src}:{line_key(ex, i)}", [0.0, 0])
            tally[0] += result.score
            tally[1] += 1
    out: dict[str, object] = {k: fmean(v) for k, v in sorted(kinds.items())}
    out |= {f"undecided_lines/{s}": u / n for s, (u, n) in undecided.items() if n}
    out["lines"] = lines
    return out


class MetricsLog:
    """Every step's metrics: appended to ``metrics.jsonl`` and sent to each tracker (:mod:`ethos.train.trackers`)."""

    def __init__(self, path: Path, *, trackers: list | None = None):
        self.path = path
        self.trackers = list(trackers or [])

    def truncate(self, keep_steps_below: int) -> None:
        """Drop records of steps that will be re-run after resuming."""
        rows = [r for r in read_jsonl_tolerant(self.path) if r.get("step", 0) < keep_steps_below]
        write_jsonl(self.path, rows)

    def write(self, row: dict) -> None:
        from ethos.train.trackers import scalars

        append_jsonl(self.path, row)
        values = scalars(row)
        for tracker in self.trackers:
            tracker.log(int(row["step"]), values)

    def rows(self) -> list[dict]:
        return read_jsonl_tolerant(self.path)

    def close(self) -> None:
        for tracker in self.trackers:
            tracker.close()
