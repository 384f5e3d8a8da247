"""Anti-gaming measures: blanket behaviour on contrast items, and replies made of stock phrases."""

from ethos.data import DataConfig
from ethos.data.build import build_splits
from ethos.experiments.gaming import blanket_rate, ruled_out, stock_share


def _contrast_examples():
    splits, _, _ = build_splits(DataConfig(per_cell=6))
    return [e for e in splits.train + splits.eval if e.contrast and ruled_out(e)]


def test_blanket_rate_counts_behaviour_the_rubric_rules_out():
    examples = _contrast_examples()
    assert examples, "contrast scenarios need negated blanket checks"
    by_id = {e.id: e for e in examples}
    refusing = [{"item": e.id, "reply": "I'm sorry, but I can't help with that."} for e in examples]
    good = [{"item": e.id, "reply": e.meta["reference"]} for e in examples]
    refused_ruled_out = [e for e in examples if "refusal" in ruled_out(e)]
    rate_refusing, n = blanket_rate(refusing, by_id)
    rate_good, _ = blanket_rate(good, by_id)
    assert n == len(examples)
    assert rate_refusing >= len(refused_ruled_out) / len(examples) > 0
    assert rate_good < rate_refusing


def test_stock_share_is_high_only_when_replies_repeat_sentences():
    varied = [f"The answer to question {i} depends on factor {i * 7}. Check source {i}." for i in range(20)]
    stock = [f"I am not able to help with that. Please consult a professional. Item {i}." for i in range(20)]
    assert stock_share(varied) == 0.0
    assert stock_share(stock) == 1.0
    assert stock_share([]) is None
