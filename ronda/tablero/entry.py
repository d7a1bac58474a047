"""Data entry (issue #10 item 3): the entry grid of a data set × org unit × period, the period's
status (open → submitted → approved, reopened with a reason) and the "due and missing" list.

Values are still written by ``services.save_values`` alone; this module wraps it:
``save_batch`` locks the data set periods the values fall in, refuses values of an approved period
(``check_not_approved``) and values that break a rule (``tablero.rules``), then calls it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.services import versioned_update
from ronda.core.tenancy import Acting, is_person
from ronda.tablero import aggregation, policies, policies_entry, rules, services
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import (
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataSetPeriod,
    DataValue,
    Period,
    PeriodStatus,
    TableroAction,
)
from ronda.territory.models import OrgUnit

REASON_LIMIT = 500


# --- Approved periods: the check every write path makes -------------------------------------


def approved_keys(
    data_set_ids: Iterable[int], unit_ids: Iterable[int], period_ids: Iterable[int]
) -> set[tuple[int, int, int]]:
    """(data set, unit, period) of the approved data set periods among those given."""
    rows = DataSetPeriod.objects.filter(
        data_set_id__in=list(data_set_ids),
        org_unit_id__in=list(unit_ids),
        period_id__in=list(period_ids),
        status=PeriodStatus.APPROVED,
    ).values_list("data_set_id", "org_unit_id", "period_id")
    return set(rows)


def check_not_approved(values: Sequence[services.ValueInput], *, lock: bool = False) -> list[services.RowError]:
    """A row error for every value that falls in an approved period of a data set holding its element
    (at that unit and period). ``lock`` takes the data set periods' row locks (inside a transaction),
    so that an approval waits for the save that checked it, and the other way round."""
    if not values:
        return []
    isos: set[str] = set()
    for item in values:
        try:
            isos.add(iso_periods.parse(item.period).iso)
        except iso_periods.InvalidPeriod:
            continue  # save_values reports it
    elements = {item.data_element.id for item in values}
    units = {item.org_unit.id for item in values}
    members: dict[int, set[int]] = defaultdict(set)
    for data_set_id, element_id in DataSet.data_elements.through.objects.filter(
        dataelement_id__in=elements
    ).values_list("dataset_id", "dataelement_id"):
        members[element_id].add(data_set_id)
    data_sets = {ds for found in members.values() for ds in found}
    if not data_sets or not isos:
        return []
    query = DataSetPeriod.objects.filter(
        data_set_id__in=data_sets, org_unit_id__in=units, period__iso__in=isos
    ).select_related("period")
    if lock:
        query = query.select_for_update(of=("self",))
    approved = [p for p in query.order_by("pk") if p.status == PeriodStatus.APPROVED]
    if not approved:
        return []
    closed = {(p.data_set_id, p.org_unit_id, p.period.iso) for p in approved}
    errors = []
    for item in values:
        try:
            iso = iso_periods.parse(item.period).iso
        except iso_periods.InvalidPeriod:
            continue
        if any((ds, item.org_unit.id, iso) in closed for ds in members[item.data_element.id]):
            errors.append(
                services.RowError(
                    item.row,
                    "period",
                    _("The period %(period)s of %(unit)s is approved: reopen it to change its values.")
                    % {"period": iso, "unit": item.org_unit.name},
                )
            )
    return errors


# --- Rules ----------------------------------------------------------------------------------


RULE_UNITS = 500


def rule_errors(values: Sequence[services.ValueInput]) -> list[services.RowError]:
    """Row errors for the values that break a rule (``tablero.rules``), with what is being saved
    taken over what is stored for the same unit and period. Rows whose value is not a number are
    left to ``save_values``."""
    codes = {item.data_element.code for item in values}
    candidates = [r for r in rules.RULES if codes & set(r.element_codes)]
    if not candidates:
        return []
    wanted = {c for r in candidates for c in r.element_codes}
    owners = {item.data_element.owner_id for item in values}
    elements = {e.pk: e for e in DataElement.objects.filter(code__in=wanted, owner_id__in=owners)}
    combos = dict(CategoryOptionCombo.objects.filter(combo__data_elements__in=elements).values_list("pk", "code"))
    # (unit, period iso) -> (element code, coc code) -> value
    figures: dict[tuple[int, str], dict[tuple[str, str], Decimal]] = defaultdict(dict)
    rows_of: dict[tuple[int, str], dict[str, list[int | None]]] = defaultdict(lambda: defaultdict(list))
    typed: list[tuple[services.ValueInput, str, Decimal | None]] = []
    for item in values:
        try:
            iso = iso_periods.parse(item.period).iso
        except iso_periods.InvalidPeriod:
            continue
        number, problem = services.parse_value(item.data_element, item.value)
        if problem:
            continue
        typed.append((item, iso, number))
    if not typed:
        return []
    # The stored values of the same cells, RULE_UNITS units at a time: an import names 50,000
    # communities, and one IN list that long made PostgreSQL scan the whole values table.
    period_isos = dict(Period.objects.filter(iso__in={iso for _i, iso, _n in typed}).values_list("pk", "iso"))
    units = sorted({i.org_unit.pk for i, _iso, _n in typed})
    for start in range(0, len(units) if period_isos else 0, RULE_UNITS):
        stored = DataValue.objects.filter(
            data_element_id__in=elements,
            org_unit_id__in=units[start : start + RULE_UNITS],
            period_id__in=period_isos,
            deleted=False,
        ).values_list("data_element_id", "option_combo_id", "org_unit_id", "period_id", "value")
        for element_id, coc_id, unit_id, period_id, value in stored:
            if value is not None:
                figures[(unit_id, period_isos[period_id])][(elements[element_id].code, combos.get(coc_id, ""))] = value
    for item, iso, number in typed:
        key = (item.org_unit.pk, iso)
        cell = (item.data_element.code, item.option_combo.code)
        if item.data_element.pk not in elements:
            continue
        if number is None:
            figures[key].pop(cell, None)
        else:
            figures[key][cell] = number
        rows_of[key][item.data_element.code].append(item.row)
    errors: list[services.RowError] = []
    for key, cells in figures.items():
        for rule in candidates:
            sides = []
            for text in (rule.left, rule.right):
                code, combo = rule.side(text)
                found = [v for (c, coc), v in cells.items() if c == code and (combo is None or coc == combo)]
                sides.append(sum(found, Decimal(0)) if found else None)
            left, right = sides
            if left is None or right is None or rule.holds(left, right):
                continue
            for code in rule.element_codes:
                errors.extend(services.RowError(row, "value", str(rule.message)) for row in rows_of[key].get(code, []))
    return errors


# --- Saving ---------------------------------------------------------------------------------


@transaction.atomic
def save_batch(
    *,
    actor: Acting,
    values: Sequence[services.ValueInput],
    today: dt.date | None = None,
    action: str = TableroAction.VALUES_SAVED,
) -> services.SaveResult:
    """``save_values`` (atomic) after the checks of entry: no value in an approved period (under the
    data set periods' row locks), every rule kept. Raises ``ValuesRejected`` with every row's problems."""
    refused = check_not_approved(values, lock=True) + rule_errors(values)
    if refused:
        checked = services.save_values(actor=actor, values=values, dry_run=True, today=today)
        result = services.SaveResult(errors=sorted({*checked.errors, *refused}, key=_error_order))
        raise services.ValuesRejected(result)
    return services.save_values(actor=actor, values=values, today=today, action=action)


def _error_order(error: services.RowError) -> tuple[int, str, str]:
    return (error.row if error.row is not None else -1, error.field, error.message)


def save_entry(
    *,
    actor: Acting,
    data_set: DataSet,
    org_unit: OrgUnit,
    period: str,
    values: Sequence[services.ValueInput],
    today: dt.date | None = None,
) -> services.SaveResult:
    """The entry form's save: the actor must be allowed to enter this data set at this unit, and
    every value must be of the data set, the unit and the period."""
    if not policies_entry.can_enter_data_set(actor, data_set, org_unit):
        raise PermissionDenied
    members = set(data_set.data_elements.values_list("pk", flat=True))
    for item in values:
        if item.data_element.pk not in members or item.org_unit.pk != org_unit.pk or item.period != period:
            raise ValueError("a value outside the entry form's data set, unit or period")
    return save_batch(actor=actor, values=values, today=today)


# --- Period status --------------------------------------------------------------------------


def _stored_period(period: iso_periods.Period) -> Period:
    return aggregation.ensure_periods([period])[period.iso]


def _locked(data_set: DataSet, unit: OrgUnit, period: iso_periods.Period) -> DataSetPeriod | None:
    return (
        DataSetPeriod.objects.select_for_update()
        .filter(data_set=data_set, org_unit=unit, period__iso=period.iso)
        .first()
    )


@transaction.atomic
def submit_period(
    *, actor: Acting, data_set: DataSet, org_unit: OrgUnit, period: iso_periods.Period, today: dt.date | None = None
) -> DataSetPeriod:
    """The focal point (or the coordinator) says the period's figures are complete."""
    if not policies_entry.can_enter_data_set(actor, data_set, org_unit):
        raise PermissionDenied
    if not iso_periods.is_open(period, today or timezone.localdate()):
        raise ValidationError({"period": _("The period %(period)s has not started yet.") % {"period": period.iso}})
    row = _locked(data_set, org_unit, period)
    user = actor.user if is_person(actor) else None
    if row is None:
        row = DataSetPeriod.objects.create(
            data_set=data_set,
            org_unit=org_unit,
            period=_stored_period(period),
            status=PeriodStatus.SUBMITTED,
            submitted_by=user,
            submitted_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=TableroAction.PERIOD_SUBMITTED,
            target=row,
            org_unit=org_unit,
            changes={"status": [PeriodStatus.OPEN, PeriodStatus.SUBMITTED]},
        )
        return row
    if row.status == PeriodStatus.SUBMITTED:
        return row  # submitted twice (a second tab, a retried request): nothing to change
    if row.status != PeriodStatus.OPEN:
        raise ValidationError({"status": _("This period is approved: it cannot be submitted again.")})
    return versioned_update(
        actor=actor,
        instance=row,
        expected_version=None,
        changes={"status": PeriodStatus.SUBMITTED, "submitted_by": user, "submitted_at": timezone.now()},
        org_unit=org_unit,
        action=TableroAction.PERIOD_SUBMITTED,
    )


@transaction.atomic
def approve_period(*, actor: Acting, data_set: DataSet, org_unit: OrgUnit, period: iso_periods.Period) -> DataSetPeriod:
    """The coordinator approves a submitted period: its values are read-only until reopened."""
    if not policies_entry.can_approve(actor, data_set, org_unit):
        raise PermissionDenied
    row = _locked(data_set, org_unit, period)
    if row is not None and row.status == PeriodStatus.APPROVED:
        return row  # approved twice: nothing to change
    if row is None or row.status != PeriodStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted period can be approved.")})
    return versioned_update(
        actor=actor,
        instance=row,
        expected_version=None,
        changes={
            "status": PeriodStatus.APPROVED,
            "approved_by": actor.user if is_person(actor) else None,
            "approved_at": timezone.now(),
        },
        org_unit=org_unit,
        action=TableroAction.PERIOD_APPROVED,
    )


@transaction.atomic
def reopen_period(
    *, actor: Acting, data_set: DataSet, org_unit: OrgUnit, period: iso_periods.Period, reason: str
) -> DataSetPeriod:
    """Back to open, with the reason in the trail; a submitted period may be reopened too."""
    if not policies_entry.can_approve(actor, data_set, org_unit):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the period is reopened.")})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": _("A reason has at most %(max)d characters.") % {"max": REASON_LIMIT}})
    row = _locked(data_set, org_unit, period)
    if row is None or row.status == PeriodStatus.OPEN:
        raise ValidationError({"status": _("This period is already open.")})
    return versioned_update(
        actor=actor,
        instance=row,
        expected_version=None,
        changes={"status": PeriodStatus.OPEN, "reopen_reason": reason, "approved_by": None, "approved_at": None},
        org_unit=org_unit,
        action=TableroAction.PERIOD_REOPENED,
    )


