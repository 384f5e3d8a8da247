"""The ``data:`` section of a study config.

Pool sizes here do not depend on the trait dose: the study draws its 5% / 95% mix from pools of
fixed size, so changing the dose changes sampling, not which scenarios exist. Unknown traits or
domains are rejected with the list of valid ids, and errors in a YAML file name its line.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator

from ethos.data.schema import DOMAINS, TRAITS
from ethos.data.standard import TASKS
from ethos.recipe import Section, load_section


def _check_ids(values: list[str], valid: tuple[str, ...], what: str) -> list[str]:
    unknown = [v for v in values if v not in valid]
    if unknown:
        raise ValueError(f"unknown {what} '{unknown[0]}'; valid {what}s: {', '.join(valid)}")
    if len(set(values)) != len(values):
        raise ValueError(f"a {what} is listed twice")
    return values


class DataConfig(Section):
    """Which scenarios and standard tasks a study builds, and how they are split."""

    seed: int = 0
    traits: list[str] = Field(default_factory=lambda: list(TRAITS), min_length=1)
    domains: list[str] = Field(default_factory=lambda: list(DOMAINS), min_length=1)
    # Domains the model may train on; default: every domain not held out.
    train_domains: list[str] | None = None
    # Domains never trained on, kept for the held-out-domain evaluation; default: every domain not in
    # train_domains (so "train on health only" needs just train_domains: [health]).
    heldout_domains: list[str] | None = None
    per_cell: int = Field(default=12, ge=1, description="scenarios per trait x domain")
    eval_fraction: float = Field(default=0.2, ge=0, lt=1)
    # Share of each trait's skeletons (situations) held out of training altogether, evaluated as new situations.
    heldout_skeleton_fraction: float = Field(default=0.2, ge=0, lt=1)
    standard_train: int = Field(default=2000, ge=0)
    standard_eval: int = Field(default=200, ge=0)
    standard_mix: dict[str, float] = Field(default_factory=lambda: {"ifeval": 0.6, "arithmetic": 0.4})

    @field_validator("traits")
    @classmethod
    def _traits(cls, v: list[str]) -> list[str]:
        return _check_ids(v, TRAITS, "trait")

    @field_validator("domains", "train_domains", "heldout_domains")
    @classmethod
    def _domains(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _check_ids(v, DOMAINS, "domain")

    @field_validator("standard_mix")
    @classmethod
    def _mix(cls, v: dict[str, float]) -> dict[str, float]:
        for kind, weight in v.items():
            if kind not in TASKS:
                raise ValueError(f"unknown standard task kind '{kind}'; valid kinds: {', '.join(TASKS)}")
            if weight < 0:
                raise ValueError(f"weight of '{kind}' must be >= 0")
        if sum(v.values()) <= 0:
            raise ValueError("standard_mix needs at least one positive weight")
        return v

    @model_validator(mode="after")
    def _split(self) -> "DataConfig":
        outside = [d for d in (self.train_domains or []) + (self.heldout_domains or []) if d not in self.domains]
        if outside:
            raise ValueError(f"domain '{outside[0]}' is not in domains; add it there or remove it")
        both = set(self.train_domains or []) & set(self.heldout_domains or [])
        if both:
            raise ValueError(f"domain '{sorted(both)[0]}' is both a train and a held-out domain")
        if not self.train_domain_list:
            raise ValueError("no domain left to train on; hold out fewer domains")
        return self

    @property
    def train_domain_list(self) -> list[str]:
        if self.train_domains is not None:
            return list(self.train_domains)
        held = set(self.heldout_domains or [])
        return [d for d in self.domains if d not in held]

    @property
    def heldout_domain_list(self) -> list[str]:
        if self.heldout_domains is not None:
            return list(self.heldout_domains)
        train = set(self.train_domain_list)
        return [d for d in self.domains if d not in train]


def load_data_config(path: str | Path) -> DataConfig:
    """Read the ``data:`` section of a recipe file (an absent section means defaults)."""
    return load_section(path, "data", DataConfig)
