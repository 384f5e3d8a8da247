"""Per-benchmark summary of one run, and where the model sits on it.

``position`` answers "can this benchmark move for this model?": ``at_chance`` when the 95% CI of
the mean good-option probability contains the chance level (multiple choice), ``floor`` / ``ceiling``
when the mean score is within 0.05 of 0 / 1, else ``in_range``. Unscored items (``score`` None) are
counted as ``n_unscored`` and left out of means, never turned into zeros; for generation, ``no_final_answer``
is the share of replies cut off in their reasoning, and ``refusal_rate`` is over the replies that answered.
"""

from __future__ import annotations

from ethos.evals.benchmark import Benchmark
from ethos.evals.stats import bootstrap_mean

EDGE = 0.05


def position(mean: float, low: float, high: float, chance: float | None) -> str:
    if chance is not None and low <= chance <= high:
        return "at_chance"
    if mean <= EDGE:
        return "floor"
    if mean >= 1 - EDGE:
        return "ceiling"
    return "in_range"


def summarize_benchmark(bench: Benchmark, records: list[dict], seed: int = 0) -> dict:
    scores = [r["score"] for r in records if r["score"] is not None]
    row = bench.describe()
    row.update({"n": len(records), "n_unscored": len(records) - len(scores)})
    if not scores:
        row.update({"mean": None, "low": None, "high": None, "position": "unscored"})
        return row
    ci = bootstrap_mean(scores, n=2000, seed=seed)
    row.update(
        {
            "mean": ci.value,
            "low": ci.low,
            "high": ci.high,
            "position": position(ci.value, ci.low, ci.high, bench.chance),
        }
    )
    if bench.kind == "mc":
        row["accuracy"] = sum(r["correct"] for r in records) / len(records)
    else:
        answered = [r for r in records if not r.get("no_final_answer")]
        row["refusal_rate"] = sum(bool(r.get("refused")) for r in answered) / len(answered) if answered else None
        row["no_final_answer"] = (len(records) - len(answered)) / len(records)
    return row
