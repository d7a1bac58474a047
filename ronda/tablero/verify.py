"""The aggregates checked against the values they come from (``manage.py tablero_verify``).

``tablero.aggregation`` keeps every :class:`~ronda.tablero.models.AggregateValue` cell up to date by
difference, in the writing transaction. This recomputes the cells from the stored
:class:`~ronda.tablero.models.DataValue` rows, by the same definition as the oracle
``selectors.from_values`` (a cell: element × option combination × a unit's whole subtree × a period
and every coarser one; ``total``, ``count``, ``minimum``, ``maximum`` over the values counted,
``last_total`` the sum of each unit × combination's latest value in the period), and reports every
cell that differs: missing, extra (a stored cell with something in it and no value behind it) or
wrong. ``fix=True`` rewrites those cells (an upsert, or a delete for an extra one).

The deepest units (communities) keep no stored cells (``selectors.cell_rows`` computes theirs from
their values): a stored cell of a community is reported as extra.

**How, at 12 million values.** Every part of a cell adds up over the subtree: a unit's cell is its
own values' cell plus its children's cells (``last_total`` too: each contributing unit's latest
value counts once, in its own cell and then in its ancestors'). So the units are walked bottom-up
(depth first, children before their parent): a unit's own values are read (``DataValue``'s
(unit, period) index, streamed), its children's cells added, the result compared with its stored
cells (``AggregateValue``'s key, led by the element: ``element IN (…) AND unit = U``) and handed to
the parent; a finished unit's cells are dropped. Memory holds the cells of the units on the current
path only (at most the country's: elements × combinations × periods); every value and every stored
cell is read once; two queries per unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from ronda.core import audit
from ronda.core.models import AuditAction
from ronda.core.tenancy import SystemActor
from ronda.tablero import periods as iso_periods
from ronda.tablero.aggregation import ensure_periods
from ronda.tablero.models import AggregateValue, DataElement, DataValue
from ronda.tablero.selectors import LEAF_LEVEL
from ronda.territory.models import Level, OrgUnit

CHUNK_ROWS = 5000
QUANTUM = Decimal("0.0001")  # the aggregates keep 4 decimals
VERIFIER = SystemActor(reason="tablero_verify")
MAX_KEPT = 1000  # differences kept in the report (all are counted and passed to ``on_difference``)

# (data element, option combination, org unit, period ISO)
Key = tuple[int, int, int, str]
# A unit's cells: (data element, option combination, period ISO)
CellKey = tuple[int, int, str]


@dataclass
class Cell:
    total: Decimal = Decimal(0)
    count: int = 0
    last_total: Decimal = Decimal(0)
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    def add(self, value: Decimal) -> None:
        self.total += value
        self.count += 1
        self.minimum = value if self.minimum is None or value < self.minimum else self.minimum
        self.maximum = value if self.maximum is None or value > self.maximum else self.maximum

    def merge(self, other: Cell) -> None:
        self.total += other.total
        self.count += other.count
        self.last_total += other.last_total
        if other.minimum is not None and (self.minimum is None or other.minimum < self.minimum):
            self.minimum = other.minimum
        if other.maximum is not None and (self.maximum is None or other.maximum > self.maximum):
            self.maximum = other.maximum

    def as_tuple(self) -> tuple[object, ...]:
        def q(value: Decimal | None) -> Decimal | None:
            return None if value is None else Decimal(value).quantize(QUANTUM)

        return (q(self.total), self.count, q(self.last_total), q(self.minimum), q(self.maximum))

    @property
    def empty(self) -> bool:
        return (
            self.count == 0 and not self.total and not self.last_total and self.minimum is None and self.maximum is None
        )


@dataclass(frozen=True)
class Difference:
    key: Key
    stored: Cell | None
    expected: Cell | None

    @property
    def kind(self) -> str:
        if self.stored is None:
            return "missing"
        if self.expected is None:
            return "extra"
        return "wrong"


@dataclass
class Report:
    country: OrgUnit
    values: int = 0
    cells: int = 0
    units: int = 0
    different: int = 0
    differences: list[Difference] = field(default_factory=list)
    fixed: int = 0

    def add(self, found: list[Difference]) -> None:
        self.different += len(found)
        self.differences += found[: max(0, MAX_KEPT - len(self.differences))]


_containing_cache: dict[str, tuple[str, ...]] = {}


def _containing(iso: str, start: dt.date, end: dt.date, period_type: str) -> tuple[str, ...]:
    found = _containing_cache.get(iso)
    if found is None:
        period = iso_periods.Period(start=start, end=end, period_type=period_type, iso=iso)
        found = tuple(p.iso for p in iso_periods.containing(period))
        _containing_cache[iso] = found
    return found


def own_cells(unit_id: int) -> tuple[dict[CellKey, Cell], int]:
    """The cells of one unit's own values (its subtree left out), and how many values there were."""
    cells: dict[CellKey, Cell] = defaultdict(Cell)
    # The latest value of each (element, combination) in each period, for ``last_total``.
    latest: dict[CellKey, tuple[tuple[dt.date, dt.date], Decimal]] = {}
    rows = (
        DataValue.objects.filter(org_unit_id=unit_id, deleted=False, value__isnull=False)
        .values_list(
            "data_element_id",
            "option_combo_id",
            "period__iso",
            "period__start_date",
            "period__end_date",
            "period__period_type",
            "value",
        )
        .order_by()
    )
    read = 0
    for de, coc, iso, start, end, period_type, value in rows.iterator(chunk_size=CHUNK_ROWS):
        if value is None:  # excluded by the query; for the type checker
            continue
        read += 1
        when = (end, start)
        for container in _containing(iso, start, end, period_type):
            key = (de, coc, container)
            cells[key].add(value)
            held = latest.get(key)
            if held is None or when > held[0]:
                latest[key] = (when, value)
    for key, (_when, value) in latest.items():
        cells[key].last_total += value
    return cells, read


