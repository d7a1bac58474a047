"""The Tablero's public page of a municipality, and the coordinator's choice of what it shows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param
from ronda.tablero import policies_public as policies
from ronda.tablero import publication
from ronda.tablero.models import Indicator


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """As the other public pages: shared caches may keep an anonymous copy for five minutes; a
    signed-in visitor's page carries their name and menus, so it stays private."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response


@require_GET
def public_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = policies.get_public_municipality(code)
    items = publication.public_indicators(unit, timezone.localdate())
    context = {"unit": unit, "groups": publication.by_goal_area(items)}
    return _cacheable(request, render(request, "tablero/public/page.html", context))


def _chosen(request: HttpRequest, unit_indicators: list[Indicator]) -> list[Indicator]:
    """The ticked indicators, by the order typed beside each (then the list's order)."""
    ticked = {id_param(v) for v in request.POST.getlist("indicator")}
    rows = []
    for position, indicator in enumerate(unit_indicators):
        if indicator.pk not in ticked:
            continue
        raw = request.POST.get(f"order_{indicator.pk}", "")
        order = id_param(raw) if raw != "0" else 0
        rows.append((order if order is not None else 10_000 + position, position, indicator))
    return [indicator for _o, _p, indicator in sorted(rows, key=lambda r: (r[0], r[1]))]


@require_http_methods(["GET", "POST"])
@actor_required(lambda actor: policies.publication_unit(actor) is not None)
def manage(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    unit = policies.get_publication_unit(actor)
    indicators = list(policies.publishable_indicators(unit).order_by("name", "pk"))
    published = {row.indicator_id: row.sort_order for row in policies.published_indicators(unit)}
    errors: list[str] = []
    if request.method == "POST":
        try:
            publication.set_published(actor=actor, org_unit=unit, indicators=_chosen(request, indicators))
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("The public page shows the indicators you chose."))
            return redirect("tablero:publication")
    rows = [
        {"indicator": i, "published": i.pk in published, "order": published.get(i.pk, "")}
        for i in sorted(indicators, key=lambda i: (i.pk not in published, published.get(i.pk, 0), i.name))
    ]
    context = {"unit": unit, "rows": rows, "errors": errors, "published_count": len(published)}
    return render(request, "tablero/public/manage.html", context, status=400 if errors else 200)


urlpatterns: list[URLPattern] = [
    path("publico/<str:code>/", public_page, name="public_page"),
    path("publicar/", manage, name="publication"),
]
