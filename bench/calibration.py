"""Does the study's test keep its promises? False-positive rate and interval coverage of the default design.

Simulates the default study's comparisons under no true effect (and under a true effect, for the
interval's coverage) with variance components — item, training seed, seed x item — taken from the
last measured run (``runs/default``: its baseline and treatment seeds) or given on the command line,
and runs the study's own estimator (``ethos.evals.stats.crossed_effect``) on each. Prints the headline
design first (treatment vs baseline, 3 vs 3 seeds, per benchmark), as

    false_positive_rate: <share of null studies with p < 0.05>     (target <= 0.07)
    coverage: <share of 95% intervals holding the true effect>      (target >= 0.93)

then the other designs the study tests (the pre-RL model vs a 3-seed arm; four benchmarks pooled),
and a 1-seed arm, which the study reports as descriptive (no p-value). The result depends on no CPU.

    python bench/calibration.py [--run runs/default] [--reps 4000] [--item-sd X --seed-sd Y --residual-sd Z]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ethos.evals.calibration import Components, Design, simulate, study_components
from ethos.recipe import Recipe, load_section

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", type=Path, default=ROOT / "configs" / "default.yaml")
    ap.add_argument("--run", type=Path, default=ROOT / "runs" / "default", help="measured study to take variances from")
    ap.add_argument("--reps", type=int, default=4000)
    ap.add_argument("--item-sd", type=float)
    ap.add_argument("--seed-sd", type=float)
    ap.add_argument("--residual-sd", type=float)
    a = ap.parse_args()

    from ethos.evals.eval_config import EvalConfig

    items = load_section(a.config, "eval", EvalConfig).limit or 100
    seeds = len(Recipe.load(a.config).data.get("seeds") or [0])  # the seeded arms' training seeds
    given = (a.item_sd, a.seed_sd, a.residual_sd)
    if all(v is not None for v in given):
        comps, source = Components(*given), "given"
    elif (a.run / "evals").is_dir():
        comps, source = study_components(a.run), f"measured in {a.run} (baseline vs treatment seeds)"
    else:
        comps, source = Components(0.05, 0.03, 0.3), "assumed (no measured run found)"
    print(f"variance components: {comps.describe()} — {source}")
    designs = [
        ("headline: treatment vs baseline, per benchmark", Design(items, 1, seeds, seeds)),
        ("treatment vs the pre-RL model", Design(items, 1, 1, seeds, fixed_a=True)),
        ("four benchmarks pooled", Design(items, 4, seeds, seeds)),
        ("a one-seed arm vs baseline", Design(items, 1, seeds, 1)),
    ]
    for i, (label, design) in enumerate(designs):
        c = simulate(design, comps, reps=a.reps, seed=i)
        if i == 0:
            print(f"false_positive_rate: {c.false_positive_rate:.3f}")
            print(f"coverage: {c.coverage:.3f}")
        fpr = "descriptive (no p)" if c.descriptive else f"{c.false_positive_rate:.3f}"
        print(f"  {label} [{design.describe()}]: false positives {fpr}, coverage {c.coverage:.3f} ({a.reps} studies)")


if __name__ == "__main__":
    main()
