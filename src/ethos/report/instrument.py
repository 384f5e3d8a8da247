"""The report's section on the instrument itself: is each grader independent of training, does it agree
with people where people labelled replies, and can each benchmark move on the pre-RL model."""

from __future__ import annotations

from html import escape

from ethos.report.results import StudyResults
from ethos.report.tables import html_table, num


def instrument(res: StudyResults) -> list[str]:
    return _headline_choice(res) + _coupling(res) + _agreement(res) + _validity(res)


def _coupling(res: StudyResults) -> list[str]:
    if not res.coupling:
        return []
    rows = [
        [
            escape(c.benchmark),
            escape(c.grader),
            "yes" if c.independent else "no",
            num(c.overlap, ".1%"),
            escape("; ".join(c.shared[:2])),
            escape(", ".join(repr(t) for t in c.grader_terms_in_rewards)) or "—",
            escape(", ".join(f"{t} {v:.0%}" for t, v in c.references_refused.items() if v)) or "—",
        ]
        for c in res.coupling
    ]
    return [
        "<h3>Independence of the instrument</h3>",
        "<p>Grader of each benchmark, the share of its items sharing an 8-word n-gram with training text, the "
        "grader's match terms that also occur (token for token) in the training rewards' and skeletons' words, "
        "and — for a refusal grader — the share of the training scenarios' reference replies it calls refusals, "
        "per trait: replies the reward wants that the instrument scores as refusals.</p>",
        html_table(
            [
                "benchmark",
                "grader",
                "independent",
                "overlap",
                "example",
                "grader terms in reward text",
                "reference replies called refusals",
            ],
            rows,
        ),
    ]


def _agreement(res: StudyResults) -> list[str]:
    if not res.grader_agreement:
        return []
    rows = [
        [
            escape(g.grader),
            f"{num(g.agreement.value)} ({num(g.agreement.low)}–{num(g.agreement.high)})",
            str(g.agreement.n),
            num(g.kappa),
            escape("; ".join(f"{k.split('_', 1)[-1].replace('_', ' ')} {v:.2f}" for k, v in g.by_class.items())),
            escape(g.labels),
        ]
        for g in res.grader_agreement
    ]
    return [
        "<h3>Graders against people</h3>",
        "<p>Each eval grader with published human labels, scored on every labelled reply "
        "(<code>ethos data public check-graders</code>).</p>",
        html_table(["grader", "agreement (95% CI)", "n", "kappa", "within each human label", "labels"], rows),
    ]


def _headline_choice(res: StudyResults) -> list[str]:
    h = res.headline_choice
    if not h:
        return []
    rule = h["rule"]
    rows = [
        [
            escape(name),
            escape(str(row.get("position", "")).replace("_", " ")),
            num(row.get("mean")),
            num(row.get("chance")),
            "headline" if name in h["chosen"] else ("watched" if name in h.get("watched", []) else "left out"),
            escape(h["left_out"].get(name, "")),
        ]
        for name, row in h["screen"].items()
    ]
    return [
        "<h3>How the headline was chosen</h3>",
        f"<p>By rule, on the pre-RL model before any trained model was scored: every {escape(str(rule['candidates']))} "
        f"benchmark screened at {rule['limit']} items; those in range entered"
        + (f" (at most {rule['max_benchmarks']})" if rule.get("max_benchmarks") else "")
        + (f"; watched whatever their position: {escape(', '.join(rule['watch']))}" if rule.get("watch") else "")
        + ".</p>",
        html_table(["benchmark", "pre-RL position", "pre-RL mean", "chance", "outcome", "why"], rows),
    ]


def _validity(res: StudyResults) -> list[str]:
    if not res.validity:
        return []
    rows = [
        [
            escape(v.benchmark),
            escape(v.position.replace("_", " ")),
            num(v.mean_plain),
            num(v.mean_good),
            num(v.mean_bad),
            num(v.persona_delta),
            num(v.q),
            "yes" if v.sensitive else "no",
        ]
        for v in res.validity
    ]
    return [
        "<h3>Can the benchmarks move? (pre-RL model)</h3>",
        "<p>Each benchmark plain and under a good- and a bad-behaviour persona; sensitive = good − bad &gt; 0 with "
        "q &lt; 0.05.</p>",
        html_table(
            ["benchmark", "position", "plain", "good persona", "bad persona", "good − bad", "q", "sensitive"], rows
        ),
    ]
