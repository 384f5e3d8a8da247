"""`ethos grade`: generate a model's replies to examples, grade them, summarize."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ethos.cli.consoles import console

out = console()


def _table(title: str, rows: list[dict], key: str) -> Table:
    table = Table(title=title)
    for col in (key, "n", "mean", "unscored"):
        table.add_column(col, justify="left" if col == key else "right")
    for r in rows:
        table.add_row(r[key], str(r["n"]), "-" if r["mean"] is None else f"{r['mean']:.3f}", str(r["unscored"]))
    return table


def grade(
    model: str = typer.Option(
        ..., "--model", "-m", help="Model whose replies are graded: name, folder, hub id or openai:<model>."
    ),
    data: Path = typer.Option(..., "--data", help="JSONL file of examples (schema: ethos.data.schema)."),
    out_file: Path = typer.Option(..., "--out", help="Per-item records (JSONL): reply, score, per-line verdicts."),
    grader: str = typer.Option(
        "rule", "--grader", help="rule, judge, hybrid, helpfulness, helpfulness_judge or policy_judge."
    ),
    judge: str = typer.Option(None, "--judge", help="Judge model for judge/hybrid graders."),
    limit: int = typer.Option(None, "--limit", help="Grade only the first N examples."),
    max_tokens: int = typer.Option(256, "--max-tokens", help="Maximum new tokens per reply."),
    samples: int = typer.Option(1, "--judge-samples", help="Judge verdicts per item (k)."),
    aggregate: str = typer.Option("mean", "--judge-aggregate", help="Combine k verdicts with min or mean."),
    seed: int = typer.Option(0, help="Sampling seed."),
    base_url: str = typer.Option(None, "--base-url", help="Base URL for an openai: --model."),
    judge_base_url: str = typer.Option(None, "--judge-base-url", help="Base URL for an openai: --judge."),
    judge_timeout: float = typer.Option(60.0, "--judge-timeout", min=1, help="Seconds per judge request."),
    judge_retries: int = typer.Option(3, "--judge-retries", min=0, help="Retries of a failed judge call."),
) -> None:
    """Grade a model's replies to examples; prints mean score by trait and domain and unscored counts."""
    from ethos.data.io import load_examples
    from ethos.errors import UserError
    from ethos.grade import grader_by_name
    from ethos.grade.model_grading import grade_model, summary
    from ethos.models import SamplingParams, load_model

    examples = load_examples(data)[:limit] if limit else load_examples(data)
    if not examples:
        raise UserError(f"{data} has no examples; nothing to grade.")
    judge_kw = {"samples": samples, "aggregate": aggregate, "seed": seed, "max_retries": judge_retries} if judge else {}
    g = grader_by_name(grader, judge=judge, judge_base_url=judge_base_url, judge_timeout=judge_timeout, **judge_kw)
    with out.status(f"loading {model}"):
        m = load_model(model, base_url=base_url)
    params = SamplingParams(max_new_tokens=max_tokens, temperature=0.0, seed=seed)
    records = grade_model(m, examples, g, params, out_file)
    out.print(_table(f"{grader} grades by trait", summary(records, "trait"), "trait"))
    out.print(_table(f"{grader} grades by domain", summary(records, "domain"), "domain"))
    unscored = sum(r["score"] is None for r in records)
    stats = getattr(g, "stats", None)
    extra = (
        f"; judge calls {stats['calls']}, retries {stats['retries']}, malformed {stats['malformed']}" if stats else ""
    )
    out.print(f"{len(records)} items, {unscored} unscored{extra}. Records: {out_file}", soft_wrap=True)
    for line in failure_lines(stats or {}, judge_timeout):
        out.print(f"[yellow]{line}[/]", soft_wrap=True)


WHY = {
    "EndpointTimeout": "timed out after {t:g} s (raise --judge-timeout)",
    "EndpointUnreachable": "could not reach the judge (check --judge-base-url and that it is running)",
    "EndpointBadResponse": "got a body that is not a chat completion (is the base URL an OpenAI-compatible API?)",
    "EndpointError": "got a 429 or 5xx answer",
}


def failure_lines(stats: dict, timeout: float) -> list[str]:
    """One sentence per kind of judge failure, from the grader's counters."""
    out = []
    for key, n in stats.items():
        if key.startswith("error:") and n:
            kind = key.removeprefix("error:")
            why = WHY.get(kind, kind).format(t=timeout)
            out.append(f"{n} judge call(s) {why}; those items stay unscored (not 0).")
    return out


def register(app: typer.Typer) -> None:
    app.command("grade")(grade)
