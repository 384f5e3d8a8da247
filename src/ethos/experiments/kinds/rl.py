"""The ``rl`` kind: GRPO on the standard stream plus the arm's trait dose (baseline, treatment, control and
the generalization arms), one stage per seed, at the token-matched step count when the study measured one."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from ethos.experiments.kinds import KINDS, STANDARD_FILE, TRAIT_FILE, ArmKind, TrainInputs
from ethos.experiments.stages import Stage
from ethos.experiments.study_config import ModelRun
from ethos.train.arms import Arm


def arm_config(arm: Arm, run: ModelRun, inputs: TrainInputs):
    """The train config of one (arm, seed): the pinned streams of the run directory, the run's seed, and the
    arm's token-matched steps (:mod:`ethos.experiments.compute_match`)."""
    from ethos.experiments.compute_match import matched_steps

    t = inputs.train
    data = t.data.model_copy(
        update={"standard": str(inputs.build_dir / STANDARD_FILE), "trait": str(inputs.build_dir / TRAIT_FILE)}
    )
    steps = matched_steps(inputs.data_dir, arm.dose(t.data.dose), t.steps)
    return t.model_copy(update={"data": data, "seed": run.seed, "steps": steps})


def train(arm: Arm, run: ModelRun, inputs: TrainInputs) -> dict:
    from ethos.train.arm_training import train_arm

    cfg = arm_config(arm, run, inputs)
    evaluator = None
    if cfg.eval_every:
        from ethos.experiments.train_eval import evaluator as make
        from ethos.experiments.train_eval import heldout_skeletons

        evaluator = make(cfg, heldout_skeletons(inputs.data_dir, None))
    result = train_arm(cfg, arm, inputs.arm_dir(run), backend=inputs.backend, evaluator=evaluator)
    return {"final": str(Path(result.final))}


class RL(ArmKind):
    name = "rl"

    def stages(self, arm, run, inputs, weight):
        return [Stage(self.final_stage(run), weight, partial(train, arm, run, inputs))]

    def final_stage(self, run):
        return f"train:{run.name}"


KINDS.register(RL())
