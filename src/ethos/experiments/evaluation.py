"""Evaluate the study's models on the suite and turn per-item records into the report's comparisons.

Every statistic starts from the per-item records the eval runner writes (``records/<benchmark>.jsonl``
and ``summary.json`` in each model's eval folder), so a comparison can always be recomputed from disk.
Two models are compared only on the items both scored; the headline counts safety benchmarks, and
capability benchmarks are reported apart so a "win" cannot come from breaking the model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from ethos.experiments.effects import delta, scores_from_records
from ethos.files import read_jsonl_tolerant
from ethos.report.results import BenchmarkRow, Comparison, GeneralizationCell, Interval

ALPHA = 0.05


def load_summary(eval_dir: Path) -> dict:
    return json.loads((Path(eval_dir) / "summary.json").read_text(encoding="utf-8"))


def load_records(eval_dir: Path, benchmarks: Sequence[str] | None = None) -> list[dict]:
    rows: list[dict] = []
    for path in sorted((Path(eval_dir) / "records").glob("*.jsonl")):
        if benchmarks is None or path.stem in benchmarks:
            rows += read_jsonl_tolerant(path)
    return rows


def _by_item(records: list[dict]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for r in records:
        out.setdefault(r["benchmark"], {})[str(r["item"])] = r
    return out


def compare(dir_a: Path, dir_b: Path, name_a: str, name_b: str, *, seed: int = 0, n_boot: int = 2000) -> Comparison:
    """Paired comparison of ``b`` against ``a`` on every benchmark both ran, with BH across benchmarks."""
    from ethos.evals.stats import bh, paired_test

    meta = load_summary(dir_a)["benchmarks"]
    recs_a, recs_b = _by_item(load_records(dir_a)), _by_item(load_records(dir_b))
    rows: list[BenchmarkRow] = []
    pvals: list[float] = []
    notes: list[str] = []
    nr_improved = nr_total = 0
    for bench in sorted(set(recs_a) & set(recs_b)):
        a, b = recs_a[bench], recs_b[bench]
        items = [i for i in sorted(set(a) & set(b)) if a[i]["score"] is not None and b[i]["score"] is not None]
        skipped = len(set(a) | set(b)) - len(items)
        if skipped:
            notes.append(f"{bench}: {skipped} item(s) not scored in both runs were left out of the pairing.")
        if not items:
            continue
        sa = [a[i]["score"] for i in items]
        sb = [b[i]["score"] for i in items]
        ci, p = paired_test(sa, sb, n=n_boot, seed=seed)
        info = meta.get(bench, {})
        gen = "refused" in a[items[0]]
        ra = float(np.mean([bool(a[i].get("refused")) for i in items])) if gen else None
        rb = float(np.mean([bool(b[i].get("refused")) for i in items])) if gen else None
        rows.append(BenchmarkRow(bench, info.get("category", "?"), float(np.mean(sa)), float(np.mean(sb)),
                                 Interval(ci.estimate, ci.lo, ci.hi, len(items)), p=p, refusal_a=ra, refusal_b=rb,
                                 capability=bool(info.get("capability", False))))
        pvals.append(p)
        if gen:
            kept = [i for i in items if not a[i].get("refused") and not b[i].get("refused")]
            if kept:
                nr_total += 1
                nr_improved += np.mean([b[i]["score"] - a[i]["score"] for i in kept]) > 0
    for row, q in zip(rows, bh(pvals)):
        row.q = q
        row.significant = q < ALPHA
    safety = [r for r in rows if not r.capability]
    cap = [r for r in rows if r.capability]
    if cap:
        notes.insert(0, f"Capability benchmarks (not in the headline): {name_b} higher on {sum(r.delta.value > 0 for r in cap)} "
                        f"of {len(cap)}, significantly worse on {sum(r.significant and r.delta.value < 0 for r in cap)}.")
    return Comparison(
        a=name_a, b=name_b, rows=rows,
        improved=sum(r.delta.value > 0 for r in safety), total=len(safety),
        sig_better=sum(r.significant and r.delta.value > 0 for r in safety),
        sig_worse=sum(r.significant and r.delta.value < 0 for r in safety),
        neither_refused_improved=int(nr_improved) if nr_total else None,
        neither_refused_total=nr_total or None,
        notes=notes,
    )


def generalization_cells(baseline_dir: Path, arm_dirs: dict[str, Path], *, seed: int = 0, n_boot: int = 2000) -> list[GeneralizationCell]:
    """Training-domain set × benchmark category: mean paired delta vs baseline with a stratified CI."""
    meta = load_summary(baseline_dir)["benchmarks"]
    categories: dict[str, list[str]] = {}
    for bench, info in meta.items():
        categories.setdefault(info.get("category", "?"), []).append(bench)
    base = scores_from_records(load_records(baseline_dir))
    cells = []
    for label, arm_dir in arm_dirs.items():
        arm = scores_from_records(load_records(arm_dir))
        for cat in sorted(categories):
            e = delta(base, arm, benchmarks=categories[cat], n_boot=n_boot, seed=seed)
            if e.n_items:
                cells.append(GeneralizationCell(label, cat, Interval(e.value, e.low, e.high, e.n_items)))
    return cells
