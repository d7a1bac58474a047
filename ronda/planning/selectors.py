"""Read models of the plan, shared by the plan page, the API and (later) the public page and reports.

Every function takes objects the caller already fetched through ``policies`` (or, like
``measure_detail``, shapes the policy's own lookup) and runs a fixed number of queries whatever the
size of the plan (no N+1).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from ronda.planning import rollup
from ronda.planning.models import (
    LocalPlan,
    Measure,
    MeasureBudget,
    MeasureIndicator,
    MeasureStatus,
    Objective,
    PlanChange,
    ProgressUpdate,
    StrategicLine,
)

if TYPE_CHECKING:
    from ronda.planning.contracts import PlanFacts

ZERO = Decimal("0")


@dataclass
class BudgetRow:
    """Planned vs executed for one year, one area, or the whole plan."""

    key: object
    label: str
    planned: Decimal = ZERO
    executed: Decimal = ZERO

    @property
    def execution_rate(self) -> Decimal | None:
        if not self.planned:
            return None
        return rollup.quantize(self.executed * 100 / self.planned)


@dataclass
class MeasureRow:
    measure: Measure
    planned: Decimal
    executed: Decimal
    budgets_by_year: dict[int, BudgetRow]

    @property
    def counted(self) -> bool:
        """Cancelled measures stay on the page but no longer count in the roll-up."""
        return self.measure.status != MeasureStatus.CANCELLED


@dataclass
class ObjectiveNode:
    objective: Objective
    measures: list[MeasureRow]
    progress: Decimal | None = None
    weight: Decimal = ZERO
    shown: list[MeasureRow] = field(default_factory=list)


@dataclass
class LineNode:
    line: StrategicLine
    objectives: list[ObjectiveNode]
    progress: Decimal | None = None
    weight: Decimal = ZERO
    filtered: bool = False

    @property
    def shown_objectives(self) -> list[ObjectiveNode]:
        """With a filter, only objectives with matching measures; without, all (even empty ones)."""
        return [o for o in self.objectives if o.shown] if self.filtered else self.objectives

    @property
    def measure_count(self) -> int:
        return sum(len(o.measures) for o in self.objectives)


@dataclass
class PlanOverview:
    plan: LocalPlan | PlanFacts
    lines: list[LineNode]
    progress: Decimal | None
    by_year: list[BudgetRow]
    by_area: list[BudgetRow]
    total: BudgetRow
    measure_count: int
    status_counts: dict[str, int]
    filtered: bool = False

    @property
    def shown_lines(self) -> list[LineNode]:
        return [line for line in self.lines if line.shown_objectives] if self.filtered else self.lines

    @property
    def shown_count(self) -> int:
        return sum(len(o.shown) for line in self.lines for o in line.objectives)

    def measures(self) -> list[MeasureRow]:
        return [m for line in self.lines for o in line.objectives for m in o.measures]


def plan_years(plan: LocalPlan | PlanFacts) -> list[int]:
    return list(range(plan.period_start.year, plan.period_end.year + 1))


def _measure_rows(plan: LocalPlan | PlanFacts) -> list[MeasureRow]:
    measures = list(Measure.objects.filter(plan_id=plan.pk).select_related("responsible_area").order_by("code", "id"))
    # Budgets as plain tuples: a plan has four to five times more budget rows than measures, and
    # building a model instance for each was a fifth of the plan page's time.
    by_measure: dict[int, dict[int, BudgetRow]] = defaultdict(dict)
    budgets = MeasureBudget.objects.filter(measure__plan_id=plan.pk).values_list(
        "measure_id", "year", "planned", "executed"
    )
    for measure_id, year, planned, executed in budgets:
        by_measure[measure_id][year] = BudgetRow(year, str(year), planned, executed)
    rows = []
    for measure in measures:
        by_year = by_measure.get(measure.pk, {})
        rows.append(
            MeasureRow(
                measure=measure,
                planned=sum((b.planned for b in by_year.values()), ZERO),
                executed=sum((b.executed for b in by_year.values()), ZERO),
                budgets_by_year=by_year,
            )
        )
    return rows


def plan_overview(
    plan: LocalPlan | PlanFacts, *, area_id: int | None = None, status: str | None = None
) -> PlanOverview:
    """The whole plan as a tree with rolled-up progress, and its budget by year and by area.

    ``area_id`` and ``status`` choose which measures are *shown* (``shown``/``shown_lines``); the
    progress of objectives, lines and the plan is always computed over the whole plan.
    Six queries: lines, objectives, measures (+ areas), budgets. ``plan`` may also be the
    ``PlanFacts`` value of ``planning.contracts`` (only its id, weighting and period are read).
    """
    weighting = plan.weighting
    lines = list(
        StrategicLine.objects.filter(plan_id=plan.pk)
        .prefetch_related(Prefetch("objectives", queryset=Objective.objects.order_by("order", "id")))
        .order_by("order", "id")
    )
    rows_by_objective: dict[int, list[MeasureRow]] = defaultdict(list)
    all_rows = _measure_rows(plan)
    for row in all_rows:
        rows_by_objective[row.measure.objective_id].append(row)

    filtered = area_id is not None or bool(status)
    line_nodes = []
    for line in lines:
        objective_nodes = []
        for objective in line.objectives.all():
            rows = rows_by_objective.get(objective.pk, [])
            counted = [r for r in rows if r.counted]
            node = ObjectiveNode(objective=objective, measures=rows)
            node.progress = rollup.weighted_progress(
                ((r.measure.progress, r.planned) for r in counted), weighting=weighting
            )
            node.weight = rollup.total_weight(r.planned for r in counted)
            node.shown = [
                r
                for r in rows
                if (area_id is None or r.measure.responsible_area_id == area_id)
                and (not status or r.measure.status == status)
            ]
            objective_nodes.append(node)
        line_node = LineNode(line=line, objectives=objective_nodes, filtered=filtered)
        line_node.progress = rollup.weighted_progress(
            ((o.progress, o.weight) for o in objective_nodes), weighting=weighting
        )
        line_node.weight = rollup.total_weight(o.weight for o in objective_nodes if o.progress is not None)
        line_nodes.append(line_node)

    progress = rollup.weighted_progress(((n.progress, n.weight) for n in line_nodes), weighting=weighting)

    by_year = {y: BudgetRow(y, str(y)) for y in plan_years(plan)}
    by_area: dict[int, BudgetRow] = {}
    total = BudgetRow("total", "total")
    status_counts: dict[str, int] = defaultdict(int)
    for row in all_rows:
        status_counts[row.measure.status] += 1
        area = row.measure.responsible_area
        area_row = by_area.setdefault(area.pk, BudgetRow(area.pk, area.name))
        for year, budget in row.budgets_by_year.items():
            year_row = by_year.setdefault(year, BudgetRow(year, str(year)))
            for target in (year_row, area_row, total):
                target.planned += budget.planned
                target.executed += budget.executed
    return PlanOverview(
        plan=plan,
        lines=line_nodes,
        progress=progress,
        by_year=[by_year[y] for y in sorted(by_year)],
        by_area=sorted(by_area.values(), key=lambda r: r.label),
        total=total,
        measure_count=len(all_rows),
        status_counts=dict(status_counts),
        filtered=filtered,
    )


def latest_updates(plan: LocalPlan, *, limit: int = 10) -> QuerySet[ProgressUpdate]:
    """The most recent progress reports of a plan: ten entries of one index, evidence in a second query."""
    return (
        ProgressUpdate.objects.filter(plan=plan)
        .select_related("measure", "author", "correction")
        .only(
            *("measure_id", "reported_on", "percent", "justification", "author_id"),
            *("measure__code", "measure__title", "correction__percent"),
            *("author__username", "author__first_name", "author__last_name"),
        )
        .prefetch_related("evidence")
        .order_by("-reported_on", "-id")[:limit]
    )


def plan_changes(plan: LocalPlan) -> QuerySet[PlanChange]:
    return PlanChange.objects.filter(plan=plan).select_related("measure", "recorded_by").order_by("-changed_on", "-id")


def measure_detail(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    """Everything a measure's page shows, added to the policy's scoped queryset
    (``policies.get_measure(actor, pk, shape=selectors.measure_detail)``)."""
    return measures.select_related("source_opportunity__analysis", "objective__line").prefetch_related(
        "budgets",
        Prefetch("indicators", queryset=MeasureIndicator.objects.select_related("catalogue_indicator")),
        "milestones",
        "co_areas",
        "co_institutions",
        Prefetch(
            "updates",
            queryset=ProgressUpdate.objects.select_related("author", "correction")
            .prefetch_related("evidence")
            .order_by("-reported_on", "-id"),
        ),
        Prefetch("changes", queryset=PlanChange.objects.select_related("recorded_by")),
    )


# --- List filters: one definition for the pages and the API ---------------------------------------
PLAN_ORDER = ("org_unit__name", "-period_start", "id")  # by municipality, the newest period first
MEASURE_ORDER = ("plan_id", "code", "id")
UPDATE_ORDER = ("-reported_on", "-id")  # the newest report first


def filter_plans(
    plans: QuerySet[LocalPlan], *, municipality_id: int | None = None, status: str | None = None
) -> QuerySet[LocalPlan]:
    """Narrow a policy's plans: one municipality, one status."""
    if municipality_id is not None:
        plans = plans.filter(org_unit_id=municipality_id)
    if status:
        plans = plans.filter(status=status)
    return plans


def filter_measures(
    measures: QuerySet[Measure],
    *,
    plan_id: int | None = None,
    responsible_area_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Measure]:
    """Narrow a policy's measures: one plan, one responsible area, one status. (The plan page filters
    its tree in memory by the same two, ``plan_overview(area_id=, status=)``: the roll-up needs every
    measure.)"""
    if plan_id is not None:
        measures = measures.filter(plan_id=plan_id)
    if responsible_area_id is not None:
        measures = measures.filter(responsible_area_id=responsible_area_id)
    if status:
        measures = measures.filter(status=status)
    return measures
