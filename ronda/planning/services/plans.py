"""Writes of the plan itself: the plan, its status, lines, objectives, indicators and milestones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.services import VersionedUpdate, versioned_update
from ronda.core.tenancy import Acting, is_person
from ronda.planning import limits, policies
from ronda.planning.choices import GoalArea
from ronda.planning.models import (
    LocalPlan,
    Measure,
    MeasureBudget,
    MeasureIndicator,
    Milestone,
    Objective,
    PlanningAction,
    PlanStatus,
    SituationAnalysis,
    StrategicLine,
    Weighting,
)
from ronda.planning.services.common import (
    ChangeRecord,
    Errors,
    changed_labels,
    check_change,
    check_in_period,
    check_length,
    check_open,
    record_change,
    summary_of,
)
from ronda.planning.services.series import check_catalogue_indicator
from ronda.tablero.models import Indicator
from ronda.territory.models import Level, OrgUnit

# Each status may only move to the next one, and each step is an event of its own in the trail.
NEXT_STATUS = {
    PlanStatus.DRAFT: PlanStatus.APPROVED,
    PlanStatus.APPROVED: PlanStatus.IN_EXECUTION,
    PlanStatus.IN_EXECUTION: PlanStatus.EVALUATED,
}
STATUS_EVENTS = {
    PlanStatus.APPROVED: PlanningAction.PLAN_APPROVED,
    PlanStatus.IN_EXECUTION: PlanningAction.PLAN_IN_EXECUTION,
    PlanStatus.EVALUATED: PlanningAction.PLAN_EVALUATED,
}


def _check_plan(
    errors: Errors,
    *,
    org_unit: OrgUnit,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    weighting: str,
    situation_analysis: SituationAnalysis | None,
) -> None:
    if not title.strip():
        errors.add("title", _("Give the plan a title."))
    if period_end <= period_start:
        errors.add("period_end", _("The period must end after it starts."))
    if weighting not in Weighting.values:
        errors.add("weighting", _("Choose how progress is weighted."))
    if situation_analysis is not None and situation_analysis.org_unit_id != org_unit.pk:
        errors.add("situation_analysis", _("The diagnosis must be of the same municipality."))


@transaction.atomic
def create_plan(
    *,
    actor: Acting,
    org_unit: OrgUnit,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    weighting: str = Weighting.BUDGET,
    situation_analysis: SituationAnalysis | None = None,
) -> LocalPlan:
    if is_person(actor) and not policies.can_manage_in(actor, org_unit):
        raise PermissionDenied
    errors = Errors()
    if org_unit.level != Level.MUNICIPALITY:
        errors.add("org_unit", _("A local plan belongs to a municipality."))
    _check_plan(
        errors,
        org_unit=org_unit,
        title=title,
        period_start=period_start,
        period_end=period_end,
        weighting=weighting,
        situation_analysis=situation_analysis,
    )
    errors.raise_if_any()
    plan = LocalPlan.objects.create(
        org_unit=org_unit,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        weighting=weighting,
        situation_analysis=situation_analysis,
    )
    audit.record_create(actor=actor, target=plan, org_unit=org_unit)
    return plan


@transaction.atomic
def update_plan(
    *,
    actor: Acting,
    plan: LocalPlan,
    expected_version: int | None,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    weighting: str,
    situation_analysis: SituationAnalysis | None = None,
    change: ChangeRecord | None = None,
) -> LocalPlan:
    if is_person(actor) and not policies.can_edit_plan(actor, plan):
        raise PermissionDenied
    update = VersionedUpdate(plan, expected_version)
    locked = update.instance
    check_open(locked)
    errors = Errors()
    _check_plan(
        errors,
        org_unit=plan.org_unit,
        title=title,
        period_start=period_start,
        period_end=period_end,
        weighting=weighting,
        situation_analysis=situation_analysis,
    )
    # The period must still hold every measure and every budget year.
    bounds = Measure.objects.filter(plan=locked).aggregate(first=Min("start_date"), last=Max("end_date"))
    if bounds["first"] is not None and (bounds["first"] < period_start or bounds["last"] > period_end):
        errors.add("period_start", _("Some measures have dates outside this period: change them first."))
    years = MeasureBudget.objects.filter(measure__plan=locked).aggregate(first=Min("year"), last=Max("year"))
    if years["first"] is not None and (years["first"] < period_start.year or years["last"] > period_end.year):
        errors.add("period_end", _("Some budgets are for years outside this period: change them first."))
    update.apply(
        {
            "title": title.strip(),
            "period_start": period_start,
            "period_end": period_end,
            "weighting": weighting,
            "situation_analysis": situation_analysis,
        }
    )
    changes = update.changes()
    if changes:
        check_change(errors, locked, change)
    errors.raise_if_any()
    if not changes:
        return locked
    update.save(actor=actor, org_unit=plan.org_unit)
    record_change(
        actor=actor,
        plan=locked,
        measure=None,
        change=change,
        summary=summary_of(changed_labels(LocalPlan, changes)),
    )
    return locked


@transaction.atomic
def change_plan_status(
    *,
    actor: Acting,
    plan: LocalPlan,
    expected_version: int | None,
    status: str,
    approved_on: dt.date | None = None,
    approved_by: str = "",
    approval_reference: str = "",
) -> LocalPlan:
    """Move the plan one step forward; approving it records who approved it, when, and the record."""
    if is_person(actor) and not policies.can_change_plan_status(actor, plan):
        raise PermissionDenied
    update = VersionedUpdate(plan, expected_version)
    locked = update.instance
    errors = Errors()
    next_status = NEXT_STATUS.get(PlanStatus(locked.status))
    if next_status is None or next_status != status:
        raise ValidationError({"status": _("A plan can only move forward, one step at a time.")})
    if status == PlanStatus.APPROVED:
        if approved_on is None:
            errors.add("approved_on", _("Enter the date of approval."))
        elif approved_on > timezone.localdate():
            errors.add("approved_on", _("The approval date cannot be in the future."))
        if not approved_by.strip():
            errors.add("approved_by", _("Say who approved the plan (e.g. the municipal council)."))
        if not approval_reference.strip():
            errors.add("approval_reference", _("Enter the reference of the approval record."))
        if not Measure.objects.filter(plan=locked).exists():
            errors.add("status", _("A plan needs at least one measure before it is approved."))
        errors.raise_if_any()
        update.apply(
            {
                "approved_on": approved_on,
                "approved_by": approved_by.strip(),
                "approval_reference": approval_reference.strip(),
            }
        )
    update.apply({"status": status})
    update.save(actor=actor, org_unit=plan.org_unit, action=STATUS_EVENTS[next_status])
    return locked


def _next_order(queryset: object) -> int:
    current = queryset.aggregate(top=Max("order"))["top"]  # type: ignore[attr-defined]
    return (current or 0) + 1


@transaction.atomic
def create_line(
    *,
    actor: Acting,
    plan: LocalPlan,
    title: str,
    goal_area: str,
    order: int | None = None,
    change: ChangeRecord | None = None,
    child_title: str = "",
) -> StrategicLine:
    if is_person(actor) and not policies.can_edit_plan(actor, plan):
        raise PermissionDenied
    check_open(plan)
    errors = Errors()
    if not title.strip():
        errors.add("title", _("Give the line a title."))
    if goal_area not in GoalArea.values:
        errors.add("goal_area", _("Choose one of the five goal areas."))
    check_length(errors, "child_title", child_title, limits.CHILD_TITLE)
    check_change(errors, plan, change)
    errors.raise_if_any()
    line = StrategicLine.objects.create(
        plan=plan,
        title=title.strip(),
        child_title=child_title.strip(),
        goal_area=goal_area,
        order=order if order is not None else _next_order(plan.lines.all()),
    )
    audit.record_create(actor=actor, target=line, org_unit=plan.org_unit)
    record_change(
        actor=actor,
        plan=plan,
        measure=None,
        change=change,
        summary=_("New strategic line: %(title)s.") % {"title": line.title},
    )
    return line


@transaction.atomic
def create_objective(
    *,
    actor: Acting,
    line: StrategicLine,
    title: str,
    order: int | None = None,
    change: ChangeRecord | None = None,
) -> Objective:
    plan = line.plan
    if is_person(actor) and not policies.can_edit_plan(actor, plan):
        raise PermissionDenied
    check_open(plan)
    errors = Errors()
    if not title.strip():
        errors.add("title", _("Give the objective a title."))
    check_change(errors, plan, change)
    errors.raise_if_any()
    objective = Objective.objects.create(
        line=line, title=title.strip(), order=order if order is not None else _next_order(line.objectives.all())
    )
    audit.record_create(actor=actor, target=objective, org_unit=plan.org_unit)
    record_change(
        actor=actor,
        plan=plan,
        measure=None,
        change=change,
        summary=_("New objective: %(title)s.") % {"title": objective.title},
    )
    return objective


# --- Indicators and milestones of a measure ------------------------------------------------
@transaction.atomic
def add_indicator(
    *,
    actor: Acting,
    measure: Measure,
    name: str,
    unit: str = "",
    baseline: Decimal | None = None,
    baseline_year: int | None = None,
    target: Decimal | None = None,
    catalogue_indicator: Indicator | None = None,
    change: ChangeRecord | None = None,
) -> MeasureIndicator:
    """``catalogue_indicator``: the Tablero's indicator whose values this one follows (decision 0021)."""
    plan = measure.plan
    if is_person(actor) and not policies.can_edit_measure(actor, measure):
        raise PermissionDenied
    check_open(plan)
    errors = Errors()
    if not name.strip():
        errors.add("name", _("Name the indicator."))
    if baseline_year is not None and not (1990 <= baseline_year <= plan.period_end.year):
        errors.add("baseline_year", _("Enter a plausible year, not after the plan ends."))
    check_catalogue_indicator(errors, plan, catalogue_indicator, "catalogue_indicator")
    check_change(errors, plan, change)
    errors.raise_if_any()
    indicator = MeasureIndicator.objects.create(
        measure=measure,
        name=name.strip(),
        unit=unit.strip(),
        baseline=baseline,
        baseline_year=baseline_year,
        target=target,
        catalogue_indicator=catalogue_indicator,
    )
    audit.record_create(actor=actor, target=indicator, org_unit=plan.org_unit)
    record_change(
        actor=actor,
        plan=plan,
        measure=measure,
        change=change,
        summary=_("New indicator: %(name)s.") % {"name": indicator.name},
    )
    return indicator


