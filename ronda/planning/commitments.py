"""Who answers for what (issue #13 item 6): each area's and each institution's commitments in a plan,
the measures it is responsible or co-responsible for, with their status, progress, end date and last
report; and on a measure, what its partners reported of their part and what waits for validation.

Read models only: the callers pass measures a policy chose. A fixed number of queries (measures,
the co-responsible links of each kind, the partners' latest contributions), whatever the plan's size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, QuerySet

from ronda.core.tenancy import Actor
from ronda.planning import policies
from ronda.planning.models import Contribution, FocalReport, Measure, ReportStatus

RESPONSIBLE = "responsible"
CO_RESPONSIBLE = "co_responsible"


@dataclass(frozen=True)
class CommitmentRow:
    measure: Measure
    role: str  # RESPONSIBLE or CO_RESPONSIBLE
    last_report: dt.date | None  # the measure's latest progress report (the responsible area's)
    last_contribution: dt.date | None  # this partner's latest contribution (co-responsible only)

    @property
    def is_responsible(self) -> bool:
        return self.role == RESPONSIBLE


@dataclass
class CommitmentGroup:
    kind: str  # "area" or "institution"
    pk: int
    name: str
    rows: list[CommitmentRow] = field(default_factory=list)

    @property
    def responsible_count(self) -> int:
        return sum(1 for r in self.rows if r.is_responsible)

    @property
    def shared_count(self) -> int:
        return len(self.rows) - self.responsible_count


@dataclass
class Commitments:
    areas: list[CommitmentGroup]
    institutions: list[CommitmentGroup]

    @property
    def groups(self) -> list[CommitmentGroup]:
        return [*self.areas, *self.institutions]


def commitments_of(measures: QuerySet[Measure]) -> Commitments:
    """The commitments of every area and institution named by ``measures`` (a policy's queryset)."""
    rows = list(measures.select_related("responsible_area", "plan").order_by("plan_id", "code", "id"))
    ids = [m.pk for m in rows]
    by_id = {m.pk: m for m in rows}
    co_areas = list(
        Measure.co_areas.through.objects.filter(measure_id__in=ids).values_list("measure_id", "area_id", "area__name")
    )
    co_institutions = list(
        Measure.co_institutions.through.objects.filter(measure_id__in=ids).values_list(
            "measure_id", "institution_id", "institution__name"
        )
    )
    latest: dict[tuple[str, int, int], dt.date] = {}
    for row in (
        Contribution.objects.filter(measure_id__in=ids)
        .values("measure_id", "area_id", "institution_id")
        .annotate(last=Max("reported_on"))
        .order_by()
    ):
        if row["area_id"] is not None:
            latest[("area", row["area_id"], row["measure_id"])] = row["last"]
        else:
            latest[("institution", row["institution_id"], row["measure_id"])] = row["last"]

    areas: dict[int, CommitmentGroup] = {}
    for measure in rows:
        area = measure.responsible_area
        group = areas.setdefault(area.pk, CommitmentGroup("area", area.pk, area.name))
        group.rows.append(CommitmentRow(measure, RESPONSIBLE, measure.progress_updated_on, None))
    for measure_id, area_id, name in co_areas:
        measure = by_id[measure_id]
        if area_id == measure.responsible_area_id:
            continue
        group = areas.setdefault(area_id, CommitmentGroup("area", area_id, name))
        last = latest.get(("area", area_id, measure_id))
        group.rows.append(CommitmentRow(measure, CO_RESPONSIBLE, measure.progress_updated_on, last))
    institutions: dict[int, CommitmentGroup] = {}
    for measure_id, institution_id, name in co_institutions:
        measure = by_id[measure_id]
        group = institutions.setdefault(institution_id, CommitmentGroup("institution", institution_id, name))
        last = latest.get(("institution", institution_id, measure_id))
        group.rows.append(CommitmentRow(measure, CO_RESPONSIBLE, measure.progress_updated_on, last))
    for group in (*areas.values(), *institutions.values()):
        group.rows.sort(key=lambda r: (r.role != RESPONSIBLE, r.measure.plan_id, r.measure.code, r.measure.pk))
    return Commitments(
        areas=sorted(areas.values(), key=lambda g: (g.name, g.pk)),
        institutions=sorted(institutions.values(), key=lambda g: (g.name, g.pk)),
    )


def own_commitments(actor: Actor, measures: QuerySet[Measure]) -> Commitments:
    """A focal point's own groups only: their area's and their institution's."""
    book = commitments_of(measures)
    return Commitments(
        areas=[g for g in book.areas if g.pk == actor.area_id],
        institutions=[g for g in book.institutions if g.pk == actor.institution_id],
    )


@dataclass(frozen=True)
class MeasurePartners:
    """On a measure's page: its partners' contributions and the figures waiting for validation."""

    contributions: list[Contribution]
    partner_spent: Decimal
    reports: list[FocalReport]  # pending and returned, newest first (validated ones are the measure's figures)

    @property
    def pending(self) -> list[FocalReport]:
        return [r for r in self.reports if r.status == ReportStatus.PENDING]


def measure_partners(actor: Actor, measure: Measure) -> MeasurePartners:
    """Two queries: the contributions (with who reported), the open figures."""
    contributions = list(
        policies.visible_contributions(actor)
        .filter(measure=measure)
        .select_related("area", "institution", "author")
        .order_by("-reported_on", "-id")
    )
    spent = sum((c.executed for c in contributions if c.executed is not None), Decimal("0"))
    reports = list(
        policies.visible_focal_reports(actor)
        .filter(measure=measure, status__in=(ReportStatus.PENDING, ReportStatus.RETURNED))
        .select_related("milestone", "indicator", "author", "reviewed_by")
        .order_by("-created_at", "-id")[:50]
    )
    return MeasurePartners(contributions, spent, reports)


def pending_reports(actor: Actor, plan_ids: QuerySet | list[int]) -> QuerySet[FocalReport]:
    """The figures waiting for validation in the plans the actor reviews."""
    return (
        policies.visible_focal_reports(actor)
        .filter(plan_id__in=plan_ids, status=ReportStatus.PENDING)
        .select_related("measure", "milestone", "indicator", "author")
        .order_by("created_at", "id")
    )
