"""Correcting the structure through the API, and the diagnosis: /api/v1/planning.

- ``PATCH``/``DELETE`` and ``POST …/move`` for lines, objectives, indicators and milestones;
- the diagnoses: ``GET /analyses`` and ``GET /analyses/{id}`` (with findings and workshops),
  ``POST /analyses/{id}/findings`` and ``…/workshops``, ``PATCH``/``DELETE``/``POST …/move`` of each.

The same policies (``get_<thing>_for_edit``: 404 for missing and forbidden alike) and the same
services as the pages (``services.structure``): a stale ``version`` answers 409, an approved plan
needs ``change`` (422 without it), a removal archives what something refers to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ronda.core.api_schemas import LIST_ERRORS, MAX_ID, READ_ERRORS, MessageOut, StrictSchema
from ronda.core.api_utils import read_filters
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters, page_response, paginate
from ronda.core.views_helpers import ApiRequest
from ronda.planning import limits, policies, services, trends
from ronda.planning.schemas import ChangeIn, TrendPointOut, UnitRef
from ronda.tablero.models import Indicator
from ronda.territory.models import OrgUnit

router = Router(tags=["planning"])
WRITE_ERRORS = {**READ_ERRORS, 409: MessageOut}
GoalAreaValue = Literal["equity", "participation", "services", "environment", "family"]
ANALYSIS_ORDER = ("-period_start", "id")
MAX_TEXT = 20_000


# --- Schemas -------------------------------------------------------------------------------
class LineItemOut(Schema):
    id: int
    version: int
    order: int
    title: str
    child_title: str
    goal_area: str


class ObjectiveItemOut(Schema):
    id: int
    version: int
    line_id: int
    order: int
    title: str


class IndicatorItemOut(Schema):
    id: int
    version: int
    measure_id: int
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


class MilestoneItemOut(Schema):
    id: int
    version: int
    measure_id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None


class FindingOut(Schema):
    id: int
    version: int
    goal_area: str
    text: str
    cited_indicator_id: int | None
    cited_period: str
    cited_value: float | None


class WorkshopOut(Schema):
    id: int
    version: int
    title: str
    held_on: dt.date
    adult_participants: int
    children_0_5: int
    children_6_11: int
    children_12_17: int
    notes: str


class AnalysisOut(Schema):
    id: int
    version: int
    org_unit: UnitRef
    title: str
    period_start: dt.date
    period_end: dt.date


class AnalysisDetailOut(AnalysisOut):
    summary: str
    findings: list[FindingOut]
    workshops: list[WorkshopOut]

    @staticmethod
    def resolve_findings(analysis: Any) -> list[Any]:
        return list(analysis.findings.all())

    @staticmethod
    def resolve_workshops(analysis: Any) -> list[Any]:
        return list(analysis.workshops.all())


class AnalysisPage(OffsetPageOut):
    results: list[AnalysisOut]


class AnalysisCursorPage(CursorPageOut):
    results: list[AnalysisOut]


class AnalysisFilters(PageFilters):
    pass


class Versioned(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID, description="The version you read: a stale one answers 409")
    change: ChangeIn | None = Field(default=None, description="Required when the plan is approved")


class LinePatchIn(Versioned):
    title: str | None = Field(default=None, min_length=1, max_length=255)
    child_title: str | None = Field(
        default=None,
        max_length=limits.CHILD_TITLE,
        description="The line in children's words, for the children's page; empty to use the goal area's words",
    )
    goal_area: GoalAreaValue | None = None


class ObjectivePatchIn(Versioned):
    title: str | None = Field(default=None, min_length=1, max_length=255)


class IndicatorPatchIn(Versioned):
    name: str | None = Field(default=None, min_length=1, max_length=255)
    unit: str | None = Field(default=None, max_length=50)
    baseline: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    baseline_year: int | None = Field(default=None, ge=1990, le=2100)
    target: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    catalogue_indicator_id: int | None = Field(
        default=None,
        description="The Tablero's catalogue indicator whose values this one follows (this municipality's or "
        "the national catalogue, not archived); null unlinks",
    )


class IndicatorValueIn(StrictSchema):
    value: Decimal = Field(max_digits=14, decimal_places=2)
    measured_on: dt.date = Field(description="The day it was measured (not in the future)")


class MilestonePatchIn(Versioned):
    title: str | None = Field(default=None, min_length=1, max_length=255)
    due_on: dt.date | None = None


CITED_INDICATOR = Field(
    default=None,
    description="A catalogue indicator of the Tablero whose value the finding cites (with cited_period); "
    "its value for the municipality is read when cited and kept (cited_value)",
)
CITED_PERIOD = Field(
    default="", max_length=10, description="The ISO period of the value cited: 2025, 2025S1, 2025Q2, 202506"
)


class FindingIn(StrictSchema):
    goal_area: GoalAreaValue
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    cited_indicator_id: int | None = CITED_INDICATOR
    cited_period: str = CITED_PERIOD


class FindingPatchIn(Versioned):
    goal_area: GoalAreaValue | None = None
    text: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    cited_indicator_id: int | None = CITED_INDICATOR
    cited_period: str = CITED_PERIOD


COUNT = Field(default=0, ge=0, le=services.MAX_WORKSHOP_PARTICIPANTS)


class WorkshopIn(StrictSchema):
    title: str = Field(min_length=1, max_length=200)
    held_on: dt.date
    adult_participants: int = COUNT
    children_0_5: int = COUNT
    children_6_11: int = COUNT
    children_12_17: int = COUNT
    notes: str = Field(default="", max_length=MAX_TEXT)


class WorkshopPatchIn(Versioned):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    held_on: dt.date | None = None
    adult_participants: int | None = Field(default=None, ge=0, le=services.MAX_WORKSHOP_PARTICIPANTS)
    children_0_5: int | None = Field(default=None, ge=0, le=services.MAX_WORKSHOP_PARTICIPANTS)
    children_6_11: int | None = Field(default=None, ge=0, le=services.MAX_WORKSHOP_PARTICIPANTS)
    children_12_17: int | None = Field(default=None, ge=0, le=services.MAX_WORKSHOP_PARTICIPANTS)
    notes: str | None = Field(default=None, max_length=MAX_TEXT)


class MoveIn(Versioned):
    direction: Literal["up", "down"]


class RemoveIn(Versioned):
    pass


class PositionOut(Schema):
    position: int
    count: int


class RemovalOut(Schema):
    archived: bool


# --- Helpers -------------------------------------------------------------------------------
def _change(payload: Versioned) -> services.ChangeRecord | None:
    if payload.change is None:
        return None
    return services.ChangeRecord(
        what=payload.change.what, why=payload.change.why, approved_by=payload.change.approved_by
    )


def _merged(payload: Versioned, item: Any, names: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The item's current values with what the PATCH sent; null is refused where a value is required."""
    sent = payload.model_fields_set
    nulls = {
        name: _("This field cannot be null.") for name in required if name in sent and getattr(payload, name) is None
    }
    if nulls:
        raise ValidationError(nulls)
    return {name: getattr(payload, name) if name in sent else getattr(item, name) for name in names}


