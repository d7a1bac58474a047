"""Co-responsibility and the focal points' figures (issue #13 items 6 and 7).

* A co-responsible area or institution reports on its own part of a measure: a **contribution**
  (date, what was done, optionally what it spent of its own budget). The measure's progress stays
  the responsible area's: a contribution moves neither the measure nor the plan's budget.
* The responsible area's focal point sends the measure's **figures** (a milestone done, the budget
  executed in a year, an indicator's value) as a ``FocalReport`` waiting for validation. Nothing of
  it reaches the measure, the plan's progress or the Tablero until a plan manager validates it;
  validating applies it through the same writes the manager's own entries use (validated at once);
  returning it keeps it, with the manager's comment, for the focal point to send again.
* The plan's alert settings: how many weeks without a progress report make a measure stand out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from typing_extensions import Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.services import VersionedUpdate, versioned_update
from ronda.core.tenancy import Acting, is_person
from ronda.planning import limits, policies
from ronda.planning.models import (
    Contribution,
    FocalReport,
    LocalPlan,
    Measure,
    MeasureBudget,
    MeasureIndicator,
    MeasureStatus,
    Milestone,
    PlanningAction,
    PlanStatus,
    ReportKind,
    ReportStatus,
)
from ronda.planning.services.common import Errors, as_decimal, check_length, check_open
from ronda.planning.services.series import record_indicator_value, recordable_cell

OPEN_PLANS = (PlanStatus.APPROVED, PlanStatus.IN_EXECUTION)
MAX_AMOUNT = Decimal("1e12")
MIN_STALE_WEEKS = 1
MAX_STALE_WEEKS = 52


def _check_open_for_reports(errors: Errors, measure: Measure) -> None:
    if measure.plan.status not in OPEN_PLANS:
        errors.add("__all__", _("Reports are recorded once the plan is approved, and until it is evaluated."))
    if measure.status == MeasureStatus.CANCELLED:
        errors.add("__all__", _("This measure was cancelled: it takes no more reports."))


def _check_date(errors: Errors, field: str, value: dt.date | None, plan: LocalPlan, *, required: bool = True) -> None:
    if value is None:
        if required:
            errors.add(field, _("Enter the date."))
        return
    if value > timezone.localdate():
        errors.add(field, _("The date cannot be in the future."))
    elif value < plan.period_start:
        errors.add(field, _("The date is before the plan starts."))


def _check_amount(errors: Errors, field: str, value: Decimal | None, *, required: bool) -> Decimal | None:
    if value is None:
        if required:
            errors.add(field, _("Enter an amount of zero or more."))
        return None
    if value < 0:
        errors.add(field, _("Enter an amount of zero or more."))
    elif value >= MAX_AMOUNT:
        errors.add(field, _("The amount is too large."))
    elif value != value.quantize(Decimal("0.01")):
        errors.add(field, _("Use at most two decimals."))
    else:
        return value.quantize(Decimal("0.01"))
    return None


# --- Contributions -------------------------------------------------------------------------------
@transaction.atomic
def record_contribution(
    *,
    actor: Acting,
    measure: Measure,
    text: str,
    reported_on: dt.date | None = None,
    executed: Decimal | int | str | None = None,
    partner: str | None = None,
) -> Contribution:
    """A co-responsible area's (or institution's) report on its part of ``measure``.

    ``partner`` ("area" or "institution") says for whom, when the actor's membership is both; by
    default the first that applies (the area). Only a person reports: the contribution is their
    account of their own work.
    """
    if not is_person(actor):
        raise PermissionDenied  # a contribution is a person's account of their own work
    partners = policies.contribution_partners(actor, measure)
    if not partners:
        raise PermissionDenied
    errors = Errors()
    chosen = partner or partners[0]
    if chosen not in partners:
        errors.add("partner", _("Choose for whom you report: your area or your institution."))
    reported_on = reported_on or timezone.localdate()
    if not text.strip():
        errors.add("text", _("Say what your area or institution did for this measure."))
    check_length(errors, "text", text, limits.NOTE)
    _check_date(errors, "reported_on", reported_on, measure.plan)
    amount = None
    if executed not in (None, ""):
        value = as_decimal(executed)
        if value is None:
            errors.add("executed", _("Enter an amount of zero or more."))
        else:
            amount = _check_amount(errors, "executed", value, required=True)
    _check_open_for_reports(errors, measure)
    errors.raise_if_any()
    contribution = Contribution.objects.create(
        measure=measure,
        plan_id=measure.plan_id,
        area_id=actor.area_id if chosen == policies.PARTNER_AREA else None,
        institution_id=actor.institution_id if chosen == policies.PARTNER_INSTITUTION else None,
        reported_on=reported_on,
        text=text.strip(),
        executed=amount,
        author=actor.user,
    )
    audit.record(
        actor=actor,
        action=PlanningAction.CONTRIBUTION_RECORDED,
        target=contribution,
        org_unit=measure.plan.org_unit,
        changes=audit.diff(
            {},
            audit.snapshot(
                contribution, ("measure_id", "area_id", "institution_id", "reported_on", "text", "executed")
            ),
        ),
    )
    return contribution


# --- Figures for validation -------------------------------------------------------------------------
def _require_submitter(actor: Acting, measure: Measure) -> None:
    if not is_person(actor) or not policies.can_submit_figures(actor, measure):
        raise PermissionDenied


class ReportFields(TypedDict, total=False):
    """What a focal point's figure carries besides its measure, kind and note (one of the three shapes)."""

    milestone: Milestone
    dated: dt.date | None
    year: int | None
    executed: Decimal | None
    indicator: MeasureIndicator
    value: Decimal


