"""Render a study as one self-contained HTML page and a short ``summary.md``.

The page needs no network to view: CSS is inline, figures are base64 PNGs, there is no
JavaScript. Everything shown comes from a :class:`StudyResults`, so a finished run's report can be
rebuilt from its ``results.json`` alone.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ethos.files import write_text
from ethos.report import learning_plots, plots
from ethos.report.instrument import instrument
from ethos.report.methods import constitution_html, three_way_html, three_way_markdown
from ethos.report.numbers import ci
from ethos.report.results import Comparison, StudyResults
from ethos.report.statements import statements
from ethos.report.tables import figure, html_table, kv_table, num

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .55em;
text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.better{color:#1b7837;
font-weight:600}.worse{color:#b2182b;font-weight:600}.apart{color:#666}
.honesty{background:#fff8e1;border:1px solid #f0d58c;padding:.6em 1.2em}
.limits{background:#fdecea;border:1px solid #f3b7b0;padding:.6em 1.2em}
.headline{font-size:1.15em;background:#eef4fb;border-left:4px solid #4c72b0;padding:.6em 1em}
pre{background:#f7f7f7;padding:.8em;overflow:auto;font-size:.8em}img{max-width:100%}.missing{color:#888;
font-style:italic}
"""


def _comparison_table(comp: Comparison) -> str:
    rows, classes = [], []
    for r in comp.headline_rows + [r for r in comp.rows if not r.headline]:
        cls = ("better" if r.delta.value > 0 else "worse") if r.significant(comp.alpha) else ""
        why = r.set_apart
        rows.append(
            [
                escape(r.benchmark),
                escape(r.category),
                str(r.n),
                f"{r.seeds_a}/{r.seeds_b}",
                num(r.mean_a),
                num(r.mean_b),
                f"<span class='{cls}'>{escape(ci(r.delta))}</span>",
                num(r.sd),
                num(r.mde),
                num(r.p),
                num(r.q),
                num(r.refusal_a, ".0%"),
                num(r.refusal_b, ".0%"),
                escape(why or "headline"),
            ]
        )
        classes.append("apart" if why else "")
    header = [
        "benchmark",
        "category",
        "n items",
        "seeds A/B",
        comp.a,
        comp.b,
        "delta (95% CI)",
        "SD",
        "MDE",
        "p",
        "q (BH)",
        f"refused {comp.a}",
        f"refused {comp.b}",
        "in headline?",
    ]
    return html_table(header, rows, classes)


def _section_comparisons(comps: list[Comparison], title: str, intro: str) -> list[str]:
    parts = [f"<h2>{escape(title)}</h2><p>{escape(intro)}</p>"]
    for comp in comps:
        parts.append(f"<h3>{escape(comp.b)} vs {escape(comp.a)}</h3><p>{escape(comp.headline())}</p>")
        parts.append(figure(plots.forest(comp), f"forest plot {comp.b} vs {comp.a}"))
        parts.append(_comparison_table(comp))
        parts += [f"<p class='missing'>{escape(n)}</p>" for n in comp.notes]
    return parts


def _design(res: StudyResults) -> list[str]:
    if not res.design:
        return []
    rows = [
        [
            escape(d.arm),
            escape(d.description),
            num(d.dose, ".2f"),
            escape(", ".join(map(str, d.seeds))),
            num(d.prompts_per_seed.get("standard"), ".0f"),
            num(d.prompts_per_seed.get("trait"), ".0f"),
            escape(d.skeletons or "—"),
            num(d.tokens_per_seed, ",.0f"),
            escape(", ".join(f"{k} {v:,.0f}" for k, v in d.other_tokens_per_seed.items()) or "—"),
            num(d.seconds_per_seed, ",.0f"),
        ]
        for d in res.design
    ]
    header = [
        "arm",
        "what it is",
        "dose",
        "seeds",
        "standard prompts / seed",
        "trait prompts / seed",
        "skeletons seen",
        "RL tokens / seed",
        "other stages' tokens / seed",
        "seconds / seed",
    ]
    return ["<h2>Design</h2>", html_table(header, rows)]


def _heldout(res: StudyResults) -> list[str]:
    if not res.heldout:
        return []
    rows = [
        [
            escape(h.stream),
            escape(h.model),
            str(h.seeds),
            num(h.mean),
            "—" if h.vs_pre is None else escape(ci(h.vs_pre)),
            "—" if h.vs_baseline is None else escape(ci(h.vs_baseline)),
            "—" if h.ngram_overlap is None else f"{h.ngram_overlap:.0%}" + ("" if h.held_out else " (not held out)"),
        ]
        for h in res.heldout
    ]
    return [
        "<h2>Did RL improve its own objective?</h2>",
        "<p>Held-out prompts of each training stream, graded by the training graders themselves. This is a "
        "diagnostic of training, not evidence of a beneficial trait: the graders are the rewards. Held-out "
        "skeletons are situations no arm trained on; held-out domains are trained situations in domains no arm "
        "trained on; the training-domain split is trained situations with new details. Overlap is the share of "
        "a stream's 8-word n-grams found in training text; above the stated limit a stream is not called held "
        "out.</p>",
        html_table(["stream", "model", "seeds", "mean reward", "vs pre", "vs baseline", "8-gram overlap"], rows),
    ]


