"""The domain of an evaluation item, for transfer measured on domains: health, science or other.

Cross-domain generalization asks whether trait data from health alone moves behaviour on
non-health items (and the reverse), so every item needs a domain, taken from what its publisher says:

- **built-in items and trait scenarios** carry one by construction;
- **publisher categories**, where the publisher sorts items by topic: TruthfulQA's 38 categories
  (``Health``, ``Nutrition`` and ``Psychology`` are health, ``Science`` is science, the rest — Law,
  Economics, Misconceptions… — other), HarmBench's semantic categories (``chemical_biological`` is
  science), and benchmarks whose categories are not topics but whose topic is fixed — BBQ (social
  bias: other), StrongREJECT (harm types: other), Anthropic's advanced-AI-risk files (AI: other);
- **keywords, as a stated fallback**, only where the publisher's categories are not topics
  (XSTest's prompt types, CoCoNot's kinds of non-compliance): a short word list written for this
  purpose alone (it grades nothing). ``evals/README.md`` gives its accuracy on a hand-checked sample
  of 100 items (``evals/domain_check.csv``, ``tests/test_evals_domains.py``).
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
# Publishers whose items have a topic by their own categories: {publisher: {their category: group}}; every other
# category of theirs is "other" (the publisher did not file the item under health or science).
PUBLISHED = {
    "truthfulqa": {"health": "health", "nutrition": "health", "psychology": "health", "science": "science"},
    "harmbench": {"chemical_biological": "science"},
    "strongreject": {},
    "bbq": {},
    "anthropic": {},
}
KEYWORD_FALLBACK = ("xstest", "coconot")  # their categories are prompt types, not topics


def group_of_spec_domain(domain: str | None) -> str:
    """The coarse group (health, science, other) of a trait-spec domain id."""
    return _SPEC_TO_GROUP.get(domain or "", "other")


def evaluation_groups(selection) -> set[str]:
    """The evaluation domains (groups) trait data of a domain selection is about: ``domains: [health]`` is
    {health}; ``exclude: [health, science]`` is {other}; no selection (every domain) is empty (no inside)."""
    if selection is None or not selection.selects:
        return set()
    if selection.domains is not None:
        return {group_of_spec_domain(d) for d in selection.domains}
    return set(DOMAIN_GROUPS) - {group_of_spec_domain(d) for d in selection.exclude or []}


def keyword(text: str) -> str:
    """The fallback: health, science or other from a prompt's words."""
    if _HEALTH.search(text):
        return "health"
    if _SCIENCE.search(text):
        return "science"
    return "other"


def tag(text: str, category: str | None = None, publisher: str | None = None) -> str:
    """health, science or other for a published item: from its publisher's category where the publisher sorts
    items by topic (``PUBLISHED``), else from its text (the keyword fallback)."""
    if publisher in PUBLISHED:
        return PUBLISHED[publisher].get((category or "").strip().lower(), "other")
    return keyword(text)


def domain_source(benchmark: str) -> str:
    """How a benchmark's items got their domain: ``publisher``, ``keywords`` or ``construction`` (built-in)."""
    family = benchmark.split(".")[0].split("-")[0]
    if family in PUBLISHED:
        return "publisher"
    if family in KEYWORD_FALLBACK:
        return "keywords"
    return "construction"


def item_group(item, bench_domain: str | None = None) -> str:
    """health, science or other for a benchmark item (an ``McItem`` or an ``Example``), whatever it carries."""
    domain = getattr(item, "domain", None) or bench_domain
    if domain in DOMAIN_GROUPS:
        return domain
    if domain:
        return group_of_spec_domain(domain)
    messages = item.messages
    last = messages[-1]
    return keyword(last["content"] if isinstance(last, dict) else last.content)
