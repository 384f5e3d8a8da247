"""The arms of a study, and the names of its roles, registered once.

An arm is one :class:`Arm` in the ``ARMS`` registry. It says how it trains (its ``kind``: ``none``
for the starting model, ``rl`` for GRPO on the standard stream plus an optional trait dose,
``deliberative`` for the deliberative-alignment pipeline, ``constitution`` for critique → revise → tune →
RL against a written constitution; each kind is one module of
:mod:`ethos.experiments.kinds`), whether it takes the recipe's trait dose, which ``train.rewards``
field grades its trait prompts, which trait scenarios it trains on (a :class:`DomainSelection`), and
which arms it is compared with. The study, its design table, validation, assembly and the command
line's ``--arm`` read the registry; a generalization arm of a recipe is the treatment with a domain
selection (:func:`treatment_on`), built from the recipe's ``generalization:`` lines.

The role names below are the only place they are spelled; every other module imports them.

This module is light (no torch) so the command line can list the arms; training one is
:func:`ethos.train.arm_training.train_arm`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ethos.data.domain_select import DomainSelection
from ethos.registry import Registry

PRE, BASELINE, TREATMENT, CONTROL = "pre", "baseline", "treatment", "control"
DELIBERATIVE, CONSTITUTION = "deliberative", "constitution"


@dataclass(frozen=True)
class Arm:
    name: str
    description: str
    kind: str = "rl"  # how it trains: none | rl | deliberative | ... (a module of ethos.experiments.kinds)
    dosed: bool = False  # trains with the recipe's trait dose (else dose 0: standard prompts only)
    trait_reward: str = "trait"  # the train.rewards field whose grader rewards trait prompts
    domains: DomainSelection | None = None  # trait scenarios of these domains only (a generalization arm)
    compared_with: tuple[str, ...] = ()  # reference arms of its headline comparisons (reference → this arm)
    label: str = ""  # its row in the domain-transfer matrix (arms with a domain selection, and the treatment)

    @property
    def trains(self) -> bool:
        return self.kind != "none"

    def dose(self, recipe_dose: float) -> float:
        return recipe_dose if self.dosed and self.trains else 0.0


ARMS: Registry[Arm] = Registry("arm")
ARMS.register(Arm(PRE, "the starting model, no RL", kind="none"))
ARMS.register(Arm(BASELINE, "standard RL only (dose 0): the compute-matched comparison", compared_with=(PRE,)))
ARMS.register(
    Arm(
        TREATMENT,
        "standard RL plus the trait dose, trait prompts rewarded by their rubric",
        dosed=True,
        compared_with=(BASELINE, CONTROL, PRE),  # vs control: the rubric reward against trait prompts alone
        label="all domains (treatment)",
    )
)
ARMS.register(
    Arm(
        CONTROL,
        "the same trait prompts rewarded by rubric-blind helpfulness",
        dosed=True,
        trait_reward="control",
        compared_with=(BASELINE,),
    )
)
ARMS.register(
    Arm(
        DELIBERATIVE,
        "deliberative alignment: policy-in-context samples, judge filter, SFT without the policy, RL",
        kind="deliberative",
        dosed=True,  # its RL mixes the safety prompts into the standard stream at the treatment's dose
        compared_with=(BASELINE, TREATMENT),
    )
)
ARMS.register(
    Arm(
        CONSTITUTION,
        "the constitution: critique and revision against drawn principles, SFT on revisions, RL by a principle judge",
        kind="constitution",
        dosed=True,  # its RL mixes the treatment's trait prompts into the standard stream at the treatment's dose
        compared_with=(BASELINE, TREATMENT, DELIBERATIVE),
    )
)


def treatment_on(name: str, domains: DomainSelection, label: str = "") -> Arm:
    """A generalization arm: the treatment, trained on the trait scenarios ``domains`` selects."""
    label = label or domains.describe()
    base = ARMS.get(TREATMENT)
    described = f"treatment with trait data from {label}"
    return Arm(name, described, base.kind, True, base.trait_reward, domains, (BASELINE, TREATMENT), label)


def arm_names(kind: str | None = None) -> list[str]:
    """The registered arms (of one kind), for choices and help texts."""
    return [name for name, arm in ARMS.items() if kind is None or arm.kind == kind]
