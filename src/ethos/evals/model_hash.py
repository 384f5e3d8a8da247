"""A content hash of a model, so cached eval results are keyed by the weights, not by a name.

Two checkpoints with the same name but different weights must never share cached results, and the
same weights loaded from two folders should. For an in-process model we hash every parameter and
buffer (LoRA adapters included, since they are in the state dict) plus the chat template; hashing
135M parameters takes well under a second. A remote endpoint exposes no weights, so its hash is its
name and URL — stated in the run summary as ``hash_basis``.
"""

from __future__ import annotations

import hashlib

import torch


def model_hash(model) -> tuple[str, str]:
    """Return ``(hash, basis)`` where basis is ``"weights"`` or ``"name"``."""
    hf = getattr(model, "model", None)
    if hf is None or not hasattr(hf, "state_dict"):
        h = hashlib.sha256(f"{type(model).__name__}|{model.name}|{getattr(model, 'base_url', '')}".encode())
        return h.hexdigest()[:16], "name"
    h = hashlib.blake2b(digest_size=16)
    with torch.no_grad():
        for key, tensor in sorted(hf.state_dict().items()):
            h.update(key.encode())
            h.update(str(tensor.dtype).encode())
            h.update(tensor.detach().contiguous().view(-1).view(torch.uint8).cpu().numpy().tobytes())
    template = getattr(getattr(model, "tokenizer", None), "chat_template", None) or ""
    h.update(str(template).encode())
    return h.hexdigest()[:16], "weights"
