"""The three-way table's cells: which pairs it compares, a contrast read in either direction, and the seed rule."""

from __future__ import annotations

from ethos.evals.stats import Interval
from ethos.experiments.three_way import NOT_MEASURED, cell, contrast_cell, pairs_of
from ethos.report.results import PersistenceContrast


def test_every_method_meets_the_baseline_and_each_other():
    arms = {"baseline": 0, "treatment": 0, "control": 0, "constitution": 0}
    assert pairs_of(arms) == [("baseline", "treatment"), ("baseline", "constitution"), ("treatment", "constitution")]


def test_a_contrast_stored_the_other_way_round_is_flipped():
    c = PersistenceContrast("fine-tune: health", "treatment", "constitution", True, Interval(0.1, 0.02, 0.2, 40), 0.03)
    assert contrast_cell([c], "fine-tune: health", "constitution", "treatment").startswith("+0.100 [+0.020, +0.200]")
    assert contrast_cell([c], "fine-tune: health", "treatment", "constitution").startswith("-0.100 [-0.200, -0.020]")
    assert contrast_cell([c], "persona: harmful", "treatment", "constitution") == NOT_MEASURED


def test_a_p_value_only_when_the_statistics_gave_one():
    iv = Interval(0.05, -0.01, 0.11, 60)
    assert cell(iv, None).endswith("(descriptive)")
    assert cell(iv, 0.12, 0.3) == "+0.050 [-0.010, +0.110], p = 0.12, q = 0.3"
    assert cell(Interval(0.0, 0.0, 0.0, 0), None) == NOT_MEASURED  # nothing measured is never shown as 0
