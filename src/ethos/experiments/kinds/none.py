"""The ``none`` kind: the starting model itself (the ``pre`` arm), trained by nothing."""

from __future__ import annotations

from pathlib import Path

from ethos.experiments.kinds import KINDS, ArmKind, ModelRef


class Untrained(ArmKind):
    name = "none"

    def stages(self, arm, run, inputs, weight):
        return []

    def final_stage(self, run):
        return "prepare"  # the prepared local copy of the recipe's model

    def model(self, run, run_dir: Path) -> ModelRef:
        return ModelRef(run.name, run_dir, "prepare", key="path")


KINDS.register(Untrained())
