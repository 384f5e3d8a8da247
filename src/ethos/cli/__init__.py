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

from ethos.cli import data_cmd, eval_cmd, export_cmd, grade_cmd, models_cmd, run_cmd, train_cmd  # noqa: E402

for _module in (models_cmd, data_cmd, grade_cmd, eval_cmd, train_cmd, run_cmd, export_cmd):
    _module.register(app)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so every stage unwinds the same way: a running stage worker is
    killed, temporary folders are removed, and finished stages stay finished."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_STOPPED_BY: list[int] = []  # the signal that stopped the command (typer turns the interrupt into exit 130)


def _stop_on(signum, frame) -> None:  # noqa: ARG001 - the signal module's signature
    _STOPPED_BY.append(signum)
    raise Stopped(signum)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"ethos {version('ethos')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Train language models to be broadly and persistently beneficial, and measure it honestly."""


def main() -> None:
    import shlex
    import signal

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop_on)
    again = "ethos " + shlex.join(sys.argv[1:])
    try:
        app()
    except UserError as e:
        err.print(f"[bold red]error:[/] {e}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (KeyboardInterrupt, SystemExit) as e:
        if not _STOPPED_BY and isinstance(e, SystemExit):
            raise
        signum = _STOPPED_BY[0] if _STOPPED_BY else signal.SIGINT
        name = signal.Signals(signum).name
        err.print(
            f"[yellow]stopped by {name}[/]; finished work is saved. To resume, run the same command again:\n  {again}",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(128 + signum)
