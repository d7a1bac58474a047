"""The links between the planning cycle's records and the plan's measures in the JSON API: list them
(from a measure, an agreement, an agenda item or a council request), make one, remove one. The same
policies as the pages: a link shows only when both its ends are readable; 404 for the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from ronda.core.api_schemas import READ_ERRORS, Id, MessageOut, QueryFilters, StrictSchema
from ronda.core.api_utils import read_filters
from ronda.core.views_helpers import ApiRequest
from ronda.links import policies, services
from ronda.links.models import MeasureLink

router = Router(tags=["links"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
PAGE_LIMIT = 500
Kind = Literal["agenda_item", "agreement", "council_request"]


class LinkFilters(QueryFilters):
    measure: Id | None = None
    agenda_item: Id | None = None
    agreement: Id | None = None
    council_request: Id | None = None


class LinkOut(Schema):
    id: int
    kind: Kind
    measure_id: int
    source_id: int
    note: str
    municipality_id: int = Field(validation_alias="org_unit_id")
    created_at: dt.datetime


class LinkPage(Schema):
    count: int
    results: list[LinkOut]


class LinkIn(StrictSchema):
    kind: Kind
    source_id: Id
    measure_id: Id
    note: str = Field(default="", max_length=services.NOTE_LIMIT)


@router.get("", response={200: LinkPage, **READ_ERRORS}, summary="Links to plan measures whose both ends you read")
def list_links(request: ApiRequest, filters: Query[LinkFilters]) -> Any:
    read_filters(request, filters)
    rows = policies.visible_links(request.actor)
    for name in ("measure", "agenda_item", "agreement", "council_request"):
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{f"{name}_id": value})
    results = list(rows.order_by("id")[:PAGE_LIMIT])
    return {"count": len(results), "results": results}


@router.post("", response={201: LinkOut, **WRITE_ERRORS}, summary="Link a record to a plan measure")
def create_link(request: ApiRequest, payload: LinkIn) -> Any:
    actor = request.actor
    source = policies.get_source_for_link(actor, payload.kind, payload.source_id)
    measure = policies.get_measure_for_link(actor, source, payload.measure_id)
    link = services.link_measure(actor=actor, source=source, measure=measure, note=payload.note)
    return Status(201, link)


@router.delete("/{int:link_id}", response={204: None, **WRITE_ERRORS}, summary="Remove a link")
def delete_link(request: ApiRequest, link_id: int) -> Any:
    link: MeasureLink = policies.get_link_for_removal(request.actor, link_id)
    services.unlink(actor=request.actor, link=link)
    return Status(204, None)
