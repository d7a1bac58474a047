"""Schemas of the planning API (bodies are strict: unknown fields answer 422)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal

from ninja import Schema
from pydantic import Field

from ronda.core.api_schemas import MAX_ID, Id, StrictSchema, renamed_to
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters, limit_field
from ronda.planning import limits, trends
from ronda.planning.limits import NOTE as MAX_NOTE
from ronda.planning.models import Evidence, LocalPlan, Measure, PlanChange, ProgressCorrection, ProgressUpdate
from ronda.planning.selectors import BudgetRow, LineNode, MeasureRow, ObjectiveNode, PlanOverview
from ronda.territory.models import OrgUnit

# Ids fit the database's 64-bit integers; anything larger is a client mistake (422), never a 500.
MeasureStatusValue = Literal["not_started", "in_progress", "delayed", "completed", "cancelled"]
HorizonValue = Literal["short", "medium", "long"]


# --- Output: read from the objects the policies and selectors return ------------------------------
# ninja's ``Schema`` reads attributes (``from_attributes``); ``resolve_<field>`` gives the rest. The plan
# detail reads its tree from the ``PlanOverview`` passed as validation context (``PlanDetailOut.of``).
class AreaRef(Schema):
    id: int
    name: str


class UnitRef(Schema):
    id: int
    code: str
    name: str


class BudgetOut(Schema):
    year: int
    planned: float
    executed: float


class YearBudgetOut(BudgetOut):
    """A year of the plan's budget (a ``BudgetRow`` keyed by its year)."""

    @staticmethod
    def resolve_year(row: BudgetRow) -> object:
        return row.key


class AreaBudgetOut(Schema):
    area_id: int
    area: str
    planned: float
    executed: float

    @staticmethod
    def resolve_area_id(row: BudgetRow) -> object:
        return row.key

    @staticmethod
    def resolve_area(row: BudgetRow) -> str:
        return row.label


class MeasureSummaryOut(Schema):
    """A measure in a list: its budgets are prefetched (``measure.budgets.all()``)."""

    id: int
    plan_id: int
    objective_id: int
    code: str
    title: str
    responsible_area: AreaRef
    status: str
    status_label: str
    progress: float
    progress_updated_on: dt.date | None
    planned_total: float
    executed_total: float
    version: int

    @staticmethod
    def resolve_status_label(measure: Measure) -> str:
        return str(measure.get_status_display())

    # ``context`` unused here: the plan's tree (``PlanMeasureOut``) reads its totals from it.
    @staticmethod
    def resolve_planned_total(measure: Measure, context: dict[str, Any]) -> Decimal:
        return sum((b.planned for b in measure.budgets.all()), Decimal(0))

    @staticmethod
    def resolve_executed_total(measure: Measure, context: dict[str, Any]) -> Decimal:
        return sum((b.executed for b in measure.budgets.all()), Decimal(0))


class PlanMeasureOut(MeasureSummaryOut):
    """A measure in the plan's tree: ``plan_overview`` already summed its budgets (reading
    ``measure.budgets`` here would be one query per measure)."""

    @staticmethod
    def resolve_planned_total(measure: Measure, context: dict[str, Any]) -> Decimal:
        return _overview(context).rows[measure.pk].planned

    @staticmethod
    def resolve_executed_total(measure: Measure, context: dict[str, Any]) -> Decimal:
        return _overview(context).rows[measure.pk].executed


class TrendPointOut(Schema):
    period: str = Field(description="ISO period (2025)")
    value: float


class IndicatorOut(Schema):
    """A measure's indicator: baseline and target are the measure's; ``values`` are the Tablero's
    series of ``catalogue_indicator_id`` for the plan's municipality, year by year, oldest first."""

    id: int
    name: str
    unit: str
    baseline: float | None
    baseline_year: int | None
    target: float | None
    catalogue_indicator_id: int | None
    values: list[TrendPointOut]
    latest_value: float | None
    latest_period: str | None

    @staticmethod
    def resolve_values(indicator: Any) -> list[Any]:
        return list(trends.trend_of(indicator).points)

    @staticmethod
    def resolve_latest_value(indicator: Any) -> Decimal | None:
        latest = trends.trend_of(indicator).latest
        return latest.value if latest else None

    @staticmethod
    def resolve_latest_period(indicator: Any) -> str | None:
        latest = trends.trend_of(indicator).latest
        return latest.period if latest else None


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None


