"""Figures that show whether, and where, a training run learned: the diagnostics behind the curves.

A flat reward curve has many possible causes — groups that tie (no signal), a reward with too few
values, lines the policy never passes or always passes, a policy that stopped exploring — and each
shows in a different panel here. Seeds of an arm are averaged step by step.
"""

from __future__ import annotations

import warnings

import numpy as np

from ethos.report.plots import _uri, plt
from ethos.report.results import TrainingCurve
from ethos.train.arms import TREATMENT


def _mean(series: list[list[float | None]]) -> np.ndarray:
    width = max(len(s) for s in series)
    grid = np.full((len(series), width), np.nan)
    for i, s in enumerate(series):
        grid[i, : len(s)] = [np.nan if v is None else v for v in s]
    with warnings.catch_warnings():  # a step where no seed has a value stays NaN (not drawn)
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(grid, axis=0)


def _by_arm(items: list[TrainingCurve]) -> dict[str, list[TrainingCurve]]:
    out: dict[str, list[TrainingCurve]] = {}
    for c in items:
        if c.steps:
            out.setdefault(c.arm, []).append(c)
    return out


def diagnostics(items: list[TrainingCurve], arm: str = TREATMENT) -> str | None:
    """Four panels for one arm (seeds averaged): pass rate per check kind on trait prompts, the share of
    groups with no reward variance per source, entropy and adapter norm, and the trait reward histogram."""
    runs = _by_arm(items).get(arm)
    if not runs:
        return None
    fig, axes = plt.subplots(1, 4, figsize=(15, 3))
    ax = axes[0]
    for kind in sorted({k for c in runs for k in c.kind_pass}):
        ys = _mean([c.kind_pass.get(kind, []) for c in runs])
        ax.plot(range(len(ys)), ys, lw=1, label=kind)
    ax.set_title(f"{arm}: trait lines passed, by check kind", fontsize=9)
    ax.set_ylim(-0.02, 1.02)
    if ax.lines:
        ax.legend(fontsize=6, ncol=2)
    ax = axes[1]
    for name, attr in (("standard", "zero_variance_standard"), ("trait", "zero_variance_trait")):
        ys = _mean([getattr(c, attr) for c in runs])
        if np.isfinite(ys).any():
            ax.plot(range(len(ys)), ys, lw=1, label=name)
    ax.set_title("groups with zero reward variance", fontsize=9)
    ax.set_ylim(-0.02, 1.02)
    if ax.lines:
        ax.legend(fontsize=7)
    ax = axes[2]
    ent = _mean([c.entropy for c in runs])
    ax.plot(range(len(ent)), ent, color="C0", lw=1, label="entropy (nats/token)")
    ax.set_title("entropy and adapter norm", fontsize=9)
    twin = ax.twinx()
    norm = _mean([c.adapter_norm for c in runs])
    twin.plot(range(len(norm)), norm, color="C3", lw=1, label="adapter norm")
    ax.legend(handles=ax.lines + twin.lines, fontsize=7)
    ax = axes[3]
    hists = [c.reward_hist.get("trait") for c in runs if c.reward_hist.get("trait")]
    if hists:
        first = np.sum([h[0] for h in hists], axis=0)
        second = np.sum([h[1] for h in hists], axis=0)
        x = np.arange(len(first))
        ax.bar(x - 0.2, first / max(first.sum(), 1), width=0.4, label="first half")
        ax.bar(x + 0.2, second / max(second.sum(), 1), width=0.4, label="second half")
        ax.set_xticks(x, [f"{i / len(x):.1f}–{(i + 1) / len(x):.1f}" for i in x], fontsize=7)
        ax.legend(fontsize=7)
    ax.set_title("trait reward distribution", fontsize=9)
    for ax in axes[:3]:
        ax.set_xlabel("step")
    return _uri(fig)


def line_curves(items: list[TrainingCurve], arm: str = TREATMENT) -> str | None:
    """Per rubric line of the trait prompts (seeds pooled): pass rate in each third of the run, as a heatmap
    sorted by change, so lines that were learned, unlearned or never moved can be told apart."""
    runs = _by_arm(items).get(arm)
    if not runs:
        return None
    keys = sorted({k for c in runs for k in c.line_pass})
    if not keys:
        return None
    grid = np.array([_mean([c.line_pass.get(k, []) for c in runs if k in c.line_pass]) for k in keys])
    change = np.nan_to_num(grid[:, -1] - grid[:, 0])
    order = np.argsort(-change)
    grid, labels = grid[order], [keys[i] for i in order]
    fig, ax = plt.subplots(figsize=(6.5, 0.16 * len(keys) + 1.2))
    im = ax.imshow(np.ma.masked_invalid(grid), aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(range(len(labels)), labels, fontsize=5)
    ax.set_xticks(range(grid.shape[1]), [f"third {i + 1}" for i in range(grid.shape[1])], fontsize=7)
    ax.set_title(f"{arm}: pass rate of each trait rubric line over the run (sorted by change)", fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.04)
    return _uri(fig)
