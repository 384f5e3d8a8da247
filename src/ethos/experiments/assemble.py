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
from ethos.evals.domains import evaluation_groups
from ethos.evals.eval_run import EvalRun
from ethos.evals.graders.agreement import grader_agreements
from ethos.evals.headline import read_screen
from ethos.evals.personas import get_persona
from ethos.evals.stats import MIN_SEEDS
from ethos.evals.validity import ValidityRow
from ethos.experiments.evaluation import generalization_cells, heldout_overlap, heldout_rows, heldout_suite
from ethos.experiments.gaming import gaming_rows
from ethos.experiments.kinds import TRAIT_FILE, kind_of
from ethos.experiments.persistence import attack_rows, correct, jailbreak_contrasts, jailbreak_result
from ethos.experiments.study_config import PRE_RUN, ModelRun, expand
from ethos.experiments.training import line_kinds, training_curve
from ethos.report.results import CouplingRow, DesignRow, RunInfo, StudyResults, TrainingCurve
from ethos.train.arms import BASELINE, PRE, TREATMENT, Arm

PACKAGES = ("ethos", "torch", "transformers", "trl", "peft", "numpy", "matplotlib")


def versions(dtype: str = "auto") -> dict[str, str]:
    from ethos.models.dtypes import dtype_name, parse_dtype
    from ethos.models.hardware import describe

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
    return [study.eval_dir(r, panel) for r in study.cfg.runs(arm)]


def _positions(study, panel: str) -> dict[str, str]:
    """Each benchmark's position on the pre-RL model: the headline selection, made before training is seen."""
    summary = EvalRun(study.eval_dir(PRE_RUN, panel)).summary()
    return {name: row.get("position", IN_RANGE) for name, row in summary["benchmarks"].items()}


def comparison_pairs(arms: dict[str, Arm]) -> list[tuple[str, str]]:
    """(reference, candidate) pairs from each arm's ``compared_with``: the headline (baseline → treatment) first,
    then every comparison with a trained reference in arm order, then those with the pre-RL model."""
    pairs = [(ref, name) for name, arm in arms.items() for ref in arm.compared_with if ref in arms or ref == PRE]
    first = [p for p in pairs if p == (BASELINE, TREATMENT)]
    trained = [p for p in pairs if p[0] != PRE and p not in first]
    pre = sorted((p for p in pairs if p[0] == PRE), key=lambda p: p[1] != TREATMENT)
    return first + trained + pre


def _comparisons(study, panel: str) -> list:
    positions, e = _positions(study, panel), study.eval_cfg
    return [
        compare_runs(
            _dirs(study, a, panel),
            _dirs(study, b, panel),
            name_a=a,
            name_b=b,
            positions=positions,
            fixed_a=not study.arm(a).trains,
            fixed_b=not study.arm(b).trains,
            alpha=e.alpha,
        )
        for a, b in comparison_pairs(study.arms)
    ]


def _heldout(study, res: StudyResults) -> None:
    """The held-out rows (with each stream's overlap with training text) and the anti-gaming rows, both from
    every model's held-out evaluation."""
    if not study.cfg.heldout:
        return
    dirs = {a: _dirs(study, a, "heldout") for a in [PRE, *study.arms]}
    data_dir = study.run.stage_dir("data")
    suite = heldout_suite(data_dir, study.cfg.heldout)
    overlaps = heldout_overlap(suite, data_dir)
    res.heldout = heldout_rows(dirs, overlaps=overlaps)
    contrast = {e.id: e for b in suite.benchmarks if b.name == "heldout.contrast" for e in b.items}
    res.gaming = gaming_rows(dirs, contrast)


