"""The situation report of a municipality's children: the page, the PDF asked for and made by a
job, its status and its file (issue #10 item 9). Readers of the municipality's Tablero figures
(``policies_situation``); 404 for everybody else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ronda.accountability import policies_situation as policies
from ronda.accountability import services_situation as services
from ronda.accountability import situation
from ronda.accountability.models import ReportStatus
from ronda.accountability.selectors import PeriodError
from ronda.core.files import private_file_response
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor

if TYPE_CHECKING:
    from ronda.territory.models import OrgUnit

MAX_UNITS_LISTED = 200


def _private(response: HttpResponse) -> HttpResponse:
    # Figures of one municipality for a signed-in reader: never in a shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _year(raw: object) -> int:
    text = str(raw or "")
    if not text:
        return timezone.localdate().year
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise PeriodError(_("Year and semester must be numbers."))
    return services.check_year(int(text))


@require_GET
@actor_required(policies.can_read_situation)
def situation_index(request: ActorRequest) -> HttpResponse:
    """The municipalities the actor may read: straight to the page when there is one."""
    units = list(policies.situation_units(get_actor(request)).order_by("name")[: MAX_UNITS_LISTED + 1])
    if len(units) == 1:
        return redirect("accountability:situation", unit_id=units[0].pk)
    return _private(render(request, "accountability/situation_index.html", {"units": units[:MAX_UNITS_LISTED]}))


def _page(
    request: ActorRequest, unit: OrgUnit, year: int, *, error: str | None = None, status: int = 200
) -> HttpResponse:
    actor = get_actor(request)
    data = situation.situation_report(actor, unit, today=timezone.localdate(), year=year)
    this_year = timezone.localdate().year
    context = {
        "data": data,
        "years": list(range(this_year, services.FIRST_YEAR - 1, -1)),
        "recent": policies.visible_situation_reports(actor).filter(org_unit=unit)[:5],
        "others": list(policies.situation_units(actor).exclude(pk=unit.pk).order_by("name")[:12]),
        "error": error,
    }
    return _private(render(request, "accountability/situation.html", context, status=status))


@require_GET
@actor_required(policies.can_read_situation)
def situation_page(request: ActorRequest, unit_id: int) -> HttpResponse:
    unit = policies.get_situation_unit(get_actor(request), unit_id)
    try:
        year = _year(request.GET.get("year"))
    except PeriodError as exc:
        return _page(request, unit, timezone.localdate().year, error=str(exc), status=400)
    return _page(request, unit, year)


@require_POST
@actor_required(policies.can_read_situation)
def situation_request(request: ActorRequest, unit_id: int) -> HttpResponse:
    actor = get_actor(request)
    unit = policies.get_situation_unit(actor, unit_id)
    try:
        report = services.request_situation_report(actor=actor, unit=unit, year=_year(request.POST.get("year")))
    except PeriodError as exc:
        return _page(request, unit, timezone.localdate().year, error=str(exc), status=400)
    return redirect("accountability:situation_status", pk=report.pk)


@require_GET
@actor_required(policies.can_read_situation)
def situation_status(request: ActorRequest, pk: int) -> HttpResponse:
    """Waiting, being prepared, ready or failed; htmx asks again while it is in progress."""
    report = policies.get_situation_report(get_actor(request), pk)
    context = {
        "report": report,
        "stale": report.in_progress and report.created_at < timezone.now() - services.STALE_AFTER,
    }
    if request.htmx:
        if request.GET.get("shown") == report.status and not context["stale"]:
            return _private(HttpResponse(status=204))
        return _private(render(request, "accountability/partials/situation_status.html", context))
    return _private(render(request, "accountability/situation_status.html", context))


@require_GET
@actor_required(policies.can_read_situation)
def situation_file(request: ActorRequest, pk: int) -> HttpResponseBase:
    """The ready PDF, for its owner while they may still read the municipality; 404 for everybody else."""
    report = policies.get_situation_report(get_actor(request), pk)
    if report.status != ReportStatus.READY:
        raise Http404
    return private_file_response(request, report.file, report.download_name, content_type="application/pdf")
