"""Children and caregivers in the JSON API: the same policies, services and access events as the pages.

Forbidden and missing both answer 404. Every child or caregiver returned is logged by the policy call
that returns it (decision 0015). A registration with possible duplicates answers 409 until it is sent
with ``confirmed_new``; ``POST /cases/children/duplicates`` shows the candidates as the user may see them
(decision 0023).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ronda.cases import policies, services
from ronda.cases.models import Caregiver, Child
from ronda.core.api_schemas import LIST_ERRORS, MAX_ID, READ_ERRORS, Id, MessageOut, QueryFilters, StrictSchema
from ronda.core.api_utils import read_filters
from ronda.core.views_helpers import ApiRequest
from ronda.territory.models import OrgUnit

router = Router(tags=["cases"])
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
PAGE_LIMIT = 100


class CaregiverOut(Schema):
    id: int
    child_id: int
    first_names: str
    surnames: str
    relationship: str
    lives_with_child: bool
    phone: str
    is_main_caregiver: bool
    version: int


class ChildOut(Schema):
    id: int
    first_names: str
    paternal_surname: str
    maternal_surname: str
    alias: str
    sex: str
    birth_date: dt.date | None
    estimated_age: int | None
    age_estimated_on: dt.date | None
    age: int | None
    community_id: int
    community: str
    document_type: str
    document_number: str
    disability: str
    ethnicity: str
    migrant_status: str
    school: str
    views_and_wishes: str
    version: int

    @staticmethod
    def resolve_age(child: Child) -> int | None:
        return child.age_on()

    @staticmethod
    def resolve_community(child: Child) -> str:
        return child.community.name


class ChildRecordOut(ChildOut):
    caregivers: list[CaregiverOut]

    @staticmethod
    def resolve_caregivers(child: Child) -> list[Caregiver]:
        # Set by ``_record`` from ``policies.list_caregivers`` (which logs them), never the raw relation.
        return getattr(child, "shown_caregivers", [])


class ChildPage(Schema):
    results: list[ChildOut]
    next_before: int | None = Field(description="Send as ``before`` for the next page; null on the last")


class ChildFilters(QueryFilters):
    q: str = Field(default="", max_length=100, description="Words of the name, accents and case aside")
    before: int | None = Field(default=None, ge=1, le=MAX_ID, description="The keyset cursor (an id)")
    limit: int = Field(default=25, ge=1, le=PAGE_LIMIT)


class ChildIn(StrictSchema):
    first_names: str = Field(default="", max_length=120)
    paternal_surname: str = Field(default="", max_length=60)
    maternal_surname: str = Field(default="", max_length=60)
    alias: str = Field(default="", max_length=60)
    sex: str = ""
    birth_date: dt.date | None = None
    estimated_age: int | None = Field(default=None, ge=0, le=200)
    age_estimated_on: dt.date | None = None
    community_id: Id
    document_type: str = ""
    document_number: str = Field(default="", max_length=40)
    disability: str = ""
    ethnicity: str = ""
    migrant_status: str = ""
    school: str = Field(default="", max_length=200)
    views_and_wishes: str = Field(default="", max_length=services.VIEWS_LIMIT)
    caregiver_names: list[str] = Field(default_factory=list, max_length=10)


class RegistrationIn(ChildIn):
    confirmed_new: bool = Field(default=False, description="The user saw the candidates and says: a new child")


class ChildPatch(StrictSchema):
    version: int = Field(ge=1)
    first_names: str | None = Field(default=None, max_length=120)
    paternal_surname: str | None = Field(default=None, max_length=60)
    maternal_surname: str | None = Field(default=None, max_length=60)
    alias: str | None = Field(default=None, max_length=60)
    sex: str | None = None
    birth_date: dt.date | None = None
    estimated_age: int | None = Field(default=None, ge=0, le=200)
    age_estimated_on: dt.date | None = None
    community_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    document_type: str | None = None
    document_number: str | None = Field(default=None, max_length=40)
    disability: str | None = None
    ethnicity: str | None = None
    migrant_status: str | None = None
    school: str | None = Field(default=None, max_length=200)
    views_and_wishes: str | None = Field(default=None, max_length=services.VIEWS_LIMIT)


class CandidateOut(Schema):
    candidate_id: int
    score: float
    reasons: list[str]
    reason_labels: list[str]
    community: str
    readable: bool
    child: ChildOut | None = Field(description="Only for a child you may read; otherwise ask for a review")

    @staticmethod
    def resolve_community(row: services.CandidateView) -> str:
        return row.community_name


class ReviewIn(ChildIn):
    candidate_id: Id


class ReviewOut(Schema):
    id: int
    candidate_id: int
    status: str


class CaregiverIn(StrictSchema):
    first_names: str = Field(max_length=120)
    surnames: str = Field(default="", max_length=120)
    relationship: str
    lives_with_child: bool = True
    phone: str = Field(default="", max_length=30)
    is_main_caregiver: bool = False


class CaregiverPatch(StrictSchema):
    version: int = Field(ge=1)
    first_names: str | None = Field(default=None, max_length=120)
    surnames: str | None = Field(default=None, max_length=120)
    relationship: str | None = None
    lives_with_child: bool | None = None
    phone: str | None = Field(default=None, max_length=30)
    is_main_caregiver: bool | None = None


def _community(request: ApiRequest, community_id: int) -> OrgUnit:
    """A community the actor may register in; any other id answers like a missing one."""
    actor = request.actor
    found = policies.registration_communities(actor).filter(pk=community_id).first()
    if found is None:
        raise ValidationError({"community_id": _("Choose a community of your own.")})
    return found


def _fields(request: ApiRequest, payload: ChildIn) -> dict[str, Any]:
    data = payload.model_dump(exclude={"community_id", "caregiver_names", "confirmed_new", "candidate_id"})
    data["community"] = _community(request, payload.community_id)
    return data


def _record(actor: Any, child: Child) -> Child:
    child.shown_caregivers = policies.list_caregivers(actor, child)  # type: ignore[attr-defined]
    return child


@router.get("/children", response={200: ChildPage, **LIST_ERRORS}, summary="Children you may read, newest first")
def list_children(request: ApiRequest, filters: Query[ChildFilters]) -> Any:
    read_filters(request, filters)
    if not policies.can_read_children(request.actor):
        raise PermissionDenied
    rows = policies.list_children(request.actor, search=filters.q, before_id=filters.before, limit=filters.limit + 1)
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"results": rows, "next_before": rows[-1].pk if more and rows else None}


@router.get("/children/{int:child_id}", response={200: ChildRecordOut, **READ_ERRORS}, summary="One child")
def get_child(request: ApiRequest, child_id: int) -> Any:
    child = policies.get_child(request.actor, child_id)
    return _record(request.actor, child)


@router.post(
    "/children/duplicates",
    response={200: list[CandidateOut], **WRITE_ERRORS},
    summary="Children already registered who may be this one (names only of those you may read)",
)
def duplicate_candidates(request: ApiRequest, payload: ChildIn) -> Any:
    if not policies.can_register_children(request.actor):
        raise PermissionDenied
    return services.duplicate_candidates(
        actor=request.actor, caregiver_names=payload.caregiver_names, **_fields(request, payload)
    )


@router.post(
    "/children/duplicates/review",
    response={201: ReviewOut, **WRITE_ERRORS},
    summary="Ask the municipality's supervisor to review a possible match you may not read",
)
def request_review(request: ApiRequest, payload: ReviewIn) -> Any:
    if not policies.can_register_children(request.actor):
        raise PermissionDenied
    fields = _fields(request, payload)
    found = services.duplicate_candidates(actor=request.actor, caregiver_names=payload.caregiver_names, **fields)
    asked = next((c for c in found if c.candidate_id == payload.candidate_id and not c.readable), None)
    if asked is None:
        raise PermissionDenied
    review = services.request_duplicate_review(
        actor=request.actor,
        candidate_id=asked.candidate_id,
        community=fields["community"],
        score=asked.score,
        reasons=list(asked.reasons),
    )
    return Status(201, review)


@router.post("/children", response={201: ChildRecordOut, **WRITE_ERRORS}, summary="Register a child")
def register_child(request: ApiRequest, payload: RegistrationIn) -> Any:
    if not policies.can_register_children(request.actor):
        raise PermissionDenied
    try:
        child = services.register_child(
            actor=request.actor,
            confirmed_new=payload.confirmed_new,
            caregiver_names=payload.caregiver_names,
            **_fields(request, payload),
        )
    except services.PossibleDuplicates:
        return Status(
            409,
            {
                "message": _(
                    "This child may be registered already. Look at POST /cases/children/duplicates, then send "
                    "confirmed_new if it is a new child."
                )
            },
        )
    return Status(201, child)


@router.patch(
    "/children/{int:child_id}",
    response={200: ChildRecordOut, **WRITE_ERRORS},
    summary="Correct a child's record (send the version you read; 409 if it changed)",
)
def update_child(request: ApiRequest, child_id: int, payload: ChildPatch) -> Any:
    actor = request.actor
    child = policies.get_child_for_edit(actor, child_id)
    fields: dict[str, Any] = {}
    for name in payload.model_fields_set - {"version", "community_id"}:
        value = getattr(payload, name)
        if value is None and name not in ("birth_date", "estimated_age", "age_estimated_on"):
            raise ValidationError({name: _("This field cannot be null.")})
        fields[name] = value
    if payload.community_id is not None:
        fields["community"] = _community(request, payload.community_id)
    updated = services.update_child(actor=actor, child=child, expected_version=payload.version, **fields)
    return _record(actor, updated)


@router.post(
    "/children/{int:child_id}/caregivers", response={201: CaregiverOut, **WRITE_ERRORS}, summary="Add a caregiver"
)
def add_caregiver(request: ApiRequest, child_id: int, payload: CaregiverIn) -> Any:
    child = policies.get_child_for_edit(request.actor, child_id)
    return Status(201, services.add_caregiver(actor=request.actor, child=child, **payload.model_dump()))


@router.patch(
    "/caregivers/{int:caregiver_id}",
    response={200: CaregiverOut, **WRITE_ERRORS},
    summary="Edit a caregiver (send the version you read; 409 if it changed)",
)
def update_caregiver(request: ApiRequest, caregiver_id: int, payload: CaregiverPatch) -> Any:
    caregiver: Caregiver = policies.get_caregiver_for_edit(request.actor, caregiver_id)
    fields = {n: getattr(payload, n) for n in payload.model_fields_set - {"version"}}
    for name, value in fields.items():
        if value is None:
            raise ValidationError({name: _("This field cannot be null.")})
    return services.update_caregiver(
        actor=request.actor, caregiver=caregiver, expected_version=payload.version, **fields
    )


@router.delete("/caregivers/{int:caregiver_id}", response={204: None, **READ_ERRORS}, summary="Remove a caregiver")
def remove_caregiver(request: ApiRequest, caregiver_id: int) -> Any:
    caregiver = policies.get_caregiver_for_edit(request.actor, caregiver_id)
    services.remove_caregiver(actor=request.actor, caregiver=caregiver)
    return Status(204, None)


class MergeIn(StrictSchema):
    other_id: Id = Field(description="Another record of the same child, merged into this one (it is kept, hidden)")


@router.post(
    "/children/{int:child_id}/merge",
    response={200: ChildRecordOut, **WRITE_ERRORS},
    summary="The supervisor merges another record of the same child into this one (undo with unmerge)",
)
def merge_child(request: ApiRequest, child_id: int, payload: MergeIn) -> Any:
    actor = request.actor
    if not policies.can_manage_merges(actor):
        raise PermissionDenied
    keep = policies.get_child_for_edit(actor, child_id)
    duplicate = policies.get_child_for_edit(actor, payload.other_id)
    return _record(actor, services.merge_children(actor=actor, keep=keep, duplicate=duplicate))


@router.post(
    "/children/{int:child_id}/unmerge",
    response={200: ChildRecordOut, **WRITE_ERRORS},
    summary="Undo a wrong merge: the record is a child of its own again",
)
def unmerge_child(request: ApiRequest, child_id: int) -> Any:
    actor = request.actor
    if not policies.can_manage_merges(actor):
        raise PermissionDenied
    child = policies.get_child_for_edit(actor, child_id)
    return _record(actor, services.unmerge_child(actor=actor, child=child))
