"""The ``constitution`` kind: the constitutional approach from the recipe's ``constitution:`` section, on the
treatment's trait prompts, dose and compute — draft → critique → revise against a drawn principle, tune on the
revisions without the constitution, then GRPO rewarded by a constitution judge — three stages per seed
(:mod:`ethos.train.constitution`).

Compute is matched in total: the tokens its drafts, critiques, revisions and tuning processed are taken off
its RL budget (the treatment's tokens per step, measured by the study's probe, times the treatment's steps), so
the whole arm processes what the treatment's RL does. Its judge's tokens are the reward's cost and are shown
beside, as a rubric grader's would be."""

from __future__ import annotations

import json
from functools import partial

from ethos.experiments.kinds import KINDS, TRAIT_FILE, ArmKind, TrainInputs
from ethos.experiments.stages import Stage
from ethos.experiments.study_config import ModelRun

STEPS = ("revise", "tune", "rl")


def config(run: ModelRun, inputs: TrainInputs):
    from ethos.train.constitution import ConstitutionConfig

    base = inputs.constitution or ConstitutionConfig()
    return base.model_copy(update={"seed": run.seed, "prompts": str(inputs.build_dir / TRAIT_FILE)})


def rl_steps(run: ModelRun, inputs: TrainInputs, train) -> tuple[int, dict]:
    """The RL steps left once the stages before RL have spent their tokens, and how they were set."""
    from ethos.experiments.compute_match import measured_cost
    from ethos.train.constitution import budget_steps, matched_pre_rl_tokens

    cfg = config(run, inputs)
    per_step = measured_cost(inputs.data_dir, train.data.dose)
    if cfg.match != "total" or per_step is None:
        why = "constitution.match: rl" if cfg.match != "total" else "no token probe (compute_match: steps)"
        return train.steps, {"steps": train.steps, "why": f"the treatment's RL steps ({why})"}
    spent = matched_pre_rl_tokens(inputs.arm_dir(run))
    steps = budget_steps(train.steps, per_step, spent)
    return steps, {
        "steps": steps,
        "treatment_steps": train.steps,
        "tokens_per_step": per_step,
        "pre_rl_tokens": spent,
        "why": "the treatment's RL tokens less those its drafts, critiques, revisions and tuning processed",
    }


def step(run: ModelRun, name: str, inputs: TrainInputs) -> dict:
    from ethos.experiments.kinds.rl import arm_config
    from ethos.files import write_json
    from ethos.train import constitution as cai
    from ethos.train.arms import ARMS, TREATMENT

    cfg, out = config(run, inputs), inputs.arm_dir(run)
    if name == "rl":
        train = arm_config(ARMS.get(TREATMENT), run, inputs)
        steps, how = rl_steps(run, inputs, train)
        write_json(out / "rl_budget.json", how)
        return {"final": str(cai.rl_stage(cfg, out, train=train.model_copy(update={"steps": steps})))}
    fn = {"revise": cai.revise_stage, "tune": cai.tune_stage}[name]
    return {"final": str(fn(cfg, out))}


class Constitutional(ArmKind):
    name = "constitution"
    sections = ("constitution",)
    counts_skeletons = True  # its RL sees the treatment's trait prompts
    in_jailbreak_grid = True

    def stages(self, arm, run, inputs, weight):
        return [Stage(f"cai:{run.name}:{s}", weight / 2, partial(step, run, s, inputs)) for s in STEPS]

    def final_stage(self, run):
        return f"cai:{run.name}:rl"

    def other_tokens(self, arm_dir):
        from ethos.train.constitution import stage_tokens

        return stage_tokens(arm_dir)

    def matched_tokens(self, arm_dir):
        from ethos.train.constitution import matched_pre_rl_tokens

        return matched_pre_rl_tokens(arm_dir)

    def metrics_dir(self, arm_dir):
        return arm_dir / "rl"

    def report(self, study, res) -> None:
        """The three-way table: trait RL, deliberative alignment and the constitution, each against the baseline
        and against each other, on every measure the study took (:mod:`ethos.experiments.three_way`)."""
        from ethos.experiments.three_way import three_way

        res.three_way = three_way(study, res)
        res.constitution = _revise_panel(study, [a for a in study.arms.values() if a.kind == self.name])


def _revise_panel(study, arms) -> dict:
    """What the revise, tune and RL stages did, per seed: kept revisions, drops by reason, judge calls."""
    out = {}
    for arm in arms:
        for r in study.cfg.runs(arm.name):
            d = study.arm_dir(r)
            row = {}
            for key, path in (
                ("revise", d / "revise_summary.json"),
                ("rl budget", d / "rl_budget.json"),
                ("judge", d / "rl" / "judge_summary.json"),
            ):
                if path.is_file():
                    row[key] = json.loads(path.read_text(encoding="utf-8"))
            row["tuning skipped"] = (d / "tune" / "skipped.json").is_file()
            out[r.name] = row
    return out


KINDS.register(Constitutional())