def period_status(data_set: DataSet, unit: OrgUnit, period: iso_periods.Period) -> DataSetPeriod | None:
    return (
        DataSetPeriod.objects.filter(data_set=data_set, org_unit=unit, period__iso=period.iso)
        .select_related("submitted_by", "approved_by")
        .first()
    )


# --- The grid -------------------------------------------------------------------------------


@dataclass
class GridCell:
    element: DataElement
    option_combo: CategoryOptionCombo
    stored: DataValue | None = None
    typed: str | None = None
    comment: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"v-{self.element.pk}-{self.option_combo.pk}"

    @property
    def comment_name(self) -> str:
        return f"c-{self.element.pk}-{self.option_combo.pk}"

    @property
    def text(self) -> str:
        """What the input shows: what the user typed, else the stored value."""
        if self.typed is not None:
            return self.typed
        if self.stored is None or self.stored.deleted or self.stored.value is None:
            return ""
        value = self.stored.value
        return format(value.normalize(), "f")

    @property
    def comment_text(self) -> str:
        if self.comment is not None:
            return self.comment
        return self.stored.comment if self.stored is not None and not self.stored.deleted else ""


@dataclass
class GridRow:
    element: DataElement
    cells: list[GridCell]

    @property
    def total(self) -> Decimal | None:
        found = None
        for cell in self.cells:
            number, problem = services.parse_value(self.element, cell.text)
            if number is not None and not problem:
                found = (found or Decimal(0)) + number
        return found

    @property
    def errors(self) -> list[str]:
        return [e for c in self.cells for e in c.errors]


