"""Reading the Tablero's figures: aggregate cells by aggregation type, and the same figure computed
from the raw values (the oracle the consistency check and the tests compare the cells with).

Every reader of aggregates goes through :func:`cell_rows`: the cells of units with children are
stored (``AggregateValue``, decision 0017); the cells of the deepest units (communities), which
hold only their own values, are not stored — they are computed here from those values (a handful
of rows per unit), so that a national import does not write four cells per value it brings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Sum

from ronda.tablero.models import AggregateValue, AggregationType, CategoryCombo, DataValue, Period
from ronda.territory.models import Level, OrgUnit

# Units of this level keep no stored cells (``tablero.aggregation`` skips them): their cells are
# computed from their own values when read.
LEAF_LEVEL = Level.COMMUNITY

# (data element, option combination, org unit, period, total, count, last_total, minimum, maximum)
CellRow = tuple[int, int, int, int, Decimal, int, Decimal, Decimal | None, Decimal | None]

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


def combine(cells: Iterable[Cell]) -> Cell:
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


def cell_rows(
    *,
    element_ids: Iterable[int],
    unit_ids: Iterable[int],
    period_ids: Iterable[int | Period],
    option_combo_ids: Iterable[int] | None = None,
    leaf_ids: Iterable[int] | None = None,
) -> list[CellRow]:
    """Every aggregate cell (per option combination) of the elements × units × periods asked for:
    stored cells for units with children (one indexed query), computed from the values for the
    deepest units (two more queries, only when such units are asked for). ``leaf_ids``: which of the
    units are of the deepest level, when the caller knows (else one query finds out); periods may be
    given as stored rows (their dates are then not read again)."""
    given = list(period_ids)
    known = {p.pk: p for p in given if isinstance(p, Period)}
    elements, units = list(element_ids), list(unit_ids)
    periods = [p.pk if isinstance(p, Period) else p for p in given]
    combos = None if option_combo_ids is None else list(option_combo_ids)
    if not (elements and units and periods) or combos == []:
        return []
    if leaf_ids is not None:
        leaves = set(leaf_ids) & set(units)
    else:
        leaves = set(OrgUnit.objects.filter(pk__in=units, level=LEAF_LEVEL).values_list("pk", flat=True))
    stored = [u for u in units if u not in leaves]
    rows: list[CellRow] = []
    if stored:
        query = AggregateValue.objects.filter(
            data_element_id__in=elements, org_unit_id__in=stored, period_id__in=periods
        )
        if combos is not None:
            query = query.filter(option_combo_id__in=combos)
        rows.extend(
            query.values_list(
                "data_element_id",
                "option_combo_id",
                "org_unit_id",
                "period_id",
                "total",
                "count",
                "last_total",
                "minimum",
                "maximum",
            )
        )
    if leaves:
        rows.extend(_leaf_rows(elements, sorted(leaves), periods, combos, known))
    return rows


def _leaf_rows(
    elements: list[int], units: list[int], period_ids: list[int], combos: list[int] | None, known: dict[int, Period]
) -> list[CellRow]:
    """The cells of units without stored cells, from their own values (the same definition as the
    stored ones: every value inside the period counts; ``last_total`` is the latest one)."""
    wanted = set(period_ids)
    periods = [(p.pk, p.start_date, p.end_date) for pk, p in known.items() if pk in wanted]
    unknown = [pk for pk in wanted if pk not in known]
    if unknown:
        periods += list(Period.objects.filter(pk__in=unknown).values_list("pk", "start_date", "end_date"))
    if not periods:
        return []
    values = DataValue.objects.filter(
        data_element_id__in=elements,
        org_unit_id__in=units,
        period__start_date__gte=min(p[1] for p in periods),
        period__end_date__lte=max(p[2] for p in periods),
        deleted=False,
        value__isnull=False,
    )
    if combos is not None:
        values = values.filter(option_combo_id__in=combos)
    # (de, coc, unit, period) -> [total, count, latest key, latest value, minimum, maximum]
    acc: dict[tuple[int, int, int, int], list[Any]] = {}
    for de, coc, unit, start, end, value in values.values_list(
        "data_element_id", "option_combo_id", "org_unit_id", "period__start_date", "period__end_date", "value"
    ):
        if value is None:
            continue
        when = (end, start)
        for pid, p_start, p_end in periods:
            if start < p_start or end > p_end:
                continue
            cell = acc.get((de, coc, unit, pid))
            if cell is None:
                acc[(de, coc, unit, pid)] = [value, 1, when, value, value, value]
                continue
            cell[0] += value
            cell[1] += 1
            if when > cell[2]:
                cell[2], cell[3] = when, value
            cell[4] = min(cell[4], value)
            cell[5] = max(cell[5], value)
    return [(de, coc, unit, pid, c[0], c[1], c[3], c[4], c[5]) for (de, coc, unit, pid), c in acc.items()]


def cells(
    *,
    element_ids: Iterable[int],
    unit_ids: Iterable[int],
    period_ids: Iterable[int | Period],
    option_combo_ids: Iterable[int] | None = None,
    leaf_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int, int], Cell]:
    """The aggregate of each element × unit × period, over the given option combinations (all of
    them when None)."""
    grouped: dict[tuple[int, int, int], list[Cell]] = defaultdict(list)
    for de, _coc, unit, period, total, count, last_total, low, high in cell_rows(
        element_ids=element_ids,
        unit_ids=unit_ids,
        period_ids=period_ids,
        option_combo_ids=option_combo_ids,
        leaf_ids=leaf_ids,
    ):
        grouped[(de, unit, period)].append(Cell(total, count, last_total, low, high))
    return {key: combine(group) for key, group in grouped.items()}


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
