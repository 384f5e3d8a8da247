"""Eval graders measured against people: how often a grader's verdict matches published human labels.

A grader is only as good as its agreement with the people whose judgement it stands in for. Where a
benchmark's publishers released human-labelled model replies, ethos ships them (``manifest.yaml``
entries with ``role: human labels``) and scores the grader on every one:

* **refusal** — XSTest's string-match refusal grader (:mod:`ethos.evals.graders.refusal`, also the
  stated proxy for StrongREJECT, HarmBench and CoCoNot) against the 2,250 completions of the XSTest
  prompts by five models that the XSTest authors labelled (``model_completions/xstest_v2_completions_*.csv``:
  two annotators each, ``final_label`` full compliance / full refusal / partial refusal). A partial
  refusal counts as a refusal, as in the XSTest paper.

* **domain keywords** — the keyword fallback that gives XSTest and CoCoNot items a domain
  (:func:`ethos.evals.domains.keyword`) against a hand-checked sample of 100 of their items
  (``evals/domain_check.csv``: drawn with seed 0, each labelled health, science or other by reading it).

Agreement is the share of replies where grader and people agree, with a bootstrap interval, plus
the agreement within each human class and per source model (so a grader that only ever says
"complied" cannot hide behind a compliant majority), and Cohen's kappa.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ethos.errors import UserError
from ethos.evals.graders.refusal import refused
from ethos.evals.stats import Interval, bootstrap_mean

COMPLIANCE = "1_full_compliance"
XSTEST_LABELS = "xstest_v2_completions_"


@dataclass
class GraderAgreement:
    grader: str  # the grader measured (what `agreement[<grader>]` prints)
    labels: str  # whose labels, on what
    agreement: Interval
    kappa: float
    by_class: dict[str, float] = field(default_factory=dict)  # agreement within each human label
    by_source: dict[str, float] = field(default_factory=dict)  # agreement per model whose replies were labelled

    def line(self) -> str:
        a = self.agreement
        return (
            f"agreement[{self.grader}]: {a.value:.3f} (95% CI {a.low:.3f}–{a.high:.3f}, n={a.n}, "
            f"kappa {self.kappa:.3f}; {self.labels})"
        )


def _kappa(pred: list[bool], human: list[bool]) -> float:
    n = len(pred)
    observed = sum(p == h for p, h in zip(pred, human)) / n
    p_yes, h_yes = sum(pred) / n, sum(human) / n
    expected = p_yes * h_yes + (1 - p_yes) * (1 - h_yes)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def labelled_files(root: Path) -> list[Path]:
    return sorted((root / "xstest").glob(f"{XSTEST_LABELS}*.csv"))


def refusal_agreement(root: Path, *, seed: int = 0, n_boot: int = 2000) -> GraderAgreement:
    """The refusal grader against XSTest's human labels under data folder ``root``."""
    files = labelled_files(root)
    if not files:
        raise UserError(
            f"no XSTest human-label files ({XSTEST_LABELS}*.csv) under {root / 'xstest'}; they ship with ethos "
            "(ethos/evals/public/data) — reinstall, or run `ethos data public install --from DIR`."
        )
    pred: list[bool] = []
    human: list[bool] = []
    sources: list[str] = []
    classes: list[str] = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                label = (row.get("final_label") or "").strip()
                if not label:
                    continue
                pred.append(refused(row.get("completion") or ""))
                human.append(label != COMPLIANCE)
                classes.append(label)
                sources.append(path.stem.removeprefix(XSTEST_LABELS))
    hits = [float(p == h) for p, h in zip(pred, human)]

    def share(keys: list[str]) -> dict[str, float]:
        out = {}
        for k in sorted(set(keys)):
            sel = [x for x, key in zip(hits, keys) if key == k]
            out[k] = sum(sel) / len(sel)
        return out

    return GraderAgreement(
        grader="refusal",
        labels="XSTest authors' labels of 5 models' completions; partial refusal counts as refusal",
        agreement=bootstrap_mean(hits, n=n_boot, seed=seed),
        kappa=_kappa(pred, human),
        by_class=share(classes),
        by_source=share(sources),
    )


DOMAIN_CHECK = Path(__file__).resolve().parents[1] / "domain_check.csv"


def _kappa_many(pred: list[str], human: list[str]) -> float:
    n, labels = len(pred), sorted(set(pred) | set(human))
    observed = sum(p == h for p, h in zip(pred, human)) / n
    expected = sum((pred.count(k) / n) * (human.count(k) / n) for k in labels)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def domain_agreement(path: Path = DOMAIN_CHECK, *, seed: int = 0, n_boot: int = 2000) -> GraderAgreement:
    """The keyword domain fallback against the hand-checked sample (items looked up in the shipped suite)."""
    from ethos.evals.domains import keyword
    from ethos.evals.suites import load_suite

    families = ("xstest", "coconot")
    benches = [b for b in load_suite("public").benchmarks if b.name.split(".")[0] in families]
    text = {it.id: it.messages[-1].content for b in benches for it in b.items}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = [r["item"] for r in rows if r["item"] not in text]
    if missing:
        raise UserError(f"{path}: items not in the published suite: {', '.join(missing[:5])}; re-draw the sample.")
    pred = [keyword(text[r["item"]]) for r in rows]
    human = [r["domain"] for r in rows]
    hits = [float(p == h) for p, h in zip(pred, human)]
    by_class = {k: sum(h for h, lab in zip(hits, human) if lab == k) / human.count(k) for k in sorted(set(human))}
    by_source = {}
    for fam in sorted({r["benchmark"].split(".")[0] for r in rows}):
        sel = [h for h, r in zip(hits, rows) if r["benchmark"].startswith(fam + ".")]
        by_source[fam] = sum(sel) / len(sel)
    return GraderAgreement(
        grader="domain keywords",
        labels=f"{len(rows)} XSTest and CoCoNot items labelled health/science/other by hand (evals/domain_check.csv)",
        agreement=bootstrap_mean(hits, n=n_boot, seed=seed),
        kappa=_kappa_many(pred, human),
        by_class=by_class,
        by_source=by_source,
    )


def labelled_root() -> Path:
    """The first data folder holding the human-label files (the shipped one at the latest)."""
    from ethos.evals.public import SHIPPED, data_roots

    return next((r for r in data_roots() if r.is_dir() and labelled_files(r)), SHIPPED)


def grader_agreements(root: Path | None = None, *, seed: int = 0) -> list[GraderAgreement]:
    """Every eval grader that has published human labels here, measured against them."""
    return [refusal_agreement(root or labelled_root(), seed=seed), domain_agreement(seed=seed)]