@dataclass
class GridTable:
    combo: CategoryCombo
    option_combos: list[CategoryOptionCombo]
    rows: list[GridRow]


def grid(data_set: DataSet, unit: OrgUnit, period: iso_periods.Period) -> list[GridTable]:
    """One table per category combination, one row per element, one cell per option combination,
    with the stored values (and who stored them). Four queries whatever the size."""
    elements = list(
        data_set.data_elements.filter(is_archived=False).select_related("category_combo").order_by("name", "pk")
    )
    combo_ids = {e.category_combo_id for e in elements}
    option_combos: dict[int, list[CategoryOptionCombo]] = defaultdict(list)
    for coc in CategoryOptionCombo.objects.filter(combo_id__in=combo_ids).order_by("combo_id", "sort_order", "pk"):
        option_combos[coc.combo_id].append(coc)
    stored = {
        (v.data_element_id, v.option_combo_id): v
        for v in DataValue.objects.filter(
            data_element__in=elements, org_unit=unit, period__iso=period.iso
        ).select_related("stored_by")
    }
    tables: dict[int, GridTable] = {}
    for element in elements:
        combo = element.category_combo
        table = tables.get(combo.pk)
        if table is None:
            table = tables[combo.pk] = GridTable(combo, option_combos[combo.pk], [])
        cells = [GridCell(element, coc, stored.get((element.pk, coc.pk))) for coc in option_combos[combo.pk]]
        table.rows.append(GridRow(element, cells))
    # The default combination (no disaggregation) first, then by name.
    return sorted(tables.values(), key=lambda t: (not t.combo.is_default, t.combo.name))


