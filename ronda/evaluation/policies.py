"""Who sees and changes the evaluations of a plan. Views, API, slots, jobs and services ask only this.

- Read: whoever reads the whole plan in planning (``planning.policies.visible_plans``: administrators,
  the secretariat, analysts, the municipality's coordinator and supervisors, and whoever sits on its
  coordination body, area focal points included). An area focal point without a seat reads only
  their own area's measures in planning, and no evaluation here (the public page shows the
  published ones).
- Change (create, edit, assess, recommend, complete, publish, carry recommendations, ask for the
  report): the plan's managers (``planning.policies.can_manage_in``: the municipality's coordinator,
  administrators).
- The public: published evaluations only, through the plan's public page and the published report.

Other municipalities: 404 everywhere.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.evaluation.models import (
    Assessment,
    Evaluation,
    EvaluationReport,
    EvaluationStatus,
    Recommendation,
    ReportStatus,
)
from ronda.planning import policies as planning_policies
from ronda.territory.selectors import large_columns


# --- Module-level checks (for @actor_required) ------------------------------------------
def can_read_evaluations(actor: Actor | None) -> bool:
    if actor is None or actor.scope_path is None:
        return False
    return planning_policies.can_read_plans(actor)


def can_manage_any(actor: Actor | None) -> bool:
    return actor is not None and not actor.is_read_only and planning_policies.can_create_plans(actor)


# --- Reading ----------------------------------------------------------------------------------
def readable_plans(actor: Actor | None) -> Q | None:
    """The condition on ``plan`` of the evaluations the actor reads (None: none)."""
    if actor is None or not can_read_evaluations(actor):
        return None
    return Q(plan__in=planning_policies.visible_plans(actor).values("pk"))


def visible_evaluations(actor: Actor | None) -> QuerySet[Evaluation]:
    queryset = Evaluation.objects.select_related("org_unit", "plan").defer(*large_columns("org_unit"))
    condition = readable_plans(actor)
    return queryset.none() if condition is None else queryset.filter(condition)


def visible_assessments(actor: Actor | None) -> QuerySet[Assessment]:
    return Assessment.objects.filter(evaluation__in=visible_evaluations(actor).values("pk"))


def visible_recommendations(actor: Actor | None) -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related("area").filter(evaluation__in=visible_evaluations(actor).values("pk"))


def visible_reports(actor: Actor | None) -> QuerySet[EvaluationReport]:
    return EvaluationReport.objects.filter(evaluation__in=visible_evaluations(actor).values("pk"))


def published_evaluations() -> QuerySet[Evaluation]:
    """What the public reads: published evaluations (of plans that are no longer drafts, by construction)."""
    return (
        Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED)
        .select_related("org_unit")
        .defer(*large_columns("org_unit"))  # a public page reads names, never a unit's map or population
    )


def can_read_plan_evaluations(actor: Actor | None, plan: Any) -> bool:
    """Whether the actor reads the evaluations of ``plan`` (a ``LocalPlan`` or planning's ``PlanFacts``)."""
    if actor is None or readable_plans(actor) is None:
        return False
    return planning_policies.visible_plans(actor).filter(pk=plan.pk).exists()


# --- Changing ---------------------------------------------------------------------------------
def can_manage(actor: Actor | None, evaluation: Evaluation) -> bool:
    return can_manage_any(actor) and actor is not None and planning_policies.can_manage_in(actor, evaluation.org_unit)


def can_evaluate_plan(actor: Actor | None, plan: Any) -> bool:
    return can_manage_any(actor) and actor is not None and planning_policies.can_manage_in(actor, plan.org_unit)


# --- One call per object: 404 for missing and forbidden alike ------------------------------------
def get_plan(actor: Actor, pk: object) -> Any:
    """The plan whose evaluations are listed: planning's own lookup (404 for missing and forbidden)."""
    return planning_policies.get_plan(actor, pk)


def get_plan_to_evaluate(actor: Actor, pk: object) -> Any:
    plan = planning_policies.get_plan(actor, pk)
    if not can_evaluate_plan(actor, plan):
        raise Http404
    return plan


def get_evaluation(actor: Actor, pk: object) -> Evaluation:
    return get_object_or_404_scoped(visible_evaluations(actor), pk=pk)


def get_evaluation_for_edit(actor: Actor, pk: object) -> Evaluation:
    evaluation = get_evaluation(actor, pk)
    if not can_manage(actor, evaluation):
        raise Http404
    return evaluation


def get_report(actor: Actor, pk: object) -> EvaluationReport:
    return get_object_or_404_scoped(visible_reports(actor).select_related("evaluation__org_unit"), pk=pk)


def get_published_evaluation(pk: object) -> Evaluation:
    return get_object_or_404_scoped(published_evaluations(), pk=pk)


def published_report(evaluation: Evaluation) -> EvaluationReport | None:
    """The latest ready report of a published evaluation: the one the public downloads."""
    if not evaluation.is_published:
        return None
    return (
        EvaluationReport.objects.filter(evaluation=evaluation, status=ReportStatus.READY)
        .order_by("-finished_at", "-id")
        .first()
    )


def next_analyses(actor: Actor, evaluation: Evaluation) -> QuerySet[Any]:
    """The diagnoses the recommendations may seed: the municipality's, other than the evaluated plan's
    own, not ended before the plan started, and which the actor may change."""
    if not can_manage(actor, evaluation):
        return planning_policies.visible_analyses(None)
    plan = evaluation.plan
    return (
        planning_policies.visible_analyses(actor)
        .filter(org_unit_id=evaluation.org_unit_id, period_end__gte=plan.period_start)
        .exclude(pk=plan.situation_analysis_id or 0)
        .order_by("-period_start", "-id")
    )


def get_next_analysis(actor: Actor, evaluation: Evaluation, pk: object) -> Any:
    """One of ``next_analyses``; 404 for anything else."""
    return get_object_or_404_scoped(next_analyses(actor, evaluation), pk=pk)


def area_of(evaluation: Evaluation, pk: int) -> Any:
    """An area of the evaluated plan's municipality (a recommendation's addressee), or None."""
    return planning_policies.areas_of(evaluation.plan).filter(pk=pk).first()


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {
        "evaluation.evaluation": visible_evaluations,
        "evaluation.assessment": visible_assessments,
        "evaluation.recommendation": visible_recommendations,
        "evaluation.evaluationreport": visible_reports,
    }
