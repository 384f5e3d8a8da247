"""Progress display for batched model work (a bar on a terminal, lines in a log), quiet when not asked for."""

from __future__ import annotations

from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")


def batches(
    items: Sequence[T],
    size: int,
    *,
    progress: bool = False,
    label: str = "",
    fits: Callable[[list[T]], bool] | None = None,
) -> Iterator[list[T]]:
    """Yield ``items`` in order, in chunks of at most ``size`` (and, with ``fits``, only chunks it accepts; a
    single item always forms a chunk), with progress counting items when asked."""
    chunks: list[list[T]] = []
    for item in items:
        if chunks and len(chunks[-1]) < size and (fits is None or fits([*chunks[-1], item])):
            chunks[-1].append(item)
        else:
            chunks.append([item])
    if not progress:
        yield from chunks
        return
    from ethos.progress import Bar

    with Bar(len(items), label, transient=True) as bar:
        for chunk in chunks:
            yield chunk
            bar.advance(len(chunk))
