"""Read models for the plan reports and the public accountability page.

They combine the planning, coordination and council selectors for one municipality and one
period. Nothing here writes; callers pass a plan they fetched through the planning policies
(reports) or a municipality whose approved plan is public by nature (public page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ronda.coordination.contracts import AgreementFigures, agreement_figures
from ronda.coordination.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    MinutesStatus,
)
from ronda.council.models import ChildrenCouncil, CouncilSession
from ronda.council.selectors import RequestStats, request_stats
from ronda.planning.models import LocalPlan, MeasureIndicator, PlanChange, PlanStatus
from ronda.planning.selectors import BudgetRow, PlanOverview, plan_overview
from ronda.territory.models import Level, OrgUnit

ZERO = Decimal("0")


class ReportKind:
    SEMESTER = "semester"
    ANNUAL = "annual"
    MIDTERM = "midterm"

    CHOICES = (
        (SEMESTER, _("Semester report")),
        (ANNUAL, _("Annual report")),
        (MIDTERM, _("Mid-term report")),
    )
    LABELS = dict(CHOICES)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))


class PeriodError(ValueError):
    pass


def report_period(plan: LocalPlan, kind: str, year: int | None = None, semester: int | None = None) -> Period:
    """The dates a report covers, clipped to the plan's period."""
    if kind == ReportKind.MIDTERM:
        # The first half of the plan: a 2025–2028 plan reports on 2025-01-01 .. 2026-12-31.
        midpoint = plan.period_start + (plan.period_end - plan.period_start) / 2 - dt.timedelta(days=1)
        return Period(
            plan.period_start,
            midpoint,
            str(_("Mid-term %(start)s – %(end)s"))
            % {
                "start": plan.period_start.isoformat(),
                "end": midpoint.isoformat(),
            },
        )
    if year is None or not plan.period_start.year <= year <= plan.period_end.year:
        raise PeriodError(str(_("Choose a year inside the plan's period.")))
    if kind == ReportKind.ANNUAL:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        label = str(_("Year %(year)d")) % {"year": year}
    elif kind == ReportKind.SEMESTER:
        if semester not in (1, 2):
            raise PeriodError(str(_("Choose the first or the second semester.")))
        start = dt.date(year, 1, 1) if semester == 1 else dt.date(year, 7, 1)
        end = dt.date(year, 6, 30) if semester == 1 else dt.date(year, 12, 31)
        label = str(_("Semester %(semester)d of %(year)d")) % {"semester": semester, "year": year}
    else:
        raise PeriodError(str(_("Unknown report type.")))
    return Period(max(start, plan.period_start), min(end, plan.period_end), label)


# --- Coordination body -------------------------------------------------------------------
# Agreements are read through the coordination body's published contract (coordination.contracts).


@dataclass(frozen=True)
class BodyActivity:
    meetings_held: int
    ordinary: int
    extraordinary: int
    urgent: int
    minutes_approved: int
    attendance_rate: int | None


def body_activity(org_unit: OrgUnit, start: dt.date, end: dt.date) -> BodyActivity:
    tz = timezone.get_current_timezone()
    held = Meeting.objects.filter(
        body__org_unit=org_unit,
        status=MeetingStatus.HELD,
        scheduled_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        scheduled_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )
    counts = held.aggregate(
        total=Count("id"),
        ordinary=Count("id", filter=Q(kind="ordinary")),
        extraordinary=Count("id", filter=Q(kind="extraordinary")),
        urgent=Count("id", filter=Q(kind="urgent")),
        approved=Count("id", filter=Q(minutes_status=MinutesStatus.APPROVED)),
    )
    attendance = Attendance.objects.filter(meeting__in=held).aggregate(
        total=Count("id"), present=Count("id", filter=Q(status=AttendanceStatus.PRESENT))
    )
    rate = round(100 * attendance["present"] / attendance["total"]) if attendance["total"] else None
    return BodyActivity(
        meetings_held=counts["total"],
        ordinary=counts["ordinary"],
        extraordinary=counts["extraordinary"],
        urgent=counts["urgent"],
        minutes_approved=counts["approved"],
        attendance_rate=rate,
    )


