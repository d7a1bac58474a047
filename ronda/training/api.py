"""The staff trainings in the JSON API: a municipality's trainings with their attendance by area and
sex (counts only), and recording one (the coordinator). Same policies and services as the pages;
forbidden and missing both answer 404. The evidence document is uploaded on the page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ronda.core.api_schemas import READ_ERRORS, Id, MessageOut, QueryFilters, StrictSchema
from ronda.core.api_utils import reject_unknown_query
from ronda.core.views_helpers import ApiRequest
from ronda.training import policies, selectors, services
from ronda.training.models import TrainingSession

router = Router(tags=["training"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}


class NoFilters(QueryFilters):
    pass


class AreaCountOut(Schema):
    area_id: int
    women: int
    men: int
    other: int


class AreaCountIn(StrictSchema):
    area_id: Id
    women: int = Field(default=0, ge=0, le=services.MAX_PER_CELL)
    men: int = Field(default=0, ge=0, le=services.MAX_PER_CELL)
    other: int = Field(default=0, ge=0, le=services.MAX_PER_CELL, description="Other or unknown sex")


class TrainingOut(Schema):
    id: int
    municipality_id: int
    held_on: dt.date
    topic: str
    topic_detail: str
    hours: Decimal
    trainer: str
    has_evidence: bool
    attendance: list[AreaCountOut]
    version: int

    @staticmethod
    def resolve_has_evidence(training: TrainingSession) -> bool:
        return bool(training.evidence)

    @staticmethod
    def resolve_attendance(training: TrainingSession) -> list[dict[str, Any]]:
        return [
            {"area_id": a.area_id, "women": a.women, "men": a.men, "other": a.other} for a in training.attendance.all()
        ]


class TrainingPage(Schema):
    count: int
    results: list[TrainingOut]


class TrainingIn(StrictSchema):
    held_on: dt.date
    topic: Literal["rights", "protection", "participation", "other"]
    topic_detail: str = Field(default="", max_length=255)
    hours: Decimal = Field(gt=0, le=services.MAX_HOURS, max_digits=5, decimal_places=1)
    trainer: str = Field(max_length=200)
    attendance: list[AreaCountIn] = Field(default_factory=list)


@router.get(
    "/municipalities/{int:municipality_id}/trainings",
    response={200: TrainingPage, **READ_ERRORS},
    summary="A municipality's staff trainings, the latest first, with attendance by area and sex",
)
def list_trainings(request: ApiRequest, municipality_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    municipality = policies.get_municipality(actor, municipality_id)
    rows = list(selectors.trainings_of(actor, municipality)[:500])
    return {"count": len(rows), "results": rows}


@router.post(
    "/municipalities/{int:municipality_id}/trainings",
    response={201: TrainingOut, **WRITE_ERRORS},
    summary="Record a staff training (the coordinator)",
)
def create_training(request: ApiRequest, municipality_id: int, payload: TrainingIn) -> Any:
    actor = request.actor
    municipality = policies.get_municipality_for_edit(actor, municipality_id)
    areas = {
        a.pk: a for a in policies.attendance_areas(municipality).filter(pk__in=[c.area_id for c in payload.attendance])
    }
    if len(areas) != len({c.area_id for c in payload.attendance}):
        raise ValidationError({"attendance": _("Choose areas of this municipality.")})
    training = services.record_training(
        actor=actor,
        municipality=municipality,
        held_on=payload.held_on,
        topic=payload.topic,
        topic_detail=payload.topic_detail,
        hours=payload.hours,
        trainer=payload.trainer,
        attendance={areas[c.area_id]: services.Counts(c.women, c.men, c.other) for c in payload.attendance},
    )
    return Status(201, policies.get_training(actor, training.pk))
