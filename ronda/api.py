"""The JSON API at /api/v1/: one NinjaAPI, routers per domain, errors always JSON."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from ronda.accountability.api_situation import router as accountability_situation_router
from ronda.accounts.api import router as accounts_router
from ronda.accounts.api_auth import BearerToken
from ronda.accounts.selectors import token_for_key
from ronda.cases.api import router as cases_router
from ronda.cases.api_cases import router as case_files_router
from ronda.consultations.api import router as consultations_router
from ronda.coordination.api import router as coordination_router
from ronda.coordination.api_documents import router as coordination_documents_router
from ronda.core.errors import ConflictError, too_long_message
from ronda.core.forms import date_range_message
from ronda.core.middleware import NUL, NUL_MESSAGE, first_nul
from ronda.council.api import router as council_router
from ronda.defenders.api import router as defenders_router
from ronda.links.api import router as links_router
from ronda.planning.api import router as planning_router
from ronda.planning.api_documents import router as planning_documents_router
from ronda.planning.api_structure import router as planning_structure_router
from ronda.protection.api import router as protection_router
from ronda.safeguarding.api import router as safeguarding_router
from ronda.tablero.api_catalogue import router as tablero_catalogue_router
from ronda.tablero.api_push import router as tablero_push_router
from ronda.tablero.api_values import router as tablero_values_router
from ronda.territory.api import router as territory_router
from ronda.training.api import router as training_router

logger = logging.getLogger(__name__)


class NulInBody(ValueError):
    """A JSON body with a NUL character in a key or a text value: PostgreSQL cannot store it."""

    def __init__(self, field: str) -> None:
        super().__init__(f"NUL character in {field}")
        self.field = field


def _field_with_nul(data: Any) -> str | None:
    """The path ("change.why", "items.0") of the first key or text value holding a NUL, or None."""
    stack: list[tuple[list[str], Any]] = [([], data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and NUL in value:
            return ".".join(path) or "body"
        if isinstance(value, dict):
            for key in value:
                if NUL in key:
                    return ".".join([*path, key.replace(NUL, "\\u0000")])
            stack.extend(([*path, key], item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(([*path, str(i)], item) for i, item in reversed(list(enumerate(value))))
    return None


class JSONOnlyParser(Parser):
    """Bodies must be declared JSON; anything else is refused before any code reads it.

    A NUL character (written ``\\u0000`` in JSON) is refused too, in any key or text at any depth,
    before a schema or an endpoint sees it; RefuseNulMiddleware does the same for the rest of the request.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        if request.content_type != "application/json":
            raise ValueError("Content-Type must be application/json")
        data = super().parse_body(request)
        field = _field_with_nul(data)
        if field is not None:
            raise NulInBody(field)
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        # The form fields of a multipart endpoint: the middleware leaves API bodies to the parser.
        field = first_nul(data.lists())
        if field is not None:
            raise NinjaValidationError([{"loc": ["form", field], "type": "nul_character"}])
        return super().parse_querydict(data, list_fields, request)


def docs_guard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI schema and the interactive docs: public only where RONDA_API_DOCS_PUBLIC is on.

    Off (the production default), they need a signed-in web session or a valid bearer token: the
    schema maps every endpoint and field of a child-protection system, which is nobody's business
    before they have an account.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.RONDA_API_DOCS_PUBLIC or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() == "bearer" and raw.strip() and token_for_key(raw.strip()) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith("/docs"):
            return redirect_to_login(request.get_full_path())
        response = JsonResponse({"message": _("Sign in or send a bearer token to read the API schema.")}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    return guarded


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
    docs_decorator=docs_guard,
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
    "nul_character": NUL_MESSAGE,
    "renamed_conflict": gettext_lazy(
        "This is the old name of a field also sent under its new name, with another value: send only one."
    ),
    "offset_with_cursor": gettext_lazy("Send either offset or cursor, not both."),
}


def _translate(error: dict[str, Any]) -> str:
    if error.get("type") == "string_too_short" and (error.get("ctx") or {}).get("min_length") == 1:
        return _("This field cannot be empty.")
    if error.get("type") == "date_out_of_range":
        return date_range_message()
    limit = (error.get("ctx") or {}).get("max_length")
    if error.get("type") == "string_too_long" and isinstance(limit, int):
        return too_long_message(limit)  # names the limit, as the forms and the services do
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
    if isinstance(exc.__cause__, NulInBody):
        errors = [{"field": exc.__cause__.field, "message": str(NUL_MESSAGE)}]
        return api.create_response(
            request, {"message": _("The request has invalid fields."), "errors": errors}, status=422
        )
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
api.add_router("/coordination", coordination_documents_router)  # the body's documents, meeting annexes
api.add_router("/planning", planning_router)
api.add_router("/planning", planning_documents_router)  # the approved plan's document and its versions
api.add_router("/planning", planning_structure_router)  # editing lines … milestones, and the diagnosis
api.add_router("/council", council_router)
api.add_router("/defenders", defenders_router)
api.add_router("/cases", cases_router)
api.add_router("/cases", case_files_router)  # the cases themselves, their route and their parts
api.add_router("/tablero", tablero_catalogue_router)
api.add_router("/tablero", tablero_values_router)
api.add_router("/tablero", tablero_push_router)
api.add_router("/accountability", accountability_situation_router)  # the situation report of children
api.add_router("/protection", protection_router)  # protection files, alternative care and its resources
api.add_router("/safeguarding", safeguarding_router)  # protocol, signatures and concerns (#13 item 4)
api.add_router("/training", training_router)  # staff trainings (#13 item 5)
api.add_router("/consultations", consultations_router)  # consultations and social actors (#13 item 10)
api.add_router("/links", links_router)  # records of the cycle tied to plan measures (#13 item 11)
api.add_router("/evaluation", "ronda.evaluation.api.router")  # the evaluation phase of the plan (#13 item 12)
api.add_router("/certification", "ronda.certification.api.router")  # recognition of municipalities (#14)
api.add_router("/improvement", "ronda.improvement.api.router")  # self-assessment, team, pilots (#13 items 14-15)
