"""The study keys of a recipe (run directory, arms, generalization, persistence, report, budgets).

A recipe is one YAML file. The ``data:``, ``train:``, ``deliberative:`` and ``eval:`` sections are
validated by the rooms that own them; this module validates the rest and cross-checks every *name*
(arms, domains, benchmarks, personas, jailbreak techniques) against what exists, so that a typo
fails in one message listing the valid names before any model loads or any training starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ethos.models.embedded import DEFAULT_MODEL
from ethos.recipe import Recipe

FOREIGN_SECTIONS = ("data", "train", "deliberative", "eval")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DomainSet(_Strict):
    """A generalization arm: the treatment recipe with trait data from some domains only."""

    label: str = ""
    domains: list[str] | None = None  # only these
    exclude: list[str] | None = None  # all but these


Seeds = Literal["all", "first"]  # evaluate every training seed of the two arms, or only the first


class PersonaSettings(_Strict):
    seeds: Seeds = "all"
    names: list[str] = Field(default_factory=lambda: ["harmful_medical", "harmful_mental_health", "careful_clinician"])
    form: Literal["turns", "system", "both"] = "turns"
    # Names of the published suite and of the built-in panel: a selection is valid when any of its names is in the run.
    benchmarks: list[str] = Field(
        default_factory=lambda: [
            "truthfulqa.mc",
            "xstest.unsafe",
            "misconceptions",
            "crisis_response_choice",
            "harmful_refusal_choice",
        ]
    )


class FinetuneSettings(_Strict):
    seeds: Seeds = "first"
    comparison: Literal["baseline", "pre"] = "baseline"
    conversations: int = Field(default=150, ge=1)
    steps: int = Field(default=20, ge=1)
    batch_size: int = Field(default=8, ge=1)
    lr: float = Field(default=2e-4, gt=0)
    groups: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "health": ["truthfulqa.mc", "misconceptions", "crisis_response_choice"],
            "broad alignment": ["corrigibility", "power_seeking"],
        }
    )


class JailbreakSettings(_Strict):
    seeds: Seeds = "first"
    benchmarks: list[str] = Field(default_factory=lambda: ["strongreject", "harmful_refusal"])
    techniques: list[str] | None = None  # None = every technique
    quantile: float = Field(default=0.1, gt=0, le=1)
    limit: int | None = Field(default=24, ge=1)
    overrefuse: list[str] = Field(default_factory=lambda: ["xstest.safe", "over_refusal"])


class PersistenceSettings(_Strict):
    treated: str = "treatment"
    comparison: str = "baseline"
    limit: int | None = Field(default=None, ge=1)  # items per benchmark for persona and fine-tune evals
    personas: PersonaSettings | None = Field(default_factory=PersonaSettings)
    finetune: FinetuneSettings | None = Field(default_factory=FinetuneSettings)
    jailbreak: JailbreakSettings | None = Field(default_factory=JailbreakSettings)


class HeldoutSettings(_Strict):
    """Held-out prompts of both training streams, graded by the training graders (did RL improve its own objective?)."""

    standard: int = Field(default=48, ge=0)  # from the standard eval pool
    trait: int = Field(default=48, ge=0)  # from the trait eval split (training domains)
    heldout_domains: int = Field(default=32, ge=0)  # from the held-out domains (never trained on)
    skeletons: int = Field(default=48, ge=0)  # from the held-out skeletons (situations never trained on)
    contrast: int = Field(default=24, ge=0)  # contrast items of the eval split (is the reward gamed by blanket moves?)
    max_new_tokens: int = Field(default=64, ge=8)


class ReportSettings(_Strict):
    title: str = "ethos study"


class Budgets(_Strict):
    """Targets the run is checked against (and reported beside its measured values)."""

    minutes: float = 60
    max_rss_gb: float = 6


@dataclass(frozen=True)
class ModelRun:
    """One trained model of the study: an arm and the training seed it ran with (``pre`` has none)."""

    arm: str
    seed: int | None = None

    @property
    def name(self) -> str:
        return self.arm if self.seed is None else f"{self.arm}.s{self.seed}"


PRE = ModelRun("pre")


class StudyConfig(_Strict):
    run_dir: str = "runs/default"
    seed: int = 0  # data, evaluation and the first training seed
    seeds: list[int] = Field(default_factory=lambda: [0], min_length=1)  # training seeds of the seeded arms
    seeded_arms: list[str] = Field(default_factory=lambda: ["baseline", "treatment"])  # the rest run seeds[0] only
    model: str = DEFAULT_MODEL
    backend: Literal["native", "trl"] = "native"  # GRPO implementation every arm trains with
    # Arms match compute in tokens processed (steps set from a sampled probe of each dose's cost) or in steps only.
    compute_match: Literal["tokens", "steps"] = "tokens"
    isolate_stages: bool = True  # each model stage in its own process (memory); off for tiny runs
    arms: list[str] = Field(default_factory=lambda: ["baseline", "treatment", "control"])
    generalization: dict[str, DomainSet] = Field(default_factory=dict)
    deliberative_arm: bool = False  # the deliberative-alignment pipeline (the recipe's deliberative: section)
    validity_limit: int | None = Field(
        default=30, ge=1
    )  # items per benchmark of the pre-RL validity check (None: skip)
    heldout: HeldoutSettings | None = Field(default_factory=HeldoutSettings)
    persistence: PersistenceSettings | None = Field(default_factory=PersistenceSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    budgets: Budgets = Field(default_factory=Budgets)

    def seeds_for(self, arm: str) -> list[int]:
        return list(self.seeds) if arm in self.seeded_arms else [self.seeds[0]]

    def trained_arms(self) -> list[str]:
        """Every arm that trains: the named RL arms, one treatment per generalization domain set, and
        the deliberative-alignment arm."""
        return (
            list(self.arms)
            + [f"gen_{name}" for name in self.generalization]
            + (["deliberative"] if self.deliberative_arm else [])
        )

    def runs(self, arm: str | None = None) -> list[ModelRun]:
        arms = self.trained_arms() if arm is None else [arm]
        return [PRE] if arm == "pre" else [ModelRun(a, s) for a in arms for s in self.seeds_for(a)]

    def evaluated(self) -> list[ModelRun]:
        return [PRE, *self.runs()]


def parse_study(recipe: Recipe) -> StudyConfig | None:
    """Validate the study keys of a recipe (its top level, without the rooms' sections); problems are collected."""
    study = {k: v for k, v in recipe.data.items() if k not in FOREIGN_SECTIONS}
    return recipe.parse(None, StudyConfig, raw=study)


def name_problems(cfg: StudyConfig, benchmarks: dict[str, str]) -> list[tuple[tuple[str, ...], str]]:
    """Every unknown name in the study keys as (key path, message), each with the valid names
    (``benchmarks``: name -> category)."""
    from ethos.data.schema import DOMAINS
    from ethos.evals.personas import PERSONAS
    from ethos.experiments.jailbreaks import TECHNIQUES
    from ethos.train.arms import ARMS

    problems: list[tuple[tuple[str, ...], str]] = []

    def check(loc: tuple[str, ...], names, valid) -> None:
        bad = [n for n in names if n not in valid]
        if bad:
            problems.append((loc, f"names unknown {', '.join(map(repr, bad))} (valid: {', '.join(valid)})"))

    trained = [a for a, arm in ARMS.items() if arm.trains]
    check(("arms",), cfg.arms, trained)
    if "baseline" not in cfg.arms or "treatment" not in cfg.arms:
        problems.append((("arms",), "must include baseline and treatment (the study compares them)"))
    check(("seeded_arms",), cfg.seeded_arms, cfg.trained_arms())
    if len(set(cfg.seeds)) != len(cfg.seeds):
        problems.append((("seeds",), "lists a seed twice"))
    for name, ds in cfg.generalization.items():
        if (ds.domains is None) == (ds.exclude is None):
            problems.append(
                (("generalization", name), "needs exactly one of domains (only these) or exclude (all but these)")
            )
        check(("generalization", name), (ds.domains or []) + (ds.exclude or []), DOMAINS)
    available = sorted({*benchmarks, *benchmarks.values()})

    def resolves(loc: tuple[str, ...], names: list[str]) -> None:
        # Panels depend on which published files are installed, so a selection may name benchmarks of either;
        # it is a problem only when none of its names is in this run's suites.
        if names and not expand(names, benchmarks):
            problems.append((loc, f"selects no benchmark of this run's suites (available: {', '.join(available)})"))

    p = cfg.persistence
    if p is not None:
        models = ["pre", *cfg.trained_arms()]
        check(("persistence", "treated"), [p.treated], models)
        check(("persistence", "comparison"), [p.comparison], models)
        if p.personas:
            check(("persistence", "personas", "names"), p.personas.names, PERSONAS.names())
            resolves(("persistence", "personas", "benchmarks"), p.personas.benchmarks)
        if p.finetune:
            for group, names in p.finetune.groups.items():
                resolves(("persistence", "finetune", "groups", group), names)
        if p.jailbreak:
            check(("persistence", "jailbreak", "techniques"), p.jailbreak.techniques or [], TECHNIQUES)
            resolves(("persistence", "jailbreak", "benchmarks"), p.jailbreak.benchmarks)
            resolves(("persistence", "jailbreak", "overrefuse"), p.jailbreak.overrefuse)
    return problems


def expand(selection: list[str], benchmarks: dict[str, str]) -> list[str]:
    """Benchmark names selected by a list of benchmark names and/or categories, in suite order."""
    chosen = set(selection)
    return [b for b, cat in benchmarks.items() if b in chosen or cat in chosen]
