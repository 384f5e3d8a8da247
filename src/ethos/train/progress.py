"""Training-step progress that shows the latest reward, loss and speed (a bar on a terminal, lines in a log)."""

from __future__ import annotations

from ethos.progress import Bar


class StepProgress(Bar):
    def __init__(self, total: int, label: str, *, enabled: bool = True, done: int = 0):
        super().__init__(total, label, enabled=enabled, done=done)

    def advance(self, row: dict) -> None:  # type: ignore[override]
        parts = []
        if "reward" in row:
            parts.append(f"reward {row['reward']:.3f}")
        if "loss" in row:
            parts.append(f"loss {row['loss']:+.4f}")
        if "seconds" in row:
            parts.append(f"{row['seconds']:.1f}s/step")
        super().advance(1, info="  ".join(parts))
