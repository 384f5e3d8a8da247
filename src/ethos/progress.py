"""Progress of long work, on a terminal and in a log.

On a terminal, a rich bar. When the output is a file or a pipe (``ethos run > log``, a scheduler,
CI), a bar would print nothing until it ends, so the same object writes a plain line instead: when
the label changes (a new benchmark, a new stage) and at every tenth of the total, with the count,
the elapsed time and a remaining-time estimate.
"""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}"


class Bar:
    """``with Bar(total, label) as bar: bar.advance(n, label=..., info=...)``."""

    def __init__(
        self,
        total: int,
        label: str = "",
        *,
        enabled: bool = True,
        done: int = 0,
        transient: bool = False,
        console: Console | None = None,
    ):
        self.total, self.label, self.info, self.done = total, label, "", done
        self.enabled = enabled and total > 0
        self.console = console or Console(stderr=True)
        self.live = self.enabled and self.console.is_terminal
        self._start = self._next = 0.0
        if self.live:
            self.progress = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                transient=transient, console=self.console,
            )  # fmt: skip
            self.task = self.progress.add_task(label, total=total, completed=done, info="")

    def __enter__(self) -> Bar:
        self._start = time.monotonic()
        self._base = self.done
        self._next = self.done + max(1, self.total // 10)
        if self.live:
            self.progress.__enter__()
        elif self.enabled:
            self._line()
        return self

    def __exit__(self, *exc) -> bool:
        if self.live:
            self.progress.__exit__(*exc)
        elif self.enabled and exc[0] is None and self.done < self.total:
            self._line()
        return False

    def advance(self, n: int = 1, *, label: str | None = None, info: str | None = None) -> None:
        relabel = label is not None and label != self.label
        self.done += n
        self.label = self.label if label is None else label
        self.info = self.info if info is None else info
        if self.live:
            self.progress.update(self.task, advance=n, description=self.label, info=self.info)
        elif self.enabled and (relabel or self.done >= self._next or self.done >= self.total):
            self._next = self.done + max(1, self.total // 10)
            self._line()

    def _line(self) -> None:
        elapsed = time.monotonic() - self._start
        rate = (self.done - self._base) / elapsed if elapsed > 0 else 0.0
        left = f", ~{_clock((self.total - self.done) / rate)} left" if rate > 0 and self.done < self.total else ""
        info = f"  {self.info}" if self.info else ""
        print(
            f"{self.label}: {self.done}/{self.total} ({_clock(elapsed)} elapsed{left}){info}",
            file=sys.stderr,
            flush=True,
        )
