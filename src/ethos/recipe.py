"""A recipe: one YAML file whose sections (``data:``, ``train:``, ``eval:``, ``deliberative:`` and the
study keys) every room reads through this one loader.

Each room owns the pydantic model of its section; :meth:`Recipe.parse` validates a section and
*collects* its problems instead of raising, so a user sees every mistake of a file in one message,
each with its ``file:line``, before anything heavy runs::

    recipe = Recipe.load("configs/default.yaml")
    train = recipe.parse("train", RLConfig)
    data = recipe.parse("data", DataConfig)
    recipe.check()          # raises one UserError listing every problem, or returns

    load_section("configs/smoke.yaml", "train.sft", SFTConfig)   # one section, raising at once

Every section model derives from :class:`Section` (unknown keys are errors; ``problems()`` adds the
checks a schema cannot express). The ``seed`` and the ``model`` are declared once, at the top level,
and every section that has such a setting inherits it; a section that sets a different one is a problem.

Pydantic's wording is translated into plain sentences ("must be a whole number, got 'ten'") by
:func:`ethos.spec.yaml_lines.plain_message`, the one translator the spec files use too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ethos.errors import UserError, where
from ethos.spec.yaml_lines import LocatedYaml, clean_loc, known_settings, load_yaml, plain_message

Loc = tuple[Any, ...]
INHERITED = ("seed", "model")  # declared once at the top of a recipe; sections with such a setting inherit it


class Section(BaseModel):
    """The base of every recipe section's model: an unknown key is an error, and ``problems`` adds what a
    schema cannot say (relations between settings, names that must exist)."""

    model_config = ConfigDict(extra="forbid")

    def problems(self) -> list[tuple[Loc, str]]:
        """Semantic problems as (key path within the section, sentence ending); empty when valid."""
        return []


M = TypeVar("M", bound=BaseModel)


@dataclass
class Problem:
    loc: Loc
    message: str
    line: int | None = None

    def sentence(self, source: str) -> str:
        name = ".".join(str(p) for p in self.loc)
        return (
            f"{where(source, self.line)}: {name} {self.message}."
            if name
            else f"{where(source, self.line)}: {self.message}."
        )


@dataclass
class Recipe:
    """A parsed recipe file and the problems found in it so far."""

    path: Path
    text: str
    doc: LocatedYaml
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> "Recipe":
        path = Path(path)
        if not path.is_file():
            raise UserError(f"config {path} does not exist; pass a YAML recipe such as configs/smoke.yaml.")
        text = path.read_text(encoding="utf-8")
        doc = load_yaml(path, text)
        if doc.data is None:
            raise UserError(
                f"{path} is empty; a recipe needs at least one section (see configs/smoke.yaml for one that runs in "
                f"minutes)."
            )
        if not isinstance(doc.data, dict):
            raise UserError(
                f"{where(path, 1)}: a recipe must be a YAML mapping of sections (data:, train:, eval:, ...)."
            )
        return cls(path, text, doc)

    @property
    def data(self) -> dict:
        return self.doc.data

    def section(self, name: str) -> dict:
        """The raw settings of section ``name`` (dotted for a nested one: ``train.sft``); {} when absent or
        empty; a non-mapping is a problem."""
        raw: Any = self.data
        for depth, key in enumerate(name.split(".")):
            raw = raw.get(key) if isinstance(raw, dict) else None
            if raw is None:
                return {}
            if not isinstance(raw, dict):
                self.add(tuple(name.split("."))[: depth + 1], "must be a mapping of settings")
                return {}
        return dict(raw)

    def _inherit(self, name: str, model: type[BaseModel], values: dict, shared: dict | None) -> dict:
        """The top level's seed and model (or ``shared``: the study's) for a section that has such a setting and
        does not set it; a section that sets a different value is a problem (the study would train one thing
        and report another)."""
        shared = {k: self.data[k] for k in INHERITED if k in self.data} if shared is None else shared
        top = {k: v for k, v in shared.items() if k in model.model_fields}
        for key, value in top.items():
            if key not in values:
                values[key] = value
            elif values[key] != value:
                self.add(
                    (*name.split("."), key),
                    f"is {values[key]!r} but the recipe's {key} is {value!r}; set the {key} once, at the top level, "
                    f"and remove {name}.{key}",
                )
        return values

    def line(self, loc: Loc) -> int | None:
        return self.doc.line(loc)

    def add(self, loc: Loc, message: str) -> None:
        """Record a problem at ``loc`` (a key path such as ``("train", "lr")``)."""
        self.problems.append(Problem(tuple(loc), message, self.line(loc)))

    def parse(
        self,
        name: str | None,
        model: type[M],
        *,
        raw: dict | None = None,
        overrides: dict | None = None,
        shared: dict | None = None,
    ) -> M | None:
        """Validate section ``name`` (or ``raw`` reported under ``name``) as ``model``; problems are collected.
        A section inherits the top level's ``seed`` and ``model`` (or ``shared``'s, a study's resolved values);
        ``overrides`` win over everything."""
        prefix: Loc = tuple(name.split(".")) if name else ()
        values = dict(self.section(name) if raw is None and name else (raw or {}))
        if name:
            values = self._inherit(name, model, values, shared)
        values.update(overrides or {})
        try:
            cfg = model.model_validate(values)
        except ValidationError as e:
            for err in e.errors():
                rel = clean_loc(err["loc"])
                self.add(prefix + rel, plain_message(err, known_settings(model, rel)))
            return None
        if isinstance(cfg, Section):
            self.extend(prefix, cfg.problems())
        return cfg

    def extend(self, prefix: Loc, problems: Iterable[tuple[Loc, str]]) -> None:
        """Add semantic problems reported by a section as (relative key path, message) pairs."""
        for loc, message in problems:
            self.add(tuple(prefix) + tuple(loc), message)

    def check(self) -> None:
        """Raise one ``UserError`` listing every problem found (sorted by line), if any."""
        if not self.problems:
            return
        found = sorted(self.problems, key=lambda p: (p.line or 0, p.loc))
        lines = "\n".join(f"  - {p.sentence(str(self.path))}" for p in found)
        raise UserError(f"{self.path} has {len(found)} problem(s); fix them and re-run:\n{lines}")


def load_section(path: str | Path, name: str, model: type[M], *, overrides: dict | None = None) -> M:
    """Read and validate one section of a recipe file (defaults when it is absent); raise on any problem.
    The one loader of a single section: ``ethos train``, ``ethos data build`` and the rest read theirs here."""
    recipe = Recipe.load(path)
    cfg = recipe.parse(name, model, overrides=overrides)
    recipe.check()
    return cfg  # type: ignore[return-value]
