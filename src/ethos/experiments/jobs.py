"""The study's model stages as plain functions of what they need: a model reference, settings and output paths.

Each function loads one model (or none), does one stage's work and returns the stage's info. Every
argument is picklable, so a stage runs the same in the study's process and in a worker process
(:mod:`ethos.experiments.worker`), which receives the function and its arguments rather than the study.
Suites are rebuilt from the ``eval:`` settings where they are needed (:func:`load_panels`).
"""

from __future__ import annotations

import gc
from pathlib import Path

from ethos.errors import UserError
from ethos.experiments.kinds import STANDARD_FILE, TRAIT_FILE, ModelRef
from ethos.experiments.study_config import expand


def load_model(ref: ModelRef, dtype: str):
    from ethos.models.local import LocalChatModel

    gc.collect()
    model = LocalChatModel.from_folder(ref.path(), dtype=dtype, name=ref.name)
    model.reasoning_tokens = ref.reasoning_tokens
    return model


def load_panels(eval_cfg):
    """(headline suite, secondary suite or None, a note when the headline fell back to built-in benchmarks)."""
    from ethos.evals.suites import Suite, builtin_benchmarks, load_suite

    note = None
    try:
        head = load_suite(eval_cfg.suite, data_dir=eval_cfg.data_dir)
    except UserError as e:
        if eval_cfg.suite != "public":
            raise
        head = Suite("builtin-independent", [b for b in builtin_benchmarks() if b.independent and not b.capability])
        note = (
            f"The published benchmarks are not installed ({e}). The headline therefore uses the built-in benchmarks "
            "whose graders are independent of training (answer keys); see ethos/evals/public/README.md."
        )
    if eval_cfg.headline is not None and not eval_cfg.benchmarks:  # the rule's screen: every candidate
        from ethos.evals.headline import candidates

        head = Suite(head.name, candidates(eval_cfg.headline, head.benchmarks))
    elif eval_cfg.benchmarks:
        keep = set(eval_cfg.benchmarks)
        chosen = [b for b in head.benchmarks if b.name in keep or b.category in keep]
        if not chosen and note is None:
            raise UserError(
                f"eval.benchmarks selects none of the {head.name} suite's benchmarks; name some of: "
                f"{', '.join(b.name for b in head.benchmarks)}."
            )
        head = Suite(head.name, chosen or head.benchmarks)  # the built-in fallback keeps its whole independent set
    second = None
    if eval_cfg.secondary:
        names = {b.name for b in head.benchmarks}
        rest = [b for b in load_suite(eval_cfg.secondary).benchmarks if b.name not in names]
        if eval_cfg.secondary_benchmarks:
            keep = set(eval_cfg.secondary_benchmarks)
            rest = [b for b in rest if b.name in keep or b.category in keep]
        second = Suite(f"{eval_cfg.secondary}-secondary", rest) if rest else None
    return head, second, note


def unknown_benchmarks(names: list[str] | None, suites) -> list[str]:
    """Names in a selection that no benchmark ethos knows carries — not in the loaded suites, not a built-in
    benchmark or category, not of a published benchmark family in the manifest (installed or not)."""
    from ethos.evals.benchmark import BENCHMARKS, CATEGORIES
    from ethos.evals.public import manifest

    known = set(BENCHMARKS.names()) | set(CATEGORIES) | {b.name for s in suites if s for b in s.benchmarks}
    known |= {b.category for s in suites if s for b in s.benchmarks}
    families = {f.benchmark for f in manifest().files}
    return [n for n in names or [] if n not in known and n.split(".")[0] not in families]


def catalogue(eval_cfg) -> list:
    """Every benchmark a recipe can name outside the headline (persistence, jailbreaks): the whole headline
    suite, whatever the headline keeps, then the whole secondary suite (names already taken left out)."""
    whole = eval_cfg.model_copy(update={"benchmarks": None, "headline": None, "secondary_benchmarks": None})
    head, second, _ = load_panels(whole)
    return head.benchmarks + (second.benchmarks if second else [])


def subset(eval_cfg, names: list[str]):
    from ethos.evals.suites import Suite

    return Suite("persistence", [b for b in catalogue(eval_cfg) if b.name in names])


def run_suite(model, suite, out: Path, *, limit=None, **steer) -> dict:
    """One suite on a loaded model; a model that reasons first (``reasoning_tokens``) gets that many more tokens on
    every generation benchmark, and only its final answer is graded."""
    from ethos.evals.runner import run_suite as run
    from ethos.evals.suites import with_reasoning_budget

    tokens = getattr(model, "reasoning_tokens", 0)
    result = run(model, with_reasoning_budget(suite, tokens) if tokens else suite, out, limit=limit, **steer)
    return {"seconds": result.summary["seconds"], "model_hash": result.summary["model_hash"]}


