"""Evaluation runs as Inspect logs, so ``inspect view`` can open, filter and compare ethos's per-item records.

One ``.eval`` log per (model, benchmark), written through ``inspect_ai``'s public API
(:class:`inspect_ai.log.EvalLog`, :func:`inspect_ai.log.write_eval_log`): each sample holds the item's
input (its conversation), its target (the good option(s) of a multiple-choice item, the rubric of a
generation item), the model's reply, its score and the grader's reason; the log's results hold the
benchmark's mean and standard error, and its spec's metadata the ethos version, commit and recipe.
An unscored item (``score`` None, e.g. a reply cut off in its reasoning) is a sample without a score.

Any folder with evaluations exports: a study's run directory (``evals/<model>/<panel>/``, with the
recipe at its top), or one ``ethos eval --out`` folder. ``inspect_ai`` is an optional extra
(``pip install 'ethos[inspect]'``).
"""

from __future__ import annotations

import math
import subprocess
import time
from pathlib import Path

from ethos.errors import UserError
from ethos.evals.eval_run import SUMMARY, EvalRun

INSTALL = "pip install 'ethos[inspect]'"


def _inspect():
    try:
        import inspect_ai.log as log
        import inspect_ai.scorer as scorer
    except ImportError:
        raise UserError(f"exporting Inspect logs needs inspect_ai, which is not installed: {INSTALL}") from None
    return log, scorer


def eval_runs(root: Path) -> dict[str, EvalRun]:
    """Every evaluation under ``root`` by a name that says which model and panel it is (``pre/headline``)."""
    root = Path(root)
    if (root / SUMMARY).is_file():
        return {root.name: EvalRun(root)}
    found = sorted(p.parent for p in root.rglob(SUMMARY))
    if not found:
        raise UserError(
            f"{root} holds no evaluation ({SUMMARY}); pass a study's run directory or an eval --out folder."
        )
    base = root / "evals" if (root / "evals").is_dir() else root
    return {str(p.relative_to(base)) if p.is_relative_to(base) else str(p.relative_to(root)): EvalRun(p) for p in found}


def _commit() -> str:
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown (not a git checkout)"


def _items() -> dict[str, object]:
    """Every item ethos ships, by id, to give each sample its input and target."""
    from ethos.evals.suites import load_suite

    items = {}
    for name in ("builtin", "public"):
        try:
            suite = load_suite(name)
        except UserError:
            continue
        for b in suite.benchmarks:
            for it in b.items:
                items[it.id] = it
    return items


def _chat(item) -> list[dict]:
    messages = item.messages
    return [m if isinstance(m, dict) else {"role": m.role, "content": m.content} for m in messages]


def _target(item) -> list[str]:
    if item is None:
        return []
    if hasattr(item, "options"):
        return [item.options[i] for i in item.good]
    true = (getattr(item, "meta", None) or {}).get("true_answers")
    return list(true) if true else [line.text for line in item.rubric]


def _sample(record: dict, item, scorer_mod, log_mod, epoch: int = 1):
    from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser, ModelOutput

    kinds = {"user": ChatMessageUser, "system": ChatMessageSystem, "assistant": ChatMessageAssistant}
    chat = _chat(item) if item is not None else [{"role": "user", "content": str(record["item"])}]
    messages = [kinds[m["role"]](content=m["content"]) for m in chat]
    reply = record.get("reply") if record.get("kind") == "gen" else str(record.get("prediction", ""))
    output = ModelOutput.from_content(model="ethos", content=reply or "")
    score = record.get("score")
    scores = (
        None
        if score is None
        else {
            "ethos": scorer_mod.Score(
                value=float(score),
                answer=(record.get("answer") or reply or "")[:2000],
                explanation=record.get("prediction"),
            )
        }
    )
    keep = ("domain", "refused", "no_final_answer", "finish", "p_good", "correct")
    return log_mod.EvalSample(
        id=str(record["item"]),
        epoch=epoch,
        input=messages,
        target=_target(item),
        messages=messages + [ChatMessageAssistant(content=reply or "")],
        output=output,
        scores=scores,
        metadata={k: record[k] for k in keep if k in record} | ({"unscored": True} if score is None else {}),
    )


def export_run(run: EvalRun, name: str, out_dir: Path, *, recipe: str | None = None, items=None) -> list[Path]:
    """One ``.eval`` log per benchmark of ``run`` (a model's evaluation) into ``out_dir``; returns the paths."""
    log_mod, scorer_mod = _inspect()
    from ethos import __version__

    items = _items() if items is None else items
    summary = run.summary()
    model = f"ethos/{summary.get('model') or name}"
    created = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    seconds = float(summary.get("seconds") or 0.0)
    started = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - seconds))
    commit = _commit()
    paths = []
    for bench, row in summary["benchmarks"].items():
        records = run.records([bench])
        samples = [_sample(r, items.get(str(r["item"])), scorer_mod, log_mod) for r in records]
        scored = [float(r["score"]) for r in records if r.get("score") is not None]
        mean = sum(scored) / len(scored) if scored else float("nan")
        var = sum((s - mean) ** 2 for s in scored) / (len(scored) - 1) if len(scored) > 1 else float("nan")
        stderr = math.sqrt(var / len(scored)) if len(scored) > 1 else float("nan")
        spec = log_mod.EvalSpec(
            created=created,
            task=bench,
            dataset=log_mod.EvalDataset(name=bench, samples=len(records)),
            model=model,
            config=log_mod.EvalConfig(),
            metadata={
                "ethos_version": __version__,
                "ethos_commit": commit,
                "ethos_recipe": recipe,
                "ethos_run": name,
                "category": row.get("category"),
                "kind": row.get("kind"),
                "grader": row.get("grader"),
                "independent": row.get("independent"),
                "cpu": summary.get("cpu"),
            },
        )
        results = log_mod.EvalResults(
            total_samples=len(records),
            completed_samples=len(scored),
            scores=[
                log_mod.EvalScore(
                    name="ethos",
                    scorer=str(row.get("grader") or "ethos"),
                    metrics={
                        "mean": log_mod.EvalMetric(name="mean", value=mean),
                        "stderr": log_mod.EvalMetric(name="stderr", value=stderr),
                    },
                )
            ],
        )
        stats = log_mod.EvalStats(started_at=started, completed_at=created)
        log = log_mod.EvalLog(eval=spec, status="success", results=results, stats=stats, samples=samples)
        safe = name.replace("/", "_")
        path = Path(out_dir) / f"{safe}__{bench}.eval"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.eval")
        log_mod.write_eval_log(log, str(tmp))
        tmp.replace(path)
        paths.append(path)
    return paths


def export(root: Path, out_dir: Path) -> list[Path]:
    """Every evaluation under ``root`` as Inspect logs in ``out_dir`` (see the module docstring)."""
    root = Path(root)
    recipe_path = root / "config.yaml"
    recipe = recipe_path.read_text(encoding="utf-8") if recipe_path.is_file() else None
    items = _items()
    paths = []
    for name, run in eval_runs(root).items():
        paths += export_run(run, name, out_dir, recipe=recipe, items=items)
    return paths