class MeasureOut(MeasureSummaryOut):
    """One measure, read through ``selectors.measure_detail`` (budgets, indicators, milestones, co-areas
    and co-institutions prefetched)."""

    description: str
    co_areas: list[AreaRef]
    co_institution_ids: list[int]
    horizon: str
    start_date: dt.date
    end_date: dt.date
    progress_justification: str
    source_opportunity_id: int | None
    source_opportunity: str | None
    budgets: list[BudgetOut]
    indicators: list[IndicatorOut]
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_indicators(measure: Measure) -> list[Any]:
        indicators = list(measure.indicators.all())
        trends.attach(indicators)  # one read of the Tablero for all of them
        return indicators

    @staticmethod
    def resolve_co_institution_ids(measure: Measure) -> list[int]:
        return [i.pk for i in measure.co_institutions.all()]

    @staticmethod
    def resolve_source_opportunity(measure: Measure) -> str | None:
        opportunity = measure.source_opportunity
        return opportunity.title if opportunity is not None else None


class ObjectiveOut(Schema):
    id: int
    order: int
    title: str
    progress: float | None
    measures: list[PlanMeasureOut]

    @staticmethod
    def resolve_id(node: ObjectiveNode) -> int:
        return node.objective.pk

    @staticmethod
    def resolve_order(node: ObjectiveNode) -> int:
        return node.objective.order

    @staticmethod
    def resolve_title(node: ObjectiveNode) -> str:
        return node.objective.title

    @staticmethod
    def resolve_measures(node: ObjectiveNode) -> list[Measure]:
        return [row.measure for row in node.measures]


class LineOut(Schema):
    id: int
    order: int
    title: str
    child_title: str
    goal_area: str
    progress: float | None
    objectives: list[ObjectiveOut]

    @staticmethod
    def resolve_id(node: LineNode) -> int:
        return node.line.pk

    @staticmethod
    def resolve_order(node: LineNode) -> int:
        return node.line.order

    @staticmethod
    def resolve_title(node: LineNode) -> str:
        return node.line.title

    @staticmethod
    def resolve_child_title(node: LineNode) -> str:
        return node.line.child_title

    @staticmethod
    def resolve_goal_area(node: LineNode) -> str:
        return node.line.goal_area


class PlanOut(Schema):
    id: int
    title: str
    municipality: UnitRef
    period_start: dt.date
    period_end: dt.date
    status: str
    status_label: str
    weighting: str
    approved_on: dt.date | None
    approved_by: str
    approval_reference: str
    version: int

    @staticmethod
    def resolve_municipality(plan: LocalPlan) -> OrgUnit:
        return plan.org_unit

    @staticmethod
    def resolve_status_label(plan: LocalPlan) -> str:
        return str(plan.get_status_display())


class PlanChangeOut(Schema):
    id: int
    changed_on: dt.date
    measure_id: int | None
    what: str
    why: str
    approved_by: str


@dataclass(frozen=True)
class _Overview:
    """What the plan detail reads besides the plan: its overview, and its measures' rows by id."""

    overview: PlanOverview
    rows: dict[int, MeasureRow]
    changes: list[PlanChange]


def _overview(context: dict[str, Any]) -> _Overview:
    found = context["plan_overview"]
    assert isinstance(found, _Overview)
    return found


