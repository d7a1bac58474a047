"""What a locked-out client sees: JSON on the API, a Spanish page on the web; both 429."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def cooloff_minutes() -> int:
    return max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))


def lockout_message() -> str:
    return _("Too many failed attempts. Try again in %(minutes)d minutes.") % {"minutes": cooloff_minutes()}


def lockout_response(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": lockout_message()}, status=429)
    return render(request, "accounts/locked_out.html", {"minutes": cooloff_minutes()}, status=429)
