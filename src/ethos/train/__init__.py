"""ethos.train: GRPO with a trait dose (native, CPU-fast; or TRL for GPUs), arms, chat SFT,
deliberative alignment, and resumable checkpoints that are plain Hugging Face folders."""

from ethos.train.arms import build_graders, train_arm
from ethos.train.deliberative import DeliberativeConfig, filter_stage, generate_stage, load_deliberative_config, rl_stage, sft_stage
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
    "DeliberativeConfig",
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
    "filter_stage",
    "generate_stage",
    "export_hf_atomic",
    "group_advantages",
    "k3_kl",
    "latest_checkpoint",
    "load_deliberative_config",
    "load_grpo_config",
    "load_sft_config",
    "merged_state_dict",
    "policy_loss",
    "read_conversations",
    "read_recipe",
    "rl_stage",
    "sft",
    "sft_stage",
    "train_arm",
    "trait_count",
    "trait_total",
]