# ---------------------------------------------------------------------------------------------- stages
def prepare(model: str, dtype: str) -> dict:
    from rich.console import Console

    from ethos.models import resolve
    from ethos.models.dtypes import dtype_name, parse_dtype
    from ethos.models.hardware import describe

    console = Console()
    ref = resolve(model, status=lambda m: console.print(m, highlight=False))
    if ref.path is None:
        raise UserError(f"model '{model}' is a remote endpoint; the study trains arms, so it needs local weights.")
    return {"path": str(ref.path), "cpu": describe(), "dtype": dtype_name(parse_dtype(dtype))}


def compute_match(pre: ModelRef, train_cfg, data_dir: Path) -> dict:
    """Measure what a training step of each dose costs in tokens; set each arm's matched steps."""
    from ethos.experiments.compute_match import write_match

    return write_match(load_model(pre, train_cfg.dtype), train_cfg, data_dir, STANDARD_FILE, TRAIT_FILE)


def evaluate(model: ModelRef, dtype: str, eval_cfg, out: Path, heldout, data_dir: Path) -> dict:
    """The headline suite, the secondary panel and the held-out training prompts, one model load."""
    from ethos.experiments.evaluation import heldout_suite

    head, second, _ = load_panels(eval_cfg)
    chat = load_model(model, dtype)
    info = {"headline": run_suite(chat, head, out / "headline", limit=eval_cfg.limit)}
    if second:
        info["secondary"] = run_suite(chat, second, out / "secondary", limit=eval_cfg.secondary_limit)
    if heldout:
        info["heldout"] = run_suite(chat, heldout_suite(data_dir, heldout), out / "heldout")
    return info


def headline(pre: ModelRef, dtype: str, eval_cfg, out: Path) -> dict:
    """Screen every candidate of the headline rule on the pre-RL model and write the choice (headline.json)."""
    from ethos.evals.headline import write_choice
    from ethos.evals.runner import run_suite as run

    head, _, _ = load_panels(eval_cfg)
    result = run(load_model(pre, dtype), head, out, limit=eval_cfg.headline.limit)  # the pre-RL model: no reasoning
    chosen = write_choice(out, eval_cfg.headline, result.benchmarks)
    return {"candidates": len(head.benchmarks), "chosen": chosen, "seconds": result.summary["seconds"]}


def validity(pre: ModelRef, dtype: str, eval_cfg, out: Path, limit: int) -> dict:
    from ethos.evals.validity import validate

    head, _, _ = load_panels(eval_cfg)
    report = validate(load_model(pre, dtype), head, out, limit=limit, form="both")
    return {"sensitive": report.n_sensitive, "benchmarks": len(report.rows)}


def persona(model: ModelRef, dtype: str, eval_cfg, benchmarks: list[str], out: Path, personas, limit) -> dict:
    """Every persona of the recipe on one model (one load)."""
    from ethos.evals.personas import get_persona

    chat, suite = load_model(model, dtype), subset(eval_cfg, benchmarks)
    return {
        name: run_suite(chat, suite, out / name, limit=limit, **get_persona(name).steering(personas.form))
        for name in personas.names
    }


def finetune(model: ModelRef, out: Path, settings, *, seed: int, dtype: str, lora) -> dict:
    from ethos.experiments.finetune import harmful_finetune

    return {"final": str(harmful_finetune(model.path(), out, settings, seed=seed, dtype=dtype, lora=lora))}


def evaluate_subset(model: ModelRef, dtype: str, eval_cfg, benchmarks: list[str], out: Path, limit) -> dict:
    """Named benchmarks on one model: a persistence model's clean evaluation, or a fine-tuned model's."""
    return run_suite(load_model(model, dtype), subset(eval_cfg, benchmarks), out, limit=limit)


def jailbreak_suite(eval_cfg, jb):
    from ethos.experiments.jailbreaks import TECHNIQUES
    from ethos.experiments.persistence import jailbreak_suite as grid

    benches = catalogue(eval_cfg)
    names = expand(jb.benchmarks, {b.name: b.category for b in benches})
    return grid([b for b in benches if b.name in names], list(jb.techniques or TECHNIQUES), jb.limit)


def jailbreak(model: ModelRef, dtype: str, eval_cfg, jb, out: Path) -> dict:
    return run_suite(load_model(model, dtype), jailbreak_suite(eval_cfg, jb), out)
