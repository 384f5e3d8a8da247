"""A rich progress bar for training steps that shows the latest reward, loss and speed."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class StepProgress:
    def __init__(self, total: int, label: str, *, enabled: bool = True, done: int = 0):
        self.enabled = enabled
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            disable=not enabled,
        )
        self.task = self.progress.add_task(label, total=total, completed=done, info="")

    def __enter__(self) -> "StepProgress":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def advance(self, row: dict) -> None:
        parts = []
        if "reward" in row:
            parts.append(f"reward {row['reward']:.3f}")
        if "loss" in row:
            parts.append(f"loss {row['loss']:+.4f}")
        if "seconds" in row:
            parts.append(f"{row['seconds']:.1f}s/step")
        self.progress.update(self.task, advance=1, info="  ".join(parts))
