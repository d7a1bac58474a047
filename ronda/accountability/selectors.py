"""Read models for the plan reports and the public accountability page.

They combine what planning, the coordination body and the children's council publish
(``<domain>.contracts``: values, defined once) for one municipality and one period; accountability
imports no other domain's models, querysets or selectors (``tests/test_reads_only_contracts.py``).
Nothing here writes and nothing here decides who may read: callers pass a plan they fetched
through the planning policies (reports) or a municipality whose approved plan is public by nature
(public page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ronda.coordination import contracts as coordination
from ronda.coordination.contracts import AgreementFigures, BodyActivity
from ronda.council import contracts as council
from ronda.council.contracts import CouncilActivity, PublicAnswer
from ronda.planning import contracts as planning
from ronda.planning.contracts import (
    BudgetFigure,
    IndicatorProgress,
    PlanChangeFacts,
    PlanFacts,
    PlanProgress,
    PlanRef,
)
from ronda.territory import selectors as territory

if TYPE_CHECKING:
    from ronda.territory.models import OrgUnit

__all__ = [
    "AgreementFigures",
    "BodyActivity",
    "CouncilActivity",
    "Period",
    "PeriodError",
    "PublicPage",
    "ReportData",
    "ReportKind",
    "current_public_plan",
    "public_municipalities",
    "public_municipality",
    "public_page",
    "report_data",
    "report_period",
    "report_years",
]


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


class _PlanPeriod(Protocol):
    """What a period needs of a plan: a ``PlanFacts``, or the plan model itself."""

    @property
    def period_start(self) -> dt.date: ...

    @property
    def period_end(self) -> dt.date: ...


def report_period(plan: _PlanPeriod, kind: str, year: int | None = None, semester: int | None = None) -> Period:
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


def report_years(plan: _PlanPeriod) -> list[int]:
    """The years a report of ``plan`` can be asked for."""
    return list(range(plan.period_start.year, plan.period_end.year + 1))


# --- The report ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, as values: the page, the PDF and the XLSX read only this."""

    plan: PlanFacts
    kind: str
    period: Period
    overview: PlanProgress
    indicators: tuple[IndicatorProgress, ...]
    budget_by_area: tuple[BudgetFigure, ...]
    budget_by_year: tuple[BudgetFigure, ...]
    budget_total: BudgetFigure
    agreements: AgreementFigures
    body: BodyActivity
    council: CouncilActivity
    changes: tuple[PlanChangeFacts, ...]
    generated_on: dt.date = field(default_factory=timezone.localdate)

    @property
    def kind_label(self) -> str:
        return str(ReportKind.LABELS[self.kind])


def report_data(plan: PlanRef, kind: str, year: int | None = None, semester: int | None = None) -> ReportData:
    """The report of ``plan`` (fetched by the caller through ``planning.policies``, or its
    ``PlanFacts``) for a period; raises ``PeriodError`` for a period outside the plan."""
    facts = planning.plan_facts(plan)
    period = report_period(facts, kind, year, semester)
    overview = planning.plan_progress(facts)
    budget = planning.budget_in_years(overview, period.years)
    unit = facts.org_unit
    return ReportData(
        plan=facts,
        kind=kind,
        period=period,
        overview=overview,
        indicators=planning.indicator_progress(facts),
        budget_by_area=budget.by_area,
        budget_by_year=budget.by_year,
        budget_total=budget.total,
        agreements=coordination.agreement_figures(unit, period.start, period.end),
        body=coordination.body_activity(unit, period.start, period.end),
        council=council.council_activity(unit, period.start, period.end),
        changes=planning.plan_changes(facts, period.start, period.end),
    )


# --- Public page ------------------------------------------------------------------------------
def public_municipality(code: str) -> OrgUnit | None:
    return territory.municipality_by_code(code)


def current_public_plan(org_unit: territory.UnitKey) -> PlanFacts | None:
    """The plan the public sees: the latest one that was approved (never a draft)."""
    return planning.published_plan(org_unit)


def public_municipalities() -> list[OrgUnit]:
    """The active municipalities with a plan that is no longer a draft, by name."""
    return territory.active_units(planning.published_plan_units())


@dataclass(frozen=True)
class PublicPage:
    """What ``/publico/<code>/`` and its children's version show: no personal data at all."""

    unit: OrgUnit
    plan: PlanFacts | None
    overview: PlanProgress | None
    answers: list[PublicAnswer]


PUBLIC_ANSWERS = 30


def public_page(unit: OrgUnit) -> PublicPage:
    """The public accountability page of municipality ``unit``: its latest approved plan with
    progress and budget, and the answers of its children's council."""
    plan = current_public_plan(unit)
    return PublicPage(
        unit=unit,
        plan=plan,
        overview=planning.plan_progress(plan) if plan is not None else None,
        answers=council.public_answers(unit, limit=PUBLIC_ANSWERS),
    )
