"""Deliberative alignment (Guan et al., 2024) as four resumable stages, each leaving inspectable JSONL.

(a) ``generate``: the model answers each safety prompt with ``spec_for(category)`` (all category
    summaries, the style rules and the full text of the prompt's category) in the system prompt and
    an instruction to reason first, citing the policy, then give a final answer → ``generated.jsonl``.
(b) ``filter``: a sample passes only when its reasoning cites the policy (its category or the policy by
    name, checked by code: :func:`ethos.grade.policy_rules.cites_policy`), its final answer arrived, and
    the policy-aware judge scores that answer at least ``pass_threshold``. An LLM judge is sampled
    ``judge_k`` times and the minimum counts; the rule judge is deterministic, so k = 1 whatever the recipe
    says (``filter_summary.json`` records the k used and the pass counts per policy category) →
    ``judged.jsonl`` (every sample, its verdicts) and ``filtered.jsonl`` (the kept ones). The judge is the
    policy's rules checked by code (:mod:`ethos.grade.policy_rules`) unless ``judge:`` names a model.
(c) ``sft``: chat SFT on prompt → ``<think>reasoning</think>`` + answer **without** the policy in
    the context, so the model must carry the policy itself → ``sft/final``.
(d) ``rl``: GRPO from the SFT model with the safety prompts mixed into the standard stream at the
    recipe's trait dose (so, in a study, at the treatment's dose, steps and prompts per step), the safety
    prompts rewarded by the policy-aware judge, which sees the final answer only (reasoning is parsed
    off by :mod:`ethos.models.reasoning` before judging), so the reward never pushes the reasoning toward
    what a judge likes to read → ``rl/final``.

With ``reasoning_start`` the first words of the reasoning are given rather than sampled (a 135M model
never cites the policy unprompted); they stay in the SFT target and are hidden from the judge.

A sample that fails the judge is never kept: when none passes, SFT is skipped (``sft/skipped.json``)
and RL starts from the base model, and ``filter_summary.json`` says how many passed.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Literal

from pydantic import Field

from ethos.data.schema import Example
from ethos.errors import UserError
from ethos.files import stage_rows, write_json, write_jsonl
from ethos.grade.policy_rules import cites_policy
from ethos.models import DEFAULT_MODEL
from ethos.models.reasoning import parse_reply
from ethos.recipe import Recipe, Section
from ethos.train.arms import ARMS, TREATMENT
from ethos.train.rl_config import RLConfig
from ethos.train.sft_config import SFTConfig

INSTRUCTION = (
    "Before you answer, reason briefly about the request: name the policy category above that applies, quote or "
    "cite the relevant rule, and decide whether to comply, give a safe completion, or refuse. Write your reasoning "
    "after 'Reasoning:' and then your reply to the user after 'Final answer:'."
)
log = logging.getLogger(__name__)
FILTER_SUMMARY = "filter_summary.json"
SFT_TOKENS = "tokens.json"


class DeliberativeConfig(Section):
    model: str = DEFAULT_MODEL
    dtype: Literal["auto", "bf16", "fp32"] = "auto"  # auto: the fastest correct dtype on this machine
    seed: int = 0
    prompts: str = "trait"  # "trait": trait scenarios with a safety-policy meta.category; or a .jsonl of examples
    limit: int | None = Field(default=16, ge=1)
    samples_per_prompt: int = Field(default=2, ge=1)
    max_new_tokens: int = Field(default=160, ge=8)
    temperature: float = Field(default=0.8, gt=0)
    judge: str | None = "rule"  # rule (the policy's rules checked by code) or a model: openai:<model>, a folder, ...
    judge_base_url: str | None = None
    # Words the reasoning starts with, given to the model rather than sampled (a local model only). A 135M model
    # asked to cite the policy never does (0 of 96 samples); started on "The category that applies is" it names
    # its category in 11 of 96. The words are part of the SFT target, so the tuned model learns to write them.
    reasoning_start: str = ""
    judge_k: int = Field(default=2, ge=1)  # LLM judges only: the rule judge is deterministic (k = 1)
    # Tokens a deliberative model may spend reasoning before its answer at evaluation, added to every generation
    # benchmark's budget; only the final answer is graded, and a reply still reasoning at the end is unscored.
    eval_reasoning_tokens: int = Field(default=96, ge=0)
    judge_max_new_tokens: int = Field(default=256, ge=16)
    pass_threshold: float = Field(default=0.5, ge=0, le=1)
    sft: SFTConfig = Field(default_factory=SFTConfig)
    rl: dict = Field(default_factory=dict)  # overrides of the recipe's train: section for stage (d)
    recipe: str | None = None  # set by the loader: the file this came from


def sft_target(reasoning: str, answer: str) -> str:
    return f"<think>\n{reasoning}\n</think>\n\n{answer}" if reasoning else answer


def safety_prompts(cfg: DeliberativeConfig) -> list[Example]:
    from ethos.spec.safety_policy import policy_categories
    from ethos.train.dose import Stream
    from ethos.train.rl_config import DataSettings
    from ethos.train.streams import load_stream

    known = set(policy_categories())
    chosen = [e for e in load_stream(cfg.prompts, DataSettings(), recipe=cfg.recipe) if e.meta.get("category") in known]
    if not chosen:
        raise UserError(
            f"deliberative.prompts '{cfg.prompts}' has no examples with a safety-policy meta.category "
            f"({', '.join(sorted(known))})."
        )
    # The categories dealt in turn, each one's prompts in a seeded order: any limit covers every category (the
    # stream is ordered by trait and skeleton, so its first 24 were all one category).
    stream = Stream("safety", chosen, cfg.seed, strata=lambda e: e.meta["category"])
    return stream.take(0, min(cfg.limit or len(chosen), len(chosen)))


def generate_stage(cfg: DeliberativeConfig, out_dir: str | Path) -> Path:
    from ethos.models import SamplingParams, load_model
    from ethos.spec import spec_for

    out_dir = Path(out_dir)
    prompts = safety_prompts(cfg)
    write_jsonl(out_dir / "prompts.jsonl", (e.model_dump(mode="json") for e in prompts))
    model = load_model(cfg.model, dtype=cfg.dtype)
    if cfg.reasoning_start and not hasattr(model, "generate_ids"):
        raise UserError(
            f"deliberative.reasoning_start needs a local model to continue, and {cfg.model} is served remotely; "
            "set reasoning_start: '' in the deliberative: section."
        )
    convs, rows = [], []
    for ex in prompts:
        system = f"{spec_for(ex.meta['category'])}\n\n{INSTRUCTION}"
        for k in range(cfg.samples_per_prompt):
            convs.append([{"role": "system", "content": system}] + [m for m in ex.chat() if m["role"] != "system"])
            rows.append(
                {"id": f"{ex.id}#{k}", "example_id": ex.id, "category": ex.meta["category"], "messages": ex.chat()}
            )
    params = SamplingParams(max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, seed=cfg.seed)
    if cfg.reasoning_start:
        start = model.tokenizer(cfg.reasoning_start, add_special_tokens=False)["input_ids"]
        gens = model.generate_ids([model.encode(c) + start for c in convs], params, progress=True)
    else:
        gens = model.generate(convs, params, progress=True)
    for row, g in zip(rows, gens):
        completion = cfg.reasoning_start + g.text
        reply = parse_reply(completion)
        row.update(
            completion=completion,
            reasoning=reply.reasoning,
            answer=reply.answer,
            form=reply.form,
            finish_reason=g.finish_reason,
        )
    path = out_dir / "generated.jsonl"
    write_jsonl(path, rows)
    return path


def _stage_input(out_dir: Path, name: str, stage: str) -> list[dict]:
    return stage_rows(out_dir / name, f"run `ethos train deliberative {stage}` with the same --out first.")


def build_judge(cfg: DeliberativeConfig, *, see_reasoning: bool, samples: int = 1, progress: bool = False):
    """The policy-aware judge: code rules by default (``judge: rule``), or an LLM reading the policy."""
    if cfg.judge in (None, "rule"):
        from ethos.grade.policy_rules import PolicyRules

        return PolicyRules(see_reasoning=see_reasoning)
    from ethos.grade import PolicyJudge
    from ethos.models import load_model

    return PolicyJudge(
        load_model(cfg.judge, base_url=cfg.judge_base_url),
        samples=samples,
        aggregate="min",
        max_new_tokens=cfg.judge_max_new_tokens,
        seed=cfg.seed,
        progress=progress,
    )


def filter_stage(cfg: DeliberativeConfig, out_dir: str | Path, *, judge=None) -> Path:
    """Score every sample ``judge_k`` times (the minimum counts) and keep only those that pass; a sample that
    failed or could not be scored is never kept, even if that leaves nothing to learn from."""
    out_dir = Path(out_dir)
    rows = _stage_input(out_dir, "generated.jsonl", "generate")
    examples = {
        e.id: e for e in (Example.model_validate(r) for r in _stage_input(out_dir, "prompts.jsonl", "generate"))
    }
    judge = judge or build_judge(cfg, see_reasoning=True, samples=cfg.judge_k, progress=True)
    k = 1 if getattr(judge, "deterministic", False) else cfg.judge_k
    grades = judge.grade_many([examples[r["example_id"]] for r in rows], [r["completion"] for r in rows])
    # Words given to the model (reasoning_start) cannot earn the citation: only what it wrote after them counts.
    given = re.sub(r"^\s*reasoning\s*:\s*", "", cfg.reasoning_start, flags=re.I).strip()
    for row, g in zip(rows, grades):
        reply = parse_reply(row["completion"])
        written = reply.reasoning[len(given) :] if given and reply.reasoning.startswith(given) else reply.reasoning
        cited = cites_policy(written, row["category"]).score == 1.0
        row.update(
            score=g.score,
            why=g.why,
            cited=cited,
            answered=reply.answered,
            passed=cited and reply.answered and g.score is not None and g.score >= cfg.pass_threshold,
        )
    kept = [r for r in rows if r["passed"]]
    by_category: dict[str, dict[str, int]] = {}
    for r in rows:
        c = by_category.setdefault(r["category"], {"samples": 0, "passed": 0, "cited": 0, "answered": 0})
        c["samples"] += 1
        for key in ("passed", "cited", "answered"):
            c[key] += bool(r[key])
    if not kept:
        log.warning(
            "no sample of %d passed the policy judge (threshold %s); SFT will be skipped", len(rows), cfg.pass_threshold
        )
    write_jsonl(out_dir / "judged.jsonl", rows)
    path = out_dir / "filtered.jsonl"
    write_jsonl(path, kept)
    summary = {
        "samples": len(rows),
        "passed": len(kept),
        "kept": len(kept),
        "unscored": sum(r["score"] is None for r in rows),
        "cited": sum(r["cited"] for r in rows),
        "answered": sum(r["answered"] for r in rows),
        "threshold": cfg.pass_threshold,
        "judge_k": k,
        "by_category": dict(sorted(by_category.items())),
        "judge": getattr(judge, "name", "judge"),
    }
    write_json(out_dir / FILTER_SUMMARY, summary)
    return path


def filter_outcome(out_dir: str | Path) -> dict:
    """What the filter stage of the run in ``out_dir`` kept (``samples``, ``passed``, ``judge``, ...), and whether
    SFT was skipped because nothing passed (``sft_skipped``)."""
    out_dir = Path(out_dir)
    path = out_dir / FILTER_SUMMARY
    if not path.exists():
        raise UserError(f"{path} is missing; run the filter stage of this deliberative run first.")
    summary = json.loads(path.read_text(encoding="utf-8"))
    return summary | {"sft_skipped": (out_dir / "sft" / "skipped.json").exists()}


def sft_stage(cfg: DeliberativeConfig, out_dir: str | Path) -> Path:
    """SFT on the kept samples without the policy in context; with none kept, the base model goes on unchanged
    (and ``sft/skipped.json`` says why), so RL still runs and the report can say what happened."""
    from ethos.models import resolve
    from ethos.train.checkpoint import publish
    from ethos.train.sft import sft, sft_tokens

    out_dir = Path(out_dir)
    rows = _stage_input(out_dir, "filtered.jsonl", "filter")
    if not rows:
        write_json(out_dir / "sft" / "skipped.json", {"why": "no sample passed the policy judge"})
        return publish(Path(resolve(cfg.model).path), out_dir / "sft" / "final")
    convs = [r["messages"] + [{"role": "assistant", "content": sft_target(r["reasoning"], r["answer"])}] for r in rows]
    write_jsonl(out_dir / "sft_data.jsonl", ({"messages": c} for c in convs))
    final = sft(cfg.model, convs, cfg.sft.model_copy(update={"model": cfg.model, "seed": cfg.seed}), out_dir / "sft")
    write_json(out_dir / "sft" / SFT_TOKENS, sft_tokens(cfg.model, convs, cfg.sft.epochs))
    return final


def rl_config(cfg: DeliberativeConfig, out_dir: Path, train: RLConfig | None = None) -> RLConfig:
    """Stage (d)'s config: the recipe's ``train:`` settings (in a study, the treatment's: ``train``, with its
    token-matched steps), the safety prompts as the trait stream at the recipe's dose beside its standard stream,
    from the SFT model; ``deliberative.rl`` overrides what it names."""
    fixed = {"model": str(out_dir / "sft" / "final"), "seed": cfg.seed}  # RL starts from the SFT model
    trait = str(out_dir / "prompts.jsonl")
    if train is not None:
        data = train.data.model_copy(update={"trait": trait})
        return train.model_copy(update={**cfg.rl, "data": data, **fixed})
    recipe = Recipe.load(cfg.recipe) if cfg.recipe else None
    base = recipe.section("train") if recipe else {}
    base.pop("sft", None)
    raw = base | cfg.rl
    raw["data"] = {**base.get("data", {}), "trait": trait}
    if recipe is None:
        return RLConfig.model_validate(raw | fixed)
    rl = recipe.parse("deliberative.rl", RLConfig, raw=raw, overrides=fixed, shared={})
    recipe.check()
    return rl  # type: ignore[return-value]


def rl_stage(
    cfg: DeliberativeConfig, out_dir: str | Path, *, judge=None, train: RLConfig | None = None, progress: bool = True
) -> Path:
    """GRPO from the SFT model: standard prompts graded by the recipe's standard reward, safety prompts by the
    policy-aware judge on the final answer only (see :func:`rl_config` for the settings)."""
    from ethos.train.arm_training import build_graders, train_arm

    out_dir = Path(out_dir)
    _stage_input(out_dir, "prompts.jsonl", "generate")
    if not (out_dir / "sft" / "final" / "config.json").exists():
        raise UserError(
            f"{out_dir / 'sft' / 'final'} is missing; run `ethos train deliberative sft` with the same --out first."
        )
    rl = rl_config(cfg, out_dir, train)
    arm = ARMS.get(TREATMENT)  # trains like the treatment (dosed): only its trait reward differs
    graders = {"standard": build_graders(rl, arm)["standard"], "trait": judge or build_judge(cfg, see_reasoning=False)}
    return train_arm(rl, arm, out_dir / "rl", graders=graders, progress=progress).final
