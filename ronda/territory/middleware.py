"""Each request runs in the time zone of the municipality the user acts in.

Loja is UTC−5, Costa Rica UTC−6: "today", a deadline's "overdue" and every time shown follow the
acting unit's zone (``territory.selectors.time_zone_of``), not the server's. ``timezone.localdate()``
and the ``date`` filter then answer in it by themselves. Anonymous requests, and people acting with
no unit (a platform administrator), keep the server's ``TIME_ZONE``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ronda.territory.selectors import time_zone_of

# {"unit": path, "zone": name}: looked up once per session and unit, not on every request.
SESSION_KEY = "ronda_time_zone"


def _zone_for(request: HttpRequest) -> str | None:
    actor = getattr(request, "actor", None)
    unit = getattr(actor, "org_unit", None) if actor is not None else None
    if unit is None:
        return None
    session = getattr(request, "session", None)
    cached = session.get(SESSION_KEY) if session is not None else None
    if isinstance(cached, dict) and cached.get("unit") == unit.path:
        return str(cached.get("zone"))
    zone = time_zone_of(unit)
    if session is not None:
        session[SESSION_KEY] = {"unit": unit.path, "zone": zone}
    return zone


class MunicipalityTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = _zone_for(request)
        timezone.deactivate()
        if name is not None:
            activate_zone(name)
        try:
            return self.get_response(request)
        finally:
            # Also what the API's authentication activated (accounts.api_auth): never into the next request.
            timezone.deactivate()


def activate_zone(name: str) -> None:
    """Activate the IANA zone ``name`` for the rest of this request (the server's zone if unknown)."""
    try:
        timezone.activate(zoneinfo.ZoneInfo(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()
