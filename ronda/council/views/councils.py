"""The council's overview (or the index of councils in scope) and its settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param, service_errors_on
from ronda.council import policies, selectors, services
from ronda.council.forms import CouncilForm
from ronda.council.models import ChildrenCouncil, CouncilRequest, RequestStatus
from ronda.council.views.common import (
    council_context,
    council_to_manage,
    council_url,
    edit_initial,
    own_municipality,
    selected_council,
)
from ronda.territory.models import Level, OrgUnit


@actor_required(policies.can_view_councils)
def overview(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    councils = policies.visible_councils(actor)
    council = selected_council(request, actor)
    if council is None:
        return _council_index(request, actor, councils)
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    requests = CouncilRequest.objects.filter(council=council)
    context = council_context(actor, council, "overview")
    context.update(
        {
            "today": today,
            "active_members": selectors.active_members(council).count(),
            "age_bands": selectors.members_by_age_band(council),
            "stats": selectors.request_stats(council, year_ago, today),
            "open_count": requests.open().count(),
            "overdue": list(requests.overdue(today).select_related("routed_area").order_by("due_on")[:5]),
            "overdue_count": requests.overdue(today).count(),
            "status_counts": _status_counts(requests),
            "sessions_year": council.sessions.filter(held_on__gte=year_ago).count(),
            "latest_sessions": list(council.sessions.order_by("-held_on", "-id")[:3]),
            "accountability_year": council.accountability_sessions.filter(held_on__gte=year_ago).count(),
            "latest_accountability": council.accountability_sessions.first(),
        }
    )
    return render(request, "council/overview.html", context)


def _status_counts(requests: QuerySet[CouncilRequest]) -> list[tuple[str, str, int]]:
    counts = dict(requests.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(value, str(label), counts.get(value, 0)) for value, label in RequestStatus.choices]


def _council_index(request: ActorRequest, actor: Actor, councils: QuerySet[ChildrenCouncil]) -> HttpResponse:
    """No council chosen: compare the councils in scope, or invite to set one up."""
    page = Paginator(councils.order_by("org_unit__name", "id"), 50).get_page(request.GET.get("page"))
    own = own_municipality(actor)
    context = {
        "page": page,
        "rows": selectors.council_summaries(list(page)),
        "own_municipality": own,
        "can_create": (
            policies.can_create_council(actor, own)
            if own is not None
            else actor.is_admin and policies.can_create_council(actor)
        ),
    }
    return render(request, "council/council_index.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
@once_per_submission
def council_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    own = own_municipality(actor)
    municipalities: QuerySet[OrgUnit] | None = None
    if own is None:
        if not actor.is_admin:
            raise Http404
        municipalities = (
            OrgUnit.objects.filter(level=Level.MUNICIPALITY, children_council__isnull=True)
            .select_related("parent")
            .order_by("name")
        )
    elif ChildrenCouncil.objects.filter(org_unit=own).exists():
        return redirect("council:overview")
    initial: dict[str, Any] = {"response_days": 30}
    if own is not None:
        initial["name"] = _("Children's council of %(municipality)s") % {"municipality": own.name}
    elif (unit_id := id_param(request.GET.get("municipio"))) is not None:
        initial["org_unit"] = unit_id
    form = CouncilForm(request.POST or None, initial=initial, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = own or data["org_unit"]
        if not policies.can_create_council(actor, unit):
            raise Http404
        with service_errors_on(form):
            council = services.create_council(
                actor=actor, org_unit=unit, **{k: data[k] for k in services.COUNCIL_EDITABLE}
            )
            messages.success(request, _("The children's council is set up."))
            return redirect(council_url("council:overview", council))
    return render(request, "council/council_form.html", {"form": form, "council": None, "municipality": own})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def council_edit(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    council = council_to_manage(request, actor)
    if council is None:
        return redirect("council:overview")
    form = CouncilForm(request.POST or None, initial=edit_initial(council, services.COUNCIL_EDITABLE))
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_council(
                actor=actor,
                council=council,
                expected_version=data["version"],
                **{k: data[k] for k in services.COUNCIL_EDITABLE},
            )
            messages.success(request, _("Changes saved."))
            return redirect(council_url("council:overview", council))
    return render(
        request, "council/council_form.html", {"form": form, "council": council, "municipality": council.org_unit}
    )
