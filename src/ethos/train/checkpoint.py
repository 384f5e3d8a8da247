"""Checkpoints: a plain Hugging Face folder to use, plus the exact state to resume from.

Layout of ``<out>/checkpoints/step-000012/``::

    trainable.safetensors  the trainable tensors themselves (adapters, or all weights), bit-exact
    trainer_state.pt     step, optimizer, LR scheduler, RNG states, data-stream positions, totals
    model/               the final step only: LoRA merged, a plain folder AutoModelForCausalLM,
                         vLLM or Inspect ``hf/`` load as is

Resume loads ``trainable.safetensors`` rather than a merged folder because merging (W + BA)
rounds, and a resumed run must end with the same weights as an uninterrupted one; intermediate
checkpoints therefore hold only what resuming needs (a few MB with LoRA, not a 300 MB model), and
only the newest ``keep`` are kept. The trainer state holds tensors, numbers and strings only and is
read with ``torch.load(weights_only=True)``: a checkpoint cannot execute code. Each checkpoint is
written into a temporary sibling and renamed into place, so a checkpoint folder that exists is
complete: a run killed while saving resumes from the previous one.
"""

from __future__ import annotations

import os
import pickle
import random
import re
import shutil
from pathlib import Path

import numpy as np
import torch

from ethos.errors import UserError
from ethos.files import atomic_dir

STEP_DIR = re.compile(r"^step-(\d{6})$")


def merged_state_dict(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The base model's state dict with every LoRA delta folded in (the module itself is untouched)."""
    if not hasattr(module, "get_base_model"):
        return {k: v.detach() for k, v in module.state_dict().items()}
    from peft.tuners.lora import LoraLayer

    base = module.get_base_model()
    sd = {k.replace(".base_layer.", "."): v.detach() for k, v in base.state_dict().items() if ".lora_" not in k}
    for name, layer in base.named_modules():
        if isinstance(layer, LoraLayer):
            key = f"{name}.weight"
            w = sd[key]
            delta = sum(layer.get_delta_weight(a).detach().float() for a in layer.active_adapters)
            sd[key] = (w.float() + delta).to(w.dtype)
    return sd


def export_hf(module: torch.nn.Module, tokenizer, folder: Path) -> None:
    """Write a plain HF folder (LoRA merged) into ``folder``."""
    from transformers.utils import logging as hf_logging

    base = module.get_base_model() if hasattr(module, "get_base_model") else module
    hf_logging.disable_progress_bar()  # one shard of a small model: its bar is noise between ours
    try:
        base.save_pretrained(folder, state_dict=merged_state_dict(module))
    finally:
        hf_logging.enable_progress_bar()
    tokenizer.save_pretrained(folder)


def export_hf_atomic(module: torch.nn.Module, tokenizer, folder: Path) -> Path:
    with atomic_dir(folder) as tmp:
        export_hf(module, tokenizer, tmp)
    return folder


def publish(model_dir: Path, folder: Path) -> Path:
    """Atomically make ``folder`` a copy of a checkpoint's ``model/`` (hard links when possible: no extra disk)."""
    with atomic_dir(folder) as tmp:
        for src in model_dir.iterdir():
            try:
                os.link(src, tmp / src.name)
            except OSError:
                shutil.copy2(src, tmp / src.name)
    return folder


def rng_state() -> dict:
    """Every generator's state as tensors, numbers and strings (loadable with ``weights_only=True``)."""
    version, internal, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "python": [version, list(internal), gauss],
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss), float(cached)],
        "torch": torch.get_rng_state(),
    }


def set_rng_state(state: dict) -> None:
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"])


def save_checkpoint(
    root: Path, step: int, module: torch.nn.Module, tokenizer, state: dict, *, final: bool = False, keep: int = 2
) -> Path:
    """Atomically write ``root/step-XXXXXX`` (``step`` = number of completed steps), with the merged model
    when ``final``; then delete all but the newest ``keep`` checkpoints."""
    from safetensors.torch import save_file

    folder = root / f"step-{step:06d}"
    with atomic_dir(folder) as tmp:
        if final:
            export_hf(module, tokenizer, tmp / "model")
        trainable = {n: p.detach().contiguous() for n, p in module.named_parameters() if p.requires_grad}
        save_file(trainable, str(tmp / "trainable.safetensors"))
        torch.save({**state, "step": step, "rng": rng_state()}, tmp / "trainer_state.pt")
    for old in checkpoints(root)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return folder


def remove_partial(root: Path) -> None:
    """Delete half-written checkpoints left by a process killed while saving."""
    if root.is_dir():
        for stale in root.glob(".step-*.tmp"):
            shutil.rmtree(stale, ignore_errors=True)


def checkpoints(root: Path) -> list[Path]:
    """Complete checkpoints, oldest first (folders appear only once fully written)."""
    if not root.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in root.iterdir() if p.is_dir() and (m := STEP_DIR.match(p.name))]
    return [p for _, p in sorted(found)]


def latest_checkpoint(root: Path) -> Path | None:
    """The newest complete checkpoint."""
    found = checkpoints(root)
    return found[-1] if found else None


def load_checkpoint(folder: Path, module: torch.nn.Module) -> dict:
    """Copy the saved trainable tensors into ``module`` bit-exactly; return the trainer state."""
    from safetensors.torch import load_file

    saved = load_file(str(folder / "trainable.safetensors"))
    params = dict(module.named_parameters())
    missing = [n for n, p in params.items() if p.requires_grad and n not in saved]
    if missing or set(saved) - params.keys():
        raise ValueError(
            f"checkpoint {folder} does not match the model being trained (e.g. "
            f"{(missing or sorted(set(saved) - params.keys()))[0]}); was the config changed?"
        )
    with torch.no_grad():
        for name, tensor in saved.items():
            params[name].copy_(tensor)
    try:
        state = torch.load(folder / "trainer_state.pt", weights_only=True)
    except pickle.UnpicklingError as e:
        raise UserError(
            f"{folder / 'trainer_state.pt'} holds objects other than tensors, numbers and strings (not written by this "
            f"version of ethos, or altered); delete {folder} to resume from the checkpoint before it."
        ) from e
    set_rng_state(state["rng"])
    return state
