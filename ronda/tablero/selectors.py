"""Reading the Tablero's figures: aggregate cells by aggregation type, and the same figure computed
from the raw values (the oracle the consistency check and the tests compare the cells with)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Sum

from ronda.tablero.models import AggregateValue, AggregationType, CategoryCombo, DataValue, Period

# (data element, org unit, period) -> value
Figures = dict[tuple[int, int, int], Decimal]


@dataclass(frozen=True)
class Cell:
    total: Decimal
    count: int
    last_total: Decimal
    minimum: Decimal | None
    maximum: Decimal | None

    def value(self, aggregation_type: str) -> Decimal | None:
        if self.count <= 0:
            return None
        if aggregation_type == AggregationType.SUM:
            return self.total
        if aggregation_type == AggregationType.AVERAGE:
            return self.total / self.count
        if aggregation_type == AggregationType.LAST:
            return self.last_total
        if aggregation_type == AggregationType.MIN:
            return self.minimum
        if aggregation_type == AggregationType.MAX:
            return self.maximum
        raise ValueError(aggregation_type)


def _combine(cells: Iterable[Cell]) -> Cell:
    """Cells of several option combinations of one element, unit and period, as one (the element's total)."""
    total, count, last_total = Decimal(0), 0, Decimal(0)
    low: Decimal | None = None
    high: Decimal | None = None
    for c in cells:
        total += c.total
        count += c.count
        last_total += c.last_total
        if c.minimum is not None and (low is None or c.minimum < low):
            low = c.minimum
        if c.maximum is not None and (high is None or c.maximum > high):
            high = c.maximum
    return Cell(total, count, last_total, low, high)


def cells(
    *,
    element_ids: Iterable[int],
    unit_ids: Iterable[int],
    period_ids: Iterable[int],
    option_combo_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int, int], Cell]:
    """The aggregate of each element × unit × period, over the given option combinations (all of
    them when None). One indexed query."""
    query = AggregateValue.objects.filter(
        data_element_id__in=list(element_ids), org_unit_id__in=list(unit_ids), period_id__in=list(period_ids)
    )
    if option_combo_ids is not None:
        query = query.filter(option_combo_id__in=list(option_combo_ids))
    grouped: dict[tuple[int, int, int], list[Cell]] = defaultdict(list)
    for de, unit, period, total, count, last_total, low, high in query.values_list(
        "data_element_id", "org_unit_id", "period_id", "total", "count", "last_total", "minimum", "maximum"
    ):
        grouped[(de, unit, period)].append(Cell(total, count, last_total, low, high))
    return {key: _combine(group) for key, group in grouped.items()}


def from_values(
    *, element_id: int, unit_path: str, period: Period, option_combo_ids: Iterable[int] | None = None
) -> Cell:
    """The same cell computed from the raw values of the unit's subtree: slow, exact, the oracle."""
    values = DataValue.objects.filter(
        data_element_id=element_id,
        org_unit__path__startswith=unit_path,
        period__start_date__gte=period.start_date,
        period__end_date__lte=period.end_date,
        deleted=False,
        value__isnull=False,
    )
    if option_combo_ids is not None:
        values = values.filter(option_combo_id__in=list(option_combo_ids))
    agg = values.aggregate(total=Sum("value"), count=Count("id"), low=Min("value"), high=Max("value"))
    # The latest value of each unit × option combination, summed.
    latest: dict[tuple[int, int], tuple[tuple[dt.date, dt.date], Decimal]] = {}
    for unit, coc, start, end, value in values.values_list(
        "org_unit_id", "option_combo_id", "period__start_date", "period__end_date", "value"
    ):
        if value is None:
            continue
        key = (end, start)
        if (unit, coc) not in latest or key > latest[(unit, coc)][0]:
            latest[(unit, coc)] = (key, value)
    last_total = sum((v for _k, v in latest.values()), Decimal(0))
    return Cell(agg["total"] or Decimal(0), agg["count"] or 0, last_total, agg["low"], agg["high"])


def category_ids_in_order(combos: Iterable[CategoryCombo]) -> dict[int, list[int]]:
    """The ids of each combination's categories, in the order they were set (one query). The caller
    passes combinations its policy already returned: this reads their links, nothing more."""
    combos = list(combos)
    order: dict[int, list[int]] = {c.pk: [] for c in combos}
    links = CategoryCombo.categories.through.objects.filter(categorycombo__in=combos).order_by("id")
    for combo_id, category_id in links.values_list("categorycombo_id", "category_id"):
        order[combo_id].append(category_id)
    return order
