"""The ``train:`` section of a recipe, beside the trainer it configures.

One config drives both backends (native and TRL) and every arm, so arms differ only in what
``arm`` changes (dose and which grader rewards trait prompts) and stay compute-matched by
construction: steps, prompts per step, group size, completion length and seed come from here.

Validation collects *every* problem before anything heavy happens, so a user fixes a config in
one pass instead of one model load per typo.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ethos.data.domain_select import DomainSelection
from ethos.errors import UserError
from ethos.models import DEFAULT_MODEL
from ethos.recipe import Section

BACKENDS = ("native", "trl")
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


class LoraSettings(Section):
    rank: int = 16
    alpha: float = 32.0
    dropout: float = 0.0
    targets: tuple[str, ...] = LORA_TARGETS
    # Adapt only the top N decoder layers (None: all). Layers below an adapter need no backward pass, so on a
    # CPU this is the largest saving in an RL step's cost; the paper-scale recipe adapts every layer.
    top_layers: int | None = None
    # Or name the adapted decoder layers (0 = bottom); RL gains have been reported to sit in the middle layers.
    layers: list[int] | None = None


class DataSettings(DomainSelection):
    """The two prompt streams and the dose (fraction of each step's prompts drawn from trait scenarios);
    the trait stream selected by ``domains`` / ``exclude`` (:class:`~ethos.data.domain_select.DomainSelection`)."""

    standard: str = "standard"  # a .jsonl file, or "standard": the recipe's data: section builds it
    trait: str | None = "trait"  # a .jsonl file, or "trait": scenarios of split `split`
    dose: float = 0.05
    split: str = "train"
    limit: int | None = None


class WarmStartSettings(Section):
    """Best-of-n (rejection-sampling) warm start before GRPO (:mod:`ethos.train.warm_start`)."""

    source: Literal["best_of_n", "reference"] = "best_of_n"  # the policy's best sample, or the reference reply
    prompts: int = Field(default=32, ge=1)  # drawn from the arm's own mix
    best_of: int = Field(default=8, ge=2)
    epochs: int = Field(default=2, ge=1)
    batch_size: int = Field(default=8, ge=1)
    lr: float = Field(default=5e-4, gt=0)


class RewardSettings(Section):
    """Grader names per prompt source; ``control`` rewards trait prompts in the control arm."""

    trait: str = "rule"  # rubric lines checked by code; "hybrid" or "judge" add an LLM judge (set judge_model)
    standard: str = "rule"
    control: str = "helpfulness"
    judge_model: str | None = None
    judge_base_url: str | None = None
    # An openai: judge gets a step's requests concurrently from a pool of this size, each with this timeout;
    # results keep their order, and each step's metrics count the judge's retries and unscored replies.
    judge_concurrency: int = Field(default=16, ge=1)
    judge_timeout: float = Field(default=60.0, gt=0)


class RLConfig(Section):
    model: str = DEFAULT_MODEL
    dtype: Literal["auto", "bf16", "fp32"] = "auto"  # auto: the fastest correct dtype on this machine
    seed: int = 0
    steps: int = 10
    batch_size: int = 16  # completions per step = prompts per step x group_size
    group_size: int = 4
    micro_batch_size: int = 16  # completions per forward/backward; batch_size / micro = accumulation
    max_new_tokens: int = 64
    temperature: float = 1.0
    top_p: float = 1.0
    lr: float = 1e-4
    lr_schedule: Literal["cosine", "constant"] = "cosine"
    warmup_steps: int = 0
    weight_decay: float = 0.0
    max_grad_norm: float | None = 1.0
    clip_eps: float = 0.2
    kl_coef: float = 0.0
    iterations: int = 1  # optimization passes over each batch of rollouts
    scale_rewards: bool = True
    loss_aggregation: Literal["sequence", "token"] = "sequence"
    lora: LoraSettings | None = Field(default_factory=LoraSettings)
    checkpoint_every: int = 0  # also write a resumable checkpoint every N steps (0: only at the end)
    keep_checkpoints: int = Field(default=2, ge=1)  # newest checkpoints kept; older ones are deleted
    data: DataSettings = Field(default_factory=DataSettings)
    rewards: RewardSettings = Field(default_factory=RewardSettings)
    # Trackers that receive every step's metrics (TRL's convention): tensorboard, trackio, wandb; none by default.
    report_to: list[Literal["tensorboard", "trackio", "wandb", "none"]] = Field(default_factory=list)
    # Every N steps (0: never), score held-out skeletons and a slice of the published headline with their own
    # graders, logged beside the reward (ethos.experiments.train_eval); eval_items items per set.
    eval_every: int = Field(default=0, ge=0)
    eval_items: int = Field(default=16, ge=1)
    eval_benchmarks: list[str] = Field(default_factory=lambda: ["truthfulqa.mc", "xstest.unsafe"])
    trl_args: dict[str, Any] = Field(default_factory=dict)  # passed to trl.GRPOConfig as is (TRL backend only)
    sft: dict[str, Any] | None = None  # chat SFT settings, validated by ethos.train.sft_config
    warm_start: WarmStartSettings | None = None  # best-of-n warm start before GRPO (native backend)

    @property
    def prompts_per_step(self) -> int:
        return self.batch_size // self.group_size

    def problems(self, known_graders: tuple[str, ...] | None = None) -> list[tuple[tuple[str, ...], str]]:
        """Every semantic problem as (key path within ``train:``, sentence ending), empty when valid."""
        p: list[tuple[tuple[str, ...], str]] = [(("data", *loc), m) for loc, m in self.data.problems()]
        d = self.data
        if not 0.0 <= d.dose <= 1.0:
            p.append((("data", "dose"), f"is {d.dose}; it must be a fraction in [0, 1] (0.05 = 5% trait prompts)"))
        if d.dose > 0 and not d.trait:
            p.append((("data", "trait"), "names no trait stream but the dose is above 0; name one or set dose to 0"))
        if self.group_size < 2:
            p.append(
                (
                    ("group_size",),
                    f"is {self.group_size}; GRPO compares completions within a group, so it needs at least 2",
                )
            )
        elif self.batch_size % self.group_size:
            p.append(
                (
                    ("batch_size",),
                    f"{self.batch_size} is not divisible by group_size {self.group_size}; use a multiple of it",
                )
            )
        if self.batch_size < 1 or self.micro_batch_size < 1 or self.batch_size % self.micro_batch_size:
            p.append(
                (
                    ("batch_size",),
                    f"{self.batch_size} must be a positive multiple of micro_batch_size {self.micro_batch_size}",
                )
            )
        from ethos.train.trackers import install_hint, missing

        for name in missing(self.report_to):
            p.append((("report_to",), f"names {name}, which is not installed; {install_hint(name)}"))
        for name in ("steps", "max_new_tokens", "iterations"):
            if getattr(self, name) < 1:
                p.append(((name,), f"is {getattr(self, name)}; it must be at least 1"))
        if self.temperature <= 0:
            p.append(
                (("temperature",), f"is {self.temperature}; GRPO needs sampling, so use a value above 0 (1.0 is usual)")
            )
        if not 0 < self.top_p <= 1:
            p.append((("top_p",), f"is {self.top_p}; it must be in (0, 1]"))
        if self.lr <= 0:
            p.append((("lr",), f"is {self.lr}; it must be positive"))
        if self.warmup_steps < 0 or (self.warmup_steps > 0 and self.warmup_steps >= self.steps):
            p.append((("warmup_steps",), f"is {self.warmup_steps}; it must be in [0, steps)"))
        if self.clip_eps <= 0:
            p.append((("clip_eps",), f"is {self.clip_eps}; it must be positive (0.2 is usual)"))
        if self.kl_coef < 0:
            p.append((("kl_coef",), f"is {self.kl_coef}; it must be 0 (no KL) or positive"))
        if self.checkpoint_every < 0:
            p.append(
                (("checkpoint_every",), f"is {self.checkpoint_every}; use 0 (only at the end) or a positive step count")
            )
        if self.lora is not None:
            if self.lora.rank < 1:
                p.append(
                    (
                        ("lora", "rank"),
                        f"is {self.lora.rank}; it must be at least 1 (or set lora: null for full fine-tuning)",
                    )
                )
            if self.lora.top_layers is not None and self.lora.top_layers < 1:
                p.append(
                    (
                        ("lora", "top_layers"),
                        f"is {self.lora.top_layers}; it must be at least 1 (or null for every layer)",
                    )
                )
            if self.lora.layers is not None and (self.lora.top_layers is not None or not self.lora.layers):
                p.append(
                    (
                        ("lora", "layers"),
                        "names layers while top_layers is also set (or names none); set one of the two",
                    )
                )
            if not 0 <= self.lora.dropout < 1:
                p.append((("lora", "dropout"), f"is {self.lora.dropout}; it must be in [0, 1)"))
        if known_graders is None:
            from ethos.grade import GRADERS

            known_graders = tuple(GRADERS.names())
        if known_graders:
            for field in ("trait", "standard", "control"):
                name = getattr(self.rewards, field)
                if name not in known_graders:
                    p.append(
                        (
                            ("rewards", field),
                            f"names unknown grader '{name}'; known graders: {', '.join(known_graders)}",
                        )
                    )
        return p


def check_train_config(cfg: RLConfig, source: str = "the train config") -> None:
    """Raise one ``UserError`` listing every semantic problem of an already-built config."""
    problems = cfg.problems()
    if problems:
        lines = "\n".join(f"  - train.{'.'.join(loc)} {msg}." for loc, msg in problems)
        raise UserError(f"{source} has {len(problems)} problem(s); fix them and re-run:\n{lines}")
