"""What every council view shares: which council a page is about, and its tabs.

Pages about one council take it from ``?consejo=<id>``; people who act in one municipality
(coordinators, municipal analysts, focal points) get their own council without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse

from ronda.core.tenancy import Actor
from ronda.council import policies
from ronda.council.models import ChildrenCouncil
from ronda.territory.models import Level, OrgUnit


def own_municipality(actor: Actor) -> OrgUnit | None:
    unit = actor.org_unit
    return unit if unit is not None and unit.level == Level.MUNICIPALITY else None


def selected_council(request: HttpRequest, actor: Actor, *, of_requests: bool = False) -> ChildrenCouncil | None:
    """The council named by ``?consejo=`` (404 if not visible), else the actor's own municipality's.

    ``of_requests``: among the councils whose requests the actor may list, which for an area focal
    point are councils they see nothing else of.
    """
    raw = request.GET.get("consejo")
    if raw:
        return policies.get_council_of_requests(actor, raw) if of_requests else policies.get_council(actor, raw)
    unit = own_municipality(actor)
    if unit is not None:
        councils = policies.councils_for_requests(actor) if of_requests else policies.visible_councils(actor)
        return councils.filter(org_unit=unit).first()
    return None


def requires_council(request: HttpRequest, actor: Actor) -> ChildrenCouncil | None:
    return selected_council(request, actor)


def council_to_manage(request: HttpRequest, actor: Actor) -> ChildrenCouncil | None:
    """The selected council, 404 if the actor may not manage it; None when no council is selected."""
    council = requires_council(request, actor)
    if council is not None and not policies.can_manage_council(actor, council):
        raise Http404
    return council


def council_url(name: str, council: ChildrenCouncil) -> str:
    return f"{reverse(name)}?consejo={council.pk}"


def council_context(actor: Actor, council: ChildrenCouncil, tab: str) -> dict[str, Any]:
    return {
        "council": council,
        "tab": tab,
        "can_manage": policies.can_manage_council(actor, council),
        "can_view_members": policies.can_view_members_of(actor, council),
        "can_view_council": policies.can_view_councils(actor),
    }


def edit_initial(record: Any, fields: Iterable[str]) -> dict[str, Any]:
    """A record's editable values, and the version the edit starts from."""
    initial = {name: getattr(record, name) for name in fields}
    initial["version"] = record.version
    return initial
