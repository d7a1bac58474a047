from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Forbidden answers the same page as missing: existence is itself information.
    if _is_api(request):
        return JsonResponse({"message": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Ronda cannot read (for example a NUL character in the address or in a form): nothing was done."""
    if _is_api(request):
        return JsonResponse({"message": _("The request could not be processed.")}, status=400)
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"message": _("Unexpected error. It has been logged.")}, status=500)
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: usually a page left open too long or cookies blocked.

    The API authenticates with bearer tokens and never needs CSRF; anything under /api/ answers JSON.
    """
    if _is_api(request):
        return JsonResponse({"message": _("Not found.")}, status=404)
    return render(request, "403_csrf.html", status=403)
