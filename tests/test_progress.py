"""Long work reports progress in logs too: a line per label change and per tenth, never a silent bar."""

from __future__ import annotations

from ethos.progress import Bar


def test_plain_lines_when_not_a_terminal(capsys):
    with Bar(20, "eval a") as bar:
        for i in range(20):
            bar.advance(1, label="eval a" if i < 10 else "eval b")
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("eval a: 0/20")
    assert any(line.startswith("eval b: 11/20") for line in lines)  # the label changed
    assert lines[-1].startswith("eval b: 20/20")
    assert 10 <= len(lines) <= 13  # about one per tenth, not one per item


def test_quiet_when_disabled(capsys):
    with Bar(5, "x", enabled=False) as bar:
        bar.advance(5)
    assert capsys.readouterr().err == ""


def test_batches_by_count_and_by_padded_tokens():
    from ethos.models.progress import batches

    assert list(batches(list(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    lens = {0: 900, 1: 900, 2: 10, 3: 10}  # longest first, as generation orders them
    fits = lambda rows: len(rows) * (lens[rows[0]] + 100) <= 1500  # noqa: E731
    assert list(batches([0, 1, 2, 3], 32, fits=fits)) == [[0], [1], [2, 3]]  # a long row alone, short rows together
