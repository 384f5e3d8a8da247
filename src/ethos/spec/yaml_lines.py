"""YAML that remembers where every value came from.

Users edit specs and configs by hand, so an error must point at the line to fix, not just at a
field path. ``load_yaml`` returns the plain data plus a map from each key path to its source line,
and ``explain_validation`` turns a pydantic ``ValidationError`` into one ``file:line`` sentence, worded by
``plain_message`` (the translator every recipe section uses as well).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

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


def clean_loc(loc: Loc) -> Loc:
    """A pydantic error location without the validator names pydantic inserts (``function-after[...]``)."""
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))


def known_settings(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names of the (nested) model that holds key path ``loc``; [] when it cannot be told."""
    current: Any = model
    for key in loc[:-1]:
        if isinstance(key, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field_info = current.model_fields.get(key)
            if field_info is None:
                return []
            current = field_info.annotation
        else:  # a dict of models (keyed by a name the user chose): step into its values
            args = [a for a in get_args(current) if a is not type(None)]
            current = args[-1] if args else None
        args = [a for a in get_args(current) if isinstance(a, type) and issubclass(a, BaseModel)]
        if args:
            current = args[0]
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def plain_message(err: dict, known: list[str] | None = None) -> str:
    """One pydantic error as the end of a sentence that starts with the setting's name."""
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    shown = f", got {got!r}" if got is not None and not isinstance(got, (dict, list)) else ""
    if kind == "extra_forbidden":
        return "is not a known setting; remove it or check the spelling" + (
            f" (known: {', '.join(known)})" if known else ""
        )
    if kind == "missing":
        return "is required"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number{shown}"
    if kind in ("float_parsing", "float_type"):
        return f"must be a number{shown}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false{shown}"
    if kind in ("string_type",):
        return f"must be text{shown}"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list{shown}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of settings{shown}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")
        return f"must be one of: {expected}{shown}"
    bounds = {
        "greater_than_equal": "at least",
        "greater_than": "greater than",
        "less_than_equal": "at most",
        "less_than": "less than",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        return f"must be {bounds[kind]} {limit}{shown}"
    if kind in ("too_short", "too_long"):
        return err["msg"].replace("List should have", "needs").replace("Value should have", "needs").rstrip(".")
    return err["msg"].removeprefix("Value error, ").rstrip(".")


def explain_validation(err: ValidationError, doc: LocatedYaml, prefix: Loc = (), model=None) -> UserError:
    """One sentence naming file, line and setting of the first validation problem, in :func:`plain_message`'s words."""
    first = err.errors()[0]
    rel = clean_loc(first["loc"])
    loc = tuple(prefix) + rel
    name = ".".join(str(p) for p in loc)
    known = known_settings(model, rel) if model is not None else None
    message = f"{name} {plain_message(first, known)}" if name else plain_message(first, known)
    return UserError(f"{where(doc.source, doc.line(loc))}: {message}.".replace("..", "."))
