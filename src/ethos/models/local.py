"""A local Hugging Face causal LM as a :class:`ChatModel`.

Generation goes through :mod:`ethos.models.engine` (a batched decode loop with a preallocated KV
cache) for Llama-family models, and through ``transformers``' ``generate`` for anything else.
The wrapped ``model`` may be a PEFT model that a trainer is updating: call :meth:`refresh` after
the weights change so the engine re-reads them (LoRA merged on the fly, base weights untouched).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Sequence

import torch

from ethos.models.chat import ChatEncoder
from ethos.models.dtypes import parse_dtype
from ethos.models.hardware import tune_allocator
from ethos.models.progress import batches
from ethos.models.types import ContinuationScore, Conversation, Generation, SamplingParams

log = logging.getLogger(__name__)


def check_weights(folder: Path) -> None:
    """Refuse, in one sentence, a folder whose weights are missing, pickled or unreadable, before a slow load.

    Only safetensors are loaded: a pickled ``pytorch_model.bin`` can run code when it is read."""
    from ethos.errors import UserError

    if not folder.is_dir():
        raise UserError(
            f"{folder} is not a folder; --model takes a model name, a Hugging Face folder or openai:<model>."
        )
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        pickled = sorted(p.name for p in folder.glob("*.bin")) + sorted(p.name for p in folder.glob("*.pt"))
        if pickled:
            raise UserError(
                f"{folder} holds only pickled weights ({', '.join(pickled)}); ethos loads safetensors only, "
                "because unpickling can run code. Convert it once with save_pretrained(..., "
                "safe_serialization=True) in a session you trust."
            )
        raise UserError(f"{folder} has no *.safetensors weights; point --model at a Hugging Face model folder.")
    from safetensors import safe_open

    for f in files:
        try:
            with safe_open(str(f), framework="pt") as st:
                keys = list(st.keys())
                if keys:
                    st.get_slice(keys[-1])  # the header's offsets are checked against the file's length
        except Exception as e:  # noqa: BLE001 - safetensors raises its own error types
            raise UserError(
                f"{f} cannot be read ({str(e).strip() or type(e).__name__}): the file is truncated or "
                "corrupted; copy or export the model folder again."
            ) from None


# Rows x (longest prompt + longest budget) per generation batch: 32 rows of 1,024 tokens, ~1.5 GB of fp32 KV cache for
# the embedded model. Short prompts batch 32 at a time as before; long ones (HarmBench's contextual behaviours, base64
# jailbreaks) in fewer rows, so memory stays bounded (without it a jailbreak stage peaked at 17 GB).
TOKENS_PER_BATCH = 32 * 1024


class LocalChatModel:
    """Chat generation and reply scoring over an in-process HF model."""

    def __init__(self, model, tokenizer, *, name: str = "local", batch_size: int = 32, score_batch_size: int = 16):
        tune_allocator()
        self.model = model
        self.tokenizer = tokenizer
        self.name = name
        self.batch_size = batch_size
        self.score_batch_size = score_batch_size
        self.chat = ChatEncoder(tokenizer)
        self._engine = None
        self._stale: str | None = "all"  # what changed since the engine read the weights: "all", "trainable", None

    @classmethod
    def from_folder(cls, path: str | Path, *, dtype: str | torch.dtype = "auto", name: str | None = None, **kw):
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        check_weights(Path(path))
        tokenizer = AutoTokenizer.from_pretrained(path)
        hf_logging.disable_progress_bar()
        try:
            model = AutoModelForCausalLM.from_pretrained(path, dtype=parse_dtype(dtype), use_safetensors=True)
        finally:
            hf_logging.enable_progress_bar()
        model.eval()
        return cls(model, tokenizer, name=name or Path(path).name, **kw)

    @property
    def dtype(self) -> torch.dtype:
        return next(self.model.parameters()).dtype

    def refresh(self, *, trainable_only: bool = False) -> None:
        """Mark the engine's weight copy stale (call after the weights change). ``trainable_only=True``
        promises that only parameters with ``requires_grad`` changed since the engine last read them (an
        optimizer step): the matrices built from frozen parameters alone are then kept as laid out."""
        if not trainable_only:
            self._stale = "all"
        elif self._stale is None:
            self._stale = "trainable"

    def encode(self, conversation: Conversation, *, add_generation_prompt: bool = True) -> list[int]:
        return self.chat.encode(conversation, add_generation_prompt=add_generation_prompt)

    def engine(self):
        from ethos.models.engine import FastEngine, supports

        if not supports(self.model):
            return None
        if self._engine is None:
            self._engine = FastEngine(self.model, self.tokenizer, stop_token_ids=self.chat.stop_token_ids)
        elif self._stale is not None:
            self._engine.load_weights(self.model, keep_frozen=self._stale == "trainable")
        self._stale = None
        return self._engine

    @torch.inference_mode()
    def generate(
        self,
        conversations: Sequence[Conversation],
        params: SamplingParams,
        *,
        progress: bool = False,
        limits: Sequence[int] | None = None,
        on_token: Callable[[int, int], None] | None = None,
    ) -> list[Generation]:
        """Replies to every conversation; ``limits`` optionally gives each its own ``max_new_tokens``, and
        ``on_token(conversation_index, token_id)`` sees each token as it is sampled (the engine path; with
        ``transformers`` it is called for every token once a batch is done)."""
        return self.generate_ids(
            [self.encode(c) for c in conversations], params, progress=progress, limits=limits, on_token=on_token
        )

    @torch.inference_mode()
    def complete(self, prompts: Sequence[str], params: SamplingParams, **kw) -> list[Generation]:
        """Continue raw text prompts (no chat template): the ``/v1/completions`` route."""
        return self.generate_ids(
            [self.tokenizer(p, add_special_tokens=False)["input_ids"] for p in prompts], params, **kw
        )

    @torch.inference_mode()
    def generate_ids(
        self,
        prompts: Sequence[list[int]],
        params: SamplingParams,
        *,
        progress: bool = False,
        limits: Sequence[int] | None = None,
        on_token: Callable[[int, int], None] | None = None,
    ) -> list[Generation]:
        prompts = [list(p) for p in prompts]
        limits = list(limits) if limits is not None else [params.max_new_tokens] * len(prompts)
        if len(limits) != len(prompts):
            raise ValueError(f"{len(prompts)} conversations but {len(limits)} limits")
        engine = self.engine()
        if engine is None:
            from dataclasses import replace

            from ethos.models.hf_generate import hf_generate

            def run(ids, lim, seed, idx):  # transformers decodes one budget per call: one call per distinct budget
                out = [None] * len(ids)
                for budget in sorted(set(lim)):
                    pick = [j for j, x in enumerate(lim) if x == budget]
                    gens = hf_generate(
                        self.model,
                        self.tokenizer,
                        [ids[j] for j in pick],
                        replace(params, max_new_tokens=budget),
                        seed,
                        self.chat.stop_token_ids,
                    )
                    for j, g in zip(pick, gens):
                        out[j] = g
                return out
        else:

            def run(ids, lim, seed, idx):
                tell = (
                    None if on_token is None else lambda rows, toks: [on_token(idx[r], t) for r, t in zip(rows, toks)]
                )
                return engine.generate(ids, params, seed=seed, limits=lim, on_token=tell)

        out: list[Generation | None] = [None] * len(prompts)
        # Longest first so the first progress tick is the slowest and padding stays small.
        order = sorted(range(len(prompts)), key=lambda i: -len(prompts[i]))

        def fits(rows: list[int]) -> bool:  # padded tokens of the batch, which size its KV cache and prefill
            return len(rows) * (max(len(prompts[i]) for i in rows) + max(limits[i] for i in rows)) <= TOKENS_PER_BATCH

        label = f"generate [{self.name}]"
        for b, idx in enumerate(batches(order, self.batch_size, progress=progress, label=label, fits=fits)):
            seed = None if params.seed is None else params.seed + b
            for i, g in zip(idx, run([prompts[i] for i in idx], [limits[i] for i in idx], seed, idx)):
                out[i] = g
                if engine is None and on_token is not None:
                    for t in g.token_ids:
                        on_token(i, t)
        return out  # type: ignore[return-value]

    @torch.inference_mode()
    def score(
        self, conversations: Sequence[Conversation], replies: Sequence[str], *, progress: bool = False
    ) -> list[ContinuationScore]:
        """Log-likelihood of each reply after its conversation. Replies to the same conversation (the options
        of a multiple-choice item) are scored together, sharing one pass over the conversation."""
        if len(conversations) != len(replies):
            raise ValueError(f"{len(conversations)} conversations but {len(replies)} replies")
        pairs = [self.chat.encode_reply(c, r) for c, r in zip(conversations, replies)]
        groups: dict[tuple[int, ...], list[int]] = {}
        for i, (prompt, _) in enumerate(pairs):
            groups.setdefault(tuple(prompt), []).append(i)
        keys = sorted(groups, key=lambda k: -(len(k) + sum(len(pairs[i][1]) for i in groups[k])))
        engine = self.engine()
        out: list[ContinuationScore | None] = [None] * len(pairs)
        for chunk in batches(keys, self.score_batch_size, progress=progress, label=f"score [{self.name}]"):
            batch = [(list(k), [pairs[i][1] for i in groups[k]]) for k in chunk]
            if engine is not None:
                sums = engine.score(batch)
            else:
                from ethos.models.hf_generate import hf_score

                flat = hf_score(self.model, [(p, c) for p, cs in batch for c in cs], self.tokenizer.pad_token_id or 0)
                sums, k = [], 0
                for _, cs in batch:
                    sums.append(flat[k : k + len(cs)])
                    k += len(cs)
            for key, row in zip(chunk, sums):
                for i, lp in zip(groups[key], row):
                    out[i] = ContinuationScore(logprob=lp, n_tokens=len(pairs[i][1]))
        return out  # type: ignore[return-value]
