"""Who may see a generated report: its owner, while they may still read its plan.

A report file is a copy of a plan's figures at one moment, so it is as sensitive as the plan: the
planning policy decides, asked again at every look, with the actor as they act now. It is also
personal to whoever asked for it (a colleague who may read the same plan asks for their own).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ronda.accountability.models import GeneratedReport
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.planning import policies as planning_policies


def visible_reports(actor: Actor | None) -> QuerySet[GeneratedReport]:
    if actor is None or not planning_policies.can_read_plans(actor):
        return GeneratedReport.objects.none()
    return GeneratedReport.objects.filter(owner_id=actor.user.pk, plan__in=planning_policies.visible_plans(actor))


def get_report(actor: Actor, pk: object) -> GeneratedReport:
    """The actor's own report of a plan they may read: 404 for missing and forbidden alike."""
    return get_object_or_404_scoped(visible_reports(actor).select_related("plan__org_unit"), pk=pk)


def audit_readers() -> dict[str, Any]:
    return {"accountability.generatedreport": visible_reports}
