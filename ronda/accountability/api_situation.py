"""The situation report of a municipality's children as JSON (/api/v1/accountability/…, issue #10 item 9).

The same content as the page and the PDF (``accountability.situation``): readers of the
municipality's Tablero figures; 404 for anybody else. Counts from personal records come
suppressed, with the mark and the note that say why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field

from ronda.accountability import policies_situation as policies
from ronda.accountability import services_situation as services
from ronda.accountability import situation
from ronda.accountability.selectors import PeriodError
from ronda.core.api_schemas import READ_ERRORS, Id, QueryFilters
from ronda.core.api_utils import read_filters
from ronda.core.views_helpers import ApiRequest

router = Router(tags=["accountability"])


class SituationFilters(QueryFilters):
    year: int | None = Field(
        None,
        ge=services.FIRST_YEAR,
        le=2100,
        description="The last year covered (with the two before it); this year by default.",
    )


class UnitRef(Schema):
    id: int
    code: str
    name: str


class FigureOut(Schema):
    value: Decimal | None = Field(description="None when there is no value or it is suppressed")
    suppressed: bool
    mark: str = Field(description='What is shown instead of a suppressed value: "<5", "x" or "—"')
    note: str


class PointOut(FigureOut):
    period: str
    target: Decimal | None


class LatestOut(FigureOut):
    period: str


class ReferenceOut(FigureOut):
    kind: str = Field(description='"region" or "country"')
    org_unit: UnitRef
    verdict: str | None = Field(description='The municipality against it: "better", "worse", "same", or None')


class BreakdownOut(Schema):
    caption: str
    measure: str = Field(description='"count" (the numerator\'s counts) or "rate" (the indicator per cell)')
    withheld: bool = Field(description="Too few children to show them by category: only the total")
    row_labels: list[str]
    column_labels: list[str]
    cells: list[list[FigureOut]]
    row_totals: list[FigureOut]
    column_totals: list[FigureOut]
    total: FigureOut


class SituationIndicatorOut(Schema):
    uid: str
    code: str
    name: str
    unit: str
    decimals: int
    direction: str
    has_data: bool
    sensitive: bool = Field(description="Counted from personal records: published with small-count suppression")
    latest: LatestOut | None
    trend: list[PointOut]
    references: list[ReferenceOut]
    target: Decimal | None
    gap: Decimal | None = Field(description="Latest value minus the target of the same year")
    gap_verdict: str | None = Field(description='By the direction of improvement: "better", "worse", "same"')
    breakdown: BreakdownOut | None
    summary: str
    notes: list[str]


class GoalAreaOut(Schema):
    goal_area: str
    label: str
    indicators: list[SituationIndicatorOut]


class SituationOut(Schema):
    org_unit: UnitRef
    region: UnitRef | None
    country: UnitRef | None
    year: int
    years: list[str]
    generated_on: dt.date
    suppression_note: str
    goal_areas: list[GoalAreaOut]


@router.get(
    "/situation/{unit_id}",
    response={200: SituationOut, **READ_ERRORS},
    summary="The situation report of a municipality's children: indicators by goal area, trend, region and "
    "country, gap to the targets, breakdown by age band and sex",
)
def get_situation(request: ApiRequest, unit_id: Id, filters: Query[SituationFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    if not policies.can_read_situation(actor):
        raise Http404
    unit = policies.get_situation_unit(actor, unit_id)
    year = filters.year or timezone.localdate().year
    try:
        services.check_year(year)
    except PeriodError as exc:  # a year to come: nothing to report yet
        raise ValidationError([{"loc": ["query", "year"], "type": "less_than_equal", "msg": str(exc)}]) from exc
    return situation.as_json(situation.situation_report(actor, unit, today=timezone.localdate(), year=year))