class PendingLookup(TypedDict, total=False):
    milestone: Milestone
    measure: Measure
    kind: str
    year: int | None
    indicator: MeasureIndicator


def _create_report(
    actor: Acting, measure: Measure, kind: str, note: str, **fields: Unpack[ReportFields]
) -> FocalReport:
    assert is_person(actor)
    report = FocalReport.objects.create(
        measure=measure,
        plan_id=measure.plan_id,
        kind=kind,
        note=note.strip(),
        author=actor.user,
        **fields,
    )
    audit.record(
        actor=actor,
        action=PlanningAction.REPORT_SUBMITTED,
        target=report,
        org_unit=measure.plan.org_unit,
        changes=audit.diff(
            {},
            audit.snapshot(
                report, ("measure_id", "kind", "milestone_id", "indicator_id", "year", "executed", "value", "dated")
            ),
        ),
    )
    return report


def _pending(**lookup: Unpack[PendingLookup]) -> bool:
    return FocalReport.objects.filter(status=ReportStatus.PENDING, **lookup).exists()


@transaction.atomic
def submit_milestone_done(
    *, actor: Acting, milestone: Milestone, done_on: dt.date | None, note: str = ""
) -> FocalReport:
    """The focal point says a milestone of their measure was reached (validated by the coordinator)."""
    measure = milestone.measure
    _require_submitter(actor, measure)
    errors = Errors()
    _check_open_for_reports(errors, measure)
    _check_date(errors, "done_on", done_on, measure.plan)
    check_length(errors, "note", note, limits.NOTE)
    if milestone.done_on is not None:
        errors.add("__all__", _("This milestone is already marked as done."))
    elif _pending(milestone=milestone):
        errors.add("__all__", _("This milestone already waits for validation."))
    errors.raise_if_any()
    return _create_report(actor, measure, ReportKind.MILESTONE, note, milestone=milestone, dated=done_on)


