"""What every coordination view shares: which body we are looking at."""

from __future__ import annotations

from typing import Any

from ronda.coordination import policies
from ronda.coordination.models import CoordinationBody
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest

BODY_PARAM = "mesa"


def is_htmx(request: ActorRequest) -> bool:
    return bool(request.htmx)


def resolve_body(request: ActorRequest, actor: Actor) -> CoordinationBody | None:
    """The body a page is about: ``?mesa=<id>``, else the body of the actor's own municipality,
    else the only body they can see. None when they see several (they choose on the overview)."""
    bodies = policies.visible_bodies(actor)
    raw = request.GET.get(BODY_PARAM)
    if raw:
        return policies.get_body(actor, raw)
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
        "show_body_nav": policies.can_open_body(actor),
        "seat_only": not policies.can_view_body_business(actor),
        "can_manage": policies.can_manage_body(actor, body),
    }