def _gaming(res: StudyResults) -> list[str]:
    if not res.gaming:
        return []
    rows = [
        [
            escape(g.model),
            str(g.seeds),
            "—" if g.blanket_rate is None else f"{g.blanket_rate:.0%} of {g.contrast_items}",
            "—" if g.stock_share is None else f"{g.stock_share:.0%} of {g.replies}",
        ]
        for g in res.gaming
    ]
    return [
        "<h3>Is the trait reward gamed?</h3>",
        "<p>Blanket rate: contrast replies (where hedging, refusing, referring or crisis resources are wrong) that "
        "show a behaviour their own rubric rules out. Stock share: trait replies made mostly of sentences that "
        "recur across replies. Neither should rise over pre.</p>",
        html_table(["model", "seeds", "blanket rate (contrast items)", "stock-phrase share"], rows),
    ]


def _generalization(res: StudyResults) -> list[str]:
    parts = [
        "<h2>Cross-domain generalization</h2>",
        "<p>Rows: the trait data each arm trained on. Columns: the domain of the <em>evaluation item</em> "
        "(headline benchmarks), and the held-out-domain trait scenarios graded by the trait reward. Cells: "
        "paired change vs the baseline, seeds pooled. Intervals are not corrected for the number of cells.</p>",
        figure(plots.heatmap(res.generalization), "generalization matrix"),
    ]
    if res.generalization:
        rows = [
            [escape(c.train_set), escape(c.group), str(c.delta.n), escape(ci(c.delta)), num(c.p)]
            for c in res.generalization
        ]
        parts.append(html_table(["trained on", "evaluated on", "n items", "delta vs baseline", "p"], rows))
    return parts


def _persistence(res: StudyResults) -> list[str]:
    parts = [
        "<h2>Selective persistence</h2>",
        figure(plots.persistence(res.persistence, res.contrasts), "persistence"),
    ]
    if res.persistence:
        rows = [
            [escape(p.test), escape(p.model), str(p.seeds), num(p.clean), num(p.attacked), escape(ci(p.degradation))]
            for p in res.persistence
        ]
        parts.append(html_table(["attack", "model", "seeds", "clean", "attacked", "degradation"], rows))
    if res.contrasts:
        rows = [
            [
                escape(c.test),
                f"{escape(c.treated)} vs {escape(c.comparison)}",
                str(c.seeds),
                escape(ci(c.diff)),
                num(c.p),
                num(c.q),
            ]
            for c in res.contrasts
        ]
        parts.append(
            html_table(
                ["attack", "models (positive: the first held up better)", "seeds", "value (95% CI)", "p", "q"], rows
            )
        )
        parts.append(
            "<p>q: Benjamini–Hochberg across every persistence contrast with a p; a row without p is descriptive "
            "(fewer than three training seeds a side).</p>"
        )
    parts.append("<h3>Jailbreak robustness</h3>")
    parts.append(figure(plots.jailbreaks(res.jailbreaks), "jailbreak goodness"))
    for j in res.jailbreaks:
        if j.per_technique:
            parts.append(
                f"<p>{escape(j.model)}: mean safety per technique</p>" + kv_table(j.per_technique, lambda v: f"{v:.3f}")
            )
    return parts


def _deliberative(res: StudyResults) -> list[str]:
    d = res.deliberative
    if d is None:
        return []
    models = list(dict.fromkeys(m for row in d.rows.values() for m in row))
    rows = [[escape(measure)] + [num(vals.get(m)) for m in models] for measure, vals in d.rows.items()]
    sft = "SFT was skipped: no sample passed the judge" if d.sft_skipped else "SFT trained on the samples that passed"
    k = (
        "one judgement each: the rule judge is deterministic"
        if d.judge_k == 1
        else f"minimum over {d.judge_k} judgements"
    )
    cats = [
        [
            escape(c),
            str(v.get("samples", 0)),
            str(v.get("answered", 0)),
            str(v.get("cited", 0)),
            str(v.get("passed", 0)),
        ]
        for c, v in d.by_category.items()
    ]
    return [
        "<h2>Deliberative alignment</h2>",
        f"<p>Judge <code>{escape(d.judge)}</code>: {d.passed} of {d.samples} policy-in-context samples passed ({k}); "
        "a sample passes only when its reasoning cites the policy, its final answer arrived and the judge finds that "
        f"answer compliant. {escape(sft)}. RL then mixed the safety prompts into the standard stream at the "
        "treatment's dose and steps, rewarded by the policy-aware judge on the final answer only. Below, every row "
        "reads the final answer; a reply cut off in its reasoning counts under 'no final answer' only.</p>",
        html_table(["policy category", "samples", "answered", "cited the policy", "passed"], cats) if cats else "",
        html_table(["measure", *models], rows),
    ]


