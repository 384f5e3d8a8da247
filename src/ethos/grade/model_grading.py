"""Grade a model: generate its replies to examples, grade them, summarize by trait and domain.

Work is done in chunks. Each chunk's replies are appended to ``<out>.replies.jsonl`` before they are
graded, and each graded chunk to ``<out>.partial.jsonl``, so an interrupted run — or a judge that
fails for good (a refused key) — resumes where it stopped without generating anything twice; the
final per-item file is written atomically. Unscored items (judge failures) are kept in the records
with ``score: null`` and counted in the summary.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Sequence

from ethos.data.schema import Example
from ethos.files import append_jsonl, read_jsonl_tolerant, write_jsonl
from ethos.grade.types import Grader
from ethos.models.progress import batches
from ethos.models.types import ChatModel, SamplingParams


def partial_path(out: str | Path, kind: str = "partial") -> Path:
    out = Path(out)
    return out.with_name(f"{out.name}.{kind}.jsonl")


def record(example: Example, reply: str, grade) -> dict:
    return {
        "id": example.id,
        "kind": example.kind,
        "trait": example.trait,
        "domain": example.domain,
        "pressure": example.pressure,
        "contrast": example.contrast,
        "reply": reply,
        "score": grade.score,
        "why": grade.why,
        "per_line": [asdict(line) for line in grade.per_line],
    }


def grade_model(
    model: ChatModel,
    examples: Sequence[Example],
    grader: Grader,
    params: SamplingParams,
    out: str | Path,
    *,
    chunk: int = 32,
    progress: bool = True,
) -> list[dict]:
    """Generate, grade and save one record per example (resumes from ``<out>.partial.jsonl``)."""
    log, said = partial_path(out), partial_path(out, "replies")
    done = {r["id"]: r for r in read_jsonl_tolerant(log)}
    replies = {r["id"]: r["reply"] for r in read_jsonl_tolerant(said)}
    todo = [e for e in examples if e.id not in done]
    for part in batches(todo, chunk, progress=progress, label=f"grade [{grader.name}]"):
        new = [e for e in part if e.id not in replies]
        for example, gen in zip(new, model.generate([e.chat() for e in new], params) if new else []):
            append_jsonl(said, {"id": example.id, "reply": gen.text})
            replies[example.id] = gen.text
        texts = [replies[e.id] for e in part]
        for example, reply, grade in zip(part, texts, grader.grade_many(part, texts)):
            row = record(example, reply, grade)
            append_jsonl(log, row)
            done[example.id] = row
    records = [done[e.id] for e in examples]
    write_jsonl(out, records)
    log.unlink(missing_ok=True)
    said.unlink(missing_ok=True)
    return records


def summary(records: Iterable[dict], key: str) -> list[dict]:
    """Mean score, scored count and unscored count per value of ``key`` (e.g. trait, domain)."""
    groups: dict[str, list] = defaultdict(list)
    for r in records:
        groups[str(r.get(key) or "-")].append(r["score"])
    rows = []
    for name in sorted(groups):
        scores = [s for s in groups[name] if s is not None]
        rows.append(
            {
                key: name,
                "n": len(groups[name]),
                "scored": len(scores),
                "unscored": len(groups[name]) - len(scores),
                "mean": sum(scores) / len(scores) if scores else None,
            }
        )
    return rows
