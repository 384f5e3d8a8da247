"""User-facing errors.

A ``UserError`` is a mistake the user can fix (a bad file, an unknown name, a missing download).
The CLI prints its message as one sentence and exits with status 2, without a traceback.
Everything else is a bug and keeps its traceback.
"""


class UserError(Exception):
    """Bad input or environment; the message says what was wrong and how to fix it."""


def where(path: object, line: int | None = None, field: str | None = None) -> str:
    """Format a location as ``file:line (field 'x')`` for error messages."""
    loc = str(path)
    if line is not None:
        loc += f":{line}"
    if field:
        loc += f" (field '{field}')"
    return loc
