"""The ``eval:`` section of a recipe config (configs/*.yaml): what to evaluate and how to compare.

Example::

    eval:
      suite: builtin          # builtin | fast | public | path/to/suite.yaml
      limit: 40               # items per benchmark (hash-selected); omit for all
      data_dir: null          # where public files live (for suite: public)
      n_boot: 10000
      alpha: 0.05

The study seed is set once at the top level of a recipe and copied into ``seed``.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ethos.errors import UserError, where


class EvalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str = "builtin"
    limit: int | None = Field(default=None, ge=1)
    data_dir: str | None = None
    n_boot: int = Field(default=10_000, ge=100)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    seed: int = 0


def load_eval_config(path: str | Path) -> EvalConfig:
    """Read the ``eval:`` section of a config file (defaults when the section is absent)."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section = data.get("eval") or {}
    try:
        return EvalConfig(**section)
    except ValidationError as e:
        err = e.errors()[0]
        field = "eval." + ".".join(str(x) for x in err["loc"])
        raise UserError(f"{where(path, field=field)}: {err['msg']}.") from None
