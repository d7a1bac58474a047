"""The self-assessment, the programme team and the pilot projects in the JSON API. Same policies and
services as the pages; forbidden and missing both answer 404. Names and e-mail addresses of people
are null for administrators (``policies.may_read_names``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ronda.core.api_schemas import READ_ERRORS, Id, MessageOut, QueryFilters, StrictSchema
from ronda.core.api_utils import reject_unknown_query
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ApiRequest
from ronda.improvement import policies, selectors, services
from ronda.improvement.models import AssessmentRound, Criterion, PilotProject, TeamMember
from ronda.territory.models import Area, OrgUnit

router = Router(tags=["improvement"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}


class NoFilters(QueryFilters):
    pass


class LevelOut(Schema):
    level: int
    description: str


class CriterionOut(Schema):
    id: int
    dimension: str = Field(description="The dimension's code: team, data, budget, coordination, participation …")
    code: str
    title: str
    own: bool = Field(description="Added by the municipality (false: the default checklist)")
    levels: list[LevelOut]


class ChecklistOut(Schema):
    gap_below: int = Field(description="A criterion scored below this level is a gap")
    criteria: list[CriterionOut]


class DimensionScoreOut(Schema):
    dimension: str
    scored: int
    percent: Decimal | None = Field(description="Points as a share of the highest level, in per cent")
    gaps: int


class RoundOut(Schema):
    id: int
    title: str
    held_on: dt.date
    version: int
    scored: int
    overall: Decimal | None = Field(description="Points of every criterion scored, as a share of the highest level")
    gaps: int
    dimensions: list[DimensionScoreOut]


class RoundPage(Schema):
    count: int
    results: list[RoundOut]


class RoundIn(StrictSchema):
    title: str = Field(max_length=200)
    held_on: dt.date
    participant_ids: list[Id] = Field(default_factory=list, description="Members of the programme team")
    other_participants: str = Field(default="", max_length=500)


class ScoreOut(Schema):
    id: int
    criterion_id: int
    level: int
    evidence: str
    comment: str
    gap: bool
    opportunity_id: int | None


class RoundDetailOut(RoundOut):
    scores: list[ScoreOut]


class ScoreIn(StrictSchema):
    criterion_id: Id
    level: int | None = Field(description="0 to 3; null removes the score")
    evidence: str = Field(default="", max_length=services.TEXT_LIMIT)
    comment: str = Field(default="", max_length=services.TEXT_LIMIT)


class ScoresIn(StrictSchema):
    version: int = Field(ge=1, description="The round's version when it was read")
    scores: list[ScoreIn]


class OpportunityOut(Schema):
    id: int
    title: str
    criticality: str
    horizon: str
    analysis_id: int


class MemberOut(Schema):
    id: int
    full_name: str | None = Field(description="Null for administrators")
    email: str | None = Field(description="Null for administrators")
    programme_role: str
    area_id: int | None
    profile: str
    from_date: dt.date
    to_date: dt.date | None
    version: int


class MemberPage(Schema):
    count: int
    results: list[MemberOut]


class MemberIn(StrictSchema):
    full_name: str = Field(max_length=200)
    programme_role: str = Field(description="coordinator, technical, mentor, facilitator, specialist or other")
    area_id: Id | None = None
    profile: str = Field(default="", max_length=500)
    email: str = Field(default="", max_length=254)
    from_date: dt.date
    to_date: dt.date | None = None


class StageOut(Schema):
    id: int
    kind: str
    status: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    notes: str
    version: int


class PilotOut(Schema):
    id: int
    title: str
    opportunity_id: int
    summary: str
    narrative: str
    version: int
    team_ids: list[int]
    stages: list[StageOut]
    indicator_ids: list[int] = Field(description="The Tablero indicators that follow its results")


class PilotPage(Schema):
    count: int
    results: list[PilotOut]


class PilotIn(StrictSchema):
    opportunity_id: Id
    title: str = Field(max_length=200)
    summary: str = Field(default="", max_length=services.TEXT_LIMIT)
    team_ids: list[Id] = Field(default_factory=list)


# --- Helpers -----------------------------------------------------------------------------------------
def _criterion(criterion: Criterion) -> dict[str, Any]:
    return {
        "id": criterion.pk,
        "dimension": criterion.dimension.code,
        "code": criterion.code,
        "title": criterion.title,
        "own": criterion.municipality_id is not None,
        "levels": [{"level": n, "description": text} for n, text in criterion.levels],
    }


def _round(summary: selectors.RoundSummary) -> dict[str, Any]:
    assessment = summary.round
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "held_on": assessment.held_on,
        "version": assessment.version,
        "scored": summary.scored,
        "overall": summary.overall,
        "gaps": summary.gaps,
        "dimensions": [
            {"dimension": d.dimension.code, "scored": d.scored, "percent": d.percent, "gaps": d.gaps}
            for d in summary.dimensions
        ],
    }


def _round_detail(actor: Actor, assessment: AssessmentRound) -> dict[str, Any]:
    scores = [
        {
            "id": s.pk,
            "criterion_id": s.criterion_id,
            "level": s.level,
            "evidence": s.evidence,
            "comment": s.comment,
            "gap": s.is_gap,
            "opportunity_id": s.opportunity_id,
        }
        for s in selectors.scores_of(actor, assessment)
    ]
    return {**_round(selectors.summaries([assessment])[0]), "scores": scores}


def _member(member: TeamMember, names: bool) -> dict[str, Any]:
    return {
        "id": member.pk,
        "full_name": member.full_name if names else None,
        "email": member.email if names else None,
        "programme_role": member.programme_role,
        "area_id": member.area_id,
        "profile": member.profile,
        "from_date": member.from_date,
        "to_date": member.to_date,
        "version": member.version,
    }


def _pilot(pilot: PilotProject) -> dict[str, Any]:
    """A pilot with its stages, team and results (prefetched by ``selectors.pilots_of`` for a list):
    they are the pilot's own parts, visible with it."""
    return {
        "id": pilot.pk,
        "title": pilot.title,
        "opportunity_id": pilot.opportunity_id,
        "summary": pilot.summary,
        "narrative": pilot.narrative,
        "version": pilot.version,
        "team_ids": sorted(m.pk for m in pilot.team.all()),
        "stages": [
            {
                "id": s.pk,
                "kind": s.kind,
                "status": s.status,
                "starts_on": s.starts_on,
                "ends_on": s.ends_on,
                "notes": s.notes,
                "version": s.version,
            }
            for s in sorted(pilot.stages.all(), key=lambda s: s.pk)
        ],
        "indicator_ids": sorted(r.indicator_id for r in pilot.results.all()),
    }


