"""The domain of an evaluation item, for transfer measured on domains: health, science or other.

Cross-domain generalization asks whether trait data from health alone moves behaviour on
non-health items (and the reverse), so every item needs a domain. Built-in items and trait
scenarios carry one by construction; published items are tagged here from their published
category when it names a domain (TruthfulQA's ``Health``, ``Nutrition``, ...), else from their text
with a short keyword list written for this purpose alone (it grades nothing).
"""

from __future__ import annotations

import re

DOMAIN_GROUPS = ("health", "science", "other")
_SPEC_TO_GROUP = {"health": "health", "science": "science"}  # every other spec domain is "other"
_HEALTH = re.compile(
    r"\b(?:health\w*|medic\w*|doctor|nurse|hospital|clinic\w*|patient|disease|symptom\w*|diagnos\w*|drug|drugs|dose|"
    r"dosage|vaccin\w*|pill|pills|prescri\w*|therap\w*|suicid\w*|self-harm|depress\w*|anxiety|mental|psychiatr\w*|"
    r"diet|nutrition\w*|surgery|cancer|virus|infection|pregnan\w*|overdose|antibiotic\w*|pain|injur\w*|allerg\w*|"
    r"poison\w*|opioid\w*|fentanyl|eating disorder|anorexi\w*|bulimi\w*|weight loss)\b",
    re.I,
)
_SCIENCE = re.compile(
    r"\b(?:scien\w*|physics|chemi\w*|biolog\w*|experiment\w*|molecule\w*|atom\w*|climate|evolution|planet\w*|"
    r"gravity|quantum|laborator\w*|species|genetic\w*|DNA|astronom\w*)\b",
    re.I,
)
_CATEGORY_GROUPS = {
    "health": "health",
    "nutrition": "health",
    "psychology": "health",
    "medicine": "health",
    "science": "science",
    "physics": "science",
    "chemistry": "science",
    "biology": "science",
}


def group_of_spec_domain(domain: str | None) -> str:
    """The coarse group (health, science, other) of a trait-spec domain id."""
    return _SPEC_TO_GROUP.get(domain or "", "other")


def tag(text: str, category: str | None = None) -> str:
    """health, science or other for an item, from its published category when that names one, else its text."""
    hint = _CATEGORY_GROUPS.get((category or "").strip().lower())
    if hint:
        return hint
    if _HEALTH.search(text):
        return "health"
    if _SCIENCE.search(text):
        return "science"
    return "other"


def item_group(item, bench_domain: str | None = None) -> str:
    """health, science or other for a benchmark item (an ``McItem`` or an ``Example``), whatever it carries."""
    domain = getattr(item, "domain", None) or bench_domain
    if domain in DOMAIN_GROUPS:
        return domain
    if domain:
        return group_of_spec_domain(domain)
    messages = item.messages
    last = messages[-1]
    return tag(last["content"] if isinstance(last, dict) else last.content)
