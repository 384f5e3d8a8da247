"""Turn a ``--model`` string into a model.

Accepted forms, tried in this order:
  1. ``openai:<model>`` — an OpenAI-compatible HTTP endpoint (base URL from ``--base-url`` or
     ``OPENAI_BASE_URL``, key from ``OPENAI_API_KEY``);
  2. the name of an embedded model (``smollm2-135m-instruct``);
  3. a local Hugging Face folder (has ``config.json``);
  4. a hub id ``org/name`` — from the local HF cache, else downloaded when the hub is reachable.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from ethos.errors import UserError
from ethos.models.embedded import EMBEDDED, prepare

ACCEPTED = (
    "an embedded model name ({names}), a local Hugging Face folder containing config.json, "
    "a hub id like org/name (needs the hub or a local HF cache), or openai:<model> for an "
    "OpenAI-compatible endpoint"
)


@dataclass(frozen=True)
class ModelRef:
    kind: str  # "local" | "openai"
    name: str
    path: Path | None = None
    base_url: str | None = None


def _accepted() -> str:
    return ACCEPTED.format(names=", ".join(EMBEDDED))


def _hub_reachable(host: str = "huggingface.co", timeout: float = 3.0) -> bool:
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False"):
        return False
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _from_hub(repo_id: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:  # pragma: no cover - transformers depends on it
        return None
    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:
        pass
    if not _hub_reachable():
        return None
    try:
        return Path(snapshot_download(repo_id))
    except Exception as e:
        raise UserError(
            f"could not download '{repo_id}' from the Hugging Face hub ({type(e).__name__}: {e})."
        ) from None


def resolve(spec: str, *, base_url: str | None = None, status=None) -> ModelRef:
    """Resolve a model string; raise ``UserError`` naming what was tried and what is accepted."""
    spec = spec.strip()
    if spec.startswith("openai:"):
        name = spec.removeprefix("openai:")
        url = base_url or os.environ.get("OPENAI_BASE_URL")
        if not name:
            raise UserError("openai: needs a model name, e.g. openai:gpt-4o-mini.")
        return ModelRef(kind="openai", name=name, base_url=url)
    if spec in EMBEDDED:
        return ModelRef(kind="local", name=spec, path=prepare(EMBEDDED[spec], status=status))
    path = Path(spec).expanduser()
    if path.is_dir():
        if (path / "config.json").exists():
            return ModelRef(kind="local", name=path.name or spec, path=path)
        raise UserError(f"'{spec}' is a folder but has no config.json; accepted: {_accepted()}.")
    tried = [f"embedded names ({', '.join(EMBEDDED)})", f"local folder {path}"]
    if spec.count("/") == 1 and not spec.startswith((".", "/", "~")):
        found = _from_hub(spec)
        if found is not None:
            return ModelRef(kind="local", name=spec, path=found)
        tried.append("the local HF cache and the hub (unreachable)")
    raise UserError(f"unknown model '{spec}': tried {', '.join(tried)}; accepted: {_accepted()}.")


def load_model(
    spec: str,
    *,
    dtype: str = "auto",
    base_url: str | None = None,
    status=None,
    timeout: float | None = None,
    concurrency: int | None = None,
):
    """Resolve and load a model as a :class:`ethos.models.types.ChatModel` (``timeout``: seconds per request to an
    ``openai:`` endpoint; ``concurrency``: how many of its requests run at once)."""
    ref = resolve(spec, base_url=base_url, status=status)
    if ref.kind == "openai":
        from ethos.models.openai_model import OpenAIChatModel

        kw = {"timeout": timeout} if timeout else {}
        return OpenAIChatModel(
            ref.name, base_url=ref.base_url, **kw, **({"concurrency": concurrency} if concurrency else {})
        )
    from ethos.models.local import LocalChatModel

    return LocalChatModel.from_folder(ref.path, dtype=dtype, name=ref.name)
