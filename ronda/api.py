"""The JSON API at /api/v1/: one NinjaAPI, routers per domain, errors always JSON."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from ronda.accounts.api import router as accounts_router
from ronda.coordination.api import router as coordination_router
from ronda.core.api_auth import BearerToken
from ronda.core.errors import ConflictError
from ronda.council.api import router as council_router
from ronda.planning.api import router as planning_router
from ronda.territory.api import router as territory_router

logger = logging.getLogger(__name__)


class JSONOnlyParser(Parser):
    """Bodies must be declared JSON; anything else is refused before any code reads it."""

    def parse_body(self, request: HttpRequest) -> Any:
        if request.content_type != "application/json":
            raise ValueError("Content-Type must be application/json")
        return super().parse_body(request)


api = NinjaAPI(
    parser=JSONOnlyParser(),
    title="Ronda API",
    version="1",
    description=(
        "API de Ronda. Obtenga un token con `POST /api/v1/auth/token` y envíelo como "
        "`Authorization: Bearer <token>`. Cabecera opcional `X-Ronda-Membership` para actuar con otra membresía."
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _field_name(loc: list[Any]) -> str:
    # ninja's location starts with where the value came from ("body", "query", "path", "form",
    # "file") and, for a schema parameter, its name ("payload", "filters"): keep the field's own path.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file"):
        parts = parts[1:]
    if parts and parts[0] in ("payload", "filters"):
        parts = parts[1:]
    return ".".join(parts) or "body"


PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("Unknown field."),
    "string_too_long": gettext_lazy("Too long."),
    "string_too_short": gettext_lazy("Too short."),
    "int_parsing": gettext_lazy("Must be a whole number."),
    "int_type": gettext_lazy("Must be a whole number."),
    "string_type": gettext_lazy("Must be text."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "model_attributes_type": gettext_lazy("The body must be a JSON object."),
    "dict_type": gettext_lazy("The body must be a JSON object."),
    "enum": gettext_lazy("Not one of the allowed values."),
    "literal_error": gettext_lazy("Not one of the allowed values."),
    "greater_than_equal": gettext_lazy("Too small."),
    "less_than_equal": gettext_lazy("Too large."),
    "date_from_number": gettext_lazy("Write the date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Write the date as YYYY-MM-DD."),
    "date_parsing": gettext_lazy("Write the date as YYYY-MM-DD."),
    "date_type": gettext_lazy("Write the date as YYYY-MM-DD."),
}


def _translate(error: dict[str, Any]) -> str:
    if error.get("type") == "string_too_short" and (error.get("ctx") or {}).get("min_length") == 1:
        return _("This field cannot be empty.")
    message = PYDANTIC_MESSAGES.get(str(error.get("type", "")))
    return str(message) if message is not None else _("Invalid value.")


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [{"field": _field_name(list(e.get("loc", []))), "message": _translate(e)} for e in exc.errors]
    return api.create_response(request, {"message": _("The request has invalid fields."), "errors": errors}, status=422)


@api.exception_handler(ValidationError)
def on_django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": " ".join(m)} for f, m in exc.message_dict.items()]
    else:
        errors = [{"field": "body", "message": " ".join(exc.messages)}]
    return api.create_response(request, {"message": _("The request has invalid fields."), "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"message": _("Missing, invalid or expired token.")}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"message": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # Same answer as "missing": what a user may not touch does not exist for them.
    return api.create_response(request, {"message": _("Not found.")}, status=404)


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return api.create_response(request, {"message": str(exc)}, status=409)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
        errors = [{"field": "body", "message": _("The body must be valid JSON sent as application/json.")}]
        return api.create_response(
            request, {"message": _("The request has invalid fields."), "errors": errors}, status=422
        )
    return api.create_response(request, {"message": str(exc.message)}, status=exc.status_code)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error")
    return api.create_response(request, {"message": _("Unexpected error. It has been logged.")}, status=500)


api.add_router("/", accounts_router)
api.add_router("/org-units", territory_router)
api.add_router("/coordination", coordination_router)
api.add_router("/planning", planning_router)
api.add_router("/council", council_router)
