"""Turn model outputs into per-item records: log-likelihood choice for ``mc``, graded replies for ``gen``.

Everything is batched through the one engine (``model.score`` / ``model.generate``), a chunk of
items at a time, so the runner can append each chunk to its log and resume after an interruption.
Persona steering is applied here, identically for both kinds: a system prompt is put first (merged
with an item's own system message, since chat templates accept only one) and demonstration turns
go between it and the item's conversation.
"""

from __future__ import annotations

import math
from typing import Sequence

from ethos.data.schema import Example
from ethos.evals.benchmark import Benchmark, McItem
from ethos.evals.domains import item_group
from ethos.evals.graders import refused
from ethos.models.reasoning import parse_reply
from ethos.models.types import SamplingParams

Conversation = list[dict[str, str]]


def steer(
    messages: Sequence[dict[str, str]], system: str | None = None, prefix_turns: Sequence[dict[str, str]] | None = None
) -> Conversation:
    """Apply a persona: ``system`` first (merged with the item's own), then ``prefix_turns``, then the item."""
    messages = [dict(m) for m in messages]
    own_system = messages.pop(0)["content"] if messages and messages[0]["role"] == "system" else None
    head = "\n\n".join(s for s in (system, own_system) if s)
    out: Conversation = [{"role": "system", "content": head}] if head else []
    out += [dict(m) for m in (prefix_turns or [])]
    return out + messages


def _option_probs(logprobs: Sequence[float]) -> list[float]:
    top = max(logprobs)
    exps = [math.exp(lp - top) for lp in logprobs]
    total = sum(exps)
    return [e / total for e in exps]


def score_mc(
    model,
    bench: Benchmark,
    items: Sequence[McItem],
    system: str | None = None,
    prefix_turns: Sequence[dict[str, str]] | None = None,
) -> list[dict]:
    """Score every option of every item (and of its counterfactual twin) in one batched call."""
    convs: list[Conversation] = []
    replies: list[str] = []
    for item in items:
        for messages in filter(None, (item.messages, item.counterfactual)):
            conv = steer(messages, system, prefix_turns)
            convs += [conv] * len(item.options)
            replies += list(item.options)
    scores = model.score(convs, replies)
    records, k = [], 0
    for item in items:
        dists = []
        for messages in filter(None, (item.messages, item.counterfactual)):
            chunk = scores[k : k + len(item.options)]
            k += len(item.options)
            lps = [s.mean_logprob if bench.norm == "mean" else s.logprob for s in chunk]
            dists.append(_option_probs(lps))
        probs = dists[0]
        pick = max(range(len(probs)), key=probs.__getitem__)
        p_good = sum(probs[g] for g in item.good)
        if item.counterfactual:
            score = 1.0 - 0.5 * sum(abs(a - b) for a, b in zip(dists[0], dists[1]))
        else:
            score = p_good
        records.append(
            {
                "benchmark": bench.name,
                "item": item.id,
                "kind": "mc",
                "score": score,
                "correct": float(pick in item.good),
                "p_good": p_good,
                "prediction": item.options[pick],
                "probs": [round(p, 6) for p in probs],
                "domain": item_group(item, bench.domain),
            }
        )
    return records


def rule_grader():
    from ethos.grade import RuleGrader

    return RuleGrader()


def final_reply(text: str) -> str | None:
    """The reply a user reads — its final answer, reasoning parsed off (:mod:`ethos.models.reasoning`) — or None
    when the answer never arrived (cut off in its reasoning)."""
    return parse_reply(text).answer


def generate_replies(
    model,
    pending: Sequence[tuple[Benchmark, Example]],
    system: str | None = None,
    prefix_turns: Sequence[dict[str, str]] | None = None,
) -> list:
    """Greedy replies to items of several generation benchmarks in one call, each within its benchmark's token
    budget (a model that cannot mix budgets in one batch is called once per budget)."""
    import inspect

    convs = [steer(item.chat(), system, prefix_turns) for _, item in pending]
    limits = [bench.max_new_tokens for bench, _ in pending]
    if "limits" in inspect.signature(model.generate).parameters:
        params = SamplingParams(max_new_tokens=max(limits), temperature=0.0, seed=0)
        return model.generate(convs, params, limits=limits)
    out = [None] * len(convs)
    for budget in sorted(set(limits)):
        pick = [i for i, x in enumerate(limits) if x == budget]
        gens = model.generate([convs[i] for i in pick], SamplingParams(max_new_tokens=budget, temperature=0.0, seed=0))
        for i, g in zip(pick, gens):
            out[i] = g
    return out


def grade_replies(bench: Benchmark, items: Sequence[Example], gens: Sequence, grader=None) -> list[dict]:
    """Records for one generation benchmark: each reply's final answer graded by the benchmark's own grader, else
    ``grader``, else the rule grader. Refusal rates use XSTest's published classifier, whatever grades the item. A
    reply whose answer never arrived is unscored (``no_final_answer``): neither a refusal nor a compliance."""
    parsed = [parse_reply(g.text) for g in gens]
    answered = [i for i, p in enumerate(parsed) if p.answered]
    graded = (bench.scorer or grader or rule_grader()).grade_many(
        [items[i] for i in answered], [parsed[i].answer for i in answered]
    )
    grades = dict(zip(answered, graded))
    out = []
    for i, (item, reply, gen) in enumerate(zip(items, parsed, gens)):
        grade = grades.get(i)
        out.append(
            {
                "benchmark": bench.name,
                "item": item.id,
                "kind": "gen",
                "domain": item_group(item, bench.domain),
                "score": grade.score if grade else None,
                "prediction": grade.why[:200] if grade else "no final answer: cut off in its reasoning",
                "reply": gen.text,
                "answer": reply.answer,
                "reasoning_words": len(reply.reasoning.split()),
                "no_final_answer": not reply.answered,
                "refused": refused(reply.answer) if reply.answered else None,
                "finish": gen.finish_reason,
            }
        )
    return out


def score_gen(
    model,
    bench: Benchmark,
    items: Sequence[Example],
    system: str | None = None,
    prefix_turns: Sequence[dict[str, str]] | None = None,
    grader=None,
) -> list[dict]:
    """Greedy, bounded replies to one benchmark's items, graded (see :func:`grade_replies`)."""
    gens = generate_replies(model, [(bench, it) for it in items], system, prefix_turns)
    return grade_replies(bench, items, gens, grader)


def score_items(
    model,
    bench: Benchmark,
    items: Sequence,
    system: str | None = None,
    prefix_turns: Sequence[dict[str, str]] | None = None,
    grader=None,
) -> list[dict]:
    if bench.kind == "mc":
        return score_mc(model, bench, items, system, prefix_turns)
    return score_gen(model, bench, items, system, prefix_turns, grader)


def grader_label(bench: Benchmark, grader=None) -> str:
    """What decides a score, for the cache key: "mc", or the grader's name and its judge model."""
    if bench.kind == "mc":
        return "mc"
    chosen = bench.scorer or grader
    if chosen is None:
        return "rule"
    judge = getattr(getattr(chosen, "model", None), "name", "")
    return f"{getattr(chosen, 'name', type(chosen).__name__)}|{judge}"
