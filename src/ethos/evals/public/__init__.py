"""The published benchmarks ethos evaluates with, and where their files are found on this machine.

``manifest.yaml`` beside this module names each file ethos uses: where it was published, the copy
that was verified (repository, commit, path), its sha256, licence and citation. Files whose licence
text came with the verified copy ship in ``data/`` (their licences in ``data/LICENSES/``), so the
suite works offline on a fresh machine; the others (``shipped: false``) are installed once:

    ethos data public install --from DIR     # copies every manifest file found under DIR whose sha256 matches

into ``$ETHOS_HOME/public-data``, together with the shipped files. The ``public`` suite reads the
first of these folders that holds verified files: ``$ETHOS_PUBLIC_DATA``, ``$ETHOS_HOME/public-data``,
a ``public-benchmarks`` folder beside the checkout (``../shared/public-benchmarks``, where a team can
keep one copy for all its machines) and the shipped ``data/``. A file whose checksum differs from
the manifest is never used: the instrument stays the one the manifest describes.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ethos.errors import UserError
from ethos.files import atomic_path
from ethos.files import file_sha256 as sha256
from ethos.models.cache import ethos_home

MANIFEST = Path(__file__).with_name("manifest.yaml")
SHIPPED = Path(__file__).with_name("data")


@dataclass(frozen=True)
class PublicFile:
    benchmark: str
    file: str
    upstream: str
    upstream_path: str
    retrieved_from: str
    retrieved_commit: str
    retrieved_path: str
    licence: str
    citation: str
    sha256: str
    bytes: int
    subset: dict | None = None
    note: str | None = None
    shipped: bool = True  # in data/ (its licence text came with the verified copy)
    role: str = "benchmark"  # or "human labels": people's labels of model replies, to measure a grader against

    @property
    def relative(self) -> Path:
        """Where the file lives inside a data folder: ``<benchmark>/<retrieved path within its own tree>``."""
        parts = Path(self.retrieved_path).parts
        keep = parts[-3:] if self.benchmark == "anthropic" else parts[-1:]
        return Path(self.benchmark, *keep)


@dataclass
class Manifest:
    files: list[PublicFile]
    missing: list[dict] = field(default_factory=list)


@cache
def manifest() -> Manifest:
    doc = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return Manifest([PublicFile(**f) for f in doc["files"]], doc.get("missing", []))


def data_roots() -> list[Path]:
    roots = [Path(os.environ["ETHOS_PUBLIC_DATA"])] if os.environ.get("ETHOS_PUBLIC_DATA") else []
    roots.append(ethos_home() / "public-data")
    roots.append(Path(__file__).resolve().parents[4] / ".." / "shared" / "public-benchmarks")
    roots.append(SHIPPED)
    return roots


def verified(root: Path) -> list[PublicFile]:
    """The manifest files present under ``root`` with the manifest's checksum."""
    return [f for f in manifest().files if (root / f.relative).is_file() and sha256(root / f.relative) == f.sha256]


def find_data() -> Path | None:
    """The first data folder holding at least one verified file, or None."""
    for root in data_roots():
        if root.is_dir() and verified(root):
            return root.resolve()
    return None


def install(source: Path, dest: Path | None = None) -> dict[str, list[str]]:
    """Copy every manifest file found under ``source`` (by its published name) whose sha256 matches into
    ``dest`` (default ``$ETHOS_HOME/public-data``), and the shipped files not found there, so that ``dest``
    holds the whole suite; report what was installed, mismatched and not found."""
    source = Path(source)
    if not source.is_dir():
        raise UserError(f"--from {source} is not a folder; point it at a folder holding the published files.")
    dest = Path(dest or ethos_home() / "public-data")
    report: dict[str, list[str]] = {"installed": [], "mismatched": [], "not_found": []}
    for entry in manifest().files:
        candidates = [p for p in source.rglob(entry.file) if p.is_file()]
        match = next((p for p in candidates if sha256(p) == entry.sha256), None)
        if match is None and (SHIPPED / entry.relative).is_file() and sha256(SHIPPED / entry.relative) == entry.sha256:
            match = SHIPPED / entry.relative
        label = f"{entry.benchmark}/{entry.file}"
        if match is None:
            report["mismatched" if candidates else "not_found"].append(label)
            continue
        target = dest / entry.relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            shutil.copyfile(match, tmp)
        report["installed"].append(label)
    return report
