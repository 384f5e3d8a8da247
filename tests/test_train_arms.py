"""Arms are compute-matched: same prompts per step and steps; control differs from treatment only in its grader."""

from ethos.data.schema import Example
from ethos.train import RLConfig
from ethos.train.arm_training import mixer_for
from ethos.train.arms import ARMS


def _tasks(n=6):
    rubric = [{"text": "Uses at most 3 words", "check": {"kind": "word_count", "max": 3}}]
    return [
        Example(id=f"t-{i}", kind="standard", messages=[{"role": "user", "content": f"q{i}"}], rubric=rubric)
        for i in range(n)
    ]


def test_arms_are_compute_matched_and_control_swaps_only_the_grader(tmp_path):
    std = tmp_path / "std.jsonl"
    std.write_text("".join(e.model_dump_json() + "\n" for e in _tasks()))
    cfg = RLConfig(
        steps=4, batch_size=8, group_size=2, data={"standard": str(std), "trait": "trait", "dose": 0.25, "limit": 20}
    )
    t = mixer_for(cfg, ARMS.get("treatment"))
    c = mixer_for(cfg, ARMS.get("control"))
    b = mixer_for(cfg, ARMS.get("baseline"))
    for s in range(cfg.steps):
        assert [e.id for e in t.prompts(s).examples] == [e.id for e in c.prompts(s).examples]
        assert len(b.prompts(s).examples) == len(t.prompts(s).examples) == cfg.prompts_per_step
    assert sum(t.prompts(s).sources.count("trait") for s in range(cfg.steps)) == 4
    assert all(src == "standard" for s in range(cfg.steps) for src in b.prompts(s).sources)


def test_a_toy_arm_is_one_registered_object(tmp_path):
    from ethos.train.arms import Arm

    std = tmp_path / "std.jsonl"
    std.write_text("".join(e.model_dump_json() + "\n" for e in _tasks()))
    ARMS.register(Arm("half_dose_control", "control at the recipe's dose", dosed=True, trait_reward="control"))
    try:
        cfg = RLConfig(
            steps=2, batch_size=8, group_size=2, data={"standard": str(std), "trait": "trait", "dose": 0.5, "limit": 20}
        )
        mixer = mixer_for(cfg, ARMS.get("half_dose_control"))
        assert sum(mixer.prompts(s).sources.count("trait") for s in range(2)) == 4
        from ethos.train.arm_training import build_graders

        assert build_graders(cfg, ARMS.get("half_dose_control"))["trait"].name == "helpfulness"
    finally:
        ARMS.unregister("half_dose_control")


def test_the_registry_is_light_enough_for_the_command_line():
    import subprocess
    import sys

    code = "import sys, ethos.train.arms; assert 'torch' not in sys.modules, 'arms imported torch'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_comparisons_come_from_each_arms_compared_with_the_headline_first():
    from ethos.data.domain_select import DomainSelection
    from ethos.experiments.assemble import comparison_pairs
    from ethos.train.arms import treatment_on

    names = ["baseline", "treatment", "control", "deliberative"]
    arms = {n: ARMS.get(n) for n in names} | {"h": treatment_on("h", DomainSelection(domains=["health"]))}
    assert comparison_pairs(arms) == [
        ("baseline", "treatment"),
        ("control", "treatment"),  # the rubric reward against the same prompts under a rubric-blind reward
        ("baseline", "control"),
        ("baseline", "deliberative"),
        ("treatment", "deliberative"),  # the two methods at the same RL dose and steps
        ("baseline", "h"),
        ("treatment", "h"),  # trait data of some domains against all of them
        ("pre", "treatment"),
        ("pre", "baseline"),
    ]
    no_control = {n: ARMS.get(n) for n in ("baseline", "treatment")}
    assert comparison_pairs(no_control) == [("baseline", "treatment"), ("pre", "treatment"), ("pre", "baseline")]
    assert arms["h"].label == "health only" and arms["h"].dose(0.05) == 0.05
    assert arms["deliberative"].dose(0.45) == 0.45  # its RL mixes safety prompts in at the treatment's dose
