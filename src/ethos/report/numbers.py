"""How the report writes a number: three decimals, or two significant figures when that would print 0.000."""

from __future__ import annotations

from ethos.evals.stats import Interval


def num(x: float, digits: int = 3) -> str:
    """Signed, with ``digits`` decimals; a value too small for them (but not zero) in scientific notation."""
    if x != x:
        return "n/a"
    if x != 0 and abs(x) < 0.5 * 10**-digits:
        return f"{x:+.1e}"
    return f"{x:+.{digits}f}"


def ci(i: Interval, digits: int = 3) -> str:
    return f"{num(i.value, digits)} (95% CI {num(i.low, digits)} to {num(i.high, digits)})"
