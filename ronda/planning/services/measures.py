"""Writes of measures: what they are, who answers for them, when, and their budget per year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.services import Diff, VersionedUpdate, check_editable, event_by_new_value
from ronda.core.tenancy import Acting, is_person
from ronda.planning import limits, policies
from ronda.planning.choices import Horizon
from ronda.planning.models import (
    ImprovementOpportunity,
    LocalPlan,
    Measure,
    MeasureBudget,
    MeasureStatus,
    Objective,
    PlanningAction,
)
from ronda.planning.services.common import (
    ChangeRecord,
    Errors,
    as_decimal,
    changed_labels,
    check_change,
    check_in_period,
    check_length,
    check_open,
    record_change,
    summary_of,
)
from ronda.territory.models import Area, Institution
from ronda.territory.selectors import institutions_serving

if TYPE_CHECKING:
    from typing_extensions import Unpack

# What the plan *says*: changing any of these after approval is a plan change (needs a record).
PLAN_FIELDS = (
    "objective_id",
    "code",
    "title",
    "description",
    "responsible_area_id",
    "horizon",
    "start_date",
    "end_date",
    "source_opportunity_id",
)
# How it goes: monitoring data, recorded without a change record (status, except cancelling).
EXECUTION_FIELDS = ("status",)


class MeasureChanges(TypedDict, total=False):
    """What an edit of a measure may change; a missing key keeps its value."""

    objective: Objective
    code: str
    title: str
    description: str
    responsible_area: Area
    horizon: str
    start_date: dt.date
    end_date: dt.date
    status: str
    source_opportunity: ImprovementOpportunity | None


MEASURE_EDITABLE = tuple(MeasureChanges.__annotations__)
_MEASURE_EVENTS = event_by_new_value("status", {MeasureStatus.CANCELLED: PlanningAction.MEASURE_CANCELLED})


@dataclass(frozen=True)
class BudgetLine:
    year: int
    planned: Decimal | None
    executed: Decimal | None


def institutions_for(plan: LocalPlan) -> Any:
    """Institutions that may co-own a measure: seated in the municipality or serving it."""
    return institutions_serving(plan.org_unit)


def next_code(objective: Objective, *, exclude: int | None = None) -> str:
    """The next free code under ``objective``: line, objective and measure numbers, e.g. "2.1.3".

    Numbered from the measures the objective holds; a number another measure of the plan already
    uses (a code typed by hand, a measure moved here) is skipped. The caller holds the objective's lock.
    """
    line = objective.line
    prefix = f"{line.order}.{objective.order}."
    others = Measure.objects.exclude(pk=exclude) if exclude is not None else Measure.objects.all()
    taken = set(others.filter(plan_id=line.plan_id).values_list("code", flat=True))
    number = others.filter(objective=objective).count() + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _lock_objective(objective: Objective) -> Objective:
    # Two measures added to one objective at once must not get the same number.
    return Objective.objects.select_for_update().select_related("line").get(pk=objective.pk)


def _check_measure(
    errors: Errors,
    plan: LocalPlan,
    *,
    objective: Objective,
    title: str,
    description: str,
    responsible_area: Area,
    horizon: str,
    start_date: dt.date,
    end_date: dt.date,
    status: str,
    co_areas: Sequence[Area],
    co_institutions: Sequence[Institution],
    source_opportunity: ImprovementOpportunity | None,
) -> None:
    if objective.line.plan_id != plan.pk:
        errors.add("objective", _("The objective belongs to another plan."))
    if not title.strip():
        errors.add("title", _("Give the measure a title."))
    check_length(errors, "title", title, limits.TITLE)
    check_length(errors, "description", description, limits.DESCRIPTION)
    if responsible_area.org_unit_id != plan.org_unit_id:
        errors.add("responsible_area", _("The responsible area must be an area of this municipality."))
    if any(a.org_unit_id != plan.org_unit_id for a in co_areas):
        errors.add("co_areas", _("Co-responsible areas must be areas of this municipality."))
    if co_institutions:
        allowed = set(
            institutions_for(plan).filter(pk__in=[i.pk for i in co_institutions]).values_list("pk", flat=True)
        )
        if any(i.pk not in allowed for i in co_institutions):
            errors.add("co_institutions", _("Some institutions do not serve this municipality."))
    if horizon not in Horizon.values:
        errors.add("horizon", _("Choose short, medium or long term."))
    if status not in MeasureStatus.values:
        errors.add("status", _("Choose a valid status."))
    check_in_period(errors, plan, "start_date", start_date)
    check_in_period(errors, plan, "end_date", end_date)
    if end_date < start_date:
        errors.add("end_date", _("The end cannot be before the start."))
    if source_opportunity is not None and source_opportunity.analysis.org_unit_id != plan.org_unit_id:
        errors.add("source_opportunity", _("The opportunity comes from another municipality's diagnosis."))


def _check_budgets(errors: Errors, plan: LocalPlan, budgets: Iterable[BudgetLine]) -> list[BudgetLine]:
    clean: dict[int, BudgetLine] = {}
    for line in budgets:
        if not (plan.period_start.year <= line.year <= plan.period_end.year):
            errors.add(
                f"planned_{line.year}",
                _("The year %(year)s is outside the plan period.") % {"year": line.year},
            )
            continue
        planned = as_decimal(line.planned) if line.planned is not None else Decimal("0")
        executed = as_decimal(line.executed) if line.executed is not None else Decimal("0")
        for name, value in ((f"planned_{line.year}", planned), (f"executed_{line.year}", executed)):
            if value is None or value < 0:
                errors.add(name, _("Enter an amount of zero or more."))
            elif value >= Decimal("1e12"):
                errors.add(name, _("The amount is too large."))
        if line.year in clean:
            errors.add(f"planned_{line.year}", _("The year %(year)s appears twice.") % {"year": line.year})
        if planned is not None and executed is not None:
            clean[line.year] = BudgetLine(line.year, planned, executed)
    return list(clean.values())


def _budget_state(measure: Measure) -> dict[str, list[str]]:
    return {str(b.year): [str(b.planned), str(b.executed)] for b in MeasureBudget.objects.filter(measure=measure)}


def _apply_budgets(measure: Measure, budgets: list[BudgetLine]) -> None:
    existing = {b.year: b for b in MeasureBudget.objects.filter(measure=measure)}
    for line in budgets:
        row = existing.get(line.year)
        if row is None:
            if line.planned or line.executed:
                MeasureBudget.objects.create(
                    measure=measure,
                    year=line.year,
                    planned=line.planned or Decimal("0"),
                    executed=line.executed or Decimal("0"),
                )
        elif row.planned != line.planned or row.executed != line.executed:
            row.planned, row.executed = line.planned or Decimal("0"), line.executed or Decimal("0")
            row.save(update_fields=["planned", "executed"])


def _related_state(measure: Measure) -> dict[str, Any]:
    """What the trail keeps of a measure beyond its own columns."""
    return {
        "co_areas": sorted(measure.co_areas.values_list("pk", flat=True)),
        "co_institutions": sorted(measure.co_institutions.values_list("pk", flat=True)),
        "budgets": _budget_state(measure),
    }


def _state(measure: Measure) -> dict[str, Any]:
    return {**audit.snapshot(measure, (*PLAN_FIELDS, *EXECUTION_FIELDS)), **_related_state(measure)}


def _plan_change_labels(changes: Diff) -> list[str]:
    """The changed parts of what the plan says (planned amounts, not executed ones; cancelling)."""
    labels = changed_labels(Measure, [f for f in PLAN_FIELDS if f in changes])
    if "co_areas" in changes:
        labels.append(str(Measure._meta.get_field("co_areas").verbose_name))
    if "co_institutions" in changes:
        labels.append(str(Measure._meta.get_field("co_institutions").verbose_name))
    if "budgets" in changes:
        before, after = changes["budgets"]
        years = set(before) | set(after)
        planned_before = {y: Decimal(before.get(y, ["0"])[0]) for y in years}
        planned_after = {y: Decimal(after.get(y, ["0"])[0]) for y in years}
        changed_years = sorted(y for y in years if planned_before[y] != planned_after[y])
        if changed_years:
            labels.append(_("planned budget %(years)s") % {"years": ", ".join(changed_years)})
    cancelled = MeasureStatus.CANCELLED.value
    if "status" in changes and (changes["status"][0] == cancelled) != (changes["status"][1] == cancelled):
        labels.append(str(Measure._meta.get_field("status").verbose_name))
    return labels


@transaction.atomic
def create_measure(
    *,
    actor: Acting,
    plan: LocalPlan,
    objective: Objective,
    title: str,
    responsible_area: Area,
    horizon: str,
    start_date: dt.date,
    end_date: dt.date,
    code: str = "",
    description: str = "",
    status: str = MeasureStatus.NOT_STARTED,
    co_areas: Sequence[Area] = (),
    co_institutions: Sequence[Institution] = (),
    source_opportunity: ImprovementOpportunity | None = None,
    budgets: Iterable[BudgetLine] = (),
    change: ChangeRecord | None = None,
) -> Measure:
    if is_person(actor) and not policies.can_edit_plan(actor, plan):
        raise PermissionDenied
    check_open(plan)
    errors = Errors()
    _check_measure(
        errors,
        plan,
        objective=objective,
        title=title,
        description=description,
        responsible_area=responsible_area,
        horizon=horizon,
        start_date=start_date,
        end_date=end_date,
        status=status,
        co_areas=co_areas,
        co_institutions=co_institutions,
        source_opportunity=source_opportunity,
    )
    clean_budgets = _check_budgets(errors, plan, budgets)
    check_change(errors, plan, change)
    errors.raise_if_any()
    code = code.strip() or next_code(_lock_objective(objective))
    measure = Measure.objects.create(
        plan=plan,
        objective=objective,
        code=code,
        title=title.strip(),
        description=description.strip(),
        responsible_area=responsible_area,
        horizon=horizon,
        start_date=start_date,
        end_date=end_date,
        status=status,
        source_opportunity=source_opportunity,
    )
    measure.co_areas.set(co_areas)
    measure.co_institutions.set(co_institutions)
    _apply_budgets(measure, clean_budgets)
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        target=measure,
        org_unit=plan.org_unit,
        changes=audit.diff({}, _state(measure)),
    )
    record_change(
        actor=actor,
        plan=plan,
        measure=measure,
        change=change,
        summary=_("New measure: %(title)s.") % {"title": measure.title},
    )
    return measure


@transaction.atomic
def update_measure(
    *,
    actor: Acting,
    measure: Measure,
    expected_version: int | None,
    change: ChangeRecord | None = None,
    co_areas: Sequence[Area] | None = None,
    co_institutions: Sequence[Institution] | None = None,
    budgets: Iterable[BudgetLine] | None = None,
    **fields: Unpack[MeasureChanges],
) -> Measure:
    """Edit a measure. Once the plan is approved, changing what it says needs ``change``.

    ``fields`` (``MeasureChanges``) are the measure's own fields; missing ones keep their value.
    """
    plan = measure.plan
    if is_person(actor) and not policies.can_edit_measure(actor, measure):
        raise PermissionDenied
    check_editable(fields, MEASURE_EDITABLE)
    update = VersionedUpdate(measure, expected_version, state=_related_state)
    locked = update.instance
    check_open(plan)
    update.apply(
        {
            name: value.strip() if isinstance(value, str) and name != "status" else value
            for name, value in fields.items()
        }
    )
    if not locked.code:
        # A code left empty is numbered, as for a new measure.
        update.apply({"code": next_code(_lock_objective(locked.objective), exclude=locked.pk)})
    areas = list(co_areas) if co_areas is not None else list(locked.co_areas.all())
    institutions = list(co_institutions) if co_institutions is not None else list(locked.co_institutions.all())
    errors = Errors()
    _check_measure(
        errors,
        plan,
        objective=locked.objective,
        title=locked.title,
        description=locked.description,
        responsible_area=locked.responsible_area,
        horizon=locked.horizon,
        start_date=locked.start_date,
        end_date=locked.end_date,
        status=locked.status,
        co_areas=areas,
        co_institutions=institutions,
        source_opportunity=locked.source_opportunity,
    )
    clean_budgets = _check_budgets(errors, plan, budgets or [])
    errors.raise_if_any()
    locked.co_areas.set(areas)
    locked.co_institutions.set(institutions)
    _apply_budgets(locked, clean_budgets)
    changes = update.changes()
    labels = _plan_change_labels(changes)
    if labels:
        check_change(errors, plan, change)
        errors.raise_if_any()
    # Nothing changed: nothing is written, not even updated_at.
    update.save(actor=actor, org_unit=plan.org_unit, action=_MEASURE_EVENTS)
    if labels:
        record_change(actor=actor, plan=plan, measure=locked, change=change, summary=summary_of(labels))
    return locked
