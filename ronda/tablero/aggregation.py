"""The aggregates, kept in the writing transaction (decision 0017).

A data value of unit U and period p counts in one :class:`~ronda.tablero.models.AggregateValue`
cell per (U or an ancestor of U) × (p or a coarser period containing p), except that the deepest
units (communities, ``selectors.LEAF_LEVEL``) keep no cells of their own — their cells are their
own values, computed when read (``selectors.cell_rows``): a monthly value of a community counts in
3 ancestors × 4 period types = 12 cells, and a national import of a month writes no cell per
community. Writing values is three steps, all inside the
service's transaction::

    update = AggregateUpdate(changes)   # reads what the affected series held before
    ...                                  # the service writes the DataValue rows
    update.apply()                       # one upsert per batch of cells, then the extremes

* ``total`` and ``count`` change by difference, with one portable ``INSERT … ON CONFLICT … DO
  UPDATE`` (PostgreSQL and SQLite ≥ 3.24 read the same statement); cells are written in key order,
  so two imports touching the same cells cannot deadlock.
* ``last_total`` adds up each unit's latest value in the period: for each changed series (element ×
  combination × unit) and period, the latest value before and after the change are compared and the
  difference is added to the unit's cells and its ancestors'.
* ``minimum``/``maximum`` take a new value that beats them in the same upsert; when the value that
  held an extreme goes up, down or away, the cell is recomputed from its children's cells and the
  unit's own values, deepest cells first (a handful of index lookups).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections, router
from django.db.models import Max, Min, Q

from ronda.tablero import periods as iso_periods
from ronda.tablero import pgarrays
from ronda.tablero.models import AggregateValue, DataValue, Period
from ronda.tablero.selectors import LEAF_LEVEL

BATCH = 400
ARRAY_BATCH = 20_000


def uses_arrays(connection: Any) -> bool:
    """Whether the cells are written as arrays (PostgreSQL), else as rows of VALUES (portable)."""
    return connection.vendor == "postgresql"


ZERO = Decimal(0)

# (data element, option combination, org unit, period)
CellKey = tuple[int, int, int, int]
# (data element, option combination, org unit)
SeriesKey = tuple[int, int, int]


@dataclass(frozen=True)
class Change:
    """One data value changing from ``old`` to ``new`` (None: no value)."""

    data_element_id: int
    option_combo_id: int
    org_unit_id: int
    # The ids of the unit and its ancestors (the unit's path), root first.
    unit_path_ids: tuple[int, ...]
    period: Period
    old: Decimal | None
    new: Decimal | None

    @property
    def series(self) -> SeriesKey:
        return (self.data_element_id, self.option_combo_id, self.org_unit_id)

    @property
    def stored_path_ids(self) -> tuple[int, ...]:
        """The units whose stored cells the value counts in: the unit and its ancestors, the
        deepest level (which keeps no cells) left out. A path's n-th id is a unit of level n."""
        return self.unit_path_ids[: LEAF_LEVEL - 1]


def ensure_periods(items: Iterable[iso_periods.Period]) -> dict[str, Period]:
    """The stored Period row of each ISO period, created on first use (two queries at most)."""
    wanted = {p.iso: p for p in items}
    if not wanted:
        return {}
    found = {p.iso: p for p in Period.objects.filter(iso__in=wanted)}
    missing = [
        Period(iso=p.iso, period_type=p.period_type, start_date=p.start, end_date=p.end)
        for iso, p in wanted.items()
        if iso not in found
    ]
    if missing:
        Period.objects.bulk_create(missing, ignore_conflicts=True)
        found = {p.iso: p for p in Period.objects.filter(iso__in=wanted)}
    return found


def _as_iso(period: Period) -> iso_periods.Period:
    return iso_periods.Period(
        start=period.start_date, end=period.end_date, period_type=period.period_type, iso=period.iso
    )


@dataclass
class _Delta:
    total: Decimal = ZERO
    count: int = 0
    last_total: Decimal = ZERO
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    def offer(self, value: Decimal) -> None:
        self.minimum = value if self.minimum is None or value < self.minimum else self.minimum
        self.maximum = value if self.maximum is None or value > self.maximum else self.maximum


