"""What the evaluation adds to the pages of the apps below it (``ronda.core.slots``).

- ``planning.plan_detail``: the plan's evaluations, their status and a link, for whoever reads them
  (and "evaluate this plan" for its managers).
- ``accountability.public_plan``: the published evaluations of the public plan (summary, results per
  line, recommendations, the report's PDF). Nothing personal: participants are counts, and the
  values of indicators that count children from personal records are left out.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from ronda.core import slots
from ronda.evaluation import policies, selectors

PUBLIC_LIMIT = 5


@slots.contribute("planning.plan_detail", order=60)
def plan_evaluations(request: HttpRequest, plan: Any) -> str:
    actor = getattr(request, "actor", None)
    if actor is None or not policies.can_read_plan_evaluations(actor, plan):
        return ""
    evaluations = list(policies.visible_evaluations(actor).filter(plan_id=plan.pk).order_by("created_at", "id")[:20])
    can_evaluate = plan.is_approved and policies.can_evaluate_plan(actor, plan)
    if not evaluations and not can_evaluate:
        return ""
    context = {"plan": plan, "evaluations": evaluations, "can_evaluate": can_evaluate}
    return render_to_string("evaluation/_plan_slot.html", context, request=request)


@slots.contribute("accountability.public_plan", order=60)
def public_evaluations(request: HttpRequest, plan: Any) -> str:
    if plan is None:
        return ""
    rows = list(
        policies.published_evaluations().filter(plan_id=plan.pk).order_by("-published_on", "-id")[:PUBLIC_LIMIT]
    )
    if not rows:
        return ""
    items = [
        {
            "evaluation": evaluation,
            "results": selectors.results(evaluation, public=True),
            "recommendations": selectors.recommendations_of(evaluation),
            "report": policies.published_report(evaluation),
        }
        for evaluation in rows
    ]
    return render_to_string("evaluation/_public_slot.html", {"items": items}, request=request)
