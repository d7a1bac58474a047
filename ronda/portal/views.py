from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ronda.accounts.selectors import break_glass_seen_by
from ronda.core import audit_display
from ronda.core import policies as core_policies
from ronda.core.roles import Role
from ronda.portal import registry
from ronda.portal.comparison import compare_municipalities
from ronda.territory import policies as territory_policies
from ronda.territory.models import Level


def home(request: HttpRequest) -> HttpResponse:
    """The landing page, or the signed-in user's home: their role's panel, then the panels the
    domains registered for them, the figures of their territory and the latest changes."""
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    actor = getattr(request, "actor", None)
    if actor is None or actor.membership is None:
        return render(request, "portal/no_membership.html")
    units = territory_policies.visible_org_units(actor)
    if actor.org_unit is not None:
        units = units.exclude(pk=actor.org_unit.pk)  # count what lies below, not the unit itself
    counts = {
        "regions": units.filter(level=Level.REGION).count(),
        "municipalities": units.filter(level=Level.MUNICIPALITY).count(),
        "communities": units.filter(level=Level.COMMUNITY).count(),
    }
    context: dict[str, Any] = {
        "counts": counts,
        "institutions_count": territory_policies.visible_institutions(actor).count(),
        "areas": territory_policies.visible_areas(actor).filter(is_active=True)[:20],
        "role_template": f"portal/home/{actor.role}.html",
        "can_import": territory_policies.can_import_org_units(actor),
    }
    panels = []
    for panel in registry.installed().home_panels:
        if panel["visible"](actor):
            panels.append(panel["template"])
            if "context" in panel:
                context.update(panel["context"](actor))
    context["panels"] = panels
    if core_policies.can_view_audit(actor):
        # The changes to the work: sign-ins and sign-outs would fill the box (they stay in the trail).
        recent = audit_display.work_changes(core_policies.visible_audit_events(actor))[:8]
        context["recent_events"] = audit_display.display(actor, recent, with_changes=False)
    if actor.role == Role.SUPERVISOR:
        context["break_glass"] = break_glass_seen_by(actor)
    if actor.role == Role.SECRETARIAT:
        context["comparison"] = compare_municipalities(actor, sort=request.GET.get("sort"))
    if actor.role == Role.DEFENDER:
        context["institutions"] = territory_policies.visible_institutions(actor).filter(is_active=True)[:8]
    return render(request, "portal/home.html", context)
