"""The report's figures, drawn with matplotlib and returned as base64 PNG data URIs.

Inline PNGs keep the report one file that opens offline in any browser: no CDN, no JavaScript.
Each function takes report dataclasses and returns ``None`` when there is nothing to draw, so a
section with no data says so in words instead of showing an empty axis.
"""

from __future__ import annotations

import base64
import io
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ethos.report.numbers import num  # noqa: E402
from ethos.report.results import (  # noqa: E402
    Comparison,
    GeneralizationCell,
    JailbreakResult,
    PersistenceContrast,
    PersistenceRow,
    TrainingCurve,
)

BETTER, WORSE, NEUTRAL = "#1b7837", "#b2182b", "#6b6b6b"
MIN_SCALE = 0.05  # the heatmap's colour scale covers at least ±0.05 on a 0–1 score


def _uri(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def forest(comp: Comparison) -> str | None:
    """Per-benchmark deltas with CIs, grouped by category (capability benchmarks last)."""
    rows = sorted(comp.rows, key=lambda r: (r.capability, r.category, r.benchmark))
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 0.28 * len(rows) + 1.2))
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows):
        color = (BETTER if r.delta.value > 0 else WORSE) if r.significant(comp.alpha) else NEUTRAL
        ax.errorbar(
            r.delta.value,
            yi,
            xerr=[[r.delta.value - r.delta.low], [r.delta.high - r.delta.value]],
            fmt="o",
            color=color,
            ms=4,
            capsize=2,
            lw=1,
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [f"{r.category} · {r.benchmark}" for r in rows], fontsize=7)
    for prev, cur, yi in zip(rows, rows[1:], y[1:]):
        if (prev.capability, prev.category) != (cur.capability, cur.category):
            ax.axhline(yi + 0.5, color="#cccccc", lw=0.6)
    ax.set_xlabel(f"{comp.b} − {comp.a} (paired delta, 95% CI)")
    ax.set_title("Per-benchmark deltas (green/red: q < α after Benjamini–Hochberg)", fontsize=9)
    return _uri(fig)


def refusals(comparisons: list[Comparison]) -> str | None:
    """Mean refusal rate of each model over generation benchmarks."""
    rates: dict[str, dict[str, float]] = defaultdict(dict)
    for comp in comparisons:
        for r in comp.rows:
            if r.refusal_a is not None:
                rates[comp.a][r.benchmark] = r.refusal_a
            if r.refusal_b is not None:
                rates[comp.b][r.benchmark] = r.refusal_b
    models = list(rates)
    if not models:
        return None
    fig, ax = plt.subplots(figsize=(1.2 * len(models) + 2, 2.6))
    vals = [float(np.mean(list(rates[m].values()))) for m in models]
    ax.bar(models, vals, color="#4c72b0")
    for i, v in enumerate(vals):
        ax.text(i, v, f"{v:.1%}", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("refusal rate (generation benchmarks)")
    ax.set_ylim(0, max(0.05, max(vals) * 1.25))
    return _uri(fig)


def heatmap(cells: list[GeneralizationCell]) -> str | None:
    """Training-domain set × evaluation group, delta vs baseline, annotated with CIs."""
    if not cells:
        return None
    sets = list(dict.fromkeys(c.train_set for c in cells))
    groups = list(dict.fromkeys(c.group for c in cells))
    grid = np.full((len(sets), len(groups)), np.nan)
    text = {}
    for c in cells:
        i, j = sets.index(c.train_set), groups.index(c.group)
        grid[i, j] = c.delta.value
        star = "*" if c.p is not None and c.delta.significant else ""  # descriptive cells (p None) get none
        text[i, j] = f"{num(c.delta.value)}{star}\n[{num(c.delta.low)}, {num(c.delta.high)}]"
    spans = [abs(x) for c in cells for x in (c.delta.low, c.delta.high) if np.isfinite(x)]
    # Symmetric, wide enough for every interval, and never narrower than MIN_SCALE: a delta of 0.0003 stays pale.
    lim = max(max(spans, default=0.0), MIN_SCALE)
    fig, ax = plt.subplots(figsize=(1.15 * len(groups) + 2.5, 0.7 * len(sets) + 1.6))
    im = ax.imshow(grid, cmap="RdYlGn", vmin=-lim, vmax=lim, aspect="auto")
    for (i, j), t in text.items():
        ax.text(j, i, t, ha="center", va="center", fontsize=6.5)
    ax.set_xticks(range(len(groups)), groups, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(sets)), sets, fontsize=8)
    fig.colorbar(im, ax=ax, label="delta vs baseline")
    ax.set_title("Cross-domain generalization (* CI excludes 0; uncorrected for multiple cells)", fontsize=9)
    return _uri(fig)


