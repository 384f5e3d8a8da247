"""YAML that remembers where every value came from.

Users edit specs and configs by hand, so an error must point at the line to fix, not just at a
field path. ``load_yaml`` returns the plain data plus a map from each key path to its source line,
and ``explain_validation`` turns a pydantic ``ValidationError`` into one ``file:line`` sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ethos.errors import UserError, where

Loc = tuple[Any, ...]


@dataclass
class LocatedYaml:
    """Parsed YAML data and the 1-based line of every mapping key and sequence item."""

    data: Any
    source: str
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc`` or of its nearest located ancestor."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())


def _build(node: yaml.Node, loc: Loc, lines: dict[Loc, int], source: str) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, source)
            if key in out:
                raise UserError(f"{where(source, key_node.start_mark.line + 1, str(key))}: duplicate key; keep one.")
            lines[loc + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, loc + (key,), lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            lines[loc + (i,)] = item.start_mark.line + 1
            items.append(_build(item, loc + (i,), lines, source))
        return items
    return _scalar(node, source)


def _scalar(node: yaml.Node, source: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise UserError(f"{where(source, node.start_mark.line + 1)}: a mapping key must be a plain value.")
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_yaml(source: str | Path, text: str | None = None) -> LocatedYaml:
    """Parse ``source`` (or ``text``, reported as ``source``); YAML syntax errors become ``UserError``."""
    name = str(source)
    if text is None:
        path = Path(source)
        if not path.exists():
            raise UserError(f"{name} does not exist; check the path.")
        text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise UserError(f"{where(name, line)}: invalid YAML ({e.problem}); fix the syntax there.") from None
    lines: dict[Loc, int] = {}
    data = _build(node, (), lines, name) if node is not None else None
    return LocatedYaml(data, name, lines)


def explain_validation(err: ValidationError, doc: LocatedYaml, prefix: Loc = ()) -> UserError:
    """One sentence naming file, line and field of the first validation problem."""
    first = err.errors()[0]
    loc = tuple(prefix) + tuple(p for p in first["loc"] if not isinstance(p, str) or not p.startswith("function-"))
    field_name = ".".join(str(p) for p in loc) or None
    msg = first["msg"].removeprefix("Value error, ")
    return UserError(f"{where(doc.source, doc.line(loc), field_name)}: {msg}.".replace("..", "."))
