"""The children's council in the JSON API: councils (counts only) and their requests.

Members are never exposed here: their first names live on one web page for the coordinator.
Same policies and services as the web views; forbidden and missing both answer 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from ronda.core.api_schemas import MAX_ID, READ_ERRORS, Id, MessageOut, StrictSchema
from ronda.core.api_utils import reject_unknown_query
from ronda.core.views_helpers import ApiRequest
from ronda.council import policies, selectors, services
from ronda.council.models import (
    ChildrenCouncil,
    CouncilRequest,
    CouncilSession,
    RequestKind,
    RequestStatus,
)
from ronda.territory.models import Area, Level

router = Router(tags=["council"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}


# --- Schemas --------------------------------------------------------------------------
class CouncilOut(Schema):
    id: int
    name: str
    municipality_id: int
    municipality: str
    established_on: dt.date | None
    response_days: int
    active_members: int = Field(description="How many children take part today (a count: members are not exposed)")
    open_requests: int
    overdue_requests: int


class NoFilters(Schema):
    model_config = ConfigDict(extra="forbid")


class CouncilPage(Schema):
    count: int
    results: list[CouncilOut]


class RequestOut(Schema):
    id: int
    council_id: Id
    municipality: str
    kind: str
    kind_label: str
    title: str
    description: str
    goal_area: str
    routed_area_id: int | None
    routed_area_name: str | None
    session_id: int | None
    received_on: dt.date
    due_on: dt.date
    status: str
    status_label: str
    answer: str
    answered_on: dt.date | None
    implemented_on: dt.date | None
    is_overdue: bool
    answered_on_time: bool
    allowed_transitions: list[str]
    version: int


class RequestPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[RequestOut]


class RequestFilters(Schema):
    model_config = ConfigDict(extra="forbid")

    council: Id | None = Field(default=None, description="Only this council")
    status: RequestStatus | None = Field(default=None, description="Only this status")
    overdue: bool | None = Field(default=None, description="true: only open requests past their due date")
    area: Id | None = Field(default=None, description="Only requests routed to this area")
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class RequestIn(StrictSchema):
    confirm_no_names: bool = Field(
        default=False,
        description="Set true after checking that a word matching a member's first name is not a child's name",
    )
    council: Id | None = Field(default=None, description="Default: the council of your municipality")
    kind: RequestKind = RequestKind.REQUEST
    title: str = Field(min_length=1, max_length=255)
    description: str = Field(min_length=1, max_length=services.MAX_TEXT, description="No children's names")
    goal_area: str = Field(default="", max_length=16)
    routed_area: Id | None = None
    session: Id | None = None
    received_on: dt.date
    due_on: dt.date | None = Field(default=None, description="Default: received_on + the council's response days")


class RequestPatch(StrictSchema):
    confirm_no_names: bool = Field(
        default=False,
        description="Set true after checking that a word matching a member's first name is not a child's name",
    )
    version: int = Field(ge=1, le=MAX_ID, description="The version you read: 409 if somebody saved since")
    kind: RequestKind | None = None
    title: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, min_length=1, max_length=services.MAX_TEXT)
    goal_area: str | None = Field(default=None, max_length=16)
    routed_area: Id | None = None
    session: Id | None = None
    received_on: dt.date | None = None
    due_on: dt.date | None = None
    answer: str | None = Field(default=None, max_length=services.MAX_TEXT)


class TransitionIn(StrictSchema):
    confirm_no_names: bool = Field(
        default=False,
        description="Set true after checking that a word matching a member's first name is not a child's name",
    )
    version: int = Field(ge=1, le=MAX_ID, description="The version you read: 409 if somebody saved since")
    status: RequestStatus
    answer: str | None = Field(
        default=None, max_length=services.MAX_TEXT, description="Child-friendly; required to answer"
    )
    on: dt.date | None = Field(default=None, description="Date of the answer or implementation (default today)")


# --- Helpers --------------------------------------------------------------------------
def _request_out(council_request: CouncilRequest) -> dict[str, Any]:
    area = council_request.routed_area
    return {
        "id": council_request.pk,
        "council_id": council_request.council_id,
        "municipality": council_request.council.org_unit.name,
        "kind": council_request.kind,
        "kind_label": str(council_request.get_kind_display()),
        "title": council_request.title,
        "description": council_request.description,
        "goal_area": council_request.goal_area,
        "routed_area_id": council_request.routed_area_id,
        "routed_area_name": area.name if area is not None else None,
        "session_id": council_request.session_id,
        "received_on": council_request.received_on,
        "due_on": council_request.due_on,
        "status": council_request.status,
        "status_label": str(council_request.get_status_display()),
        "answer": council_request.answer,
        "answered_on": council_request.answered_on,
        "implemented_on": council_request.implemented_on,
        "is_overdue": council_request.is_overdue,
        "answered_on_time": council_request.answered_on_time,
        "allowed_transitions": list(services.allowed_transitions(council_request)),
        "version": council_request.version,
    }


def _area(council: ChildrenCouncil, area_id: int | None) -> Area | None:
    if area_id is None:
        return None
    area = policies.areas_of(council).filter(pk=area_id).first()
    if area is None:
        raise ValidationError(
            {"routed_area": _("Choose an area of %(municipality)s.") % {"municipality": council.org_unit.name}}
        )
    return area


def _session(council: ChildrenCouncil, session_id: int | None) -> CouncilSession | None:
    if session_id is None:
        return None
    session = policies.sessions_of(council).filter(pk=session_id).first()
    if session is None:
        raise ValidationError({"session": _("Choose a session of this council.")})
    return session


# --- Councils -------------------------------------------------------------------------
@router.get(
    "/councils",
    response={200: CouncilPage, **READ_ERRORS},
    summary="Children's councils you can see, with counts (never members)",
)
def list_councils(request: ApiRequest) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    if not policies.can_view_councils(actor):
        raise Http404
    councils = list(policies.visible_councils(actor).order_by("org_unit__name", "id")[:500])
    rows = selectors.council_summaries(councils)
    return {
        "count": len(rows),
        "results": [
            {
                "id": row.council.pk,
                "name": row.council.name,
                "municipality_id": row.council.org_unit_id,
                "municipality": row.council.org_unit.name,
                "established_on": row.council.established_on,
                "response_days": row.council.response_days,
                "active_members": row.members,
                "open_requests": row.open,
                "overdue_requests": row.overdue,
            }
            for row in rows
        ],
    }


# --- Requests -------------------------------------------------------------------------
@router.get(
    "/requests",
    response={200: RequestPage, **READ_ERRORS},
    summary="Requests and proposals of the children's councils you can see",
)
def list_requests(request: ApiRequest, filters: Query[RequestFilters]) -> Any:
    reject_unknown_query(request, RequestFilters)
    actor = request.actor
    if not policies.can_view_requests(actor):
        raise Http404
    requests = policies.visible_requests(actor)
    if filters.council is not None:
        council = policies.get_council_of_requests(actor, filters.council)
        requests = requests.filter(council=council)
    if filters.status is not None:
        requests = requests.filter(status=filters.status)
    if filters.overdue is True:
        requests = requests.overdue(timezone.localdate())
    elif filters.overdue is False:
        requests = requests.exclude(pk__in=requests.overdue(timezone.localdate()).values("pk"))
    if filters.area is not None:
        requests = requests.filter(routed_area_id=filters.area)
    requests = requests.order_by("-received_on", "-id")
    total = requests.count()
    rows = requests[filters.offset : filters.offset + filters.limit]
    return {
        "count": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [_request_out(r) for r in rows],
    }


@router.get("/requests/{int:request_id}", response={200: RequestOut, **READ_ERRORS}, summary="One request")
def get_request(request: ApiRequest, request_id: int) -> Any:
    return _request_out(policies.get_request(request.actor, request_id))


def _refuse_child_names(council: Any, confirmed: bool, **texts: str | None) -> None:
    """Requests and answers are published: a member's first name in them needs an explicit confirmation."""
    if confirmed:
        return
    for field, text in texts.items():
        if text and selectors.mentions_member_name(council, text):
            raise ValidationError(
                {
                    field: _(
                        "This text contains the first name of a council member. Requests and answers are "
                        "published: leave children's names out, or confirm with confirm_no_names."
                    )
                }
            )


