"""The safety policy as deliberative alignment uses it.

For a prompt of category c the model sees ``spec_for(c)``: the one-line summaries of every
category, the style rules for refusals and safe completions, and the full text of c. The policy
is a Markdown file so that people can read and edit it; this module splits it into sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ethos.errors import UserError, where

BUILTIN_POLICY = Path(__file__).with_name("safety_policy.md")
_HEADING = re.compile(r"^## (category|style): *([a-z_]+) *$")
_LISTS = ("Allowed:", "Disallowed:", "Needs safe completion:")


@dataclass(frozen=True)
class PolicySection:
    id: str
    summary: str
    text: str


@dataclass(frozen=True)
class SafetyPolicy:
    categories: dict[str, PolicySection]
    styles: dict[str, PolicySection]

    def policy_for(self, category: str) -> str:
        """The full text of one category."""
        if category not in self.categories:
            raise UserError(f"unknown policy category '{category}'; valid: {', '.join(self.categories)}.")
        return self.categories[category].text

    def spec_for(self, category: str) -> str:
        """Summaries of all categories + style rules + the full text of ``category``."""
        summaries = "\n".join(f"- {c.id}: {c.summary}" for c in self.categories.values())
        styles = "\n\n".join(s.text for s in self.styles.values())
        return f"# Safety policy summaries\n{summaries}\n\n{styles}\n\n{self.policy_for(category)}"


def parse_policy(text: str, source: str = "<policy>") -> SafetyPolicy:
    """Split the Markdown into sections; each category needs a summary and all three lists."""
    sections: list[tuple[str, str, int, list[str]]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _HEADING.match(line)
        if m:
            sections.append((m.group(1), m.group(2), lineno, [line]))
        elif line.startswith("## "):
            raise UserError(
                f"{where(source, lineno)}: section heading must be '## category: <id>' or '## style: <id>'."
            )
        elif sections:
            sections[-1][3].append(line)
    categories: dict[str, PolicySection] = {}
    styles: dict[str, PolicySection] = {}
    for kind, sid, lineno, lines in sections:
        body = "\n".join(lines).strip()
        target = categories if kind == "category" else styles
        if sid in target:
            raise UserError(f"{where(source, lineno)}: {kind} '{sid}' is defined twice; keep one.")
        summary = ""
        if kind == "category":
            summary = next((ln.removeprefix("Summary:").strip() for ln in lines if ln.startswith("Summary:")), "")
            if not summary:
                raise UserError(f"{where(source, lineno, 'Summary')}: category '{sid}' needs a 'Summary:' line.")
            missing = [h for h in _LISTS if h not in lines]
            if missing:
                raise UserError(f"{where(source, lineno, missing[0])}: category '{sid}' needs a '{missing[0]}' list.")
        target[sid] = PolicySection(sid, summary, body)
    if not categories:
        raise UserError(f"{source}: no '## category: <id>' sections found.")
    return SafetyPolicy(categories, styles)


@lru_cache(maxsize=1)
def _builtin() -> SafetyPolicy:
    return parse_policy(BUILTIN_POLICY.read_text(encoding="utf-8"), str(BUILTIN_POLICY))


def load_policy(path: str | Path | None = None) -> SafetyPolicy:
    """The built-in safety policy, or a user's Markdown file of the same shape."""
    if path is None:
        return _builtin()
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} does not exist; check the path.")
    return parse_policy(path.read_text(encoding="utf-8"), str(path))


def policy_categories() -> tuple[str, ...]:
    return tuple(_builtin().categories)


def policy_for(category: str) -> str:
    """Full text of one category of the built-in policy."""
    return _builtin().policy_for(category)


def spec_for(category: str) -> str:
    """What deliberative alignment puts in context for a prompt of ``category``."""
    return _builtin().spec_for(category)