class PlanDetailOut(PlanOut):
    progress: float | None
    lines: list[LineOut]
    budget_by_year: list[YearBudgetOut]
    budget_by_area: list[AreaBudgetOut]
    changes: list[PlanChangeOut]

    @classmethod
    def of(cls, plan: LocalPlan, overview: PlanOverview, changes: Iterable[PlanChange]) -> PlanDetailOut:
        read = _Overview(overview, {row.measure.pk: row for row in overview.measures()}, list(changes))
        return cls.model_validate(plan, context={"plan_overview": read})

    @staticmethod
    def resolve_progress(plan: LocalPlan, context: dict[str, Any]) -> Decimal | None:
        return _overview(context).overview.progress

    @staticmethod
    def resolve_lines(plan: LocalPlan, context: dict[str, Any]) -> list[LineNode]:
        return _overview(context).overview.lines

    @staticmethod
    def resolve_budget_by_year(plan: LocalPlan, context: dict[str, Any]) -> list[BudgetRow]:
        return _overview(context).overview.by_year

    @staticmethod
    def resolve_budget_by_area(plan: LocalPlan, context: dict[str, Any]) -> list[BudgetRow]:
        return _overview(context).overview.by_area

    @staticmethod
    def resolve_changes(plan: LocalPlan, context: dict[str, Any]) -> list[PlanChange]:
        return _overview(context).changes


class PlanPage(OffsetPageOut):
    results: list[PlanOut]


class PlanCursorPage(CursorPageOut):
    results: list[PlanOut]


class MeasurePage(OffsetPageOut):
    results: list[MeasureSummaryOut]


class MeasureCursorPage(CursorPageOut):
    results: list[MeasureSummaryOut]


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    download: str = Field(description="API path of the file (same policy as the measure)")

    @staticmethod
    def resolve_name(evidence: Evidence) -> str:
        return evidence.original_name

    @staticmethod
    def resolve_download(evidence: Evidence) -> str:
        return f"/api/v1/planning/evidence/{evidence.pk}"


class ProgressCorrectionOut(Schema):
    percent: float
    reason: str
    author: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_author(correction: ProgressCorrection) -> str | None:
        return correction.author.get_username() if correction.author is not None else None


class ProgressUpdateOut(Schema):
    id: int
    measure_id: int
    reported_on: dt.date
    percent: float
    justification: str
    drop_reason: str = Field(description="Why progress went down, when this report lowered it")
    author: str | None
    created_at: dt.datetime
    evidence: list[EvidenceOut]
    correction: ProgressCorrectionOut | None = Field(
        description="Set when the report was corrected: `percent` stays the reported figure"
    )

    @staticmethod
    def resolve_author(update: ProgressUpdate) -> str | None:
        return update.author.get_username() if update.author is not None else None

    @staticmethod
    def resolve_correction(update: ProgressUpdate) -> ProgressCorrection | None:
        return update.correction_or_none


class UpdatePage(OffsetPageOut):
    results: list[ProgressUpdateOut]


class UpdateCursorPage(CursorPageOut):
    results: list[ProgressUpdateOut]


# --- Query filters -----------------------------------------------------------------------
class PlanFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {"municipality": "municipality_id"}

    municipality_id: Id | None = Field(default=None, description="Plans of this municipality (org unit id)")
    status: Literal["draft", "approved", "in_execution", "evaluated"] | None = None
    limit: int = limit_field(200)
    municipality: Id | None = renamed_to("municipality_id")


class MeasureFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {"plan": "plan_id", "area": "responsible_area_id"}

    plan_id: Id | None = Field(default=None, description="Measures of this plan")
    responsible_area_id: Id | None = Field(default=None, description="Measures this area is responsible for")
    status: MeasureStatusValue | None = None
    limit: int = limit_field(200)
    plan: Id | None = renamed_to("plan_id")
    area: Id | None = renamed_to("responsible_area_id")


class UpdateFilters(PageFilters):
    limit: int = limit_field(200)


# --- Bodies ----------------------------------------------------------------------------------
class ChangeIn(StrictSchema):
    what: str = Field(default="", max_length=MAX_NOTE)
    why: str = Field(max_length=MAX_NOTE)
    approved_by: str = Field(max_length=255)


class BudgetIn(StrictSchema):
    year: int = Field(ge=1900, le=2200)
    planned: Decimal = Field(max_digits=14, decimal_places=2)
    executed: Decimal = Field(max_digits=14, decimal_places=2)