def _catalogue_indicator(
    unit: OrgUnit, pk: int | None, field: str, *, current: Indicator | None = None
) -> Indicator | None:
    """The catalogue indicator ``pk`` among those the municipality may use (or the one already
    chosen); 422 on the field otherwise, the same for another catalogue's and a missing one."""
    if pk is None:
        return None
    found = services.usable_catalogue_indicators(unit, current).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("Not one of the allowed values.")})
    return found


def _move(request: ApiRequest, item: Any, payload: MoveIn) -> Any:
    where = services.move(
        actor=request.actor,
        item=item,
        direction=payload.direction,
        expected_version=payload.version,
        change=_change(payload),
    )
    return {"position": where.position, "count": where.count}


def _remove(request: ApiRequest, item: Any, payload: RemoveIn) -> Any:
    removal = services.remove(actor=request.actor, item=item, expected_version=payload.version, change=_change(payload))
    return {"archived": removal.archived}


MOVE: dict[int, Any] = {200: PositionOut, **WRITE_ERRORS}
REMOVE: dict[int, Any] = {200: RemovalOut, **WRITE_ERRORS}


# --- Lines and objectives ------------------------------------------------------------------
@router.patch("/lines/{int:line_id}", response={200: LineItemOut, **WRITE_ERRORS}, summary="Change a strategic line")
def update_line(request: ApiRequest, line_id: int, payload: LinePatchIn) -> Any:
    line = policies.get_line_for_edit(request.actor, line_id)
    values = _merged(payload, line, ("title", "child_title", "goal_area"), required=("title", "goal_area"))
    values["child_title"] = values["child_title"] or ""  # null clears it, as ""
    return services.update_line(
        actor=request.actor, line=line, expected_version=payload.version, change=_change(payload), **values
    )


@router.post("/lines/{int:line_id}/move", response=MOVE, summary="Move a strategic line one place up or down")
def move_line(request: ApiRequest, line_id: int, payload: MoveIn) -> Any:
    return _move(request, policies.get_line_for_edit(request.actor, line_id), payload)


@router.delete(
    "/lines/{int:line_id}", response=REMOVE, summary="Remove a strategic line (archived when referred to or approved)"
)
def remove_line(request: ApiRequest, line_id: int, payload: RemoveIn) -> Any:
    return _remove(request, policies.get_line_for_edit(request.actor, line_id), payload)


