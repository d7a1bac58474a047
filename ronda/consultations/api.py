"""Consultations and the map of social actors in the JSON API: lists with filters and pages, one
record, create, change (with the version read) and delete. Same policies and services as the pages;
forbidden and missing both answer 404. A social actor's contact person is null for whoever may not
read it (administrators and analysts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ronda.consultations import policies, selectors, services
from ronda.consultations.models import MAX_COUNT, Consultation, SocialActor
from ronda.core.api_schemas import LIST_ERRORS, MAX_ID, READ_ERRORS, Id, MessageOut, StrictSchema
from ronda.core.api_utils import read_filters
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters, page_response, paginate
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ApiRequest
from ronda.territory.models import OrgUnit

router = Router(tags=["consultations"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}

AudienceValue = Literal["school", "families", "associations", "children_council", "ngos", "other"]
MethodValue = Literal["workshop", "survey", "interview", "assembly", "focus_group", "other"]
StatusValue = Literal["held", "answered", "closed"]
KindValue = Literal["public", "school", "ngo", "community", "company", "cooperation", "faith", "other"]
LevelValue = Literal["high", "medium", "low"]
RelationshipValue = Literal["ally", "collaborator", "neutral", "to_engage", "resistant"]
Count = Field(default=0, ge=0, le=MAX_COUNT)


# --- Consultations -----------------------------------------------------------------------------
class ConsultationOut(Schema):
    id: int
    municipality_id: int
    held_on: dt.date
    title: str
    audience: str
    method: str
    participants: str
    girls_0_5: int
    boys_0_5: int
    girls_6_11: int
    boys_6_11: int
    girls_12_17: int
    boys_12_17: int
    adults: int
    children: int = Field(description="Children who took part (girls and boys of every age band)")
    total: int = Field(description="Everybody who took part")
    summary: str = Field(description="What the participants said")
    response: str = Field(description="What was done with it")
    answered_by: str
    answered_on: dt.date | None
    status: str
    council_session_id: int | None
    finding_ids: list[int] = Field(description="The findings it cites that you may see")
    measure_ids: list[int] = Field(description="The measures it cites that you may see")
    actor_ids: list[int] = Field(description="The social actors that took part")
    version: int

    @staticmethod
    def resolve_finding_ids(consultation: Consultation) -> list[int]:
        return [f.pk for f in consultation.findings.all()]

    @staticmethod
    def resolve_measure_ids(consultation: Consultation) -> list[int]:
        return [m.pk for m in consultation.measures.all()]

    @staticmethod
    def resolve_actor_ids(consultation: Consultation) -> list[int]:
        return [a.pk for a in consultation.actors.all()]


class ConsultationPage(OffsetPageOut):
    results: list[ConsultationOut]


class ConsultationCursorPage(CursorPageOut):
    results: list[ConsultationOut]


class ConsultationFilters(PageFilters):
    municipality_id: Id | None = Field(default=None, description="Only this municipality")
    audience: AudienceValue | None = None
    status: StatusValue | None = None
    year: int | None = Field(default=None, ge=2000, le=2100, description="The year it was held")


class ConsultationFields(StrictSchema):
    participants: str = Field(default="", max_length=services.TEXT_LIMIT, description="Never a child's name")
    girls_0_5: int = Count
    boys_0_5: int = Count
    girls_6_11: int = Count
    boys_6_11: int = Count
    girls_12_17: int = Count
    boys_12_17: int = Count
    adults: int = Count
    response: str = Field(default="", max_length=services.TEXT_LIMIT)
    answered_by: str = Field(default="", max_length=200)
    answered_on: dt.date | None = None
    status: StatusValue = "held"
    council_session_id: Id | None = None
    finding_ids: list[Id] = Field(default_factory=list, max_length=services.MAX_LINKS)
    measure_ids: list[Id] = Field(default_factory=list, max_length=services.MAX_LINKS)
    actor_ids: list[Id] = Field(default_factory=list, max_length=services.MAX_LINKS)


class ConsultationIn(ConsultationFields):
    municipality_id: Id
    held_on: dt.date
    title: str = Field(max_length=200)
    audience: AudienceValue
    method: MethodValue
    summary: str = Field(max_length=services.TEXT_LIMIT, description="What the participants said")


class ConsultationPatch(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID, description="The version you read; 409 if somebody saved since")
    held_on: dt.date | None = None
    title: str | None = Field(default=None, max_length=200)
    audience: AudienceValue | None = None
    method: MethodValue | None = None
    participants: str | None = Field(default=None, max_length=services.TEXT_LIMIT)
    girls_0_5: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    boys_0_5: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    girls_6_11: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    boys_6_11: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    girls_12_17: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    boys_12_17: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    adults: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    summary: str | None = Field(default=None, max_length=services.TEXT_LIMIT)
    response: str | None = Field(default=None, max_length=services.TEXT_LIMIT)
    answered_by: str | None = Field(default=None, max_length=200)
    answered_on: dt.date | None = None
    status: StatusValue | None = None
    council_session_id: Id | None = None
    finding_ids: list[Id] | None = Field(default=None, max_length=services.MAX_LINKS)
    measure_ids: list[Id] | None = Field(default=None, max_length=services.MAX_LINKS)
    actor_ids: list[Id] | None = Field(default=None, max_length=services.MAX_LINKS)


def _chosen(choices: Any, ids: list[int], field: str, message: str) -> list[Any]:
    """The rows of ``choices`` (a policy's queryset) with these ids; 422 on ``field`` for any other."""
    wanted = list(dict.fromkeys(ids))
    found = list(choices.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({field: message})
    return found


def _links(actor: Actor, municipality: OrgUnit, sent: dict[str, Any]) -> dict[str, Any]:
    """The objects named by the ids a client sent, each checked against what ``actor`` may cite."""
    values: dict[str, Any] = {}
    if "council_session_id" in sent:
        session_id = sent["council_session_id"]
        values["council_session"] = None
        if session_id is not None:
            session = policies.citable_sessions(actor, municipality).filter(pk=session_id).first()
            if session is None:
                raise ValidationError(
                    {"council_session_id": _("Choose a session of this municipality's children's council.")}
                )
            values["council_session"] = session
    if "finding_ids" in sent:
        values["findings"] = _chosen(
            policies.citable_findings(actor, municipality),
            sent["finding_ids"],
            "finding_ids",
            _("Choose findings of this municipality's diagnoses."),
        )
    if "measure_ids" in sent:
        values["measures"] = _chosen(
            policies.citable_measures(actor, municipality),
            sent["measure_ids"],
            "measure_ids",
            _("Choose measures of this municipality's plans."),
        )
    if "actor_ids" in sent:
        values["actors"] = _chosen(
            policies.actors_of(municipality),
            sent["actor_ids"],
            "actor_ids",
            _("Choose social actors of this municipality."),
        )
    return values


LINK_IDS = ("council_session_id", "finding_ids", "measure_ids", "actor_ids")


def _record(actor: Actor, pk: int) -> Consultation:
    return policies.get_consultation(actor, pk, shape=selectors.with_links(actor))


@router.get(
    "/consultations",
    response={200: page_response(ConsultationPage, ConsultationCursorPage), **LIST_ERRORS},
    summary="Consultations of the municipalities you can see, the latest first",
)
def list_consultations(request: ApiRequest, filters: Query[ConsultationFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    if not policies.can_use_consultations(actor):
        raise Http404  # the same answer as the pages give these roles
    municipality = policies.get_municipality(actor, filters.municipality_id) if filters.municipality_id else None
    rows = selectors.filter_consultations(
        policies.visible_consultations(actor),
        municipality=municipality,
        audience=filters.audience,
        status=filters.status,
        year=filters.year,
    )
    rows = selectors.with_links(actor)(rows)
    page = paginate(request, rows, filters, order=selectors.CONSULTATION_ORDER, scope="consultations.consultations")
    return page.response()


@router.get(
    "/consultations/{int:consultation_id}",
    response={200: ConsultationOut, **READ_ERRORS},
    summary="One consultation, with what it cites",
)
def get_consultation(request: ApiRequest, consultation_id: int) -> Any:
    return _record(request.actor, consultation_id)


@router.post(
    "/consultations",
    response={201: ConsultationOut, **WRITE_ERRORS},
    summary="Record a consultation (the municipality's coordinator)",
)
def create_consultation(request: ApiRequest, payload: ConsultationIn) -> Any:
    actor = request.actor
    municipality = policies.get_municipality_for_edit(actor, payload.municipality_id)
    sent = payload.model_dump()
    links: dict[str, Any] = {"findings": [], "measures": [], "actors": [], "council_session": None}
    links.update(_links(actor, municipality, sent))
    fields = {k: v for k, v in sent.items() if k not in (*LINK_IDS, "municipality_id")}
    consultation = services.record_consultation(actor=actor, municipality=municipality, **fields, **links)
    return Status(201, _record(actor, consultation.pk))


@router.patch(
    "/consultations/{int:consultation_id}",
    response={200: ConsultationOut, **WRITE_ERRORS},
    summary="Change a consultation, or record its answer (send the version you read)",
)
def update_consultation(request: ApiRequest, consultation_id: int, payload: ConsultationPatch) -> Any:
    actor = request.actor
    consultation = policies.get_consultation_for_edit(actor, consultation_id)
    sent = payload.model_dump(exclude_unset=True)
    version = sent.pop("version")
    links = _links(actor, consultation.municipality, sent)
    fields = {k: v for k, v in sent.items() if k not in LINK_IDS}
    for name, value in fields.items():
        if value is None and name not in ("answered_on",):
            raise ValidationError({name: _("This field cannot be empty.")})
    services.update_consultation(
        actor=actor,
        consultation=consultation,
        expected_version=version,
        **fields,
        **links,
    )
    return _record(actor, consultation.pk)


@router.delete(
    "/consultations/{int:consultation_id}",
    response={204: None, **READ_ERRORS},
    summary="Delete a consultation recorded by mistake",
)
def delete_consultation(request: ApiRequest, consultation_id: int) -> Any:
    consultation = policies.get_consultation_for_edit(request.actor, consultation_id)
    services.delete_consultation(actor=request.actor, consultation=consultation)
    return Status(204, None)


# --- Social actors ------------------------------------------------------------------------------
class ActorOut(Schema):
    id: int
    municipality_id: int
    name: str
    kind: str
    role: str
    interest: str
    influence: str
    relationship: str
    contact_name: str | None = Field(description="Null for whoever may not read the contact person")
    contact_phone: str | None
    contact_email: str | None
    active: bool
    version: int


class ActorPage(OffsetPageOut):
    results: list[ActorOut]


class ActorCursorPage(CursorPageOut):
    results: list[ActorOut]


class ActorFilters(PageFilters):
    municipality_id: Id | None = Field(default=None, description="Only this municipality")
    kind: KindValue | None = None
    relationship: RelationshipValue | None = None
    interest: LevelValue | None = None
    influence: LevelValue | None = None
    active: bool | None = None


class ActorIn(StrictSchema):
    municipality_id: Id
    name: str = Field(max_length=200)
    kind: KindValue
    role: str = Field(default="", max_length=services.ROLE_LIMIT)
    interest: LevelValue
    influence: LevelValue
    relationship: RelationshipValue
    contact_name: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=40)
    contact_email: str = Field(default="", max_length=254)
    active: bool = True


class ActorPatch(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID, description="The version you read; 409 if somebody saved since")
    name: str | None = Field(default=None, max_length=200)
    kind: KindValue | None = None
    role: str | None = Field(default=None, max_length=services.ROLE_LIMIT)
    interest: LevelValue | None = None
    influence: LevelValue | None = None
    relationship: RelationshipValue | None = None
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=40)
    contact_email: str | None = Field(default=None, max_length=254)
    active: bool | None = None


def _actor_out(actor: Actor, social_actor: SocialActor) -> dict[str, Any]:
    contacts = policies.can_read_contacts(actor)
    names = ("id", "municipality_id", "name", "kind", "role", "interest", "influence", "relationship", "active")
    row = {name: getattr(social_actor, name) for name in (*names, "version")}
    for name in ("contact_name", "contact_phone", "contact_email"):
        row[name] = getattr(social_actor, name) if contacts else None
    return row


@router.get(
    "/actors",
    response={200: page_response(ActorPage, ActorCursorPage), **LIST_ERRORS},
    summary="The social actors of the municipalities you can see, by name",
)
def list_actors(request: ApiRequest, filters: Query[ActorFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    if not policies.can_use_consultations(actor):
        raise Http404
    municipality = policies.get_municipality(actor, filters.municipality_id) if filters.municipality_id else None
    rows = selectors.filter_actors(
        policies.visible_actors(actor),
        municipality=municipality,
        kind=filters.kind,
        relationship=filters.relationship,
        interest=filters.interest,
        influence=filters.influence,
        active=filters.active,
    )
    page = paginate(request, rows, filters, order=selectors.ACTOR_ORDER, scope="consultations.actors")
    return page.response([_actor_out(actor, row) for row in page.rows])


@router.get("/actors/{int:actor_id}", response={200: ActorOut, **READ_ERRORS}, summary="One social actor")
def get_social_actor(request: ApiRequest, actor_id: int) -> Any:
    return _actor_out(request.actor, policies.get_actor(request.actor, actor_id))


@router.post(
    "/actors",
    response={201: ActorOut, **WRITE_ERRORS},
    summary="Add a social actor to the map (the municipality's coordinator)",
)
def create_actor(request: ApiRequest, payload: ActorIn) -> Any:
    actor = request.actor
    municipality = policies.get_municipality_for_edit(actor, payload.municipality_id)
    fields = payload.model_dump(exclude={"municipality_id"})
    social_actor = services.record_actor(actor=actor, municipality=municipality, **fields)
    return Status(201, _actor_out(actor, social_actor))


@router.patch(
    "/actors/{int:actor_id}",
    response={200: ActorOut, **WRITE_ERRORS},
    summary="Change a social actor, or set it inactive (send the version you read)",
)
def update_actor(request: ApiRequest, actor_id: int, payload: ActorPatch) -> Any:
    actor = request.actor
    social_actor = policies.get_actor_for_edit(actor, actor_id)
    sent = payload.model_dump(exclude_unset=True)
    version = sent.pop("version")
    for name, value in sent.items():
        if value is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    updated = services.update_actor(actor=actor, social_actor=social_actor, expected_version=version, **sent)
    return _actor_out(actor, updated)


@router.delete(
    "/actors/{int:actor_id}",
    response={204: None, **READ_ERRORS},
    summary="Delete a social actor entered by mistake (one that took part in a consultation is set inactive instead)",
)
def delete_actor(request: ApiRequest, actor_id: int) -> Any:
    social_actor = policies.get_actor_for_edit(request.actor, actor_id)
    services.delete_actor(actor=request.actor, social_actor=social_actor)
    return Status(204, None)
