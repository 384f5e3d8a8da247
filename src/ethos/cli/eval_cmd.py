"""`ethos eval` (run a suite on a model, or check the instrument's validity) and `ethos compare`."""

from __future__ import annotations

from pathlib import Path

import typer

from ethos.cli.consoles import console
from ethos.models.embedded import DEFAULT_MODEL

out = console()


def eval_(
    model: str = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Model name, folder, hub id or openai:<model>."),
    suite: str = typer.Option("builtin", help="builtin, fast, public, or a suite YAML file."),
    out_dir: Path = typer.Option(..., "--out", help="Folder for records/ and summary.json (or validity.json)."),
    limit: int = typer.Option(None, min=1, help="Items per benchmark (hash-selected, same for every model)."),
    system: str = typer.Option(None, help="System prompt prepended to every item (system-prompt persona)."),
    persona: str = typer.Option(
        None, help="A registered persona (ethos.evals.personas), e.g. good, bad, harmful_medical."
    ),
    persona_form: str = typer.Option("turns", help="How the persona is applied: turns (demonstrated), system or both."),
    data_dir: Path = typer.Option(None, help="Folder searched for published benchmark files (suite public)."),
    hub: bool = typer.Option(False, help="Read Anthropic model-written evals from the Hugging Face hub."),
    validate: bool = typer.Option(
        False, "--validate", help="Check validity: position, persona sensitivity, grader separation."
    ),
    good: str = typer.Option("good", help="Good-behaviour persona for --validate."),
    bad: str = typer.Option("bad", help="Bad-behaviour persona for --validate."),
    grader: str = typer.Option("rule", help="Grader for generation benchmarks: rule, judge or hybrid."),
    judge: str = typer.Option(None, help="Judge model for --grader judge/hybrid (name, folder or openai:<model>)."),
    base_url: str = typer.Option(None, help="Base URL for openai: models."),
    cache_dir: Path = typer.Option(None, help="Result cache (default $ETHOS_HOME/eval-cache)."),
    quiet: bool = typer.Option(False, help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON instead of tables."),
) -> None:
    """Evaluate one model on a suite: per-item records + summary (cached, resumable)."""
    from ethos.errors import UserError
    from ethos.evals import get_persona, load_suite, run_suite
    from ethos.evals import validate as check_validity
    from ethos.evals.tables import category_table, summary_table, validity_table
    from ethos.grade import grader_by_name
    from ethos.models import load_model

    if persona and system:
        raise UserError("use either --system or --persona, not both.")
    chosen = get_persona(persona) if persona else None
    bench_suite = load_suite(suite, data_dir=data_dir, hub=hub)
    for note in bench_suite.not_found:
        out.print(f"[yellow]not found:[/] {note}", highlight=False)
    with out.status(f"loading {model}"):
        m = load_model(model, base_url=base_url)
        chosen_grader = None if grader == "rule" else grader_by_name(grader, judge=judge, judge_base_url=base_url)
    if validate:
        report = check_validity(
            m,
            bench_suite,
            out_dir,
            good=good,
            bad=bad,
            form=persona_form,
            limit=limit,
            cache_dir=cache_dir,
            progress=not (quiet or as_json),
        )
        if as_json:
            import json

            print(json.dumps(report.to_json(), indent=1))
            return
        out.print(validity_table(report))
        out.print(f"wrote {out_dir / 'validity.json'}")
        return
    steer = chosen.steering(persona_form) if chosen else {"system": system}
    result = run_suite(
        m,
        bench_suite,
        out_dir,
        **steer,
        limit=limit,
        grader=chosen_grader,
        cache_dir=cache_dir,
        progress=not (quiet or as_json),
    )
    if as_json:
        import json

        print(json.dumps(result.summary, indent=1))
        return
    out.print(summary_table(result.summary))
    out.print(category_table(result.summary))
    out.print(f"wrote {result.run.summary_path} and {result.run.records_dir}/")


def _folders(arg: str) -> list[Path]:
    return [Path(p) for p in arg.split(",") if p]


def compare(
    run_a: str = typer.Argument(..., help="Reference eval folder (A), e.g. the baseline; several seeds: a,b,c."),
    run_b: str = typer.Argument(..., help="Candidate eval folder (B), e.g. the treatment; several seeds: a,b,c."),
    json_out: Path = typer.Option(None, "--out", help="Also write the comparison as JSON here."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON instead of tables."),
    fixed: str = typer.Option(
        "none",
        "--fixed",
        help="Which side is one fixed model rather than training seeds (none | a | b | both): a model trained "
        "elsewhere has no seed variance here. A trained side with fewer than 3 seeds is descriptive (no p, q).",
    ),
    alpha: float = typer.Option(0.05, help="False-discovery rate for Benjamini-Hochberg."),
) -> None:
    """Paired comparison of two models (each one eval folder per training seed): deltas, intervals, q-values, MDE."""
    import json

    from ethos.errors import UserError
    from ethos.evals import compare_runs
    from ethos.evals.tables import comparison_table, refusal_table
    from ethos.files import write_json

    if fixed not in ("none", "a", "b", "both"):
        raise UserError(f"--fixed is '{fixed}'; use none, a, b or both.")
    comp = compare_runs(
        _folders(run_a),
        _folders(run_b),
        name_a="A",
        name_b="B",
        fixed_a=fixed in ("a", "both"),
        fixed_b=fixed in ("b", "both"),
        alpha=alpha,
    )
    if json_out:
        write_json(json_out, comp.to_json())
    if as_json:
        print(json.dumps(comp.to_json(), indent=1))
        return
    for note in comp.notes:
        out.print(f"[yellow]note:[/] {note}", highlight=False)
    out.print(comparison_table(comp))
    refusals = refusal_table(comp)
    if refusals is not None:
        out.print(refusals)
    out.print(comp.headline(), highlight=False, soft_wrap=True)
    if json_out:
        out.print(f"wrote {json_out}")


def register(app: typer.Typer) -> None:
    """Register this module's commands on the app."""
    app.command("eval")(eval_)
    app.command("compare")(compare)
