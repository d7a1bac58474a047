from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ronda.core.roles import Role
from ronda.core.tenancy import Actor

ALL_ROLES = tuple(Role.values)

# (url name, label, roles that see it). Order is the order on screen.
NAVIGATION: list[tuple[str, Any, tuple[str, ...]]] = [
    ("core:home", _("Home"), ALL_ROLES),
    ("planning:home", _("Plan"), (Role.ADMIN, Role.COORDINATOR, Role.SECRETARIAT, Role.ANALYST)),
    ("planning:my_measures", _("My measures"), (Role.AREA_FOCAL,)),
    ("coordination:overview", _("Coordination body"), (Role.ADMIN, Role.COORDINATOR, Role.SECRETARIAT, Role.ANALYST)),
    ("coordination:agreement_list", _("Agreements"), (Role.AREA_FOCAL,)),
    ("council:overview", _("Children's council"), (Role.ADMIN, Role.COORDINATOR, Role.SECRETARIAT, Role.ANALYST)),
    ("council:request_list", _("Children's requests"), (Role.AREA_FOCAL,)),
    ("accountability:report_list", _("Reports"), (Role.ADMIN, Role.COORDINATOR, Role.SECRETARIAT, Role.ANALYST)),
    ("territory:browse", _("Territory"), ALL_ROLES),
    (
        "territory:area_list",
        _("Areas"),
        (Role.ADMIN, Role.COORDINATOR, Role.AREA_FOCAL, Role.SECRETARIAT, Role.ANALYST),
    ),
    ("territory:institution_list", _("Referral directory"), ALL_ROLES),
    ("accounts:user_list", _("Users"), (Role.ADMIN,)),
    ("core:audit", _("Audit trail"), (Role.ADMIN, Role.SUPERVISOR)),
]


def navigation_for(actor: Actor | None, current_path: str) -> list[dict[str, Any]]:
    if actor is None or actor.role is None:
        return []
    items = []
    for name, label, roles in NAVIGATION:
        if actor.role in roles:
            url = reverse(name)
            active = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"url": url, "label": label, "active": active})
    return items


def ronda(request: HttpRequest) -> dict[str, Any]:
    actor: Actor | None = getattr(request, "actor", None)
    return {
        "actor": actor,
        "memberships": getattr(request, "memberships", []),
        "nav_items": navigation_for(actor, request.path),
    }
