"""Small HTML pieces every section of the report is built from: figures, numbers, tables."""

from __future__ import annotations

from html import escape


def figure(uri: str | None, alt: str) -> str:
    if uri is None:
        return f'<p class="missing">No data for: {escape(alt)}.</p>'
    return f'<figure><img class="plot" alt="{escape(alt)}" src="{uri}"></figure>'


def num(x: float | None, fmt: str = ".3f") -> str:
    return "—" if x is None or x != x else format(x, fmt)


def html_table(header: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>"
    body = "".join(
        f"<tr class='{(classes or [''] * len(rows))[i]}'>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for i, row in enumerate(rows)
    )
    return f"<table>{head}{body}</table>"


def kv_table(d: dict, fmt=str) -> str:
    return html_table(["", ""], [[escape(str(k)), escape(fmt(v))] for k, v in d.items()])
