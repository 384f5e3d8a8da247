"""Stop strings: cut a decoded reply at the first stop string and report where to cut its tokens."""

from __future__ import annotations

from typing import Sequence


def find_stop(text: str, stops: Sequence[str]) -> int:
    """Index of the earliest stop string in ``text``, or -1."""
    hits = [i for i in (text.find(s) for s in stops if s) if i >= 0]
    return min(hits) if hits else -1


def truncate_at_stop(ids: list[int], decode, stops: Sequence[str]) -> tuple[str, list[int], bool]:
    """Return (text before the stop, the token prefix that produced the stop, stopped?).

    Tokens are kept up to and including the one that completed the stop string, so the log-probs of
    everything the policy actually chose stay aligned with the ids.
    """
    text = decode(ids)
    cut = find_stop(text, stops)
    if cut < 0:
        return text, ids, False
    for n in range(1, len(ids) + 1):
        if find_stop(decode(ids[:n]), stops) >= 0:
            return text[:cut], ids[:n], True
    return text[:cut], ids, True
