"""Assemble a finished study's outputs (all on disk) into the report's :class:`StudyResults`.

Nothing here runs a model: every number is recomputed from the per-item records under the run
directory, so the report can be rebuilt, or audited, from the directory alone. Which benchmarks
enter the headline is decided on the pre-RL model's evaluation (its position: at chance, floor,
ceiling or in range), before any trained model is looked at, and the same decision serves every
comparison.
"""

from __future__ import annotations

import json
import platform
import time
from importlib import metadata
from pathlib import Path

import numpy as np

from ethos.evals.compare import IN_RANGE, compare_runs
from ethos.evals.personas import get_persona
from ethos.evals.validity import ValidityRow
from ethos.experiments.deliberative_panel import deliberative_panel
from ethos.experiments.evaluation import (
    generalization_cells,
    heldout_overlap,
    heldout_rows,
    heldout_suite,
    load_summary,
)
from ethos.experiments.gaming import gaming_rows
from ethos.experiments.persistence import attack_rows, jailbreak_result
from ethos.experiments.study_config import PRE, ModelRun, expand
from ethos.experiments.training import GEN_PREFIX, TRAIT_FILE, domain_label, line_kinds, training_curve
from ethos.report.results import (
    CouplingRow,
    DeliberativePanel,
    DesignRow,
    RunInfo,
    StudyResults,
    TrainingCurve,
)

PACKAGES = ("ethos", "torch", "transformers", "trl", "peft", "numpy", "matplotlib")
TREATMENT_LABEL = "all domains (treatment)"


def versions(dtype: str = "auto") -> dict[str, str]:
    from ethos.models.hardware import describe, dtype_name, parse_dtype

    out = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": describe(),
        "dtype": f"{dtype_name(parse_dtype(dtype))} (recipe: {dtype})",
    }
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _dirs(study, arm: str, panel: str = "headline") -> list[Path]:
    runs = [PRE] if arm == "pre" else study.cfg.runs(arm)
    return [study.eval_dir(r, panel) for r in runs]


def _positions(study, panel: str) -> dict[str, str]:
    """Each benchmark's position on the pre-RL model: the headline selection, made before training is seen."""
    summary = load_summary(study.eval_dir(PRE, panel))
    return {name: row.get("position", IN_RANGE) for name, row in summary["benchmarks"].items()}


def comparison_pairs(cfg) -> list[tuple[str, str]]:
    """(reference, candidate) pairs, the headline first."""
    pairs = [("baseline", "treatment")]
    pairs += [("baseline", arm) for arm in cfg.arms if arm not in ("baseline", "treatment")]
    if cfg.deliberative_arm:
        pairs.append(("baseline", "deliberative"))
    return pairs + [("pre", "treatment"), ("pre", "baseline")]


def _comparisons(study, panel: str) -> list:
    positions, e = _positions(study, panel), study.eval_cfg
    return [
        compare_runs(
            _dirs(study, a, panel),
            _dirs(study, b, panel),
            name_a=a,
            name_b=b,
            positions=positions,
            n_boot=e.n_boot,
            seed=study.cfg.seed,
            alpha=e.alpha,
        )
        for a, b in comparison_pairs(study.cfg)
    ]


def _heldout(study, res: StudyResults) -> None:
    """The held-out rows (with each stream's overlap with training text) and the anti-gaming rows, both from
    every model's held-out evaluation."""
    if not study.cfg.heldout:
        return
    dirs = {a: _dirs(study, a, "heldout") for a in ["pre", *study.cfg.trained_arms()]}
    data_dir = study.run.stage_dir("data")
    suite = heldout_suite(data_dir, study.cfg.heldout)
    overlaps = heldout_overlap(suite, data_dir)
    res.heldout = heldout_rows(dirs, n_boot=study.eval_cfg.n_boot, seed=study.cfg.seed, overlaps=overlaps)
    contrast = {e.id: e for b in suite.benchmarks if b.name == "heldout.contrast" for e in b.items}
    res.gaming = gaming_rows(dirs, contrast)


