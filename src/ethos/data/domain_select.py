"""The one way to choose training scenarios by domain: ``domains`` (only these) or ``exclude`` (all but these).

A scenario counts as being about a domain when its domain *or* its skeleton's topic is that domain
(:func:`ethos.data.splits.content_domains`), so "all but health" also drops a crisis conversation whose
details come from a law firm. ``train.data`` selects its trait stream this way, and a generalization
arm is the treatment with such a selection. (Which domains are held out of training altogether is the
data split's business: ``data.heldout_domains``.)
"""

from __future__ import annotations

from ethos.data.schema import DOMAINS, Example
from ethos.data.splits import content_domains
from ethos.recipe import Section


class DomainSelection(Section):
    domains: list[str] | None = None  # trait scenarios about these domains only
    exclude: list[str] | None = None  # trait scenarios about none of these

    @property
    def selects(self) -> bool:
        return self.domains is not None or bool(self.exclude)

    def keeps(self, example: Example) -> bool:
        """Whether the selection keeps ``example`` (examples that are not trait scenarios always stay)."""
        if example.kind != "trait":
            return True
        about = content_domains(example)
        if self.domains is not None and not about & set(self.domains):
            return False
        return not (self.exclude and about & set(self.exclude))

    def describe(self) -> str:
        if self.domains is not None:
            return " + ".join(self.domains) + " only"
        return "all but " + " + ".join(self.exclude or [])

    def problems(self) -> list[tuple[tuple[str, ...], str]]:
        named = [("domains", d) for d in self.domains or []] + [("exclude", d) for d in self.exclude or []]
        return [
            ((key,), f"names unknown domain '{d}' (valid: {', '.join(DOMAINS)})")
            for key, d in named
            if d not in DOMAINS
        ]
