"""`ethos export inspect`: evaluations as Inspect logs, for `inspect view` and Inspect's log tools."""

from __future__ import annotations

from pathlib import Path

import typer

export_app = typer.Typer(help="Export evaluations to the tools researchers already use.", no_args_is_help=True)


@export_app.command("inspect")
def export_inspect(
    run_dir: Path = typer.Argument(..., help="A study's run directory, or one `ethos eval --out` folder."),
    out: Path = typer.Option(..., "--out", help="Folder for the .eval logs (one per model and benchmark)."),
) -> None:
    """Write one Inspect .eval log per (model, benchmark): samples with input, target, reply, score and the
    grader's reason; the benchmark's mean and stderr; ethos's version, commit and recipe. Open with
    `inspect view --log-dir OUT`."""
    from ethos.errors import UserError
    from ethos.evals.inspect_export import export

    if not run_dir.exists():
        raise UserError(f"{run_dir} does not exist; pass a study's run directory or an `ethos eval --out` folder.")
    paths = export(run_dir, out)
    typer.echo(f"{len(paths)} Inspect logs in {out}; open them with: inspect view --log-dir {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