def _generalization(study) -> list:
    cfg = study.cfg
    arms = {TREATMENT_LABEL: "treatment"} | {
        domain_label(n, ds): f"{GEN_PREFIX}{n}" for n, ds in cfg.generalization.items()
    }
    headline = [b.name for b in study.suite.benchmarks]
    heldout = bool(cfg.heldout and cfg.heldout.heldout_domains)
    return generalization_cells(
        _dirs(study, "baseline"),
        {label: _dirs(study, arm) for label, arm in arms.items()},
        headline,
        _dirs(study, "baseline", "heldout") if heldout else [],
        {label: _dirs(study, arm, "heldout") for label, arm in arms.items()} if heldout else {},
        n_boot=study.eval_cfg.n_boot,
        seed=cfg.seed,
    )


def _clean_by_arm(study, which: str, comparison: str, names: list[str]) -> dict[str, list[Path]]:
    runs = study.persistence_runs(which, comparison=comparison)
    return {arm: _merged_clean(study, [r for r in runs if r.arm == arm], names) for arm in {r.arm for r in runs}}


def _merged_clean(study, runs: list[ModelRun], names: list[str]) -> list[Path]:
    """One folder per run holding clean records of every benchmark in ``names`` (headline and secondary merged)."""
    out = []
    for r in runs:
        merged = study.run.stage_dir("persistence", "clean", r.name)
        records = merged / "records"
        records.mkdir(parents=True, exist_ok=True)
        for panel in ("headline", "secondary"):
            src = study.eval_dir(r, panel) / "records"
            for name in names:
                if (src / f"{name}.jsonl").exists() and not (records / f"{name}.jsonl").exists():
                    (records / f"{name}.jsonl").write_bytes((src / f"{name}.jsonl").read_bytes())
        out.append(merged)
    return out


def _persistence(study, res: StudyResults) -> None:
    p, seed, n_boot = study.persistence, study.cfg.seed, study.eval_cfg.n_boot
    if p is None:
        return

    def attacked_dirs(runs, parts) -> dict[str, list[Path]]:
        arms: dict[str, list[Path]] = {}
        for r in runs:
            arms.setdefault(r.arm, []).append(study.run.stage_dir("persistence", *parts(r)))
        return arms

    if p.personas:
        names = study.persona_benchmarks()
        runs = study.persistence_runs(p.personas.seeds)
        clean = _clean_by_arm(study, p.personas.seeds, p.comparison, names)
        for pname in p.personas.names:
            persona = get_persona(pname)
            attacked = attacked_dirs(runs, lambda r, n=pname: ("personas", r.name, n))
            label = f"persona ({p.personas.form}): {pname}" + ("" if persona.harmful else " [helpful control]")
            rows, contrast = attack_rows(
                label, persona.harmful, clean, attacked, names, p.treated, p.comparison, seed=seed, n_boot=n_boot
            )
            res.persistence += rows
            res.contrasts.append(contrast)
    if p.finetune:
        ft = p.finetune
        runs = study.persistence_runs(ft.seeds, comparison=ft.comparison)
        attacked = attacked_dirs(runs, lambda r: ("finetune", r.name, "eval"))
        for group, sel in ft.groups.items():
            names = expand(sel, study.bench_category)
            clean = _clean_by_arm(study, ft.seeds, ft.comparison, names)
            rows, contrast = attack_rows(
                f"fine-tune: {group}", True, clean, attacked, names, p.treated, ft.comparison, seed=seed, n_boot=n_boot
            )
            res.persistence += rows
            res.contrasts.append(contrast)
        what = (
            "the compute-matched baseline"
            if ft.comparison == "baseline"
            else "the pre-RL model (as in the original work; not compute-matched)"
        )
        res.finetune_comparison = (
            f"{ft.comparison} — {what}; both fine-tuned on the same {ft.conversations} "
            f"conversations, steps {ft.steps}, batch {ft.batch_size}, lr {ft.lr:g}, "
            f"seed {study.cfg.seed}"
        )
    if p.jailbreak:
        jb = p.jailbreak
        over = expand(jb.overrefuse, study.bench_category)
        runs = study.persistence_runs(jb.seeds) + (study.cfg.runs("deliberative") if study.cfg.deliberative_arm else [])
        for r in runs:
            res.jailbreaks.append(
                jailbreak_result(
                    r.name,
                    study.run.stage_dir("persistence", "jailbreak", r.name),
                    _merged_clean(study, [r], over)[0],
                    over,
                    quantile=jb.quantile,
                    seed=seed,
                    n_boot=n_boot,
                )
            )


