"""Who sees and changes a municipality's self-assessment, programme team and pilot projects. Views,
API, selectors and services ask only this.

- Read: the municipality's coordinator and area focal points; whoever sits on its coordination body
  (``core.grants.BODY_SEAT``, as for the diagnosis and the plan), whatever their role; the technical
  secretariat, supervisors and analysts in their subtree; administrators everywhere, but not the
  personal fields (names and e-mail addresses of team members and mentors, the other participants
  of a round): ``may_read_names``.
- Change: the municipality's coordinator.
- Defenders and protection officers without a seat: nothing. Other municipalities: 404 everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.core import grants
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.improvement.models import (
    AssessmentRound,
    Criterion,
    Dimension,
    Mentor,
    PilotProject,
    PilotResult,
    PilotStage,
    ProposedMeasure,
    Score,
    TeamMember,
)
from ronda.planning import policies as planning_policies
from ronda.territory.models import Area, Level, OrgUnit

if TYPE_CHECKING:
    from ronda.planning.models import ImprovementOpportunity

QS = TypeVar("QS", bound=QuerySet[Any])

READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.AREA_FOCAL, Role.SECRETARIAT, Role.SUPERVISOR, Role.ANALYST})
MANAGERS = frozenset({Role.COORDINATOR})


def _seats(actor: Actor | None) -> tuple[str, ...]:
    return grants.paths(actor, grants.BODY_SEAT)


def _condition(actor: Actor | None, path_field: str) -> Q | None:
    """The municipalities the actor reads: their subtree (a reader's role) and the municipalities of
    their seats. None: nothing; an empty Q: everything."""
    if actor is None or actor.scope_path is None:
        return None
    condition: Q | None = None
    if actor.role in READERS:
        if actor.scope_path == "":
            return Q()
        condition = Q(**{f"{path_field}__startswith": actor.scope_path})
    seats = _seats(actor)
    if seats:
        seated = Q(**{f"{path_field}__in": seats})
        condition = seated if condition is None else condition | seated
    return condition


def _scoped(queryset: QS, actor: Actor | None, path_field: str) -> QS:
    condition = _condition(actor, path_field)
    return queryset.none() if condition is None else queryset.filter(condition)


# --- Reading ---------------------------------------------------------------------------------------
def can_use(actor: Actor | None) -> bool:
    """The module-level check of every page: a reader's role, or a seat on some body."""
    if actor is None or actor.scope_path is None:
        return False
    return actor.role in READERS or bool(_seats(actor))


def visible_municipalities(actor: Actor | None) -> QuerySet[OrgUnit]:
    return _scoped(OrgUnit.objects.filter(level=Level.MUNICIPALITY), actor, "path")


def covers(actor: Actor | None, municipality: OrgUnit) -> bool:
    condition = _condition(actor, "path")
    if condition is None:
        return False
    return OrgUnit.objects.filter(condition, pk=municipality.pk).exists()


def may_read_names(actor: Actor | None) -> bool:
    """Names and e-mail addresses of the people in the programme: every reader but administrators
    (who configure, and read the personal fields of nobody by default)."""
    return actor is not None and not actor.is_admin


def visible_criteria(actor: Actor | None) -> QuerySet[Criterion]:
    """The default checklist (whoever may use the module) and the criteria of the municipalities they read."""
    queryset = Criterion.objects.select_related("dimension", "municipality")
    condition = _condition(actor, "municipality__path")
    if condition is None:
        return queryset.none()
    return queryset.filter(condition | Q(municipality__isnull=True))


def visible_rounds(actor: Actor | None) -> QuerySet[AssessmentRound]:
    return _scoped(AssessmentRound.objects.select_related("municipality"), actor, "municipality__path")


def visible_scores(actor: Actor | None) -> QuerySet[Score]:
    return _scoped(
        Score.objects.select_related("round__municipality", "criterion__dimension"), actor, "round__municipality__path"
    )


def visible_team(actor: Actor | None) -> QuerySet[TeamMember]:
    return _scoped(TeamMember.objects.select_related("area", "municipality"), actor, "municipality__path")


def visible_pilots(actor: Actor | None) -> QuerySet[PilotProject]:
    return _scoped(
        PilotProject.objects.select_related("municipality", "opportunity__analysis"), actor, "municipality__path"
    )


def visible_mentors(actor: Actor | None) -> QuerySet[Mentor]:
    return _scoped(Mentor.objects.select_related("pilot__municipality"), actor, "pilot__municipality__path")


def visible_stages(actor: Actor | None) -> QuerySet[PilotStage]:
    return _scoped(PilotStage.objects.select_related("pilot__municipality"), actor, "pilot__municipality__path")


def visible_results(actor: Actor | None) -> QuerySet[PilotResult]:
    return _scoped(
        PilotResult.objects.select_related("pilot__municipality", "indicator"), actor, "pilot__municipality__path"
    )


def visible_proposed(actor: Actor | None) -> QuerySet[ProposedMeasure]:
    return _scoped(
        ProposedMeasure.objects.select_related("pilot__municipality", "measure__plan"),
        actor,
        "pilot__municipality__path",
    )


# --- Changing -----------------------------------------------------------------------------------------
def can_manage_any(actor: Actor | None) -> bool:
    return actor is not None and actor.role in MANAGERS and not actor.is_read_only


def can_manage(actor: Actor | None, municipality: OrgUnit) -> bool:
    return (
        can_manage_any(actor)
        and actor is not None
        and municipality.level == Level.MUNICIPALITY
        and actor.covers(municipality)
    )


# --- One call per object: 404 for missing and forbidden alike ---------------------------------------
def get_municipality(actor: Actor, pk: object) -> OrgUnit:
    return get_object_or_404_scoped(visible_municipalities(actor), pk=pk)


def get_municipality_for_edit(actor: Actor, pk: object) -> OrgUnit:
    municipality = get_municipality(actor, pk)
    if not can_manage(actor, municipality):
        raise Http404
    return municipality


def get_criterion_for_edit(actor: Actor, pk: object) -> Criterion:
    """A criterion the municipality added itself, still in use: the default checklist is not theirs to revise."""
    criterion = get_object_or_404_scoped(visible_criteria(actor).filter(municipality__isnull=False), pk=pk)
    if criterion.municipality is None or not can_manage(actor, criterion.municipality):
        raise Http404
    return criterion


def get_round(actor: Actor, pk: object) -> AssessmentRound:
    return get_object_or_404_scoped(visible_rounds(actor), pk=pk)


def get_round_for_edit(actor: Actor, pk: object) -> AssessmentRound:
    assessment = get_round(actor, pk)
    if not can_manage(actor, assessment.municipality):
        raise Http404
    return assessment


def get_score_for_edit(actor: Actor, pk: object) -> Score:
    score = get_object_or_404_scoped(visible_scores(actor), pk=pk)
    if not can_manage(actor, score.round.municipality):
        raise Http404
    return score


def get_member_for_edit(actor: Actor, pk: object) -> TeamMember:
    member = get_object_or_404_scoped(visible_team(actor), pk=pk)
    if not can_manage(actor, member.municipality):
        raise Http404
    return member


def get_pilot(actor: Actor, pk: object) -> PilotProject:
    return get_object_or_404_scoped(visible_pilots(actor), pk=pk)


def get_pilot_for_edit(actor: Actor, pk: object) -> PilotProject:
    pilot = get_pilot(actor, pk)
    if not can_manage(actor, pilot.municipality):
        raise Http404
    return pilot


def get_stage_for_edit(actor: Actor, pk: object) -> PilotStage:
    stage = get_object_or_404_scoped(visible_stages(actor), pk=pk)
    if not can_manage(actor, stage.pilot.municipality):
        raise Http404
    return stage


def area_of(municipality: OrgUnit, pk: int) -> Area | None:
    """An active area of the municipality (a team member's), or None."""
    return Area.objects.filter(org_unit=municipality, is_active=True, pk=pk).first()


def readable_opportunity(actor: Actor, pk: object) -> ImprovementOpportunity | None:
    """An improvement opportunity the actor reads in planning (of any municipality), or None: the
    service then says, in words, whether it is one of the pilot's municipality."""
    try:
        return planning_policies.get_opportunity(actor, pk)
    except Http404:
        return None


def visible_dimensions(actor: Actor | None) -> QuerySet[Dimension]:
    """The checklist's dimensions are one national list: readable by whoever uses the self-assessment."""
    return Dimension.objects.all() if can_use(actor) else Dimension.objects.none()


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {
        "improvement.dimension": visible_dimensions,
        "improvement.criterion": visible_criteria,
        "improvement.assessmentround": visible_rounds,
        "improvement.score": visible_scores,
        "improvement.teammember": visible_team,
        "improvement.pilotproject": visible_pilots,
        "improvement.mentor": visible_mentors,
        "improvement.pilotstage": visible_stages,
        "improvement.pilotresult": visible_results,
        "improvement.proposedmeasure": visible_proposed,
    }
