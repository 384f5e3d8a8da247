"""`ethos run` (the whole study from one recipe) and `ethos report` (re-render a finished run)."""

from __future__ import annotations

from pathlib import Path

import typer


def run(
    config: Path = typer.Option(..., "--config", "-c", help="Study recipe, e.g. configs/default.yaml."),
    run_dir: Path = typer.Option(None, "--run-dir", help="Override the recipe's run_dir."),
) -> None:
    """Train the arms, evaluate them, test persistence and write the HTML report (resumable)."""
    from ethos.experiments import Study

    Study(config, run_dir=run_dir).execute()


def report(run_dir: Path = typer.Argument(..., help="A finished run directory (holds results.json).")) -> None:
    """Re-render report.html and summary.md from a run's results.json."""
    from ethos.errors import UserError
    from ethos.report import StudyResults, write_report

    path = run_dir / "results.json"
    if not path.exists():
        raise UserError(f"{path} does not exist; finish the study with `ethos run --config ...` first.")
    html, md = write_report(StudyResults.load(path), run_dir)
    typer.echo(f"{html}\n{md}")


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("report")(report)
