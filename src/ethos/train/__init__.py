"""ethos.train: GRPO with a trait dose (native, CPU-fast; or TRL for GPUs), the registered arms, chat
SFT, deliberative alignment, and resumable checkpoints that are plain Hugging Face folders.

Its names load on first use (``from ethos.train import RLConfig`` imports that module only), so light users —
the command line listing the arms, a recipe check — do not pay for torch.
"""

from __future__ import annotations

from importlib import import_module

_HOMES = {
    "ARMS": "ethos.train.arms",
    "Arm": "ethos.train.arms",
    "BACKENDS": "ethos.train.rl_config",
    "DataSettings": "ethos.train.rl_config",
    "DeliberativeConfig": "ethos.train.deliberative",
    "DoseMixer": "ethos.train.dose",
    "LoraSettings": "ethos.train.rl_config",
    "NativeGRPO": "ethos.train.grpo",
    "RLConfig": "ethos.train.rl_config",
    "RewardSettings": "ethos.train.rl_config",
    "SFTConfig": "ethos.train.sft_config",
    "Totals": "ethos.train.grpo",
    "TrainResult": "ethos.train.grpo",
    "build_graders": "ethos.train.arm_training",
    "export_hf": "ethos.train.checkpoint",
    "export_hf_atomic": "ethos.train.checkpoint",
    "filter_stage": "ethos.train.deliberative",
    "generate_stage": "ethos.train.deliberative",
    "group_advantages": "ethos.train.objective",
    "k3_kl": "ethos.train.objective",
    "latest_checkpoint": "ethos.train.checkpoint",
    "merged_state_dict": "ethos.train.checkpoint",
    "policy_loss": "ethos.train.objective",
    "read_conversations": "ethos.train.sft",
    "rl_stage": "ethos.train.deliberative",
    "sft": "ethos.train.sft",
    "sft_stage": "ethos.train.deliberative",
    "train_arm": "ethos.train.arm_training",
    "trait_count": "ethos.train.dose",
    "trait_total": "ethos.train.dose",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'ethos.train' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
