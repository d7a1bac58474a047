"""Certification's pages. Today: the public verification of a certificate (issue #14 item 6)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from ronda.certification import services

CODE_LIMIT = 40


@require_GET
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Anyone checks a certificate's code (typed, or from the QR on the PDF): valid, expired,
    revoked or unknown, with the municipality, framework, category and validity — nothing else.
    Never cached: a revocation must show at once."""
    typed = (code or request.GET.get("codigo", "")).strip()[:CODE_LIMIT]
    result = services.verify(typed) if typed else None
    response = render(
        request,
        "certification/verify.html",
        {"typed": typed, "result": result, "statuses": services},
        status=200,
    )
    patch_cache_control(response, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response
