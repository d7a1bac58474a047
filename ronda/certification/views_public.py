"""The public list and map of recognised municipalities (issue #14 item 6): no sign-in, nothing personal.

Both pages answer GET only. Their filters (``pais``, ``marco``) are checked against the options
shown; a value that is not one of them is ignored, as on the Tablero's and the catalogue's lists,
and the page answers as if it had not been sent. ``pagina`` and ``pagina_vencidos`` page the two
sections of the list (Django's ``Paginator.get_page``: a page out of range shows the last one).

**Caching.** An anonymous copy may be kept by shared caches for five minutes
(``Cache-Control: public, max-age=300``), as the other public pages: a revocation or a recognition
that expires at midnight shows within five minutes. The verification page of one code, which a
reader uses to prove a certificate, is never cached (``views.verify``). A signed-in visitor's copy
carries their name and menus, so it stays private and is not stored.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from ronda.certification import public

PAGE_SIZE = 50
PUBLIC_MAX_AGE = 300  # seconds: how late a revocation may show on a cached copy


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _filters(request: HttpRequest) -> tuple[public.Filters, dict[str, Any]]:
    countries = public.countries()
    frameworks = public.frameworks()
    filters = public.clean_filters(request.GET, countries, frameworks)
    return filters, {"filters": filters, "countries": countries, "frameworks": frameworks}


def _query(filters: public.Filters, **pages: int) -> str:
    """The filters as a query string (for the pagers and the links between the list and the map)."""
    query = QueryDict(mutable=True)
    if filters.country:
        query["pais"] = filters.country
    if filters.framework:
        query["marco"] = filters.framework
    for name, number in pages.items():
        if number > 1:
            query[name] = str(number)
    return query.urlencode()


@require_GET
def recognised(request: HttpRequest) -> HttpResponse:
    """The recognitions valid today, by municipality, paged; then those expired in the last year."""
    today = timezone.localdate()
    filters, context = _filters(request)
    valid_page = Paginator(public.valid(filters, today), PAGE_SIZE).get_page(request.GET.get("pagina"))
    expired_page = Paginator(public.expired(filters, today), PAGE_SIZE).get_page(request.GET.get("pagina_vencidos"))
    context.update(
        today=today,
        valid_page=valid_page,
        valid_rows=public.recognitions(valid_page.object_list, today, context["countries"]),
        expired_page=expired_page,
        expired_rows=public.recognitions(expired_page.object_list, today, context["countries"]),
        # Each pager keeps the filters and the other section's page.
        valid_query=_query(filters, pagina_vencidos=expired_page.number),
        expired_query=_query(filters, pagina=valid_page.number),
        filter_query=_query(filters),
    )
    return _cacheable(request, render(request, "certification/public_recognised.html", context))


@require_GET
def recognised_map(request: HttpRequest) -> HttpResponse:
    """The map of the municipalities recognised today or in the last year, with its table."""
    today = timezone.localdate()
    filters, context = _filters(request)
    rows = [*public.valid(filters, today), *public.expired(filters, today)]
    items = public.recognitions(rows, today, context["countries"])
    context.update(
        today=today,
        result=public.recognition_map(items),
        legend=public.legend(),
        filter_query=_query(filters),
    )
    return _cacheable(request, render(request, "certification/public_map.html", context))
