"""Bad input gets one sentence and exit status 2: no traceback, no half-written output, and before slow work."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ETHOS = str(Path(sys.executable).parent / "ethos")
SMOKE = Path(__file__).resolve().parents[1] / "configs" / "smoke.yaml"
TRAIN_KEY = "  max_new_tokens: 16\n"  # a line of the train: section only


def _model_folder(tmp_path: Path, weights: str) -> Path:
    from ethos.models import resolve

    real = Path(resolve("smollm2-135m-instruct").path)
    folder = tmp_path / f"model-{weights}"
    folder.mkdir()
    for f in real.iterdir():
        if f.suffix != ".safetensors":
            shutil.copy(f, folder / f.name)
    if weights == "truncated":
        data = next(real.glob("*.safetensors")).read_bytes()
        (folder / "model.safetensors").write_bytes(data[: len(data) // 3])
    else:
        (folder / "pytorch_model.bin").write_bytes(b"\x80\x04pickled")
    return folder


def _recipe(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "recipe.yaml"
    path.write_text(text)
    return path


def _smoke_with(tmp_path: Path, old: str, new: str) -> Path:
    text = SMOKE.read_text()
    assert text.count(old) == 1
    return _recipe(tmp_path, text.replace(old, new))


CASES = {
    "unreachable endpoint": (
        lambda t: ["chat", "--model", "openai:some-model", "--base-url", "http://127.0.0.1:9/v1", "hello"],
        ["cannot reach", "127.0.0.1:9"],
    ),
    "truncated safetensors": (
        lambda t: ["chat", "--model", str(_model_folder(t, "truncated")), "hello"],
        ["truncated or corrupted", "model.safetensors"],
    ),
    "pickled weights only": (
        lambda t: ["chat", "--model", str(_model_folder(t, "pickled")), "hello"],
        ["pytorch_model.bin", "safetensors only"],
    ),
    "empty recipe": (
        lambda t: ["run", "--config", str(_recipe(t, "# nothing here\n")), "--run-dir", str(t / "out")],
        ["recipe.yaml", "empty"],
    ),
    "unknown train key": (
        lambda t: [
            "train",
            "--config",
            str(_smoke_with(t, TRAIN_KEY, TRAIN_KEY + "  learning_rate: 0.1\n")),
            "--out",
            str(t / "out"),
        ],
        ["recipe.yaml:", "train.learning_rate", "not a known setting"],
    ),  # fmt: skip
    "wrong type, line named": (
        lambda t: [
            "train",
            "--config",
            str(_smoke_with(t, TRAIN_KEY, "  max_new_tokens: many\n")),
            "--out",
            str(t / "out"),
        ],
        ["recipe.yaml:", "train.max_new_tokens"],
    ),
    "data build with a bad train section": (
        lambda t: [
            "data",
            "build",
            "--config",
            str(_smoke_with(t, "  group_size: 2\n", "  group_size: two\n")),
            "--out",
            str(t / "out"),
        ],
        ["recipe.yaml:", "train.group_size"],
    ),  # fmt: skip
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_one_sentence_exit_2_and_no_output(case, tmp_path):
    argv, needles = CASES[case]
    env = os.environ | {"OPENAI_API_KEY": "sk-test", "COLUMNS": "200"}
    out = subprocess.run([ETHOS, *argv(tmp_path)], capture_output=True, text=True, timeout=180, env=env)
    said = " ".join(out.stderr.split())
    assert out.returncode == 2, (out.returncode, out.stderr[-3000:])
    assert "Traceback" not in out.stderr and said.startswith("error:"), said
    for needle in needles:
        assert needle in said, (needle, said)
    assert not (tmp_path / "out").exists()


def test_serve_checks_the_port_before_loading_the_model(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = subprocess.run([ETHOS, "serve", "--port", str(port)], capture_output=True, text=True, timeout=60)
    said = " ".join(out.stderr.split())
    assert out.returncode == 2 and "Traceback" not in out.stderr and str(port) in said and "in use" in said, said