@transaction.atomic
def add_milestone(
    *, actor: Acting, measure: Measure, title: str, due_on: dt.date, change: ChangeRecord | None = None
) -> Milestone:
    plan = measure.plan
    if is_person(actor) and not policies.can_edit_measure(actor, measure):
        raise PermissionDenied
    check_open(plan)
    errors = Errors()
    if not title.strip():
        errors.add("title", _("Name the milestone."))
    check_in_period(errors, plan, "due_on", due_on)
    check_change(errors, plan, change)
    errors.raise_if_any()
    milestone = Milestone.objects.create(measure=measure, title=title.strip(), due_on=due_on)
    audit.record_create(actor=actor, target=milestone, org_unit=plan.org_unit)
    record_change(
        actor=actor,
        plan=plan,
        measure=measure,
        change=change,
        summary=_("New milestone: %(title)s.") % {"title": milestone.title},
    )
    return milestone


@transaction.atomic
def complete_milestone(*, actor: Acting, milestone: Milestone, done_on: dt.date) -> Milestone:
    plan = milestone.measure.plan
    if is_person(actor) and not policies.can_edit_measure(actor, milestone.measure):
        raise PermissionDenied
    check_open(plan)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    return versioned_update(
        actor=actor,
        instance=milestone,
        expected_version=None,
        changes={"done_on": done_on},
        org_unit=plan.org_unit,
        action=PlanningAction.MILESTONE_REACHED,
    )
