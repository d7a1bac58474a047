"""Every write to the Tablero goes through here, audited in the same transaction.

Values are saved in batches (a form, an import, a DHIS2 ``dataValueSets`` POST): every row is
checked first and the problems are reported row by row (:class:`RowError`); with ``atomic`` (the
default) one problem writes nothing. The aggregates are updated in the same transaction
(``tablero.aggregation``), so the next request sees the new figures.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.tenancy import Acting, is_person
from ronda.tablero import aggregation, policies
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import (
    DEFAULT_COMBO_UID,
    DEFAULT_OPTION_COMBO_UID,
    CatalogueObject,
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataValue,
    Indicator,
    IndicatorFormula,
    Period,
    TableroAction,
    ValueType,
)
from ronda.territory.models import Level, OrgUnit

DEFAULT_CODE = "default"
NAME_LIMIT = 230
DESCRIPTION_LIMIT = 2_000
COMMENT_LIMIT = 500
# Bigger than any count a municipality reports, small enough for the aggregate columns.
VALUE_LIMIT = Decimal("1e15")


def _require_catalogue_manager(actor: Acting, owner: OrgUnit) -> None:
    if is_person(actor) and not policies.can_manage_catalogue(actor, owner):
        raise PermissionDenied


def _catalogue_errors(model: type[CatalogueObject], owner: OrgUnit, code: str, name: str) -> Errors:
    errors = Errors()
    if owner.level not in (Level.COUNTRY, Level.MUNICIPALITY):
        errors.add("owner", _("The catalogue belongs to a country or to a municipality."))
    if not code.strip():
        errors.add("code", _("Write a code."))
    elif len(code) > 50:
        errors.add("code", _("A code has at most 50 characters."))
    elif model._default_manager.filter(owner=owner, code=code.strip()).exists():
        errors.add("code", _("This code is already in use."))
    if not name.strip():
        errors.add("name", _("Write a name."))
    check_length(errors, "name", name, NAME_LIMIT)
    return errors


# --- Categories and combinations ------------------------------------------------------------


@transaction.atomic
def create_category(
    *, actor: Acting, owner: OrgUnit, code: str, name: str, options: Sequence[tuple[str, str]]
) -> Category:
    """A category with its options, given as (code, name) in order."""
    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(Category, owner, code, name)
    codes = [c.strip() for c, _n in options]
    if not options:
        errors.add("options", _("A category needs at least one option."))
    elif len(set(codes)) != len(codes) or not all(codes):
        errors.add("options", _("Each option needs its own code."))
    errors.raise_if_any()
    category = Category.objects.create(owner=owner, code=code.strip(), name=name.strip())
    audit.record_create(actor=actor, target=category, org_unit=owner)
    for order, (option_code, option_name) in enumerate(options):
        option = CategoryOption.objects.create(
            owner=owner, category=category, code=option_code.strip(), name=option_name.strip(), sort_order=order
        )
        audit.record_create(actor=actor, target=option, org_unit=owner)
    return category


def _option_combos(combo: CategoryCombo, categories: Sequence[Category]) -> None:
    """One option combination per element of the categories' product, named "Mujeres, 0–5 años"."""
    options = [list(c.options.order_by("sort_order", "id")) for c in categories]
    for order, chosen in enumerate(itertools.product(*options)):
        coc = CategoryOptionCombo.objects.create(
            combo=combo,
            key="-".join(str(o.pk) for o in sorted(chosen, key=lambda o: o.pk)),
            code="_".join(o.code for o in chosen),
            name=", ".join(o.name for o in chosen),
            sort_order=order,
        )
        coc.options.set(chosen)


@transaction.atomic
def create_category_combo(
    *, actor: Acting, owner: OrgUnit, code: str, name: str, categories: Sequence[Category]
) -> CategoryCombo:
    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(CategoryCombo, owner, code, name)
    if len({c.pk for c in categories}) != len(categories):
        errors.add("categories", _("Each category may appear once."))
    if not categories:
        errors.add("categories", _("Choose at least one category."))
    errors.raise_if_any()
    combo = CategoryCombo.objects.create(owner=owner, code=code.strip(), name=name.strip())
    combo.categories.set(categories)
    _option_combos(combo, categories)
    audit.record_create(actor=actor, target=combo, org_unit=owner)
    return combo


def default_combo() -> CategoryCombo:
    """The one combination without categories (one option combination, "default"), with DHIS2's
    fixed uids; created on first use."""
    combo = CategoryCombo.objects.filter(is_default=True).first()
    if combo is not None:
        return combo
    combo = CategoryCombo.objects.create(
        owner=None, uid=DEFAULT_COMBO_UID, code=DEFAULT_CODE, name=_("default"), is_default=True
    )
    CategoryOptionCombo.objects.create(
        combo=combo, uid=DEFAULT_OPTION_COMBO_UID, key="", code=DEFAULT_CODE, name=_("default")
    )
    return combo


# --- Data elements, indicators, data sets -----------------------------------------------------


