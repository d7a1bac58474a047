"""The Tablero's JSON API: a country's push to its ministry's DHIS2 (/api/v1/tablero/dhis2-push/…).

The same services and policies as the page (``tablero.push``, ``tablero.policies_push``): the
country's secretariat and administrators configure the target and push; everyone else gets 404.
The token is **write-only**: it is accepted in ``PUT`` and never returned (``has_token`` says
whether one is stored). ``daily_push_hour`` turns the automatic push on (an hour of the country's
``time_zone``); ``next_push_at`` says when it is next due.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from ronda.core.api_schemas import MAX_ID, READ_ERRORS, Id, MessageOut, StrictSchema, ValidationErrorOut
from ronda.core.views_helpers import ApiRequest
from ronda.tablero import policies_push, push
from ronda.tablero.models import PushLog, PushTarget
from ronda.territory.selectors import time_zone_of

router = Router(tags=["tablero"])

LIST_LIMIT = 100
Mapping = dict[Literal["dataElements", "categoryOptionCombos", "organisationUnits"], dict[str, str]]


class PushTargetIn(StrictSchema):
    base_url: str = Field(max_length=push.URL_LIMIT, description="The DHIS2 address, without /api")
    token: str | None = Field(
        default=None,
        max_length=push.TOKEN_LIMIT,
        description="Write-only: the ministry's personal access token. Omitted or empty: keep the stored one.",
    )
    id_scheme: Literal["CODE", "UID"] = "CODE"
    mapping: Mapping = Field(default_factory=dict, description="Ronda code → the ministry's identifier, per kind")
    is_enabled: bool = True
    daily_push_hour: int | None = Field(
        default=None,
        ge=0,
        le=23,
        strict=True,  # ``true`` is not hour 1
        description="Automatic push every day at this hour of the country's time zone; null or omitted: off",
    )
    version: int | None = Field(default=None, ge=1, le=MAX_ID, description="The version you read: 409 if changed")


class PushTargetOut(Schema):
    country_id: int
    base_url: str
    has_token: bool
    id_scheme: str
    mapping: dict[str, dict[str, str]]
    is_enabled: bool
    daily_push_hour: int | None
    time_zone: str = Field(description="The country's time zone, which daily_push_hour is read in")
    next_push_at: dt.datetime | None = Field(description="When the next automatic push is due (UTC); null: off")
    version: int


class PushIn(StrictSchema):
    data_set_id: Id
    period: str = Field(default="", max_length=10, description="Empty: every approved period not pushed yet")


class PushOut(Schema):
    id: int
    data_set_id: int
    period: str
    periods: list[str]
    status: str
    requested_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    sent: int
    imported: int
    updated: int
    ignored: int
    deleted: int
    conflicts: list[dict[str, Any]]
    http_status: int | None
    attempts: int
    error: str


def _target_out(target: PushTarget) -> dict[str, Any]:
    return {
        "country_id": target.country_id,
        "base_url": target.base_url,
        "has_token": bool(target.token),
        "id_scheme": target.id_scheme,
        "mapping": target.mapping or {},
        "is_enabled": target.is_enabled,
        "daily_push_hour": target.daily_push_hour,
        "time_zone": time_zone_of(target.country),
        "next_push_at": target.next_push_at,
        "version": target.version,
    }


def _push_out(log: PushLog) -> dict[str, Any]:
    return {
        "id": log.pk,
        "data_set_id": log.data_set_id,
        "period": log.period,
        "periods": log.periods,
        "status": log.status,
        "requested_at": log.created_at,
        "started_at": log.started_at,
        "finished_at": log.finished_at,
        "sent": log.sent,
        "imported": log.imported,
        "updated": log.updated,
        "ignored": log.ignored,
        "deleted": log.deleted,
        "conflicts": log.conflicts,
        "http_status": log.http_status,
        "attempts": log.attempts,
        "error": log.error,
    }


def _target(actor: Any, country_id: int) -> PushTarget:
    country = policies_push.get_country(actor, country_id)
    target = policies_push.visible_targets(actor).filter(country=country).select_related("country").first()
    if target is None:
        raise Http404
    return target


@router.get(
    "/dhis2-push/{country_id}",
    response={200: PushTargetOut, **READ_ERRORS},
    summary="A country's push target (the token is never returned)",
)
def get_target(request: ApiRequest, country_id: Id) -> Any:
    return _target_out(_target(request.actor, country_id))


@router.put(
    "/dhis2-push/{country_id}",
    response={200: PushTargetOut, 409: MessageOut, **READ_ERRORS},
    summary="Create or change a country's push target",
)
def put_target(request: ApiRequest, country_id: Id, payload: PushTargetIn) -> Any:
    country = policies_push.get_country(request.actor, country_id)
    target = push.save_target(
        actor=request.actor,
        country=country,
        base_url=payload.base_url,
        token=payload.token,
        id_scheme=payload.id_scheme,
        mapping={kind: dict(entries) for kind, entries in payload.mapping.items()},
        is_enabled=payload.is_enabled,
        daily_push_hour=payload.daily_push_hour,
        expected_version=payload.version,
    )
    return _target_out(target)


@router.get(
    "/dhis2-push/{country_id}/pushes",
    response={200: list[PushOut], **READ_ERRORS},
    summary="The country's latest pushes (at most 100), newest first, with DHIS2's import summaries",
)
def list_pushes(request: ApiRequest, country_id: Id) -> Any:
    target = _target(request.actor, country_id)
    logs = policies_push.visible_logs(request.actor).filter(target=target)[:LIST_LIMIT]
    return [_push_out(log) for log in logs]


@router.post(
    "/dhis2-push/{country_id}/pushes",
    response={202: PushOut, 401: MessageOut, 404: MessageOut, 422: ValidationErrorOut},
    summary="Queue a push of a data set's approved values",
)
def start_push(request: ApiRequest, country_id: Id, payload: PushIn) -> Any:
    target = _target(request.actor, country_id)
    data_set = policies_push.pushable_data_sets(request.actor, target.country).filter(pk=payload.data_set_id).first()
    if data_set is None:
        raise Http404
    log = push.request_push(actor=request.actor, target=target, data_set=data_set, period=payload.period)
    return Status(202, _push_out(log))


@router.get("/dhis2-pushes/{push_id}", response={200: PushOut, **READ_ERRORS}, summary="One push and its summary")
def get_push(request: ApiRequest, push_id: Id) -> Any:
    return _push_out(policies_push.get_log(request.actor, push_id))
