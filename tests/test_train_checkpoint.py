"""Checkpoints: small intermediate ones, a bounded number kept, and a trainer state that cannot execute code."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
import torch

from ethos.errors import UserError
from ethos.train.checkpoint import checkpoints, latest_checkpoint, load_checkpoint, save_checkpoint


def _module():
    torch.manual_seed(0)
    m = torch.nn.Linear(4, 3)
    m.bias.requires_grad_(False)
    return m


def test_keeps_the_newest_and_writes_no_model_before_the_last_step(tmp_path):
    m = _module()
    opt = torch.optim.AdamW(m.parameters(), lr=0.1)
    m(torch.ones(2, 4)).sum().backward()
    opt.step()
    for step in (1, 2, 3):
        save_checkpoint(tmp_path, step, m, None, {"optimizer": opt.state_dict(), "streams": {"trait": step}}, keep=2)
    assert [p.name for p in checkpoints(tmp_path)] == ["step-000002", "step-000003"]
    assert not (latest_checkpoint(tmp_path) / "model").exists()
    saved = set(torch.load(latest_checkpoint(tmp_path) / "trainer_state.pt", weights_only=True))
    assert {"optimizer", "streams", "step", "rng"} <= saved


def test_resume_restores_weights_and_every_generator(tmp_path):
    m = _module()
    random.seed(1), np.random.seed(2), torch.manual_seed(3)
    folder = save_checkpoint(tmp_path, 1, m, None, {"streams": {}})
    expected = (random.random(), np.random.rand(), torch.rand(1).item())
    other = _module()
    with torch.no_grad():
        other.weight.zero_()
    state = load_checkpoint(folder, other)
    assert state["step"] == 1 and torch.equal(other.weight, m.weight)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == expected


def test_a_trainer_state_holding_code_is_refused(tmp_path):
    folder = save_checkpoint(tmp_path, 1, _module(), None, {"streams": {}})

    class Payload:
        def __reduce__(self):
            return (print, ("executed",))

    torch.save({"step": 1, "rng": None, "evil": Payload()}, folder / "trainer_state.pt", pickle_module=pickle)
    with pytest.raises(UserError, match="delete .*step-000001"):
        load_checkpoint(folder, _module())
