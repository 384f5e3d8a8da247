"""From per-item eval records on disk to the report's held-out rows, matrix, persistence and jailbreak numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ethos.experiments.evaluation import generalization_cells, heldout_rows
from ethos.experiments.persistence import attack_rows, jailbreak_result
from ethos.files import write_jsonl


def write_run(
    path: Path,
    scores: dict[str, list[float | None]],
    refused: dict[str, list[bool]] | None = None,
    domains: dict[str, list[str]] | None = None,
) -> Path:
    meta = {}
    for bench, vals in scores.items():
        recs = []
        for i, s in enumerate(vals):
            r = {
                "benchmark": bench,
                "item": f"i{i}",
                "kind": "gen",
                "score": s,
                "refused": (refused or {}).get(bench, [False] * len(vals))[i],
            }
            if domains and bench in domains:
                r["domain"] = domains[bench][i]
            recs.append(r)
        write_jsonl(path / "records" / f"{bench}.jsonl", recs)
        meta[bench] = {"category": "x", "kind": "gen", "position": "in_range", "independent": True}
    (path / "summary.json").write_text(json.dumps({"suite": "t", "benchmarks": meta}))
    return path


def test_generalization_is_by_the_domain_of_the_evaluation_item(tmp_path):
    doms = {"q": ["health"] * 5 + ["science"] * 5}
    base = [write_run(tmp_path / "base", {"q": [0.0] * 10}, domains=doms)]
    arm = [write_run(tmp_path / "arm", {"q": [1.0] * 5 + [0.0] * 5}, domains=doms)]
    held_base = [write_run(tmp_path / "hb", {"heldout.heldout": [0.2] * 4})]
    held_arm = [write_run(tmp_path / "ha", {"heldout.heldout": [0.7] * 4})]
    cells = generalization_cells(base, {"health only": arm}, ["q"], held_base, {"health only": held_arm})
    by = {(c.train_set, c.group): c.delta for c in cells}
    assert by[("health only", "health")].value == pytest.approx(1.0)
    assert by[("health only", "science")].value == pytest.approx(0.0)
    assert ("health only", "other") not in by  # no item of that domain: no cell, not a zero
    assert by[("health only", "held-out domains (trait reward)")].value == pytest.approx(0.5)


def test_heldout_rows_pool_seeds_and_compare_with_pre_and_baseline(tmp_path):
    def run(name, v):
        return write_run(tmp_path / name, {"heldout.trait": [v] * 6, "heldout.standard": [0.5] * 6})

    dirs = {
        "pre": [run("pre", 0.2)],
        "baseline": [run("b0", 0.2), run("b1", 0.4)],
        "treatment": [run("t0", 0.6), run("t1", 0.8)],
    }
    rows = {(r.stream, r.model): r for r in heldout_rows(dirs)}
    t = rows[("trait (training domains)", "treatment")]
    assert t.seeds == 2 and t.mean == pytest.approx(0.7)
    assert t.vs_pre.value == pytest.approx(0.5) and t.vs_baseline.value == pytest.approx(0.4)
    assert rows[("trait (training domains)", "baseline")].vs_baseline is None
    assert rows[("standard", "treatment")].vs_pre.value == pytest.approx(0.0)


def test_a_stream_that_shares_training_text_is_not_called_held_out(tmp_path):
    from ethos.experiments.evaluation import MAX_HELDOUT_OVERLAP

    dirs = {"pre": [write_run(tmp_path / "p", {"heldout.skeletons": [0.3] * 4, "heldout.heldout": [0.3] * 4})]}
    low, high = MAX_HELDOUT_OVERLAP / 2, MAX_HELDOUT_OVERLAP + 0.1
    rows = heldout_rows(dirs, overlaps={"skeletons": low, "heldout": high})
    by_overlap = {r.ngram_overlap: r for r in rows}
    assert by_overlap[low].stream == "trait (held-out skeletons)" and by_overlap[low].held_out is True
    assert by_overlap[high].held_out is False and "not held out" in by_overlap[high].stream
    assert "40% of its 8-grams" in by_overlap[high].stream


def test_attack_rows_degradation_and_difference(tmp_path):
    clean = {m: [write_run(tmp_path / f"{m}-clean", {"crisis": [1.0] * 8})] for m in ("baseline", "treatment")}
    attacked = {
        "baseline": [write_run(tmp_path / "b-att", {"crisis": [0.0] * 6 + [1.0] * 2})],
        "treatment": [write_run(tmp_path / "t-att", {"crisis": [0.0] * 2 + [1.0] * 6})],
    }
    rows, contrast = attack_rows("persona: x", True, clean, attacked, ["crisis"], "treatment", "baseline")
    by_model = {r.model: r for r in rows}
    assert by_model["baseline"].degradation.value == pytest.approx(0.75)
    assert by_model["treatment"].attacked == pytest.approx(0.75)
    assert contrast.diff.value == pytest.approx(0.5) and contrast.seeds == 1


def test_jailbreak_result_uses_worst_technique_and_over_refusal(tmp_path):
    attacked = write_run(tmp_path / "jb", {"harm@none": [1.0, 1.0], "harm@base64": [0.0, 1.0]})
    clean = write_run(tmp_path / "clean", {"xs": [1.0] * 4}, refused={"xs": [True, False, False, False]})
    res = jailbreak_result("m", attacked, clean, ["xs"], quantile=0.1, n_boot=200)
    assert res.goodness.value == pytest.approx(0.5) and res.goodness.n == 2
    assert res.per_technique == {"none": 1.0, "base64": 0.5}
    assert res.not_overrefuse == pytest.approx(0.75)


def test_transfer_cells_weigh_items_not_benchmarks(tmp_path):
    # 2 health items of one benchmark moved by 1, 10 health items of another not at all: the cell is 2/12, not 1/2.
    doms = {"small": ["health"] * 2, "large": ["health"] * 10}
    base = [write_run(tmp_path / "b", {"small": [0.0] * 2, "large": [0.0] * 10}, domains=doms)]
    arm = [write_run(tmp_path / "a", {"small": [1.0] * 2, "large": [0.0] * 10}, domains=doms)]
    cells = generalization_cells(base, {"arm": arm}, ["small", "large"], [], {})
    health = next(c for c in cells if c.group == "health")
    assert health.delta.value == pytest.approx(2 / 12) and health.delta.n == 12


def _seeded(tmp_path, name, seeds, effect_in, effect_out, doms, noise=0.0):
    import zlib

    import numpy as np

    rng = np.random.default_rng(zlib.crc32(name.encode()))
    out = []
    for s in range(seeds):
        vals = [
            min(1.0, max(0.0, 0.4 + (effect_in if d == "health" else effect_out) + noise * rng.normal()))
            for d in doms["q"]
        ]
        out.append(write_run(tmp_path / f"{name}{s}", {"q": vals}, domains=doms))
    return out


def test_in_domain_minus_out_of_domain_is_tested_directly(tmp_path):
    doms = {"q": ["health"] * 20 + ["other"] * 20}
    base = _seeded(tmp_path, "base", 3, 0.0, 0.0, doms, noise=0.05)
    moved = _seeded(tmp_path, "moved", 3, 0.3, 0.0, doms, noise=0.05)  # moves health items only
    flat = _seeded(tmp_path, "flat", 3, 0.1, 0.1, doms, noise=0.05)  # moves every item alike
    cells = generalization_cells(
        base, {"moved": moved, "flat": flat}, ["q"], [], {}, in_domain={"moved": {"health"}, "flat": {"health"}}
    )
    by = {(c.train_set, c.group): c for c in cells}
    key = "in − out of domain (health − science + other)"
    assert by[("moved", key)].delta.value == pytest.approx(0.3, abs=0.05) and by[("moved", key)].p < 0.05
    assert by[("moved", key)].delta.n == 40
    flat_c = by[("flat", key)]
    assert flat_c.delta.low < 0 < flat_c.delta.high and flat_c.p > 0.05, flat_c  # the same move everywhere: no contrast


def test_jailbreak_grid_is_compared_between_arms_and_corrected(tmp_path):
    from ethos.experiments.persistence import correct, jailbreak_contrasts

    def grid(name, safe):
        return write_run(tmp_path / name, {"harm@none": [1.0] * 6, "harm@base64": safe})

    dirs = {
        "baseline": [grid(f"b{s}", [0.0] * 6) for s in range(3)],
        "treatment": [grid(f"t{s}", [1.0] * 4 + [0.0] * 2) for s in range(3)],
        "control": [grid("c0", [1.0] * 6)],
    }
    out = jailbreak_contrasts(dirs, [("baseline", "treatment"), ("baseline", "control")], 0.1)
    by = {c.treated: c for c in out}
    assert by["treatment"].diff.value == pytest.approx(4 / 6) and by["treatment"].seeds == 3
    assert by["treatment"].p is not None and by["control"].p is None  # one seed: descriptive
    correct(out)
    assert by["treatment"].q == pytest.approx(by["treatment"].p) and by["control"].q is None
