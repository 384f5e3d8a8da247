"""Compare two models benchmark by benchmark on paired items, each model one evaluation per training seed.

For each benchmark: both means, the paired effect ``B − A`` with its interval and p-value across
seeds and items (:func:`ethos.evals.stats.seeded_effect`), the paired SD, the minimum detectable
effect, then Benjamini–Hochberg over the **headline** benchmarks only. A benchmark is in the
headline when its grader is independent of every training reward (an answer key or an
evaluation-only grader), it has a better side (not descriptive), it is not a capability check, and
the reference model is neither at chance, nor at floor, nor at ceiling on it (decided on the
reference alone, before looking at B, so the selection cannot favour B). Every other row is
reported apart, with the reason. Generation benchmarks also get refusal rates and the effect on
items where neither model refused, so a win cannot come from refusing more.

Runs over different suites or item sets are compared on the intersection, and the mismatch is
stated in ``Comparison.notes`` — never silently.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from ethos.evals.eval_run import EvalRun, RunLike
from ethos.evals.stats import Interval, bh, mde, seeded_effect

IN_RANGE = "in_range"


@dataclass
class Row:
    benchmark: str
    category: str
    kind: str
    grader: str
    independent: bool
    descriptive: bool
    capability: bool
    position: str  # the reference model's: in_range, at_chance, floor, ceiling
    n: int
    seeds_a: int
    seeds_b: int
    mean_a: float
    mean_b: float
    delta: Interval
    p: float | None  # None: descriptive (a trained side with fewer than 3 seeds)
    sd: float
    mde: float = float("nan")
    q: float | None = None  # BH-adjusted, headline rows only
    refusal_a: float | None = None
    refusal_b: float | None = None
    n_neither_refused: int | None = None
    delta_neither_refused: Interval | None = None
    mirrors_training: str | None = None  # the training reference its good answer mirrors (then not independent)

    @property
    def headline(self) -> bool:
        return self.independent and not self.descriptive and not self.capability and self.position == IN_RANGE

    @property
    def set_apart(self) -> str | None:
        """Why the row is not in the headline (None when it is)."""
        if self.mirrors_training:
            return f"its good answer mirrors {self.mirrors_training}"
        if not self.independent:
            return "grader shares checks with a training reward"
        if self.descriptive:
            return "descriptive: no better side"
        if self.capability:
            return "capability check"
        if self.position != IN_RANGE:
            return f"reference model {self.position.replace('_', ' ')}"
        return None

    def significant(self, alpha: float) -> bool:
        return self.q is not None and self.q < alpha


@dataclass
class Comparison:
    a: str
    b: str
    rows: list[Row]
    alpha: float = 0.05
    notes: list[str] = field(default_factory=list)

    @property
    def headline_rows(self) -> list[Row]:
        return [r for r in self.rows if r.headline]

    @property
    def improved(self) -> int:
        return sum(r.delta.value > 0 for r in self.headline_rows)

    @property
    def sig_better(self) -> int:
        return sum(r.delta.value > 0 and r.significant(self.alpha) for r in self.headline_rows)

    @property
    def sig_worse(self) -> int:
        return sum(r.delta.value < 0 and r.significant(self.alpha) for r in self.headline_rows)

    @property
    def seeds(self) -> tuple[int, int]:
        return (max((r.seeds_a for r in self.rows), default=0), max((r.seeds_b for r in self.rows), default=0))

    @property
    def descriptive(self) -> bool:
        """No row carries a p-value: a trained side had fewer than three seeds."""
        return bool(self.rows) and all(r.p is None for r in self.rows)

    def headline(self) -> str:
        total = len(self.headline_rows)
        if self.descriptive:
            sa, sb = self.seeds
            return (
                f"{self.b} improved over {self.a} on {self.improved} of {total} headline benchmarks "
                f"({sa} vs {sb} training seeds): descriptive only — with fewer than three training seeds on a trained "
                "side, training luck cannot be told from an effect, so no difference is tested."
            )
        s = (
            f"{self.b} improved over {self.a} on {self.improved} of {total} headline benchmarks; after "
            f"Benjamini–Hochberg correction {self.sig_better} are significantly better and {self.sig_worse} "
            "significantly worse"
        )
        sa, sb = self.seeds
        s += f" ({sa} vs {sb} training seed{'s' if max(sa, sb) > 1 else ''})."
        if self.sig_better == 0 and self.sig_worse == 0 and total:
            s += " No difference is significant: the win count alone is not evidence of an effect."
        return s

    def to_json(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "alpha": self.alpha,
            "headline": self.headline(),
            "notes": self.notes,
            "rows": [asdict(r) | {"headline": r.headline, "set_apart": r.set_apart} for r in self.rows],
        }


def load_run(run: RunLike) -> tuple[dict, dict[str, dict[str, dict]]]:
    """A run's summary and its records as ``{benchmark: {item_id: record}}``."""
    run = EvalRun.of(run)
    summary = run.summary()
    return summary, {name: run.by_item(name) for name in summary["benchmarks"]}


