"""What planning publishes to other domains: facts about plans, as values, defined once.

Accountability reports, the public page, and later the social management dashboard and
certification read the plan through these functions, never through planning's models or
querysets. Everything returned is a frozen dataclass of plain values (numbers, text, dates,
tuples), so a consumer cannot follow a relation or run a query by accident, and a job can carry it.

Scoping: a function that takes a plan answers only about that plan; one that takes a unit
(``territory.selectors.UnitKey``: an ``OrgUnit`` or a ``UnitRef``) answers for that municipality
(``plan_in_force``, ``published_plan``, ``diagnosis_facts``) or sums over its subtree
(``budget_execution``, ``published_plan_units``), never for a unit outside it. Nothing here asks
who is reading: the caller decides that through ``planning.policies`` (reports) or because the
facts are public by nature (a plan that is no longer a draft).

Published facts:

- ``plan_facts(plan)``: one plan (title, period, status, approval, municipality).
- ``plan_in_force(unit, start, end)``: the approved plan of a municipality for a period.
- ``published_plan(unit)`` / ``published_plan_units(within)``: what the public sees.
- ``plan_progress(plan)``: the tree of lines > objectives > measures with rolled-up progress,
  budgets by year and by area, measures by status (the roll-up of ``planning.rollup``).
- ``budget_in_years(progress, years)``: planned and executed by area and year in a period.
- ``budget_execution(unit, year)``: planned and executed of the published plans in a subtree.
- ``measures_by_status(plan)``: how many measures in each status (every status listed).
- ``indicator_progress(plan)``: each indicator's baseline, target, its series of values from the
  Tablero (year by year), latest value and progress.
- ``plan_changes(plan, start, end)``: the change records of an approved plan in a period.
- ``diagnosis_facts(unit)``: the latest situation analysis of a municipality, in figures.
- ``plan_progress_by_unit(units)``: for many municipalities at once (a comparison), each one's
  latest plan with its rolled-up progress and budget execution, in three queries whatever the count.
- ``plan_investment(plan, years)`` / ``investment_in_years(progress, years)``: the share of the
  municipal budget the plan puts into children, year by year and by area (the municipality's total
  entered per year is the denominator).
- ``children_investment(unit, year)``: the same for a municipality and a year, over its published
  plans (certification's evidence); ``total`` and the shares are None when no total was entered.
- ``published_instruments(unit)``: its approved and in-force policy instruments, without internal notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import documents
from ronda.core.models import DocumentVersion
from ronda.planning import rollup, trends
from ronda.planning.choices import GoalArea
from ronda.planning.models import (
    PUBLIC_INSTRUMENT_STATUSES,
    Criticality,
    Finding,
    ImprovementOpportunity,
    InstrumentKind,
    InstrumentStatus,
    LocalPlan,
    Measure,
    MeasureBudget,
    MeasureIndicator,
    MeasureStatus,
    MunicipalBudget,
    PlanChange,
    PlanStatus,
    PolicyInstrument,
    SituationAnalysis,
    Workshop,
)
from ronda.planning.policies_documents import APPROVED_PLAN
from ronda.planning.selectors import BudgetRow, PlanOverview, plan_overview
from ronda.territory.selectors import UnitKey, UnitRef

ZERO = Decimal("0")

# A plan the public (and every other domain) may rely on: once approved, whatever came after.
PUBLISHED = ~Q(status=PlanStatus.DRAFT)


# --- One plan -------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanFacts:
    """One plan. Attribute names follow the model's, so a template written for either reads both."""

    pk: int
    title: str
    period_start: dt.date
    period_end: dt.date
    status: str
    weighting: str
    approved_on: dt.date | None
    approved_by: str
    approval_reference: str
    org_unit: UnitRef

    def __str__(self) -> str:
        return self.title

    @property
    def org_unit_id(self) -> int:
        return self.org_unit.pk

    @property
    def is_approved(self) -> bool:
        return self.status != PlanStatus.DRAFT

    @property
    def status_label(self) -> str:
        return str(PlanStatus(self.status).label)

    def get_status_display(self) -> str:
        return self.status_label

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start.year, self.period_end.year + 1))