def read_grid(tables: list[GridTable], data: dict[str, str]) -> None:
    """Put what the form sent into the grid's cells (missing cells keep the stored value)."""
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.name in data:
                    cell.typed = data[cell.name][:100]
                if cell.comment_name in data:
                    cell.comment = data[cell.comment_name][:1000]


def grid_inputs(tables: list[GridTable], unit: OrgUnit, period: iso_periods.Period) -> list[services.ValueInput]:
    """The grid's cells as the values to save, numbered in the order of the form."""
    out: list[services.ValueInput] = []
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.typed is None and cell.comment is None:
                    continue
                out.append(
                    services.ValueInput(
                        data_element=row.element,
                        option_combo=cell.option_combo,
                        org_unit=unit,
                        period=period.iso,
                        value=cell.text,
                        comment=cell.comment_text,
                        row=len(out),
                    )
                )
    return out


def put_errors(
    tables: list[GridTable], values: Sequence[services.ValueInput], errors: Sequence[services.RowError]
) -> list[tuple[GridCell, str]]:
    """Attach each row error to its cell; the list of (cell, message) for the summary."""
    by_row = {v.row: v for v in values}
    cells = {(c.element.pk, c.option_combo.pk): c for t in tables for r in t.rows for c in r.cells}
    summary = []
    for error in errors:
        item = by_row.get(error.row)
        if item is None:
            continue
        cell = cells[(item.data_element.pk, item.option_combo.pk)]
        if error.message not in cell.errors:
            cell.errors.append(error.message)
            summary.append((cell, error.message))
    return summary


# --- Due and missing ------------------------------------------------------------------------


