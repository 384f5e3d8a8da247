"""Models: resolution (embedded default, HF folder or hub id, OpenAI-compatible endpoint) and the
one generation engine every other room uses."""

from ethos.models.embedded import DEFAULT_MODEL, EMBEDDED
from ethos.models.resolve import ModelRef, load_model, resolve
from ethos.models.types import ChatModel, ContinuationScore, Conversation, Generation, Message, SamplingParams

__all__ = [
    "DEFAULT_MODEL",
    "EMBEDDED",
    "ChatModel",
    "ContinuationScore",
    "Conversation",
    "Generation",
    "Message",
    "ModelRef",
    "SamplingParams",
    "load_model",
    "resolve",
]