def _curves(study) -> list[TrainingCurve]:
    total = study.run.stage_info("data").get("info", {}).get("trait_train_skeletons")
    kinds = line_kinds(study.run.stage_dir("data", "build", TRAIT_FILE))
    curves = []
    for r in study.cfg.runs():
        arm_dir = study.arm_dir(r)
        if r.arm == "deliberative":
            arm_dir = arm_dir / "rl"
        if (arm_dir / "metrics.jsonl").exists():
            curves.append(training_curve(r, arm_dir, None if r.arm == "deliberative" else total, kinds))
    return curves


def _design(study, curves: list[TrainingCurve]) -> list:
    from ethos.train.arms import ARMS

    t, rows = study.train_cfg, []
    for arm in study.cfg.trained_arms():
        mine = [c for c in curves if c.arm == arm]
        if arm == "deliberative":
            description = "deliberative alignment: policy-in-context samples, judge filter, SFT without the policy, RL"
        elif arm.startswith(GEN_PREFIX):
            ds = study.cfg.generalization[arm.removeprefix(GEN_PREFIX)]
            description = f"treatment with trait data from {domain_label(arm, ds)}"
        else:
            description = ARMS.get(arm).description
        prompts = (
            {src: float(np.mean([c.prompts_seen.get(src, 0) for c in mine])) for src in ("standard", "trait")}
            if mine
            else {}
        )
        seen = [c.skeletons_seen for c in mine]
        total = mine[0].skeletons_total if mine else None
        skeletons = f"{np.mean(seen):.0f} of {total}" if seen and total and prompts.get("trait") else ""

        def mean(attr: str) -> float | None:
            vals = [getattr(c, attr) for c in mine if getattr(c, attr) is not None]
            return float(np.mean(vals)) if vals else None

        dose = mine[0].dose if mine else (None if arm == "deliberative" else t.data.dose)
        rows.append(
            DesignRow(
                arm, description, dose, study.cfg.seeds_for(arm), prompts, skeletons, mean("tokens"), mean("seconds")
            )
        )
    return rows


def _deliberative(study) -> DeliberativePanel | None:
    if not study.cfg.deliberative_arm:
        return None
    models = {
        "pre": [study.eval_dir(PRE)],
        "baseline": _dirs(study, "baseline"),
        "deliberative": _dirs(study, "deliberative"),
    }
    return deliberative_panel(study, models)


def _coupling(study) -> list[CouplingRow]:
    path = study.run.stage_dir("coupling.json")
    if not path.exists():
        return []
    return [CouplingRow(**row) for row in json.loads(path.read_text(encoding="utf-8"))]


def _validity(study) -> list[ValidityRow]:
    path = study.run.stage_dir("validity") / "validity.json"
    if not path.exists():
        return []
    return [ValidityRow(**row) for row in json.loads(path.read_text(encoding="utf-8"))["rows"]]