class Missing:
    NO_VALUES = "no_values"
    NOT_SUBMITTED = "not_submitted"
    NOT_APPROVED = "not_approved"


@dataclass
class DueRow:
    unit: OrgUnit
    period: iso_periods.Period
    due: dt.date
    state: str


@dataclass
class DueSummary:
    data_set: DataSet
    counts: dict[str, int]
    rows: list[DueRow]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def due_periods(data_set: DataSet, today: dt.date, *, months: int = 12) -> list[iso_periods.Period]:
    """The data set's periods of the last ``months`` months whose due date has passed, latest first."""
    start = today - dt.timedelta(days=31 * months)
    out: list[iso_periods.Period] = []
    period = iso_periods.of_type(data_set.period_type, today)
    while period.end >= start and period.start.year >= iso_periods.MIN_YEAR:
        if period.end + dt.timedelta(days=data_set.due_days) < today:
            out.append(period)
        period = period.previous()
    return out


def due_and_missing(
    actor: Acting, today: dt.date | None = None, *, preview: int = 10, months: int = 12
) -> list[DueSummary]:
    """For every data set the actor enters or approves: the (unit, period) pairs of its scope that
    are due and not approved, counted by state (no values, not submitted, submitted), with the
    first ``preview`` of them. The counts are whole; a fixed number of queries."""
    today = today or timezone.localdate()
    data_sets = list(policies_entry.entry_data_sets(actor).prefetch_related("data_elements"))
    if not data_sets:
        return []
    scope = actor.scope_path if is_person(actor) else ""
    levels = {ds.level for ds in data_sets}
    units = list(
        OrgUnit.objects.filter(path__startswith=scope or "", level__in=levels, is_active=True).order_by("path")
    )
    periods = {ds.pk: due_periods(ds, today, months=months) for ds in data_sets}
    isos = {p.iso for ps in periods.values() for p in ps}
    unit_ids = [u.pk for u in units]
    elements = {e.pk for ds in data_sets for e in ds.data_elements.all()}
    entered: set[tuple[int, int, str]] = set()
    if isos and unit_ids:
        entered = set(
            DataValue.objects.filter(
                data_element_id__in=elements, org_unit_id__in=unit_ids, period__iso__in=isos, deleted=False
            )
            .values_list("data_element_id", "org_unit_id", "period__iso")
            .distinct()
        )
    statuses = {
        (ds_id, unit_id, iso): status
        for ds_id, unit_id, iso, status in DataSetPeriod.objects.filter(
            data_set__in=data_sets, org_unit_id__in=unit_ids, period__iso__in=isos
        ).values_list("data_set_id", "org_unit_id", "period__iso", "status")
    }
    has_values: set[tuple[int, int, str]] = set()
    element_sets: dict[int, set[int]] = defaultdict(set)
    for ds in data_sets:
        for e in ds.data_elements.all():
            element_sets[e.pk].add(ds.pk)
    for element_id, unit_id, iso in entered:
        for ds_id in element_sets[element_id]:
            has_values.add((ds_id, unit_id, iso))
    out = []
    for ds in data_sets:
        counts = {Missing.NO_VALUES: 0, Missing.NOT_SUBMITTED: 0, Missing.NOT_APPROVED: 0}
        rows: list[DueRow] = []
        for unit in units:
            if unit.level != ds.level or not (
                policies_entry.can_enter_data_set(actor, ds, unit) or policies_entry.can_approve(actor, ds, unit)
            ):
                continue
            for period in periods[ds.pk]:
                key = (ds.pk, unit.pk, period.iso)
                status = statuses.get(key, PeriodStatus.OPEN)
                if status == PeriodStatus.APPROVED:
                    continue
                if status == PeriodStatus.SUBMITTED:
                    state = Missing.NOT_APPROVED
                elif key in has_values:
                    state = Missing.NOT_SUBMITTED
                else:
                    state = Missing.NO_VALUES
                counts[state] += 1
                if len(rows) < preview:
                    rows.append(DueRow(unit, period, period.end + dt.timedelta(days=ds.due_days), state))
        out.append(DueSummary(ds, counts, rows))
    return out


def visible_values_filter(actor: Acting) -> Q:
    """Values the actor reads (the API's list)."""
    return Q(org_unit__in=policies.readable_units(actor))
