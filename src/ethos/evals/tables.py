"""Rich tables for a run summary, a comparison and a validity report (what the CLI prints)."""

from __future__ import annotations

from collections import defaultdict

from rich.table import Table

from ethos.evals.compare import Comparison
from ethos.evals.validity import ValidityReport


def _f(x, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def summary_table(summary: dict) -> Table:
    t = Table(title=f"{summary['model']} on {summary['suite']} ({summary['seconds']} s)")
    for col in ("benchmark", "kind", "n", "mean", "95% CI", "refused", "position"):
        t.add_column(col, overflow="fold")
    for name, r in summary["benchmarks"].items():
        t.add_row(
            name,
            r["kind"],
            str(r["n"]),
            _f(r["mean"]),
            f"[{_f(r['low'], 2)}, {_f(r['high'], 2)}]",
            _f(r.get("refusal_rate"), 2),
            r["position"].replace("_", " "),
        )
    return t


def category_table(summary: dict) -> Table:
    """Mean score per category (unweighted mean of its benchmarks)."""
    by_cat: dict[str, list[float]] = defaultdict(list)
    for r in summary["benchmarks"].values():
        if r["mean"] is not None:
            by_cat[r["category"]].append(r["mean"])
    t = Table(title="mean score by category")
    for col in ("category", "benchmarks", "mean"):
        t.add_column(col)
    for cat, means in sorted(by_cat.items()):
        t.add_row(cat, str(len(means)), _f(sum(means) / len(means)))
    return t


def _delta(r, alpha: float) -> str:
    color = "green" if r.delta.value > 0 else "red"
    text = f"{r.delta.value:+.3f} [{r.delta.low:+.2f}, {r.delta.high:+.2f}]"
    return f"[{color}]{text}[/]" if r.significant(alpha) else text


def comparison_table(comp: Comparison) -> Table:
    """Headline rows (independent graders, reference in range) with q-values; the rest below, with the reason."""
    sa, sb = comp.seeds
    t = Table(title=f"B = {comp.b} vs A = {comp.a} ({sa} vs {sb} seed{'s' if max(sa, sb) > 1 else ''})")
    for col in ("benchmark", "n", "A", "B", "Δ B−A [95% CI]", "q", "MDE"):
        t.add_column(col, overflow="fold")
    for r in comp.headline_rows:
        t.add_row(r.benchmark, str(r.n), _f(r.mean_a), _f(r.mean_b), _delta(r, comp.alpha), _f(r.q, 3), _f(r.mde, 3))
    apart = [r for r in comp.rows if not r.headline]
    if apart:
        t.add_section()
        for r in apart:
            t.add_row(
                f"{r.benchmark} [dim]({r.set_apart})[/]",
                str(r.n),
                _f(r.mean_a),
                _f(r.mean_b),
                _delta(r, comp.alpha),
                "—",
                _f(r.mde, 3),
            )
    return t


def refusal_table(comp: Comparison) -> Table | None:
    """Generation rows: refusal rates and the effect on items neither model refused."""
    rows = [r for r in comp.rows if r.refusal_a is not None]
    if not rows:
        return None
    t = Table(title=f"refusals: {comp.b} vs {comp.a}")
    for col in ("benchmark", "refused A", "refused B", "n neither", "Δ neither refused"):
        t.add_column(col, overflow="fold")
    for r in rows:
        d = r.delta_neither_refused
        t.add_row(
            r.benchmark,
            _f(r.refusal_a, 2),
            _f(r.refusal_b, 2),
            str(r.n_neither_refused),
            "—" if d is None else f"{d.value:+.3f} [{d.low:+.2f}, {d.high:+.2f}]",
        )
    return t


def validity_table(report: ValidityReport) -> Table:
    t = Table(
        title=f"validity: {report.n_sensitive} of {len(report.rows)} benchmarks sensitive, {report.n_wrong_way} "
        f"moved the wrong way ({report.good} vs {report.bad} persona)"
    )
    for col in ("benchmark", "position", "plain", report.good, report.bad, "q", "sensitive", "grader sep."):
        t.add_column(col, overflow="fold")
    for r in report.rows:
        t.add_row(
            r.benchmark,
            r.position.replace("_", " "),
            _f(r.mean_plain, 2),
            _f(r.mean_good, 2),
            _f(r.mean_bad, 2),
            _f(r.q, 3),
            "yes" if r.sensitive else "no",
            _f(r.separation, 2),
        )
    return t
