"""The ``deliberative`` kind: the deliberative-alignment pipeline from the recipe's ``deliberative:`` section —
generate reasoning + answers with the policy in context, filter them with a policy-aware judge, SFT without
the policy, then RL with a judge that does not see the reasoning — four stages per seed."""

from __future__ import annotations

from functools import partial

from ethos.experiments.kinds import KINDS, TRAIT_FILE, ArmKind, TrainInputs
from ethos.experiments.stages import Stage
from ethos.experiments.study_config import ModelRun

STEPS = ("generate", "filter", "sft", "rl")


def step(run: ModelRun, name: str, inputs: TrainInputs) -> dict:
    """One stage of the pipeline; RL takes the treatment's settings (dose, prompts per step, token-matched steps)
    so that the arm's RL compute matches the treatment's and the baseline's."""
    from ethos.experiments.kinds.rl import arm_config
    from ethos.train import deliberative as da
    from ethos.train.arms import ARMS, TREATMENT

    cfg = inputs.deliberative.model_copy(update={"seed": run.seed, "prompts": str(inputs.build_dir / TRAIT_FILE)})
    if name == "rl":
        train = arm_config(ARMS.get(TREATMENT), run, inputs)
        return {"final": str(da.rl_stage(cfg, inputs.arm_dir(run), train=train))}
    fn = {"generate": da.generate_stage, "filter": da.filter_stage, "sft": da.sft_stage}[name]
    return {"final": str(fn(cfg, inputs.arm_dir(run)))}


class Deliberative(ArmKind):
    name = "deliberative"
    sections = ("deliberative",)
    counts_skeletons = False
    in_jailbreak_grid = True

    def stages(self, arm, run, inputs, weight):
        return [Stage(f"da:{run.name}:{s}", weight / 2, partial(step, run, s, inputs)) for s in STEPS]

    def final_stage(self, run):
        return f"da:{run.name}:rl"

    def other_tokens(self, arm_dir):
        import json

        from ethos.train.deliberative import SFT_TOKENS

        path = arm_dir / "sft" / SFT_TOKENS
        return {"SFT": float(json.loads(path.read_text())["tokens"])} if path.is_file() else {}

    def reasoning_tokens(self, inputs):
        return inputs.deliberative.eval_reasoning_tokens if inputs.deliberative else 0

    def metrics_dir(self, arm_dir):
        return arm_dir / "rl"

    def report(self, study, res) -> None:
        """The deliberative panel: the filter's yield, and not-unsafe / not-over-refusing / style for the pre
        model, the baseline and the arm (the jailbreak grid adds its goodness row when it ran)."""
        from ethos.experiments.deliberative_panel import deliberative_panel
        from ethos.train.arms import BASELINE, PRE

        for arm in [a for a in study.arms.values() if a.kind == self.name]:
            runs = study.cfg.runs(arm.name)
            models = {name: [study.eval_dir(r) for r in study.cfg.runs(name)] for name in (PRE, BASELINE, arm.name)}
            res.deliberative = deliberative_panel([study.arm_dir(r) for r in runs], models, study.suite)
            if res.jailbreaks:
                res.deliberative.rows["jailbreak goodness@q"] = {
                    j.model: j.goodness.value for j in res.jailbreaks if j.goodness.n
                }


KINDS.register(Deliberative())
