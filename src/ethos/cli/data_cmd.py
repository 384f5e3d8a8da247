"""`ethos data` commands: build the study's data, look at it, and generate scenarios with an LLM."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from ethos.cli.consoles import console

out = console()
data_app = typer.Typer(help="Build, inspect and generate scenarios and standard RL tasks.", no_args_is_help=True)


@data_app.command("build")
def build(
    config: Path = typer.Option(..., "--config", help="Study config YAML; its data: section is used."),
    out_dir: Path = typer.Option(..., "--out", help="Folder for the JSONL splits (replaced atomically)."),
) -> None:
    """Write train / eval / held-out-domain / held-out-skeleton scenario splits and standard tasks, with counts."""
    from ethos.data import build_dataset, load_examples
    from ethos.experiments.study import parse_recipe

    cfg = parse_recipe(config)[3]  # the whole recipe is checked: a bad train: section fails here, not later
    manifest = build_dataset(cfg, out_dir)
    splits = {name: load_examples(out_dir / f"scenarios_{name}.jsonl") for name in ("train", "eval", "heldout")}
    counts = {name: _cells(rows) for name, rows in splits.items()}
    table = Table(title="scenarios per domain x trait (train+eval, or held-out)")
    table.add_column("domain", no_wrap=True)
    table.add_column("split", no_wrap=True)
    from ethos.spec import builtin_spec

    traits = builtin_spec().traits
    for trait in cfg.traits:
        table.add_column((traits[trait].short if trait in traits else None) or trait, justify="right", no_wrap=True)
    table.add_column("total", justify="right")
    for domain in cfg.domains:
        held = domain in cfg.heldout_domain_list
        cells, total = [], 0
        for trait in cfg.traits:
            key = (trait, domain)
            if held:
                cells.append(str(counts["heldout"][key]))
            else:
                cells.append(f"{counts['train'][key]}+{counts['eval'][key]}")
            total += sum(counts[n][key] for n in counts)
        table.add_row(domain, "held" if held else "train", *cells, str(total))
    out.print(table)
    held = manifest["heldout_skeletons"]
    out.print(f"held-out skeletons (situations no split trains on): {len(held)}: {', '.join(held) or 'none'}")
    out.print("files: " + ", ".join(f"{k} {v}" for k, v in manifest["counts"].items()))


def _cells(rows):
    from collections import Counter

    return Counter((e.trait, e.domain) for e in rows)


@data_app.command("show")
def show(
    file: Path = typer.Argument(..., help="A JSONL file of examples."),
    n: int = typer.Option(3, "-n", help="How many to show."),
    seed: Optional[int] = typer.Option(None, help="Show a seeded random sample instead of the first n."),
) -> None:
    """Pretty-print a few examples: conversation, rubric with checks, and reference reply."""
    import random

    from rich.panel import Panel

    from ethos.data import load_examples

    examples = load_examples(file)
    picked = random.Random(seed).sample(examples, min(n, len(examples))) if seed is not None else examples[:n]
    for ex in picked:
        lines = [f"[bold]{m.role}[/]: {m.content}" for m in ex.messages]
        lines.append("[bold]rubric[/]:")
        for r in ex.rubric:
            check = "" if r.check is None else f"  [dim]{r.check.model_dump(exclude_defaults=True)}[/]"
            lines.append(f"  • {r.text}{check}")
        if ex.meta.get("reference"):
            lines.append(f"[bold]reference[/]: {ex.meta['reference']}")
        tags = " ".join(
            t for t in (ex.kind, ex.trait, ex.domain, ex.pressure, "contrast" if ex.contrast else None) if t
        )
        title = f"{ex.id}  [{tags}]"
        out.print(Panel("\n".join(lines), title=title, title_align="left"), highlight=False)
    out.print(f"{len(picked)} of {len(examples)} examples in {file}")


@data_app.command("generate")
def generate(
    model: str = typer.Option(..., "--model", help="Model spec: embedded name, HF folder/id, or openai:<name>."),
    out_file: Path = typer.Option(..., "--out", help="JSONL of accepted scenarios (rejects go beside it)."),
    n: int = typer.Option(20, "-n", help="How many generation requests."),
    traits: Optional[str] = typer.Option(None, help="Comma-separated trait ids (default: all)."),
    domains: Optional[str] = typer.Option(None, help="Comma-separated domain ids (default: all)."),
    seed: int = typer.Option(0),
    batch_size: int = typer.Option(4),
    max_new_tokens: int = typer.Option(384),
    temperature: float = typer.Option(0.8),
    base_url: Optional[str] = typer.Option(None, help="Base URL for an OpenAI-compatible endpoint."),
    embeddings: bool = typer.Option(True, help="Also dedupe with MiniLM embeddings when they load offline."),
) -> None:
    """Ask a chat model to write scenarios; keep valid, non-duplicate ones and log rejects with reasons."""
    from ethos.data import DataConfig, NearDuplicateFilter, generate_scenarios, load_embedder
    from ethos.data.schema import PRESSURES
    from ethos.models import load_model

    picked = DataConfig(
        traits=traits.split(",") if traits else DataConfig().traits,
        domains=domains.split(",") if domains else DataConfig().domains,
    )
    chat = load_model(model, base_url=base_url) if base_url else load_model(model)
    dedup = NearDuplicateFilter(embedder=load_embedder() if embeddings else None)
    report = generate_scenarios(
        chat,
        out_file,
        n,
        traits=picked.traits,
        domains=picked.domains,
        pressures=[p for p in PRESSURES if p != "none"],
        seed=seed,
        batch_size=batch_size,
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        dedup=dedup,
    )
    out.print(
        f"accepted {report.accepted}, rejected {report.rejected} (resumed {report.resumed}); dedup: {report.embedder}"
    )
    for reason, count in report.reasons.most_common():
        out.print(f"  {count:4d}  {reason}")


public_app = typer.Typer(help="The published benchmark files (see ethos/evals/public/README.md).", no_args_is_help=True)
data_app.add_typer(public_app, name="public")


@public_app.command("install")
def public_install(
    source: Path = typer.Option(..., "--from", help="A folder holding the published files (any layout below it)."),
    dest: Optional[Path] = typer.Option(None, "--to", help="Data folder to fill (default $ETHOS_HOME/public-data)."),
) -> None:
    """Copy every manifest file found under --from whose sha256 matches into the data folder."""
    from ethos.evals.public import install, manifest

    report = install(source, dest)
    total = len(manifest().files)
    out.print(f"installed {len(report['installed'])} of {total} files", highlight=False)
    for label in report["mismatched"]:
        out.print(f"[yellow]checksum differs, not installed:[/] {label}", highlight=False)
    for label in report["not_found"]:
        out.print(f"[dim]not found under {source}:[/] {label}", highlight=False)


@public_app.command("status")
def public_status() -> None:
    """Which manifest files are installed and verified, in which data folder."""
    from ethos.evals.public import data_roots, manifest, verified

    table = Table(title="published benchmark files")
    for col in ("benchmark", "file", "licence", "verified in"):
        table.add_column(col, overflow="fold")
    found = {root: {f.relative for f in verified(root)} for root in data_roots() if root.is_dir()}
    for f in manifest().files:
        where = next((str(root) for root, rel in found.items() if f.relative in rel), "not installed")
        table.add_row(f.benchmark, f.file, f.licence, where)
    out.print(table)
    for gap in manifest().missing:
        out.print(
            f"[dim]not available here:[/] {gap['benchmark']}: {', '.join(gap['files'])} ({gap['why']})",
            highlight=False,
            soft_wrap=True,
        )


@public_app.command("check-graders")
def public_check_graders() -> None:
    """Score every eval grader that has published human labels against them (the refusal grader against the
    XSTest authors' labels of 2,250 completions) and print `agreement[<grader>]: <share>`."""
    from ethos.evals.graders.agreement import grader_agreements

    for g in grader_agreements():
        out.print(g.line(), highlight=False, soft_wrap=True, markup=False)
        table = Table(title=f"{g.grader}: agreement with people", title_justify="left")
        table.add_column("within", no_wrap=True)
        table.add_column("agreement", justify="right")
        for label, share in {**{f"label {k}": v for k, v in g.by_class.items()}, **g.by_source}.items():
            table.add_row(label, f"{share:.3f}")
        out.print(table)


def register(app: typer.Typer) -> None:
    """Register this module's commands on the app."""
    app.add_typer(data_app, name="data")
