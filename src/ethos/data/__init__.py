"""ethos.data: the one example schema, trait scenarios (procedural and LLM-written), standard RL
tasks, domain splits and JSONL io."""

from ethos.data.build import build_dataset, build_splits, counts_by_cell
from ethos.data.data_config import DataConfig, load_data_config
from ethos.data.dedup import NearDuplicateFilter, load_embedder
from ethos.data.io import load_examples, save_examples
from ethos.data.llm_generator import GenerationReport, Request, generate_scenarios, parse_scenario, plan_requests
from ethos.data.procedural import build_scenarios, cell_scenarios, iter_all_scenarios
from ethos.data.schema import (
    CHECK_KINDS,
    DOMAINS,
    PRESSURES,
    TRAITS,
    Check,
    Example,
    Message,
    RubricLine,
)
from ethos.data.skeletons import SKELETONS, Skeleton
from ethos.data.splits import Splits, content_domains, split_by_domain
from ethos.data.standard import TASKS, standard_tasks

__all__ = [
    "CHECK_KINDS",
    "DOMAINS",
    "PRESSURES",
    "SKELETONS",
    "TASKS",
    "TRAITS",
    "Check",
    "DataConfig",
    "Example",
    "GenerationReport",
    "Message",
    "NearDuplicateFilter",
    "Request",
    "RubricLine",
    "Skeleton",
    "Splits",
    "build_dataset",
    "build_scenarios",
    "build_splits",
    "cell_scenarios",
    "content_domains",
    "counts_by_cell",
    "generate_scenarios",
    "iter_all_scenarios",
    "load_data_config",
    "load_embedder",
    "load_examples",
    "parse_scenario",
    "plan_requests",
    "save_examples",
    "split_by_domain",
    "standard_tasks",
]