@router.patch(
    "/objectives/{int:objective_id}", response={200: ObjectiveItemOut, **WRITE_ERRORS}, summary="Change an objective"
)
def update_objective(request: ApiRequest, objective_id: int, payload: ObjectivePatchIn) -> Any:
    objective = policies.get_objective_for_edit(request.actor, objective_id)
    values = _merged(payload, objective, ("title",), required=("title",))
    return services.update_objective(
        actor=request.actor, objective=objective, expected_version=payload.version, change=_change(payload), **values
    )


@router.post("/objectives/{int:objective_id}/move", response=MOVE, summary="Move an objective one place up or down")
def move_objective(request: ApiRequest, objective_id: int, payload: MoveIn) -> Any:
    return _move(request, policies.get_objective_for_edit(request.actor, objective_id), payload)


@router.delete("/objectives/{int:objective_id}", response=REMOVE, summary="Remove an objective")
def remove_objective(request: ApiRequest, objective_id: int, payload: RemoveIn) -> Any:
    return _remove(request, policies.get_objective_for_edit(request.actor, objective_id), payload)


# --- Indicators and milestones ---------------------------------------------------------------
@router.patch(
    "/indicators/{int:indicator_id}",
    response={200: IndicatorItemOut, **WRITE_ERRORS},
    summary="Change an indicator's definition (values are recorded, not edited)",
)
def update_indicator(request: ApiRequest, indicator_id: int, payload: IndicatorPatchIn) -> Any:
    indicator = policies.get_indicator_for_edit(request.actor, indicator_id)
    values = _merged(
        payload, indicator, ("name", "unit", "baseline", "baseline_year", "target"), required=("name", "unit")
    )
    if "catalogue_indicator_id" in payload.model_fields_set:
        values["catalogue_indicator"] = _catalogue_indicator(
            indicator.measure.plan.org_unit,
            payload.catalogue_indicator_id,
            "catalogue_indicator_id",
            current=indicator.catalogue_indicator,
        )
    return services.update_indicator(
        actor=request.actor, indicator=indicator, expected_version=payload.version, change=_change(payload), **values
    )


@router.post(
    "/indicators/{int:indicator_id}/values",
    response={201: IndicatorItemOut, **WRITE_ERRORS},
    summary="Record a value of an indicator (written to the Tablero, at the period holding measured_on)",
)
def record_indicator_value(request: ApiRequest, indicator_id: int, payload: IndicatorValueIn) -> Any:
    indicator = policies.get_indicator_for_edit(request.actor, indicator_id)
    recorded = services.record_indicator_value(
        actor=request.actor, indicator=indicator, value=payload.value, measured_on=payload.measured_on
    )
    return Status(201, recorded)


@router.post("/indicators/{int:indicator_id}/move", response=MOVE, summary="Move an indicator one place up or down")
def move_indicator(request: ApiRequest, indicator_id: int, payload: MoveIn) -> Any:
    return _move(request, policies.get_indicator_for_edit(request.actor, indicator_id), payload)


@router.delete("/indicators/{int:indicator_id}", response=REMOVE, summary="Remove an indicator")
def remove_indicator(request: ApiRequest, indicator_id: int, payload: RemoveIn) -> Any:
    return _remove(request, policies.get_indicator_for_edit(request.actor, indicator_id), payload)


@router.patch(
    "/milestones/{int:milestone_id}", response={200: MilestoneItemOut, **WRITE_ERRORS}, summary="Change a milestone"
)
def update_milestone(request: ApiRequest, milestone_id: int, payload: MilestonePatchIn) -> Any:
    milestone = policies.get_milestone_for_edit(request.actor, milestone_id)
    values = _merged(payload, milestone, ("title", "due_on"), required=("title", "due_on"))
    return services.update_milestone(
        actor=request.actor, milestone=milestone, expected_version=payload.version, change=_change(payload), **values
    )


@router.post("/milestones/{int:milestone_id}/move", response=MOVE, summary="Move a milestone one place up or down")
def move_milestone(request: ApiRequest, milestone_id: int, payload: MoveIn) -> Any:
    return _move(request, policies.get_milestone_for_edit(request.actor, milestone_id), payload)


@router.delete("/milestones/{int:milestone_id}", response=REMOVE, summary="Remove a milestone")
def remove_milestone(request: ApiRequest, milestone_id: int, payload: RemoveIn) -> Any:
    return _remove(request, policies.get_milestone_for_edit(request.actor, milestone_id), payload)


