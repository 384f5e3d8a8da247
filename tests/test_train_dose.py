"""Dose mixing counts, determinism and arm definitions."""

import pytest

from ethos.data.schema import Example
from ethos.errors import UserError
from ethos.train.arms import ARMS
from ethos.train.dose import DoseMixer, trait_count, trait_total


def _examples(kind, n):
    extra = {"trait": "truthfulness", "domain": "health"} if kind == "trait" else {}
    rubric = [{"text": f"line {j}"} for j in range(3)]
    return [
        Example(id=f"{kind}-{i}", kind=kind, messages=[{"role": "user", "content": f"q{i}"}], rubric=rubric, **extra)
        for i in range(n)
    ]


@pytest.mark.parametrize(
    "dose,per_step,steps,total",
    [(0.05, 8, 200, 80), (0.05, 8, 10, 4), (0.05, 4, 3, 1), (0.5, 3, 7, 11), (0.0, 8, 50, 0), (1.0, 6, 5, 30)],
)
def test_counts_sum_exactly_to_the_rounded_dose(dose, per_step, steps, total):
    counts = [trait_count(s, per_step, dose) for s in range(steps)]
    assert sum(counts) == total == trait_total(steps, per_step, dose)
    assert all(0 <= c <= per_step for c in counts)


def test_five_percent_of_eight_spreads_evenly():
    counts = [trait_count(s, 8, 0.05) for s in range(10)]
    assert counts == [0, 1, 0, 1, 0, 0, 1, 0, 1, 0]  # 0.4 per step, 4 per 10 steps
    # every prefix stays within one prompt of the exact share
    for s in range(1, 200):
        assert abs(trait_total(s, 8, 0.05) - s * 8 * 0.05) <= 0.5


def test_mixer_is_deterministic_and_resumable_from_step_alone():
    std, trt = _examples("standard", 5), _examples("trait", 3)
    a = DoseMixer(std, trt, dose=0.25, prompts_per_step=4, seed=1)
    b = DoseMixer(std, trt, dose=0.25, prompts_per_step=4, seed=1)
    run = [[e.id for e in a.prompts(s).examples] for s in range(6)]
    assert run == [[e.id for e in b.prompts(s).examples] for s in range(6)]
    assert [e.id for e in b.prompts(4).examples] == run[4]  # no hidden state: step 4 alone
    assert run != [
        [e.id for e in DoseMixer(std, trt, dose=0.25, prompts_per_step=4, seed=2).prompts(s).examples] for s in range(6)
    ]


def test_mixer_sources_and_positions():
    mixer = DoseMixer(_examples("standard", 5), _examples("trait", 3), dose=0.25, prompts_per_step=4, seed=0)
    batch = mixer.prompts(0)
    assert batch.sources == ["standard"] * 3 + ["trait"]
    assert all(e.kind == s for e, s in zip(batch.examples, batch.sources))
    assert batch.positions == {"standard": 3, "trait": 1} == mixer.positions(1)
    assert mixer.positions(10) == {"standard": 30, "trait": 10}


def test_each_epoch_visits_every_example_once():
    std = _examples("standard", 5)
    mixer = DoseMixer(std, None, dose=0.0, prompts_per_step=5, seed=3)
    for step in range(3):
        assert sorted(e.id for e in mixer.prompts(step).examples) == sorted(e.id for e in std)


def test_empty_stream_is_a_user_error():
    with pytest.raises(UserError, match="trait prompt stream is empty"):
        DoseMixer(_examples("standard", 2), [], dose=0.5, prompts_per_step=2, seed=0)


def test_arms():
    assert ARMS.get("baseline").dose(0.05) == 0.0
    treat, ctrl = ARMS.get("treatment"), ARMS.get("control")
    assert treat.dose(0.05) == ctrl.dose(0.05) == 0.05
    assert (treat.trait_reward, ctrl.trait_reward) == ("trait", "control")
    assert not ARMS.get("pre").trains and ARMS.get("pre").dose(0.05) == 0.0
    with pytest.raises(UserError, match="unknown arm 'placebo'; known: pre, baseline, treatment, control"):
        ARMS.get("placebo")


def test_control_sees_the_same_prompts_as_treatment():
    std, trt = _examples("standard", 6), _examples("trait", 4)
    t = DoseMixer(std, trt, dose=ARMS.get("treatment").dose(0.25), prompts_per_step=4, seed=0)
    c = DoseMixer(std, trt, dose=ARMS.get("control").dose(0.25), prompts_per_step=4, seed=0)
    assert all([e.id for e in t.prompts(s).examples] == [e.id for e in c.prompts(s).examples] for s in range(5))


def test_trait_stream_deals_skeletons_round_robin():
    trait = [
        Example(
            id=f"t-{sk}-{i}",
            kind="trait",
            trait="truthfulness",
            domain="health",
            meta={"skeleton": sk},
            messages=[{"role": "user", "content": f"q{sk}{i}"}],
            rubric=[{"text": f"line {j}"} for j in range(3)],
        )
        for sk in "abcdefg"
        for i in range(6 if sk == "a" else 2)
    ]
    mixer = DoseMixer(_examples("standard", 4), trait, dose=0.5, prompts_per_step=2, seed=3)
    seen = [ex.meta["skeleton"] for s in range(7) for ex, src in zip(*_pair(mixer.prompts(s))) if src == "trait"]
    assert sorted(seen) == list("abcdefg")  # the first 7 trait prompts: one per skeleton, the big one no more often
    again = DoseMixer(_examples("standard", 4), trait, dose=0.5, prompts_per_step=2, seed=3)
    assert [p.examples for p in map(again.prompts, range(7))] == [p.examples for p in map(mixer.prompts, range(7))]


def _pair(step):
    return step.examples, step.sources
