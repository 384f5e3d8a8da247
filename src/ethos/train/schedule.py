"""Learning-rate schedules shared by GRPO and SFT: linear warmup, then cosine decay to 0 or constant."""

from __future__ import annotations

import math
from typing import Callable


def lr_lambda(schedule: str, total: int, warmup: int = 0) -> Callable[[int], float]:
    """Multiplier of the base LR at optimizer step ``i`` (for ``torch.optim.lr_scheduler.LambdaLR``)."""

    def factor(i: int) -> float:
        if warmup and i < warmup:
            return (i + 1) / warmup
        if schedule == "constant":
            return 1.0
        progress = (i - warmup) / max(total - warmup, 1)
        return 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))

    return factor
