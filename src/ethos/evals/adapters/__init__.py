"""Public-format adapters: find published files by their published names and turn them into benchmarks.

``discover(data_dir)`` looks anywhere under ``data_dir`` for each format's published file names,
loads what it finds and lists, for every adapter, what it did not find (and any file it skipped,
with the reason) — nothing is skipped silently. With ``hub=True`` the Anthropic files are read from
the Hugging Face hub instead (fails fast, without hanging, when the hub is unreachable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ethos.errors import UserError
from ethos.evals.adapters.anthropic import load_caa, load_model_written
from ethos.evals.adapters.prompt_sets import load_coconot, load_harmbench, load_strongreject, load_xstest
from ethos.evals.adapters.qa_sets import load_bbq, load_selfaware, load_truthfulqa_csv, load_truthfulqa_json
from ethos.evals.benchmark import Benchmark

BBQ_CATEGORIES = ("Age", "Disability_status", "Gender_identity", "Nationality", "Physical_appearance", "Race_ethnicity",
                  "Race_x_SES", "Race_x_gender", "Religion", "SES", "Sexual_orientation")
HUB_REPO = "Anthropic/model-written-evals"


@dataclass(frozen=True)
class Adapter:
    name: str
    patterns: tuple[str, ...]
    load: Callable
    directional: bool = False  # needs the per-file matching_good setting


ADAPTERS = {a.name: a for a in (
    Adapter("anthropic", ("advanced-ai-risk/*/*.jsonl", "persona/*.jsonl", "sycophancy/*.jsonl"), load_model_written, True),
    Adapter("caa", ("*/test_dataset_ab.json",), load_caa, True),
    Adapter("xstest", ("xstest_prompts.csv",), load_xstest),
    Adapter("bbq", tuple(f"{c}.jsonl" for c in BBQ_CATEGORIES), load_bbq),
    Adapter("truthfulqa", ("mc_task.json", "TruthfulQA.csv"), lambda p: (load_truthfulqa_json if p.suffix == ".json" else load_truthfulqa_csv)(p)),
    Adapter("selfaware", ("SelfAware.json",), load_selfaware),
    Adapter("strongreject", ("strongreject_dataset.csv",), load_strongreject),
    Adapter("harmbench", ("harmbench_behaviors_text_*.csv",), load_harmbench),
    Adapter("coconot", ("coconot_eval.jsonl", "coconot_contrast_eval.jsonl"), load_coconot),
)}


@dataclass
class Discovery:
    benchmarks: list[Benchmark] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)


def find_files(root: Path, adapter: Adapter) -> list[Path]:
    hits = {p for pattern in adapter.patterns for p in root.rglob(pattern) if p.is_file()}
    return sorted(hits)


def _hub_files(adapter: Adapter) -> list[Path]:
    from ethos.models.resolve import _hub_reachable

    if not _hub_reachable():
        raise UserError(f"the Hugging Face hub is unreachable, so {HUB_REPO} cannot be read; pass --data-dir with local copies instead.")
    from huggingface_hub import HfApi, hf_hub_download

    names = HfApi().list_repo_files(HUB_REPO, repo_type="dataset")
    wanted = [n for n in names if any(Path(n).match(p) for p in adapter.patterns)]
    return [Path(hf_hub_download(HUB_REPO, n, repo_type="dataset")).resolve() for n in wanted]


def discover(data_dir=None, adapters="all", hub: bool = False, matching_good: dict | None = None) -> Discovery:
    """Load every adapter whose published files exist under ``data_dir`` (or on the hub for Anthropic)."""
    names = list(ADAPTERS) if adapters in (None, "all") else list(adapters)
    unknown = [n for n in names if n not in ADAPTERS]
    if unknown:
        raise UserError(f"unknown adapter(s) {', '.join(unknown)}; known: {', '.join(ADAPTERS)}.")
    root = Path(data_dir) if data_dir is not None else None
    if root is not None and not root.is_dir():
        raise UserError(f"--data-dir {root} is not a folder; point it at the folder holding the published files.")
    out = Discovery()
    for name in names:
        adapter = ADAPTERS[name]
        if hub and name == "anthropic":
            files = _hub_files(adapter)
        elif root is not None:
            files = find_files(root, adapter)
        else:
            out.not_found.append(f"{name}: no --data-dir given and no hub source for this format")
            continue
        if not files:
            out.not_found.append(f"{name}: none of {', '.join(adapter.patterns)} under {root}")
            continue
        for path in files:
            loaded = adapter.load(path, matching_good) if adapter.directional else adapter.load(path)
            if isinstance(loaded, str):
                out.not_found.append(f"{name}: skipped {loaded}")
                continue
            out.benchmarks += loaded if isinstance(loaded, list) else [loaded]
            out.found.append(str(path))
    return out


__all__ = ["ADAPTERS", "Adapter", "Discovery", "discover", "find_files"]
