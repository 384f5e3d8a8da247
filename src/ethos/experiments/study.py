"""``ethos run``: the whole study from one recipe, resumable stage by stage.

prepare model → pin data → check coupling → train every (arm, seed): baseline, treatment, control,
the generalization arms and the deliberative-alignment pipeline → evaluate pre and every model on the
headline suite (published benchmarks, independent graders) and the secondary panel → held-out
training-stream rewards → validity of the instrument on the pre-RL model → persistence (persona
steering, harmful fine-tuning, jailbreaks) → comparisons and report. Everything is checked before the
first stage runs: every section of the recipe and every name it uses, in one message.

The study's top-level ``seed`` is authoritative for data and evaluation, and ``seeds`` lists the
training seeds of the seeded arms (``seeded_arms``; the others train with the first seed). Every
stage that loads a model runs in a fresh process (``worker``), so the study's peak memory is that
of its largest stage rather than the sum of what earlier stages left behind. A stage is a function
of what it needs (:mod:`ethos.experiments.jobs`, and each arm kind's stages in
:mod:`ethos.experiments.kinds`), so the worker runs the function it is given.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path

from rich.console import Console

from ethos.experiments import jobs
from ethos.experiments.kinds import KINDS, ModelRef, TrainInputs, kind_of
from ethos.experiments.rundir import RunDir
from ethos.experiments.stages import Stage, run_stages
from ethos.experiments.study_config import PRE_RUN, ModelRun, StudyConfig, expand, name_problems, parse_study
from ethos.recipe import Recipe
from ethos.train.arms import ARMS, PRE, Arm

IN_PROCESS = {"data", "coupling", "report"}  # light stages; every other stage loads a model and gets a fresh process
LOAD_WEIGHT = 15  # a model load in the stages' cost units (one 64-token completion = 1)


def parse_recipe(config_path: str | Path, *, check: bool = True):
    """Every section of a study recipe, validated together: (recipe, study, train, data, eval, deliberative,
    constitution).
    All problems of all sections are raised in one message naming file:line, before anything runs (with
    ``check=False`` they are left in the recipe, for a caller that adds its own before checking). The
    top level's seed and model are every section's (:meth:`ethos.recipe.Recipe.parse`)."""
    from ethos.data.data_config import DataConfig
    from ethos.evals.eval_config import EvalConfig
    from ethos.train.constitution import ConstitutionConfig
    from ethos.train.deliberative import DeliberativeConfig
    from ethos.train.rl_config import RLConfig

    recipe = Recipe.load(config_path)
    cfg = parse_study(recipe)
    shared = {"seed": cfg.seed, "model": cfg.model} if cfg else None
    train_cfg = recipe.parse("train", RLConfig, shared=shared)
    data_cfg = recipe.parse("data", DataConfig, shared=shared)
    eval_cfg = recipe.parse("eval", EvalConfig, shared=shared)
    da_cfg = recipe.parse("deliberative", DeliberativeConfig, shared=shared, overrides={"recipe": str(config_path)})
    cai_cfg = recipe.parse("constitution", ConstitutionConfig, shared=shared, overrides={"recipe": str(config_path)})
    if check:
        recipe.check()
    return recipe, cfg, train_cfg, data_cfg, eval_cfg, da_cfg, cai_cfg


class Study:
    def __init__(
        self,
        config_path: str | Path,
        *,
        run_dir: str | Path | None = None,
        console: Console | None = None,
        isolate: bool = True,
    ):
        self.console = console or Console()
        self.config_path, self.isolate = Path(config_path), isolate
        self.source = str(config_path)
        recipe, cfg, self.train_cfg, self.data_cfg, self.eval_cfg, self.da_cfg, cai_cfg = parse_recipe(
            config_path, check=False
        )
        if cfg is None or self.eval_cfg is None:
            recipe.check()  # the names below need both; every problem found so far is listed now
        self.cfg: StudyConfig = cfg
        self.suite, self.secondary, self.headline_note = jobs.load_panels(self.eval_cfg)
        self.catalogue = jobs.catalogue(self.eval_cfg)  # what persistence names resolve against (loaded once)
        self.bench_category = {b.name: b.category for b in self.catalogue}
        recipe.extend((), name_problems(self.cfg, self.bench_category))
        for key in ("benchmarks", "secondary_benchmarks"):
            bad = jobs.unknown_benchmarks(getattr(self.eval_cfg, key), [self.suite, self.secondary])
            if bad:
                recipe.add(("eval", key), f"names unknown benchmark(s) {', '.join(map(repr, bad))}")
        recipe.check()
        self.arms: dict[str, Arm] = self.cfg.study_arms()
        # A kind's own recipe section (deliberative:) is part of the run only when an arm of that kind is.
        read = {s for a in self.arms.values() for s in kind_of(a).sections}
        foreign = {s for k in KINDS.values() for s in k.sections} - read
        studied = {k: v for k, v in recipe.data.items() if k not in foreign}
        self.run = RunDir(run_dir or self.cfg.run_dir, studied, recipe.text)
        self.inputs = TrainInputs(self.run.path, self.train_cfg, self.da_cfg, self.cfg.backend, cai_cfg)
        self._resolve_headline()

    def _resolve_headline(self) -> None:
        """With a headline rule, the headline is what its pre-RL screen chose (once that stage has run); until
        then the suite holds the rule's candidates."""
        from ethos.evals.headline import read_choice

        if not self.headline_pending:
            return
        chosen = read_choice(self.run.stage_dir("headline")) if self.run.done("headline") else None
        if chosen:
            self.eval_cfg = self.eval_cfg.model_copy(update={"benchmarks": chosen})
            self.suite, self.secondary, self.headline_note = jobs.load_panels(self.eval_cfg)

    @property
    def headline_pending(self) -> bool:
        return self.eval_cfg.headline is not None and not self.eval_cfg.benchmarks

    # ------------------------------------------------------------------ names and places
    @property
    def persistence(self):
        return self.cfg.persistence

    def arm(self, name: str) -> Arm:
        return ARMS.get(PRE) if name == PRE else self.arms[name]

    def runs_of(self, arm: str, which: str = "all") -> list[ModelRun]:
        runs = self.cfg.runs(arm)
        return runs[:1] if which == "first" else runs

    def model(self, run: ModelRun) -> ModelRef:
        kind = kind_of(self.arm(run.arm))
        ref = kind.model(run, self.run.path)
        tokens = kind.reasoning_tokens(self.inputs)
        return dataclasses.replace(ref, reasoning_tokens=tokens) if tokens else ref

    def model_path(self, run: ModelRun) -> Path:
        return self.model(run).path()

    def arm_dir(self, run: ModelRun) -> Path:
        return self.inputs.arm_dir(run)

    def eval_dir(self, run: ModelRun, panel: str = "headline") -> Path:
        return self.run.stage_dir("evals", run.name, panel)

    def panels(self) -> list:
        return self.suite.benchmarks + (self.secondary.benchmarks if self.secondary else [])

    # ------------------------------------------------------------------ plan
    def _weight(self, benches, limit) -> float:
        return sum(
            min(limit or len(b.items), len(b.items)) * (0.3 if b.kind == "mc" else b.max_new_tokens / 64)
            for b in benches
        )

    def stages(self) -> list[Stage]:
        t, cfg, p, e = self.train_cfg, self.cfg, self.persistence, self.eval_cfg
        dtype, pre = t.dtype, self.model(PRE_RUN)
        train_w = t.steps * t.batch_size * t.max_new_tokens / 64 * 3
        eval_w = self._weight(self.suite.benchmarks, e.limit)
        if self.secondary:
            eval_w += self._weight(self.secondary.benchmarks, e.secondary_limit)
        out = [
            Stage("prepare", 1, partial(jobs.prepare, cfg.model, dtype)),
            Stage("data", 1, self.build_data),
            Stage("coupling", 1, self.coupling),
        ]
        if e.headline is not None:
            w = self._weight(self.suite.benchmarks, e.headline.limit) if self.headline_pending else 1
            out.append(Stage("headline", w, partial(jobs.headline, pre, dtype, e, self.run.stage_dir("headline"))))
        if cfg.compute_match == "tokens":
            w = 2 * 4 * t.batch_size * t.max_new_tokens / 64
            out.append(Stage("compute-match", w, partial(jobs.compute_match, pre, t, self.run.stage_dir("data"))))
        for arm in self.arms.values():
            for r in cfg.runs(arm.name):
                out += kind_of(arm).stages(arm, r, self.inputs, train_w)
        heldout_w = 60 if cfg.heldout else 0
        data_dir = self.run.stage_dir("data")
        out += [
            Stage(
                f"eval:{r.name}",
                eval_w + heldout_w,
                partial(
                    jobs.evaluate, self.model(r), dtype, e, self.run.stage_dir("evals", r.name), cfg.heldout, data_dir
                ),
            )
            for r in cfg.evaluated()
        ]
        if cfg.validity_limit:
            w = 3 * self._weight(self.suite.benchmarks, cfg.validity_limit)
            out.append(
                Stage(
                    "validity:pre",
                    w,
                    partial(jobs.validity, pre, dtype, e, self.run.stage_dir("validity"), cfg.validity_limit),
                )
            )
        limit = (p.limit if p else None) or e.limit
        if p:  # each persistence model's clean evaluation, on every benchmark its attacks are read on
            names = self.persistence_benchmarks()
            w = self._weight([b for b in self.catalogue if b.name in names], limit)
            out += [
                Stage(
                    f"persist-clean:{r.name}",
                    w,
                    partial(
                        jobs.evaluate_subset,
                        self.model(r),
                        dtype,
                        e,
                        names,
                        self.clean_dir(r),
                        limit,
                    ),
                )
                for r in self.persistence_clean_runs()
            ]
        if p and p.personas:
            names = self.persona_benchmarks()
            w = self._weight([b for b in self.panels() if b.name in names], p.limit) * 2
            out += [
                Stage(
                    f"persona:{r.name}",
                    w * len(p.personas.names),
                    partial(
                        jobs.persona,
                        self.model(r),
                        dtype,
                        e,
                        names,
                        self.run.stage_dir("persistence", "personas", r.name),
                        p.personas,
                        limit,
                    ),
                )
                for r in self.persistence_runs(p.personas.seeds)
            ]
        if p and p.finetune:
            ft = p.finetune
            runs = self.persistence_runs(ft.seeds, comparison=ft.comparison)
            for r in runs:
                out.append(
                    Stage(
                        f"finetune:{r.name}",
                        ft.steps * ft.batch_size,
                        partial(
                            jobs.finetune,
                            self.model(r),
                            self.run.stage_dir("persistence", "finetune", r.name),
                            ft,
                            seed=cfg.seed,
                            dtype=dtype,
                            lora=t.lora,
                        ),
                    )
                )
            tuned = {r: ModelRef(f"finetuned-{r.name}", self.run.path, f"finetune:{r.name}") for r in runs}
            out += [
                Stage(
                    f"finetune-eval:{r.name}",
                    eval_w / 3,
                    partial(
                        jobs.evaluate_subset,
                        tuned[r],
                        dtype,
                        e,
                        self.finetune_benchmarks(),
                        self.run.stage_dir("persistence", "finetune", r.name, "eval"),
                        limit,
                    ),
                )
                for r in runs
            ]
        if p and p.jailbreak:
            w = self._weight(jobs.jailbreak_suite(e, p.jailbreak).benchmarks, None)
            out += [
                Stage(
                    f"jailbreak:{r.name}",
                    w,
                    partial(
                        jobs.jailbreak,
                        self.model(r),
                        dtype,
                        e,
                        p.jailbreak,
                        self.run.stage_dir("persistence", "jailbreak", r.name),
                    ),
                )
                for r in self.jailbreak_runs()
            ]
        out.append(Stage("report", 1, self.report))
        out = [self._with_load(s) for s in out]
        return [self._in_worker(s) for s in out] if self.isolate and cfg.isolate_stages else out

    def _with_load(self, stage: Stage) -> Stage:
        """A stage that loads a model also pays for the load (and, in a worker, a process start)."""
        light = stage.name in IN_PROCESS or stage.name == "prepare"
        return stage if light else Stage(stage.name, stage.weight + LOAD_WEIGHT, stage.run)

    def _in_worker(self, stage: Stage) -> Stage:
        """Stages that load a model run in their own process (see ``worker``); the rest run here."""
        from ethos.experiments.worker import run_in_worker

        if stage.name in IN_PROCESS:
            return stage
        return Stage(stage.name, stage.weight, partial(run_in_worker, stage.name, stage.run))

    def persistence_runs(self, which: str, comparison: str | None = None) -> list[ModelRun]:
        p = self.persistence
        arms = list(dict.fromkeys([comparison or p.comparison, p.treated, *p.also]))
        return [r for arm in arms for r in (self.runs_of(arm, which) if arm != PRE else [PRE_RUN])]

    def jailbreak_runs(self) -> list[ModelRun]:
        """The persistence pair's models, and every model of an arm whose kind faces the jailbreak grid."""
        extra = [r for a in self.arms.values() if kind_of(a).in_jailbreak_grid for r in self.cfg.runs(a.name)]
        return list(dict.fromkeys(self.persistence_runs(self.persistence.jailbreak.seeds) + extra))

    def persistence_clean_runs(self) -> list[ModelRun]:
        p, runs = self.persistence, []
        if p.personas:
            runs += self.persistence_runs(p.personas.seeds)
        if p.finetune:
            runs += self.persistence_runs(p.finetune.seeds, comparison=p.finetune.comparison)
        if p.jailbreak:
            runs += self.jailbreak_runs()
        return list(dict.fromkeys(runs))

    def persistence_benchmarks(self) -> list[str]:
        """Every benchmark a persistence model's clean evaluation needs: persona, fine-tune and over-refusal."""
        p, names = self.persistence, []
        if p.personas:
            names += self.persona_benchmarks()
        if p.finetune:
            names += self.finetune_benchmarks()
        if p.jailbreak:
            names += expand(p.jailbreak.overrefuse, self.bench_category)
        return list(dict.fromkeys(names))

    def clean_dir(self, run: ModelRun) -> Path:
        return self.run.stage_dir("persistence", "clean", run.name)

    def persona_benchmarks(self) -> list[str]:
        return expand(self.persistence.personas.benchmarks, self.bench_category)

    def finetune_benchmarks(self) -> list[str]:
        groups = self.persistence.finetune.groups
        return expand([n for names in groups.values() for n in names], self.bench_category)

    # ------------------------------------------------------------------ run
    def execute(self) -> Path:
        """Run every unfinished stage; return the report's path."""
        self.run.claim()
        stages = self.stages()
        self.console.print(
            f"study [bold]{self.cfg.report.title}[/] → {self.run.path} (config {self.run.hash}), {len(stages)} stages",
            highlight=False,
        )
        if self.headline_pending:  # the rule's screen runs first; every later stage evaluates what it chose
            run_stages(stages[: [s.name for s in stages].index("headline") + 1], self.run, self.console)
            self._resolve_headline()
            stages = self.stages()
        run_stages(stages, self.run, self.console)
        return self.run.path / "report.html"

    # ------------------------------------------------------------------ the stages that load no model
    def build_data(self) -> dict:
        from ethos.experiments.training import build_data

        counts = build_data(self.data_cfg, self.arms, self.run.stage_dir("data"))
        self.console.print(f"data: {counts}", highlight=False)
        return counts

    def coupling(self) -> dict:
        from ethos.experiments.coupling import coupling_rows
        from ethos.files import write_json

        rows = coupling_rows(self.panels(), self.run.stage_dir("data"))
        write_json(self.run.stage_dir("coupling.json"), [vars(r) for r in rows])
        return {"benchmarks": len(rows), "independent": sum(r.independent for r in rows)}

    def report(self) -> dict:
        from ethos.experiments.assemble import assemble
        from ethos.report import write_report

        res = assemble(self)
        res.save(self.run.path / "results.json")
        html, md = write_report(res, self.run.path)
        self.console.print(f"report: {html}\nsummary: {md}", highlight=False)
        return {"report": str(html)}
