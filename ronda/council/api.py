"""The children's council in the JSON API: councils (counts only) and their requests.

Members are never exposed here: their first names live on one web page for the coordinator.
Same policies and services as the web views; forbidden and missing both answer 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ronda.core.api_schemas import (
    LIST_ERRORS,
    MAX_ID,
    READ_ERRORS,
    Id,
    MessageOut,
    QueryFilters,
    StrictSchema,
    renamed_to,
)
from ronda.core.api_utils import name_sent, read_filters, reject_unknown_query, resolve_renamed
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters, limit_field, page_response, paginate
from ronda.core.views_helpers import ApiRequest
from ronda.council import limits, policies, selectors, services
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
# Output schemas read the objects the policies and selectors return (ninja's ``Schema`` is
# ``from_attributes``); a ``resolve_<field>`` gives what is not an attribute of the same name.
class CouncilOut(Schema):
    """One ``selectors.CouncilSummary``: the council and its counts."""

    id: int
    name: str
    municipality_id: int
    municipality: str
    established_on: dt.date | None
    response_days: int
    active_members: int = Field(description="How many children take part today (a count: members are not exposed)")
    open_requests: int
    overdue_requests: int

    @staticmethod
    def resolve_id(row: selectors.CouncilSummary) -> int:
        return row.council.pk

    @staticmethod
    def resolve_name(row: selectors.CouncilSummary) -> str:
        return row.council.name

    @staticmethod
    def resolve_municipality_id(row: selectors.CouncilSummary) -> int:
        return row.council.org_unit_id

    @staticmethod
    def resolve_municipality(row: selectors.CouncilSummary) -> str:
        return row.council.org_unit.name

    @staticmethod
    def resolve_established_on(row: selectors.CouncilSummary) -> dt.date | None:
        return row.council.established_on

    @staticmethod
    def resolve_response_days(row: selectors.CouncilSummary) -> int:
        return row.council.response_days

    @staticmethod
    def resolve_active_members(row: selectors.CouncilSummary) -> int:
        return row.members

    @staticmethod
    def resolve_open_requests(row: selectors.CouncilSummary) -> int:
        return row.open

    @staticmethod
    def resolve_overdue_requests(row: selectors.CouncilSummary) -> int:
        return row.overdue


class NoFilters(QueryFilters):
    pass


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

    @staticmethod
    def resolve_municipality(council_request: CouncilRequest) -> str:
        return council_request.council.org_unit.name

    @staticmethod
    def resolve_kind_label(council_request: CouncilRequest) -> str:
        return str(council_request.get_kind_display())

    @staticmethod
    def resolve_routed_area_name(council_request: CouncilRequest) -> str | None:
        area = council_request.routed_area
        return area.name if area is not None else None

    @staticmethod
    def resolve_status_label(council_request: CouncilRequest) -> str:
        return str(council_request.get_status_display())

    @staticmethod
    def resolve_allowed_transitions(council_request: CouncilRequest) -> list[str]:
        return list(services.allowed_transitions(council_request))


class RequestPage(OffsetPageOut):
    results: list[RequestOut]


class RequestCursorPage(CursorPageOut):
    results: list[RequestOut]


class RequestFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {"council": "council_id", "area": "routed_area_id"}

    council_id: Id | None = Field(default=None, description="Only this council (404 if you cannot see it)")
    status: RequestStatus | None = Field(default=None, description="Only this status")
    status_group: Literal["open", "answered"] | None = Field(
        default=None,
        description="open: received or under study; answered: accepted, partly accepted, rejected or implemented",
    )
    overdue: bool | None = Field(
        default=None, description="true: only open requests past their due date; false: all the others"
    )
    routed_area_id: Id | None = Field(default=None, description="Only requests routed to this area")
    kind: RequestKind | None = None
    session_id: Id | None = Field(default=None, description="Only requests received at this session")
    q: str | None = Field(default=None, max_length=100, description="Title or description contains")
    limit: int = limit_field(200)
    council: Id | None = renamed_to("council_id")
    area: Id | None = renamed_to("routed_area_id")


class RequestIn(StrictSchema):
    RENAMED: ClassVar[dict[str, str]] = {
        "council": "council_id",
        "routed_area": "routed_area_id",
        "session": "session_id",
    }

    confirm_no_names: bool = Field(
        default=False,
        description="Set true after checking that a word matching a member's first name is not a child's name",
    )
    council_id: Id | None = Field(default=None, description="Default: the council of your municipality")
    kind: RequestKind = RequestKind.REQUEST
    title: str = Field(min_length=1, max_length=limits.TITLE)
    description: str = Field(min_length=1, max_length=limits.REQUEST, description="No children's names")
    goal_area: str = Field(default="", max_length=16)
    routed_area_id: Id | None = None
    session_id: Id | None = None
    received_on: dt.date
    due_on: dt.date | None = Field(default=None, description="Default: received_on + the council's response days")
    council: Id | None = renamed_to("council_id")
    routed_area: Id | None = renamed_to("routed_area_id")
    session: Id | None = renamed_to("session_id")


class RequestPatch(StrictSchema):
    RENAMED: ClassVar[dict[str, str]] = {"routed_area": "routed_area_id", "session": "session_id"}

    confirm: bool = Field(
        default=False,
        description="Set true to publish an answer despite the warnings of the child-friendly check "
        "(acronyms, sentences over 20 words, hard reading ease); without it such an answer is a 422 with the warnings",
    )
    confirm_no_names: bool = Field(
        default=False,
        description="Set true after checking that a word matching a member's first name is not a child's name",
    )
    version: int = Field(ge=1, le=MAX_ID, description="The version you read: 409 if somebody saved since")
    kind: RequestKind | None = None
    title: str | None = Field(default=None, min_length=1, max_length=limits.TITLE)
    description: str | None = Field(default=None, min_length=1, max_length=limits.REQUEST)
    goal_area: str | None = Field(default=None, max_length=16)
    routed_area_id: Id | None = None
    session_id: Id | None = None
    received_on: dt.date | None = None
    due_on: dt.date | None = None
    answer: str | None = Field(default=None, max_length=limits.ANSWER)
    routed_area: Id | None = renamed_to("routed_area_id")
    session: Id | None = renamed_to("session_id")


class TransitionIn(StrictSchema):
    confirm: bool = Field(
        default=False,
        description="Set true to publish an answer despite the warnings of the child-friendly check "
        "(acronyms, sentences over 20 words, hard reading ease); without it such an answer is a 422 with the warnings",
    )
    confirm_no_names: bool = Field(
        default=False,
        description="Set true after checking that a word matching a member's first name is not a child's name",
    )
    version: int = Field(ge=1, le=MAX_ID, description="The version you read: 409 if somebody saved since")
    status: RequestStatus
    answer: str | None = Field(default=None, max_length=limits.ANSWER, description="Child-friendly; required to answer")
    on: dt.date | None = Field(default=None, description="Date of the answer or implementation (default today)")


# --- Helpers --------------------------------------------------------------------------
def _area(council: ChildrenCouncil, payload: RequestIn | RequestPatch) -> Area | None:
    area_id = payload.routed_area_id
    if area_id is None:
        return None
    area = policies.areas_of(council).filter(pk=area_id).first()
    if area is None:
        message = _("Choose an area of %(municipality)s.") % {"municipality": council.org_unit.name}
        raise ValidationError({name_sent(payload, "routed_area_id"): message})
    return area


def _session(council: ChildrenCouncil, payload: RequestIn | RequestPatch) -> CouncilSession | None:
    session_id = payload.session_id
    if session_id is None:
        return None
    session = policies.sessions_of(council).filter(pk=session_id).first()
    if session is None:
        raise ValidationError({name_sent(payload, "session_id"): _("Choose a session of this council.")})
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
    return {"count": len(rows), "results": rows}


# --- Requests -------------------------------------------------------------------------
@router.get(
    "/requests",
    response={200: page_response(RequestPage, RequestCursorPage), **LIST_ERRORS},
    summary="Requests and proposals of the children's councils you can see, the latest received first",
)
def list_requests(request: ApiRequest, filters: Query[RequestFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    if not policies.can_view_requests(actor):
        raise Http404
    requests = policies.visible_requests(actor)
    if filters.council_id is not None:
        council = policies.get_council_of_requests(actor, filters.council_id)
        requests = requests.filter(council=council)
    requests = selectors.filter_requests(
        requests,
        status=filters.status,
        status_group=filters.status_group,
        overdue=filters.overdue,
        routed_area_id=filters.routed_area_id,
        kind=filters.kind,
        session_id=filters.session_id,
        q=filters.q,
    )
    return paginate(request, requests, filters, order=selectors.REQUEST_ORDER, scope="council.requests").response()


@router.get("/requests/{int:request_id}", response={200: RequestOut, **READ_ERRORS}, summary="One request")
def get_request(request: ApiRequest, request_id: int) -> Any:
    return policies.get_request(request.actor, request_id)


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
    resolve_renamed(payload)
    if not policies.can_manage_any_council(actor):
        raise PermissionDenied
    councils = policies.visible_councils(actor)
    if payload.council_id is not None:
        council = policies.get_council(actor, payload.council_id)
    else:
        unit = actor.org_unit
        found = (
            councils.filter(org_unit=unit).first() if unit is not None and unit.level == Level.MUNICIPALITY else None
        )
        if found is None:
            raise ValidationError({"council_id": _("Say which council the request belongs to.")})
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
        routed_area=_area(council, payload),
        session=_session(council, payload),
        received_on=payload.received_on,
        due_on=payload.due_on,
    )
    return Status(201, created)


@router.patch(
    "/requests/{int:request_id}",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Edit a request (send the version you read; 409 if it changed)",
)
def update_request(request: ApiRequest, request_id: int, payload: RequestPatch) -> Any:
    actor = request.actor
    resolve_renamed(payload)
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
    if "routed_area_id" in given:
        fields["routed_area"] = _area(council, payload)
    if "session_id" in given:
        fields["session"] = _session(council, payload)
    updated = services.update_request(
        actor=actor,
        council_request=council_request,
        expected_version=payload.version,
        confirm_answer=payload.confirm,
        **fields,
    )
    return updated


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
        confirm_answer=payload.confirm,
    )
    return updated