class MeasureUpdateIn(StrictSchema):
    """Only the fields sent change. ``version`` is the one you read: a stale one answers 409."""

    version: int = Field(ge=1, le=MAX_ID)
    objective_id: Id | None = None
    code: str | None = Field(default=None, max_length=20)
    title: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=limits.DESCRIPTION)
    responsible_area_id: Id | None = None
    co_area_ids: list[Id] | None = Field(default=None, max_length=100)
    co_institution_ids: list[Id] | None = Field(default=None, max_length=100)
    horizon: HorizonValue | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: MeasureStatusValue | None = None
    source_opportunity_id: Id | None = Field(default=None, description="Send null to unlink")
    budgets: list[BudgetIn] | None = Field(default=None, max_length=50)
    change: ChangeIn | None = Field(default=None, description="Required when the plan is approved")


class ProgressIn(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID, description="The measure's version you read: a stale one answers 409")
    percent: Decimal = Field(description="0 to 100, at most two decimals")
    justification: str = Field(min_length=1, max_length=MAX_NOTE)
    reported_on: dt.date | None = Field(default=None, description="Defaults to today")
    drop_reason: str = Field(
        default="", max_length=MAX_NOTE, description="Required when `percent` is lower than the measure's progress"
    )


class ProgressCorrectionIn(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID, description="The measure's version you read: a stale one answers 409")
    percent: Decimal = Field(description="The right figure, 0 to 100, at most two decimals")
    reason: str = Field(min_length=1, max_length=MAX_NOTE, description="What was wrong in the report")


# --- Policy instruments and the municipal budget (issue #13 item 13) -----------------------------
InstrumentKindValue = Literal["ordinance", "policy", "decree", "resolution", "agreement", "other"]
InstrumentStatusValue = Literal["draft", "consultation", "approved", "in_force", "repealed", "expired"]


class PolicyDocumentOut(Schema):
    id: int
    title: str
    revision: int
    original_name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class InstrumentOut(Schema):
    id: int
    municipality: UnitRef
    kind: str
    kind_label: str
    title: str
    reference: str
    status: str
    status_label: str
    approved_on: dt.date | None
    in_force_from: dt.date | None
    in_force_until: dt.date | None
    approving_body: str
    summary: str
    notes: str
    version: int
    documents: list[PolicyDocumentOut]

    @staticmethod
    def resolve_municipality(instrument: Any) -> OrgUnit:
        return instrument.org_unit  # type: ignore[no-any-return]

    @staticmethod
    def resolve_kind_label(instrument: Any) -> str:
        return str(instrument.get_kind_display())

    @staticmethod
    def resolve_status_label(instrument: Any) -> str:
        return str(instrument.get_status_display())

    @staticmethod
    def resolve_documents(instrument: Any) -> list[Any]:
        return list(instrument.documents.all())


class InstrumentPage(OffsetPageOut):
    results: list[InstrumentOut]


class InstrumentCursorPage(CursorPageOut):
    results: list[InstrumentOut]


class InstrumentFilters(PageFilters):
    municipality_id: Id | None = Field(default=None, description="Instruments of this municipality (org unit id)")
    status: InstrumentStatusValue | None = None
    limit: int = limit_field(200)


class InstrumentIn(StrictSchema):
    """A whole instrument. On create, ``municipality_id`` defaults to your own municipality."""

    municipality_id: Id | None = None
    kind: InstrumentKindValue
    title: str = Field(min_length=1, max_length=255)
    reference: str = Field(default="", max_length=100)
    status: InstrumentStatusValue = "draft"
    approved_on: dt.date | None = None
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None
    approving_body: str = Field(default="", max_length=255)
    summary: str = Field(default="", max_length=limits.DESCRIPTION)
    notes: str = Field(default="", max_length=limits.NOTE)


class InstrumentUpdateIn(InstrumentIn):
    """The whole instrument again, with the ``version`` you read: a stale one answers 409."""

    version: int = Field(ge=1, le=MAX_ID)


class MunicipalBudgetOut(Schema):
    id: int
    municipality: UnitRef
    year: int
    total: Decimal
    source: str
    has_document: bool
    version: int

    @staticmethod
    def resolve_municipality(budget: Any) -> OrgUnit:
        return budget.org_unit  # type: ignore[no-any-return]

    @staticmethod
    def resolve_has_document(budget: Any) -> bool:
        return bool(budget.document)


class MunicipalBudgetPage(OffsetPageOut):
    results: list[MunicipalBudgetOut]