def _latest(values: Iterable[tuple[dt.date, dt.date, Decimal]], within: iso_periods.Period) -> Decimal | None:
    """The value of the latest period inside ``within`` (by end date, then the shorter period)."""
    best: tuple[dt.date, dt.date] | None = None
    found: Decimal | None = None
    for start, end, value in values:
        if start < within.start or end > within.end:
            continue
        key = (end, start)
        if best is None or key > best:
            best, found = key, value
    return found


class AggregateUpdate:
    def __init__(self, changes: Sequence[Change]) -> None:
        self.changes = [c for c in changes if c.old != c.new]
        # Every coarser period each change counts in, as stored rows.
        self._containing: dict[str, tuple[iso_periods.Period, ...]] = {}
        for change in self.changes:
            if change.period.iso not in self._containing:
                self._containing[change.period.iso] = iso_periods.containing(_as_iso(change.period))
        self._periods = ensure_periods(p for group in self._containing.values() for p in group)
        self._before = self._series_values()

    # --- before -----------------------------------------------------------------------------

    def _series_values(self) -> dict[SeriesKey, list[tuple[dt.date, dt.date, Decimal, str]]]:
        """The stored values of every changed series, over the years the changes touch."""
        if not self.changes:
            return {}
        start = min(p.start for group in self._containing.values() for p in group)
        end = max(p.end for group in self._containing.values() for p in group)
        series = {c.series for c in self.changes}
        out: dict[SeriesKey, list[tuple[dt.date, dt.date, Decimal, str]]] = defaultdict(list)
        elements = sorted({s[0] for s in series})
        units = sorted({s[2] for s in series})
        for i in range(0, len(units), BATCH):
            rows = DataValue.objects.filter(
                data_element_id__in=elements,
                org_unit_id__in=units[i : i + BATCH],
                period__start_date__gte=start,
                period__end_date__lte=end,
                deleted=False,
                value__isnull=False,
            ).values_list(
                "data_element_id",
                "option_combo_id",
                "org_unit_id",
                "period__start_date",
                "period__end_date",
                "value",
                "period__iso",
            )
            for de, coc, unit, p_start, p_end, value, iso in rows:
                key = (de, coc, unit)
                if key in series and value is not None:
                    out[key].append((p_start, p_end, value, iso))
        return out

    # --- apply ------------------------------------------------------------------------------

    def _deltas(self) -> tuple[dict[CellKey, _Delta], set[CellKey], set[CellKey]]:
        deltas: dict[CellKey, _Delta] = defaultdict(_Delta)
        check_min: set[CellKey] = set()
        check_max: set[CellKey] = set()
        by_series: dict[SeriesKey, list[Change]] = defaultdict(list)
        # The changes of the communities of one municipality count in the same cells: they are
        # added up per (element, combination, stored path, period) first, then spread over the
        # cells once (a national import: 20 communities' changes per spread instead of one).
        # group -> [total, count, lowest new, highest new, may lower the minimum, may lower the maximum]
        groups: dict[tuple[int, int, tuple[int, ...], str], list[Any]] = {}
        for change in self.changes:
            by_series[change.series].append(change)
            old, new = change.old, change.new
            key = (change.data_element_id, change.option_combo_id, change.stored_path_ids, change.period.iso)
            group = groups.get(key)
            if group is None:
                group = groups[key] = [ZERO, 0, None, None, False, False]
            group[0] += (new if new is not None else ZERO) - (old if old is not None else ZERO)
            group[1] += (new is not None) - (old is not None)
            if new is not None:
                group[2] = new if group[2] is None or new < group[2] else group[2]
                group[3] = new if group[3] is None or new > group[3] else group[3]
            if old is not None and (new is None or new > old):
                group[4] = True
            if old is not None and (new is None or new < old):
                group[5] = True
        for (de, coc, path_ids, iso), (total, count, low, high, stale_min, stale_max) in groups.items():
            for period in self._containing[iso]:
                period_id = self._periods[period.iso].pk
                for unit_id in path_ids:
                    cell = (de, coc, unit_id, period_id)
                    delta = deltas[cell]
                    delta.total += total
                    delta.count += count
                    if low is not None:
                        delta.offer(low)
                        delta.offer(high)
                    if stale_min:
                        check_min.add(cell)
                    if stale_max:
                        check_max.add(cell)
        # Each unit's latest value per period, before and after its changes (added up per path).
        last: dict[tuple[int, int, tuple[int, ...], int], Decimal] = defaultdict(lambda: ZERO)
        for series, series_changes in by_series.items():
            before = self._before.get(series, [])
            if not before and len(series_changes) == 1:
                # A first value of the series over these years (an import of a new month): it is
                # the latest of every period that holds it.
                change = series_changes[0]
                if change.new is not None:
                    for period in self._containing[change.period.iso]:
                        last[(series[0], series[1], change.stored_path_ids, self._periods[period.iso].pk)] += change.new
                continue
            after_by_iso = {iso: (start, end, value) for start, end, value, iso in before}
            for change in series_changes:
                if change.new is None:
                    after_by_iso.pop(change.period.iso, None)
                else:
                    after_by_iso[change.period.iso] = (change.period.start_date, change.period.end_date, change.new)
            before_values = [(s, e, v) for s, e, v, _iso in before]
            after_values = list(after_by_iso.values())
            path_ids = series_changes[0].stored_path_ids
            touched = {p.iso: p for c in series_changes for p in self._containing[c.period.iso]}
            for period in touched.values():
                diff = (_latest(after_values, period) or ZERO) - (_latest(before_values, period) or ZERO)
                if diff:
                    last[(series[0], series[1], path_ids, self._periods[period.iso].pk)] += diff
        for (de, coc, path_ids, period_id), diff in last.items():
            if diff:
                for unit_id in path_ids:
                    deltas[(de, coc, unit_id, period_id)].last_total += diff
        return deltas, check_min, check_max

    def apply(self) -> int:
        """Write the cells; returns how many were written."""
        if not self.changes:
            return 0
        deltas, check_min, check_max = self._deltas()
        keys = sorted(deltas)
        table = AggregateValue._meta.db_table
        connection = connections[router.db_for_write(AggregateValue)]
        q = connection.ops.quote_name
        columns = (
            "data_element_id",
            "org_unit_id",
            "period_id",
            "option_combo_id",
            "total",
            "count",
            "last_total",
            "minimum",
            "maximum",
        )
        column_sql = ", ".join(q(c) for c in columns)
        t = q(table)
        added = [f"{q(c)} = {t}.{q(c)} + excluded.{q(c)}" for c in ("total", "count", "last_total")]
        extremes = [
            f"{q(c)} = CASE WHEN excluded.{q(c)} IS NOT NULL "
            f"AND ({t}.{q(c)} IS NULL OR excluded.{q(c)} {op} {t}.{q(c)}) THEN excluded.{q(c)} ELSE {t}.{q(c)} END"
            for c, op in (("minimum", "<"), ("maximum", ">"))
        ]
        update_sql = ", ".join(added + extremes)
        conflict = ", ".join(q(c) for c in ("data_element_id", "org_unit_id", "period_id", "option_combo_id"))
        with connection.cursor() as cursor:
            if uses_arrays(connection):
                # PostgreSQL: the cells as nine arrays, ``unnest``-ed into one statement of any
                # size (the same upsert; no statement text growing with the batch to parse and
                # bind). Decision 0017: an accelerator, the VALUES path below is the portable one.
                types = ("bigint", "bigint", "bigint", "bigint", "numeric", "bigint", "numeric", "numeric", "numeric")
                arrays = ", ".join(f"%s::{kind}[]" for kind in types)
                for i in range(0, len(keys), ARRAY_BATCH):
                    chunk = keys[i : i + ARRAY_BATCH]
                    cells = [deltas[key] for key in chunk]
                    cursor.execute(
                        f"INSERT INTO {t} ({column_sql}) SELECT * FROM unnest({arrays}) "  # noqa: S608
                        f"ON CONFLICT ({conflict}) DO UPDATE SET {update_sql}",
                        [
                            pgarrays.ints(k[0] for k in chunk),
                            pgarrays.ints(k[2] for k in chunk),
                            pgarrays.ints(k[3] for k in chunk),
                            pgarrays.ints(k[1] for k in chunk),
                            pgarrays.numbers(c.total for c in cells),
                            pgarrays.ints(c.count for c in cells),
                            pgarrays.numbers(c.last_total for c in cells),
                            pgarrays.numbers(c.minimum for c in cells),
                            pgarrays.numbers(c.maximum for c in cells),
                        ],
                    )
                self._recompute_extremes(check_min, check_max)
                return len(keys)
            for i in range(0, len(keys), BATCH):
                chunk = keys[i : i + BATCH]
                params: list[Any] = []
                for de, coc, unit, period in chunk:
                    d = deltas[(de, coc, unit, period)]
                    params.extend((de, unit, period, coc, d.total, d.count, d.last_total, d.minimum, d.maximum))
                placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
                # Only quoted column names and placeholders are interpolated; the values are parameters.
                cursor.execute(
                    f"INSERT INTO {t} ({column_sql}) VALUES {placeholders} "  # noqa: S608
                    f"ON CONFLICT ({conflict}) DO UPDATE SET {update_sql}",
                    params,
                )
        self._recompute_extremes(check_min, check_max)
        return len(keys)

    def _recompute_extremes(self, check_min: set[CellKey], check_max: set[CellKey]) -> None:
        """Cells whose extreme may have been the value that changed: recompute them from their
        children's cells and the unit's own values, deepest units first."""
        olds: dict[CellKey, list[Decimal]] = defaultdict(list)
        depth: dict[int, int] = {}
        for change in self.changes:
            if change.old is None:
                continue
            for level, unit_id in enumerate(change.stored_path_ids):
                depth[unit_id] = level
                for period in self._containing[change.period.iso]:
                    olds[
                        (change.data_element_id, change.option_combo_id, unit_id, self._periods[period.iso].pk)
                    ].append(change.old)
        cells = check_min | check_max
        if not cells:
            return
        for key in sorted(cells, key=lambda k: (-depth.get(k[2], 0), k)):
            de, coc, unit, period_id = key
            cell = AggregateValue.objects.filter(
                data_element_id=de, option_combo_id=coc, org_unit_id=unit, period_id=period_id
            ).first()
            if cell is None:
                continue
            stale_min = key in check_min and cell.minimum is not None and cell.minimum in olds[key]
            stale_max = key in check_max and cell.maximum is not None and cell.maximum in olds[key]
            if not (stale_min or stale_max):
                continue
            stored_period = self._period_by_id(period_id)
            children = AggregateValue.objects.filter(
                data_element_id=de, option_combo_id=coc, period_id=period_id, org_unit__parent_id=unit
            ).aggregate(low=Min("minimum"), high=Max("maximum"))
            # The unit's own values and those of its children that keep no cells (communities).
            own = DataValue.objects.filter(
                Q(org_unit_id=unit) | Q(org_unit__parent_id=unit, org_unit__level=LEAF_LEVEL),
                data_element_id=de,
                option_combo_id=coc,
                period__start_date__gte=stored_period.start_date,
                period__end_date__lte=stored_period.end_date,
                deleted=False,
                value__isnull=False,
            ).aggregate(low=Min("value"), high=Max("value"))
            lows = [v for v in (children["low"], own["low"]) if v is not None]
            highs = [v for v in (children["high"], own["high"]) if v is not None]
            fields = {}
            if stale_min:
                fields["minimum"] = min(lows) if lows else None
            if stale_max:
                fields["maximum"] = max(highs) if highs else None
            AggregateValue.objects.filter(pk=cell.pk).update(**fields)

    def _period_by_id(self, period_id: int) -> Period:  # the stored row
        for period in self._periods.values():
            if period.pk == period_id:
                return period
        return Period.objects.get(pk=period_id)