def stored_cells(unit_id: int, element_ids: list[int]) -> dict[CellKey, Cell]:
    # With the elements as a list: the table's only index is its key (element, unit, period, combination).
    rows = AggregateValue.objects.filter(data_element_id__in=element_ids, org_unit_id=unit_id).values_list(
        "data_element_id", "option_combo_id", "period__iso", "total", "count", "last_total", "minimum", "maximum"
    )
    return {
        (de, coc, iso): Cell(total, count, last, low, high)
        for de, coc, iso, total, count, last, low, high in rows.iterator(chunk_size=CHUNK_ROWS)
    }


def compare(unit_id: int, expected: dict[CellKey, Cell], stored: dict[CellKey, Cell]) -> list[Difference]:
    out = []
    for (de, coc, iso), cell in expected.items():
        found = stored.get((de, coc, iso))
        if found is None:
            out.append(Difference((de, coc, unit_id, iso), None, cell))
        elif found.as_tuple() != cell.as_tuple():
            out.append(Difference((de, coc, unit_id, iso), found, cell))
    for (de, coc, iso), cell in stored.items():
        if (de, coc, iso) not in expected and not cell.empty:
            out.append(Difference((de, coc, unit_id, iso), cell, None))
    return out


def rewrite(differences: list[Difference]) -> int:
    """The differing cells written as recomputed (an extra cell deleted)."""
    for difference in differences:
        if difference.expected is None:
            de, coc, unit, iso = difference.key
            AggregateValue.objects.filter(
                data_element_id=de, option_combo_id=coc, org_unit_id=unit, period__iso=iso
            ).delete()
    wanted = [d for d in differences if d.expected is not None]
    if wanted:
        periods = ensure_periods(iso_periods.parse(iso) for iso in {d.key[3] for d in wanted})
        rows = []
        for difference in wanted:
            de, coc, unit, iso = difference.key
            cell = difference.expected
            assert cell is not None
            rows.append(
                AggregateValue(
                    data_element_id=de,
                    option_combo_id=coc,
                    org_unit_id=unit,
                    period=periods[iso],
                    total=cell.total,
                    count=cell.count,
                    last_total=cell.last_total,
                    minimum=cell.minimum,
                    maximum=cell.maximum,
                )
            )
        AggregateValue.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["data_element", "org_unit", "period", "option_combo"],
            update_fields=["total", "count", "last_total", "minimum", "maximum"],
        )
    return len(differences)


def verify_country(
    country: OrgUnit, *, fix: bool = False, on_difference: Callable[[Difference], None] | None = None
) -> Report:
    """Recompute the country's aggregates and compare; with ``fix``, rewrite the differing cells in
    one transaction (audited as the system), else write nothing."""
    if not fix:
        return _verify(country, fix=False, on_difference=on_difference)
    with transaction.atomic():
        report = _verify(country, fix=True, on_difference=on_difference)
        if report.fixed:
            audit.record(
                actor=VERIFIER,
                action=AuditAction.UPDATE,
                target=country,
                org_unit=country,
                changes={"aggregate_cells_repaired": [report.different, 0]},
            )
        return report


def _children(country: OrgUnit) -> tuple[dict[int, list[int]], set[int]]:
    """Each unit's children, and the units of the deepest level (they keep no stored cells)."""
    children: dict[int, list[int]] = defaultdict(list)
    leaves: set[int] = set()
    units = (
        OrgUnit.objects.filter(path__startswith=country.path).order_by("path").values_list("id", "parent_id", "level")
    )
    for pk, parent, level in units.iterator(chunk_size=CHUNK_ROWS):
        if level == LEAF_LEVEL:
            leaves.add(pk)
        if pk != country.pk and parent is not None:
            children[parent].append(pk)
    return children, leaves


def _verify(country: OrgUnit, *, fix: bool, on_difference: Callable[[Difference], None] | None) -> Report:
    report = Report(country)
    children, leaves = _children(country)
    element_ids = list(DataElement.objects.order_by("pk").values_list("pk", flat=True))

    # Depth first, children before their parent, without recursion: a stack of (unit, its cells, the
    # children still to visit). A unit's cells start as its own values' and gather its children's.
    def start(unit_id: int) -> tuple[int, dict[CellKey, Cell], list[int]]:
        cells, read = own_cells(unit_id)
        report.values += read
        return unit_id, cells, list(reversed(children.get(unit_id, [])))

    stack = [start(country.pk)]
    while stack:
        unit_id, cells, pending = stack[-1]
        if pending:
            stack.append(start(pending.pop()))
            continue
        stack.pop()
        report.units += 1
        report.cells += len(cells)
        # A community's cells are computed from its values when read: none should be stored.
        found = compare(unit_id, {} if unit_id in leaves else cells, stored_cells(unit_id, element_ids))
        if found:
            if fix:
                report.fixed += rewrite(found)
            report.add(found)
            if on_difference is not None:
                for difference in found:
                    on_difference(difference)
        if stack:
            parent_cells = stack[-1][1]
            for key, cell in cells.items():
                target = parent_cells.get(key)
                if target is None:
                    parent_cells[key] = cell
                else:
                    target.merge(cell)
    return report


def countries(code: str | None = None) -> list[OrgUnit]:
    units = OrgUnit.objects.filter(level=Level.COUNTRY).order_by("code")
    if code is not None:
        units = units.filter(code=code)
    return list(units)
