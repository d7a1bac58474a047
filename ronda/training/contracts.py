"""What the staff trainings publish to reports and certification: facts, as values, defined once.

Counts only (attendees are never named). Every function takes a unit (a municipality or a region)
and counts over its subtree; nothing here asks who is reading: the caller decides.

- ``trainings_per_year(unit)``: how many trainings and how many hours, per year.
- ``attendance_by_area(unit, start, end)``: attendees per area, by sex, of the trainings held in a period.
- ``areas_trained(unit, today)``: how many of the active areas sent staff to a training in the last
  12 months, and the share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from ronda.territory.models import Area, OrgUnit
from ronda.training.models import AreaAttendance, TrainingSession


@dataclass(frozen=True)
class YearFigures:
    year: int
    trainings: int
    hours: Decimal


@dataclass(frozen=True)
class AreaFigures:
    area_id: int
    area: str
    women: int
    men: int
    other: int

    @property
    def total(self) -> int:
        return self.women + self.men + self.other


@dataclass(frozen=True)
class AreasTrained:
    areas: int  # active areas of the unit's municipalities
    trained: int  # of them, with staff at a training in the last 12 months
    since: dt.date

    @property
    def share(self) -> Decimal | None:
        if not self.areas:
            return None
        return (Decimal(self.trained) * 100 / self.areas).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def trainings_per_year(unit: OrgUnit) -> list[YearFigures]:
    rows = (
        TrainingSession.objects.filter(municipality__path__startswith=unit.path)
        .annotate(year=ExtractYear("held_on"))
        .values("year")
        .annotate(trainings=Count("id"), hours=Sum("hours"))
        .order_by("year")
    )
    return [YearFigures(year=r["year"], trainings=r["trainings"], hours=r["hours"] or Decimal(0)) for r in rows]


def attendance_by_area(unit: OrgUnit, start: dt.date, end: dt.date) -> list[AreaFigures]:
    """Attendees of the trainings held from ``start`` to ``end`` (both included), per area, by sex."""
    rows = (
        AreaAttendance.objects.filter(
            training__municipality__path__startswith=unit.path, training__held_on__range=(start, end)
        )
        .values("area_id", "area__name")
        .annotate(women=Sum("women"), men=Sum("men"), other=Sum("other"))
        .order_by("area__name", "area_id")
    )
    return [
        AreaFigures(area_id=r["area_id"], area=r["area__name"], women=r["women"], men=r["men"], other=r["other"])
        for r in rows
    ]


def year_ago(today: dt.date) -> dt.date:
    """The same day a year before (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def areas_trained(unit: OrgUnit, today: dt.date) -> AreasTrained:
    """Of the unit's active areas, those with at least one attendee at a training held in the last 12 months
    (after the same day a year ago, up to today)."""
    since = year_ago(today)
    areas = Area.objects.filter(org_unit__path__startswith=unit.path, is_active=True)
    trained = (
        AreaAttendance.objects.filter(area__in=areas, training__held_on__gt=since, training__held_on__lte=today)
        .values("area_id")
        .distinct()
        .count()
    )
    return AreasTrained(areas=areas.count(), trained=trained, since=since)