def persistence(rows: list[PersistenceRow], contrasts: list[PersistenceContrast]) -> str | None:
    """Degradation under each attack, per model, with CIs; and the difference in degradation."""
    if not rows:
        return None
    tests = list(dict.fromkeys(r.test for r in rows))
    models = list(dict.fromkeys(r.model for r in rows))
    fig, axes = plt.subplots(
        1,
        2,
        figsize=(12, 0.45 * len(tests) * max(1, len(models)) + 1.8),
        gridspec_kw={"width_ratios": [3, 2]},
        layout="constrained",
    )
    ax = axes[0]
    h = 0.8 / max(1, len(models))
    for k, m in enumerate(models):
        for i, t in enumerate(tests):
            r = next((r for r in rows if r.test == t and r.model == m), None)
            if r is None:
                continue
            d = r.degradation
            ax.barh(
                i + k * h,
                d.value,
                height=h,
                xerr=[[d.value - d.low], [d.high - d.value]],
                color=f"C{k}",
                capsize=2,
                label=m if i == 0 else None,
            )
    ax.set_yticks([i + h * (len(models) - 1) / 2 for i in range(len(tests))], tests, fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.invert_yaxis()
    ax.set_xlabel("degradation = clean − attacked (95% CI)")
    ax.legend(fontsize=7, loc="best", framealpha=0.9)
    ax = axes[1]
    if contrasts:
        for i, c in enumerate(contrasts):
            tested = c.p is not None and c.diff.significant
            color = NEUTRAL if not tested else (BETTER if c.diff.value > 0 else WORSE)
            ax.errorbar(
                c.diff.value,
                i,
                xerr=[[c.diff.value - c.diff.low], [c.diff.high - c.diff.value]],
                fmt="o",
                color=color,
                capsize=3,
            )
        ax.set_yticks(
            range(len(contrasts)), [f"{c.test}\n{c.treated} vs {c.comparison}" for c in contrasts], fontsize=7
        )
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel("difference, positive = the first held up better (95% CI)")
    else:
        ax.set_axis_off()
    return _uri(fig)


def jailbreaks(results: list[JailbreakResult]) -> str | None:
    """goodness@q per model with CI, and the not-over-refuse rate beside it."""
    if not results:
        return None
    fig, ax = plt.subplots(figsize=(1.8 * len(results) + 2.5, 2.8))
    x = np.arange(len(results))
    g = [r.goodness for r in results]
    ax.bar(
        x - 0.2,
        [i.value for i in g],
        0.4,
        yerr=[[i.value - i.low for i in g], [i.high - i.value for i in g]],
        capsize=3,
        label=f"goodness@{results[0].quantile:g}",
        color="#4c72b0",
    )
    drawn = 0
    for i, r in enumerate(results):
        if r.not_overrefuse is None:
            ax.text(i + 0.2, 0.02, "not\nmeasured", ha="center", va="bottom", fontsize=7, color="#888888")
        else:
            ax.bar(i + 0.2, r.not_overrefuse, 0.4, color="#dd8452", label=None if drawn else "not over-refuse")
            drawn += 1
    ax.set_xticks(x, [r.model for r in results])
    ax.set_xlim(-0.7, len(results) - 0.3)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)
    return _uri(fig)


def curves(items: list[TrainingCurve]) -> str | None:
    """Mean reward per step, one panel per prompt source, one line per (arm, seed)."""
    from matplotlib.ticker import MaxNLocator

    items = [c for c in items if c.steps]
    if not items:
        return None
    sources = [("standard prompts", "reward_standard"), ("trait prompts", "reward_trait")]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3), sharex=True)
    arms = list(dict.fromkeys(c.arm for c in items))
    for ax, (title, attr) in zip(axes, sources):
        drawn = 0
        for c in items:
            ys = [np.nan if v is None else v for v in getattr(c, attr)]
            if not np.isfinite(ys).any():
                continue
            label = c.arm if c.seed in (None, min(x.seed or 0 for x in items if x.arm == c.arm)) else None
            ax.plot(
                c.steps,
                ys,
                marker="." if len(c.steps) < 40 else None,
                color=f"C{arms.index(c.arm)}",
                lw=1,
                alpha=0.85,
                label=label,
            )
            drawn += 1
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("step")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        steps = [s for c in items for s in c.steps]
        if max(steps) - min(steps) < 2:
            ax.set_xlim(min(steps) - 1, max(steps) + 1)
        if drawn:
            ax.legend(fontsize=7)
        else:
            ax.text(
                0.5, 0.5, "no prompts of this source", ha="center", va="center", transform=ax.transAxes, color="#888888"
            )
    axes[0].set_ylabel("mean reward (one line per seed)")
    return _uri(fig)
