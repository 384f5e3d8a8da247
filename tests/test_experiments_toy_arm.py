"""A new kind of arm is one module: this file adds one and runs it through a tiny study.

The kind ("copy") trains nothing: its one stage hands on the starting model under the arm's name.
That is enough to see that the study plans its stage, evaluates its model, compares it with what its
``Arm`` says, and puts it in the design table, with no other file touched.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
import yaml

from ethos.experiments.kinds import KINDS, ArmKind, TrainInputs
from ethos.experiments.rundir import stage_info
from ethos.experiments.stages import Stage
from ethos.experiments.study_config import ModelRun
from ethos.train.arms import ARMS, BASELINE, PRE, Arm

SMOKE = Path(__file__).resolve().parents[1] / "configs" / "smoke.yaml"


def copy_stage(run: ModelRun, inputs: TrainInputs) -> dict:
    """The whole "training" of a copy arm: its model is the prepared starting model."""
    inputs.arm_dir(run).mkdir(parents=True, exist_ok=True)
    return {"final": stage_info(inputs.run_dir, "prepare")["info"]["path"]}


class Copy(ArmKind):
    name = "copy"

    def stages(self, arm, run, inputs, weight):
        return [Stage(self.final_stage(run), 1, partial(copy_stage, run, inputs))]

    def final_stage(self, run):
        return f"copy:{run.name}"


@pytest.fixture
def toy_arm():
    KINDS.register(Copy())
    ARMS.register(Arm("copycat", "the starting model under another name", kind="copy", compared_with=(BASELINE, PRE)))
    yield
    ARMS.unregister("copycat")
    KINDS.unregister("copy")


def test_a_toy_arm_of_a_new_kind_runs_through_a_tiny_study(tmp_path, toy_arm):
    from ethos.experiments import Study

    recipe = yaml.safe_load(SMOKE.read_text())
    recipe.pop("deliberative")
    recipe.pop("generalization")
    recipe |= {
        "run_dir": str(tmp_path / "run"),
        "seeds": [0],
        "arms": ["baseline", "treatment", "copycat"],
        "compute_match": "steps",
        "validity_limit": None,
        "persistence": None,
        "heldout": {
            "standard": 2,
            "trait": 2,
            "heldout_domains": 0,
            "skeletons": 0,
            "contrast": 0,
            "max_new_tokens": 8,
        },
    }
    recipe["eval"] |= {"secondary": None, "limit": 2}
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(recipe, sort_keys=False))

    study = Study(path)
    names = [s.name for s in study.stages()]
    assert "copy:copycat.s0" in names and "eval:copycat.s0" in names
    assert names.index("copy:copycat.s0") < names.index("eval:copycat.s0")
    study.execute()

    import json

    res = json.loads((tmp_path / "run" / "results.json").read_text())
    pairs = [(c["a"], c["b"]) for c in res["comparisons"]]
    assert ("baseline", "copycat") in pairs and ("pre", "copycat") in pairs
    assert pairs[0] == ("baseline", "treatment")  # the headline stays first
    design = {d["arm"]: d for d in res["design"]}
    assert design["copycat"]["description"] == "the starting model under another name"
    # The copy is the starting model: on every benchmark it scores exactly what pre scores.
    vs_pre = next(c for c in res["comparisons"] if (c["a"], c["b"]) == ("pre", "copycat"))
    assert vs_pre["rows"] and all(abs(r["delta"]["value"]) < 1e-12 for r in vs_pre["rows"])
