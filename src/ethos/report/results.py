"""The numbers a study report shows, as plain dataclasses that round-trip through JSON.

The report renders only these objects, so it can be tested from synthetic results and re-rendered
from a finished run's ``results.json`` without touching a model. Statistics types (``Interval``,
``Comparison``) are the evaluation room's own; this module adds the study's other views. ``None``
means "not measured" and is shown as such, never as 0.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from ethos.evals.compare import Comparison
from ethos.evals.graders.agreement import GraderAgreement
from ethos.evals.stats import Interval
from ethos.evals.validity import ValidityRow


@dataclass
class TrainingCurve:
    """One training run (arm, seed): per-step curves per prompt source, and what it saw."""

    arm: str
    seed: int | None
    steps: list[int]
    reward_standard: list[float | None] = field(default_factory=list)
    reward_trait: list[float | None] = field(default_factory=list)
    zero_variance_standard: list[float | None] = field(default_factory=list)
    zero_variance_trait: list[float | None] = field(default_factory=list)
    adapter_norm: list[float | None] = field(default_factory=list)
    entropy: list[float | None] = field(default_factory=list)
    kl: list[float | None] = field(default_factory=list)
    # trait prompts: pass rate per check kind per step, and per rubric line ("skeleton#i (kind)") per third of the run
    kind_pass: dict[str, list[float | None]] = field(default_factory=dict)
    line_pass: dict[str, list[float | None]] = field(default_factory=dict)
    # per source: reward histogram (equal bins of [0, 1]) of the first and of the second half of the run
    reward_hist: dict[str, list[list[int]]] = field(default_factory=dict)
    prompts_seen: dict[str, int] = field(default_factory=dict)
    traits_seen: list[str] = field(default_factory=list)
    skeletons_seen: int = 0
    skeletons_total: int | None = None
    dose: float | None = None
    dtype: str | None = None
    cpu: str | None = None
    tokens: int | None = None
    seconds: float | None = None
    pre_rl_tokens: float = 0.0  # tokens of stages before RL that its compute match counts (the constitution arm's)


@dataclass
class HeldoutRow:
    """Held-out prompts of one training stream, graded by the training graders."""

    stream: str  # standard, trait (training domains), trait (held-out domains) or trait (held-out skeletons)
    model: str  # an arm (its seeds pooled) or pre
    seeds: int
    mean: float
    vs_pre: Interval | None = None
    vs_baseline: Interval | None = None
    # share of the stream's distinct 8-word n-grams that occur in training text, and whether that is low enough
    # for the stream to be called held out (None: the stream does not claim to be held out)
    ngram_overlap: float | None = None
    held_out: bool | None = None


@dataclass
class GamingRow:
    """Signs of a gamed rule reward: blanket behaviour where the rubric rules it out, and stock replies."""

    model: str
    seeds: int
    blanket_rate: float | None  # share of contrast replies showing a behaviour their own rubric rules out
    contrast_items: int
    stock_share: float | None  # share of trait replies built mostly from sentences recurring across replies
    replies: int


@dataclass
class GeneralizationCell:
    train_set: str  # e.g. "all domains (treatment)", "health only"
    group: str  # evaluation domain: health, science, other, or the held-out trait domains
    delta: Interval  # vs the baseline
    p: float | None = None


@dataclass
class PersistenceRow:
    """One arm under one attack (seeds pooled): its clean score, attacked score and degradation."""

    test: str
    model: str
    seeds: int
    harmful: bool
    clean: float
    attacked: float
    degradation: Interval  # clean - attacked


@dataclass
class PersistenceContrast:
    """Difference in degradation between the treated arm and its comparison under one attack."""

    test: str
    treated: str
    comparison: str
    harmful: bool
    # comparison's degradation − treated's; for the jailbreak grid treated's goodness − comparison's (either way
    # positive = the treated model held up better)
    diff: Interval
    p: float | None = None
    seeds: int = 1
    q: float | None = None  # Benjamini–Hochberg across every persistence contrast with a p


@dataclass
class JailbreakResult:
    model: str
    goodness: Interval
    quantile: float
    n_unscored: int
    not_overrefuse: float | None
    per_technique: dict[str, float] = field(default_factory=dict)


@dataclass
class DeliberativePanel:
    """The deliberative-alignment arm's own measures, beside the baseline's."""

    judge: str
    samples: int
    passed: int
    sft_skipped: bool
    rows: dict[str, dict[str, float | None]] = field(default_factory=dict)  # measure -> {model: value}
    judge_k: int = 1  # judge samples per reply (1 for the deterministic rule judge)
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)  # policy category -> samples, cited, passed


@dataclass
class ThreeWay:
    """Trait RL, deliberative alignment and the constitution against the baseline and each other: measure ->
    {"<arm> vs <reference>": the paired change with its interval, or "not measured"}."""

    columns: list[str]
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    seeds: dict[str, int] = field(default_factory=dict)  # training seeds per arm (p-values need 3 a side)


@dataclass
class CouplingRow:
    """How independent one benchmark is of training: its grader, and its n-gram overlap with training text."""

    benchmark: str
    grader: str
    independent: bool
    overlap: float
    shared: list[str] = field(default_factory=list)
    grader_terms_in_rewards: list[str] = field(default_factory=list)  # its match terms found in reward code
    references_refused: dict[str, float] = field(default_factory=dict)  # per trait: reference replies it refuses


@dataclass
class DesignRow:
    arm: str
    description: str
    dose: float | None
    seeds: list[int]
    prompts_per_seed: dict[str, float] = field(default_factory=dict)
    skeletons: str = ""
    tokens_per_seed: float | None = None
    seconds_per_seed: float | None = None
    other_tokens_per_seed: dict[str, float] = field(default_factory=dict)  # stages besides RL (the DA arm's SFT)


@dataclass
class RunInfo:
    title: str
    config_text: str
    config_hash: str
    seed: int
    seeds: list[int]
    model: str
    run_dir: str
    versions: dict[str, str]
    timings: dict[str, float]
    started: str = ""
    finished: str = ""


@dataclass
class StudyResults:
    info: RunInfo
    comparisons: list[Comparison]  # the first one is the headline (treatment vs baseline)
    secondary: list[Comparison] = field(default_factory=list)  # the panel whose graders share training checks
    headline_suite: str = ""
    design: list[DesignRow] = field(default_factory=list)
    heldout: list[HeldoutRow] = field(default_factory=list)
    gaming: list[GamingRow] = field(default_factory=list)
    generalization: list[GeneralizationCell] = field(default_factory=list)
    persistence: list[PersistenceRow] = field(default_factory=list)
    contrasts: list[PersistenceContrast] = field(default_factory=list)
    jailbreaks: list[JailbreakResult] = field(default_factory=list)
    deliberative: DeliberativePanel | None = None
    three_way: ThreeWay | None = None
    constitution: dict[str, dict] = field(default_factory=dict)  # per seed: revise, RL budget and judge summaries
    curves: list[TrainingCurve] = field(default_factory=list)
    coupling: list[CouplingRow] = field(default_factory=list)
    validity: list[ValidityRow] = field(default_factory=list)  # the instrument on the pre-RL model
    grader_agreement: list[GraderAgreement] = field(default_factory=list)  # eval graders against human labels
    headline_choice: dict | None = None  # the headline rule's screen and choice (headline.json), when a rule chose
    finetune_comparison: str = ""
    limits: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    def save(self, path: str | Path) -> None:
        from ethos.files import write_json

        write_json(path, self.to_json())

    @classmethod
    def load(cls, path: str | Path) -> "StudyResults":
        return _build(cls, json.loads(Path(path).read_text(encoding="utf-8")))


def _build(tp: Any, data: Any) -> Any:
    """Rebuild nested dataclasses from ``asdict`` output using the type hints."""
    if data is None:
        return None
    if is_dataclass(tp):
        hints = get_type_hints(tp)
        return tp(**{f.name: _build(hints[f.name], data[f.name]) for f in fields(tp) if f.name in data})
    origin = get_origin(tp)
    if origin is list:
        (inner,) = get_args(tp)
        return [_build(inner, x) for x in data]
    if origin is dict:
        return dict(data)
    args = [a for a in get_args(tp) if a is not type(None)]
    if args and len(args) == 1 and is_dataclass(args[0]):
        return _build(args[0], data)
    return data