def _members(actor: Actor, municipality: OrgUnit, ids: list[int], field: str) -> list[TeamMember]:
    found = list(selectors.team_of(actor, municipality).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: _("Choose members of this municipality's programme team.")})
    return found


def _area(municipality: OrgUnit, area_id: int | None) -> Area | None:
    if area_id is None:
        return None
    found = policies.area_of(municipality, area_id)
    if found is None:
        raise ValidationError({"area_id": _("Choose an area of this municipality.")})
    return found


# --- The checklist and the rounds ----------------------------------------------------------------------
@router.get(
    "/municipalities/{int:municipality_id}/checklist",
    response={200: ChecklistOut, **READ_ERRORS},
    summary="The maturity checklist a new round of the municipality scores",
)
def get_checklist(request: ApiRequest, municipality_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    municipality = policies.get_municipality(request.actor, municipality_id)
    return {"gap_below": services.GAP_BELOW, "criteria": [_criterion(c) for c in services.criteria_for(municipality)]}


@router.get(
    "/municipalities/{int:municipality_id}/rounds",
    response={200: RoundPage, **READ_ERRORS},
    summary="The self-assessment rounds, the latest first, with the score per dimension and overall",
)
def list_rounds(request: ApiRequest, municipality_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    municipality = policies.get_municipality(actor, municipality_id)
    rounds = list(selectors.rounds_of(actor, municipality)[:100])
    rows = [_round(s) for s in selectors.summaries(rounds)]
    return {"count": len(rows), "results": rows}


@router.post(
    "/municipalities/{int:municipality_id}/rounds",
    response={201: RoundDetailOut, **WRITE_ERRORS},
    summary="Start a self-assessment round (the coordinator)",
)
def create_round(request: ApiRequest, municipality_id: int, payload: RoundIn) -> Any:
    actor = request.actor
    municipality = policies.get_municipality_for_edit(actor, municipality_id)
    assessment = services.create_round(
        actor=actor,
        municipality=municipality,
        held_on=payload.held_on,
        title=payload.title,
        participants=_members(actor, municipality, payload.participant_ids, "participant_ids"),
        other_participants=payload.other_participants,
    )
    return Status(201, _round_detail(actor, assessment))


@router.get(
    "/rounds/{int:round_id}",
    response={200: RoundDetailOut, **READ_ERRORS},
    summary="One round with its scores",
)
def get_round(request: ApiRequest, round_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    return _round_detail(actor, policies.get_round(actor, round_id))


@router.put(
    "/rounds/{int:round_id}/scores",
    response={200: RoundDetailOut, **WRITE_ERRORS},
    summary="Record levels of the round's criteria (the coordinator); the criteria not sent keep theirs",
)
def put_scores(request: ApiRequest, round_id: int, payload: ScoresIn) -> Any:
    actor = request.actor
    assessment = policies.get_round_for_edit(actor, round_id)
    criteria = {c.pk: c for c in services.scorable_criteria(assessment)}
    given = {}
    for item in payload.scores:
        criterion = criteria.get(item.criterion_id)
        if criterion is None:
            raise ValidationError({"criterion_id": _("This criterion is not part of this municipality's checklist.")})
        given[criterion] = services.ScoreInput(item.level, item.evidence, item.comment)
    services.record_scores(actor=actor, assessment=assessment, expected_version=payload.version, scores=given)
    return _round_detail(actor, policies.get_round(actor, round_id))


@router.post(
    "/scores/{int:score_id}/opportunity",
    response={201: OpportunityOut, **WRITE_ERRORS},
    summary="Make a gap an improvement opportunity of the municipality's open diagnosis (the coordinator)",
)
def gap_to_opportunity(request: ApiRequest, score_id: int) -> Any:
    actor = request.actor
    score = policies.get_score_for_edit(actor, score_id)
    opportunity = services.gap_to_opportunity(actor=actor, score=score)
    return Status(
        201,
        {
            "id": opportunity.pk,
            "title": opportunity.title,
            "criticality": opportunity.criticality,
            "horizon": opportunity.horizon,
            "analysis_id": opportunity.analysis_id,
        },
    )


# --- The programme team -------------------------------------------------------------------------------
@router.get(
    "/municipalities/{int:municipality_id}/team",
    response={200: MemberPage, **READ_ERRORS},
    summary="The programme team",
)
def list_team(request: ApiRequest, municipality_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    municipality = policies.get_municipality(actor, municipality_id)
    names = policies.may_read_names(actor)
    rows = [_member(m, names) for m in selectors.team_of(actor, municipality)[:300]]
    return {"count": len(rows), "results": rows}


@router.post(
    "/municipalities/{int:municipality_id}/team",
    response={201: MemberOut, **WRITE_ERRORS},
    summary="Add a member to the programme team (the coordinator)",
)
def create_member(request: ApiRequest, municipality_id: int, payload: MemberIn) -> Any:
    actor = request.actor
    municipality = policies.get_municipality_for_edit(actor, municipality_id)
    member = services.add_member(
        actor=actor,
        municipality=municipality,
        full_name=payload.full_name,
        programme_role=payload.programme_role,
        area=_area(municipality, payload.area_id),
        profile=payload.profile,
        email=payload.email,
        from_date=payload.from_date,
        to_date=payload.to_date,
    )
    return Status(201, _member(member, policies.may_read_names(actor)))


# --- Pilot projects --------------------------------------------------------------------------------------
@router.get(
    "/municipalities/{int:municipality_id}/pilots",
    response={200: PilotPage, **READ_ERRORS},
    summary="The pilot projects, the latest first",
)
def list_pilots(request: ApiRequest, municipality_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    municipality = policies.get_municipality(actor, municipality_id)
    rows = [_pilot(p) for p in selectors.pilots_of(actor, municipality)]
    return {"count": len(rows), "results": rows}


@router.post(
    "/municipalities/{int:municipality_id}/pilots",
    response={201: PilotOut, **WRITE_ERRORS},
    summary="Start a pilot project for an improvement opportunity of the municipality (the coordinator)",
)
def create_pilot(request: ApiRequest, municipality_id: int, payload: PilotIn) -> Any:
    actor = request.actor
    municipality = policies.get_municipality_for_edit(actor, municipality_id)
    # Any opportunity the actor reads: the service refuses one of another municipality, in words.
    opportunity = policies.readable_opportunity(actor, payload.opportunity_id)
    if opportunity is None:
        raise ValidationError(
            {"opportunity_id": _("Choose an improvement opportunity of this municipality's diagnosis.")}
        )
    pilot = services.create_pilot(
        actor=actor,
        municipality=municipality,
        opportunity=opportunity,
        title=payload.title,
        summary=payload.summary,
        team=_members(actor, municipality, payload.team_ids, "team_ids"),
    )
    return Status(201, _pilot(pilot))


@router.get("/pilots/{int:pilot_id}", response={200: PilotOut, **READ_ERRORS}, summary="One pilot project")
def get_pilot(request: ApiRequest, pilot_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    return _pilot(policies.get_pilot(actor, pilot_id))
