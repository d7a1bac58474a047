"""A measure indicator's link to the Tablero and its values (decision 0021).

* A measure indicator follows a catalogue indicator (the national catalogue or the municipality's
  own additions, not archived): ``check_catalogue_indicator`` is the one rule, for adding and for
  editing, for the pages and the API.
* Recording a value writes a data value of the Tablero through ``tablero.services.save_values``
  (the one write path of values: aggregates, approval locks and the trail come with it). The value
  goes to the element the indicator reads when its formula is one element (``#{element}``); an
  indicator computed from several elements takes its figures from the Tablero's data entry.
* A measure indicator without a catalogue indicator gets its own series at its first value: a data
  element and an indicator ``#{element}`` of the plan's municipality (code ``PLIA-MI-<id>``), made by
  Ronda on the plan's behalf (the system actor: whoever records a plan's value need not manage the
  catalogue; the planning event of the same transaction names the person).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.errors import Errors
from ronda.core.services import versioned_update
from ronda.core.tenancy import SYSTEM, Acting, is_person
from ronda.planning import policies
from ronda.planning.models import LocalPlan, MeasureIndicator, PlanningAction
from ronda.planning.services.common import check_open
from ronda.tablero import expressions
from ronda.tablero import periods as iso_periods
from ronda.tablero import services as tablero
from ronda.tablero.models import (
    AggregationType,
    CategoryOptionCombo,
    DataElement,
    Direction,
    Indicator,
    ValueType,
)
from ronda.territory.models import OrgUnit

# The code of a measure indicator's own series (the data migration 0009 uses the same).
OWN_SERIES_CODE = "PLIA-MI-{pk}"


def usable_catalogue_indicators(org_unit: OrgUnit, current: Indicator | None = None) -> QuerySet[Indicator]:
    """The catalogue indicators a plan (or diagnosis) of ``org_unit`` may follow: its own and its
    country's, not archived, by name; ``current`` (already chosen) stays among them even archived."""
    usable = Q(owner__in=tablero.usable_owners(org_unit), is_archived=False)
    if current is not None:
        usable |= Q(pk=current.pk)
    return Indicator.objects.filter(usable).order_by("name", "id")


class Unset:
    """An argument left out ("keep what is there"), unlike None ("clear it")."""


UNSET = Unset()


def check_catalogue_indicator(
    errors: Errors, plan: LocalPlan | OrgUnit, indicator: Indicator | None, field: str
) -> None:
    """An indicator of another municipality's or country's catalogue, or an archived one, is refused
    (the same message for both: another catalogue's contents are not this plan's business)."""
    if indicator is None:
        return
    unit = plan.org_unit if isinstance(plan, LocalPlan) else plan
    owners = {o.pk for o in tablero.usable_owners(unit)}
    if indicator.owner_id not in owners or indicator.is_archived:
        errors.add(field, _("Choose an indicator of this municipality's catalogue or of the national one."))


@dataclass(frozen=True)
class Citation:
    indicator: Indicator | None
    period: str
    value: Decimal | None


NO_CITATION = Citation(None, "", None)


def cite(
    errors: Errors, unit: OrgUnit, indicator: Indicator | None, period: str, *, kept: Citation | None = None
) -> Citation:
    """A finding's citation of ``indicator``'s value for municipality ``unit`` in the ISO ``period``,
    read from the Tablero now; ``kept`` (the finding's current citation) is returned unread when it
    names the same indicator and period, so the figure a finding quoted does not change under it."""
    period = (period or "").strip()
    if indicator is None:
        if period:
            errors.add("cited_indicator", _("Choose the indicator whose value the finding cites."))
        return NO_CITATION
    check_catalogue_indicator(errors, unit, indicator, "cited_indicator")
    if not period:
        errors.add("cited_period", _("Write the period of the value cited (for example 2025)."))
        return NO_CITATION
    try:
        parsed = iso_periods.parse(period)
    except iso_periods.InvalidPeriod:
        errors.add(
            "cited_period",
            _("“%(period)s” is not a period (write 202403, 2024Q1, 2024S1 or 2024).") % {"period": period[:20]},
        )
        return NO_CITATION
    if (
        kept is not None
        and kept.indicator is not None
        and kept.indicator.pk == indicator.pk
        and kept.period == parsed.iso
    ):
        return kept
    if "cited_indicator" in errors:
        return NO_CITATION
    from ronda.planning.trends import indicator_value_at

    value = indicator_value_at(indicator, unit, parsed.iso)
    if value is None:
        errors.add(
            "cited_period",
            _("The Tablero has no value of this indicator for %(unit)s in %(period)s.")
            % {"unit": unit.name, "period": iso_periods.name(parsed)},
        )
        return NO_CITATION
    return Citation(indicator, parsed.iso, value)


def _direction(baseline: Decimal | None, target: Decimal | None) -> str:
    if baseline is None or target is None or baseline == target:
        return Direction.NEUTRAL
    return Direction.HIGHER_IS_BETTER if target > baseline else Direction.LOWER_IS_BETTER


def _free_code(model: type[DataElement] | type[Indicator], owner: OrgUnit, pk: int) -> str:
    code = OWN_SERIES_CODE.format(pk=pk)
    candidate, n = code, 1
    country = tablero.national_owner(owner)
    while model.objects.filter(Q(owner=owner) | Q(owner=country), code=candidate).exists():
        n += 1
        candidate = f"{code}-{n}"
    return candidate


