"""What a locked-out client sees: JSON on the API, a Spanish page on the web; both 429."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": _("Too many failed attempts. Try again in 15 minutes.")}, status=429)
    return render(request, "accounts/locked_out.html", status=429)
