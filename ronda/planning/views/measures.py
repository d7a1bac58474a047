"""Pages of one measure: detail, edit (with the change record), progress from a phone, evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ronda.core.files import private_file_response
from ronda.core.idempotency import once_per_submission
from ronda.core.roles import Role
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.planning import commitments, policies, selectors, services, trends
from ronda.planning.forms import (
    IndicatorForm,
    IndicatorValueForm,
    MeasureForm,
    MilestoneDoneForm,
    MilestoneForm,
    ProgressCorrectionForm,
    ProgressForm,
)
from ronda.planning.models import Measure, MeasureStatus, PlanStatus
from ronda.planning.views.common import paginate

OPEN_PLANS = (PlanStatus.APPROVED, PlanStatus.IN_EXECUTION)


@actor_required(policies.can_use_planning)
def my_measures(request: ActorRequest) -> HttpResponse:
    """The focal point's landing: the measures of their area in plans under way."""
    actor = get_actor(request)
    measures = policies.visible_measures(actor)
    if actor.area_id is not None and actor.has_role(Role.AREA_FOCAL):
        # Their area's own, even when a seat on the body lets them read the whole plan.
        measures = measures.filter(responsible_area_id=actor.area_id)
    measures = (
        measures.filter(plan__status__in=OPEN_PLANS)
        .select_related("plan", "responsible_area")
        .order_by("plan__org_unit__name", "end_date", "code")
    )
    status = request.GET.get("status", "")
    if status not in MeasureStatus.values:
        status = ""
    measures = selectors.filter_measures(measures, status=status or None)
    context = {
        "page": paginate(measures, request.GET.get("page"), per_page=50),
        "status": status,
        "statuses": MeasureStatus.choices,
        "is_focal": actor.has_role(Role.AREA_FOCAL),
        "can_record": policies.can_record_some_progress(actor),
    }
    return render(request, "planning/my_measures.html", context)


@actor_required(policies.can_use_planning)
def measure_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    measure = policies.get_measure(actor, pk, shape=selectors.measure_detail)
    budgets = {b.year: b for b in measure.budgets.all()}
    years = selectors.plan_years(measure.plan)
    indicators = list(measure.indicators.all())
    series = trends.trends(
        ((i.pk, i.catalogue_indicator_id, i.baseline_year) for i in indicators),
        measure.plan.org_unit_id,
        measure.plan.period_start,
        measure.plan.period_end,
    )
    can_edit = policies.can_edit_measure(actor, measure)
    context = {
        "measure": measure,
        # (indicator, its trend, whether a value can be recorded here: not for an indicator the
        # Tablero computes from several figures)
        "indicator_rows": [
            (
                i,
                series[i.pk],
                can_edit
                and (
                    i.catalogue_indicator is None
                    or services.recordable_cell(i.catalogue_indicator, measure.plan.org_unit) is not None
                ),
            )
            for i in indicators
        ],
        "plan": measure.plan,
        "budget_rows": [(y, budgets.get(y)) for y in years],
        "planned_total": sum((b.planned for b in budgets.values()), 0),
        "executed_total": sum((b.executed for b in budgets.values()), 0),
        "updates": list(measure.updates.all()),
        "can_read_plan": policies.can_read_plans(actor),
        "can_edit": can_edit,
        "can_record": policies.can_record_progress(actor, measure) and measure.plan.status in OPEN_PLANS,
        "today": timezone.localdate(),
        "coresp": _coresp_context(actor, measure, indicators),
    }
    return render(request, "planning/measure_detail.html", context)


def _coresp_context(actor: Any, measure: Measure, indicators: list[Any]) -> dict[str, Any]:
    """Co-responsibility on the measure's page: the partners' contributions, the figures not yet
    validated, and what this actor may send (two queries; the rest is prefetched)."""
    is_open = measure.plan.status in OPEN_PLANS and measure.status != MeasureStatus.CANCELLED
    can_submit = is_open and policies.can_submit_figures(actor, measure)
    return {
        "partners": commitments.measure_partners(actor, measure),
        "can_contribute": is_open and policies.can_contribute(actor, measure),
        "can_submit": can_submit,
        "can_review": policies.can_review_reports(actor, measure.plan),
        "open_milestones": [m for m in measure.milestones.all() if m.done_on is None] if can_submit else [],
        "indicators": [
            (
                i,
                i.catalogue_indicator is None
                or services.recordable_cell(i.catalogue_indicator, measure.plan.org_unit) is not None,
            )
            for i in indicators
        ]
        if can_submit
        else [],
    }


def _measure_initial(measure: Measure) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(measure, name)
        for name in ("code", "title", "description", "horizon", "start_date", "end_date", "status", "version")
    }
    initial.update(
        objective=measure.objective_id,
        responsible_area=measure.responsible_area_id,
        source_opportunity=measure.source_opportunity_id,
        co_areas=[a.pk for a in measure.co_areas.all()],
        co_institutions=[i.pk for i in measure.co_institutions.all()],
    )
    for budget in measure.budgets.all():
        initial[f"planned_{budget.year}"] = budget.planned
        initial[f"executed_{budget.year}"] = budget.executed
    return initial


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def measure_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    measure = policies.get_measure_for_edit(actor, pk)
    form = MeasureForm(request.POST or None, plan=measure.plan, initial=_measure_initial(measure))
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_measure(
                actor=actor,
                measure=measure,
                expected_version=form.cleaned_data["version"],
                change=form.change_record(),
                co_areas=list(form.cleaned_data["co_areas"]),
                co_institutions=list(form.cleaned_data["co_institutions"]),
                budgets=form.budgets(),
                **form.measure_fields(),
            )
            messages.success(request, _("Changes saved."))
            return redirect("planning:measure_detail", pk=measure.pk)
    return render(request, "planning/measure_form.html", {"form": form, "plan": measure.plan, "measure": measure})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_record_some_progress)
