"""The report's sentences: headline, significance and the honesty caveats.

Written once here so the HTML page and ``summary.md`` say exactly the same thing. A result that is
not significant is called that; arms whose recorded compute differs are called not compute-matched;
a single-seed or few-item result says so.
"""

from __future__ import annotations

from collections import defaultdict

from ethos.report.numbers import ci
from ethos.report.results import Comparison, PersistenceContrast, StudyResults, TrainingCurve
from ethos.train.arms import TREATMENT

MATCH_TOLERANCE = 0.05  # relative difference in tokens or seconds above which arms are called unmatched


def p_text(p: float | None) -> str:
    return "" if p is None else f", p = {p:.3g}"


def refusal_sentence(comp: Comparison) -> str | None:
    rows = [r for r in comp.headline_rows if r.delta_neither_refused is not None]
    if not rows:
        return None
    better = sum(r.delta_neither_refused.value > 0 for r in rows)
    return (
        f"On items where neither model refused, {comp.b} scored higher than {comp.a} on {better} of {len(rows)} "
        "headline generation benchmarks (so a win does not come from refusing more)."
    )


def compute_match(curves: list[TrainingCurve]) -> str:
    """Say whether the trained RL arms used the same compute, from the tokens and seconds they recorded."""
    known = [c for c in curves if c.tokens is not None]  # the deliberative arm's RL too (its SFT is shown apart)
    total = sorted({c.arm for c in known if c.pre_rl_tokens})
    if len(known) < 2:
        return "Compute matching could not be checked: fewer than two arms recorded their token counts."
    parts, unmatched = [], False
    for attr, unit in (("tokens", "tokens"), ("seconds", "s")):
        per_arm: dict[str, list[float]] = defaultdict(list)
        for c in known:
            if getattr(c, attr) is not None:  # an arm matched in total adds its stages before RL (drafts, tuning...)
                per_arm[c.arm].append(getattr(c, attr) + (c.pre_rl_tokens if attr == "tokens" else 0))
        vals = {a: sum(v) / len(v) for a, v in per_arm.items()}
        if len(vals) < 2:
            continue
        lo, hi = min(vals.values()), max(vals.values())
        rel = (hi - lo) / hi if hi else 0.0
        if attr == "tokens":
            unmatched |= rel > MATCH_TOLERANCE
        parts.append(", ".join(f"{a} {v:,.0f} {unit}" for a, v in vals.items()) + f" (spread {rel:.0%})")
    verdict = (
        "Arms were NOT compute-matched in tokens" if unmatched else "Arms were compute-matched within 5% in tokens"
    )
    return (
        f"{verdict}: the same prompts per step, group size, token limit and seeds, and steps set per arm so that "
        "tokens match (compute_match: tokens) or shared (compute_match: steps); per seed "
        + "; ".join(parts)
        + (f" ({', '.join(total)}: RL plus the drafts, critiques, revisions and tuning before it)" if total else "")
        + ". Wall seconds vary with the machine's load and are shown for information."
    )


def heldout_sentence(res: StudyResults) -> str | None:
    """Did the treatment learn its own objective on situations it never saw? (held-out skeletons)"""
    rows = [h for h in res.heldout if h.model == TREATMENT and h.stream.startswith("trait (held-out skeletons")]
    if not rows:
        return None
    h = rows[0]
    parts = [f"mean {h.mean:.3f}"]
    if h.vs_pre is not None:
        parts.append(f"vs pre {ci(h.vs_pre)}")
    if h.vs_baseline is not None:
        parts.append(f"vs baseline {ci(h.vs_baseline)}")
    where = "" if h.held_out else " (not held out: it shares too much text with training)"
    return (
        f"Trait reward of the treatment on held-out skeletons{where}, {h.seeds} seed(s), by the training grader: "
        + ", ".join(parts)
        + "."
    )


def contrast_sentence(c: PersistenceContrast) -> str:
    if c.p is None:
        sig = "descriptive (fewer than 3 training seeds a side: no test)"
    else:
        sig = "significant (CI excludes 0)" if c.diff.significant else "not significant (CI includes 0)"
        sig += "" if c.q is None else f", q={c.q:.3g} across the persistence contrasts"
    expect = "" if c.harmful else " — a helpful persona should move both models alike"
    seeds_text = "one seed per arm" if c.seeds == 1 else f"{c.seeds} seeds per arm"
    what = (
        f"goodness {c.treated} − {c.comparison}"
        if c.test.startswith("jailbreak")
        else f"difference in degradation {c.comparison} − {c.treated}"
    )
    return f"{c.test}: {what} = {ci(c.diff)}{p_text(c.p)}, {sig}, {seeds_text}, {c.diff.n} items{expect}."


def statements(res: StudyResults) -> list[str]:
    """Every sentence the summary and the report's honesty box lead with, in order."""
    out = []
    if res.comparisons:
        head = res.comparisons[0]
        out.append(f"Headline ({res.headline_suite or 'suite'}): {head.headline()}")
        r = refusal_sentence(head)
        if r:
            out.append(r)
    out.append(compute_match(res.curves))
    learned = heldout_sentence(res)
    if learned:
        out.append(learned)
    for c in res.contrasts:
        out.append(contrast_sentence(c))
    if res.finetune_comparison:
        out.append(f"Harmful fine-tuning compared the treated model against: {res.finetune_comparison}.")
    for j in res.jailbreaks:
        nor = "not measured" if j.not_overrefuse is None else f"{j.not_overrefuse:.3f}"
        out.append(
            f"{j.model}: goodness@{j.quantile:g} {ci(j.goodness)} over {j.goodness.n} prompts; not-over-refuse {nor}."
        )
    out.extend(res.notes)
    return out
