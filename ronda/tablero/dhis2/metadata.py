"""``GET /api/metadata``: the catalogue in one answer, as DHIS2's metadata export (docs/dhis2.md §3).

The same objects as the resource endpoints (``serializers.Catalogue``, scoped for the actor), one
list per resource: ``{"system": {…}, "dataElements": […], "indicators": […], …}``.

* Which resources: none named → all of them; ``dataElements=true`` (any resource's name) → only
  those named true; ``<resource>=false`` leaves one out.
* ``fields`` (default ``:owner``, every field) and ``filter`` / ``order`` apply to every resource;
  ``<resource>:fields``, ``<resource>:filter`` and ``<resource>:order`` to that resource only (and
  beat the general ones). A filter on a property a resource does not have leaves none of it.
* No paging, as DHIS2's export.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ronda.core.tenancy import Actor
from ronda.tablero.dhis2 import fields, filters
from ronda.tablero.dhis2.serializers import Catalogue, timestamp
from ronda.tablero.dhis2.views import VERSION, WebError, endpoint, json_response, order_objects

TRUE = ("true", "1", "yes")
FALSE = ("false", "0", "no")


def _choice(request: HttpRequest, resource: str) -> bool | None:
    value = request.GET.get(resource)
    if value is None:
        return None
    text = value.strip().lower()
    return True if text in TRUE else False if text in FALSE else None


def resources_asked(request: HttpRequest) -> list[str]:
    choices = {r: _choice(request, r) for r in Catalogue.RESOURCES}
    if any(c is True for c in choices.values()):
        return [r for r, c in choices.items() if c is True]
    return [r for r, c in choices.items() if c is not False]


def _spec(request: HttpRequest, resource: str) -> fields.Spec:
    texts = request.GET.getlist(f"{resource}:fields") or request.GET.getlist("fields")
    if not texts:
        return fields.ALL
    try:
        return fields.parse_many(texts)
    except fields.FieldsError as exc:
        raise WebError(400, f"Illegal fields expression: `{str(exc)[:80]}`", "E7651") from None


def _filters(request: HttpRequest, resource: str) -> list[filters.Filter]:
    texts = request.GET.getlist("filter") + request.GET.getlist(f"{resource}:filter")
    try:
        return filters.parse_all(texts)
    except filters.FilterError as exc:
        if exc.code == "E2035":
            raise WebError(409, f"Operator not supported: `{str(exc)[:40]}`", "E2035") from None
        raise WebError(409, f"Unable to parse filter `{str(exc)[:80]}`", "E2014") from None


@endpoint("GET")
def metadata(request: HttpRequest, actor: Actor) -> HttpResponse:
    catalogue = Catalogue(actor)
    now = timezone.localtime()
    body: dict[str, Any] = {"system": {"id": "ronda", "rev": "ronda", "version": VERSION, "date": timestamp(now)}}
    junction_or = request.GET.get("rootJunction", "AND").upper() == "OR"
    for resource in resources_asked(request):
        spec = _spec(request, resource)
        flts = _filters(request, resource)
        objects = list(catalogue.objects(resource).values())
        objects = filters.select(objects, flts, catalogue.resolve, junction_or=junction_or)
        order = request.GET.getlist(f"{resource}:order") or request.GET.getlist("order")
        objects = order_objects(objects, order)
        body[resource] = [fields.render(o, spec, catalogue.resolve) for o in objects]
    return json_response(body)
