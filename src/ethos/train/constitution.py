"""The constitution arm (Bai et al., 2022, at the treatment's prompts, dose and steps) as three resumable stages.

(a) ``revise``: the policy drafts a reply to each trait prompt (no constitution in context); a critic — the
    same model by default, as in Constitutional AI's self-critique, or any ``openai:`` endpoint — critiques the
    draft against a principle drawn for the prompt (:func:`ethos.spec.constitution.draw_principle`) and
    rewrites it, ``passes`` times (each later pass draws again). Each revision is cleaned (:func:`clean_revision`:
    a leaked "Here is a revised response:" prefix stripped, invented turns cut, a cut-off tail trimmed to its
    last sentence) and dropped if it is then the draft itself, talk about the revision ("I would rewrite the
    response..."), too short or much longer than the draft.
    → ``revisions.jsonl`` (every prompt: principle, draft, critiques, revisions, kept or why dropped) and
    ``revise_summary.json`` (counts by reason, tokens of drafts, critiques and revisions).
(b) ``tune``: SFT on prompt → kept revision **without** the constitution in context (``objective: sft``), or
    DPO with the revision chosen over the draft (``objective: dpo``) → ``tune/final``. Nothing kept: the
    starting model goes on unchanged and ``tune/skipped.json`` says why.
(c) ``rl``: GRPO from the tuned model on the treatment's streams, dose and token-matched steps; its trait
    prompts are rewarded by the constitution judge (:class:`ethos.grade.constitution_judge.ConstitutionJudge`),
    which sees the conversation, the reply and the drawn principle, never the rubric → ``rl/final`` and every
    verdict in ``rl/judge.jsonl``.

At 135M the critic and judge are weak (small critics do not find problems reliably, and revisions degenerate);
the counts in ``revise_summary.json`` say how much survived, and an endpoint critic/judge is one recipe line.
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
from ethos.files import read_jsonl, stage_rows, write_json, write_jsonl
from ethos.models import DEFAULT_MODEL
from ethos.recipe import Section
from ethos.spec.constitution import Constitution, Draw, draw_principle, load_constitution
from ethos.train.rl_config import RLConfig
from ethos.train.sft_config import DPOSettings, SFTConfig

log = logging.getLogger(__name__)
REVISIONS, REVISE_SUMMARY, TUNE_TOKENS, JUDGE_LOG, JUDGE_SUMMARY = (
    "revisions.jsonl",
    "revise_summary.json",
    "tokens.json",
    "judge.jsonl",
    "judge_summary.json",
)
CRITIQUE_REQUEST = (
    "Critique request: identify specific ways in which your last reply falls short of this principle: "
    '"{principle}" Be brief and concrete.'
)
REVISION_REQUEST = (
    "Revision request: rewrite your last reply to my original message so that it follows the principle "
    '"{principle}" and fixes what the critique found. Write only the new reply.'
)
_LEAK = re.compile(
    r"^\W*(?:(?:sure|okay|ok|certainly|of course|absolutely)\b[,.!]*\s*)?"
    r"(?:(?:here(?:'s| is)|this is|below is)\s+(?:a |an |my |the )?)?"
    r"(?:revised|rewritten|new|improved|updated|better)\s+(?:version|response|reply|answer)[^:\n]*:\s*"
    r"|^\W*(?:revision|revised (?:response|reply)|new reply|rewrite)\s*:\s*",
    re.I,
)
_TURN = re.compile(
    r"(?:^|\n)\s*(?:user|human|assistant|ai|critique(?: request)?|revision(?: request)?)\s*:|<\|im_(?:start|end)\|>",
    re.I,
)
_META = re.compile(  # a reply about the revision instead of the revision ("I would suggest rewriting the response")
    r"\b(?:original|previous|last|revised|rewritten|new|edited) (?:response|reply|answer|message|version)\b"
    r"|\bcritique|\brevision request\b|\brewrit(?:e|es|ing|ten)\b|\byour (?:revision|suggestion)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?)\]\"'](?=\s|$)")


class ConstitutionConfig(Section):
    model: str = DEFAULT_MODEL  # the policy: drafts, and is tuned
    dtype: Literal["auto", "bf16", "fp32"] = "auto"
    seed: int = 0
    spec: str | None = None  # a constitution Markdown file; default: the shipped spec/constitution.md
    draw: Draw = "trait"  # a principle of the prompt's trait, or "any" (CAI's uniform draw over all)
    prompts: str = "trait"  # "trait": the trait scenarios (in a study, the treatment's); or a .jsonl of examples
    limit: int | None = Field(default=24, ge=1)  # prompts drafted and revised (every trait dealt in turn)
    passes: int = Field(default=1, ge=1, le=4)  # critique → revision rounds (CAI used up to 4)
    critic: str | None = None  # None: the policy model itself (self-critique); or openai:<model>, a folder, ...
    critic_base_url: str | None = None
    judge: str | None = None  # the RL reward's model; None: the starting policy model, frozen
    judge_base_url: str | None = None
    max_new_tokens: int = Field(default=96, ge=8)  # a draft or a revision
    critique_tokens: int = Field(default=64, ge=8)
    temperature: float = Field(default=0.7, gt=0)
    min_words: int = Field(default=5, ge=1)  # a cleaned revision shorter than this is dropped
    max_length_ratio: float = Field(default=3.0, gt=1)  # ... and one longer than this many times its draft
    objective: Literal["sft", "dpo"] = "sft"  # SFT on revisions, or DPO: revision chosen over draft
    sft: SFTConfig = Field(default_factory=SFTConfig)
    dpo: DPOSettings = Field(default_factory=DPOSettings)
    rl: dict = Field(default_factory=dict)  # overrides of the treatment's train: settings for stage (c)
    # total: its RL gets the treatment's tokens less those of drafts, critiques, revisions and tuning; rl: RL alone
    match: Literal["total", "rl"] = "total"
    recipe: str | None = None  # set by the loader: the file this came from

    def problems(self) -> list[tuple[tuple[str, ...], str]]:
        try:
            constitution_of(self)
        except UserError as e:
            return [(("spec",), str(e))]
        return []


def constitution_of(cfg: ConstitutionConfig) -> Constitution:
    """The recipe's constitution (a relative ``spec`` path is read from the recipe's folder when it is there)."""
    path = cfg.spec
    if path and cfg.recipe and not Path(path).is_absolute() and not Path(path).exists():
        path = str(Path(cfg.recipe).parent / path)
    return load_constitution(path)


def clean_revision(text: str, draft: str, *, cut_off: bool, min_words: int, max_ratio: float) -> tuple[str, list, str]:
    """``(cleaned, fixes, dropped)``: the revision with leaked prefixes and invented turns removed (each fix
    named), and why it cannot be used (``""`` when it can)."""
    fixes = []
    stripped = _LEAK.sub("", text.strip(), count=1)
    if stripped != text.strip():
        fixes.append("leaked prefix stripped")
    text = stripped
    m = _TURN.search(text)
    if m:
        text, cut_off = text[: m.start()], False
        fixes.append("invented turn cut")
    text = text.strip().strip('"').strip()
    if cut_off:
        ends = list(_SENTENCE_END.finditer(text))
        if not ends:
            return text, fixes, "cut off mid-sentence"
        text = text[: ends[-1].end()]
        fixes.append("cut-off tail trimmed")
    words, draft_words = len(text.split()), max(len(draft.split()), 1)
    if " ".join(text.lower().split()) == " ".join(draft.lower().split()):
        return text, fixes, "same as the draft"
    if _META.search(text):
        return text, fixes, "talks about the revision instead of replying"
    if words < min_words:
        return text, fixes, f"shorter than {min_words} words"
    if words > max_ratio * max(draft_words, min_words):
        return text, fixes, f"longer than {max_ratio:g}x the draft"
    return text, fixes, ""


def trait_prompts(cfg: ConstitutionConfig) -> list[Example]:
    """``limit`` trait prompts, the traits dealt in turn and each one's prompts in a seeded order."""
    from ethos.train.dose import Stream
    from ethos.train.rl_config import DataSettings
    from ethos.train.streams import load_stream

    examples = [e for e in load_stream(cfg.prompts, DataSettings(), recipe=cfg.recipe) if e.kind == "trait"]
    if not examples:
        raise UserError(f"constitution.prompts '{cfg.prompts}' has no trait scenarios; point it at trait examples.")
    stream = Stream("constitution", examples, cfg.seed, strata=lambda e: e.trait or "")
    return stream.take(0, min(cfg.limit or len(examples), len(examples)))