# --- The diagnosis ---------------------------------------------------------------------------
@router.get(
    "/analyses",
    response={200: page_response(AnalysisPage, AnalysisCursorPage), **LIST_ERRORS},
    summary="Diagnoses (situation analyses) you can see, the newest period first",
)
def list_analyses(request: ApiRequest, filters: Query[AnalysisFilters]) -> Any:
    read_filters(request, filters)
    if not policies.can_read_plans(request.actor):
        raise Http404
    return paginate(
        request, policies.visible_analyses(request.actor), filters, order=ANALYSIS_ORDER, scope="planning.analyses"
    ).response()


def _analysis_detail(analyses: Any) -> Any:
    return analyses.prefetch_related("findings", "workshops")


@router.get(
    "/analyses/{int:analysis_id}",
    response={200: AnalysisDetailOut, **READ_ERRORS},
    summary="One diagnosis with its findings and workshops",
)
def get_analysis(request: ApiRequest, analysis_id: int) -> Any:
    return policies.get_analysis(request.actor, analysis_id, shape=_analysis_detail)


@router.post(
    "/analyses/{int:analysis_id}/findings", response={201: FindingOut, **WRITE_ERRORS}, summary="Add a finding"
)
def create_finding(request: ApiRequest, analysis_id: int, payload: FindingIn) -> Any:
    analysis = policies.get_analysis_for_edit(request.actor, analysis_id)
    finding = services.add_finding(
        actor=request.actor,
        analysis=analysis,
        goal_area=payload.goal_area,
        text=payload.text,
        cited_indicator=_catalogue_indicator(analysis.org_unit, payload.cited_indicator_id, "cited_indicator_id"),
        cited_period=payload.cited_period,
    )
    return Status(201, finding)


@router.patch("/findings/{int:finding_id}", response={200: FindingOut, **WRITE_ERRORS}, summary="Change a finding")
def update_finding(request: ApiRequest, finding_id: int, payload: FindingPatchIn) -> Any:
    finding = policies.get_finding_for_edit(request.actor, finding_id)
    values = _merged(payload, finding, ("goal_area", "text"), required=("goal_area", "text"))
    sent = payload.model_fields_set
    if "cited_indicator_id" in sent or "cited_period" in sent:
        pk = payload.cited_indicator_id if "cited_indicator_id" in sent else finding.cited_indicator_id
        values["cited_indicator"] = _catalogue_indicator(
            finding.analysis.org_unit, pk, "cited_indicator_id", current=finding.cited_indicator
        )
        values["cited_period"] = payload.cited_period if "cited_period" in sent else finding.cited_period
    return services.update_finding(actor=request.actor, finding=finding, expected_version=payload.version, **values)


@router.post("/findings/{int:finding_id}/move", response=MOVE, summary="Move a finding up or down within its goal area")
def move_finding(request: ApiRequest, finding_id: int, payload: MoveIn) -> Any:
    return _move(request, policies.get_finding_for_edit(request.actor, finding_id), payload)


@router.delete("/findings/{int:finding_id}", response=REMOVE, summary="Remove a finding")
def remove_finding(request: ApiRequest, finding_id: int, payload: RemoveIn) -> Any:
    return _remove(request, policies.get_finding_for_edit(request.actor, finding_id), payload)


WORKSHOP_FIELDS = ("title", "held_on", "adult_participants", "children_0_5", "children_6_11", "children_12_17", "notes")


@router.post(
    "/analyses/{int:analysis_id}/workshops", response={201: WorkshopOut, **WRITE_ERRORS}, summary="Add a workshop"
)
def create_workshop(request: ApiRequest, analysis_id: int, payload: WorkshopIn) -> Any:
    analysis = policies.get_analysis_for_edit(request.actor, analysis_id)
    workshop = services.add_workshop(actor=request.actor, analysis=analysis, **payload.model_dump())
    return Status(201, workshop)


@router.patch("/workshops/{int:workshop_id}", response={200: WorkshopOut, **WRITE_ERRORS}, summary="Change a workshop")
def update_workshop(request: ApiRequest, workshop_id: int, payload: WorkshopPatchIn) -> Any:
    workshop = policies.get_workshop_for_edit(request.actor, workshop_id)
    values = _merged(payload, workshop, WORKSHOP_FIELDS, required=WORKSHOP_FIELDS)
    return services.update_workshop(actor=request.actor, workshop=workshop, expected_version=payload.version, **values)


@router.post("/workshops/{int:workshop_id}/move", response=MOVE, summary="Move a workshop one place up or down")
def move_workshop(request: ApiRequest, workshop_id: int, payload: MoveIn) -> Any:
    return _move(request, policies.get_workshop_for_edit(request.actor, workshop_id), payload)


@router.delete("/workshops/{int:workshop_id}", response=REMOVE, summary="Remove a workshop")
def remove_workshop(request: ApiRequest, workshop_id: int, payload: RemoveIn) -> Any:
    return _remove(request, policies.get_workshop_for_edit(request.actor, workshop_id), payload)
