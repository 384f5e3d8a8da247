"""Built-in benchmarks, written for evaluation only (never shared with the training generator).

Importing this package registers every benchmark factory in ``BUILTIN`` (name → factory).
"""

from ethos.evals.builtin import (  # noqa: F401  (imported to register their benchmarks)
    capability,
    epistemics,
    fairness,
    honesty,
    mental_health,
    oversight,
    refusal,
    reward_hacking,
    sycophancy,
)
from ethos.evals.builtin.compose import BUILTIN

__all__ = ["BUILTIN"]
