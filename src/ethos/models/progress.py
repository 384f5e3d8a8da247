"""Progress display for batched model work (a bar on a terminal, lines in a log), quiet when not asked for."""

from __future__ import annotations

from typing import Iterator, Sequence, TypeVar

T = TypeVar("T")


def batches(items: Sequence[T], size: int, *, progress: bool = False, label: str = "") -> Iterator[list[T]]:
    """Yield ``items`` in chunks of ``size``, with a rich progress bar counting items when asked."""
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    if not progress:
        yield from chunks
        return
    from ethos.progress import Bar

    with Bar(len(items), label, transient=True) as bar:
        for chunk in chunks:
            yield chunk
            bar.advance(len(chunk))