@transaction.atomic
def submit_budget_execution(
    *, actor: Acting, measure: Measure, year: int | None, executed: Decimal | int | str | None, note: str = ""
) -> FocalReport:
    """The focal point gives the budget executed in a year (the year's total, replacing the figure
    in force once validated)."""
    _require_submitter(actor, measure)
    plan = measure.plan
    errors = Errors()
    _check_open_for_reports(errors, measure)
    if year is None or not (plan.period_start.year <= year <= plan.period_end.year):
        errors.add(
            "year",
            _("Choose a year of the plan period (%(start)s to %(end)s).")
            % {"start": plan.period_start.year, "end": plan.period_end.year},
        )
    elif year > timezone.localdate().year:
        errors.add("year", _("A budget is executed in a year already begun."))
    value = as_decimal(executed)
    amount = _check_amount(errors, "executed", value, required=True)
    check_length(errors, "note", note, limits.NOTE)
    if "year" not in errors and _pending(measure=measure, kind=ReportKind.BUDGET, year=year):
        errors.add("year", _("The executed budget of this year already waits for validation."))
    errors.raise_if_any()
    return _create_report(actor, measure, ReportKind.BUDGET, note, year=year, executed=amount)


@transaction.atomic
def submit_indicator_value(
    *,
    actor: Acting,
    indicator: MeasureIndicator,
    value: Decimal | int | str | None,
    measured_on: dt.date | None,
    note: str = "",
) -> FocalReport:
    """The focal point gives a value of an indicator of their measure (it reaches the Tablero when
    validated). An indicator the Tablero computes from several figures takes them in the Tablero's
    data entry instead, which has its own approval."""
    measure = indicator.measure
    _require_submitter(actor, measure)
    errors = Errors()
    _check_open_for_reports(errors, measure)
    number = as_decimal(value)
    if number is None:
        errors.add("value", _("Enter a number."))
    elif abs(number) >= MAX_AMOUNT:
        errors.add("value", _("The number is too large."))
    elif number != number.quantize(Decimal("0.01")):
        errors.add("value", _("Use at most two decimals."))
    _check_date(errors, "measured_on", measured_on, measure.plan)
    check_length(errors, "note", note, limits.NOTE)
    series = indicator.catalogue_indicator
    if series is not None and recordable_cell(series, measure.plan.org_unit) is None:
        errors.add(
            "value",
            _(
                "This indicator is calculated from several figures of the Tablero: enter them in "
                "the Tablero's data entry, and its value appears here."
            ),
        )
    errors.raise_if_any()
    assert number is not None
    return _create_report(
        actor,
        measure,
        ReportKind.INDICATOR,
        note,
        indicator=indicator,
        value=number.quantize(Decimal("0.01")),
        dated=measured_on,
    )


# --- Validation ------------------------------------------------------------------------------------
def _require_reviewer(actor: Acting, report: FocalReport) -> None:
    if is_person(actor) and not policies.can_review_reports(actor, report.measure.plan):
        raise PermissionDenied


def _lock_pending(report: FocalReport, expected_version: int | None) -> VersionedUpdate[FocalReport]:
    update = VersionedUpdate(report, expected_version)
    if update.instance.status != ReportStatus.PENDING:
        errors = Errors()
        errors.add("__all__", _("This figure was already reviewed."))
        errors.raise_if_any()
    return update


def _set_executed(actor: Acting, measure: Measure, year: int, executed: Decimal) -> None:
    """The executed budget of a year, as the coordinator would enter it on the measure's form."""
    row = MeasureBudget.objects.select_for_update().filter(measure=measure, year=year).first()
    before = {str(year): [str(row.planned), str(row.executed)]} if row is not None else {}
    if row is None:
        row = MeasureBudget.objects.create(measure=measure, year=year, planned=Decimal("0"), executed=executed)
    elif row.executed != executed:
        row.executed = executed
        row.save(update_fields=["executed"])
    after = {str(year): [str(row.planned), str(row.executed)]}
    if before != after:
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            target=measure,
            org_unit=measure.plan.org_unit,
            changes={"budgets": [before, after]},
        )