def _load(name: str, base_url: str | None, dtype: str):
    from ethos.models import load_model

    return load_model(name, base_url=base_url, dtype=dtype) if base_url else load_model(name, dtype=dtype)


class _Tokens:
    """Tokens a stage's model calls processed (prompt + completion), counted with the policy's tokenizer."""

    def __init__(self, model: str):
        from transformers import AutoTokenizer

        from ethos.models import resolve

        self.tok = AutoTokenizer.from_pretrained(str(resolve(model).path))
        self.by_stage: dict[str, int] = {}

    def add(self, stage: str, convs: list[list[dict]], texts: list[str]) -> None:
        n = sum(
            len(
                self.tok.apply_chat_template(c, tokenize=True, add_generation_prompt=True, return_dict=True)[
                    "input_ids"
                ]
            )
            for c in convs
        )
        n += sum(len(self.tok(t, add_special_tokens=False)["input_ids"]) for t in texts)
        self.by_stage[stage] = self.by_stage.get(stage, 0) + n


def revise_stage(cfg: ConstitutionConfig, out_dir: str | Path, *, critic=None, policy=None) -> Path:
    """Draft, critique and revise every prompt; write each pair and the counts (see the module doc)."""
    from ethos.models import SamplingParams

    out_dir = Path(out_dir)
    constitution = constitution_of(cfg)
    prompts = trait_prompts(cfg)
    write_jsonl(out_dir / "prompts.jsonl", (e.model_dump(mode="json") for e in prompts))
    policy = policy or _load(cfg.model, None, cfg.dtype)
    critic = critic or (
        policy if cfg.critic in (None, cfg.model) else _load(cfg.critic, cfg.critic_base_url, cfg.dtype)
    )
    tokens = _Tokens(cfg.model)
    reply = SamplingParams(max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, seed=cfg.seed)
    critique = SamplingParams(max_new_tokens=cfg.critique_tokens, temperature=cfg.temperature, seed=cfg.seed)
    convs = [e.chat() for e in prompts]
    drafts = policy.generate(convs, reply, progress=True)
    tokens.add("drafts", convs, [g.text for g in drafts])
    rows = [
        {
            "id": e.id,
            "trait": e.trait,
            "messages": c,
            "draft": g.text.strip(),
            "principles": [],
            "critiques": [],
            "revisions": [],
        }
        for e, c, g in zip(prompts, convs, drafts)
    ]
    current = [r["draft"] for r in rows]
    cut = [g.finish_reason == "length" for g in drafts]
    for k in range(cfg.passes):
        key = (lambda e: e.id) if k == 0 else (lambda e, k=k: f"{e.id}#{k}")
        drawn = [draw_principle(constitution, key(e), cfg.seed, e.trait, cfg.draw) for e in prompts]
        ask = [
            c
            + [
                {"role": "assistant", "content": cur},
                {"role": "user", "content": CRITIQUE_REQUEST.format(principle=p.text)},
            ]
            for c, cur, p in zip(convs, current, drawn)
        ]
        crits = critic.generate(ask, critique, progress=True)
        tokens.add("critiques", ask, [g.text for g in crits])
        rev_ask = [
            a
            + [
                {"role": "assistant", "content": g.text.strip()},
                {"role": "user", "content": REVISION_REQUEST.format(principle=p.text)},
            ]
            for a, g, p in zip(ask, crits, drawn)
        ]
        revs = critic.generate(rev_ask, reply, progress=True)
        tokens.add("revisions", rev_ask, [g.text for g in revs])
        for row, p, c, r in zip(rows, drawn, crits, revs):
            row["principles"].append({"id": p.id, "text": p.text})
            row["critiques"].append(c.text.strip())
            row["revisions"].append(r.text)
        current = [r.text for r in revs]
        cut = [g.finish_reason == "length" for g in revs]
    dropped: dict[str, int] = {}
    fixed: dict[str, int] = {}
    for row, text, c in zip(rows, current, cut):
        clean, fixes, why = clean_revision(
            text, row["draft"], cut_off=c, min_words=cfg.min_words, max_ratio=cfg.max_length_ratio
        )
        row.update(revision=clean, fixes=fixes, kept=not why, dropped=why)
        for f in fixes:
            fixed[f] = fixed.get(f, 0) + 1
        if why:
            key = re.sub(r"\d+(\.\d+)?x?", "N", why)
            dropped[key] = dropped.get(key, 0) + 1
    path = out_dir / REVISIONS
    write_jsonl(path, rows)
    kept = sum(r["kept"] for r in rows)
    if not kept:
        log.warning("no revision of %d survived cleaning; the tune stage will be skipped", len(rows))
    write_json(
        out_dir / REVISE_SUMMARY,
        {
            "prompts": len(rows),
            "passes": cfg.passes,
            "kept": kept,
            "dropped": dict(sorted(dropped.items())),
            "fixed": dict(sorted(fixed.items())),
            "critic": getattr(critic, "name", cfg.critic or cfg.model),
            "tokens": tokens.by_stage,
        },
    )
    return path