def _mean(xs) -> float:
    return float(np.mean(xs)) if len(xs) else float("nan")


def _row(
    name: str,
    meta: dict,
    position: str,
    runs_a: list[dict],
    runs_b: list[dict],
    fixed: tuple[bool, bool],
    m: int,
    alpha: float,
) -> Row | None:
    ids = [i for i in runs_a[0] if all(i in r and r[i]["score"] is not None for r in runs_a + runs_b)]
    if not ids:
        return None
    a = np.array([[r[i]["score"] for i in ids] for r in runs_a])
    b = np.array([[r[i]["score"] for i in ids] for r in runs_b])
    e = seeded_effect(a, b, fixed=fixed)
    row = Row(
        benchmark=name,
        category=meta["category"],
        kind=meta["kind"],
        grader=meta.get("grader", "?"),
        independent=bool(meta.get("independent", False)),
        descriptive=bool(meta.get("descriptive", False)),
        capability=bool(meta.get("capability", False)),
        position=position,
        n=len(ids),
        seeds_a=len(runs_a),
        seeds_b=len(runs_b),
        mean_a=float(a.mean()),
        mean_b=float(b.mean()),
        delta=e.interval,
        p=e.p,
        sd=e.sd,
        mde=mde(e.se, m, alpha=alpha),
        mirrors_training=meta.get("mirrors_training"),
    )
    if meta["kind"] == "gen":
        ref_a = np.array([[float(bool(r[i].get("refused"))) for i in ids] for r in runs_a])
        ref_b = np.array([[float(bool(r[i].get("refused"))) for i in ids] for r in runs_b])
        row.refusal_a, row.refusal_b = float(ref_a.mean()), float(ref_b.mean())
        keep = [j for j in range(len(ids)) if not ref_a[:, j].any() and not ref_b[:, j].any()]
        row.n_neither_refused = len(keep)
        if keep:
            row.delta_neither_refused = seeded_effect(a[:, keep], b[:, keep], fixed=fixed).interval
    return row


def compare_runs(
    dirs_a: Sequence[RunLike] | RunLike,
    dirs_b: Sequence[RunLike] | RunLike,
    *,
    name_a: str | None = None,
    name_b: str | None = None,
    positions: dict[str, str] | None = None,
    fixed_a: bool = False,
    fixed_b: bool = False,
    alpha: float = 0.05,
) -> Comparison:
    """Paired comparison of B against A over their common benchmarks and items; each side is one eval folder
    per training seed, or one fixed model (``fixed_a`` / ``fixed_b``: a model that was not trained here, such
    as the pre-RL model, has no seed variance). ``positions`` (benchmark -> position) defaults to A's first
    run's. A side with fewer than three training seeds makes every row descriptive (no p, no q)."""
    dirs_a = [dirs_a] if isinstance(dirs_a, (str, Path, EvalRun)) else list(dirs_a)
    dirs_b = [dirs_b] if isinstance(dirs_b, (str, Path, EvalRun)) else list(dirs_b)
    loaded_a, loaded_b = [load_run(d) for d in dirs_a], [load_run(d) for d in dirs_b]
    sa, sb = loaded_a[0][0], loaded_b[0][0]
    notes = []
    if sa.get("suite") != sb.get("suite"):
        notes.append(
            f"different suites: {name_a or 'A'} ran '{sa.get('suite')}', {name_b or 'B'} ran '{sb.get('suite')}'"
        )
    common = [n for n in sa["benchmarks"] if all(n in recs for _, recs in loaded_a + loaded_b)]
    left_out = sorted({n for s, _ in loaded_a + loaded_b for n in s["benchmarks"]} - set(common))
    if left_out:
        notes.append(f"benchmarks not in every run (left out): {', '.join(left_out)}")
    positions = positions or {n: sa["benchmarks"][n].get("position", IN_RANGE) for n in common}
    metas = {n: sa["benchmarks"][n] for n in common}
    m = sum(
        1
        for n in common
        if metas[n].get("independent")
        and not metas[n].get("descriptive")
        and not metas[n].get("capability")
        and positions.get(n) == IN_RANGE
    ) or len(common)
    rows = []
    for name in common:
        row = _row(
            name,
            metas[name],
            positions.get(name, IN_RANGE),
            [recs[name] for _, recs in loaded_a],
            [recs[name] for _, recs in loaded_b],
            (fixed_a, fixed_b),
            m,
            alpha,
        )
        if row is None:
            notes.append(f"{name}: no item scored in every run; not compared")
            continue
        rows.append(row)
    head = [r for r in rows if r.headline and r.p is not None]
    for row, q in zip(head, bh([r.p for r in head])):
        row.q = q
    a, b = name_a or str(EvalRun.of(dirs_a[0]).path), name_b or str(EvalRun.of(dirs_b[0]).path)
    return Comparison(a=a, b=b, rows=rows, alpha=alpha, notes=notes)
