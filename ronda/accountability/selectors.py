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
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.coordination import contracts as coordination
from ronda.coordination.contracts import AgreementFigures, BodyActivity
from ronda.council import contracts as council
from ronda.council.contracts import CouncilActivity, PublicAnswer
from ronda.links import contracts as links
from ronda.links.contracts import PublicMeasure
from ronda.planning import contracts as planning
from ronda.planning.contracts import (
    BudgetFigure,
    ChildInvestment,
    IndicatorProgress,
    InstrumentFacts,
    LineFacts,
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
    "children_lines",
    "current_public_plan",
    "public_municipalities",
    "public_municipality",
    "public_municipality_list",
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
    # The share of the municipal budget the plan puts into children, each year of the period.
    investment: tuple[ChildInvestment, ...] = ()

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
        investment=planning.investment_in_years(overview, period.years),
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


# territory.models.Level.COUNTRY and .REGION, as values: that module is for type annotations only here.
COUNTRY_LEVEL, REGION_LEVEL = 1, 2


@dataclass(frozen=True)
class PublicMunicipality:
    """One entry of ``/publico/``: where the municipality is, and how far its public plan has come."""

    code: str
    name: str
    region: str
    country: str
    plan_title: str = ""
    progress: Decimal | None = None


def public_municipality_list() -> list[PublicMunicipality]:
    """The public index: each municipality with an approved plan, with its region and country (two
    places can share a name) and the progress of its plan. A bounded number of queries, whatever
    the number of municipalities. Progress is shown only when the latest plan is the approved one:
    a newer draft is not public, and the index does not guess at the older plan's figures."""
    units = public_municipalities()
    ancestors = {unit.pk: unit for unit in territory.active_units({a for u in units for a in u.ancestor_ids()})}
    summaries = planning.plan_progress_by_unit(units)
    rows = []
    for unit in units:
        above = [ancestors[pk] for pk in unit.ancestor_ids() if pk in ancestors]
        region = next((a.name for a in above if a.level == REGION_LEVEL), "")
        if region == unit.name:  # the canton of Loja in the province of Loja: say it once
            region = ""
        country = next((a.name for a in above if a.level == COUNTRY_LEVEL), "")
        summary = summaries.get(unit.path)
        published = summary is not None and summary.plan.is_approved
        rows.append(
            PublicMunicipality(
                code=unit.code,
                name=unit.name,
                region=region,
                country=country,
                plan_title=summary.plan.title if published and summary else "",
                progress=summary.progress if published and summary else None,
            )
        )
    return rows


# --- The children's version: the plan in their words ---------------------------------------------
# A line says itself to children in the words its plan gives it (``child_title``, typed by the
# coordinator on the line's form); without them, in the words of its goal area, the same for every
# plan (a goal area means the same thing in Loja and in San José, and a new plan has them at once);
# the line's own title comes last. The line's title is still shown under them, small.
CHILD_LINE_TITLES = {
    "equity": _("Everyone counts: nobody is left out"),
    "participation": _("Your voice is heard"),
    "services": _("Health, school and care for you"),
    "environment": _("Safe and clean places to live and play"),
    "family": _("Time with your family, to play and to rest"),
}
# Every measure status, in children's words. Each one says what *we* do to "it" (a measure, a
# thing), so it agrees with any title, masculine or feminine (a test checks that none is missing).
CHILD_MEASURE_STATUS = {
    "not_started": pgettext_lazy("measure status, for children", "we start soon"),
    "in_progress": pgettext_lazy("measure status, for children", "we are doing it"),
    "delayed": pgettext_lazy("measure status, for children", "it is taking longer than we thought"),
    "completed": pgettext_lazy("measure status, for children", "done!"),
    "cancelled": pgettext_lazy("measure status, for children", "we are not doing it any more"),
}


def child_line_title(line: LineFacts) -> str:
    """What the children's page calls ``line``: its title for children, else the words of its
    goal area, else its title."""
    return line.child_title.strip() or str(CHILD_LINE_TITLES.get(line.goal_area, "")) or line.title


@dataclass(frozen=True)
class ChildThing:
    title: str
    status: str
    status_label: str


@dataclass(frozen=True)
class ChildLine:
    """A strategic line as the children's page shows it: in their words, with what is being done."""

    pk: int
    title: str
    plan_title: str
    progress: Decimal | None
    things: tuple[ChildThing, ...]


def children_lines(overview: PlanProgress) -> tuple[ChildLine, ...]:
    """The plan's lines for children (``child_line_title``), and each measure that still counts
    (cancelled ones are not "things we are doing") with its status in children's words."""
    lines = []
    for line in overview.lines:
        things = tuple(
            ChildThing(
                title=m.measure.title,
                status=m.measure.status,
                status_label=str(CHILD_MEASURE_STATUS.get(m.measure.status, m.measure.status_label)),
            )
            for objective in line.objectives
            for m in objective.measures
            if m.counted
        )
        lines.append(
            ChildLine(
                pk=line.line.pk,
                title=child_line_title(line.line),
                plan_title=line.line.title,
                progress=line.progress,
                things=things,
            )
        )
    return tuple(lines)


@dataclass(frozen=True)
class PublicPage:
    """What ``/publico/<code>/`` and its children's version show: no personal data at all."""

    unit: OrgUnit
    plan: PlanFacts | None
    overview: PlanProgress | None
    answers: list[PublicAnswer]
    # The plan's indicators with their series from the Tablero (baseline, target, values by year).
    indicators: tuple[IndicatorProgress, ...] = ()
    # Year by year, the plan's budget as a share of the municipal budget (aggregates only).
    investment: tuple[ChildInvestment, ...] = ()
    # The municipality's approved and in-force policy instruments (no internal notes).
    instruments: tuple[InstrumentFacts, ...] = ()
    # For each answer (by request id), the measures of the plan that answer it (issue #13 item 11).
    answered_by: Mapping[int, list[PublicMeasure]] = field(default_factory=dict)


PUBLIC_ANSWERS = 30


def public_page(unit: OrgUnit, *, budget_share: bool = True) -> PublicPage:
    """The public accountability page of municipality ``unit``: its latest approved plan with
    progress and budget, and the answers of its children's council. ``budget_share`` adds the
    share of the municipal budget invested in children and the policy instruments (two queries the
    children's page does without)."""
    plan = current_public_plan(unit)
    overview = planning.plan_progress(plan) if plan is not None else None
    answers = council.public_answers(unit, limit=PUBLIC_ANSWERS)
    return PublicPage(
        unit=unit,
        plan=plan,
        overview=overview,
        answers=answers,
        answered_by=links.public_answers(answer.id for answer in answers),
        indicators=planning.indicator_progress(plan) if plan is not None else (),
        investment=planning.investment_in_years(overview) if overview is not None and budget_share else (),
        instruments=planning.published_instruments(unit) if budget_share else (),
    )
