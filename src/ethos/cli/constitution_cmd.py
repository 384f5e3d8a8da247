"""`ethos train constitution revise|tune|rl` and `ethos train --arm constitution`: the constitution arm alone."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ethos.cli.consoles import console

out = console()
cai_app = typer.Typer(
    help="The constitution arm, one stage per command; each stage writes inspectable JSONL.", no_args_is_help=True
)
CONFIG = typer.Option(None, "--config", help="Required. Recipe YAML (its constitution:, train: and data: sections).")
DIR = typer.Option(..., "--out", help="Constitution run folder (each stage reads the previous stage's files here).")


def _load(config: Optional[Path]):
    from ethos.errors import UserError
    from ethos.recipe import load_section
    from ethos.train.constitution import ConstitutionConfig

    if config is None:
        raise UserError("--config is required; see ethos train constitution --help.")
    return load_section(config, "constitution", ConstitutionConfig, overrides={"recipe": str(config)})


def _train(config: Path, steps: int | None = None):
    from ethos.recipe import load_section
    from ethos.train import RLConfig

    return load_section(config, "train", RLConfig, overrides={"steps": steps} if steps else None)


def run_all(config: Path, out_dir: Path, steps: int | None = None) -> Path:
    """Every stage in turn, each skipped when its output is already there (re-running resumes)."""
    from ethos.train import constitution as cai

    cfg = _load(config)
    if not (out_dir / cai.REVISE_SUMMARY).is_file():
        out.print(f"revise → {cai.revise_stage(cfg, out_dir)}")
    if not (out_dir / "tune" / "final" / "config.json").is_file():
        out.print(f"tune → {cai.tune_stage(cfg, out_dir)}")
    final = cai.rl_stage(cfg, out_dir, train=_train(config, steps))
    tokens = cai.stage_tokens(out_dir)
    out.print(
        "[bold]constitution[/]: "
        + ", ".join(f"{k} {v:,.0f} tokens" for k, v in tokens.items())
        + f" besides RL → {final}\n(alone, its RL takes the recipe's train.steps; in `ethos run` its RL budget is the "
        "treatment's tokens less those above)"
    )
    return final


@cai_app.command("revise")
def revise(config: Optional[Path] = CONFIG, out_dir: Path = DIR) -> None:
    """(a) Draft → critique → revise against drawn principles, cleaned and counted → revisions.jsonl."""
    from ethos.train.constitution import revise_stage

    out.print(f"wrote {revise_stage(_load(config), out_dir)}")


@cai_app.command("tune")
def tune(config: Optional[Path] = CONFIG, out_dir: Path = DIR) -> None:
    """(b) SFT on the kept revisions (or DPO: revision over draft), the constitution not in context."""
    from ethos.train.constitution import tune_stage

    out.print(f"tuned model → {tune_stage(_load(config), out_dir)}")


@cai_app.command("rl")
def rl(config: Optional[Path] = CONFIG, out_dir: Path = DIR) -> None:
    """(c) GRPO from the tuned model; trait prompts rewarded by the constitution judge (never the rubric)."""
    from ethos.train.constitution import rl_stage

    out.print(f"RL model → {rl_stage(_load(config), out_dir, train=_train(config))}")
