"""Chat formatting: the model's own template, always.

If a tokenizer ships no chat template we fall back to ChatML (what SmolLM2, Qwen and many small
instruct models use) and say so once, rather than feeding raw text that the model never saw.
"""

from __future__ import annotations

import logging

from ethos.models.types import Conversation

log = logging.getLogger(__name__)

CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + "
    "'\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


class ChatEncoder:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        if not getattr(tokenizer, "chat_template", None):
            log.warning("tokenizer has no chat template; using ChatML")
            tokenizer.chat_template = CHATML
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        ids = {tokenizer.eos_token_id}
        vocab = tokenizer.get_vocab()  # builds a 49k-entry dict each call (33 ms): once, not per token
        for tok in ("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|endoftext|>"):
            tid = tokenizer.convert_tokens_to_ids(tok) if tok in vocab else None
            if tid is not None and tid != tokenizer.unk_token_id:
                ids.add(tid)
        self.stop_token_ids = sorted(i for i in ids if i is not None)

    def encode(self, conversation: Conversation, *, add_generation_prompt: bool = True) -> list[int]:
        ids = self.tokenizer.apply_chat_template(
            list(conversation), add_generation_prompt=add_generation_prompt, tokenize=True, return_dict=False
        )
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        return list(ids)

    def encode_reply(self, conversation: Conversation, reply: str) -> tuple[list[int], list[int]]:
        """(prompt ids, reply ids) where the reply ids end with the end-of-turn token."""
        prompt = self.encode(conversation)
        full = self.encode(list(conversation) + [{"role": "assistant", "content": reply}], add_generation_prompt=False)
        if full[: len(prompt)] != prompt:
            # Templates that re-render earlier turns differently: score the reply tokens alone.
            cont = self.tokenizer.encode(reply, add_special_tokens=False) + [self.stop_token_ids[0]]
            return prompt, cont
        cont = full[len(prompt) :]
        stops = set(self.stop_token_ids)
        cut = next((i + 1 for i, t in enumerate(cont) if t in stops), len(cont))
        return prompt, cont[:cut]

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids, skip_special_tokens=True)