def _own_series(actor: Acting, indicator: MeasureIndicator) -> Indicator:
    """A catalogue indicator of the plan's municipality for a measure indicator typed as free text."""
    measure = indicator.measure
    plan = measure.plan
    owner = plan.org_unit
    description = f"{plan.title} · {measure}"[: tablero.DESCRIPTION_LIMIT]
    goal_area = measure.objective.line.goal_area
    element = tablero.create_data_element(
        actor=SYSTEM,
        owner=owner,
        code=_free_code(DataElement, owner, indicator.pk),
        name=indicator.name[: tablero.NAME_LIMIT],
        description=description,
        value_type=ValueType.NUMBER,
        aggregation_type=AggregationType.LAST,
        zero_is_significant=True,  # "0 cases" is a figure, not a missing one
        goal_area=goal_area,
    )
    series = tablero.create_indicator(
        actor=SYSTEM,
        owner=owner,
        code=_free_code(Indicator, owner, indicator.pk),
        name=indicator.name[: tablero.NAME_LIMIT],
        description=description,
        numerator="#{" + element.uid + "}",
        direction=_direction(indicator.baseline, indicator.target),
        unit=indicator.unit[: tablero.UNIT_LIMIT],
        decimals=2,
        goal_area=goal_area,
    )
    # A new version (versioned_update): an edit form opened before the link must not unlink it unseen.
    versioned_update(
        actor=actor,
        instance=indicator,
        expected_version=None,
        changes={"catalogue_indicator": series},
        org_unit=owner,
    )
    indicator.refresh_from_db(fields=["catalogue_indicator", "version", "updated_at"])  # the caller's copy
    return series


def recordable_cell(indicator: Indicator, org_unit: OrgUnit) -> tuple[DataElement, CategoryOptionCombo] | None:
    """Where a value of ``indicator`` is written: the element (and disaggregation) its formula in
    force today reads, when the formula is exactly one element; None for any other indicator."""
    if indicator.computed_by:
        return None
    formula = tablero.current_formula(indicator)
    if formula is None or formula.factor != 1 or (formula.denominator or "1").strip() != "1":
        return None
    try:
        node = expressions.parse(formula.numerator)
    except expressions.ExpressionError:
        return None
    if not isinstance(node, expressions.Operand):
        return None
    owners = [o.pk for o in tablero.usable_owners(org_unit)]
    # A uid names one element anywhere; a code names the indicator's owner's first, then the country's.
    candidates = list(
        DataElement.objects.filter(Q(uid=node.element) | Q(code=node.element), owner_id__in=owners).select_related(
            "category_combo"
        )
    )
    candidates.sort(key=lambda e: (e.uid != node.element, e.owner_id != indicator.owner_id))
    if not candidates:
        return None
    element = candidates[0]
    combos = CategoryOptionCombo.objects.filter(combo_id=element.category_combo_id)
    if node.option_combo:
        option_combo = combos.filter(Q(uid=node.option_combo) | Q(code=node.option_combo)).first()
    elif element.category_combo.is_default:
        option_combo = combos.first()
    else:
        option_combo = None  # a split element: one figure cannot say which part it is
    return (element, option_combo) if option_combo is not None else None


def _period_type(element: DataElement) -> str:
    """The period the element's data set collects it in (its data entry's grid), else a year."""
    data_set = element.data_sets.order_by("id").first()
    return data_set.period_type if data_set is not None else iso_periods.PeriodType.YEARLY


@transaction.atomic
def record_indicator_value(
    *, actor: Acting, indicator: MeasureIndicator, value: Decimal, measured_on: dt.date
) -> MeasureIndicator:
    """Monitoring data, not a change of the plan (no change record): the value is the Tablero's."""
    plan = indicator.measure.plan
    if is_person(actor) and not policies.can_edit_measure(actor, indicator.measure):
        raise PermissionDenied
    check_open(plan)
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("The date cannot be in the future.")})
    # Locked: two first values at once must not give the indicator two series.
    indicator = (
        MeasureIndicator.objects.select_for_update().select_related("measure__plan__org_unit").get(pk=indicator.pk)
    )
    series = indicator.catalogue_indicator
    if series is None:
        series = _own_series(actor, indicator)
    cell = recordable_cell(series, plan.org_unit)
    if cell is None:
        raise ValidationError(
            {
                "value": _(
                    "This indicator is calculated from several figures of the Tablero: enter them in "
                    "the Tablero's data entry, and its value appears here."
                )
            }
        )
    element, option_combo = cell
    period = iso_periods.of_type(_period_type(element), measured_on)
    try:
        tablero.save_values(
            actor=actor,
            values=[
                tablero.ValueInput(
                    data_element=element,
                    option_combo=option_combo,
                    org_unit=plan.org_unit,
                    period=period.iso,
                    value=value,
                    # The day it was measured: the series keeps one value per period.
                    comment=measured_on.isoformat(),
                )
            ],
        )
    except tablero.ValuesRejected as rejected:
        errors = Errors()
        for error in rejected.result.errors:
            errors.add("measured_on" if error.field == "period" else "value", error.message)
        errors.raise_if_any()
    audit.record(
        actor=actor,
        action=PlanningAction.INDICATOR_VALUE_RECORDED,
        target=indicator,
        org_unit=plan.org_unit,
        changes={"value": str(value), "measured_on": measured_on.isoformat(), "period": period.iso},
    )
    return indicator
