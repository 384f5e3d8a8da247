"""ethos.train: GRPO with a trait dose (native, CPU-fast; or TRL for GPUs), arms, chat SFT,
deliberative alignment, and resumable checkpoints that are plain Hugging Face folders."""

from ethos.train.arms import build_graders, train_arm
from ethos.train.checkpoint import export_hf, export_hf_atomic, latest_checkpoint, merged_state_dict
from ethos.train.dose import ArmPlan, DoseMixer, arm_plan, trait_count, trait_total
from ethos.train.grpo import GRPOTrainer, Totals, TrainResult
from ethos.train.grpo_config import ARMS, BACKENDS, DataSettings, GRPOConfig, LoraSettings, RewardSettings, load_grpo_config, read_recipe
from ethos.train.objective import group_advantages, k3_kl, policy_loss
from ethos.train.rewards import RewardError, RewardRouter
from ethos.train.sft import read_conversations, sft
from ethos.train.sft_config import SFTConfig, load_sft_config

__all__ = [
    "ARMS",
    "BACKENDS",
    "ArmPlan",
    "DataSettings",
    "DoseMixer",
    "GRPOConfig",
    "GRPOTrainer",
    "LoraSettings",
    "RewardError",
    "RewardRouter",
    "RewardSettings",
    "SFTConfig",
    "Totals",
    "TrainResult",
    "arm_plan",
    "build_graders",
    "export_hf",
    "export_hf_atomic",
    "group_advantages",
    "k3_kl",
    "latest_checkpoint",
    "load_grpo_config",
    "load_sft_config",
    "merged_state_dict",
    "policy_loss",
    "read_conversations",
    "read_recipe",
    "sft",
    "train_arm",
    "trait_count",
    "trait_total",
]