def _generalization(study) -> list:
    """The domain-transfer matrix: every arm with a transfer label (the treatment and the domain-selected arms)."""
    cfg = study.cfg
    arms = {a.label: name for name, a in study.arms.items() if a.label}
    headline = [b.name for b in study.suite.benchmarks]
    heldout = bool(cfg.heldout and cfg.heldout.heldout_domains)
    in_domain = {a.label: evaluation_groups(a.domains) for a in study.arms.values() if a.label and a.domains}
    return generalization_cells(
        _dirs(study, BASELINE),
        {label: _dirs(study, arm) for label, arm in arms.items()},
        headline,
        _dirs(study, BASELINE, "heldout") if heldout else [],
        {label: _dirs(study, arm, "heldout") for label, arm in arms.items()} if heldout else {},
        in_domain={k: v for k, v in in_domain.items() if v},
    )


def _clean_by_arm(study, which: str, comparison: str) -> dict[str, list[EvalRun]]:
    runs = study.persistence_runs(which, comparison=comparison)
    return {arm: [_clean(study, r) for r in runs if r.arm == arm] for arm in {r.arm for r in runs}}


def _clean(study, run: ModelRun) -> EvalRun:
    """A persistence model's clean evaluation: every benchmark its attacks are read on, at the same items."""
    return EvalRun(study.clean_dir(run))


def attack_pairs(p, comparison: str, more=None) -> list[tuple[str, str]]:
    """(treated, comparison) pairs of one attack: the persistence pair, then each further arm (``more``, by
    default ``persistence.also``) against the comparison, the treated arm and the further arms before it."""
    extra = [arm for arm in (p.also if more is None else more) if arm not in (comparison, p.treated)]
    return [(p.treated, comparison)] + [
        (arm, ref) for i, arm in enumerate(extra) for ref in (comparison, p.treated, *extra[:i])
    ]


def _attack(res: StudyResults, pairs, label: str, harmful: bool, clean, attacked, names, fixed) -> None:
    """One attack's rows (each arm once) and one contrast per (treated, comparison) pair."""
    for treated, comparison in pairs:
        rows, contrast = attack_rows(label, harmful, clean, attacked, names, treated, comparison, fixed=fixed)
        seen = {(x.test, x.model) for x in res.persistence}
        res.persistence += [r for r in rows if (r.test, r.model) not in seen]
        res.contrasts.append(contrast)


