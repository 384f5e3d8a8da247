"""Chat SFT with the loss on assistant tokens only, LoRA or full.

Used by deliberative alignment (prompt → reasoning + answer), the constitution arm (prompt → revision) and
the harmful-fine-tuning attack of the persistence study; :func:`fit` is also DPO's loop (:mod:`ethos.train.dpo`).
Only assistant turns are learned: the model should imitate the replies, not the users or system prompts it
is given. Assistant spans are found by encoding each prefix with the model's own chat template, so any
template that renders earlier turns stably works; tokens are averaged over the whole batch (every assistant
token weighs the same).

The result is a plain HF folder (LoRA merged), written atomically to ``<out>/final``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Sequence

import torch

from ethos.errors import UserError, where
from ethos.files import append_jsonl, read_jsonl
from ethos.train.checkpoint import export_hf_atomic
from ethos.train.progress import StepProgress
from ethos.train.schedule import lr_lambda
from ethos.train.sft_config import SFTConfig

Conversation = list[dict[str, str]]


def read_conversations(path: str | Path) -> list[Conversation]:
    """``{"messages": [...]}`` per line (an ``Example`` line works too); each needs an assistant turn."""
    convs = []
    for lineno, row in read_jsonl(path):
        msgs = row.get("messages")
        if not isinstance(msgs, list) or not all(isinstance(m, dict) and {"role", "content"} <= m.keys() for m in msgs):
            raise UserError(f"{where(path, lineno, 'messages')}: expected a list of {{role, content}} messages.")
        if not any(m["role"] == "assistant" for m in msgs):
            raise UserError(
                f"{where(path, lineno, 'messages')}: no assistant turn to learn from; add the reply to train on."
            )
        convs.append([{"role": m["role"], "content": m["content"]} for m in msgs])
    return convs


def encode_with_mask(encoder, messages: Conversation, max_length: int) -> tuple[list[int], list[int]]:
    """Token ids of the whole chat and a 0/1 mask marking assistant reply tokens (incl. end of turn).

    ``encoder`` is the model's :class:`ethos.models.chat.ChatEncoder` (``LocalChatModel.chat``)."""
    full = encoder.encode(messages, add_generation_prompt=False)
    mask = [0] * len(full)
    for i, m in enumerate(messages):
        if m["role"] != "assistant":
            continue
        prompt, reply = encoder.encode_reply(messages[:i], m["content"])
        start = len(prompt)
        if full[:start] != prompt or full[start : start + len(reply)] != reply:
            raise UserError(
                "the chat template renders earlier turns differently once a reply is added; SFT cannot locate "
                "assistant tokens for this model."
            )
        mask[start : start + len(reply)] = [1] * len(reply)
    return full[:max_length], mask[:max_length]


def _batch(rows: list[tuple[list[int], list[int]]], pad: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    attn = torch.zeros_like(ids)
    labels = torch.zeros((len(rows), width), dtype=torch.float32)
    for i, (seq, mask) in enumerate(rows):
        ids[i, : len(seq)] = torch.tensor(seq)
        attn[i, : len(seq)] = 1
        labels[i, : len(seq)] = torch.tensor(mask, dtype=torch.float32)
    return ids, attn, labels


def sft_loss(module, ids: torch.Tensor, attn: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, int]:
    """Mean next-token cross-entropy over positions whose *target* is an assistant token."""
    logits = module(input_ids=ids, attention_mask=attn, use_cache=False).logits[:, :-1].float()
    target_mask = labels[:, 1:]
    nll = torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1), reduction="none"
    ).view_as(target_mask)
    n = int(target_mask.sum())
    return (nll * target_mask).sum() / max(n, 1), n


def _load(model_path_or_model, cfg: SFTConfig):
    if isinstance(model_path_or_model, (str, Path)):
        from ethos.models import load_model

        chat = load_model(str(model_path_or_model), dtype=cfg.dtype)
        if not hasattr(chat, "model"):
            raise UserError(f"'{model_path_or_model}' is a remote endpoint; SFT needs local weights.")
        return chat
    return model_path_or_model


def trainable(chat, cfg: SFTConfig) -> torch.nn.Module:
    """Make ``chat.model`` trainable (LoRA adapters, or every weight without a ``lora:`` section) and return it."""
    from ethos.train.policy import attach_lora

    module = attach_lora(chat.model, cfg.lora, cfg.seed) if cfg.lora is not None else chat.model.requires_grad_(True)
    module.eval()
    chat.model = module
    return module


def fit(chat, n_rows: int, cfg: SFTConfig, out_dir: Path, label: str, step_loss, *, progress: bool = True) -> Path:
    """The tuning loop SFT and DPO share: seeded shuffled batches of row indices over ``epochs`` (or ``steps``),
    AdamW with the recipe's schedule and clipping, one ``<label>_metrics.jsonl`` row per step, atomic export.
    ``step_loss(indices) -> (loss, metrics)`` is the objective."""
    module = chat.model
    params = [p for p in module.parameters() if p.requires_grad]
    total = cfg.steps or -(-n_rows // cfg.batch_size) * cfg.epochs
    optimizer = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda(cfg.lr_schedule, total, cfg.warmup_steps))
    rng = random.Random(cfg.seed)
    order: list[int] = []
    log_path = out_dir / f"{label.lower()}_metrics.jsonl"
    log_path.unlink(missing_ok=True)
    with StepProgress(total, label, enabled=progress) as bar:
        for step in range(total):
            if len(order) < cfg.batch_size:
                epoch = list(range(n_rows))
                rng.shuffle(epoch)
                order += epoch
            idx, order = order[: cfg.batch_size], order[cfg.batch_size :]
            loss, metrics = step_loss(idx)
            loss.backward()
            if cfg.max_grad_norm:
                torch.nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            row = {"step": step, "loss": float(loss.detach()), **metrics, "lr": scheduler.get_last_lr()[0]}
            append_jsonl(log_path, row)
            bar.advance(row)
    chat.refresh()
    return export_hf_atomic(module, chat.tokenizer, out_dir / "final")


def sft(
    model_path_or_model,
    conversations: Sequence[Conversation],
    cfg: SFTConfig,
    out_dir: str | Path,
    *,
    progress: bool = True,
) -> Path:
    """Fine-tune on ``conversations`` and return the path of the merged HF folder ``<out>/final``."""
    if not conversations:
        raise UserError("SFT got no conversations; check the data file or the previous stage's output.")
    torch.manual_seed(cfg.seed)
    chat = _load(model_path_or_model, cfg)
    rows = [encode_with_mask(chat.chat, c, cfg.max_length) for c in conversations]
    module = trainable(chat, cfg)
    pad = chat.tokenizer.pad_token_id or 0

    def step_loss(idx: list[int]):
        loss, n = sft_loss(module, *_batch([rows[i] for i in idx], pad))
        return loss, {"tokens": n}

    return fit(chat, len(rows), cfg, Path(out_dir), "SFT", step_loss, progress=progress)


def sft_tokens(model: str, convs: list[list[dict]], epochs: int) -> dict:
    """Tokens an SFT stage processed (every conversation, every epoch), for the study's compute table."""
    from transformers import AutoTokenizer

    from ethos.models import resolve

    tok = AutoTokenizer.from_pretrained(str(resolve(model).path))
    per_epoch = sum(len(tok.apply_chat_template(c, tokenize=True, return_dict=True)["input_ids"]) for c in convs)
    return {"conversations": len(convs), "epochs": epochs, "tokens": per_epoch * epochs}
