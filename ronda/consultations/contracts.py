"""What the consultations publish to reports and certification: facts, as values, defined once.

Aggregates only, never a contact person. Every function takes a unit (a municipality or a region)
and counts over its subtree; nothing here asks who is reading: the caller decides, through its own
policies, whether a unit's figures may be shown. The counts of participants come from records that
hold no child's name (a consultation counts groups), so they are not suppressed.

- ``consultations_by_audience_and_year(unit)``: consultations held per year and audience, with the
  children and adults who took part and how many were answered.
- ``children_consulted(unit, start, end)``: the children who took part between two dates, by sex and
  age band.
- ``consultation_facts(unit, start, end)``: the period's headline figures (held, answered, share
  answered, with the children's council, children consulted).
- ``actor_figures(unit)``: the active social actors on the map, by kind and by relationship.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from ronda.consultations.models import (
    CHILD_COUNTS,
    Audience,
    Consultation,
    ConsultationStatus,
    SocialActor,
)
from ronda.territory.models import OrgUnit

ANSWERED = (ConsultationStatus.ANSWERED, ConsultationStatus.CLOSED)


@dataclass(frozen=True)
class AudienceYear:
    year: int
    audience: str
    consultations: int
    answered: int
    children: int
    adults: int


@dataclass(frozen=True)
class ChildrenConsulted:
    girls: int
    boys: int
    # "0-5", "6-11", "12-17" -> children of that band
    by_age_band: dict[str, int]

    @property
    def total(self) -> int:
        return self.girls + self.boys


@dataclass(frozen=True)
class ConsultationFacts:
    held: int
    answered: int
    share_answered: Decimal | None  # a percentage with one decimal; None when none was held
    with_children_council: int
    children: int
    adults: int


@dataclass(frozen=True)
class ActorFigures:
    active: int
    by_kind: dict[str, int]
    by_relationship: dict[str, int]


def _in(unit: OrgUnit, start: dt.date | None = None, end: dt.date | None = None) -> Q:
    condition = Q(municipality__path__startswith=unit.path)
    if start is not None:
        condition &= Q(held_on__gte=start)
    if end is not None:
        condition &= Q(held_on__lte=end)
    return condition


def _sum(*fields: str) -> Coalesce:
    total = Sum(fields[0])
    for name in fields[1:]:
        total = total + Sum(name)  # type: ignore[assignment]
    return Coalesce(total, 0)


def consultations_by_audience_and_year(unit: OrgUnit) -> list[AudienceYear]:
    """Per year (of the date held) and audience, oldest year first, audiences in their order."""
    rows = (
        Consultation.objects.filter(_in(unit))
        .annotate(year=ExtractYear("held_on"))
        .values("year", "audience")
        .annotate(
            n=Count("id"),
            answered=Count("id", filter=Q(status__in=ANSWERED)),
            kids=_sum(*CHILD_COUNTS),
            grown=Coalesce(Sum("adults"), 0),
        )
        .order_by("year", "audience")
    )
    order = {value: i for i, value in enumerate(Audience.values)}
    found = [
        AudienceYear(
            year=row["year"],
            audience=row["audience"],
            consultations=row["n"],
            answered=row["answered"],
            children=row["kids"],
            adults=row["grown"],
        )
        for row in rows
    ]
    return sorted(found, key=lambda r: (r.year, order.get(r.audience, len(order))))


def children_consulted(unit: OrgUnit, start: dt.date | None = None, end: dt.date | None = None) -> ChildrenConsulted:
    sums = Consultation.objects.filter(_in(unit, start, end)).aggregate(
        **{name: Coalesce(Sum(name), 0) for name in CHILD_COUNTS}
    )
    return ChildrenConsulted(
        girls=sums["girls_0_5"] + sums["girls_6_11"] + sums["girls_12_17"],
        boys=sums["boys_0_5"] + sums["boys_6_11"] + sums["boys_12_17"],
        by_age_band={
            "0-5": sums["girls_0_5"] + sums["boys_0_5"],
            "6-11": sums["girls_6_11"] + sums["boys_6_11"],
            "12-17": sums["girls_12_17"] + sums["boys_12_17"],
        },
    )


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def consultation_facts(unit: OrgUnit, start: dt.date | None = None, end: dt.date | None = None) -> ConsultationFacts:
    """The consultations held between ``start`` and ``end`` (either open), and how many were answered."""
    counts = Consultation.objects.filter(_in(unit, start, end)).aggregate(
        held=Count("id"),
        answered=Count("id", filter=Q(status__in=ANSWERED)),
        council=Count("id", filter=Q(audience=Audience.CHILDREN_COUNCIL)),
        children=_sum(*CHILD_COUNTS),
        adults=Coalesce(Sum("adults"), 0),
    )
    return ConsultationFacts(
        held=counts["held"],
        answered=counts["answered"],
        share_answered=_share(counts["answered"], counts["held"]),
        with_children_council=counts["council"],
        children=counts["children"],
        adults=counts["adults"],
    )


def actor_figures(unit: OrgUnit) -> ActorFigures:
    active = SocialActor.objects.filter(municipality__path__startswith=unit.path, active=True)
    by_kind = dict(active.values_list("kind").annotate(n=Count("id")).order_by("kind"))
    by_relationship = dict(active.values_list("relationship").annotate(n=Count("id")).order_by("relationship"))
    return ActorFigures(active=sum(by_kind.values()), by_kind=by_kind, by_relationship=by_relationship)
