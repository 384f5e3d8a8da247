"""Public-format adapters: find published files by their published names and turn them into benchmarks.

``discover(data_dir)`` looks anywhere under ``data_dir`` for each format's published file names,
loads what it finds and lists, for every adapter, what it did not find (and any file it skipped,
with the reason) — nothing is skipped silently. With ``hub=True`` the Anthropic files are read from
the Hugging Face hub instead (fails fast, without hanging, when the hub is unreachable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ethos.errors import UserError
from ethos.evals.adapters import anthropic, prompt_sets, qa_sets  # noqa: F401  (imported to register their adapters)
from ethos.evals.adapters.formats import ADAPTERS, Adapter
from ethos.evals.benchmark import Benchmark

HUB_REPO = "Anthropic/model-written-evals"


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
        raise UserError(
            f"the Hugging Face hub is unreachable, so {HUB_REPO} cannot be read; pass --data-dir with local copies "
            f"instead."
        )
    from huggingface_hub import HfApi, hf_hub_download

    names = HfApi().list_repo_files(HUB_REPO, repo_type="dataset")
    wanted = [n for n in names if any(Path(n).match(p) for p in adapter.patterns)]
    return [Path(hf_hub_download(HUB_REPO, n, repo_type="dataset")).resolve() for n in wanted]


def discover(
    data_dir=None, adapters="all", hub: bool = False, matching_good: dict | None = None, only: set[Path] | None = None
) -> Discovery:
    """Load every adapter whose published files exist under ``data_dir`` (or on the hub for Anthropic);
    with ``only``, just those files (the verified ones of a managed data folder)."""
    names = list(ADAPTERS) if adapters in (None, "all") else list(adapters)
    for name in names:
        ADAPTERS.get(name)  # an unknown name raises, listing the known ones
    root = Path(data_dir) if data_dir is not None else None
    if root is not None and not root.is_dir():
        raise UserError(f"--data-dir {root} is not a folder; point it at the folder holding the published files.")
    out = Discovery()
    for name in names:
        adapter = ADAPTERS.get(name)
        if hub and name == "anthropic":
            files = _hub_files(adapter)
        elif root is not None:
            files = [f for f in find_files(root, adapter) if only is None or f.resolve() in only]
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
