"""Properties of the progress roll-up (pure functions, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ronda.planning.rollup import BUDGET, EQUAL, quantize, weighted_progress

progress = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
weight = st.decimals(min_value=0, max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False)
children = st.lists(st.tuples(progress, weight), min_size=1, max_size=40)


@given(children, st.sampled_from([BUDGET, EQUAL]))
def test_parent_lies_between_its_children(pairs: list[tuple[Decimal, Decimal]], weighting: str) -> None:
    parent = weighted_progress(pairs, weighting=weighting)
    assert parent is not None
    values = [p for p, _ in pairs]
    assert min(values) <= parent <= max(values)


@given(children)
def test_equal_weights_give_the_arithmetic_mean(pairs: list[tuple[Decimal, Decimal]]) -> None:
    mean = quantize(sum((p for p, _ in pairs), Decimal(0)) / len(pairs))
    assert weighted_progress(pairs, weighting=EQUAL) == mean


@given(st.lists(progress, min_size=1, max_size=40))
def test_zero_budget_weights_fall_back_to_equal(values: list[Decimal]) -> None:
    zero = [(p, Decimal(0)) for p in values]
    assert weighted_progress(zero, weighting=BUDGET) == weighted_progress(zero, weighting=EQUAL)


@given(st.lists(progress, min_size=1, max_size=20), weight.filter(lambda w: w > 0))
def test_identical_budget_weights_equal_the_mean(values: list[Decimal], same: Decimal) -> None:
    pairs = [(p, same) for p in values]
    assert weighted_progress(pairs, weighting=BUDGET) == weighted_progress(pairs, weighting=EQUAL)


def test_budget_weights_pull_towards_the_larger_budget() -> None:
    pairs = [(Decimal(100), Decimal(3000)), (Decimal(0), Decimal(1000))]
    assert weighted_progress(pairs, weighting=BUDGET) == Decimal("75.00")
    assert weighted_progress(pairs, weighting=EQUAL) == Decimal("50.00")


def test_children_without_progress_are_left_out_and_none_gives_none() -> None:
    assert weighted_progress([(None, Decimal(5)), (Decimal(40), Decimal(0))], weighting=BUDGET) == Decimal("40.00")
    assert weighted_progress([], weighting=BUDGET) is None
    assert weighted_progress([(None, Decimal(1))], weighting=EQUAL) is None


def test_rejects_negative_weights_and_unknown_weighting() -> None:
    with pytest.raises(ValueError):
        weighted_progress([(Decimal(10), Decimal(-1))], weighting=BUDGET)
    with pytest.raises(ValueError):
        weighted_progress([(Decimal(10), Decimal(1))], weighting="median")
