"""Schemas of the planning API (bodies are strict: unknown fields answer 422)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from ronda.core.api_schemas import MAX_ID, Id, StrictSchema

# Ids fit the database's 64-bit integers; anything larger is a client mistake (422), never a 500.
MeasureStatusValue = Literal["not_started", "in_progress", "delayed", "completed", "cancelled"]
HorizonValue = Literal["short", "medium", "long"]


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


class AreaBudgetOut(Schema):
    area_id: int
    area: str
    planned: float
    executed: float


class MeasureSummaryOut(Schema):
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


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    baseline: float | None
    baseline_year: int | None
    target: float | None
    latest_value: float | None
    latest_on: dt.date | None


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None


class MeasureOut(MeasureSummaryOut):
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


class MeasurePage(Schema):
    count: int
    limit: int
    offset: int
    results: list[MeasureSummaryOut]


class ObjectiveOut(Schema):
    id: int
    order: int
    title: str
    progress: float | None
    measures: list[MeasureSummaryOut]


class LineOut(Schema):
    id: int
    order: int
    title: str
    goal_area: str
    progress: float | None
    objectives: list[ObjectiveOut]


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


class PlanChangeOut(Schema):
    id: int
    changed_on: dt.date
    measure_id: int | None
    what: str
    why: str
    approved_by: str


class PlanDetailOut(PlanOut):
    progress: float | None
    lines: list[LineOut]
    budget_by_year: list[BudgetOut]
    budget_by_area: list[AreaBudgetOut]
    changes: list[PlanChangeOut]


class PlanPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[PlanOut]


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    download: str = Field(description="API path of the file (same policy as the measure)")


class ProgressUpdateOut(Schema):
    id: int
    measure_id: int
    reported_on: dt.date
    percent: float
    justification: str
    author: str | None
    created_at: dt.datetime
    evidence: list[EvidenceOut]


class UpdatePage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ProgressUpdateOut]


# --- Query filters -----------------------------------------------------------------------
class PlanFilters(Schema):
    model_config = ConfigDict(extra="forbid")

    municipality: Id | None = Field(default=None, description="Plans of this municipality (org unit id)")
    status: Literal["draft", "approved", "in_execution", "evaluated"] | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class MeasureFilters(Schema):
    model_config = ConfigDict(extra="forbid")

    plan: Id | None = Field(default=None, description="Measures of this plan")
    area: Id | None = Field(default=None, description="Responsible area id")
    status: MeasureStatusValue | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class PageFilters(Schema):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=10_000_000)


# --- Bodies ----------------------------------------------------------------------------------
class ChangeIn(StrictSchema):
    what: str = Field(default="", max_length=5000)
    why: str = Field(max_length=5000)
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
    description: str | None = Field(default=None, max_length=20_000)
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
    justification: str = Field(min_length=1, max_length=20_000)
    reported_on: dt.date | None = Field(default=None, description="Defaults to today")
