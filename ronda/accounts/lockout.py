"""What a throttled client sees: JSON on the API, a Spanish page on the web; both 429 with Retry-After."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from ronda.accounts.throttle import Verdict


def lockout_message(verdict: Verdict) -> str:
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        verdict.minutes,
    ) % {"minutes": verdict.minutes}


def lockout_response(
    request: HttpRequest, verdict: Verdict, *, template: str = "accounts/locked_out.html"
) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": lockout_message(verdict)}, status=429)
    else:
        response = render(request, template, {"minutes": verdict.minutes}, status=429)
    response["Retry-After"] = str(max(1, verdict.retry_after))
    return response
