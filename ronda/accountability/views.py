from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ronda.accountability import documents, policies, selectors, services
from ronda.accountability.models import ReportStatus
from ronda.accountability.selectors import PeriodError, ReportKind
from ronda.core import documents as core_documents
from ronda.core.files import private_file_response
from ronda.core.http import as_download
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor
from ronda.planning import policies as planning_policies
from ronda.planning.contracts import PlanFacts, PlanProgress, public_plan_document

if TYPE_CHECKING:
    from ronda.planning.contracts import PlanRef


# --- Public pages: no sign-in, nothing personal --------------------------------------------
def _public_context(request: HttpRequest, code: str, *, budget_share: bool = True) -> dict[str, object]:
    unit = selectors.public_municipality(code)
    if unit is None:
        raise Http404
    page = selectors.public_page(unit, budget_share=budget_share)
    return {
        "unit": page.unit,
        "identity_unit": page.unit,  # the page wears the municipality's colour (base.html)
        "plan": page.plan,
        "overview": page.overview,
        "answers": page.answers,
        "answered_by": page.answered_by,
        "indicators": page.indicators,
        "investment": page.investment,
        "instruments": page.instruments,
        "share_url": request.build_absolute_uri(),
    }


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Anonymous copies may sit in shared caches for five minutes; a signed-in visitor's page carries
    their name and menus, so it stays private."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    response = render(request, "accountability/public_index.html", {"units": selectors.public_municipality_list()})
    return _cacheable(request, response)


@require_GET
def public_plan(request: HttpRequest, code: str) -> HttpResponse:
    context = _public_context(request, code)
    plan = context["plan"]
    context["plan_document"] = public_plan_document(plan) if isinstance(plan, PlanFacts) else None
    return _cacheable(request, render(request, "accountability/public_plan.html", context))


@require_GET
def public_plan_file(request: HttpRequest, code: str) -> HttpResponseBase:
    """The approved plan's document of the plan the public page shows: only once it is approved."""
    unit = selectors.public_municipality(code)
    plan = selectors.current_public_plan(unit) if unit is not None else None
    version = public_plan_document(plan) if plan is not None else None
    if version is None:
        raise Http404
    return core_documents.version_response(request, version)


@require_GET
def public_plan_children(request: HttpRequest, code: str) -> HttpResponse:
    context = _public_context(request, code, budget_share=False)
    overview = context["overview"]
    context["lines"] = selectors.children_lines(overview) if isinstance(overview, PlanProgress) else ()
    response = render(request, "accountability/public_children.html", context)
    return _cacheable(request, response)


# --- Reports: plan readers in scope --------------------------------------------------------
@actor_required(planning_policies.can_read_plans)
def report_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    plans = (
        planning_policies.visible_plans(actor).select_related("org_unit").order_by("org_unit__name", "-period_start")
    )
    return render(request, "accountability/report_list.html", {"plans": plans[:200]})


def _parse_period(params: QueryDict) -> tuple[str, int | None, int | None]:
    kind = str(params.get("kind") or ReportKind.ANNUAL)
    if kind not in ReportKind.LABELS:
        raise PeriodError(_("Unknown report type."))
    raw_year, raw_semester = str(params.get("year") or ""), str(params.get("semester") or "")
    try:
        year = int(raw_year) if raw_year else None
        semester = int(raw_semester) if raw_semester else None
    except ValueError as exc:
        raise PeriodError(_("Year and semester must be numbers.")) from exc
    return kind, year, semester


def default_period(plan: PlanRef, today: dt.date) -> tuple[int, int]:
    """The year and semester the report form starts on: the current one while the plan runs, the
    plan's last once it has ended (its last closed period), its first before it starts."""
    day = min(max(today, plan.period_start), plan.period_end)
    return day.year, 1 if day.month <= 6 else 2


def _plan_page(request: ActorRequest, plan: PlanRef, *, error: str | None = None, status: int = 200) -> HttpResponse:
    actor = get_actor(request)
    default_year, default_semester = default_period(plan, timezone.localdate())
    context = {
        "plan": plan,
        "default_year": default_year,
        "default_semester": default_semester,
        "years": selectors.report_years(plan),
        "kinds": ReportKind.CHOICES,
        "recent": policies.visible_reports(actor).filter(plan_id=plan.pk)[:5],
        "error": error,
    }
    return render(request, "accountability/report_plan.html", context, status=status)


@require_GET
@actor_required(planning_policies.can_read_plans)
def report_plan(request: ActorRequest, plan_id: int) -> HttpResponse:
    return _plan_page(request, planning_policies.get_plan(get_actor(request), plan_id))


def _xlsx(plan: PlanRef, data: selectors.ReportData) -> HttpResponse:
    # The spreadsheet is written in the request: openpyxl takes milliseconds where WeasyPrint takes
    # seconds to lay out the PDF, so only the PDF goes through a job (decision 0016).
    response = HttpResponse(
        documents.render_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return as_download(response, services.report_name(plan.org_unit.name, data, "xlsx"))


@require_GET
@actor_required(planning_policies.can_read_plans)
def report_download(request: ActorRequest, plan_id: int, fmt: str = "xlsx") -> HttpResponse:
    """The spreadsheet at a stable address (links, scripts): ``informe.xlsx?kind=…&year=…``."""
    plan = planning_policies.get_plan(get_actor(request), plan_id)
    try:
        kind, year, semester = _parse_period(request.GET)
        data = selectors.report_data(plan, kind, year, semester)
    except PeriodError as exc:
        return _plan_page(request, plan, error=str(exc), status=400)
    return _xlsx(plan, data)


@require_POST
@actor_required(planning_policies.can_read_plans)
def report_request(request: ActorRequest, plan_id: int) -> HttpResponse:
    """The report form: the spreadsheet at once, or the PDF asked for and prepared by a job."""
    actor = get_actor(request)
    plan = planning_policies.get_plan(actor, plan_id)
    try:
        kind, year, semester = _parse_period(request.POST)
        if request.POST.get("format") == "xlsx":
            return _xlsx(plan, selectors.report_data(plan, kind, year, semester))
        report = services.request_report(actor=actor, plan=plan, kind=kind, year=year, semester=semester)
    except PeriodError as exc:
        return _plan_page(request, plan, error=str(exc), status=400)
    return redirect("accountability:report_status", pk=report.pk)


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@actor_required(planning_policies.can_read_plans)
def report_status(request: ActorRequest, pk: int) -> HttpResponse:
    """Waiting, being prepared, ready or failed. While it is in progress htmx asks again every few
    seconds and swaps the partial; without JavaScript the page has a plain link to reload it."""
    report = policies.get_report(get_actor(request), pk)
    context = {
        "report": report,
        "plan": report.plan,
        "stale": report.in_progress and report.created_at < timezone.now() - services.STALE_AFTER,
    }
    if request.htmx:
        if request.GET.get("shown") == report.status and not context["stale"]:
            # Nothing new: htmx keeps the page as it is (no swap on 204) and asks again later, so a
            # screen reader does not hear the same sentence every two seconds.
            return _private(HttpResponse(status=204))
        return _private(render(request, "accountability/partials/report_status.html", context))
    return _private(render(request, "accountability/report_status.html", context))


@require_GET
@actor_required(planning_policies.can_read_plans)
def report_file(request: ActorRequest, pk: int) -> HttpResponseBase:
    """The ready PDF, for its owner while they may still read the plan; 404 for everybody else."""
    report = policies.get_report(get_actor(request), pk)
    if report.status != ReportStatus.READY:
        raise Http404
    return private_file_response(request, report.file, report.download_name, content_type="application/pdf")
