"""The plan's alerts (issue #13 item 8): what in a plan under way needs somebody's attention.

* **Overdue measures**: past their end date and neither completed nor cancelled.
* **Measures without a report**: under way (started, not completed or cancelled) with no progress
  report for ``LocalPlan.stale_weeks`` weeks (8 by default; a measure never reported counts from its
  start date).
* **Overdue milestones**: due before today and not done (a milestone waiting for validation is still
  not done: the coordinator's validation is what makes it so).
* **Budget ahead of progress**: the share of the planned budget executed is more than
  ``BUDGET_AHEAD_POINTS`` percentage points above the measure's progress (70 % spent on a measure
  at 30 %): money is going faster than the work, or progress is not being reported.

Only plans approved or in execution have alerts. One query, whatever the size of the plan: the
measures, with their planned and executed budget and their overdue milestones counted in the database.
The actor's policy chooses the measures: a focal point's alerts are those of the measures their own
area answers for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.planning import policies, rollup
from ronda.planning.models import (
    FocalReport,
    LocalPlan,
    Measure,
    MeasureBudget,
    MeasureStatus,
    Milestone,
    PlanStatus,
    ReportStatus,
)

# Executed share of the planned budget minus progress, in percentage points, above which the budget
# runs ahead of the work. Thirty points tolerates the usual lag of reports behind payments (a
# quarter's work paid up front) and still catches a measure that spent most of its money early.
BUDGET_AHEAD_POINTS = Decimal("30")
CURRENT = (PlanStatus.APPROVED, PlanStatus.IN_EXECUTION)
DONE = (MeasureStatus.COMPLETED, MeasureStatus.CANCELLED)

OVERDUE = "overdue"
STALE = "stale"
MILESTONE = "milestone"
BUDGET_AHEAD = "budget_ahead"
# Most serious first, for the home panel and the digest.
KIND_ORDER = (OVERDUE, MILESTONE, BUDGET_AHEAD, STALE)


@dataclass(frozen=True)
class PlanAlert:
    kind: str
    plan_id: int
    measure_id: int
    measure: str  # code and title
    message: str
    since: dt.date | None = None  # the date the alert counts from (end date, due date, last report)


def _day(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _summed(field: str) -> Coalesce:
    total = (
        MeasureBudget.objects.filter(measure=OuterRef("pk"))
        .order_by()
        .values("measure")
        .annotate(total=Sum(field))
        .values("total")
    )
    output: DecimalField = DecimalField(max_digits=16, decimal_places=2)
    return Coalesce(Subquery(total, output_field=output), Value(Decimal("0")), output_field=output)


def _late(today: dt.date) -> QuerySet[Milestone]:
    """The overdue milestones of the outer query's measure, the earliest first (archived ones are
    out: the default manager hides them)."""
    return Milestone.objects.filter(measure=OuterRef("pk"), done_on__isnull=True, due_on__lt=today).order_by(
        "due_on", "id"
    )


def _late_milestones(today: dt.date) -> Coalesce:
    counted = _late(today).order_by().values("measure").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0), output_field=IntegerField())


def _measures_of(actor: Actor) -> QuerySet[Measure]:
    measures = policies.visible_measures(actor).filter(plan__status__in=CURRENT)
    if actor.has_role(Role.AREA_FOCAL) and actor.area_id is not None:
        # A partner reports its part; the alerts of a measure are for the area that answers for it.
        measures = measures.filter(responsible_area_id=actor.area_id)
    return measures


def _label(code: str, title: str) -> str:
    return f"{code} {title}".strip()


def alerts_in(measures: QuerySet[Measure], *, today: dt.date | None = None) -> list[PlanAlert]:
    """The alerts of ``measures`` (already chosen by a policy), the most serious kind first."""
    return scan(measures, today=today).alerts


@dataclass(frozen=True)
class Scan:
    alerts: list[PlanAlert]
    pending: int  # figures of these measures waiting for validation (planning.FocalReport)


def _pending_figures() -> Coalesce:
    counted = (
        FocalReport.objects.filter(measure=OuterRef("pk"), status=ReportStatus.PENDING)
        .order_by()
        .values("measure")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0), output_field=IntegerField())


def scan(measures: QuerySet[Measure], *, today: dt.date | None = None) -> Scan:
    """The alerts of ``measures`` and how many of their figures wait for validation, in one query."""
    today = today or timezone.localdate()
    rows = list(
        measures.exclude(status=MeasureStatus.CANCELLED)
        .annotate(
            pending_figures=_pending_figures(),
            planned_total=_summed("planned"),
            executed_total=_summed("executed"),
            late_milestones=_late_milestones(today),
            first_late_title=Subquery(_late(today).values("title")[:1]),
            first_late_due=Subquery(_late(today).values("due_on")[:1]),
        )
        .order_by("plan_id", "code", "id")
        .values(
            *("pk", "code", "title", "plan_id", "plan__stale_weeks", "status", "progress"),
            *("progress_updated_on", "start_date", "end_date", "planned_total", "executed_total"),
            *("late_milestones", "first_late_title", "first_late_due", "pending_figures"),
        )
    )
    alerts: list[PlanAlert] = []
    pending = 0
    for row in rows:
        pending += row["pending_figures"]
        if row["status"] in DONE:
            continue  # a completed measure may still have a figure to validate, and no alert
        label = _label(row["code"], row["title"])
        if row["end_date"] < today:
            alerts.append(
                PlanAlert(
                    OVERDUE,
                    row["plan_id"],
                    row["pk"],
                    label,
                    _("Ended on %(day)s and is not complete (%(progress)s %%).")
                    % {"day": _day(row["end_date"]), "progress": formats.number_format(row["progress"], 0)},
                    row["end_date"],
                )
            )
        weeks = row["plan__stale_weeks"]
        last = row["progress_updated_on"] or row["start_date"]
        if row["start_date"] <= today and last < today - dt.timedelta(weeks=weeks):
            message = (
                _("No progress report since %(day)s.") % {"day": _day(last)}
                if row["progress_updated_on"]
                else _("No progress report since it started on %(day)s.") % {"day": _day(last)}
            )
            alerts.append(PlanAlert(STALE, row["plan_id"], row["pk"], label, message, last))
        late = row["late_milestones"]
        if late:
            values = {"title": row["first_late_title"], "day": _day(row["first_late_due"]), "n": late - 1}
            message = (
                _("Milestone “%(title)s” was due on %(day)s.") % values
                if late == 1
                else ngettext(
                    "Milestone “%(title)s” was due on %(day)s, and %(n)d more is overdue.",
                    "Milestone “%(title)s” was due on %(day)s, and %(n)d more are overdue.",
                    late - 1,
                )
                % values
            )
            alerts.append(PlanAlert(MILESTONE, row["plan_id"], row["pk"], label, message, row["first_late_due"]))
        planned, executed = row["planned_total"], row["executed_total"]
        if planned:
            share = rollup.quantize(executed * 100 / planned)
            if share - row["progress"] > BUDGET_AHEAD_POINTS:
                alerts.append(
                    PlanAlert(
                        BUDGET_AHEAD,
                        row["plan_id"],
                        row["pk"],
                        label,
                        _("%(share)s %% of its budget executed at %(progress)s %% progress.")
                        % {
                            "share": formats.number_format(share, 0),
                            "progress": formats.number_format(row["progress"], 0),
                        },
                    )
                )
    order = {kind: n for n, kind in enumerate(KIND_ORDER)}
    return Scan(sorted(alerts, key=lambda a: (order[a.kind], a.since or today, a.measure)), pending)


def _plan_measures(actor: Actor, plan: LocalPlan) -> QuerySet[Measure]:
    if policies.can_read_plans(actor):
        return policies.visible_measures(actor).filter(plan=plan)
    return _measures_of(actor).filter(plan=plan)


def plan_alerts(actor: Actor, plan: LocalPlan, *, today: dt.date | None = None) -> list[PlanAlert]:
    """The alerts of ``plan`` (fetched through ``policies.get_plan``) that the actor may see: every
    measure's for the plan's readers, their own area's for a focal point. None for a plan not under way."""
    return plan_scan(actor, plan, today=today).alerts


def plan_scan(actor: Actor, plan: LocalPlan, *, today: dt.date | None = None) -> Scan:
    """``plan_alerts`` and the number of the plan's figures waiting for validation (one query)."""
    if plan.status not in CURRENT:
        return Scan([], 0)
    return scan(_plan_measures(actor, plan), today=today)


def actor_scan(actor: Actor, *, today: dt.date | None = None) -> Scan:
    """``actor_alerts`` and the figures waiting for validation in those measures (one query)."""
    return scan(_measures_of(actor), today=today)


def actor_alerts(actor: Actor, *, today: dt.date | None = None) -> list[PlanAlert]:
    """Every alert of the plans under way the actor works on: a coordinator's municipality, a focal
    point's own measures (the home panel and the weekly digest)."""
    return alerts_in(_measures_of(actor), today=today)


def counts(alerts: list[PlanAlert]) -> dict[str, int]:
    found = {kind: 0 for kind in KIND_ORDER}
    for alert in alerts:
        found[alert.kind] += 1
    return found
