"""One evaluation on disk, and the only code that knows its layout::

    <dir>/records/<benchmark>.jsonl   one record per item (benchmark, item, score, prediction, reply, ...)
    <dir>/summary.json                per-benchmark means and the run's settings

The runner writes through :class:`EvalRun`; comparisons, held-out rows, persistence and the report
read through it. An ``EvalRun`` may span several folders of one model (its headline and secondary
panels): a benchmark's records come from the first folder that has them, so a persistence contrast can
pool a model's clean scores across panels without copying files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Union

from ethos.errors import UserError
from ethos.files import read_jsonl_tolerant, write_json, write_jsonl

SUMMARY = "summary.json"
RECORDS = "records"


class EvalRun:
    def __init__(self, *dirs: str | Path):
        if not dirs:
            raise ValueError("an evaluation run needs at least one folder")
        self.dirs = tuple(Path(d) for d in dirs)

    @classmethod
    def of(cls, run: "RunLike") -> "EvalRun":
        return run if isinstance(run, EvalRun) else cls(run)

    @property
    def path(self) -> Path:
        return self.dirs[0]

    @property
    def summary_path(self) -> Path:
        return self.path / SUMMARY

    @property
    def records_dir(self) -> Path:
        return self.path / RECORDS

    def __repr__(self) -> str:
        return f"EvalRun({', '.join(map(str, self.dirs))})"

    # ------------------------------------------------------------------ writing (one folder)
    def write_records(self, benchmark: str, records: list[dict]) -> None:
        write_jsonl(self.records_dir / f"{benchmark}.jsonl", records)

    def write_summary(self, summary: dict) -> None:
        write_json(self.summary_path, summary)

    # ------------------------------------------------------------------ reading
    def exists(self) -> bool:
        return self.summary_path.exists()

    def summary(self) -> dict:
        """The first folder's summary; a folder without one is a user error naming it."""
        if not self.exists():
            raise UserError(f"{self.path} has no {SUMMARY}; point at the --out folder of a finished `ethos eval` run.")
        return json.loads(self.summary_path.read_text(encoding="utf-8"))

    def _files(self) -> dict[str, Path]:
        files: dict[str, Path] = {}
        for d in self.dirs:
            for path in sorted((d / RECORDS).glob("*.jsonl")):
                files.setdefault(path.stem, path)
        return dict(sorted(files.items()))

    def benchmarks(self) -> list[str]:
        """Every benchmark with records, by name."""
        return list(self._files())

    def records(self, benchmarks: Iterable[str] | None = None) -> list[dict]:
        """Per-item records of the chosen benchmarks (all when None), benchmark by benchmark in name order."""
        wanted = None if benchmarks is None else set(benchmarks)
        rows: list[dict] = []
        for name, path in self._files().items():
            if wanted is None or name in wanted:
                rows += read_jsonl_tolerant(path)
        return rows

    def by_item(self, benchmark: str) -> dict[str, dict]:
        """One benchmark's records by item id (empty when the run has none)."""
        path = self._files().get(benchmark)
        return {r["item"]: r for r in read_jsonl_tolerant(path)} if path else {}


RunLike = Union[EvalRun, str, Path]


def answer_of(record: dict) -> str | None:
    """What the user read in a generation record: its final answer (None when the reply was cut off in its
    reasoning); records written before answers were parsed out hold the reply only."""
    return record["answer"] if "answer" in record else record.get("reply")
