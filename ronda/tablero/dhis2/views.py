"""The DHIS2-compatible Web API (docs/dhis2.md): plumbing, system info, the user, metadata reads.

Every view is CSRF-exempt (DHIS2 clients send no token; sessions are not accepted, see ``auth``),
authenticates with Basic, ApiToken or Bearer, and answers errors as DHIS2 WebMessages.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import tempfile
from collections.abc import Callable
from functools import wraps
from typing import IO, Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.tablero import policies
from ronda.tablero.dhis2 import auth, fields, filters
from ronda.tablero.dhis2.serializers import Catalogue, timestamp
from ronda.territory.selectors import in_time_zone_of, time_zone_of

VERSION = "2.40.4"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1_000

STATUS_WORDS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
}


class WebError(Exception):
    """An answer other than success, sent as a WebMessage."""

    def __init__(self, status: int, message: str, error_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code


def web_message(
    status: int, message: str, *, error_code: str | None = None, state: str = "ERROR", response: Any = None
) -> JsonResponse:
    body: dict[str, Any] = {
        "httpStatus": STATUS_WORDS.get(status, "Error"),
        "httpStatusCode": status,
        "status": state,
        "message": message,
    }
    if error_code:
        body["errorCode"] = error_code
    if response is not None:
        body["response"] = response
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


View = Callable[..., HttpResponseBase]


def endpoint(*methods: str, anonymous: bool = False) -> Callable[[View], View]:
    """A DHIS2 route: the methods it answers, authentication, the actor's time zone, WebMessage errors.

    The view is called as ``view(request, actor, **kwargs)``; ``actor`` is None only where
    ``anonymous`` allows the public scope.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                try:
                    actor = auth.authenticate(request)
                except auth.Throttled as exc:
                    response = web_message(429, _("Too many failed attempts. Try again later."))
                    response["Retry-After"] = str(max(1, exc.verdict.retry_after))
                    return response
                except auth.Unauthorized:
                    actor = None
                    if request.META.get("HTTP_AUTHORIZATION"):
                        raise WebError(401, "Unauthorized") from None
                if actor is None and not anonymous:
                    raise WebError(401, "Unauthorized")
                with in_time_zone_of(actor.org_unit if actor is not None else None):
                    return view(request, actor, *args, **kwargs)
            except WebError as exc:
                response = web_message(exc.status, exc.message, error_code=exc.error_code)
                if exc.status == 401:
                    response["WWW-Authenticate"] = 'Basic realm="Ronda"'
                return response

        return csrf_exempt(require_http_methods(list(methods))(wrapped))

    return decorate


# --- Query parameters --------------------------------------------------------------------------


def flag(request: HttpRequest, name: str, default: bool = False) -> bool:
    value = request.GET.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("true", "1", "yes")