# What callers hand in: the plan they fetched through planning.policies, or facts from here.
PlanRef: TypeAlias = LocalPlan | PlanFacts

_PLAN_FIELDS = (
    *("pk", "title", "period_start", "period_end", "status", "weighting"),
    *("approved_on", "approved_by", "approval_reference"),
    *("org_unit_id", "org_unit__code", "org_unit__name", "org_unit__path"),
)


def _facts_from_row(row: Mapping[str, Any]) -> PlanFacts:
    return PlanFacts(
        pk=row["pk"],
        title=row["title"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        status=row["status"],
        weighting=row["weighting"],
        approved_on=row["approved_on"],
        approved_by=row["approved_by"],
        approval_reference=row["approval_reference"],
        org_unit=UnitRef(
            pk=row["org_unit_id"],
            code=row["org_unit__code"],
            name=row["org_unit__name"],
            path=row["org_unit__path"],
        ),
    )


def _first_plan(plans: Iterable[Mapping[str, Any]]) -> PlanFacts | None:
    for row in plans:
        return _facts_from_row(row)
    return None


def plan_facts(plan: PlanRef) -> PlanFacts:
    """The facts of ``plan``: no query when it is a ``PlanFacts`` or a plan fetched with its unit."""
    if isinstance(plan, PlanFacts):
        return plan
    if LocalPlan.org_unit.is_cached(plan):
        unit = plan.org_unit
        return PlanFacts(
            pk=plan.pk,
            title=plan.title,
            period_start=plan.period_start,
            period_end=plan.period_end,
            status=plan.status,
            weighting=plan.weighting,
            approved_on=plan.approved_on,
            approved_by=plan.approved_by,
            approval_reference=plan.approval_reference,
            org_unit=UnitRef(pk=unit.pk, code=unit.code, name=unit.name, path=unit.path),
        )
    facts = _first_plan(LocalPlan.objects.filter(pk=plan.pk).values(*_PLAN_FIELDS))
    if facts is None:
        raise LocalPlan.DoesNotExist
    return facts


def plan_in_force(unit: UnitKey, start: dt.date | None = None, end: dt.date | None = None) -> PlanFacts | None:
    """The plan of municipality ``unit`` in force in ``start`` .. ``end`` (both default to today).

    In force: approved (any status but draft; an evaluated plan was in force during its period)
    and its period overlaps the one asked about. When two do, the one that started last.
    """
    start = start or timezone.localdate()
    end = end or start
    plans = (
        LocalPlan.objects.filter(PUBLISHED, org_unit__path=unit.path, period_start__lte=end, period_end__gte=start)
        .order_by("-period_start", "-id")
        .values(*_PLAN_FIELDS)[:1]
    )
    return _first_plan(plans)


def published_plan(unit: UnitKey) -> PlanFacts | None:
    """The plan the public sees for municipality ``unit``: the latest one that is no longer a draft."""
    plans = (
        LocalPlan.objects.filter(PUBLISHED, org_unit__path=unit.path)
        .order_by("-period_start", "-id")
        .values(*_PLAN_FIELDS)[:1]
    )
    return _first_plan(plans)


def last_evaluated_plan(unit: UnitKey) -> PlanFacts | None:
    """The latest plan of municipality ``unit`` marked evaluated (certification's "the previous plan
    was evaluated", issue #14): its status says an evaluation closed its cycle."""
    plans = (
        LocalPlan.objects.filter(org_unit__path=unit.path, status=PlanStatus.EVALUATED)
        .order_by("-period_end", "-id")
        .values(*_PLAN_FIELDS)[:1]
    )
    return _first_plan(plans)


def published_plan_units(within: UnitKey | None = None) -> frozenset[int]:
    """Ids of the units that have a plan that is no longer a draft (in ``within``'s subtree if given)."""
    plans = LocalPlan.objects.filter(PUBLISHED)
    if within is not None:
        plans = plans.filter(org_unit__path__startswith=within.path)
    return frozenset(plans.values_list("org_unit_id", flat=True).distinct())


# --- The plan's tree with progress ------------------------------------------------------------
@dataclass(frozen=True)
class BudgetFigure:
    """Planned vs executed for one year, one area, or a total."""

    key: int | str
    label: str
    planned: Decimal = ZERO
    executed: Decimal = ZERO

    @property
    def execution_rate(self) -> Decimal | None:
        """Executed as a percentage of planned (two decimals); None when nothing was planned."""
        if not self.planned:
            return None
        return rollup.quantize(self.executed * 100 / self.planned)


def _figure(row: BudgetRow) -> BudgetFigure:
    key = row.key if isinstance(row.key, int | str) else str(row.key)
    return BudgetFigure(key=key, label=row.label, planned=row.planned, executed=row.executed)


@dataclass(frozen=True)
class AreaRef:
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class MeasureRef:
    pk: int
    code: str
    title: str

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


@dataclass(frozen=True)
class MeasureFacts:
    pk: int
    code: str
    title: str
    status: str
    progress: Decimal
    progress_justification: str
    progress_updated_on: dt.date | None
    horizon: str
    start_date: dt.date
    end_date: dt.date
    responsible_area: AreaRef

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def status_label(self) -> str:
        return str(MeasureStatus(self.status).label)

    def get_status_display(self) -> str:
        return self.status_label


@dataclass(frozen=True)
class MeasureProgress:
    measure: MeasureFacts
    planned: Decimal
    executed: Decimal
    budgets_by_year: Mapping[int, BudgetFigure]

    @property
    def counted(self) -> bool:
        """Cancelled measures stay in the tree but do not count in the roll-up."""
        return self.measure.status != MeasureStatus.CANCELLED


@dataclass(frozen=True)
class ObjectiveFacts:
    pk: int
    order: int
    title: str

    def __str__(self) -> str:
        return self.title


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: ObjectiveFacts
    progress: Decimal | None
    weight: Decimal
    measures: tuple[MeasureProgress, ...]


@dataclass(frozen=True)
class LineFacts:
    pk: int
    order: int
    title: str
    goal_area: str
    child_title: str = ""  # the line in children's words, "" when the plan gives none

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


@dataclass(frozen=True)
class LineProgress:
    line: LineFacts
    progress: Decimal | None
    weight: Decimal
    objectives: tuple[ObjectiveProgress, ...]

    @property
    def measure_count(self) -> int:
        return sum(len(o.measures) for o in self.objectives)


@dataclass(frozen=True)
class PlanProgress:
    """The whole plan: progress of the plan, each line and objective, and each measure's own."""

    plan: PlanFacts
    progress: Decimal | None
    lines: tuple[LineProgress, ...]
    by_year: tuple[BudgetFigure, ...]
    by_area: tuple[BudgetFigure, ...]
    total: BudgetFigure
    measure_count: int
    measures_by_status: Mapping[str, int]

    def measures(self) -> list[MeasureProgress]:
        return [m for line in self.lines for o in line.objectives for m in o.measures]


def _every_status(counts: Mapping[str, int]) -> dict[str, int]:
    return {status: int(counts.get(status, 0)) for status in MeasureStatus.values}


def _progress_from(overview: PlanOverview, facts: PlanFacts) -> PlanProgress:
    lines = []
    for line_node in overview.lines:
        objectives = []
        for node in line_node.objectives:
            measures = []
            for row in node.measures:
                m = row.measure
                measures.append(
                    MeasureProgress(
                        measure=MeasureFacts(
                            pk=m.pk,
                            code=m.code,
                            title=m.title,
                            status=m.status,
                            progress=m.progress,
                            progress_justification=m.progress_justification,
                            progress_updated_on=m.progress_updated_on,
                            horizon=m.horizon,
                            start_date=m.start_date,
                            end_date=m.end_date,
                            responsible_area=AreaRef(pk=m.responsible_area.pk, name=m.responsible_area.name),
                        ),
                        planned=row.planned,
                        executed=row.executed,
                        budgets_by_year={year: _figure(b) for year, b in row.budgets_by_year.items()},
                    )
                )
            o = node.objective
            objectives.append(
                ObjectiveProgress(
                    objective=ObjectiveFacts(pk=o.pk, order=o.order, title=o.title),
                    progress=node.progress,
                    weight=node.weight,
                    measures=tuple(measures),
                )
            )
        li = line_node.line
        lines.append(
            LineProgress(
                line=LineFacts(
                    pk=li.pk, order=li.order, title=li.title, goal_area=li.goal_area, child_title=li.child_title
                ),
                progress=line_node.progress,
                weight=line_node.weight,
                objectives=tuple(objectives),
            )
        )
    return PlanProgress(
        plan=facts,
        progress=overview.progress,
        lines=tuple(lines),
        by_year=tuple(_figure(r) for r in overview.by_year),
        by_area=tuple(_figure(r) for r in overview.by_area),
        total=_figure(overview.total),
        measure_count=overview.measure_count,
        measures_by_status=_every_status(overview.status_counts),
    )


def plan_progress(plan: PlanRef) -> PlanProgress:
    """The plan's tree with rolled-up progress (``planning.selectors.plan_overview``, as values)."""
    facts = plan_facts(plan)
    return _progress_from(plan_overview(facts), facts)


@dataclass(frozen=True)
class BudgetFigures:
    by_area: tuple[BudgetFigure, ...]
    by_year: tuple[BudgetFigure, ...]
    total: BudgetFigure


def budget_in_years(progress: PlanProgress, years: Iterable[int]) -> BudgetFigures:
    """Planned and executed in ``years`` only: by responsible area (areas with no amount left out,
    by name), by year (every year listed) and in total. Cancelled measures' amounts count: they
    were budgeted (and maybe spent)."""
    years = list(years)
    by_area: dict[int, list[Decimal]] = {}
    area_names: dict[int, str] = {}
    by_year = {year: [ZERO, ZERO] for year in years}
    total = [ZERO, ZERO]
    for row in progress.measures():
        area = row.measure.responsible_area
        area_names[area.pk] = area.name
        target = by_area.setdefault(area.pk, [ZERO, ZERO])
        for year, budget in row.budgets_by_year.items():
            if year not in by_year:
                continue
            for bucket in (target, by_year[year], total):
                bucket[0] += budget.planned
                bucket[1] += budget.executed
    areas = sorted(
        (BudgetFigure(pk, area_names[pk], planned, executed) for pk, (planned, executed) in by_area.items()),
        key=lambda b: b.label,
    )
    return BudgetFigures(
        by_area=tuple(b for b in areas if b.planned or b.executed),
        by_year=tuple(BudgetFigure(year, str(year), *amounts) for year, amounts in by_year.items()),
        total=BudgetFigure("total", _("Total"), *total),
    )


def budget_execution(unit: UnitKey, year: int) -> BudgetFigure:
    """Planned and executed in ``year`` by the published plans in ``unit``'s subtree (all their
    measures, as in a plan's reports): the "investment in childhood" of a municipality or a region."""
    row = (
        MeasureBudget.objects.filter(year=year, measure__plan__org_unit__path__startswith=unit.path)
        .exclude(measure__plan__status=PlanStatus.DRAFT)
        .aggregate(planned=Sum("planned"), executed=Sum("executed"))
    )
    return BudgetFigure(year, str(year), row["planned"] or ZERO, row["executed"] or ZERO)


def measures_by_status(plan: PlanRef) -> dict[str, int]:
    """How many measures of ``plan`` are in each status; every status is listed (zeros too)."""
    rows = Measure.objects.filter(plan_id=plan.pk).order_by().values_list("status").annotate(n=Count("id"))
    return _every_status(dict(rows.values_list("status", "n")))


# --- Indicators and changes -----------------------------------------------------------------
@dataclass(frozen=True)
class TrendPoint:
    """One value of an indicator's series: its ISO period ("2025") and the value."""

    period: str
    value: Decimal


@dataclass(frozen=True)
class IndicatorProgress:
    """A measure's indicator: the measure's commitment (baseline, target) and the Tablero's values of
    its catalogue indicator for the plan's municipality, year by year (``trend``, oldest first)."""

    pk: int
    measure: MeasureRef
    name: str
    unit: str
    baseline: Decimal | None
    baseline_year: int | None
    target: Decimal | None
    trend: tuple[TrendPoint, ...] = ()
    # The catalogue indicator followed ("": a free-text indicator without values yet).
    catalogue_code: str = ""
    # Its figures count children from personal records: a public page does not show them (the
    # Tablero's public figures do, with small counts suppressed).
    counts_people: bool = False

    @property
    def latest_value(self) -> Decimal | None:
        return self.trend[-1].value if self.trend else None

    @property
    def latest_period(self) -> str:
        return self.trend[-1].period if self.trend else ""

    @property
    def progress_percent(self) -> Decimal | None:
        """How far the latest value has come from the baseline towards the target, in percent (two
        decimals), for rising and falling targets alike. Below 0: worse than the baseline; above 100:
        the target was passed. None when a value is missing or the target equals the baseline."""
        latest = self.latest_value
        if self.baseline is None or self.target is None or latest is None:
            return None
        if self.target == self.baseline:
            return None
        return rollup.quantize((latest - self.baseline) * 100 / (self.target - self.baseline))


def indicator_progress(plan: PlanRef) -> tuple[IndicatorProgress, ...]:
    """The indicators of ``plan``'s measures, by measure code, each with its series (one read of the
    Tablero for the whole plan)."""
    rows = list(
        MeasureIndicator.objects.filter(measure__plan_id=plan.pk)
        .order_by("measure__code", "measure__id", "id")
        .values_list(
            *("pk", "measure_id", "measure__code", "measure__title", "name", "unit"),
            *("baseline", "baseline_year", "target", "catalogue_indicator_id", "catalogue_indicator__code"),
        )
    )
    series = trends.trends(
        ((row[0], row[9], row[7]) for row in rows), plan.org_unit_id, plan.period_start, plan.period_end
    )
    return tuple(
        IndicatorProgress(
            pk=pk,
            measure=MeasureRef(pk=measure_id, code=code, title=title),
            name=name,
            unit=unit,
            baseline=baseline,
            baseline_year=baseline_year,
            target=target,
            trend=tuple(TrendPoint(p.period, p.value) for p in series[pk].points),
            catalogue_code=catalogue_code or "",
            counts_people=series[pk].counts_people,
        )
        for pk, measure_id, code, title, name, unit, baseline, baseline_year, target, _i, catalogue_code in rows
    )


@dataclass(frozen=True)
class PlanChangeFacts:
    pk: int
    changed_on: dt.date
    measure: MeasureRef | None
    what: str
    why: str
    approved_by: str


def plan_changes(plan: PlanRef, start: dt.date, end: dt.date) -> tuple[PlanChangeFacts, ...]:
    """The change records of ``plan`` dated ``start`` .. ``end``, the latest first (who recorded
    them is not published)."""
    rows = (
        PlanChange.objects.filter(plan_id=plan.pk, changed_on__range=(start, end))
        .order_by("-changed_on", "-id")
        .values_list("pk", "changed_on", "measure_id", "measure__code", "measure__title", "what", "why", "approved_by")
    )
    return tuple(
        PlanChangeFacts(
            pk=pk,
            changed_on=changed_on,
            measure=MeasureRef(pk=measure_id, code=code, title=title) if measure_id is not None else None,
            what=what,
            why=why,
            approved_by=approved_by,
        )
        for pk, changed_on, measure_id, code, title, what, why, approved_by in rows
    )


# --- Many municipalities at once (comparisons) -------------------------------------------------
@dataclass(frozen=True)
class PlanSummary:
    """A municipality's latest plan in a comparison: its facts, rolled-up progress and budget."""

    plan: PlanFacts
    progress: Decimal | None
    measure_count: int
    budget: BudgetFigure  # planned and executed in the plan's years up to this one


def plan_progress_by_unit(units: Iterable[UnitKey], today: dt.date | None = None) -> dict[str, PlanSummary]:
    """The latest plan (any status; the caller decides who may see drafts) of each municipality in
    ``units``, keyed by the unit's path; a municipality without a plan is absent.

    Progress rolls up exactly as ``plan_progress`` does (``planning.rollup``: measures > objectives >
    lines > plan, cancelled measures left out). Three queries, whatever the number of units.
    """
    paths = {unit.path for unit in units}
    if not paths:
        return {}
    this_year = (today or timezone.localdate()).year
    latest: dict[str, PlanFacts] = {}
    rows = LocalPlan.objects.filter(org_unit__path__in=paths).order_by("org_unit_id", "-period_start", "-id")
    for row in rows.values(*_PLAN_FIELDS):
        latest.setdefault(row["org_unit__path"], _facts_from_row(row))
    plans = {facts.pk: facts for facts in latest.values()}
    budgets: dict[int, list[Decimal]] = {}  # measure id -> [planned all years, planned so far, executed so far]
    for measure_id, year, planned, executed in MeasureBudget.objects.filter(measure__plan_id__in=plans).values_list(
        "measure_id", "year", "planned", "executed"
    ):
        amounts = budgets.setdefault(measure_id, [ZERO, ZERO, ZERO])
        amounts[0] += planned
        if year <= this_year:
            amounts[1] += planned
            amounts[2] += executed
    # plan id -> line id -> objective id -> [(progress, weight)] of its counted measures
    tree: dict[int, dict[int, dict[int, list[tuple[Decimal, Decimal]]]]] = {pk: {} for pk in plans}
    counts = dict.fromkeys(plans, 0)
    so_far = {pk: [ZERO, ZERO] for pk in plans}
    measures = Measure.objects.filter(plan_id__in=plans).values_list(
        "pk", "plan_id", "objective__line_id", "objective_id", "progress", "status"
    )
    for pk, plan_id, line_id, objective_id, progress, status in measures:
        planned, planned_so_far, executed_so_far = budgets.get(pk, (ZERO, ZERO, ZERO))
        counts[plan_id] += 1
        so_far[plan_id][0] += planned_so_far
        so_far[plan_id][1] += executed_so_far
        if status != MeasureStatus.CANCELLED:
            tree[plan_id].setdefault(line_id, {}).setdefault(objective_id, []).append((progress, planned))
    summaries = {}
    for path, facts in latest.items():
        weighting = facts.weighting
        line_pairs = []
        for objectives in tree[facts.pk].values():
            objective_pairs = [
                (rollup.weighted_progress(pairs, weighting=weighting), rollup.total_weight(w for _, w in pairs))
                for pairs in objectives.values()
            ]
            line_pairs.append(
                (
                    rollup.weighted_progress(objective_pairs, weighting=weighting),
                    rollup.total_weight(w for p, w in objective_pairs if p is not None),
                )
            )
        planned_so_far, executed_so_far = so_far[facts.pk]
        summaries[path] = PlanSummary(
            plan=facts,
            progress=rollup.weighted_progress(line_pairs, weighting=weighting),
            measure_count=counts[facts.pk],
            budget=BudgetFigure("total", _("Total"), planned_so_far, executed_so_far),
        )
    return summaries


# --- Diagnosis -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiagnosisFacts:
    """The latest situation analysis of a municipality, in figures (typed counts, not personal data)."""

    pk: int
    title: str
    period_start: dt.date
    period_end: dt.date
    findings_by_goal_area: Mapping[str, int]
    workshops: int
    adult_participants: int
    children_participants: int
    opportunities_by_criticality: Mapping[str, int]

    @property
    def findings(self) -> int:
        return sum(self.findings_by_goal_area.values())

    @property
    def opportunities(self) -> int:
        return sum(self.opportunities_by_criticality.values())


def diagnosis_facts(unit: UnitKey) -> DiagnosisFacts | None:
    """The latest situation analysis (by period) of municipality ``unit``, or None."""
    analysis = (
        SituationAnalysis.objects.filter(org_unit__path=unit.path)
        .order_by("-period_start", "-id")
        .values_list("pk", "title", "period_start", "period_end")
        .first()
    )
    if analysis is None:
        return None
    pk, title, period_start, period_end = analysis
    findings = dict(Finding.objects.filter(analysis_id=pk).order_by().values_list("goal_area").annotate(n=Count("id")))
    workshops = Workshop.objects.filter(analysis_id=pk).aggregate(
        n=Count("id"),
        adults=Sum("adult_participants"),
        c0=Sum("children_0_5"),
        c6=Sum("children_6_11"),
        c12=Sum("children_12_17"),
    )
    opportunities = dict(
        ImprovementOpportunity.objects.filter(analysis_id=pk)
        .order_by()
        .values_list("criticality")
        .annotate(n=Count("id"))
    )
    return DiagnosisFacts(
        pk=pk,
        title=title,
        period_start=period_start,
        period_end=period_end,
        findings_by_goal_area={g: int(findings.get(g, 0)) for g in GoalArea.values},
        workshops=workshops["n"],
        adult_participants=workshops["adults"] or 0,
        children_participants=sum(workshops[k] or 0 for k in ("c0", "c6", "c12")),
        opportunities_by_criticality={c: int(opportunities.get(c, 0)) for c in Criticality.values},
    )


# --- The share of the municipal budget invested in children (issue #13 item 13) ---------------
def share_of(part: Decimal, total: Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``total`` (two decimals); None when there is no total."""
    if not total:
        return None
    return rollup.quantize(part * 100 / total)


@dataclass(frozen=True)
class AreaInvestment:
    """What one responsible area planned and executed for children in a year, and its share."""

    key: int
    label: str
    planned: Decimal
    executed: Decimal
    total: Decimal | None

    @property
    def planned_share(self) -> Decimal | None:
        return share_of(self.planned, self.total)

    @property
    def executed_share(self) -> Decimal | None:
        return share_of(self.executed, self.total)


@dataclass(frozen=True)
class ChildInvestment:
    """One year: the municipality's total budget (None when not entered), what the plan planned and
    executed for children that year, and their shares of the total, overall and by area."""

    year: int
    total: Decimal | None
    source: str
    planned: Decimal
    executed: Decimal
    by_area: tuple[AreaInvestment, ...] = ()
    budget_pk: int | None = None

    @property
    def has_total(self) -> bool:
        return self.total is not None

    @property
    def planned_share(self) -> Decimal | None:
        return share_of(self.planned, self.total)

    @property
    def executed_share(self) -> Decimal | None:
        return share_of(self.executed, self.total)


Sums = dict[int, dict[int, list[Any]]]  # year -> area id -> [area name, planned, executed]


def _budget_sums(measure_budgets: Any, years: list[int]) -> Sums:
    """One query: the measures' budgets of ``years``, by year and responsible area."""
    sums: Sums = {year: {} for year in years}
    rows = (
        measure_budgets.filter(year__in=years)
        .order_by()
        .values_list("year", "measure__responsible_area_id", "measure__responsible_area__name")
        .annotate(planned=Sum("planned"), executed=Sum("executed"))
    )
    for year, area_id, area_name, planned, executed in rows:
        sums[year][area_id] = [area_name, planned or ZERO, executed or ZERO]
    return sums


def _investment(unit_path: str, sums: Sums) -> tuple[ChildInvestment, ...]:
    """One query: the municipality's totals of the years in ``sums``, against what was planned and executed."""
    wanted = sorted(sums)
    if not wanted:
        return ()
    totals = {
        year: (pk, total, source)
        for pk, year, total, source in MunicipalBudget.objects.filter(org_unit__path=unit_path, year__in=wanted)
        .order_by()
        .values_list("pk", "year", "total", "source")
    }
    result = []
    for year in wanted:
        pk, total, source = totals.get(year, (None, None, ""))
        areas = sorted(
            (
                AreaInvestment(area_id, name, planned, executed, total)
                for area_id, (name, planned, executed) in sums[year].items()
            ),
            key=lambda a: a.label,
        )
        result.append(
            ChildInvestment(
                year=year,
                total=total,
                source=source,
                planned=sum((a.planned for a in areas), ZERO),
                executed=sum((a.executed for a in areas), ZERO),
                by_area=tuple(a for a in areas if a.planned or a.executed),
                budget_pk=pk,
            )
        )
    return tuple(result)


def investment_in_years(progress: PlanProgress, years: Iterable[int] | None = None) -> tuple[ChildInvestment, ...]:
    """``plan_investment`` from a plan's progress already read (one query: the municipal totals).
    Amounts as in ``budget_in_years``: cancelled measures' amounts count."""
    wanted = sorted(set(progress.plan.years if years is None else years))
    sums: Sums = {year: {} for year in wanted}
    for row in progress.measures():
        area = row.measure.responsible_area
        for year, budget in row.budgets_by_year.items():
            if year in sums:
                bucket = sums[year].setdefault(area.pk, [area.name, ZERO, ZERO])
                bucket[1] += budget.planned
                bucket[2] += budget.executed
    return _investment(progress.plan.org_unit.path, sums)


def plan_investment(plan: PlanRef, years: Iterable[int] | None = None) -> tuple[ChildInvestment, ...]:
    """Each year of ``plan`` (or of ``years``): what it puts into children against the municipal budget."""
    facts = plan_facts(plan)
    wanted = sorted(set(facts.years if years is None else years))
    return _investment(
        facts.org_unit.path, _budget_sums(MeasureBudget.objects.filter(measure__plan_id=facts.pk), wanted)
    )


def children_investment(unit: UnitKey, year: int) -> ChildInvestment:
    """Municipality ``unit`` in ``year``: its total budget, what its published plans planned and
    executed for children, and the shares (None when the total was not entered: never 0 %)."""
    budgets = MeasureBudget.objects.filter(measure__plan__org_unit__path=unit.path).exclude(
        measure__plan__status=PlanStatus.DRAFT
    )
    return _investment(unit.path, _budget_sums(budgets, [year]))[0]


# --- Policy instruments ---------------------------------------------------------------------------
@dataclass(frozen=True)
class InstrumentFacts:
    """A municipality's policy instrument as the public and certification see it (no internal notes)."""

    pk: int
    kind: str
    title: str
    reference: str
    status: str
    approved_on: dt.date | None
    in_force_from: dt.date | None
    in_force_until: dt.date | None
    approving_body: str
    summary: str

    @property
    def kind_label(self) -> str:
        return str(InstrumentKind(self.kind).label)

    @property
    def status_label(self) -> str:
        return str(InstrumentStatus(self.status).label)


def published_instruments(unit: UnitKey) -> tuple[InstrumentFacts, ...]:
    """The approved and in-force policy instruments of municipality ``unit``, newest approval first."""
    rows = (
        PolicyInstrument.objects.filter(org_unit__path=unit.path, status__in=PUBLIC_INSTRUMENT_STATUSES)
        .order_by("-approved_on", "title", "id")
        .values_list(
            *("pk", "kind", "title", "reference", "status", "approved_on"),
            *("in_force_from", "in_force_until", "approving_body", "summary"),
        )
    )
    return tuple(InstrumentFacts(*row) for row in rows)


# --- The approved plan's document (issue #13 item 3) -----------------------------------------
def public_plan_document(plan: PlanFacts) -> DocumentVersion | None:
    """The current version of the approved plan's document, for the public page: only of a plan that
    is no longer a draft (one query). The page and the download show the same version."""
    if not plan.is_approved:
        return None
    found = documents.documents_of(LocalPlan(pk=plan.pk), kinds=[APPROVED_PLAN])
    return found[0].current if found else None
