"""What the case route publishes to other domains (the Tablero, the figures page): anonymised counts,
defined once. **Nothing here returns a name, a story or an identifier of a child or a case**: every
figure is a count or a median over the cases of a unit's subtree.

Scoping: every function takes a unit (``territory.selectors.UnitKey``: anything with a materialised
path) and a period of registration, and sums over the unit's subtree; nothing here asks who is
reading: the caller decides (``cases.figures.can_view_figures``, the Tablero's own publication rules).
Small counts are suppressed by whoever shows them (``tablero.suppression``), never here.

Published figures:

- ``opened_figures(unit, start, end)``: cases registered in the period, by month, violation type,
  sex × age band at registration (0-5, 6-11, 12-17, unknown) and community.
- ``closed_by_month(unit, start, end)``: cases closed in the period, by month.
- ``referral_figures(unit, start, end)``: referrals sent in the period by institution × status, and
  how many have the institution's feedback.
- ``durations(unit, start, end)``: for the cases registered in the period, the median days from
  registration to the first visit, the first referral and the closure (with how many cases each).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ronda.cases.models import Case, CaseState, CaseViolation, Referral
from ronda.territory.selectors import UnitKey

# Age bands at registration (issue #11 item 8).
AGE_BANDS = ("0-5", "6-11", "12-17")
UNKNOWN = "unknown"


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return UNKNOWN
    if age <= 5:
        return "0-5"
    if age <= 11:
        return "6-11"
    if age <= 17:
        return "12-17"
    return UNKNOWN


def _age_at(day: dt.date, birth: dt.date | None, estimated: int | None, estimated_on: dt.date | None) -> int | None:
    if birth is not None:
        return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    if estimated is not None and estimated_on is not None:
        grown = day.year - estimated_on.year - ((day.month, day.day) < (estimated_on.month, estimated_on.day))
        return estimated + max(grown, 0)
    return None


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class OpenedFigures:
    total: int = 0
    by_month: dict[str, int] = field(default_factory=dict)  # "2026-03" -> cases
    # violation type id -> (name, cases); a case with two types counts in both.
    by_violation_type: dict[int, tuple[str, int]] = field(default_factory=dict)
    by_sex_age: dict[tuple[str, str], int] = field(default_factory=dict)  # (sex, band) -> cases
    by_community: dict[int, tuple[str, int]] = field(default_factory=dict)  # community id -> (name, cases)

    def cell(self, sex: str, band: str) -> int:
        return self.by_sex_age.get((sex, band), 0)


def opened_figures(unit: UnitKey, start: dt.date, end: dt.date) -> OpenedFigures:
    """Cases registered from ``start`` to ``end`` (inclusive) under ``unit``, in two queries."""
    rows = (
        Case.objects.filter(community__path__startswith=unit.path, registered_on__range=(start, end))
        .values_list(
            "registered_on",
            "child__sex",
            "child__birth_date",
            "child__estimated_age",
            "child__age_estimated_on",
            "community_id",
            "community__name",
        )
        .order_by()
    )
    by_month: Counter[str] = Counter()
    by_sex_age: Counter[tuple[str, str]] = Counter()
    communities: dict[int, str] = {}
    by_community: Counter[int] = Counter()
    total = 0
    for registered, sex, birth, estimated, estimated_on, community_id, community_name in rows.iterator(chunk_size=5000):
        total += 1
        by_month[_month(registered)] += 1
        by_sex_age[(sex, age_band(_age_at(registered, birth, estimated, estimated_on)))] += 1
        by_community[community_id] += 1
        communities[community_id] = community_name
    types = (
        CaseViolation.objects.filter(
            case__community__path__startswith=unit.path, case__registered_on__range=(start, end)
        )
        .values("violation_type_id", "violation_type__name")
        .annotate(n=Count("case_id", distinct=True))
        .order_by("violation_type__position", "violation_type__name")
    )
    return OpenedFigures(
        total=total,
        by_month=dict(by_month),
        by_violation_type={t["violation_type_id"]: (t["violation_type__name"], t["n"]) for t in types},
        by_sex_age=dict(by_sex_age),
        by_community={pk: (communities[pk], n) for pk, n in by_community.items()},
    )


def cases_opened(unit: UnitKey, start: dt.date, end: dt.date) -> int:
    return Case.objects.filter(community__path__startswith=unit.path, registered_on__range=(start, end)).count()


def cases_closed(unit: UnitKey, start: dt.date, end: dt.date) -> int:
    return Case.objects.filter(
        community__path__startswith=unit.path, state=CaseState.CLOSED, closed_on__range=(start, end)
    ).count()


def closed_by_month(unit: UnitKey, start: dt.date, end: dt.date) -> dict[str, int]:
    days = Case.objects.filter(
        community__path__startswith=unit.path, state=CaseState.CLOSED, closed_on__range=(start, end)
    ).values_list("closed_on", flat=True)
    return dict(Counter(_month(day) for day in days.order_by().iterator(chunk_size=5000) if day is not None))


@dataclass(frozen=True)
class ReferralFigures:
    # (institution id, status) -> referrals; institution id -> name
    by_institution_status: dict[tuple[int, str], int] = field(default_factory=dict)
    institutions: dict[int, str] = field(default_factory=dict)
    total: int = 0
    with_feedback: int = 0


def referral_figures(unit: UnitKey, start: dt.date, end: dt.date) -> ReferralFigures:
    """Referrals sent from ``start`` to ``end`` by cases under ``unit``, in one query."""
    rows = (
        Referral.objects.filter(case__community__path__startswith=unit.path, sent_on__range=(start, end))
        .values("institution_id", "institution__name", "status")
        .annotate(n=Count("id"), answered=Count("id", filter=Q(feedback_on__isnull=False) | ~Q(feedback="")))
        .order_by("institution__name", "institution_id", "status")
    )
    cells: dict[tuple[int, str], int] = {}
    names: dict[int, str] = {}
    total = answered = 0
    for row in rows:
        cells[(row["institution_id"], row["status"])] = row["n"]
        names[row["institution_id"]] = row["institution__name"]
        total += row["n"]
        answered += row["answered"]
    return ReferralFigures(by_institution_status=cells, institutions=names, total=total, with_feedback=answered)


@dataclass(frozen=True)
class Median:
    days: float | None  # None when no case has reached the step
    cases: int  # the cases it is computed over


@dataclass(frozen=True)
class Durations:
    to_first_visit: Median
    to_first_referral: Median
    to_closure: Median


def _median(days: list[int]) -> Median:
    return Median(float(statistics.median(days)) if days else None, len(days))


def durations(unit: UnitKey, start: dt.date, end: dt.date) -> Durations:
    """Median days from registration to each step, over the cases registered in the period (one
    query, streamed: only the day counts are kept, small integers that Python shares)."""
    rows = (
        Case.objects.filter(community__path__startswith=unit.path, registered_on__range=(start, end))
        .values_list("registered_on", "first_visit_on", "first_referral_on", "closed_on")
        .order_by()
    )
    steps: tuple[list[int], list[int], list[int]] = ([], [], [])
    for registered, *later in rows.iterator(chunk_size=5000):
        for days, day in zip(steps, later, strict=True):
            if day is not None and day >= registered:
                days.append((day - registered).days)
    return Durations(
        to_first_visit=_median(steps[0]),
        to_first_referral=_median(steps[1]),
        to_closure=_median(steps[2]),
    )
