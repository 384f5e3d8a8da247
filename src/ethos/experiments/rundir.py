"""A study's run directory: one config per directory, and a marker per finished stage.

A study takes tens of minutes, so it must survive Ctrl-C and crashes: each stage writes its outputs
first and its marker last (atomically), and a re-run skips every stage whose marker exists. Mixing
two configs in one directory would silently pair a treatment trained one way with a baseline trained
another, so a directory remembers the hash of the config that made it and refuses any other.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from ethos.errors import UserError
from ethos.files import write_json, write_text

CONFIG_FILE = "config.yaml"
HASH_FILE = "config-hash.json"


def config_hash(recipe: dict) -> str:
    """A stable hash of a parsed recipe (key order and YAML formatting do not matter)."""
    blob = json.dumps(recipe, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def marker_path(run_path: Path, stage: str) -> Path:
    return Path(run_path) / "stages" / f"{stage.replace(':', '__').replace('/', '_')}.json"


def stage_info(run_path: Path, stage: str) -> dict:
    """What a finished stage recorded (``{}`` when it has not finished): readable without the recipe."""
    p = marker_path(run_path, stage)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def stage_final(run_path: Path, stage: str) -> Path:
    """The model folder a finished stage produced (its ``final``)."""
    info = stage_info(run_path, stage).get("info", {})
    if "final" not in info:
        raise UserError(f"stage {stage} of {run_path} has not finished; run the study again to finish it first.")
    return Path(info["final"])


class RunDir:
    def __init__(self, path: str | Path, recipe: dict, config_text: str):
        self.path = Path(path)
        self.recipe = recipe
        self.config_text = config_text
        self.hash = config_hash(recipe)

    def claim(self) -> None:
        """Adopt the directory for this config, or refuse if another config made it."""
        marker = self.path / HASH_FILE
        if marker.exists():
            try:
                theirs = json.loads(marker.read_text(encoding="utf-8"))["hash"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise UserError(
                    f"{marker} is damaged; delete the run directory {self.path} or choose another run_dir."
                ) from None
            if theirs != self.hash:
                raise UserError(
                    f"run directory {self.path} was made by a different config (hash {theirs}, this config is "
                    f"{self.hash}); mixing them would pair arms trained differently, so set a new run_dir or delete "
                    f"{self.path} to start over."
                )
            return
        if self.path.exists() and any(self.path.iterdir()):
            raise UserError(
                f"run directory {self.path} is not empty and was not made by ethos run; choose another run_dir or "
                f"empty it."
            )
        write_text(self.path / CONFIG_FILE, self.config_text)
        write_json(marker, {"hash": self.hash, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})

    def stage_dir(self, *parts: str) -> Path:
        return self.path.joinpath(*parts)

    def _marker(self, stage: str) -> Path:
        return marker_path(self.path, stage)

    def done(self, stage: str) -> bool:
        return self._marker(stage).exists()

    def mark_done(self, stage: str, seconds: float, info: dict[str, Any] | None = None) -> None:
        write_json(
            self._marker(stage),
            {
                "stage": stage,
                "seconds": round(seconds, 2),
                "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "finished_unix": time.time(),
                "info": info or {},
            },
        )

    def stage_info(self, stage: str) -> dict:
        return stage_info(self.path, stage)

    def timings(self) -> dict[str, float]:
        """Seconds per finished stage, in the order they finished."""
        rows = [json.loads(p.read_text(encoding="utf-8")) for p in (self.path / "stages").glob("*.json")]
        return {d["stage"]: d["seconds"] for d in sorted(rows, key=lambda d: d["finished_unix"])}
