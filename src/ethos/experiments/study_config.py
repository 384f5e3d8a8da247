"""The study keys of a recipe (run directory, arms, generalization, persistence, report, budgets).

A recipe is one YAML file. The ``data:``, ``train:``, ``deliberative:``, ``constitution:`` and ``eval:`` sections are
validated by the rooms that own them; this module validates the rest and cross-checks every *name*
(arms, domains, benchmarks, personas, jailbreak techniques) against what exists, so that a typo
fails in one message listing the valid names before any model loads or any training starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from ethos.data.domain_select import DomainSelection
from ethos.models.embedded import DEFAULT_MODEL
from ethos.recipe import Recipe, Section
from ethos.train.arms import ARMS, BASELINE, CONTROL, PRE, TREATMENT, Arm, treatment_on

FOREIGN_SECTIONS = ("data", "train", "deliberative", "constitution", "eval")


class GeneralizationArm(DomainSelection):
    """A generalization arm: the treatment recipe with trait data about some domains only (exactly one of
    ``domains`` / ``exclude``); it becomes a registered-kind arm (:func:`ethos.train.arms.treatment_on`)."""

    label: str = ""

    def problems(self) -> list[tuple[tuple[str, ...], str]]:
        if (self.domains is None) == (self.exclude is None):
            return [((), "needs exactly one of domains (only these) or exclude (all but these)")]
        return super().problems()


Seeds = Literal["all", "first"]  # evaluate every training seed of the two arms, or only the first


class PersonaSettings(Section):
    seeds: Seeds = "all"
    names: list[str] = Field(default_factory=lambda: ["harmful_medical", "harmful_mental_health", "careful_clinician"])
    form: Literal["turns", "system", "both"] = "turns"
    # Names of the published suite (shipped) and of the built-in panel; each must be in the run's suites.
    benchmarks: list[str] = Field(
        default_factory=lambda: [
            "truthfulqa.mc",
            "xstest.unsafe",
            "misconceptions",
            "crisis_response_choice",
            "harmful_refusal_choice",
        ]
    )


class FinetuneSettings(Section):
    seeds: Seeds = "first"
    comparison: Literal[BASELINE, PRE] = BASELINE
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


class JailbreakSettings(Section):
    seeds: Seeds = "first"
    benchmarks: list[str] = Field(default_factory=lambda: ["xstest.unsafe", "harmful_refusal"])
    techniques: list[str] | None = None  # None = every technique
    quantile: float = Field(default=0.1, gt=0, le=1)
    limit: int | None = Field(default=24, ge=1)
    overrefuse: list[str] = Field(default_factory=lambda: ["xstest.safe", "over_refusal"])


class PersistenceSettings(Section):
    treated: str = TREATMENT
    comparison: str = BASELINE
    # more arms attacked the same way (e.g. deliberative, constitution), each contrasted with both of the above
    also: list[str] = Field(default_factory=list)
    limit: int | None = Field(default=None, ge=1)  # items per benchmark for persona and fine-tune evals
    personas: PersonaSettings | None = Field(default_factory=PersonaSettings)
    finetune: FinetuneSettings | None = Field(default_factory=FinetuneSettings)
    jailbreak: JailbreakSettings | None = Field(default_factory=JailbreakSettings)


class HeldoutSettings(Section):
    """Held-out prompts of both training streams, graded by the training graders (did RL improve its own objective?)."""

    standard: int = Field(default=48, ge=0)  # from the standard eval pool
    trait: int = Field(default=48, ge=0)  # from the trait eval split (training domains)
    heldout_domains: int = Field(default=32, ge=0)  # from the held-out domains (never trained on)
    skeletons: int = Field(default=48, ge=0)  # from the held-out skeletons (situations never trained on)
    contrast: int = Field(default=24, ge=0)  # contrast items of the eval split (is the reward gamed by blanket moves?)
    max_new_tokens: int = Field(default=64, ge=8)


class ReportSettings(Section):
    title: str = "ethos study"


class Budgets(Section):
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


PRE_RUN = ModelRun(PRE)


class StudyConfig(Section):
    run_dir: str = "runs/default"
    seed: int = 0  # data, evaluation and the first training seed
    seeds: list[int] = Field(default_factory=lambda: [0], min_length=1)  # training seeds of the seeded arms
    seeded_arms: list[str] = Field(default_factory=lambda: [BASELINE, TREATMENT])  # the rest run seeds[0] only
    model: str = DEFAULT_MODEL
    backend: Literal["native", "trl"] = "native"  # GRPO implementation every arm trains with
    # Arms match compute in tokens processed (steps set from a sampled probe of each dose's cost) or in steps only.
    compute_match: Literal["tokens", "steps"] = "tokens"
    isolate_stages: bool = True  # each model stage in its own process (memory); off for tiny runs
    # Registered arms (ethos.train.arms.ARMS) to train; deliberative and constitution run their recipe sections.
    arms: list[str] = Field(default_factory=lambda: [BASELINE, TREATMENT, CONTROL])
    generalization: dict[str, GeneralizationArm] = Field(default_factory=dict)  # more arms: treatment on some domains
    validity_limit: int | None = Field(
        default=30, ge=1
    )  # items per benchmark of the pre-RL validity check (None: skip)
    heldout: HeldoutSettings | None = Field(default_factory=HeldoutSettings)
    persistence: PersistenceSettings | None = Field(default_factory=PersistenceSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    budgets: Budgets = Field(default_factory=Budgets)

    def problems(self) -> list[tuple[tuple[str, ...], str]]:
        return [(("generalization", n, *loc), m) for n, ds in self.generalization.items() for loc, m in ds.problems()]

    def seeds_for(self, arm: str) -> list[int]:
        return list(self.seeds) if arm in self.seeded_arms else [self.seeds[0]]

    def study_arms(self) -> dict[str, Arm]:
        """Every arm this study trains, by name: the registered arms it lists, then one treatment per
        generalization domain selection (unknown names are left to :func:`name_problems`)."""
        arms = {name: ARMS.get(name) for name in self.arms if name in ARMS}
        return arms | {name: treatment_on(name, ds, ds.label) for name, ds in self.generalization.items()}

    def arm(self, name: str) -> Arm:
        return ARMS.get(PRE) if name == PRE else self.study_arms()[name]

    def trained_arms(self) -> list[str]:
        return list(self.study_arms())

    def runs(self, arm: str | None = None) -> list[ModelRun]:
        arms = self.trained_arms() if arm is None else [arm]
        return [PRE_RUN] if arm == PRE else [ModelRun(a, s) for a in arms for s in self.seeds_for(a)]

    def evaluated(self) -> list[ModelRun]:
        return [PRE_RUN, *self.runs()]


def parse_study(recipe: Recipe) -> StudyConfig | None:
    """Validate the study keys of a recipe (its top level, without the rooms' sections); problems are collected."""
    study = {k: v for k, v in recipe.data.items() if k not in FOREIGN_SECTIONS}
    return recipe.parse(None, StudyConfig, raw=study)


def name_problems(cfg: StudyConfig, benchmarks: dict[str, str]) -> list[tuple[tuple[str, ...], str]]:
    """Every unknown name in the study keys as (key path, message), each with the valid names
    (``benchmarks``: name -> category)."""
    from ethos.evals.personas import PERSONAS
    from ethos.experiments.jailbreaks import TECHNIQUES
    from ethos.experiments.kinds import KINDS

    problems: list[tuple[tuple[str, ...], str]] = []

    def check(loc: tuple[str, ...], names, valid) -> None:
        bad = [n for n in names if n not in valid]
        if bad:
            problems.append((loc, f"names unknown {', '.join(map(repr, bad))} (valid: {', '.join(valid)})"))

    trained = [a for a, arm in ARMS.items() if arm.trains and arm.kind in KINDS]
    check(("arms",), cfg.arms, trained)
    if BASELINE not in cfg.arms or TREATMENT not in cfg.arms:
        problems.append((("arms",), f"must include {BASELINE} and {TREATMENT} (the study compares them)"))
    if len(set(cfg.arms)) != len(cfg.arms):
        problems.append((("arms",), "lists an arm twice"))
    for name in cfg.generalization:
        if name in ARMS:
            problems.append((("generalization", name), "is a registered arm's name; name this arm differently"))
    check(("seeded_arms",), cfg.seeded_arms, cfg.trained_arms())
    if len(set(cfg.seeds)) != len(cfg.seeds):
        problems.append((("seeds",), "lists a seed twice"))
    available = sorted({*benchmarks, *benchmarks.values()})

    def resolves(loc: tuple[str, ...], names: list[str]) -> None:
        # Every name must be a benchmark or category of this run's suites: a missing one is an error, never a
        # silently shorter list.
        missing = [n for n in names if not expand([n], benchmarks)]
        if missing:
            problems.append(
                (
                    loc,
                    f"names {', '.join(map(repr, missing))}, not in this run's suites "
                    f"(available: {', '.join(available)})",
                )
            )

    p = cfg.persistence
    if p is not None:
        models = [PRE, *cfg.trained_arms()]
        check(("persistence", "treated"), [p.treated], models)
        check(("persistence", "comparison"), [p.comparison], models)
        check(("persistence", "also"), p.also, cfg.trained_arms())
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
    """Benchmark names selected by a list of benchmark names and/or categories, in suite order. An entry that
    names a benchmark selects that benchmark only, even when a category has the same name (``harmful_refusal``
    is both); any other entry selects its whole category."""
    names = {n for n in selection if n in benchmarks}
    categories = set(selection) - names
    return [b for b, cat in benchmarks.items() if b in names or cat in categories]