# --- Children's council -------------------------------------------------------------------
@dataclass(frozen=True)
class CouncilActivity:
    exists: bool
    sessions: int = 0
    accountability_sessions: int = 0
    requests: RequestStats | None = None


def council_activity(org_unit: OrgUnit, start: dt.date, end: dt.date) -> CouncilActivity:
    council = ChildrenCouncil.objects.filter(org_unit=org_unit).first()
    if council is None:
        return CouncilActivity(exists=False)
    return CouncilActivity(
        exists=True,
        sessions=CouncilSession.objects.filter(council=council, held_on__range=(start, end)).count(),
        accountability_sessions=council.accountability_sessions.filter(held_on__range=(start, end)).count(),
        requests=request_stats(council, start, end),
    )


# --- The report ------------------------------------------------------------------------------
@dataclass
class ReportData:
    plan: LocalPlan
    kind: str
    period: Period
    overview: PlanOverview
    indicators: list[MeasureIndicator]
    budget_by_area: list[BudgetRow]
    budget_by_year: list[BudgetRow]
    budget_total: BudgetRow
    agreements: AgreementFigures
    body: BodyActivity
    council: CouncilActivity
    changes: list[PlanChange]
    generated_on: dt.date = field(default_factory=timezone.localdate)

    @property
    def kind_label(self) -> str:
        return str(ReportKind.LABELS[self.kind])


def _budget_in_years(overview: PlanOverview, years: list[int]) -> tuple[list[BudgetRow], list[BudgetRow], BudgetRow]:
    by_area: dict[int, BudgetRow] = {}
    by_year = {year: BudgetRow(year, str(year)) for year in years}
    total = BudgetRow("total", str(_("Total")))
    for row in overview.measures():
        area = row.measure.responsible_area
        target = by_area.setdefault(area.pk, BudgetRow(area.pk, area.name))
        for year, budget in row.budgets_by_year.items():
            if year not in by_year:
                continue
            for bucket in (target, by_year[year], total):
                bucket.planned += budget.planned
                bucket.executed += budget.executed
    areas = sorted((b for b in by_area.values() if b.planned or b.executed), key=lambda b: b.label)
    return areas, list(by_year.values()), total


def report_data(plan: LocalPlan, kind: str, year: int | None = None, semester: int | None = None) -> ReportData:
    period = report_period(plan, kind, year, semester)
    overview = plan_overview(plan)
    by_area, by_year, total = _budget_in_years(overview, period.years)
    indicators = list(
        MeasureIndicator.objects.filter(measure__plan=plan)
        .select_related("measure")
        .order_by("measure__code", "measure__id", "id")
    )
    changes = list(
        PlanChange.objects.filter(plan=plan, changed_on__range=(period.start, period.end)).select_related("measure")
    )
    return ReportData(
        plan=plan,
        kind=kind,
        period=period,
        overview=overview,
        indicators=indicators,
        budget_by_area=by_area,
        budget_by_year=by_year,
        budget_total=total,
        agreements=agreement_figures(plan.org_unit, period.start, period.end),
        body=body_activity(plan.org_unit, period.start, period.end),
        council=council_activity(plan.org_unit, period.start, period.end),
        changes=changes,
    )


# --- Public page ------------------------------------------------------------------------------
def public_municipality(code: str) -> OrgUnit | None:
    return (
        OrgUnit.objects.filter(code=code, level=Level.MUNICIPALITY, is_active=True)
        .select_related("parent")
        .defer("geometry", "parent__geometry")  # map shapes can weigh megabytes; the page shows names
        .first()
    )


def current_public_plan(org_unit: OrgUnit) -> LocalPlan | None:
    """The plan the public sees: the latest one that was approved (never a draft)."""
    return (
        LocalPlan.objects.filter(org_unit=org_unit)
        .exclude(status=PlanStatus.DRAFT)
        .order_by("-period_start", "-id")
        .first()
    )


def public_municipalities() -> list[OrgUnit]:
    ids = LocalPlan.objects.exclude(status=PlanStatus.DRAFT).values("org_unit_id")
    return list(OrgUnit.objects.filter(pk__in=ids, is_active=True).select_related("parent").order_by("name"))
