from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ronda.accountability import documents, selectors
from ronda.accountability.selectors import PeriodError, ReportKind
from ronda.core.tenancy import get_object_or_404_scoped
from ronda.core.views_helpers import actor_required, get_actor
from ronda.council.selectors import answered_requests_public
from ronda.planning import policies as planning_policies
from ronda.planning.selectors import plan_overview, plan_years


# --- Public pages: no sign-in, nothing personal --------------------------------------------
def _public_context(request: HttpRequest, code: str) -> dict[str, object]:
    unit = selectors.public_municipality(code)
    if unit is None:
        raise Http404
    plan = selectors.current_public_plan(unit)
    return {
        "unit": unit,
        "plan": plan,
        "overview": plan_overview(plan) if plan is not None else None,
        "answers": answered_requests_public(unit, limit=30),
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
    response = render(request, "accountability/public_index.html", {"units": selectors.public_municipalities()})
    return _cacheable(request, response)


@require_GET
def public_plan(request: HttpRequest, code: str) -> HttpResponse:
    return _cacheable(request, render(request, "accountability/public_plan.html", _public_context(request, code)))


@require_GET
def public_plan_children(request: HttpRequest, code: str) -> HttpResponse:
    response = render(request, "accountability/public_children.html", _public_context(request, code))
    return _cacheable(request, response)


# --- Reports: plan readers in scope --------------------------------------------------------
@actor_required(planning_policies.can_read_plans)
def report_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    plans = (
        planning_policies.visible_plans(actor).select_related("org_unit").order_by("org_unit__name", "-period_start")
    )
    return render(request, "accountability/report_list.html", {"plans": plans[:200]})


def _parse_period(request: HttpRequest) -> tuple[str, int | None, int | None]:
    kind = request.GET.get("kind", ReportKind.ANNUAL)
    if kind not in ReportKind.LABELS:
        raise PeriodError(_("Unknown report type."))
    try:
        year = int(request.GET["year"]) if request.GET.get("year") else None
        semester = int(request.GET["semester"]) if request.GET.get("semester") else None
    except ValueError as exc:
        raise PeriodError(_("Year and semester must be numbers.")) from exc
    return kind, year, semester


@actor_required(planning_policies.can_read_plans)
def report_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = get_actor(request)
    plan = get_object_or_404_scoped(planning_policies.visible_plans(actor).select_related("org_unit"), pk=plan_id)
    return render(
        request,
        "accountability/report_plan.html",
        {"plan": plan, "years": plan_years(plan), "kinds": ReportKind.CHOICES},
    )


@actor_required(planning_policies.can_read_plans)
def report_download(request: HttpRequest, plan_id: int, fmt: str) -> HttpResponse:
    actor = get_actor(request)
    plan = get_object_or_404_scoped(planning_policies.visible_plans(actor).select_related("org_unit"), pk=plan_id)
    try:
        kind, year, semester = _parse_period(request)
        data = selectors.report_data(plan, kind, year, semester)
    except PeriodError as exc:
        return render(
            request,
            "accountability/report_plan.html",
            {"plan": plan, "years": plan_years(plan), "kinds": ReportKind.CHOICES, "error": str(exc)},
            status=400,
        )
    name = slugify(f"{plan.org_unit.name}-{data.kind_label}-{data.period.label}") or "informe"
    if fmt == "pdf":
        response = HttpResponse(documents.render_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(
            documents.render_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
