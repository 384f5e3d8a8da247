"""The head-to-head of the methods: the three-way table (HTML and Markdown) and the constitution arm's panel."""

from __future__ import annotations

from html import escape

from ethos.report.results import StudyResults
from ethos.report.tables import html_table

INTRO = (
    "Trait RL (per-example rubrics), deliberative alignment (a written safety policy) and the constitution (one set "
    "of first-person principles) at the treatment's prompts, dose and token budget, each against the compute-"
    "matched baseline and against each other. A cell is the paired change of the first-named arm minus the second "
    "with its 95% interval; persistence rows are differences in degradation (positive = the first-named arm held up "
    "better). A p-value is given only when both trained sides have three or more seeds; otherwise the cell is "
    "descriptive."
)


def _seeds(res: StudyResults) -> str:
    return ", ".join(f"{a} {n}" for a, n in res.three_way.seeds.items())


def three_way_html(res: StudyResults) -> list[str]:
    t = res.three_way
    if t is None:
        return []
    rows = [[escape(m)] + [escape(cells.get(c, "not measured")) for c in t.columns] for m, cells in t.rows.items()]
    return [
        "<h2>Three ways to shape character</h2>",
        f"<p>{escape(INTRO)} Training seeds: {escape(_seeds(res))}.</p>",
        html_table(["measure", *t.columns], rows),
    ]


def three_way_markdown(res: StudyResults) -> list[str]:
    t = res.three_way
    if t is None:
        return []
    lines = ["", "## Three ways to shape character", "", f"Training seeds: {_seeds(res)}.", ""]
    lines += ["| measure | " + " | ".join(t.columns) + " |", "|---" * (len(t.columns) + 1) + "|"]
    lines += [
        f"| {m} | " + " | ".join(cells.get(c, "not measured") for c in t.columns) + " |" for m, cells in t.rows.items()
    ]
    return lines


def constitution_html(res: StudyResults) -> list[str]:
    """Per seed: prompts revised, revisions kept and why the rest were dropped, the RL budget, the judge's calls."""
    if not res.constitution:
        return []
    rows = []
    for run, d in res.constitution.items():
        rev, budget, judge = d.get("revise", {}), d.get("rl budget", {}), d.get("judge", {})
        dropped = ", ".join(f"{k} {v}" for k, v in rev.get("dropped", {}).items()) or "—"
        fixed = ", ".join(f"{k} {v}" for k, v in rev.get("fixed", {}).items()) or "—"
        rows.append(
            [
                escape(run),
                escape(str(rev.get("critic", "—"))),
                f"{rev.get('kept', 0)} of {rev.get('prompts', 0)}",
                escape(dropped),
                escape(fixed),
                "skipped (nothing kept)" if d.get("tuning skipped") else "trained",
                escape(f"{budget.get('steps', '—')} ({budget.get('why', '')})"),
                escape(f"{judge.get('calls', 0)} calls, {judge.get('unscored', 0)} unscored"),
            ]
        )
    header = ["run", "critic", "revisions kept", "dropped", "cleaned", "tuning", "RL steps", "judge"]
    return [
        "<h2>The constitution arm</h2>",
        "<p>The policy drafted a reply to each trait prompt; the critic critiqued it against a principle drawn for "
        "the prompt and rewrote it; each revision was cleaned (leaked 'here is a revised response' prefixes, "
        "invented turns, a cut-off tail) and dropped when unusable. Tuning saw the kept revisions without the "
        "constitution in context; RL's trait reward was a judge reading the reply and the drawn principle, never "
        "the rubric. Every pair is in <code>arms/&lt;run&gt;/revisions.jsonl</code>, every verdict in "
        "<code>arms/&lt;run&gt;/rl/judge.jsonl</code>. A 135M critic and judge are weak: read the counts.</p>",
        html_table(header, rows),
    ]
