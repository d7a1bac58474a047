from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from ronda.core.tenancy import Actor
from ronda.portal import registry


def navigation_for(actor: Actor | None, current_path: str) -> list[dict[str, Any]]:
    """The menu of this actor: every registered entry whose domain policy lets them open it."""
    if actor is None or actor.role is None:
        return []
    items = []
    for entry in registry.installed().navigation:
        if entry["visible"](actor):
            url = reverse(entry["url_name"])
            active = current_path == url if url == "/" else current_path.startswith(url)
            items.append(
                {"url": url, "label": entry["label"], "short_label": entry.get("short_label"), "active": active}
            )
    return items


def ronda(request: HttpRequest) -> dict[str, Any]:
    actor: Actor | None = getattr(request, "actor", None)
    return {
        "actor": actor,
        "memberships": getattr(request, "memberships", []),
        "nav_items": navigation_for(actor, request.path),
    }