def _persistence(study, res: StudyResults) -> None:
    p, seed, n_boot = study.persistence, study.cfg.seed, study.eval_cfg.n_boot
    if p is None:
        return
    fixed = [name for name in (p.comparison, p.treated, PRE) if not study.arm(name).trains]  # one fixed model each

    def attacked_dirs(runs, parts) -> dict[str, list[Path]]:
        arms: dict[str, list[Path]] = {}
        for r in runs:
            arms.setdefault(r.arm, []).append(study.run.stage_dir("persistence", *parts(r)))
        return arms

    if p.personas:
        names = study.persona_benchmarks()
        runs = study.persistence_runs(p.personas.seeds)
        clean = _clean_by_arm(study, p.personas.seeds, p.comparison)
        for pname in p.personas.names:
            persona = get_persona(pname)
            attacked = attacked_dirs(runs, lambda r, n=pname: ("personas", r.name, n))
            label = f"persona ({p.personas.form}): {pname}" + ("" if persona.harmful else " [helpful control]")
            _attack(res, attack_pairs(p, p.comparison), label, persona.harmful, clean, attacked, names, fixed)
    if p.finetune:
        ft = p.finetune
        runs = study.persistence_runs(ft.seeds, comparison=ft.comparison)
        attacked = attacked_dirs(runs, lambda r: ("finetune", r.name, "eval"))
        for group, sel in ft.groups.items():
            names = expand(sel, study.bench_category)
            clean = _clean_by_arm(study, ft.seeds, ft.comparison)
            _attack(res, attack_pairs(p, ft.comparison), f"fine-tune: {group}", True, clean, attacked, names, fixed)
        what = (
            "the compute-matched baseline"
            if ft.comparison == BASELINE
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
        grid: dict[str, list[Path]] = {}
        for r in study.jailbreak_runs():
            grid.setdefault(r.arm, []).append(study.run.stage_dir("persistence", "jailbreak", r.name))
        pairs = [(ref, arm) for arm, ref in attack_pairs(p, p.comparison, more=list(grid))]
        res.contrasts += jailbreak_contrasts(grid, pairs, jb.quantile, fixed=fixed)
        for r in study.jailbreak_runs():
            res.jailbreaks.append(
                jailbreak_result(
                    r.name,
                    study.run.stage_dir("persistence", "jailbreak", r.name),
                    _clean(study, r),
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
        kind = kind_of(study.arm(r.arm))
        arm_dir = kind.metrics_dir(study.arm_dir(r))
        if (arm_dir / "metrics.jsonl").exists():
            curve = training_curve(r, arm_dir, total if kind.counts_skeletons else None, kinds)
            curve.pre_rl_tokens = kind.matched_tokens(study.arm_dir(r))
            curves.append(curve)
    return curves


def _design(study, curves: list[TrainingCurve]) -> list:
    t, rows = study.train_cfg, []
    for arm, spec in study.arms.items():
        mine = [c for c in curves if c.arm == arm]
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

        dose = mine[0].dose if mine else (t.data.dose if spec.kind == "rl" else None)
        others = [kind_of(spec).other_tokens(study.arm_dir(r)) for r in study.cfg.runs(arm)]
        other = {k: float(np.mean([o.get(k, 0.0) for o in others])) for k in {k for o in others for k in o}}
        rows.append(
            DesignRow(
                arm,
                spec.description,
                dose,
                study.cfg.seeds_for(arm),
                prompts,
                skeletons,
                mean("tokens"),
                mean("seconds"),
                other,
            )
        )
    return rows


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
    few = [name for name, arm in study.arms.items() if len(cfg.seeds_for(name)) < MIN_SEEDS]
    if few and len(cfg.seeds) > 1:
        out.append(
            f"{', '.join(few)} trained with fewer than {MIN_SEEDS} seeds, so their comparisons are descriptive: they "
            "show an interval given the seeds that ran, and no p-value, q-value or claim of significance."
        )
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
    trait = [d for d in res.design if d.arm == TREATMENT and d.prompts_per_seed]
    if trait:
        d = trait[0]
        seen, std = d.prompts_per_seed.get("trait", 0), d.prompts_per_seed.get("standard", 0)
        traits = {t for c in res.curves if c.arm == TREATMENT for t in c.traits_seen}
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
    for where, names in _selections(study).items():
        absent = [n for n in names if not expand([n], study.bench_category)]
        if absent:
            out.append(
                f"{where} lists {', '.join(absent)}, which this run's suites do not hold (not installed here); "
                "its numbers are over the rest of the list."
            )
    e = study.eval_cfg
    if e.limit is not None:
        out.append(
            f"Each headline benchmark was evaluated on at most {e.limit} items (hash-selected, the same for every "
            "model); the published benchmarks have more, and the intervals are correspondingly wide."
        )
    return out


def _selections(study) -> dict[str, list[str]]:
    """Every benchmark selection of the persistence settings, by where it is in the recipe."""
    p, out = study.persistence, {}
    if p and p.personas:
        out["persistence.personas.benchmarks"] = p.personas.benchmarks
    if p and p.finetune:
        out |= {f"persistence.finetune.groups.{g}": names for g, names in p.finetune.groups.items()}
    if p and p.jailbreak:
        out["persistence.jailbreak.benchmarks"] = p.jailbreak.benchmarks
        out["persistence.jailbreak.overrefuse"] = p.jailbreak.overrefuse
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
    correct(res.contrasts)
    for kind in {kind_of(a).name: kind_of(a) for a in study.arms.values()}.values():
        kind.report(study, res)  # each kind of arm adds its own panel (the deliberative one)
    res.coupling = _coupling(study)
    res.validity = _validity(study)
    res.grader_agreement = grader_agreements(seed=cfg.seed)
    res.headline_choice = read_screen(study.run.stage_dir("headline"))
    res.limits = limits(study, res)
    res.notes = _notes(study, timings, peak)
    return res