def render_html(res: StudyResults) -> str:
    info = res.info
    said = statements(res)
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(info.title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{escape(info.title)}</h1>",
        f"<p>model <code>{escape(info.model)}</code> · data/eval seed {info.seed} · training seeds "
        f"{escape(', '.join(map(str, info.seeds)))} · config hash <code>{escape(info.config_hash)}</code> · "
        f"{escape(info.versions.get('cpu', ''))} · {escape(info.versions.get('dtype', ''))} · "
        f"{escape(info.started)} → {escape(info.finished)} · run directory <code>{escape(info.run_dir)}</code></p>",
    ]
    if said:
        parts.append(f"<p class='headline'>{escape(said[0])}</p>")
    parts.append("<div class='honesty'><h3>What this shows</h3><ul>")
    parts += [f"<li>{escape(s)}</li>" for s in said[1:]]
    parts.append("</ul></div>")
    if res.limits:
        parts.append("<div class='limits'><h3>Limits of this run</h3><ul>")
        parts += [f"<li>{escape(s)}</li>" for s in res.limits]
        parts.append("</ul></div>")
    parts += _design(res)
    parts += _section_comparisons(
        res.comparisons,
        "Headline benchmarks",
        "Published (or answer-keyed) benchmarks whose graders share nothing with the training rewards. Rows marked "
        "apart are shown but excluded from the count and the correction, with the reason.",
    )
    if res.secondary:
        parts += _section_comparisons(
            res.secondary,
            "Secondary panel (reported apart)",
            "The built-in benchmarks. Their generation graders share checks with the training rewards, so a change "
            "here may be the reward itself; they never enter the headline.",
        )
    parts.append("<h2>Refusal rates</h2>")
    parts.append(figure(plots.refusals(res.comparisons), "refusal rates"))
    parts += _heldout(res)
    parts += _gaming(res)
    parts += _generalization(res)
    parts += _persistence(res)
    parts += _deliberative(res)
    parts += constitution_html(res)
    parts += three_way_html(res)
    parts.append("<h2>Training</h2>")
    parts.append(figure(plots.curves(res.curves), "training curves"))
    parts.append(
        "<p>Why the trait reward did or did not climb in the treatment arm: pass rate per check kind, groups "
        "without reward variance (no signal), entropy and adapter norm, the reward's distribution, and every "
        "rubric line's pass rate over the run.</p>"
    )
    parts.append(figure(learning_plots.diagnostics(res.curves), "training diagnostics"))
    parts.append(figure(learning_plots.line_curves(res.curves), "per-line learning curves"))
    parts.append("<h2>The instrument</h2>")
    parts += instrument(res)
    parts.append("<h2>Reproducibility</h2><h3>Timings (seconds)</h3>")
    parts.append(kv_table(info.timings, lambda v: f"{v:,.1f}"))
    parts.append("<h3>Versions and machine</h3>" + kv_table(info.versions))
    parts.append(f"<h3>Exact configuration</h3><pre>{escape(info.config_text)}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_summary(res: StudyResults) -> str:
    info = res.info
    lines = [
        f"# {info.title}",
        "",
        f"model `{info.model}`, seeds {', '.join(map(str, info.seeds))}, config hash `{info.config_hash}`, "
        f"{info.versions.get('cpu', '')}, {info.versions.get('dtype', '')}, run directory `{info.run_dir}`",
        "",
    ]
    lines += [f"- {s}" for s in statements(res)]
    if res.limits:
        lines += ["", "## Limits of this run", ""] + [f"- {s}" for s in res.limits]
    if res.comparisons:
        head = res.comparisons[0]
        lines += [
            "",
            f"## Headline: {head.b} vs {head.a}",
            "",
            "| benchmark | n | delta (95% CI) | q |",
            "|---|---|---|---|",
        ]
        lines += [f"| {r.benchmark} | {r.n} | {ci(r.delta)} | {num(r.q)} |" for r in head.headline_rows]
    lines += three_way_markdown(res)
    if res.generalization:
        lines += ["", "## Generalization (delta vs baseline)", ""]
        lines += [f"- {c.train_set} → {c.group}: {ci(c.delta)}" for c in res.generalization]
    total = sum(info.timings.values())
    lines += ["", f"Total stage time: {total / 60:.1f} min. Full report: `report.html`.", ""]
    return "\n".join(lines)


def write_report(res: StudyResults, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``report.html`` and ``summary.md`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    html_path, md_path = out_dir / "report.html", out_dir / "summary.md"
    write_text(html_path, render_html(res))
    write_text(md_path, render_summary(res))
    return html_path, md_path
