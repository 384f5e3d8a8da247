"""Where training prompts come from.

``train.data.standard`` and ``train.data.trait`` are each either a JSONL file of examples or a
name: ``standard`` (the standard RL tasks) and ``trait`` (trait scenarios, split ``train.data.split``)
are built deterministically by :mod:`ethos.data` from the recipe's own ``data:`` section, so one
recipe file fully determines what every arm trains on. ``train.data.domains`` /
``exclude`` restrict trait scenarios by the domains their content is about (their domain and their
skeleton's topic; the cross-domain transfer arms): :class:`ethos.data.domain_select.DomainSelection`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ethos.data.schema import Example
from ethos.errors import UserError
from ethos.train.rl_config import DataSettings

NAMED = ("standard", "trait")


@lru_cache(maxsize=4)
def _built(recipe: str | None):
    from ethos.data import DataConfig, build_splits, load_data_config

    cfg = load_data_config(recipe) if recipe else DataConfig()
    splits, standard_train, _ = build_splits(cfg)
    return splits, standard_train


def load_stream(source: str, data: DataSettings, *, recipe: str | Path | None = None) -> list[Example]:
    """Examples of one prompt stream, filtered by domain and cut to ``data.limit``."""
    from ethos.data import load_examples

    if source in NAMED:
        splits, standard = _built(str(recipe) if recipe else None)
        if source == "standard":
            examples = standard
        else:
            if data.split not in ("train", "eval", "heldout"):
                raise UserError(f"train.data.split is '{data.split}'; use train, eval or heldout.")
            examples = getattr(splits, data.split)
    elif source.endswith(".jsonl") or Path(source).is_file():
        examples = load_examples(source)
    else:
        raise UserError(f"prompt source '{source}' is neither a .jsonl file nor one of: {', '.join(NAMED)}.")
    if data.selects:
        examples = [e for e in examples if data.keeps(e)]
    return list(examples[: data.limit] if data.limit else examples)
