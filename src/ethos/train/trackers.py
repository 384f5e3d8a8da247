"""Experiment trackers (``train.report_to``, TRL's convention): every step's metrics where users watch runs.

``metrics.jsonl`` is always written; each named tracker also receives every numeric metric of every
step (rewards per source and per trait, zero-variance groups, per-rubric-line pass rates, adapter norm,
KL, entropy, lengths, seconds, the judge's retries and unscored replies, and the evaluation during
training), under the same names:

- ``tensorboard`` — event files in ``<run>/tensorboard/`` (``tensorboard --logdir``), offline;
- ``trackio`` — a local trackio project ``ethos`` (``trackio show``), offline;
- ``wandb`` — a W&B run in project ``ethos`` (``WANDB_MODE=offline`` keeps it local).

Each is an optional extra (``pip install 'ethos[tensorboard]'``, ``[trackio]``, ``[wandb]``); a recipe
that names one that is not installed is refused before anything loads, with the command that installs it.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any, Mapping

TRACKERS = {"tensorboard": "tensorboard", "trackio": "trackio", "wandb": "wandb"}  # name -> module to import


def missing(names: list[str]) -> list[str]:
    """The named trackers whose package is not installed."""
    return [n for n in names if n in TRACKERS and importlib.util.find_spec(TRACKERS[n]) is None]


def install_hint(name: str) -> str:
    return f"pip install 'ethos[{name}]'"


def scalars(row: Mapping[str, Any]) -> dict[str, float]:
    """The numeric metrics of a step (booleans and non-finite values left out), nested ones as ``a/b``."""
    out: dict[str, float] = {}
    for key, value in row.items():
        if key == "step":
            continue
        if isinstance(value, Mapping):
            for k, v in scalars(value).items():
                out[f"{key}/{k}"] = v
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            out[key] = float(value)
    return out


class TensorBoard:
    def __init__(self, out_dir: Path, run: str, config: dict):
        from torch.utils.tensorboard import SummaryWriter

        self.writer = SummaryWriter(str(out_dir / "tensorboard"))
        self.writer.add_text("ethos/run", run)

    def log(self, step: int, values: dict[str, float]) -> None:
        for key, value in values.items():
            self.writer.add_scalar(key, value, step)
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()


class Trackio:
    def __init__(self, out_dir: Path, run: str, config: dict):
        import trackio

        self.trackio = trackio
        trackio.init(project="ethos", name=run, config=config, resume="allow")

    def log(self, step: int, values: dict[str, float]) -> None:
        self.trackio.log(values, step=step)

    def close(self) -> None:
        self.trackio.finish()


class WandB:
    def __init__(self, out_dir: Path, run: str, config: dict):
        import wandb

        self.run = wandb.init(project="ethos", name=run, config=config, dir=str(out_dir), resume="allow")

    def log(self, step: int, values: dict[str, float]) -> None:
        self.run.log(values, step=step)

    def close(self) -> None:
        self.run.finish()


KINDS = {"tensorboard": TensorBoard, "trackio": Trackio, "wandb": WandB}


def open_trackers(names: list[str], out_dir: Path, run: str, config: dict) -> list:
    return [KINDS[n](Path(out_dir), run, config) for n in dict.fromkeys(names) if n in KINDS]