@transaction.atomic
def validate_report(*, actor: Acting, report: FocalReport, expected_version: int | None) -> FocalReport:
    """Accept a focal point's figure: it reaches the measure (and the Tablero) now, as the
    reviewer's own entry would, and the report keeps who validated it and when."""
    _require_reviewer(actor, report)
    measure = report.measure
    check_open(measure.plan)
    update = _lock_pending(report, expected_version)
    locked = update.instance
    if locked.kind == ReportKind.MILESTONE:
        assert locked.milestone_id is not None
        milestone = Milestone._base_manager.select_for_update().get(pk=locked.milestone_id)
        errors = Errors()
        if milestone.archived_at is not None:
            errors.add("__all__", _("The milestone was removed from the plan: return the figure instead."))
        errors.raise_if_any()
        if milestone.done_on is None:
            versioned_update(
                actor=actor,
                instance=milestone,
                expected_version=None,
                changes={"done_on": locked.dated},
                org_unit=measure.plan.org_unit,
                action=PlanningAction.MILESTONE_REACHED,
            )
    elif locked.kind == ReportKind.BUDGET:
        assert locked.year is not None and locked.executed is not None
        _set_executed(actor, measure, locked.year, locked.executed)
    else:
        assert locked.indicator_id is not None
        indicator = MeasureIndicator._base_manager.select_related("measure__plan__org_unit").get(pk=locked.indicator_id)
        assert locked.value is not None and locked.dated is not None
        if indicator.archived_at is not None:
            errors = Errors()
            errors.add("__all__", _("The indicator was removed from the plan: return the figure instead."))
            errors.raise_if_any()
        record_indicator_value(actor=actor, indicator=indicator, value=locked.value, measured_on=locked.dated)
    update.apply(
        {
            "status": ReportStatus.VALIDATED,
            "reviewed_by": actor.user if is_person(actor) else None,
            "reviewed_at": timezone.now(),
        }
    )
    update.save(actor=actor, org_unit=measure.plan.org_unit, action=PlanningAction.REPORT_VALIDATED)
    return update.instance


@transaction.atomic
def return_report(*, actor: Acting, report: FocalReport, expected_version: int | None, comment: str) -> FocalReport:
    """Send a figure back to its focal point with the reviewer's comment; nothing of it is applied."""
    _require_reviewer(actor, report)
    errors = Errors()
    if not comment.strip():
        errors.add("comment", _("Say what is wrong with the figure: the comment is required."))
    check_length(errors, "comment", comment, limits.NOTE)
    errors.raise_if_any()
    update = _lock_pending(report, expected_version)
    update.apply(
        {
            "status": ReportStatus.RETURNED,
            "review_comment": comment.strip(),
            "reviewed_by": actor.user if is_person(actor) else None,
            "reviewed_at": timezone.now(),
        }
    )
    update.save(actor=actor, org_unit=report.measure.plan.org_unit, action=PlanningAction.REPORT_RETURNED)
    return update.instance


# --- Alert settings ------------------------------------------------------------------------------
@transaction.atomic
def set_stale_weeks(*, actor: Acting, plan: LocalPlan, expected_version: int | None, weeks: int | None) -> LocalPlan:
    """How many weeks without a progress report make a measure under way an alert (1 to 52).
    Monitoring, not what the plan says: no change record, also once approved."""
    if is_person(actor) and not policies.can_change_plan_status(actor, plan):
        raise PermissionDenied
    check_open(plan)
    errors = Errors()
    if weeks is None or not (MIN_STALE_WEEKS <= weeks <= MAX_STALE_WEEKS):
        errors.add(
            "stale_weeks",
            _("Enter a number of weeks from %(min)d to %(max)d.") % {"min": MIN_STALE_WEEKS, "max": MAX_STALE_WEEKS},
        )
    errors.raise_if_any()
    return versioned_update(
        actor=actor,
        instance=plan,
        expected_version=expected_version,
        changes={"stale_weeks": weeks},
        org_unit=plan.org_unit,
        action=PlanningAction.ALERT_SETTINGS_CHANGED,
    )