class MunicipalBudgetCursorPage(CursorPageOut):
    results: list[MunicipalBudgetOut]


class MunicipalBudgetFilters(PageFilters):
    municipality_id: Id | None = Field(default=None, description="Budgets of this municipality (org unit id)")
    year: int | None = Field(default=None, ge=1900, le=2200)
    limit: int = limit_field(200)


class MunicipalBudgetIn(StrictSchema):
    """The total budget of a municipality for a year, in its currency (``municipality_id`` defaults to yours)."""

    municipality_id: Id | None = None
    year: int = Field(ge=1990, le=2100)
    total: Decimal = Field(gt=0, max_digits=16, decimal_places=2)
    source: str = Field(default="", max_length=255)


class MunicipalBudgetUpdateIn(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID)
    total: Decimal = Field(gt=0, max_digits=16, decimal_places=2)
    source: str = Field(default="", max_length=255)


# --- Co-responsibility, figures for validation, alerts (issue #13 items 6–8) -------------------------
class ContributionOut(Schema):
    id: int
    measure_id: int
    area_id: int | None = Field(description="The co-responsible area that reported (or null)")
    institution_id: int | None = Field(description="The co-responsible institution that reported (or null)")
    reported_on: dt.date
    text: str
    executed: Decimal | None = Field(description="What the partner spent of its own budget (not the measure's)")
    author: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_author(contribution: Any) -> str | None:
        return contribution.author.get_username() if contribution.author is not None else None


class ContributionIn(StrictSchema):
    text: str = Field(min_length=1, max_length=MAX_NOTE, description="What the area or institution did")
    reported_on: dt.date | None = Field(default=None, description="Defaults to today")
    executed: Decimal | None = Field(default=None, description="Optional: spent of its own budget")
    partner: Literal["area", "institution"] | None = Field(
        default=None, description="For whom, when the membership names both an area and an institution"
    )


class FigureOut(Schema):
    id: int
    version: int
    measure_id: int
    kind: str = Field(description="milestone, budget or indicator")
    status: str = Field(description="pending, validated or returned")
    milestone_id: int | None
    indicator_id: int | None
    year: int | None
    executed: Decimal | None
    value: Decimal | None
    dated: dt.date | None = Field(description="The day the milestone was reached or the indicator measured")
    note: str
    author: str | None
    created_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    review_comment: str

    @staticmethod
    def resolve_author(report: Any) -> str | None:
        return report.author.get_username() if report.author is not None else None

    @staticmethod
    def resolve_reviewed_by(report: Any) -> str | None:
        return report.reviewed_by.get_username() if report.reviewed_by is not None else None


class FigureIn(StrictSchema):
    kind: Literal["milestone", "budget", "indicator"]
    milestone_id: Id | None = Field(default=None, description="kind=milestone: the milestone reached")
    indicator_id: Id | None = Field(default=None, description="kind=indicator: the measure's indicator")
    year: int | None = Field(default=None, ge=1900, le=2999, description="kind=budget: the year")
    executed: Decimal | None = Field(default=None, description="kind=budget: the year's total executed")
    value: Decimal | None = Field(default=None, description="kind=indicator: the value")
    dated: dt.date | None = Field(default=None, description="kind=milestone or indicator: the day")
    note: str = Field(default="", max_length=MAX_NOTE)


class FigureReviewIn(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID, description="The figure's version you read: a stale one answers 409")
    decision: Literal["validate", "return"]
    comment: str = Field(default="", max_length=MAX_NOTE, description="Required to return it")


class FigureFilters(Schema):
    status: Literal["pending", "validated", "returned"] | None = None


class AlertOut(Schema):
    kind: str = Field(description="overdue, milestone, budget_ahead or stale")
    measure_id: int
    measure: str
    message: str
    since: dt.date | None


class PlanAlertsOut(Schema):
    plan_id: int
    stale_weeks: int = Field(description="Weeks without a progress report before a measure under way is an alert")
    budget_ahead_points: Decimal = Field(description="Executed share minus progress, in points, above which")
    pending_figures: int = Field(description="Figures of the plan waiting for validation")
    alerts: list[AlertOut]
