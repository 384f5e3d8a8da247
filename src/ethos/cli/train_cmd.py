"""`ethos train` commands: RL arms (native or TRL), the constitution arm, chat SFT, and the deliberative-alignment
stages."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ethos.cli.consoles import console
from ethos.cli.constitution_cmd import cai_app, run_all
from ethos.train.arms import TREATMENT, arm_names

# the arms `ethos train --arm` runs alone (deliberative: `ethos train deliberative ...` or `ethos run`)
RL_ARMS = arm_names("none") + arm_names("rl") + arm_names("constitution")
out = console()
train_app = typer.Typer(
    help=f"RL with a trait dose (arms {', '.join(RL_ARMS)}), the constitution arm, SFT, deliberative alignment."
)
delib_app = typer.Typer(
    help="Deliberative alignment, one stage per command; each stage writes inspectable JSONL.", no_args_is_help=True
)
train_app.add_typer(delib_app, name="deliberative")
train_app.add_typer(cai_app, name="constitution")

CONFIG = typer.Option(
    None, "--config", help="Required. Recipe YAML (its train: section; data: builds named prompt streams)."
)


def _need(value, flag: str):
    from ethos.errors import UserError

    if value is None:
        raise UserError(f"{flag} is required; see ethos train --help.")
    return value


@train_app.callback(invoke_without_command=True)
def train(
    ctx: typer.Context,
    config: Optional[Path] = CONFIG,
    arm: str = typer.Option(TREATMENT, "--arm", help=" | ".join(RL_ARMS) + "."),
    backend: str = typer.Option("native", "--backend", help="native (fast on CPU) | trl (GPUs, accelerate, vLLM)."),
    out_dir: Optional[Path] = typer.Option(
        None, "--out", help="Run folder (default runs/<config>/<arm>); re-running resumes."
    ),
    steps: Optional[int] = typer.Option(None, "--steps", help="Override train.steps."),
) -> None:
    """Train one arm: `ethos train --config configs/smoke.yaml --arm treatment --out runs/smoke/treatment`."""
    if ctx.invoked_subcommand is not None:
        return
    from ethos.recipe import load_section
    from ethos.train import RLConfig, train_arm

    config = _need(config, "--config")
    out_dir = out_dir or Path("runs") / config.stem / arm
    if arm in arm_names("constitution"):
        run_all(config, out_dir, steps)
        return
    cfg = load_section(config, "train", RLConfig, overrides={"steps": steps} if steps else None)
    evaluator = None
    if cfg.eval_every:
        from ethos.experiments.train_eval import evaluator as make
        from ethos.experiments.train_eval import heldout_skeletons

        evaluator = make(cfg, heldout_skeletons(None, config))
    result = train_arm(cfg, arm, out_dir, backend=backend, recipe=config, evaluator=evaluator)
    t = result.totals
    out.print(
        f"[bold]{arm}[/]: {t.steps} steps, {t.prompt_tokens + t.completion_tokens} tokens, {t.seconds:.0f} s → "
        f"{result.final}"
    )


@train_app.command("sft")
def sft_cmd(
    config: Optional[Path] = CONFIG,
    data: Path = typer.Option(
        ..., "--data", help='JSONL of conversations: {"messages": [...]} ending with an assistant turn.'
    ),
    model: Optional[str] = typer.Option(
        None, "--model", help="Model to fine-tune (default: train.model of the recipe)."
    ),
    out_dir: Path = typer.Option(..., "--out", help="Output folder; the fine-tuned HF model goes to <out>/final."),
) -> None:
    """Chat SFT with loss on assistant tokens only (settings: the recipe's sft: fields under train:)."""
    from ethos.recipe import load_section
    from ethos.train import SFTConfig, read_conversations, sft

    cfg = load_section(config, "train.sft", SFTConfig) if config else SFTConfig()
    path = sft(model or cfg.model, read_conversations(data), cfg, out_dir)
    out.print(f"SFT done → {path}")


def _delib(config: Optional[Path]):
    from ethos.recipe import load_section
    from ethos.train import DeliberativeConfig

    path = _need(config, "--config")
    return load_section(path, "deliberative", DeliberativeConfig, overrides={"recipe": str(path)})


DIR = typer.Option(..., "--out", help="Deliberative run folder (each stage reads the previous stage's file here).")


@delib_app.command("generate")
def delib_generate(config: Optional[Path] = CONFIG, out_dir: Path = DIR) -> None:
    """(a) Reasoning + answer with the prompt's policy section in context → generated.jsonl."""
    from ethos.train.deliberative import generate_stage

    out.print(f"wrote {generate_stage(_delib(config), out_dir)}")


@delib_app.command("filter")
def delib_filter(config: Optional[Path] = CONFIG, out_dir: Path = DIR) -> None:
    """(b) Policy-aware judge k times per sample; keep samples whose minimum passes → filtered.jsonl."""
    from ethos.train.deliberative import filter_stage

    out.print(f"wrote {filter_stage(_delib(config), out_dir)}")


@delib_app.command("sft")
def delib_sft(config: Optional[Path] = CONFIG, out_dir: Path = DIR) -> None:
    """(c) SFT on prompt → reasoning + answer, with the policy removed from the context."""
    from ethos.train.deliberative import sft_stage

    out.print(f"SFT model → {sft_stage(_delib(config), out_dir)}")


@delib_app.command("rl")
def delib_rl(config: Optional[Path] = CONFIG, out_dir: Path = DIR) -> None:
    """(d) GRPO where the policy-aware judge scores the answer only (never the reasoning)."""
    from ethos.train.deliberative import rl_stage

    out.print(f"RL model → {rl_stage(_delib(config), out_dir)}")


def register(app: typer.Typer) -> None:
    """Register this module's commands on the app."""
    app.add_typer(train_app, name="train")
