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
of its largest stage rather than the sum of what earlier stages left behind.
"""

from __future__ import annotations

import gc
from functools import partial
from pathlib import Path

from rich.console import Console

from ethos.errors import UserError
from ethos.experiments import training
from ethos.experiments.rundir import RunDir
from ethos.experiments.stages import Stage, run_stages
from ethos.experiments.study_config import PRE, ModelRun, StudyConfig, expand, name_problems, parse_study
from ethos.recipe import Recipe

IN_PROCESS = {"data", "coupling", "report"}  # light stages; every other stage loads a model and gets a fresh process
LOAD_WEIGHT = 15  # a model load in the stages' cost units (one 64-token completion = 1)


def _check_one_seed(recipe: Recipe, seed: int) -> None:
    """The study seed drives data, training and evaluation; a different per-section seed is a mistake."""
    for section in ("data", "train", "eval", "deliberative"):
        theirs = recipe.section(section).get("seed")
        if theirs is not None and theirs != seed:
            recipe.add(
                (section, "seed"),
                f"is {theirs} but the study seed is {seed}; set the seed once, at the top "
                f"level, and remove {section}.seed",
            )


def _suites(eval_cfg):
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
    if eval_cfg.benchmarks:
        keep = set(eval_cfg.benchmarks)
        head = Suite(head.name, [b for b in head.benchmarks if b.name in keep or b.category in keep] or head.benchmarks)
    second = None
    if eval_cfg.secondary:
        names = {b.name for b in head.benchmarks}
        rest = [b for b in load_suite(eval_cfg.secondary).benchmarks if b.name not in names]
        if eval_cfg.secondary_benchmarks:
            keep = set(eval_cfg.secondary_benchmarks)
            rest = [b for b in rest if b.name in keep or b.category in keep]
        second = Suite(f"{eval_cfg.secondary}-secondary", rest) if rest else None
    return head, second, note


def parse_recipe(config_path: str | Path):
    """Every section of a study recipe, validated together: (recipe, study, train, data, eval, deliberative).
    All problems of all sections are raised in one message naming file:line, before anything runs."""
    from ethos.data.data_config import DataConfig
    from ethos.evals.eval_config import EvalConfig
    from ethos.train.deliberative import DeliberativeConfig
    from ethos.train.rl_config import parse_train_config

    recipe = Recipe.load(config_path)
    cfg = parse_study(recipe)
    seed = cfg.seed if cfg else 0
    _check_one_seed(recipe, seed)
    model = {"model": cfg.model} if cfg else {}
    train_cfg = parse_train_config(recipe, overrides={"seed": seed} | model)
    data_cfg = recipe.parse("data", DataConfig, overrides={"seed": seed})
    eval_cfg = recipe.parse("eval", EvalConfig, overrides={"seed": seed})
    da_cfg = recipe.parse(
        "deliberative", DeliberativeConfig, overrides={"seed": seed, "recipe": str(config_path)} | model
    )
    recipe.check()
    return recipe, cfg, train_cfg, data_cfg, eval_cfg, da_cfg


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
        recipe, cfg, self.train_cfg, self.data_cfg, self.eval_cfg, self.da_cfg = parse_recipe(config_path)
        self.cfg: StudyConfig = cfg
        self.suite, self.secondary, self.headline_note = _suites(self.eval_cfg)
        panels = self.suite.benchmarks + (self.secondary.benchmarks if self.secondary else [])
        self.bench_category = {b.name: b.category for b in panels}
        recipe.extend((), name_problems(self.cfg, self.bench_category))
        recipe.check()
        studied = (
            recipe.data if self.cfg.deliberative_arm else {k: v for k, v in recipe.data.items() if k != "deliberative"}
        )
        self.run = RunDir(run_dir or self.cfg.run_dir, studied, recipe.text)

    # ------------------------------------------------------------------ names and places
    @property
    def persistence(self):
        return self.cfg.persistence

    def runs_of(self, arm: str, which: str = "all") -> list[ModelRun]:
        runs = self.cfg.runs(arm)
        return runs[:1] if which == "first" else runs

    def model_path(self, run: ModelRun) -> Path:
        if run == PRE:
            from ethos.models import resolve

            return Path(resolve(self.cfg.model).path)
        stage = f"da:{run.name}:rl" if run.arm == "deliberative" else f"train:{run.name}"
        return Path(self.run.stage_info(stage)["info"]["final"])

    def arm_dir(self, run: ModelRun) -> Path:
        return self.run.stage_dir("arms", run.name)

    def eval_dir(self, run: ModelRun, panel: str = "headline") -> Path:
        return self.run.stage_dir("evals", run.name, panel)

    def load(self, path: Path, name: str):
        from ethos.models.local import LocalChatModel

        gc.collect()
        return LocalChatModel.from_folder(path, dtype=self.train_cfg.dtype, name=name)

    # ------------------------------------------------------------------ plan
    def _weight(self, benches, limit) -> float:
        return sum(
            min(limit or len(b.items), len(b.items)) * (0.3 if b.kind == "mc" else b.max_new_tokens / 64)
            for b in benches
        )

    def stages(self) -> list[Stage]:
        t, cfg, p = self.train_cfg, self.cfg, self.persistence
        train_w = t.steps * t.batch_size * t.max_new_tokens / 64 * 3
        eval_w = self._weight(self.suite.benchmarks, self.eval_cfg.limit)
        if self.secondary:
            eval_w += self._weight(self.secondary.benchmarks, self.eval_cfg.secondary_limit)
        out = [
            Stage("prepare", 1, self.prepare),
            Stage("data", 1, self.build_data),
            Stage("coupling", 1, self.coupling),
        ]
        if cfg.compute_match == "tokens":
            out.append(Stage("compute-match", 2 * 4 * t.batch_size * t.max_new_tokens / 64, self.compute_match))
        rl_runs = [r for r in cfg.runs() if r.arm != "deliberative"]
        out += [Stage(f"train:{r.name}", train_w, partial(self.train, r)) for r in rl_runs]
        if cfg.deliberative_arm:
            out += [
                Stage(f"da:{r.name}:{step}", train_w / 2, partial(self.deliberative, r, step))
                for r in cfg.runs("deliberative")
                for step in ("generate", "filter", "sft", "rl")
            ]
        heldout_w = 60 if cfg.heldout else 0
        out += [Stage(f"eval:{r.name}", eval_w + heldout_w, partial(self.evaluate, r)) for r in cfg.evaluated()]
        if cfg.validity_limit:
            out.append(
                Stage("validity:pre", 3 * self._weight(self.suite.benchmarks, cfg.validity_limit), self.validity)
            )
        if p and p.personas:
            w = self._weight([b for b in self.panels() if b.name in self.persona_benchmarks()], p.limit) * 2
            out += [
                Stage(f"persona:{r.name}", w * len(p.personas.names), partial(self.persona, r))
                for r in self.persistence_runs(p.personas.seeds)
            ]
        if p and p.finetune:
            runs = self.persistence_runs(p.finetune.seeds, comparison=p.finetune.comparison)
            out += [
                Stage(f"finetune:{r.name}", p.finetune.steps * p.finetune.batch_size, partial(self.finetune, r))
                for r in runs
            ]
            out += [Stage(f"finetune-eval:{r.name}", eval_w / 3, partial(self.finetune_eval, r)) for r in runs]
        if p and p.jailbreak:
            runs = self.persistence_runs(p.jailbreak.seeds) + (
                self.cfg.runs("deliberative") if cfg.deliberative_arm else []
            )
            w = self._weight(self.jailbreak_suite().benchmarks, None)
            out += [Stage(f"jailbreak:{r.name}", w, partial(self.jailbreak, r)) for r in runs]
        out.append(Stage("report", 1, self.report))
        out = [self._with_load(s) for s in out]
        return [self._in_worker(s) for s in out] if self.isolate and cfg.isolate_stages else out

    def _with_load(self, stage: Stage) -> Stage:
        """A stage that loads a model also pays for the load (and, in a worker, a process start)."""
        light = stage.name in IN_PROCESS or stage.name == "prepare"
        return stage if light else Stage(stage.name, stage.weight + LOAD_WEIGHT, stage.run)

    def _in_worker(self, stage: Stage) -> Stage:
        """Stages that load a model run in their own process (see ``worker``); the rest run here."""
        from ethos.experiments.worker import run_stage_in_worker  # not at import: `-m ethos.experiments.worker` runs it

        if stage.name in IN_PROCESS:
            return stage
        return Stage(
            stage.name, stage.weight, partial(run_stage_in_worker, self.config_path, self.run.path, stage.name)
        )

    def persistence_runs(self, which: str, comparison: str | None = None) -> list[ModelRun]:
        p = self.persistence
        arms = list(dict.fromkeys([comparison or p.comparison, p.treated]))
        return [r for arm in arms for r in (self.runs_of(arm, which) if arm != "pre" else [PRE])]

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
        run_stages(stages, self.run, self.console)
        return self.run.path / "report.html"

    # ------------------------------------------------------------------ stages
    def prepare(self) -> dict:
        from ethos.models import resolve
        from ethos.models.hardware import describe, dtype_name, parse_dtype

        ref = resolve(self.cfg.model, status=lambda m: self.console.print(m, highlight=False))
        if ref.path is None:
            raise UserError(
                f"model '{self.cfg.model}' is a remote endpoint; the study trains arms, so it needs local weights."
            )
        return {"path": str(ref.path), "cpu": describe(), "dtype": dtype_name(parse_dtype(self.train_cfg.dtype))}

    def build_data(self) -> dict:
        counts = training.build_data(self.data_cfg, self.cfg, self.run.stage_dir("data"))
        self.console.print(f"data: {counts}", highlight=False)
        return counts

    def coupling(self) -> dict:
        from ethos.experiments.coupling import coupling_rows
        from ethos.files import write_json

        rows = coupling_rows(self.panels(), self.run.stage_dir("data"))
        write_json(self.run.stage_dir("coupling.json"), [vars(r) for r in rows])
        return {"benchmarks": len(rows), "independent": sum(r.independent for r in rows)}

    def compute_match(self) -> dict:
        """Measure what a training step of each dose costs in tokens; set each arm's matched steps."""
        from ethos.experiments.compute_match import write_match

        chat = self.load(self.model_path(PRE), "pre")
        data_dir = self.run.stage_dir("data")
        return write_match(chat, self.train_cfg, data_dir, training.STANDARD_FILE, training.TRAIT_FILE)

    def train(self, run: ModelRun) -> dict:
        final = training.train_run(
            self.train_cfg, run, self.run.stage_dir("data"), self.arm_dir(run), backend=self.cfg.backend
        )
        return {"final": str(final)}

    def deliberative(self, run: ModelRun, step: str) -> dict:
        from ethos.train import deliberative as da

        cfg = self.da_cfg.model_copy(
            update={"seed": run.seed, "prompts": str(self.run.stage_dir("data", "build", training.TRAIT_FILE))}
        )
        fn = {"generate": da.generate_stage, "filter": da.filter_stage, "sft": da.sft_stage, "rl": da.rl_stage}[step]
        return {"final": str(fn(cfg, self.arm_dir(run)))}

    def _run_suite(self, model, suite, out: Path, *, limit=None, **steer) -> dict:
        from ethos.evals.runner import run_suite

        result = run_suite(model, suite, out, limit=limit, **steer)
        return {"seconds": result.summary["seconds"], "model_hash": result.summary["model_hash"]}

    def panels(self) -> list:
        return self.suite.benchmarks + (self.secondary.benchmarks if self.secondary else [])

    def _subset(self, names: list[str]):
        from ethos.evals.suites import Suite

        return Suite(f"{self.suite.name}-subset", [b for b in self.panels() if b.name in names])

    def evaluate(self, run: ModelRun) -> dict:
        """The headline suite, the secondary panel and the held-out training prompts, one model load."""
        from ethos.experiments.evaluation import heldout_suite

        model = self.load(self.model_path(run), run.name)
        info = {"headline": self._run_suite(model, self.suite, self.eval_dir(run), limit=self.eval_cfg.limit)}
        if self.secondary:
            info["secondary"] = self._run_suite(
                model, self.secondary, self.eval_dir(run, "secondary"), limit=self.eval_cfg.secondary_limit
            )
        if self.cfg.heldout:
            suite = heldout_suite(self.run.stage_dir("data"), self.cfg.heldout)
            info["heldout"] = self._run_suite(model, suite, self.eval_dir(run, "heldout"))
        return info

    def validity(self) -> dict:
        from ethos.evals.validity import validate

        report = validate(
            self.load(self.model_path(PRE), "pre"),
            self.suite,
            self.run.stage_dir("validity"),
            limit=self.cfg.validity_limit,
            form="both",
        )
        return {"sensitive": report.n_sensitive, "benchmarks": len(report.rows)}

    def persona(self, run: ModelRun) -> dict:
        """Every persona of the recipe on one model (one load)."""
        from ethos.evals.personas import get_persona

        p = self.persistence
        model, suite = self.load(self.model_path(run), run.name), self._subset(self.persona_benchmarks())
        return {
            name: self._run_suite(
                model,
                suite,
                self.run.stage_dir("persistence", "personas", run.name, name),
                limit=p.limit or self.eval_cfg.limit,
                **get_persona(name).steering(p.personas.form),
            )
            for name in p.personas.names
        }

    def finetune(self, run: ModelRun) -> dict:
        from ethos.experiments.finetune import harmful_finetune

        out = self.run.stage_dir("persistence", "finetune", run.name)
        final = harmful_finetune(
            self.model_path(run),
            out,
            self.persistence.finetune,
            seed=self.cfg.seed,
            dtype=self.train_cfg.dtype,
            lora=self.train_cfg.lora,
        )
        return {"final": str(final)}

    def finetune_eval(self, run: ModelRun) -> dict:
        path = Path(self.run.stage_info(f"finetune:{run.name}")["info"]["final"])
        return self._run_suite(
            self.load(path, f"finetuned-{run.name}"),
            self._subset(self.finetune_benchmarks()),
            self.run.stage_dir("persistence", "finetune", run.name, "eval"),
            limit=self.persistence.limit or self.eval_cfg.limit,
        )

    def jailbreak_suite(self):
        from ethos.experiments.jailbreaks import TECHNIQUES
        from ethos.experiments.persistence import jailbreak_suite

        jb = self.persistence.jailbreak
        names = expand(jb.benchmarks, self.bench_category)
        return jailbreak_suite(
            [b for b in self.panels() if b.name in names], list(jb.techniques or TECHNIQUES), jb.limit
        )

    def jailbreak(self, run: ModelRun) -> dict:
        return self._run_suite(
            self.load(self.model_path(run), run.name),
            self.jailbreak_suite(),
            self.run.stage_dir("persistence", "jailbreak", run.name),
        )

    def report(self) -> dict:
        from ethos.experiments.assemble import assemble
        from ethos.report import write_report

        res = assemble(self)
        res.save(self.run.path / "results.json")
        html, md = write_report(res, self.run.path)
        self.console.print(f"report: {html}\nsummary: {md}", highlight=False)
        return {"report": str(html)}
