"""Settings for chat SFT (``train.sft:`` in a recipe, or built in code by the persistence study)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ethos.models import DEFAULT_MODEL
from ethos.recipe import Section
from ethos.train.rl_config import LoraSettings


class SFTConfig(Section):
    model: str = DEFAULT_MODEL
    dtype: Literal["auto", "bf16", "fp32"] = "auto"  # auto: the fastest correct dtype on this machine
    seed: int = 0
    epochs: int = Field(default=1, ge=1)
    steps: int | None = Field(default=None, ge=1)  # overrides epochs when set
    batch_size: int = Field(default=8, ge=1)
    lr: float = Field(default=2e-4, gt=0)
    lr_schedule: Literal["cosine", "constant"] = "cosine"
    warmup_steps: int = Field(default=0, ge=0)
    weight_decay: float = Field(default=0.0, ge=0)
    max_grad_norm: float | None = 1.0
    max_length: int = Field(default=512, ge=8)
    lora: LoraSettings | None = Field(default_factory=LoraSettings)


class DPOSettings(SFTConfig):
    """Preference tuning on (chosen, rejected) replies to the same prompt: the SFT settings plus DPO's own."""

    beta: float = Field(default=0.1, gt=0)  # strength of the pull away from the reference (Rafailov et al. 2023)
    nll_coef: float = Field(default=0.1, ge=0)  # plus this much NLL on the chosen reply (as Open Character Training)
