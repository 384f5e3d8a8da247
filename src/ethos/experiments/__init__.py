"""The study: arms, cross-domain generalization, selective persistence, and the report.

``Study(config).execute()`` is what ``ethos run`` calls. The pieces are usable alone: personas,
harmful fine-tuning data and jailbreak transformations are plain data and pure functions.
"""

from ethos.experiments.harmful_data import harmful_medical_conversations
from ethos.experiments.jailbreaks import TECHNIQUES, goodness_per_prompt, jailbreak_conversation, worst_fraction
from ethos.experiments.rundir import RunDir, config_hash
from ethos.experiments.study import Study
from ethos.experiments.study_config import StudyConfig, parse_study

__all__ = [
    "TECHNIQUES",
    "RunDir",
    "Study",
    "StudyConfig",
    "config_hash",
    "goodness_per_prompt",
    "harmful_medical_conversations",
    "jailbreak_conversation",
    "parse_study",
    "worst_fraction",
]