@transaction.atomic
def create_data_element(
    *,
    actor: Acting,
    owner: OrgUnit,
    code: str,
    name: str,
    value_type: str,
    aggregation_type: str,
    category_combo: CategoryCombo | None = None,
    short_name: str = "",
    description: str = "",
    goal_area: str = "",
    zero_is_significant: bool = False,
    from_personal_records: bool = False,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
) -> DataElement:
    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(DataElement, owner, code, name)
    check_length(errors, "description", description, DESCRIPTION_LIMIT)
    if minimum is not None and maximum is not None and minimum > maximum:
        errors.add("maximum", _("The highest valid value cannot be lower than the lowest."))
    errors.raise_if_any()
    element = DataElement.objects.create(
        owner=owner,
        code=code.strip(),
        name=name.strip(),
        short_name=short_name.strip(),
        description=description.strip(),
        value_type=value_type,
        aggregation_type=aggregation_type,
        category_combo=category_combo or default_combo(),
        goal_area=goal_area,
        zero_is_significant=zero_is_significant,
        from_personal_records=from_personal_records,
        minimum=minimum,
        maximum=maximum,
    )
    element.full_clean(exclude=["owner", "category_combo", "uid"])
    audit.record_create(actor=actor, target=element, org_unit=owner)
    return element


@transaction.atomic
def create_indicator(
    *,
    actor: Acting,
    owner: OrgUnit,
    code: str,
    name: str,
    numerator: str,
    denominator: str = "1",
    factor: Decimal = Decimal(1),
    direction: str,
    unit: str = "",
    decimals: int = 1,
    goal_area: str = "",
    valid_from: dt.date | None = None,
    short_name: str = "",
    description: str = "",
) -> Indicator:
    from ronda.tablero import expressions

    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(Indicator, owner, code, name)
    for name_, text in (("numerator", numerator), ("denominator", denominator)):
        problem = expressions.problem(text)
        if problem:
            errors.add(name_, problem)
    if factor <= 0:
        errors.add("factor", _("The factor must be greater than zero."))
    errors.raise_if_any()
    indicator = Indicator.objects.create(
        owner=owner,
        code=code.strip(),
        name=name.strip(),
        short_name=short_name.strip(),
        description=description.strip(),
        direction=direction,
        unit=unit.strip(),
        decimals=decimals,
        goal_area=goal_area,
    )
    IndicatorFormula.objects.create(
        indicator=indicator,
        numerator=numerator.strip(),
        denominator=denominator.strip() or "1",
        factor=factor,
        valid_from=valid_from or dt.date(iso_periods.MIN_YEAR, 1, 1),
        author=actor.user if is_person(actor) else None,
    )
    audit.record_create(actor=actor, target=indicator, org_unit=owner)
    return indicator


@transaction.atomic
def create_data_set(
    *,
    actor: Acting,
    owner: OrgUnit,
    code: str,
    name: str,
    period_type: str,
    level: int,
    data_elements: Sequence[DataElement],
    owner_area_kind: str = "",
    due_days: int = 15,
) -> DataSet:
    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(DataSet, owner, code, name)
    if level not in Level.values:
        errors.add("level", _("Choose an org-unit level."))
    if not data_elements:
        errors.add("data_elements", _("A data set needs at least one data element."))
    errors.raise_if_any()
    data_set = DataSet.objects.create(
        owner=owner,
        code=code.strip(),
        name=name.strip(),
        period_type=period_type,
        level=level,
        owner_area_kind=owner_area_kind,
        due_days=due_days,
    )
    data_set.data_elements.set(data_elements)
    audit.record_create(actor=actor, target=data_set, org_unit=owner)
    return data_set


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
    try:
        number = Decimal(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": text[:40]}
    if not number.is_finite() or abs(number) >= VALUE_LIMIT:
        return None, _("“%(value)s” is not a number.") % {"value": text[:40]}
    if number != number.quantize(Decimal("0.0001")):
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
) -> SaveResult:
    """Check every value, then (unless ``dry_run``, or ``atomic`` and a row failed) write them with
    their aggregates. A value equal to the stored one is ignored; an empty value deletes."""
    person = is_person(actor)  # refuses a forgotten actor (None) before anything is read
    today = today or timezone.localdate()
    result = SaveResult()
    checked: list[tuple[ValueInput, iso_periods.Period, Decimal | None]] = []
    seen: set[tuple[int, int, int, str]] = set()
    for item in values:
        problems = _row_problems(actor, item, today, person=person)
        parsed: Decimal | None = None
        period: iso_periods.Period | None = None
        if not problems:
            period = iso_periods.parse(item.period)
            parsed, problem = parse_value(item.data_element, item.value)
            if problem:
                problems.append(("value", problem))
            key = (item.data_element.pk, item.option_combo.pk, item.org_unit.pk, period.iso)
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
    if (atomic and result.errors) or dry_run:
        if not dry_run:
            raise ValuesRejected(result)
        _count(result, checked, _stored(checked))
        return result
    stored = _stored(checked, lock=True)
    changes = _count(result, checked, stored)
    if not changes:
        return result
    update = aggregation.AggregateUpdate(
        [
            aggregation.Change(
                data_element_id=item.data_element.pk,
                option_combo_id=item.option_combo.pk,
                org_unit_id=item.org_unit.pk,
                unit_path_ids=tuple(int(s) for s in item.org_unit.path.split(".") if s),
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


def _row_problems(actor: Acting, item: ValueInput, today: dt.date, *, person: bool) -> list[tuple[str, str]]:
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
    if person and not policies.can_enter_values(actor, item.org_unit):
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
    elements = {i.data_element.pk for i, _p, _v in checked}
    units = sorted({i.org_unit.pk for i, _p, _v in checked})
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
        row = stored.get((item.data_element.pk, item.option_combo.pk, item.org_unit.pk, period.iso))
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
    new_rows: list[DataValue] = []
    updated: list[DataValue] = []
    for item, db_period, _old, new in changes:
        row = stored.get((item.data_element.pk, item.option_combo.pk, item.org_unit.pk, db_period.iso))
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
