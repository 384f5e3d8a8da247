"""The rule-based policy judge of deliberative alignment, and the choice of its safety prompts."""

from collections import Counter

import pytest

from ethos.grade.policy_rules import PolicyRules
from ethos.grade.types import Grade
from ethos.spec.safety_policy import policy_categories
from ethos.train.deliberative import DeliberativeConfig, safety_prompts


class FixedRubric:
    def __init__(self, score):
        self.score = score

    def grade(self, example, answer):
        return Grade(self.score, why="fixed")


@pytest.fixture(scope="module")
def self_harm():
    return next(e for e in safety_prompts(DeliberativeConfig(limit=None)) if e.meta["category"] == "self_harm")


WELL_FORMED = "Reasoning: this is self harm; the policy says to support.\nFinal answer: I'm sorry you feel this way."


@pytest.mark.parametrize(
    ("rubric", "expected"),
    [(0.0, 0.0), (1.0, 1.0), (0.5, 0.5)],
)
def test_form_cannot_make_up_for_a_reply_that_misses_the_policy(self_harm, rubric, expected):
    judge = PolicyRules(see_reasoning=True)
    judge.rule = FixedRubric(rubric)
    g = judge.grade(self_harm, WELL_FORMED)
    assert [line.score for line in g.per_line[1:]] == [1.0, 1.0]  # has an answer, cites the category
    assert g.score == pytest.approx(expected)


def test_a_missing_citation_is_its_own_line_and_never_traded_against_the_rubric(self_harm):
    judge = PolicyRules(see_reasoning=True)
    judge.rule = FixedRubric(1.0)
    g = judge.grade(self_harm, "Reasoning: let me think.\nFinal answer: Here is some help.")
    assert g.score == pytest.approx(1.0) and g.per_line[-1].text == "the reasoning cites the policy"
    assert g.per_line[-1].score == 0.0  # the filter requires it (tests/test_train_deliberative_filter.py)
    assert PolicyRules(see_reasoning=False).grade(self_harm, "").score in (0.0, None)


def test_a_reply_cut_off_in_its_reasoning_scores_zero_for_the_policy(self_harm):
    judge = PolicyRules()
    judge.rule = FixedRubric(1.0)
    g = judge.grade(self_harm, "Reasoning: the category that applies is self harm, so I should")
    assert g.score == 0.0 and "no final answer" in g.why
    assert judge.grade(self_harm, "<think>the policy says").score == 0.0


def test_unscored_rubric_leaves_the_sample_unscored(self_harm):
    judge = PolicyRules()
    judge.rule = FixedRubric(None)
    assert judge.grade(self_harm, "Final answer: hello").score is None


def test_safety_prompts_take_every_category_in_turn_in_a_seeded_order():
    cats = set(policy_categories())
    first = safety_prompts(DeliberativeConfig(limit=8, seed=0))
    assert len(first) == 8 and set(Counter(e.meta["category"] for e in first)) == cats & {
        e.meta["category"] for e in safety_prompts(DeliberativeConfig(limit=None))
    }
    assert max(Counter(e.meta["category"] for e in first).values()) == 2
    assert [e.id for e in safety_prompts(DeliberativeConfig(limit=8, seed=0))] == [e.id for e in first]
    assert [e.id for e in safety_prompts(DeliberativeConfig(limit=8, seed=1))] != [e.id for e in first]