@once_per_submission
def progress_create(request: ActorRequest, pk: int) -> HttpResponse:
    """The focal point's phone form: a number, a few words, a photo or a PDF."""
    actor = get_actor(request)
    measure = policies.get_measure_for_progress(actor, pk)
    form = ProgressForm(
        request.POST or None,
        request.FILES or None,
        initial={"percent": measure.progress, "version": measure.version},
        current=measure.progress,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.record_progress(
                actor=actor,
                measure=measure,
                expected_version=data["version"],
                percent=data["percent"],
                justification=data["justification"],
                files=form.files_to_attach(),
                drop_reason=data.get("drop_reason") or "",
            )
            messages.success(
                request, _("Progress recorded: %(percent)s %%.") % {"percent": f"{data['percent'].normalize():f}"}
            )
            return redirect("planning:measure_detail", pk=measure.pk)
    context = {"form": form, "measure": measure, "open": measure.plan.status in OPEN_PLANS}
    return render(request, "planning/progress_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_record_some_progress)
@once_per_submission
def progress_correct(request: ActorRequest, pk: int) -> HttpResponse:
    """Correct a wrong progress report: the report stays in the history, shown as corrected."""
    actor = get_actor(request)
    update = policies.get_update_for_correction(actor, pk)
    measure = update.measure
    already = hasattr(update, "correction")
    form = ProgressCorrectionForm(request.POST or None, initial={"percent": update.percent, "version": measure.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.correct_progress(
                actor=actor,
                update=update,
                expected_version=data["version"],
                percent=data["percent"],
                reason=data["reason"],
            )
            messages.success(request, _("Progress report corrected."))
            return redirect("planning:measure_detail", pk=measure.pk)
    context = {"form": form, "update": update, "measure": measure, "already": already}
    return render(request, "planning/progress_correct.html", context)


@require_GET
@actor_required(policies.can_use_planning)
def evidence_download(request: ActorRequest, pk: int) -> HttpResponseBase:
    """Evidence is never a public URL: the same policy as its measure decides who gets the file."""
    actor = get_actor(request)
    evidence = policies.get_evidence(actor, pk)
    # Photos open in the browser; PDFs download (a PDF viewer is a larger attack surface).
    inline = evidence.content_type.startswith("image/") and request.GET.get("descargar") is None
    return private_file_response(
        request, evidence.file, evidence.original_name, content_type=evidence.content_type, inline=inline
    )


def _measure_child_form(request: ActorRequest, measure: Measure, form: Any, title: str) -> HttpResponse:
    return render(
        request,
        "planning/measure_child_form.html",
        {"form": form, "measure": measure, "plan": measure.plan, "title": title},
    )


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def indicator_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    measure = policies.get_measure_for_edit(actor, pk)
    form = IndicatorForm(request.POST or None)
    form.setup_change(measure.plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.add_indicator(
                actor=actor,
                measure=measure,
                name=data["name"],
                unit=data["unit"],
                baseline=data["baseline"],
                baseline_year=data["baseline_year"],
                target=data["target"],
                catalogue_indicator=data.get("catalogue_indicator"),
                change=form.change_record(),
            )
            messages.success(request, _("Indicator added."))
            return redirect("planning:measure_detail", pk=measure.pk)
    return _measure_child_form(request, measure, form, _("New indicator"))


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def indicator_value(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    indicator = policies.get_indicator_for_edit(actor, pk)
    measure = indicator.measure
    form = IndicatorValueForm(request.POST or None, initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.record_indicator_value(actor=actor, indicator=indicator, **form.cleaned_data)
            messages.success(request, _("Value recorded."))
            return redirect("planning:measure_detail", pk=measure.pk)
    title = _("New value of %(name)s") % {"name": indicator.name}
    return _measure_child_form(request, measure, form, title)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def milestone_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    measure = policies.get_measure_for_edit(actor, pk)
    form = MilestoneForm(request.POST or None)
    form.setup_change(measure.plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.add_milestone(
                actor=actor, measure=measure, title=data["title"], due_on=data["due_on"], change=form.change_record()
            )
            messages.success(request, _("Milestone added."))
            return redirect("planning:measure_detail", pk=measure.pk)
    return _measure_child_form(request, measure, form, _("New milestone"))


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def milestone_done(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    milestone = policies.get_milestone_for_edit(actor, pk)
    measure = milestone.measure
    form = MilestoneDoneForm(request.POST or None, initial={"done_on": milestone.done_on or timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.complete_milestone(actor=actor, milestone=milestone, done_on=form.cleaned_data["done_on"])
            messages.success(request, _("Milestone marked as done."))
            return redirect("planning:measure_detail", pk=measure.pk)
    title = _("Milestone done: %(title)s") % {"title": milestone.title}
    return _measure_child_form(request, measure, form, title)
