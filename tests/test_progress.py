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
