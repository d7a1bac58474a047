"""A plan's evaluations in the JSON API: list and create them, read one with its results per line
and objective, add recommendations, complete and publish. Same policies and services as the pages;
forbidden and missing both answer 404.
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
from ronda.evaluation import policies, selectors, services
from ronda.evaluation.models import Evaluation

router = Router(tags=["evaluation"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
Kind = Literal["internal", "external", "mixed", "participatory"]
TimingValue = Literal["midterm", "final", "ex_post"]
Level = Literal["high", "medium", "low"]
Goal = Literal["equity", "participation", "services", "environment", "family"]
Term = Literal["short", "medium", "long"]


class NoFilters(QueryFilters):
    pass


class EvaluationOut(Schema):
    id: int
    plan_id: int
    title: str
    kind: str
    timing: str
    purpose: str
    questions: list[str]
    starts_on: dt.date | None
    ends_on: dt.date | None
    evaluation_team: str
    external_firm: str
    participants: str
    adult_participants: int
    children_0_5: int
    children_6_11: int
    children_12_17: int
    methodology: str
    summary: str
    conclusions: str
    lessons: str
    status: str = Field(description="draft, completed or published")
    completed_on: dt.date | None
    published_on: dt.date | None
    version: int


class EvaluationPage(Schema):
    count: int
    results: list[EvaluationOut]


class EvaluationIn(StrictSchema):
    title: str = Field(max_length=255)
    kind: Kind
    timing: TimingValue
    purpose: str = Field(default="", max_length=services.TEXT_LIMIT)
    questions: list[str] = Field(default_factory=list, max_length=services.MAX_QUESTIONS)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    evaluation_team: str = Field(default="", max_length=500, description="Units or roles, no people's names")
    external_firm: str = Field(default="", max_length=255)
    participants: str = Field(default="", max_length=services.TEXT_LIMIT, description="Groups, no people's names")
    adult_participants: int = Field(default=0, ge=0, le=services.MAX_PARTICIPANTS)
    children_0_5: int = Field(default=0, ge=0, le=services.MAX_PARTICIPANTS)
    children_6_11: int = Field(default=0, ge=0, le=services.MAX_PARTICIPANTS)
    children_12_17: int = Field(default=0, ge=0, le=services.MAX_PARTICIPANTS)
    methodology: str = Field(default="", max_length=services.TEXT_LIMIT)
    summary: str = Field(default="", max_length=services.TEXT_LIMIT)
    conclusions: str = Field(default="", max_length=services.TEXT_LIMIT)
    lessons: str = Field(default="", max_length=services.TEXT_LIMIT)


class JudgementOut(Schema):
    rating: str
    comment: str


class ObjectiveOut(Schema):
    id: int
    title: str
    progress: Decimal | None
    judgement: JudgementOut | None


class LineOut(Schema):
    id: int
    title: str
    goal_area: str
    progress: Decimal | None
    judgement: JudgementOut | None
    objectives: list[ObjectiveOut]


class RecommendationOut(Schema):
    id: int
    title: str
    description: str
    priority: str
    goal_area: str
    horizon: str
    area_id: int | None
    carried_to_id: int | None = Field(description="The improvement opportunity it became, if carried")


class EvaluationDetailOut(EvaluationOut):
    plan_progress: Decimal | None
    lines: list[LineOut]
    recommendations: list[RecommendationOut]


class RecommendationIn(StrictSchema):
    title: str = Field(max_length=255)
    description: str = Field(default="", max_length=services.TEXT_LIMIT)
    priority: Level
    goal_area: Goal
    horizon: Term = "short"
    area_id: Id | None = Field(default=None, description="An area of the plan's municipality")


class VersionIn(StrictSchema):
    version: Id


def _detail(evaluation: Evaluation) -> dict[str, Any]:
    results = selectors.results(evaluation)

    def judgement(j: selectors.Judgement | None) -> dict[str, str] | None:
        return None if j is None else {"rating": j.rating, "comment": j.comment}

    return {
        **{name: getattr(evaluation, name) for name in EvaluationOut.model_fields},
        "plan_progress": results.progress.progress,
        "lines": [
            {
                "id": line.pk,
                "title": line.title,
                "goal_area": line.goal_area,
                "progress": line.progress,
                "judgement": judgement(line.judgement),
                "objectives": [
                    {"id": o.pk, "title": o.title, "progress": o.progress, "judgement": judgement(o.judgement)}
                    for o in line.objectives
                ],
            }
            for line in results.lines
        ],
        "recommendations": selectors.recommendations_of(evaluation),
    }


@router.get(
    "/plans/{int:plan_id}/evaluations",
    response={200: EvaluationPage, **READ_ERRORS},
    summary="The evaluations of a plan",
)
def list_evaluations(request: ApiRequest, plan_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    actor = request.actor
    plan = policies.get_plan(actor, plan_id)
    rows = list(policies.visible_evaluations(actor).filter(plan_id=plan.pk).order_by("created_at", "id")[:100])
    return {"count": len(rows), "results": rows}


@router.post(
    "/plans/{int:plan_id}/evaluations",
    response={201: EvaluationOut, **WRITE_ERRORS},
    summary="Start an evaluation of a plan (its managers; not of a plan still in draft)",
)
def create_evaluation(request: ApiRequest, plan_id: int, payload: EvaluationIn) -> Any:
    actor = request.actor
    plan = policies.get_plan_to_evaluate(actor, plan_id)
    values = payload.model_dump()
    evaluation = services.create_evaluation(
        actor=actor,
        plan=plan,
        title=values.pop("title"),
        kind=values.pop("kind"),
        timing=values.pop("timing"),
        **values,
    )
    return Status(201, evaluation)


@router.get(
    "/evaluations/{int:evaluation_id}",
    response={200: EvaluationDetailOut, **READ_ERRORS},
    summary="One evaluation with the plan's live progress per line and objective, the assessments and recommendations",
)
def get_evaluation(request: ApiRequest, evaluation_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    return _detail(policies.get_evaluation(request.actor, evaluation_id))


@router.post(
    "/evaluations/{int:evaluation_id}/recommendations",
    response={201: RecommendationOut, **WRITE_ERRORS},
    summary="Add a recommendation to a draft evaluation",
)
def add_recommendation(request: ApiRequest, evaluation_id: int, payload: RecommendationIn) -> Any:
    actor = request.actor
    evaluation = policies.get_evaluation_for_edit(actor, evaluation_id)
    area = None
    if payload.area_id is not None:
        area = policies.area_of(evaluation, payload.area_id)
        if area is None:
            raise ValidationError({"area_id": _("Choose an area of this municipality.")})
    recommendation = services.add_recommendation(
        actor=actor,
        evaluation=evaluation,
        title=payload.title,
        description=payload.description,
        priority=payload.priority,
        goal_area=payload.goal_area,
        horizon=payload.horizon,
        area=area,
    )
    return Status(201, recommendation)


@router.post(
    "/evaluations/{int:evaluation_id}/complete",
    response={200: EvaluationOut, **WRITE_ERRORS},
    summary="Complete an evaluation (the final one marks the plan evaluated)",
)
def complete_evaluation(request: ApiRequest, evaluation_id: int, payload: VersionIn) -> Any:
    actor = request.actor
    evaluation = policies.get_evaluation_for_edit(actor, evaluation_id)
    return services.complete_evaluation(actor=actor, evaluation=evaluation, expected_version=payload.version)


@router.post(
    "/evaluations/{int:evaluation_id}/publish",
    response={200: EvaluationOut, **WRITE_ERRORS},
    summary="Publish a completed evaluation on the plan's public page",
)
def publish_evaluation(request: ApiRequest, evaluation_id: int, payload: VersionIn) -> Any:
    actor = request.actor
    evaluation = policies.get_evaluation_for_edit(actor, evaluation_id)
    return services.publish_evaluation(actor=actor, evaluation=evaluation, expected_version=payload.version)