def _stage_input(out_dir: Path, name: str, stage: str) -> list[dict]:
    return stage_rows(out_dir / name, f"run `ethos train constitution {stage}` with the same --out first.")


def tune_stage(cfg: ConstitutionConfig, out_dir: str | Path) -> Path:
    """SFT (or DPO) on the kept revisions, the constitution nowhere in the context."""
    from ethos.models import resolve
    from ethos.train.checkpoint import publish
    from ethos.train.sft import sft_tokens

    out_dir = Path(out_dir)
    rows = [r for r in _stage_input(out_dir, REVISIONS, "revise") if r["kept"]]
    if not rows:
        write_json(out_dir / "tune" / "skipped.json", {"why": "no revision survived cleaning"})
        return publish(Path(resolve(cfg.model).path), out_dir / "tune" / "final")
    if cfg.objective == "dpo":
        from ethos.train.dpo import dpo

        pairs = [(r["messages"], r["revision"], r["draft"]) for r in rows]
        write_jsonl(out_dir / "dpo_data.jsonl", ({"messages": p, "chosen": c, "rejected": j} for p, c, j in pairs))
        settings = cfg.dpo.model_copy(update={"model": cfg.model, "seed": cfg.seed})
        final = dpo(cfg.model, pairs, settings, out_dir / "tune")
        convs = [p + [{"role": "assistant", "content": x}] for p, c, j in pairs for x in (c, j)]
        epochs = settings.epochs
    else:
        from ethos.train.sft import sft

        convs = [r["messages"] + [{"role": "assistant", "content": r["revision"]}] for r in rows]
        write_jsonl(out_dir / "sft_data.jsonl", ({"messages": c} for c in convs))
        settings = cfg.sft.model_copy(update={"model": cfg.model, "seed": cfg.seed})
        final = sft(cfg.model, convs, settings, out_dir / "tune")
        epochs = settings.epochs
    write_json(out_dir / "tune" / TUNE_TOKENS, sft_tokens(cfg.model, convs, epochs) | {"objective": cfg.objective})
    return final


