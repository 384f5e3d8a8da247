"""Hand-written scenario skeletons, one module per trait."""

from ethos.data.skeletons import (
    corrigibility,
    epistemic_humility,
    fairness,
    risk_sensitivity,
    transparency,
    truthfulness,
    wellbeing,
)
from ethos.data.skeleton import Skeleton

SKELETONS: tuple[Skeleton, ...] = (
    truthfulness.SKELETONS
    + epistemic_humility.SKELETONS
    + transparency.SKELETONS
    + corrigibility.SKELETONS
    + risk_sensitivity.SKELETONS
    + fairness.SKELETONS
    + wellbeing.SKELETONS
)

__all__ = ["SKELETONS", "Skeleton"]
