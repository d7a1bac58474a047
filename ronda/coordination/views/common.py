"""What every coordination view shares: which body we are looking at, and form errors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ronda.coordination import policies
from ronda.coordination.models import CoordinationBody
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.core.views_helpers import apply_errors as apply_errors  # re-exported for the coordination views

BODY_PARAM = "mesa"


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def resolve_body(request: HttpRequest, actor: Actor) -> CoordinationBody | None:
    """The body a page is about: ``?mesa=<id>``, else the body of the actor's own municipality,
    else the only body they can see. None when they see several (they choose on the overview)."""
    bodies = policies.visible_bodies(actor)
    raw = request.GET.get(BODY_PARAM)
    if raw:
        return get_object_or_404_scoped(bodies, pk=raw)
    unit = actor.org_unit
    if unit is not None:
        own = bodies.filter(org_unit=unit).first()
        if own is not None:
            return own
    first_two = list(bodies[:2])
    return first_two[0] if len(first_two) == 1 else None


def body_context(body: CoordinationBody, actor: Actor) -> dict[str, Any]:
    """Links between the body's pages carry ``?mesa=`` so that regional readers stay on the same body.
    The body's tabs show only to those who may open them (not to an area focal point)."""
    return {
        "body": body,
        "body_query": f"?{BODY_PARAM}={body.pk}",
        "show_body_nav": policies.can_view_body_business(actor),
        "can_manage": policies.can_manage_body(actor, body),
    }
