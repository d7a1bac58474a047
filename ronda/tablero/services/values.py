"""Data values: every value a form, an import or the DHIS2 API saves, checked row by row and written
with its aggregates in the same transaction (``tablero.aggregation``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.tenancy import Acting, is_person
from ronda.tablero import aggregation, bulk, policies
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import (
    CategoryOptionCombo,
    DataElement,
    DataValue,
    Period,
    TableroAction,
    ValueType,
)
from ronda.territory.models import OrgUnit

if TYPE_CHECKING:
    pass

COMMENT_LIMIT = 500
# Bigger than any count a municipality reports, small enough for the aggregate columns.
VALUE_LIMIT = Decimal("1e15")
MAX_PLAIN_DIGITS = 15  # a string of at most 15 digits is a whole number below VALUE_LIMIT
FOUR_PLACES = Decimal("0.0001")


# --- Data values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueInput:
    """One value as a form, an import or the DHIS2 API gives it (already resolved to objects)."""

    data_element: DataElement
    option_combo: CategoryOptionCombo
    org_unit: OrgUnit
    period: str
    # The text typed (None or "": delete the value).
    value: str | Decimal | int | None
    comment: str = ""
    row: int | None = None


def value_key(element_id: int, combo_id: int, unit_id: int, period: iso_periods.Period) -> int:
    """A value's key (element, combination, unit, period) as one int: an import of a million values
    remembers every key it has read, to report a repeated one, and ints take a third of the
    memory of tuples. Ids below 2**48 (a bigint sequence never gets there) keep the keys distinct."""
    slot = period.start.toordinal() * len(iso_periods.ORDER) + iso_periods.ORDER.index(period.period_type)
    return (((element_id << 48 | combo_id) << 48 | unit_id) << 32) | slot


@dataclass(frozen=True)
class RowError:
    row: int | None
    field: str
    message: str


@dataclass
class SaveResult:
    imported: int = 0
    updated: int = 0
    deleted: int = 0
    ignored: int = 0
    errors: list[RowError] = field(default_factory=list)
    # A dry run with ``keep_checked``: every row that passed, with the number it stands for (None:
    # delete), for an import to stage (``tablero.imports``) without parsing every value twice.
    checked: list[tuple[ValueInput, Decimal | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ValuesRejected(Exception):
    def __init__(self, result: SaveResult) -> None:
        super().__init__(f"{len(result.errors)} rows rejected")
        self.result = result


def parse_value(element: DataElement, raw: str | Decimal | int | None) -> tuple[Decimal | None, str | None]:
    """The number a text stands for under the element's value type, or the reason it does not."""
    if raw is None:
        return None, None
    text = str(raw).strip()
    if text == "":
        return None, None
    if element.value_type == ValueType.BOOLEAN:
        lowered = text.lower()
        if lowered in ("true", "1", "sí", "si", "yes"):
            return Decimal(1), None
        if lowered in ("false", "0", "no"):
            return Decimal(0), None
        return None, _("Write yes or no.")
    if len(text) <= MAX_PLAIN_DIGITS and text.isascii() and text.isdigit():
        # A whole number of at most 15 digits (what a million-value import holds): below VALUE_LIMIT,
        # no decimals, not negative; only the type's range and the bounds are left to check.
        number = Decimal(text)
    else:
        try:
            number = Decimal(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else Decimal(text)
        except InvalidOperation:
            return None, _("“%(value)s” is not a number.") % {"value": text[:40]}
        if not number.is_finite() or abs(number) >= VALUE_LIMIT:
            return None, _("“%(value)s” is not a number.") % {"value": text[:40]}
        if number != number.quantize(FOUR_PLACES):
            return None, _("Use at most four decimals.")
        if (
            element.value_type in (ValueType.INTEGER, ValueType.INTEGER_ZERO_OR_POSITIVE)
            and number != number.to_integral_value()
        ):
            return None, _("Write a whole number.")
        if element.value_type == ValueType.INTEGER_ZERO_OR_POSITIVE and number < 0:
            return None, _("Write zero or a positive number.")
    if element.value_type == ValueType.PERCENTAGE and not 0 <= number <= 100:
        return None, _("A percentage is between 0 and 100.")
    if element.minimum is not None and number < element.minimum:
        return None, _("The lowest valid value is %(min)s.") % {"min": element.minimum.normalize()}
    if element.maximum is not None and number > element.maximum:
        return None, _("The highest valid value is %(max)s.") % {"max": element.maximum.normalize()}
    return number, None


@transaction.atomic
def save_values(
    *,
    actor: Acting,
    values: Sequence[ValueInput],
    atomic: bool = True,
    dry_run: bool = False,
    action: str = TableroAction.VALUES_SAVED,
    today: dt.date | None = None,
    keep_checked: bool = False,
) -> SaveResult:
    """Check every value, then (unless ``dry_run``, or ``atomic`` and a row failed) write them with
    their aggregates. A value equal to the stored one is ignored; an empty value deletes. A dry run
    with ``keep_checked`` returns the rows that passed in ``SaveResult.checked``."""
    person = is_person(actor)  # refuses a forgotten actor (None) before anything is read
    if not atomic and any(item.row is None for item in values):
        raise ValueError("without atomic, every value carries its row (errors name the rows left out)")
    today = today or timezone.localdate()
    result = SaveResult()
    checked: list[tuple[ValueInput, iso_periods.Period, Decimal | None]] = []
    seen: set[tuple[int, int, int, str]] = set()
    writable: dict[int, bool] = {}
    for item in values:
        problems = _row_problems(actor, item, today, person=person, writable=writable)
        parsed: Decimal | None = None
        period: iso_periods.Period | None = None
        if not problems:
            period = iso_periods.parse(item.period)
            parsed, problem = parse_value(item.data_element, item.value)
            if problem:
                problems.append(("value", problem))
            key = (item.data_element.id, item.option_combo.id, item.org_unit.id, period.iso)
            if key in seen:
                problems.append(("value", _("This value appears twice.")))
            seen.add(key)
        if problems:
            result.errors.extend(RowError(item.row, f, m) for f, m in problems)
            continue
        assert period is not None
        if parsed == 0 and not item.data_element.zero_is_significant:
            parsed = None  # DHIS2: a zero that is not significant is no data.
        checked.append((item, period, parsed))
    # An approved period is read-only until reopened, whichever way the value comes (form, import,
    # DHIS2 API): the data set periods are locked so that an approval waits for this save.
    from ronda.tablero.entry import check_not_approved  # entry builds on this module

    refused = check_not_approved([item for item, _p, _v in checked], lock=not dry_run)
    if refused:
        result.errors.extend(refused)
        # Without atomic (DHIS2 imports) the other rows go on: rows are numbered there.
        refused_rows = {e.row for e in refused}
        checked = [c for c in checked if c[0].row is None or c[0].row not in refused_rows]
    if (atomic and result.errors) or dry_run:
        if not dry_run:
            raise ValuesRejected(result)
        _count(result, checked, _stored(checked))
        if keep_checked:
            result.checked = [(item, value) for item, _period, value in checked]
        return result
    stored = _stored(checked, lock=True)
    changes = _count(result, checked, stored)
    if not changes:
        return result
    # A unit's path read once (an import names each community for every element).
    path_ids: dict[int, tuple[int, ...]] = {}
    for item, *_rest in changes:
        if item.org_unit.id not in path_ids:
            path_ids[item.org_unit.id] = tuple(int(s) for s in item.org_unit.path.split(".") if s)
    update = aggregation.AggregateUpdate(
        [
            aggregation.Change(
                data_element_id=item.data_element.id,
                option_combo_id=item.option_combo.id,
                org_unit_id=item.org_unit.id,
                unit_path_ids=path_ids[item.org_unit.id],
                period=db_period,
                old=old,
                new=new,
            )
            for item, db_period, old, new in changes
        ]
    )
    _write(actor, changes, stored)
    update.apply()
    audit.record(
        actor=actor,
        action=action,
        target=None,
        org_unit=_common_unit(changes),
        changes={
            "imported": result.imported,
            "updated": result.updated,
            "deleted": result.deleted,
            "values": len(changes),
        },
    )
    return result


def _row_problems(
    actor: Acting, item: ValueInput, today: dt.date, *, person: bool, writable: dict[int, bool]
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    try:
        period = iso_periods.parse(item.period)
    except iso_periods.InvalidPeriod:
        return [
            (
                "period",
                _("“%(period)s” is not a period (write 202403, 2024Q1, 2024S1 or 2024).")
                % {"period": str(item.period)[:20]},
            )
        ]
    if item.option_combo.combo_id != item.data_element.category_combo_id:
        problems.append(("option_combo", _("This disaggregation does not belong to the data element.")))
    if not iso_periods.is_open(period, today):
        problems.append(("period", _("The period %(period)s has not started yet.") % {"period": period.iso}))
    unit_id = item.org_unit.id
    if unit_id not in writable:  # asked once per unit (an import names each unit many times)
        writable[unit_id] = not person or policies.can_enter_values(actor, item.org_unit)
    if not writable[unit_id]:
        problems.append(("org_unit", _("You cannot enter values for %(unit)s.") % {"unit": item.org_unit.name}))
    if len(item.comment) > COMMENT_LIMIT:
        problems.append(("comment", _("A comment has at most %(max)d characters.") % {"max": COMMENT_LIMIT}))
    return problems


Key = tuple[int, int, int, str]
# A value to write: the input, its stored period, the old and the new number.
Change = tuple[ValueInput, Period, Decimal | None, Decimal | None]


def _stored(
    checked: Sequence[tuple[ValueInput, iso_periods.Period, Decimal | None]], *, lock: bool = False
) -> dict[Key, DataValue]:
    if not checked:
        return {}
    isos = {p.iso for _i, p, _v in checked}
    elements = {i.data_element.id for i, _p, _v in checked}
    units = sorted({i.org_unit.id for i, _p, _v in checked})
    out: dict[Key, DataValue] = {}
    for start in range(0, len(units), 500):
        query = DataValue.objects.filter(
            data_element_id__in=elements, org_unit_id__in=units[start : start + 500], period__iso__in=isos
        ).select_related("period")
        if lock:
            query = query.select_for_update(of=("self",))
        for row in query.order_by("pk"):
            out[(row.data_element_id, row.option_combo_id, row.org_unit_id, row.period.iso)] = row
    return out


def _count(
    result: SaveResult,
    checked: Sequence[tuple[ValueInput, iso_periods.Period, Decimal | None]],
    stored: dict[Key, DataValue],
) -> list[Change]:
    periods = aggregation.ensure_periods(p for _i, p, _v in checked) if checked else {}
    changes: list[Change] = []
    for item, period, new in checked:
        row = stored.get((item.data_element.id, item.option_combo.id, item.org_unit.id, period.iso))
        old = row.value if row is not None and not row.deleted else None
        if old == new and (row is None or row.comment == item.comment.strip()):
            result.ignored += 1
            continue
        if new is None:
            if old is None:
                result.ignored += 1
                continue
            result.deleted += 1
        elif old is None:
            result.imported += 1
        else:
            result.updated += 1
        changes.append((item, periods[period.iso], old, new))
    return changes


def _write(actor: Acting, changes: Sequence[Change], stored: dict[Key, DataValue]) -> None:
    user = actor.user if is_person(actor) else None
    now = timezone.now()
    if bulk.available():  # PostgreSQL: the rows as arrays, one statement each (decision 0017)
        arrays_new: list[bulk.NewRow] = []
        changed: list[bulk.ChangedRow] = []
        for item, db_period, _old, value in changes:
            row = stored.get((item.data_element.id, item.option_combo.id, item.org_unit.id, db_period.iso))
            comment = item.comment.strip()
            if row is None:
                arrays_new.append(
                    (
                        item.data_element.id,
                        item.option_combo.id,
                        item.org_unit.id,
                        db_period.id,
                        value,
                        comment,
                        value is None,
                    )
                )
            else:
                changed.append((row.id, value, value is None, comment))
        stored_by = user.pk if user is not None else None
        bulk.insert_values(arrays_new, stored_by_id=stored_by, now=now)
        bulk.update_values(changed, stored_by_id=stored_by, now=now)
        return
    new_rows: list[DataValue] = []
    updated: list[DataValue] = []
    for item, db_period, _old, new in changes:
        row = stored.get((item.data_element.id, item.option_combo.id, item.org_unit.id, db_period.iso))
        if row is None:
            new_rows.append(
                DataValue(
                    data_element=item.data_element,
                    option_combo=item.option_combo,
                    org_unit=item.org_unit,
                    period=db_period,
                    value=new,
                    comment=item.comment.strip(),
                    stored_by=user,
                    deleted=new is None,
                )
            )
        else:
            row.value = new
            row.deleted = new is None
            row.comment = item.comment.strip()
            row.stored_by = user
            row.updated_at = now
            updated.append(row)
    if new_rows:
        DataValue.objects.bulk_create(new_rows, batch_size=1000)
    if updated:
        DataValue.objects.bulk_update(
            updated, ["value", "deleted", "comment", "stored_by", "updated_at"], batch_size=500
        )


def _common_unit(changes: Sequence[Change]) -> OrgUnit | None:
    """The deepest unit that holds every changed value (for the trail's scope)."""
    paths = [item.org_unit.path for item, *_rest in changes]
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[: prefix.rstrip(".").rfind(".") + 1]
    if not prefix:
        return None
    unit_id = int(prefix.rstrip(".").split(".")[-1])
    for item, *_rest in changes:
        if item.org_unit.pk == unit_id:
            return item.org_unit
    return OrgUnit.objects.filter(pk=unit_id).first()
