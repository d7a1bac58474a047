"""What the self-assessment, team and pilot pages and the API read, always through ``policies``.

A round's score of a dimension is the points its criteria got as a share of the most they could get
(``MAX_LEVEL`` per criterion scored), in per cent with one decimal; the overall score is the same
over every criterion scored in the round (each criterion weighs the same). Criteria left unscored
count nowhere. Rounds scored against different versions of the checklist compare by dimension.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Sum, When

from ronda.core.tenancy import Actor
from ronda.improvement import policies
from ronda.improvement.models import (
    GAP_BELOW,
    MAX_LEVEL,
    AssessmentRound,
    Dimension,
    PilotProject,
    Score,
    StageStatus,
    TeamMember,
)
from ronda.planning import policies as planning_policies
from ronda.territory.models import Area, OrgUnit

COMPARED_ROUNDS = 6


def percent(points: int, scored: int) -> Decimal | None:
    if not scored:
        return None
    value = Decimal(points) * 100 / (Decimal(MAX_LEVEL) * scored)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DimensionScore:
    dimension: Dimension
    scored: int
    points: int
    gaps: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.points, self.scored)


@dataclass(frozen=True)
class RoundSummary:
    round: AssessmentRound
    dimensions: list[DimensionScore]

    @property
    def scored(self) -> int:
        return sum(d.scored for d in self.dimensions)

    @property
    def gaps(self) -> int:
        return sum(d.gaps for d in self.dimensions)

    @property
    def overall(self) -> Decimal | None:
        return percent(sum(d.points for d in self.dimensions), self.scored)

    def of(self, dimension: Dimension) -> DimensionScore | None:
        return next((d for d in self.dimensions if d.dimension.pk == dimension.pk), None)


def dimensions() -> list[Dimension]:
    return list(Dimension.objects.order_by("order", "id"))


def summaries(rounds: list[AssessmentRound]) -> list[RoundSummary]:
    """Each round's scores by dimension, in two queries whatever the number of rounds."""
    all_dimensions = dimensions()
    rows = (
        Score.objects.filter(round__in=[r.pk for r in rounds])
        .order_by()
        .values("round_id", "criterion__dimension_id")
        .annotate(scored=Count("id"), points=Sum("level"), gaps=Count("id", filter=Q(level__lt=GAP_BELOW)))
    )
    by_round: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        by_round[row["round_id"]][row["criterion__dimension_id"]] = row
    result = []
    for assessment in rounds:
        cells = by_round.get(assessment.pk, {})
        result.append(
            RoundSummary(
                round=assessment,
                dimensions=[
                    DimensionScore(
                        dimension=d,
                        scored=cells[d.pk]["scored"] if d.pk in cells else 0,
                        points=int(cells[d.pk]["points"] or 0) if d.pk in cells else 0,
                        gaps=cells[d.pk]["gaps"] if d.pk in cells else 0,
                    )
                    for d in all_dimensions
                ],
            )
        )
    return result


def rounds_of(actor: Actor, municipality: OrgUnit) -> QuerySet[AssessmentRound]:
    return policies.visible_rounds(actor).filter(municipality=municipality).order_by("-held_on", "-id")


def comparison(actor: Actor, municipality: OrgUnit, *, limit: int = COMPARED_ROUNDS) -> list[RoundSummary]:
    """The latest ``limit`` rounds, oldest first (a comparison reads left to right in time)."""
    rounds = list(rounds_of(actor, municipality)[:limit])
    rounds.reverse()
    return summaries(rounds)


def comparison_rows(compared: list[RoundSummary]) -> list[tuple[Dimension, list[Decimal | None]]]:
    """The comparison as table rows: each dimension with its score in each round, in the rounds' order."""
    if not compared:
        return []
    return [
        (cell.dimension, [summary.dimensions[index].percent for summary in compared])
        for index, cell in enumerate(compared[0].dimensions)
    ]


def scores_of(actor: Actor, assessment: AssessmentRound) -> list[Score]:
    return list(
        policies.visible_scores(actor)
        .filter(round=assessment)
        .select_related("criterion__dimension", "opportunity")
        .order_by("criterion__dimension__order", "criterion__order", "criterion_id")
    )


def team_of(actor: Actor, municipality: OrgUnit) -> QuerySet[TeamMember]:
    return policies.visible_team(actor).filter(municipality=municipality).order_by("programme_role", "from_date", "id")


def current_team(actor: Actor, municipality: OrgUnit, today: Any) -> QuerySet[TeamMember]:
    return team_of(actor, municipality).filter(Q(to_date__isnull=True) | Q(to_date__gte=today))


def pilots_of(actor: Actor, municipality: OrgUnit) -> list[PilotProject]:
    return list(
        policies.visible_pilots(actor)
        .filter(municipality=municipality)
        .prefetch_related("stages", "team", "results")
        .order_by("-created_at", "-id")[:100]
    )


def current_stage(pilot: PilotProject) -> Any:
    """The first stage not done (the results stage once everything is done)."""
    stages = sorted(pilot.stages.all(), key=lambda s: s.pk)
    return next((s for s in stages if s.status != StageStatus.DONE), stages[-1] if stages else None)


def pilot_detail(actor: Actor, pilot: PilotProject) -> dict[str, Any]:
    return {
        "stages": list(policies.visible_stages(actor).filter(pilot=pilot).order_by("id")),
        "mentors": list(policies.visible_mentors(actor).filter(pilot=pilot).order_by("id")),
        "results": list(policies.visible_results(actor).filter(pilot=pilot).order_by("id")),
        "team": list(pilot.team.select_related("area").order_by("programme_role", "id")),
        "proposed": list(policies.visible_proposed(actor).filter(pilot=pilot).order_by("id")),
    }


def opportunities_for(actor: Actor, municipality: OrgUnit) -> Any:
    """The improvement opportunities of the municipality's diagnoses a pilot may address, the most critical first."""
    rank = Case(When(criticality="high", then=0), When(criticality="medium", then=1), default=2)
    return (
        planning_policies.visible_opportunities(actor)
        .filter(analysis__org_unit=municipality)
        .order_by(rank, "-analysis__period_start", "title", "id")
    )


def draft_plans(actor: Actor, municipality: OrgUnit) -> list[Any]:
    """The municipality's plans still in draft, which a pilot may propose measures to."""
    plans = planning_policies.visible_plans(actor).filter(org_unit=municipality).order_by("-period_start")
    return [p for p in plans[:20] if not p.is_approved]


def objectives_of(plans: list[Any]) -> Any:
    """The objectives of those plans (a measure hangs from an objective), as one queryset."""
    queryset = None
    for plan in plans:
        objectives = planning_policies.objectives_of(plan)
        queryset = objectives if queryset is None else queryset | objectives
    if queryset is None:
        return Area.objects.none()
    return queryset.select_related("line__plan").order_by("line__plan_id", "line__order", "order", "id")


def areas_of(municipality: OrgUnit) -> QuerySet[Area]:
    return Area.objects.filter(org_unit=municipality, is_active=True).order_by("name")
