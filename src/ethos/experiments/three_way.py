"""The three-way table: trait RL (the treatment), deliberative alignment and the constitution, each against the
compute-matched baseline and against each other, on every measure the study took.

One row per measure, one column per (reference → arm) pair, each cell the paired change ``arm − reference``
with its 95% interval, and a p-value only where both trained sides have at least three seeds (the statistics
functions decide; a cell without one says "descriptive"). Measures: the headline panel (benchmarks improved
of those compared, significant either way), held-out skeletons and held-out domains (the training reward on
situations and domains never trained on: the domain transfer), every persona and harmful fine-tune in
``persistence`` (positive = the arm held up better; arms outside the persistence pair are attacked when
``persistence.also`` names them) and the jailbreak grid's goodness@q. A measure that was not taken for a pair
says so, never a 0.
"""

from __future__ import annotations

from ethos.evals.effects import delta, scores_from_records
from ethos.evals.eval_run import EvalRun
from ethos.report.results import ThreeWay
from ethos.train.arms import BASELINE, CONSTITUTION, DELIBERATIVE, TREATMENT

METHODS = (TREATMENT, DELIBERATIVE, CONSTITUTION)
NOT_MEASURED = "not measured"


def pairs_of(arms) -> list[tuple[str, str]]:
    """(reference, arm): each method against the baseline, then each against the methods before it."""
    present = [m for m in METHODS if m in arms]
    return [(BASELINE, m) for m in present] + [(a, b) for i, b in enumerate(present) for a in present[:i]]


def cell(interval, p, q=None) -> str:
    if interval is None or not interval.n:
        return NOT_MEASURED
    text = f"{interval.value:+.3f} [{interval.low:+.3f}, {interval.high:+.3f}]"
    if p is None:
        return text + " (descriptive)"
    return text + f", p = {p:.2g}" + ("" if q is None else f", q = {q:.2g}")


def headline_cell(comparisons, a: str, b: str) -> str:
    comp = next((c for c in comparisons if (c.a, c.b) == (a, b)), None)
    if comp is None or not comp.headline_rows:
        return NOT_MEASURED
    n = len(comp.headline_rows)
    if comp.descriptive:
        return f"better on {comp.improved} of {n} (descriptive)"
    return f"better on {comp.improved} of {n}; significant: {comp.sig_better} better, {comp.sig_worse} worse"


def contrast_cell(contrasts, test: str, a: str, b: str) -> str:
    """A persistence contrast read as ``b`` against ``a`` (positive = ``b`` held up better)."""
    for c in contrasts:
        if c.test != test:
            continue
        if (c.comparison, c.treated) == (a, b):
            return cell(c.diff, c.p, c.q)
        if (c.comparison, c.treated) == (b, a):
            flipped = type(c.diff)(-c.diff.value, -c.diff.high, -c.diff.low, c.diff.n)
            return cell(flipped, c.p, c.q)
    return NOT_MEASURED


def _heldout(study, a: str, b: str, stream: str) -> str:
    bench = f"heldout.{stream}"
    runs = [[EvalRun(study.eval_dir(r, "heldout")) for r in study.cfg.runs(x)] for x in (a, b)]
    scores = [[scores_from_records(run.records([bench])) for run in side if run.exists()] for side in runs]
    if not all(scores):
        return NOT_MEASURED
    return cell(*delta(scores[0], scores[1], benchmarks=[bench]))


def three_way(study, res) -> ThreeWay | None:
    """The table for the study's methods (``None`` when fewer than two of them were trained)."""
    pairs = pairs_of(study.arms)
    if len([m for m in METHODS if m in study.arms]) < 2:
        return None
    columns = [f"{b} vs {a}" for a, b in pairs]
    rows: dict[str, dict[str, str]] = {}

    def row(measure: str, fn) -> None:
        rows[measure] = {col: fn(a, b) for col, (a, b) in zip(columns, pairs)}

    row("headline benchmarks", lambda a, b: headline_cell(res.comparisons, a, b))
    if study.cfg.heldout:
        row("held-out skeletons (trait reward)", lambda a, b: _heldout(study, a, b, "skeletons"))
        if study.cfg.heldout.heldout_domains:
            row("domain transfer: held-out domains (trait reward)", lambda a, b: _heldout(study, a, b, "heldout"))
    for test in dict.fromkeys(c.test for c in res.contrasts):
        row(test, lambda a, b, t=test: contrast_cell(res.contrasts, t, a, b))
    seeds = {arm: len(study.cfg.runs(arm)) for arm in [BASELINE, *(m for m in METHODS if m in study.arms)]}
    return ThreeWay(columns=columns, rows=rows, seeds=seeds)
