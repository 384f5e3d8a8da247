"""The ``ethos`` command. It only parses arguments and calls the library; each command group lives
in its own module and registers itself on the app."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

from ethos.errors import UserError

app = typer.Typer(
    name="ethos",
    help="Train language models to be broadly and persistently beneficial, and measure it honestly.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)

from ethos.cli import data_cmd, eval_cmd, grade_cmd, models_cmd, run_cmd, train_cmd  # noqa: E402

for _module in (models_cmd, data_cmd, grade_cmd, eval_cmd, train_cmd, run_cmd):
    _module.register(app)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        app()
    except UserError as e:
        err.print(f"[bold red]error:[/] {e}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]; finished work is saved and the same command resumes it.")
        sys.exit(130)