def build_judge(cfg: ConstitutionConfig, log_path: Path | None = None):
    from ethos.grade.constitution_judge import ConstitutionJudge

    model = _load(cfg.judge or cfg.model, cfg.judge_base_url, cfg.dtype)
    return ConstitutionJudge(model, constitution_of(cfg), seed=cfg.seed, draw=cfg.draw, log=log_path)


def rl_config(cfg: ConstitutionConfig, out_dir: Path, train: RLConfig) -> RLConfig:
    """Stage (c)'s config: the treatment's ``train`` settings from the tuned model; ``constitution.rl`` overrides."""
    fixed = {"model": str(out_dir / "tune" / "final"), "seed": cfg.seed}
    return train.model_copy(update={**cfg.rl, **fixed})


def rl_stage(cfg: ConstitutionConfig, out_dir: str | Path, *, train: RLConfig, judge=None, progress: bool = True):
    """GRPO from the tuned model: standard prompts by the recipe's standard reward, trait prompts by the judge."""
    from ethos.train.arm_training import build_graders, train_arm
    from ethos.train.arms import ARMS, TREATMENT

    out_dir = Path(out_dir)
    if not (out_dir / "tune" / "final" / "config.json").is_file():
        raise UserError(f"{out_dir / 'tune' / 'final'} is missing; run the tune stage of this constitution run first.")
    rl = rl_config(cfg, out_dir, train)
    arm = ARMS.get(TREATMENT)  # trains like the treatment (its streams and dose): only the trait reward differs
    judge = judge or build_judge(cfg, out_dir / "rl" / JUDGE_LOG)
    graders = {"standard": build_graders(rl, arm)["standard"], "trait": judge}
    result = train_arm(rl, arm, out_dir / "rl", graders=graders, recipe=cfg.recipe, progress=progress)
    verdicts = (
        [row for _, row in read_jsonl(out_dir / "rl" / JUDGE_LOG)] if (out_dir / "rl" / JUDGE_LOG).is_file() else []
    )
    write_json(
        out_dir / "rl" / JUDGE_SUMMARY,
        {
            "judge": getattr(judge.model, "name", cfg.judge or cfg.model),
            "calls": len(verdicts),
            "unscored": sum(v["score"] is None for v in verdicts),
            "tokens": sum(v["tokens"] for v in verdicts),  # a resumed run's repeated steps included: they ran
        },
    )
    return result.final


