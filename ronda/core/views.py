from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_safe

from ronda.core import audit_actions, audit_display, audit_readers, policies, site
from ronda.core.forms import date_in_range
from ronda.core.views_helpers import actor_required, get_actor, id_param


@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, with the CSRF check only for signed-in people.

    The public pages are cached by shared caches (``Cache-Control: public``): a CSRF token in
    their footer would set a cookie on every anonymous answer, so a cache would either refuse them
    or hand one visitor's token to everybody. For an anonymous visitor the switch changes only a
    cookie of their own language, which a forged request gains nothing from; a signed-in person's
    switch is checked as every other form, and the language becomes theirs (``User.language``: their
    e-mails, their pages at their next sign-in), audited.
    """
    if request.user.is_authenticated:
        return _set_own_language(request)
    return i18n.set_language(request)


@csrf_protect
def _set_own_language(request: HttpRequest) -> HttpResponse:
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER) if request.method == "POST" else None
    actor = getattr(request, "actor", None)
    if actor is not None and language is not None and language in site.language_codes():
        site.save_language(actor=actor, language=language)
    return response


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe; touches no database (also the benchmark's floor)."""
    return JsonResponse({"status": "ok"})


def _date(value: str) -> dt.date | None:
    """A YYYY-MM-DD date between 1900 and 2100, or None (also for 2026-13-01, which parse_date
    raises on, and 9999-12-31, whose next day overflows)."""
    try:
        day = parse_date(value)
    except ValueError:
        return None
    return day if day is not None and date_in_range(day) else None


@require_safe
@never_cache
@actor_required(policies.can_view_audit)
def audit_trail(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    params = request.GET
    log = "access" if params.get("log") == "access" else "changes"
    events: Any = policies.visible_access_events(actor) if log == "access" else policies.visible_audit_events(actor)
    filters = {
        "actor": params.get("actor", "").strip(),
        "object": params.get("object", "").strip(),
        "action": params.get("action", "").strip(),
        "date_from": params.get("date_from", "").strip(),
        "date_to": params.get("date_to", "").strip(),
    }
    if filters["actor"]:
        events = events.filter(actor_username__icontains=filters["actor"])
    if filters["object"]:
        term = filters["object"]
        # Names are searched only among the objects of modules open to the actor: otherwise counting
        # the matches would reveal names the trail itself hides.
        by_name = Q(target_repr__icontains=term)
        if not actor.is_admin:
            by_name &= Q(target_type__in=audit_readers.readable_types(actor))
        condition = by_name | Q(target_type__icontains=term)
        if id_param(term) is not None:
            condition |= Q(target_id=term)
        events = events.filter(condition)
    if log == "changes" and audit_actions.known(filters["action"]):
        events = events.filter(action=filters["action"])
    errors = []
    tz = timezone.get_current_timezone()
    date_from = _date(filters["date_from"]) if filters["date_from"] else None
    date_to = _date(filters["date_to"]) if filters["date_to"] else None
    if filters["date_from"] and date_from is None:
        errors.append("date_from")
    if filters["date_to"] and date_to is None:
        errors.append("date_to")
    if date_from:
        events = events.filter(created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        events = events.filter(
            created_at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    page = Paginator(events, 50).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": audit_display.display(actor, page.object_list),
        "filters": filters,
        "errors": errors,
        "actions": audit_actions.choices(),
        "query": query.urlencode(),
        "log": log,
    }
    template = "core/partials/audit_results.html" if request.htmx else "core/audit.html"  # type: ignore[attr-defined]
    return render(request, template, context)
