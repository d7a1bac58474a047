"""What the consultation pages, the API and the slots read, always through ``policies``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from ronda.consultations import policies
from ronda.consultations.models import Consultation, Level, SocialActor
from ronda.core.tenancy import Actor, Shape
from ronda.planning import policies as planning_policies
from ronda.planning.models import Finding, Measure
from ronda.territory.models import OrgUnit

CONSULTATION_ORDER = ("-held_on", "-id")
ACTOR_ORDER = ("name", "id")


def filter_consultations(
    consultations: QuerySet[Consultation],
    *,
    municipality: OrgUnit | None = None,
    audience: str | None = None,
    status: str | None = None,
    year: int | None = None,
) -> QuerySet[Consultation]:
    if municipality is not None:
        consultations = consultations.filter(municipality=municipality)
    if audience:
        consultations = consultations.filter(audience=audience)
    if status:
        consultations = consultations.filter(status=status)
    if year:
        consultations = consultations.filter(held_on__year=year)
    return consultations


def filter_actors(
    actors: QuerySet[SocialActor],
    *,
    municipality: OrgUnit | None = None,
    kind: str | None = None,
    relationship: str | None = None,
    interest: str | None = None,
    influence: str | None = None,
    active: bool | None = None,
) -> QuerySet[SocialActor]:
    if municipality is not None:
        actors = actors.filter(municipality=municipality)
    for field, value in (("kind", kind), ("relationship", relationship), ("interest", interest)):
        if value:
            actors = actors.filter(**{field: value})
    if influence:
        actors = actors.filter(influence=influence)
    if active is not None:
        actors = actors.filter(active=active)
    return actors


def with_links(actor: Actor) -> Shape[Consultation]:
    """What a consultation's page shows of what it cites, as far as ``actor`` may see it: a reader
    without the plan (a focal point) sees the measures of their own area only, and no finding."""

    def shape(consultations: QuerySet[Consultation]) -> QuerySet[Consultation]:
        return consultations.prefetch_related(
            Prefetch("findings", queryset=planning_policies.visible_findings(actor).order_by("goal_area", "id")),
            Prefetch("measures", queryset=planning_policies.visible_measures(actor).order_by("code", "id")),
            Prefetch("actors", queryset=policies.visible_actors(actor).order_by("name", "id")),
        )

    return shape


def citing_measure(actor: Actor, measure: Measure) -> list[Consultation]:
    """The consultations ``actor`` may read that cite ``measure`` (its page's slot)."""
    return list(policies.visible_consultations(actor).filter(measures=measure).order_by(*CONSULTATION_ORDER)[:50])


@dataclass(frozen=True)
class FindingCitations:
    finding: Finding
    consultations: list[Consultation]


def citing_findings(actor: Actor, findings: Iterable[Finding]) -> list[FindingCitations]:
    """For each of ``findings`` cited by consultations ``actor`` may read, those consultations, the
    latest first (two queries, whatever the number of findings)."""
    by_id = {finding.pk: finding for finding in findings}
    if not by_id:
        return []
    consultations = (
        policies.visible_consultations(actor)
        .filter(findings__in=list(by_id))
        .distinct()
        .order_by(*CONSULTATION_ORDER)
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.filter(pk__in=list(by_id)).only("pk"), to_attr="cited")
        )[:200]
    )
    grouped: dict[int, list[Consultation]] = {}
    for consultation in consultations:
        for finding in consultation.cited:  # type: ignore[attr-defined]
            grouped.setdefault(finding.pk, []).append(consultation)
    return [FindingCitations(finding, grouped[pk]) for pk, finding in by_id.items() if pk in grouped]


@dataclass(frozen=True)
class MapCell:
    interest: str
    influence: str
    label: str
    actors: list[SocialActor]


@dataclass(frozen=True)
class MapRow:
    interest: str
    label: str
    cells: list[MapCell]


def actor_map(actors: Iterable[SocialActor]) -> list[MapRow]:
    """The actors in a 3×3 grid: interest (rows, high first) by influence (columns, high first)."""
    levels = Level.choices
    rows = []
    actors = list(actors)
    for interest, interest_label in levels:
        cells = [
            MapCell(
                interest=interest,
                influence=influence,
                label=str(influence_label),
                actors=[a for a in actors if a.interest == interest and a.influence == influence],
            )
            for influence, influence_label in levels
        ]
        rows.append(MapRow(interest=interest, label=str(interest_label), cells=cells))
    return rows