PRE_RL_STAGES = ("drafts", "critiques", "revisions", "tuning")  # counted toward the compute match


def matched_pre_rl_tokens(out_dir: str | Path) -> float:
    """Tokens of the stages before RL that the compute match counts (the judge's are the reward's, shown apart)."""
    tokens = stage_tokens(out_dir)
    return sum(tokens.get(k, 0.0) for k in PRE_RL_STAGES)


def budget_steps(steps: int, tokens_per_step: float, spent: float) -> int:
    """RL steps that bring the arm's total to ``steps`` treatment steps' tokens, after ``spent`` (at least 1)."""
    return max(1, round(steps - spent / tokens_per_step)) if tokens_per_step > 0 else steps


def stage_tokens(out_dir: str | Path) -> dict[str, float]:
    """Tokens of every stage besides RL (drafts, critiques, revisions, tuning, the judge), for the design table."""
    out_dir, out = Path(out_dir), {}
    for path, pick in (
        (out_dir / REVISE_SUMMARY, lambda d: d["tokens"]),
        (out_dir / "tune" / TUNE_TOKENS, lambda d: {"tuning": d["tokens"]}),
        (out_dir / "rl" / JUDGE_SUMMARY, lambda d: {"judge": d["tokens"]}),
    ):
        if path.is_file():
            out |= {k: float(v) for k, v in pick(json.loads(path.read_text(encoding="utf-8"))).items()}
    return out
