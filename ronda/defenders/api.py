"""The defensorías in the JSON API: defensorías, their work plans and activities, and events with
their attendance counts. Defenders' names are not exposed here (they live on the defensoría page).
Same policies and services as the web views; forbidden and missing both answer 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ronda.core.api_schemas import READ_ERRORS, Id, MessageOut, QueryFilters, StrictSchema
from ronda.core.api_utils import read_filters, reject_unknown_query
from ronda.core.views_helpers import ApiRequest
from ronda.defenders import policies, selectors, services
from ronda.defenders.models import Activity, Defensoria, Event, EventKind

router = Router(tags=["defenders"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
MAX_LISTED = 500

ComponentCode = Literal["c1", "c2", "c3", "c4", "c5"]


# --- Schemas ----------------------------------------------------------------------------------
class DefensoriaOut(Schema):
    id: int
    name: str
    community_id: int
    community: str
    address: str = Field(description="The service point")
    opening_hours: str
    active: bool
    version: int

    @staticmethod
    def resolve_community(defensoria: Defensoria) -> str:
        return defensoria.community.name


class DefensoriaPage(Schema):
    count: int
    results: list[DefensoriaOut]


class DefensoriaPatch(StrictSchema):
    version: Id
    name: str | None = None
    address: str | None = None
    opening_hours: str | None = None
    active: bool | None = None


class ActivityOut(Schema):
    id: int
    plan_id: int
    year: int
    component: str
    title: str
    planned_on: dt.date
    responsible: str
    budget: Decimal
    status: str
    cancel_reason: str
    version: int

    @staticmethod
    def resolve_year(activity: Activity) -> int:
        return activity.plan.year


class ComponentProgressOut(Schema):
    component: str
    planned: int
    done: int
    cancelled: int
    execution_rate: Decimal | None = Field(description="Done over planned (not cancelled), in %")


class PlanOut(Schema):
    id: int
    defensoria_id: int
    year: int
    activities: list[ActivityOut]
    progress: list[ComponentProgressOut]


class ActivityIn(StrictSchema):
    component: ComponentCode
    title: str = Field(max_length=255)
    planned_on: dt.date = Field(
        description="Within the year of the plan it joins (the plan opens with its first activity)"
    )
    responsible: str = Field(default="", max_length=200)
    budget: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2)


class ActivityPatch(StrictSchema):
    version: Id
    component: ComponentCode | None = None
    title: str | None = Field(default=None, max_length=255)
    planned_on: dt.date | None = None
    responsible: str | None = Field(default=None, max_length=200)
    budget: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    status: Literal["planned", "done", "cancelled"] | None = None
    cancel_reason: str | None = Field(default=None, max_length=500)


class CellSchema(Schema):
    sex: Literal["f", "m"]
    age_band: Literal["0-5", "6-11", "12-17", "18+"]
    count: int = Field(ge=0, le=services.MAX_ATTENDEES_PER_CELL)


class EventOut(Schema):
    id: int
    defensoria_id: int
    kind: str
    title: str
    held_on: dt.date
    place: str
    component: str
    activity_id: int | None
    held: bool
    attendance: list[CellSchema]
    version: int

    @staticmethod
    def resolve_attendance(event: Event) -> list[dict[str, Any]]:
        return [{"sex": a.sex, "age_band": a.age_band, "count": a.count} for a in event.attendance.all()]


class EventPage(Schema):
    count: int
    results: list[EventOut]


class EventIn(StrictSchema):
    kind: Literal[tuple(EventKind.values)]  # type: ignore[valid-type]
    title: str = Field(max_length=255)
    held_on: dt.date
    component: ComponentCode
    place: str = Field(default="", max_length=255)
    activity_id: Id | None = None
    held: bool = False
    attendance: list[CellSchema] = Field(default_factory=list, description="Only the cells with people")


class EventPatch(StrictSchema):
    version: Id
    kind: Literal[tuple(EventKind.values)] | None = None  # type: ignore[valid-type]
    title: str | None = Field(default=None, max_length=255)
    held_on: dt.date | None = None
    component: ComponentCode | None = None
    place: str | None = Field(default=None, max_length=255)
    activity_id: Id | None = None
    held: bool | None = None
    attendance: list[CellSchema] | None = Field(
        default=None, description="Cells given replace those cells; 0 clears one"
    )


class NoFilters(QueryFilters):
    pass


class YearFilters(QueryFilters):
    year: int | None = Field(default=None, ge=2000, le=2100, description="This year by default")


# --- Helpers ----------------------------------------------------------------------------------
def _cells(cells: list[CellSchema]) -> dict[tuple[str, str], int]:
    return {(c.sex, c.age_band): c.count for c in cells}


def _activity(
    actor: Any, defensoria: Defensoria, activity_id: int | None, field: str = "activity_id"
) -> Activity | None:
    if activity_id is None:
        return None
    found = policies.activity_of_defensoria(actor, defensoria, activity_id)
    if found is None:
        raise ValidationError({field: _("Choose an activity of this defensoría's work plan.")})
    return found


def _not_null(payload: Schema, names: tuple[str, ...]) -> dict[str, Any]:
    given = payload.model_fields_set - {"version"}
    fields: dict[str, Any] = {}
    for name in names:
        if name in given:
            value = getattr(payload, name)
            if value is None:
                raise ValidationError({name: _("This field cannot be null.")})
            fields[name] = value
    return fields


def _plan_out(actor: Any, defensoria: Defensoria, year: int) -> dict[str, Any]:
    plan = selectors.plan_of_year(actor, defensoria, year)
    if plan is None:
        raise Http404
    return {
        "id": plan.pk,
        "defensoria_id": defensoria.pk,
        "year": year,
        "activities": list(selectors.activities_of(actor, plan)),
        "progress": [
            {
                "component": p.code,
                "planned": p.figures.planned,
                "done": p.figures.done,
                "cancelled": p.figures.cancelled,
                "execution_rate": p.figures.execution_rate,
            }
            for p in selectors.progress_by_component(defensoria, year)
        ],
    }


# --- Defensorías ------------------------------------------------------------------------------
@router.get("/defensorias", response={200: DefensoriaPage, **READ_ERRORS}, summary="Defensorías you can see")
def list_defensorias(request: ApiRequest) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    if not policies.can_view_defensorias(actor):
        raise Http404
    rows = list(policies.visible_defensorias(actor).order_by("name", "id")[:MAX_LISTED])
    return {"count": len(rows), "results": rows}


@router.get("/defensorias/{int:defensoria_id}", response={200: DefensoriaOut, **READ_ERRORS}, summary="One defensoría")
def get_defensoria(request: ApiRequest, defensoria_id: int) -> Any:
    return policies.get_defensoria(request.actor, defensoria_id)


@router.patch(
    "/defensorias/{int:defensoria_id}",
    response={200: DefensoriaOut, **WRITE_ERRORS},
    summary="Edit the service point (send the version you read; 409 if it changed)",
)
def update_defensoria(request: ApiRequest, defensoria_id: int, payload: DefensoriaPatch) -> Any:
    actor = request.actor
    defensoria = policies.get_defensoria_for_edit(actor, defensoria_id)
    fields = _not_null(payload, services.DEFENSORIA_EDITABLE)
    return services.update_defensoria(actor=actor, defensoria=defensoria, expected_version=payload.version, **fields)


# --- Work plans and activities ------------------------------------------------------------------
@router.get(
    "/defensorias/{int:defensoria_id}/plans/{int:year}",
    response={200: PlanOut, **READ_ERRORS},
    summary="A defensoría's work plan (PTA) of a year, its activities and progress by component",
)
def get_plan(request: ApiRequest, defensoria_id: int, year: int) -> Any:
    actor = request.actor
    return _plan_out(actor, policies.get_defensoria(actor, defensoria_id), year)


@router.post(
    "/defensorias/{int:defensoria_id}/activities",
    response={201: ActivityOut, **WRITE_ERRORS},
    summary="Add an activity to the work plan of its date's year (the first one opens the plan)",
)
def create_activity(request: ApiRequest, defensoria_id: int, payload: ActivityIn) -> Any:
    actor = request.actor
    defensoria = policies.get_defensoria_for_edit(actor, defensoria_id)
    activity = services.add_activity_to_year(
        actor=actor,
        defensoria=defensoria,
        year=payload.planned_on.year,
        component=payload.component,
        title=payload.title,
        planned_on=payload.planned_on,
        responsible=payload.responsible,
        budget=payload.budget,
    )
    return Status(201, activity)


@router.patch(
    "/activities/{int:activity_id}",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Edit an activity, or mark it done or cancelled (with a reason)",
)
def update_activity(request: ApiRequest, activity_id: int, payload: ActivityPatch) -> Any:
    actor = request.actor
    activity = policies.get_activity_for_edit(actor, activity_id)
    fields = _not_null(payload, services.ACTIVITY_EDITABLE)
    return services.update_activity(actor=actor, activity=activity, expected_version=payload.version, **fields)


# --- Events ---------------------------------------------------------------------------------------
@router.get(
    "/defensorias/{int:defensoria_id}/events",
    response={200: EventPage, **READ_ERRORS},
    summary="A defensoría's events of a year, the latest first, with attendance counts",
)
def list_events(request: ApiRequest, defensoria_id: int, filters: Query[YearFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    defensoria = policies.get_defensoria(actor, defensoria_id)
    year = filters.year or timezone.localdate().year
    rows = list(selectors.events_of(actor, defensoria, year)[:MAX_LISTED])
    return {"count": len(rows), "results": rows}


@router.post(
    "/defensorias/{int:defensoria_id}/events",
    response={201: EventOut, **WRITE_ERRORS},
    summary="Record an event (held or scheduled) with its attendance by sex and age band",
)
def create_event(request: ApiRequest, defensoria_id: int, payload: EventIn) -> Any:
    actor = request.actor
    defensoria = policies.get_defensoria_for_edit(actor, defensoria_id)
    event = services.record_event(
        actor=actor,
        defensoria=defensoria,
        kind=payload.kind,
        title=payload.title,
        held_on=payload.held_on,
        component=payload.component,
        place=payload.place,
        activity=_activity(actor, defensoria, payload.activity_id),
        held=payload.held,
        attendance=_cells(payload.attendance),
    )
    return Status(201, policies.get_event(actor, event.pk))


@router.patch(
    "/events/{int:event_id}",
    response={200: EventOut, **WRITE_ERRORS},
    summary="Edit an event or its attendance (send the version you read; 409 if it changed)",
)
def update_event(request: ApiRequest, event_id: int, payload: EventPatch) -> Any:
    actor = request.actor
    event = policies.get_event_for_edit(actor, event_id)
    fields = _not_null(payload, ("kind", "title", "held_on", "component", "place", "held"))
    if "activity_id" in payload.model_fields_set:
        fields["activity"] = _activity(actor, event.defensoria, payload.activity_id)
    if payload.attendance is None and "attendance" in payload.model_fields_set:
        raise ValidationError({"attendance": _("This field cannot be null.")})
    services.update_event(
        actor=actor,
        event=event,
        expected_version=payload.version,
        attendance=_cells(payload.attendance or []),
        **fields,
    )
    return policies.get_event(actor, event.pk)
