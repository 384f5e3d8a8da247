"""How each kind of arm trains: one module per kind, registered in ``KINDS``.

An arm (:class:`ethos.train.arms.Arm`) names its kind; the kind turns one (arm, seed) into the stages
that train it, says which stage's output is the trained model and where its per-step metrics are,
and may add its own panel to the results. The study, the design table and assembly call nothing
else, so a new way of training an arm is one module here plus one registered ``Arm``.

Stages receive a :class:`TrainInputs` — the run directory and the settings they use — never the
study; it is picklable, so a stage can run in a worker process from what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ethos.experiments.rundir import stage_info
from ethos.experiments.stages import Stage
from ethos.experiments.study_config import ModelRun
from ethos.registry import Registry
from ethos.train.arms import Arm
from ethos.train.constitution import ConstitutionConfig
from ethos.train.deliberative import DeliberativeConfig
from ethos.train.rl_config import RLConfig

TRAIT_FILE = "scenarios_train.jsonl"
STANDARD_FILE = "standard_train.jsonl"


@dataclass(frozen=True)
class TrainInputs:
    """What an arm's stages need: where the run lives and the settings of the recipe's training sections."""

    run_dir: Path
    train: RLConfig
    deliberative: DeliberativeConfig | None = None
    backend: str = "native"
    constitution: ConstitutionConfig | None = None

    @property
    def data_dir(self) -> Path:
        return self.run_dir / "data"

    @property
    def build_dir(self) -> Path:
        return self.data_dir / "build"

    def arm_dir(self, run: ModelRun) -> Path:
        return self.run_dir / "arms" / run.name


@dataclass(frozen=True)
class ModelRef:
    """A model of the study by the stage that produces it (so a stage planned before it exists can load it)."""

    name: str
    run_dir: Path
    stage: str
    key: str = "final"
    reasoning_tokens: int = 0  # added to every generation benchmark's budget when it is evaluated (it reasons first)

    def path(self) -> Path:
        info = stage_info(self.run_dir, self.stage).get("info", {})
        if self.key not in info:
            from ethos.errors import UserError

            raise UserError(f"stage {self.stage} of {self.run_dir} has not finished; re-run the study to finish it.")
        return Path(info[self.key])


class ArmKind:
    """One way of training an arm. Subclasses set ``name`` and implement :meth:`stages`."""

    name = ""
    sections: tuple[str, ...] = ()  # recipe sections this kind reads (they join the run's config hash)
    counts_skeletons = True  # its curves count the trait skeletons seen (of the training split's)
    in_jailbreak_grid = False  # its models also face the jailbreak grid (beside the persistence pair)

    def stages(self, arm: Arm, run: ModelRun, inputs: TrainInputs, weight: float) -> list[Stage]:
        """The stages that train ``run`` (``weight``: an RL arm's cost in the stages' units)."""
        raise NotImplementedError

    def final_stage(self, run: ModelRun) -> str:
        """The stage whose ``final`` is the trained model."""
        raise NotImplementedError

    def model(self, run: ModelRun, run_dir: Path) -> ModelRef:
        """Where the trained model of ``run`` will be, readable once its final stage has finished."""
        return ModelRef(run.name, run_dir, self.final_stage(run))

    def other_tokens(self, arm_dir: Path) -> dict[str, float]:
        """Tokens its stages besides RL processed, by stage (shown beside the RL tokens the arms are matched on)."""
        return {}

    def matched_tokens(self, arm_dir: Path) -> float:
        """Tokens of its stages besides RL that count toward the compute match (0: it is matched on RL alone)."""
        return 0.0

    def reasoning_tokens(self, inputs: TrainInputs) -> int:
        """Tokens its models may spend reasoning before an answer, added to evaluation budgets (0: none)."""
        return 0

    def metrics_dir(self, arm_dir: Path) -> Path:
        """Where its per-step training metrics (``metrics.jsonl``, ``run.json``) are."""
        return arm_dir

    def report(self, study, res) -> None:
        """Add this kind's own panel to the results (``study``: the assembling study)."""


KINDS: Registry[ArmKind] = Registry("arm kind")


def kind_of(arm: Arm) -> ArmKind:
    return KINDS.get(arm.kind)


from ethos.experiments.kinds import constitution, deliberative, none, rl  # noqa: E402,F401  (each registers its kind)
