"""Where the commands print: a console whose tables stay readable when the output is a pipe or a file.

Rich sizes a console that is not a terminal at 80 columns, so a wide table printed to a pipe
(``ethos data build … | cat``) was squeezed into truncated headings ("tru…") and an empty column.
Off a terminal, the console is as wide as ethos's widest table, unless ``COLUMNS`` says otherwise.
"""

from __future__ import annotations

import os

from rich.console import Console

PIPE_WIDTH = 200  # columns off a terminal: the widest table (traits × domains) fits


def console(*, stderr: bool = False) -> Console:
    probe = Console(stderr=stderr)
    if probe.is_terminal or os.environ.get("COLUMNS"):
        return probe
    return Console(stderr=stderr, width=PIPE_WIDTH)