@router.post(
    "/requests",
    response={201: RequestOut, **WRITE_ERRORS},
    summary="Record a request or proposal (received; the answer is due after the council's response days)",
)
def create_request(request: ApiRequest, payload: RequestIn) -> Any:
    actor = request.actor
    if not policies.can_manage_any_council(actor):
        raise PermissionDenied
    councils = policies.visible_councils(actor)
    if payload.council is not None:
        council = policies.get_council(actor, payload.council)
    else:
        unit = actor.org_unit
        found = (
            councils.filter(org_unit=unit).first() if unit is not None and unit.level == Level.MUNICIPALITY else None
        )
        if found is None:
            raise ValidationError({"council": _("Say which council the request belongs to.")})
        council = found
    if not policies.can_manage_council(actor, council):
        raise PermissionDenied
    _refuse_child_names(council, payload.confirm_no_names, title=payload.title, description=payload.description)
    created = services.create_request(
        actor=actor,
        council=council,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        goal_area=payload.goal_area,
        routed_area=_area(council, payload.routed_area),
        session=_session(council, payload.session),
        received_on=payload.received_on,
        due_on=payload.due_on,
    )
    return Status(201, _request_out(created))


@router.patch(
    "/requests/{int:request_id}",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Edit a request (send the version you read; 409 if it changed)",
)
def update_request(request: ApiRequest, request_id: int, payload: RequestPatch) -> Any:
    actor = request.actor
    council_request = policies.get_request_for_edit(actor, request_id)
    council = council_request.council
    given = payload.model_fields_set - {"version"}
    fields: dict[str, Any] = {}
    for name in ("kind", "title", "description", "goal_area", "received_on", "due_on", "answer"):
        if name in given:
            value = getattr(payload, name)
            if value is None and name != "due_on":
                raise ValidationError({name: _("This field cannot be null.")})
            fields[name] = value
    _refuse_child_names(
        council,
        payload.confirm_no_names,
        title=fields.get("title"),
        description=fields.get("description"),
        answer=fields.get("answer"),
    )
    if "routed_area" in given:
        fields["routed_area"] = _area(council, payload.routed_area)
    if "session" in given:
        fields["session"] = _session(council, payload.session)
    updated = services.update_request(
        actor=actor, council_request=council_request, expected_version=payload.version, **fields
    )
    return _request_out(updated)


@router.post(
    "/requests/{int:request_id}/transition",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Move a request along received > under study > answered > implemented",
)
def transition_request(request: ApiRequest, request_id: int, payload: TransitionIn) -> Any:
    actor = request.actor
    council_request = policies.get_request_for_edit(actor, request_id)
    _refuse_child_names(council_request.council, payload.confirm_no_names, answer=payload.answer)
    updated = services.transition_request(
        actor=actor,
        council_request=council_request,
        expected_version=payload.version,
        status=payload.status,
        answer=payload.answer,
        on=payload.on,
    )
    return _request_out(updated)
