"""The trait spec: seven traits, twelve domains and the pressure types, loaded from YAML.

The spec is the study's constitution in the beneficial-trait sense: generators and judges read
the trait definition and grading guidance from here, so changing what "good" means is an edit to
one YAML file. A user-supplied spec is validated against the ids the rest of ethos knows, with a
``file:line`` error for the first problem.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ethos.errors import UserError, where
from ethos.spec.yaml_lines import LocatedYaml, explain_validation, load_yaml

BUILTIN_SPEC = Path(__file__).with_name("traits.yaml")


class Trait(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    short: str | None = Field(default=None, min_length=1, max_length=8)  # its column heading in tables
    definition: str = Field(min_length=10)
    good: list[str] = Field(min_length=1)
    bad: list[str] = Field(min_length=1)
    grading: str = Field(min_length=10)

    def describe(self) -> str:
        """The trait as a judge or generator reads it."""
        good = "\n".join(f"- {g}" for g in self.good)
        bad = "\n".join(f"- {b}" for b in self.bad)
        return (
            f"{self.name}: {self.definition}\nGood behavior:\n{good}\nBad behavior:\n{bad}\n"
            f"Grading guidance: {self.grading}"
        )


class Spec(BaseModel):
    """Traits, domain descriptions and pressure descriptions, keyed by id."""

    model_config = ConfigDict(extra="forbid")
    traits: dict[str, Trait]
    domains: dict[str, str]
    pressures: dict[str, str]

    def trait(self, trait_id: str) -> Trait:
        if trait_id not in self.traits:
            raise KeyError(f"unknown trait '{trait_id}'; valid traits: {', '.join(self.traits)}")
        return self.traits[trait_id]


_BUILTIN_IDS: dict[str, tuple[str, ...]] = {}


def _check_ids(doc: LocatedYaml, *, missing_too: bool) -> None:
    """A user spec may reword the built-in traits, domains and pressures, not rename or drop them."""
    data = doc.data if isinstance(doc.data, dict) else {}
    for section, valid in _BUILTIN_IDS.items():
        given = data.get(section)
        if not isinstance(given, dict):
            continue  # the schema reports the wrong type
        for key in given:
            if key not in valid:
                raise UserError(
                    f"{where(doc.source, doc.line((section, key)), section)}: unknown id '{key}'; "
                    f"valid ids: {', '.join(valid)}."
                )
        missing = [k for k in valid if k not in given]
        if missing and missing_too:
            raise UserError(
                f"{where(doc.source, doc.line((section,)), section)}: missing {', '.join(missing)}; every id needs an "
                f"entry."
            )


def parse_spec(doc: LocatedYaml) -> Spec:
    _check_ids(doc, missing_too=False)
    try:
        spec = Spec.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as e:
        raise explain_validation(e, doc, model=Spec) from None
    _check_ids(doc, missing_too=True)
    return spec


@lru_cache(maxsize=1)
def builtin_spec() -> Spec:
    """The spec shipped with ethos (its ids are the ones every other room uses)."""
    spec = parse_spec(load_yaml(BUILTIN_SPEC))
    _BUILTIN_IDS.update(traits=tuple(spec.traits), domains=tuple(spec.domains), pressures=tuple(spec.pressures))
    return spec


def load_spec(path: str | Path | None = None) -> Spec:
    """The built-in spec, or a user's YAML file of the same shape (errors name file:line:field)."""
    builtin = builtin_spec()
    return builtin if path is None else parse_spec(load_yaml(path))