def int_param(request: HttpRequest, name: str, default: int, *, low: int = 1, high: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise WebError(409, f"Invalid value for parameter `{name}`: `{raw[:40]}`", "E1119") from None
    value = max(low, value)
    return min(value, high) if high is not None else value


def field_spec(request: HttpRequest) -> fields.Spec:
    try:
        return fields.parse_many(request.GET.getlist("fields"))
    except fields.FieldsError as exc:
        raise WebError(400, f"Illegal fields expression: `{str(exc)[:80]}`", "E7651") from None


def filter_list(request: HttpRequest) -> list[filters.Filter]:
    try:
        return filters.parse_all(request.GET.getlist("filter"))
    except filters.FilterError as exc:
        if exc.code == "E2035":
            raise WebError(409, f"Operator not supported: `{str(exc)[:40]}`", "E2035") from None
        raise WebError(409, f"Unable to parse filter `{str(exc)[:80]}`", "E2014") from None


# --- System and identity -----------------------------------------------------------------------


@endpoint("GET")
def system_info(request: HttpRequest, actor: Actor) -> HttpResponse:
    now = timezone.localtime()
    zone = time_zone_of(actor.org_unit)
    return json_response(
        {
            "contextPath": request.build_absolute_uri("/dhis2").rstrip("/"),
            "userAgent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "version": VERSION,
            "revision": "ronda",
            "buildTime": timestamp(now),
            "serverDate": timestamp(now),
            "serverTimeZoneId": zone,
            "serverTimeZoneDisplayName": zone,
            "calendar": "iso8601",
            "dateFormat": "yyyy-mm-dd",
            "systemName": "Ronda",
            "lastAnalyticsTableSuccess": timestamp(now),
            "intervalSinceLastAnalyticsTableSuccess": "0 s",
            "isMetadataVersionEnabled": False,
        }
    )


def _authorities(actor: Actor) -> list[str]:
    if actor.is_admin:
        return ["ALL"]
    out = ["M_dhis-web-dashboard"] if actor.role in policies.READERS else []
    if actor.role in policies.VALUE_WRITERS and not actor.is_read_only:
        out += ["F_DATAVALUE_ADD", "F_DATAVALUE_DELETE", "M_dhis-web-aggregate-data-entry"]
    return out


def me_object(actor: Actor) -> dict[str, Any]:
    user = actor.user
    unit = actor.org_unit
    units = [fields.Ref("organisationUnits", unit.uid)] if unit is not None else []
    full_name = user.get_full_name() or user.get_username()
    return {
        "id": f"U{user.pk:010d}",
        "username": user.get_username(),
        "firstName": user.first_name,
        "surname": user.last_name,
        "displayName": full_name,
        "name": full_name,
        "email": user.email,
        "organisationUnits": units,
        "dataViewOrganisationUnits": units,
        "teiSearchOrganisationUnits": [],
        "userRoles": [{"id": str(actor.role or ""), "name": str(Role(actor.role).label) if actor.role else ""}],
        "userGroups": [],
        "authorities": _authorities(actor),
        "settings": {"keyUiLocale": "es", "keyDbLocale": "es"},
    }


@endpoint("GET")
def me(request: HttpRequest, actor: Actor) -> HttpResponse:
    spec = field_spec(request) if request.GET.get("fields") else fields.ALL
    return json_response(fields.render(me_object(actor), spec, Catalogue(actor).resolve))


# --- Metadata ----------------------------------------------------------------------------------


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    base = request.build_absolute_uri(request.path)
    return f"{base}?{urlencode(list(params.lists()), doseq=True)}"


def _order(objects: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    for clause in reversed([c for text in order for c in text.split(",") if c.strip()]):
        name, _sep, direction = clause.strip().partition(":")
        direction = direction.lower() or "asc"
        if direction not in ("asc", "desc", "iasc", "idesc"):
            raise WebError(409, f"Invalid order: `{clause[:40]}`", "E2015")

        def key(obj: dict[str, Any], name: str = name, fold: bool = direction.startswith("i")) -> tuple[int, Any]:
            value = obj.get(name)
            if value is None or isinstance(value, dict | list | fields.Ref):
                return (1, "")
            if isinstance(value, bool | int | float):
                return (0, value)
            return (0, str(value).casefold() if fold else str(value))

        objects = sorted(objects, key=key, reverse=direction.endswith("desc"))
    return objects


def order_objects(objects: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    """Objects in the order of ``order=`` clauses (409 ``E2015`` for a bad direction)."""
    return _order(objects, order)


def _query(objects: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    tokens = text.casefold().split()
    out = []
    for obj in objects:
        haystack = " ".join(str(obj.get(k) or "") for k in ("id", "code", "name", "shortName")).casefold()
        if all(t in haystack for t in tokens):
            out.append(obj)
    return out


def _org_unit_params(request: HttpRequest, catalogue: Catalogue, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    levels = request.GET.getlist("level")
    if levels:
        wanted = set()
        for value in levels:
            try:
                wanted.add(int(value))
            except ValueError:
                raise WebError(409, f"Invalid level: `{value[:20]}`", "E1119") from None
        objects = [o for o in objects if o["level"] in wanted]
    max_level = request.GET.get("maxLevel")
    if max_level:
        try:
            top = int(max_level)
        except ValueError:
            raise WebError(409, f"Invalid level: `{max_level[:20]}`", "E1119") from None
        objects = [o for o in objects if o["level"] <= top]
    parent = request.GET.get("parent")
    if parent:
        objects = [o for o in objects if isinstance(o.get("parent"), fields.Ref) and o["parent"].uid == parent]
    if flag(request, "userOnly") or flag(request, "userDataViewOnly"):
        unit = catalogue.actor.org_unit
        objects = [o for o in objects if unit is not None and o["id"] == unit.uid]
    return objects


@endpoint("GET")
def metadata_list(request: HttpRequest, actor: Actor, resource: str) -> HttpResponse:
    catalogue = Catalogue(actor)
    spec = field_spec(request)
    flts = filter_list(request)
    objects = list(catalogue.objects(resource).values())
    if resource == "organisationUnits":
        objects = _org_unit_params(request, catalogue, objects)
    if request.GET.get("query"):
        objects = _query(objects, request.GET["query"])
    junction_or = request.GET.get("rootJunction", "AND").upper() == "OR"
    objects = filters.select(objects, flts, catalogue.resolve, junction_or=junction_or)
    objects = _order(objects, request.GET.getlist("order"))
    body: dict[str, Any] = {}
    if flag(request, "paging", default=True):
        page_size = int_param(request, "pageSize", DEFAULT_PAGE_SIZE, high=MAX_PAGE_SIZE)
        total = len(objects)
        page_count = max(1, math.ceil(total / page_size))
        page = int_param(request, "page", 1)
        pager: dict[str, Any] = {"page": page, "pageCount": page_count, "total": total, "pageSize": page_size}
        if page < page_count:
            pager["nextPage"] = _page_url(request, page + 1)
        if page > 1:
            pager["prevPage"] = _page_url(request, min(page - 1, page_count))
        body["pager"] = pager
        objects = objects[(page - 1) * page_size : page * page_size]
    body[resource] = [fields.render(o, spec, catalogue.resolve) for o in objects]
    return json_response(body)


@endpoint("GET")
def metadata_object(request: HttpRequest, actor: Actor, resource: str, uid: str) -> HttpResponse:
    catalogue = Catalogue(actor)
    spec = field_spec(request) if request.GET.get("fields") else fields.ALL
    obj = catalogue.objects(resource).get(uid)
    if obj is None:
        kind = "Category" if resource == "categories" else resource[0].upper() + resource[1:-1]
        raise WebError(404, f"{kind} with id {uid} could not be found.", "E1005")
    return json_response(fields.render(obj, spec, catalogue.resolve))


@endpoint("GET", "POST", "PUT", "DELETE", anonymous=True)
def not_found(request: HttpRequest, actor: Actor | None, rest: str = "") -> HttpResponse:
    raise WebError(404, "Not Found")


def json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(raw_body(request).decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise WebError(400, "Could not parse the JSON body.") from None


def raw_body(request: HttpRequest) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        raise WebError(413, "Payload too large") from None


BODY_CHUNK = 256 * 1024


def body_file(request: HttpRequest) -> IO[bytes]:
    """The body of a ``dataValueSets`` POST as a file, read from the stream in chunks: a country's
    month is a hundred megabytes, more than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` lets ``request.body``
    hold. Above that size it is spooled to a temporary file; above ``RONDA_IMPORT_MAX_BYTES`` (the
    limit of every import of values) the answer is 413 before anything is imported."""
    limit = settings.RONDA_IMPORT_MAX_BYTES
    read_already = getattr(request, "_body", None)  # something read ``request.body`` first
    if read_already is not None:
        return io.BytesIO(read_already)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise WebError(400, "Invalid Content-Length") from None
    if declared > limit:
        raise WebError(413, "Payload too large")
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    size = 0
    while chunk := request.read(BODY_CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise WebError(413, "Payload too large")
        spool.write(chunk)
    spool.seek(0)
    return spool


def today() -> dt.date:
    return timezone.localdate()
