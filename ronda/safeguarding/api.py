"""Safeguarding in the JSON API: a municipality's protocol and code of conduct (their versions), the
register of signatures, and the confidential concerns (the coordinator and the designated contacts
only; every concern returned is an access event). Same policies and services as the pages; forbidden
and missing both answer 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ronda.core.api_schemas import READ_ERRORS, Id, MessageOut, QueryFilters, StrictSchema
from ronda.core.api_utils import reject_unknown_query
from ronda.core.views_helpers import ApiRequest
from ronda.safeguarding import policies, selectors, services
from ronda.safeguarding.models import Concern, Signature
from ronda.territory.models import Area, Institution, OrgUnit

router = Router(tags=["safeguarding"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}


class NoFilters(QueryFilters):
    pass


class DocumentOut(Schema):
    id: int
    kind: str = Field(description="protocol or code (of conduct)")
    edition: str = Field(description="The version as approved")
    approved_on: dt.date
    approving_act: str
    original_name: str
    content_type: str
    size: int
    current: bool = Field(description="The latest approved version of its kind: the one in force")


class DocumentPage(Schema):
    count: int
    results: list[DocumentOut]


class SignatureOut(Schema):
    id: int
    full_name: str
    employment: str
    area_id: int | None
    company: str
    position: str
    signed_on: dt.date
    renewal_due: dt.date
    overdue: bool
    version: int

    @staticmethod
    def resolve_overdue(signature: Signature) -> bool:
        return signature.renewal_due < timezone.localdate()


class SignaturePage(Schema):
    count: int
    results: list[SignatureOut]


class SignatureIn(StrictSchema):
    full_name: str = Field(max_length=200)
    employment: Literal["staff", "subcontracted"]
    area_id: Id | None = Field(default=None, description="The area of the municipality (municipal staff)")
    company: str = Field(default="", max_length=200, description="The company (subcontracted staff)")
    position: str = Field(max_length=200)
    signed_on: dt.date
    renewal_due: dt.date | None = Field(default=None, description="By default, after the municipality's interval")


class ConcernOut(Schema):
    id: int
    raised_on: dt.date
    raised_by: str
    description: str
    concerned: str
    actions: str
    status: str
    referred_to_id: int | None
    version: int


class ConcernPage(Schema):
    count: int
    results: list[ConcernOut]


class ConcernIn(StrictSchema):
    raised_on: dt.date
    raised_by: str = Field(max_length=200)
    description: str = Field(max_length=services.TEXT_LIMIT)
    concerned: str = Field(default="", max_length=500)
    actions: str = Field(default="", max_length=services.TEXT_LIMIT)
    status: Literal["open", "referred", "closed"] = "open"
    referred_to_id: Id | None = None


def _area(municipality: OrgUnit, area_id: int | None) -> Area | None:
    if area_id is None:
        return None
    found = policies.area_of(municipality, area_id)
    if found is None:
        raise ValidationError({"area_id": _("Choose an area of this municipality.")})
    return found


def _institution(municipality: OrgUnit, institution_id: int | None) -> Institution | None:
    if institution_id is None:
        return None
    found = policies.institution_serving(municipality, institution_id)
    if found is None:
        raise ValidationError({"referred_to_id": _("Choose an institution that serves this municipality.")})
    return found


@router.get(
    "/municipalities/{int:municipality_id}/documents",
    response={200: DocumentPage, **READ_ERRORS},
    summary="The protocol and the code of conduct of a municipality: every approved version",
)
def list_documents(request: ApiRequest, municipality_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    municipality = policies.get_municipality(actor, municipality_id)
    rows = []
    for history in selectors.documents_of(actor, municipality):
        if history.current is not None:
            rows.append({**_document(history.current), "current": True})
        rows += [{**_document(d), "current": False} for d in history.earlier]
    return {"count": len(rows), "results": rows}


def _document(document: Any) -> dict[str, Any]:
    names = ("id", "kind", "edition", "approved_on", "approving_act", "original_name", "content_type", "size")
    return {name: getattr(document, name) for name in names}


@router.get(
    "/municipalities/{int:municipality_id}/signatures",
    response={200: SignaturePage, **READ_ERRORS},
    summary="The register of signatures of the protocol, the renewals due soonest first",
)
def list_signatures(request: ApiRequest, municipality_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    municipality = policies.get_register_municipality(actor, municipality_id)
    rows = list(selectors.signatures_of(actor, municipality)[:1000])
    return {"count": len(rows), "results": rows}


@router.post(
    "/municipalities/{int:municipality_id}/signatures",
    response={201: SignatureOut, **WRITE_ERRORS},
    summary="Record a signature of the protocol (the coordinator)",
)
def create_signature(request: ApiRequest, municipality_id: int, payload: SignatureIn) -> Any:
    actor = request.actor
    municipality = policies.get_municipality_for_edit(actor, municipality_id)
    signature = services.record_signature(
        actor=actor,
        municipality=municipality,
        full_name=payload.full_name,
        employment=payload.employment,
        area=_area(municipality, payload.area_id),
        company=payload.company,
        position=payload.position,
        signed_on=payload.signed_on,
        renewal_due=payload.renewal_due,
    )
    return Status(201, signature)


@router.get(
    "/municipalities/{int:municipality_id}/concerns",
    response={200: ConcernPage, **READ_ERRORS},
    summary="The confidential concerns (the coordinator and the designated contacts; every read is logged)",
)
def list_concerns(request: ApiRequest, municipality_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    municipality = policies.get_concern_municipality(actor, municipality_id)
    rows = policies.concerns_of(actor, municipality, purpose="safeguarding concerns API")
    return {"count": len(rows), "results": rows}


@router.post(
    "/municipalities/{int:municipality_id}/concerns",
    response={201: ConcernOut, **WRITE_ERRORS},
    summary="Record a concern (the coordinator and the designated contacts)",
)
def create_concern(request: ApiRequest, municipality_id: int, payload: ConcernIn) -> Any:
    actor = request.actor
    municipality = policies.get_concern_municipality(actor, municipality_id)
    concern: Concern = services.record_concern(
        actor=actor,
        municipality=municipality,
        raised_on=payload.raised_on,
        raised_by=payload.raised_by,
        description=payload.description,
        concerned=payload.concerned,
        actions=payload.actions,
        status=payload.status,
        referred_to=_institution(municipality, payload.referred_to_id),
    )
    return Status(201, policies.get_concern(actor, concern.pk, purpose="safeguarding concern API"))