def limits(study, res: StudyResults) -> list[str]:
    """What this run cannot show, in plain sentences generated from its own settings and numbers."""
    cfg, out = study.cfg, []
    if len(cfg.seeds) == 1:
        out.append(
            "Every arm trained with one seed: a difference between arms includes the luck of one training run, "
            "which no interval here can measure."
        )
    if res.comparisons:
        head = res.comparisons[0]
        rows = head.headline_rows
        if rows:
            mdes = sorted(r.mde for r in rows if np.isfinite(r.mde))
            if mdes:
                out.append(
                    f"With these items and seeds the headline benchmarks could detect (80% power) only effects "
                    f"of at least {mdes[len(mdes) // 2]:.3f} (median minimum detectable effect; "
                    f"smallest {mdes[0]:.3f}) on a 0–1 score."
                )
        else:
            out.append("No benchmark qualified for the headline (independent grader, pre-RL model in range).")
        apart = [r for r in head.rows if not r.headline]
        if apart:
            out.append(
                f"{len(apart)} benchmark(s) are reported apart from the headline (grader shares checks with a "
                "training reward, descriptive, capability, or the pre-RL model at chance, floor or ceiling)."
            )
    trait = [d for d in res.design if d.arm == "treatment" and d.prompts_per_seed]
    if trait:
        d = trait[0]
        seen, std = d.prompts_per_seed.get("trait", 0), d.prompts_per_seed.get("standard", 0)
        traits = {t for c in res.curves if c.arm == "treatment" for t in c.traits_seen}
        out.append(
            f"The treatment saw {seen:.0f} trait prompts per seed (beside {std:.0f} standard ones), covering "
            f"{len(traits)} trait(s) and {d.skeletons or 'an unknown number of'} skeletons; the original work "
            "used tens of thousands, so a null result here is weak evidence against the method."
        )
    data = study.run.stage_info("data").get("info", {})
    if data.get("rubric_lines_without_check"):
        out.append(
            f"{data['rubric_lines_without_check']} of {data['rubric_lines']} rubric lines of the training "
            "scenarios have no code check, so the rule-based trait reward skips them (a judge model grades "
            "them when train.rewards names one)."
        )
    if study.headline_note:
        out.append(study.headline_note)
    e = study.eval_cfg
    if e.limit is not None:
        out.append(
            f"Each headline benchmark was evaluated on at most {e.limit} items (hash-selected, the same for every "
            "model); the published benchmarks have more, and the intervals are correspondingly wide."
        )
    return out


def _notes(study, timings: dict[str, float], peak: float) -> list[str]:
    b = study.cfg.budgets
    total_min = sum(timings.values()) / 60
    notes = [
        f"Wall time of all stages: {total_min:.1f} min (budget {b.minutes:g} min); peak RSS {peak:.2f} GB "
        f"(budget {b.max_rss_gb:g} GB), measured on this machine for this run only.",
    ]
    if total_min > b.minutes:
        notes.append(f"This run exceeded its time budget by {total_min - b.minutes:.1f} min.")
    if peak > b.max_rss_gb:
        notes.append(f"This run exceeded its memory budget ({peak:.2f} GB > {b.max_rss_gb:g} GB).")
    return notes


def assemble(study) -> StudyResults:
    cfg = study.cfg
    timings = study.run.timings()
    peak = max((study.run.stage_info(s).get("info", {}).get("peak_rss_gb", 0.0) for s in timings), default=0.0)
    info = RunInfo(
        title=cfg.report.title,
        config_text=study.run.config_text,
        config_hash=study.run.hash,
        seed=cfg.seed,
        seeds=list(cfg.seeds),
        model=cfg.model,
        run_dir=str(study.run.path),
        versions=versions(study.train_cfg.dtype),
        timings=timings,
        started=study.run.stage_info("prepare").get("finished", ""),
        finished=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    res = StudyResults(info=info, comparisons=_comparisons(study, "headline"), headline_suite=study.suite.name)
    if study.secondary:
        res.secondary = _comparisons(study, "secondary")
    res.curves = _curves(study)
    res.design = _design(study, res.curves)
    _heldout(study, res)
    res.generalization = _generalization(study)
    _persistence(study, res)
    res.deliberative = _deliberative(study)
    if res.deliberative is not None and res.jailbreaks:
        res.deliberative.rows["jailbreak goodness@q"] = {
            j.model: j.goodness.value for j in res.jailbreaks if j.goodness.n
        }
    res.coupling = _coupling(study)
    res.validity = _validity(study)
    res.limits = limits(study, res)
    res.notes = _notes(study, timings, peak)
    return res
