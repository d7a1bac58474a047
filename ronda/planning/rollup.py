"""How progress rolls up the plan tree: pure functions, no database.

A parent's progress is the weighted mean of its children's progress. The plan chooses the weights
(``LocalPlan.weighting``): the planned budget (summed over the years) or equal weights. When every
budget weight is zero (nothing budgeted yet) the mean falls back to equal weights, so a plan without
budgets still shows progress. Children without a progress (an objective with no measures) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal

BUDGET = "budget"
EQUAL = "equal"
CENT = Decimal("0.01")


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def weighted_progress(children: Iterable[tuple[Decimal | None, Decimal]], *, weighting: str) -> Decimal | None:
    """The progress of a parent from ``(progress, weight)`` pairs of its children.

    Returns None when no child has a progress. Weights must be non-negative. The result is rounded to
    hundredths, which keeps it between the smallest and the largest child (children have two decimals).
    """
    if weighting not in (BUDGET, EQUAL):
        raise ValueError(f"unknown weighting: {weighting}")
    pairs: Sequence[tuple[Decimal, Decimal]] = [(p, w) for p, w in children if p is not None]
    if not pairs:
        return None
    if any(w < 0 for _, w in pairs):
        raise ValueError("weights must be non-negative")
    total_weight = sum((w for _, w in pairs), Decimal(0))
    if weighting == EQUAL or total_weight == 0:
        return quantize(sum((p for p, _ in pairs), Decimal(0)) / len(pairs))
    return quantize(sum((p * w for p, w in pairs), Decimal(0)) / total_weight)


def total_weight(weights: Iterable[Decimal]) -> Decimal:
    """The weight a parent passes up to its own parent: the sum of its children's weights."""
    return sum(weights, Decimal(0))
