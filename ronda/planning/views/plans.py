"""Pages of the plan: list, the coordinator's plan page, status, lines, objectives, new measures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ronda.core.idempotency import once_per_submission
from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param, service_errors_on
from ronda.planning import alerts, policies, selectors, services
from ronda.planning.choices import GoalArea
from ronda.planning.forms import LineForm, MeasureForm, ObjectiveForm, PlanForm, PlanStatusForm
from ronda.planning.models import LocalPlan, MeasureStatus, PlanStatus
from ronda.planning.views.common import chosen_municipality, home_municipality, paginate, setup_municipality_field

CURRENT = (PlanStatus.APPROVED, PlanStatus.IN_EXECUTION)


@actor_required(policies.can_use_planning)
def plan_home(request: ActorRequest) -> HttpResponse:
    """The focal point lands on their measures; a coordinator on the current plan of their municipality."""
    actor = get_actor(request)
    if actor.has_role(Role.AREA_FOCAL):
        return redirect("planning:my_measures")
    unit = home_municipality(actor)
    if unit is not None:
        plans = policies.visible_plans(actor).filter(org_unit=unit)
        plan = plans.filter(status__in=CURRENT).order_by("-period_start").first() or plans.first()
        if plan is not None:
            return redirect("planning:plan_detail", pk=plan.pk)
    return redirect("planning:plan_list")


@actor_required(policies.can_read_plans)
def plan_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    plans = policies.visible_plans(actor).order_by("org_unit__name", "-period_start")
    context = {
        "page": paginate(plans, request.GET.get("page")),
        "can_create": policies.can_create_plans(actor),
    }
    return render(request, "planning/plan_list.html", context)


def _analyses_for(actor: Actor, plan: LocalPlan | None) -> Any:
    analyses = policies.visible_analyses(actor)
    if plan is not None:
        return analyses.filter(org_unit=plan.org_unit)
    unit = home_municipality(actor)
    return analyses.filter(org_unit=unit) if unit is not None else analyses


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_create_plans)
@once_per_submission
def plan_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = PlanForm(request.POST or None)
    form.fields.pop("version")
    form.setup_change(None)
    setup_municipality_field(form, actor)
    form.fields["situation_analysis"].queryset = _analyses_for(actor, None)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        unit = chosen_municipality(form, actor)
        if unit is not None:
            data = form.cleaned_data
            with service_errors_on(form):
                plan = services.create_plan(
                    actor=actor,
                    org_unit=unit,
                    title=data["title"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    weighting=data["weighting"],
                    situation_analysis=data["situation_analysis"],
                )
                messages.success(request, _("Plan created. Add its strategic lines, objectives and measures."))
                return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "plan": None})


@actor_required(policies.can_read_plans)
def plan_detail(request: ActorRequest, pk: int) -> HttpResponse:
    """The coordinator's plan page: the tree with rolled-up progress, budgets, latest updates, changes."""
    actor = get_actor(request)
    plan = policies.get_plan(actor, pk)
    areas = list(policies.areas_of(plan).order_by("name"))
    area_id = id_param(request.GET.get("area"))
    if area_id is not None and area_id not in {a.pk for a in areas}:
        area_id = None
    status = request.GET.get("status", "")
    if status not in MeasureStatus.values:
        status = ""
    overview = selectors.plan_overview(plan, area_id=area_id, status=status or None)
    context = {
        "plan": plan,
        "overview": overview,
        "areas": areas,
        "statuses": MeasureStatus.choices,
        # The tree's labels, looked up in a dict: get_status_display() translates every choice each time.
        "status_labels": dict(MeasureStatus.choices),
        "goal_area_labels": dict(GoalArea.choices),
        "area_id": area_id,
        "status": status,
        "can_edit": policies.can_edit_plan(actor, plan),
        "next_status": services.NEXT_STATUS.get(PlanStatus(plan.status))
        if policies.can_change_plan_status(actor, plan)
        else None,
    }
    if request.htmx:
        return render(request, "planning/partials/plan_tree.html", context)
    context["updates"] = selectors.latest_updates(plan)
    context["changes"] = selectors.plan_changes(plan)
    context["coresp_plan"] = _coresp_plan(actor, plan)
    return render(request, "planning/plan_detail.html", context)


PLAN_PAGE_ALERTS = 5


def _coresp_plan(actor: Actor, plan: LocalPlan) -> dict[str, Any] | None:
    """The plan's alerts in short and what waits for validation (one query); None for a plan not
    under way (a draft has nothing to alert about; an evaluated plan is closed)."""
    if plan.status not in CURRENT:
        return None
    found = alerts.plan_scan(actor, plan)
    can_review = policies.can_review_reports(actor, plan)
    return {
        "alerts": found.alerts[:PLAN_PAGE_ALERTS],
        "more": max(len(found.alerts) - PLAN_PAGE_ALERTS, 0),
        "can_review": can_review,
        "pending": found.pending if can_review else 0,
    }


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def plan_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    plan = policies.get_plan_for_edit(actor, pk)
    form = PlanForm(
        request.POST or None,
        initial={
            "title": plan.title,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "weighting": plan.weighting,
            "situation_analysis": plan.situation_analysis_id,
            "version": plan.version,
        },
    )
    form.fields.pop("municipality")
    form.fields["version"].required = True  # an edit must say which version it started from
    form.fields["situation_analysis"].queryset = _analyses_for(actor, plan)  # type: ignore[attr-defined]
    form.setup_change(plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_plan(
                actor=actor,
                plan=plan,
                expected_version=data["version"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                weighting=data["weighting"],
                situation_analysis=data["situation_analysis"],
                change=form.change_record(),
            )
            messages.success(request, _("Changes saved."))
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def plan_status(request: ActorRequest, pk: int) -> HttpResponse:
    """Move the plan one step forward (approving it records the approval)."""
    actor = get_actor(request)
    plan = policies.get_plan_for_status_change(actor, pk)
    next_status = services.NEXT_STATUS.get(PlanStatus(plan.status))
    if next_status is None:
        raise Http404
    form = PlanStatusForm(request.POST or None, initial={"version": plan.version})
    approving = next_status == PlanStatus.APPROVED
    if not approving:
        for name in ("approved_on", "approved_by", "approval_reference"):
            form.fields.pop(name)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.change_plan_status(
                actor=actor,
                plan=plan,
                expected_version=data["version"],
                status=next_status,
                approved_on=data.get("approved_on"),
                approved_by=data.get("approved_by", ""),
                approval_reference=data.get("approval_reference", ""),
            )
            messages.success(
                request, _("The plan is now: %(status)s.") % {"status": PlanStatus(next_status).label.lower()}
            )
            return redirect("planning:plan_detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "next_status": PlanStatus(next_status), "approving": approving}
    return render(request, "planning/plan_status.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def line_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    plan = policies.get_plan_for_edit(actor, pk)
    form = LineForm(request.POST or None)
    form.setup_change(plan)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.create_line(
                actor=actor,
                plan=plan,
                title=form.cleaned_data["title"],
                goal_area=form.cleaned_data["goal_area"],
                child_title=form.cleaned_data.get("child_title") or "",
                change=form.change_record(),
            )
            messages.success(request, _("Strategic line added."))
            return redirect("planning:plan_detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "title": _("New strategic line")}
    return render(request, "planning/plan_child_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def objective_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    line = policies.get_line_for_edit(actor, pk)
    plan = line.plan
    form = ObjectiveForm(request.POST or None)
    form.setup_change(plan)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.create_objective(
                actor=actor, line=line, title=form.cleaned_data["title"], change=form.change_record()
            )
            messages.success(request, _("Objective added."))
            return redirect("planning:plan_detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "line": line, "title": _("New objective")}
    return render(request, "planning/plan_child_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def measure_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    plan = policies.get_plan_for_edit(actor, pk)
    initial = {
        "objective": id_param(request.GET.get("objetivo")),
        "source_opportunity": id_param(request.GET.get("oportunidad")),
        "start_date": plan.period_start,
        "end_date": plan.period_end,
    }
    form = MeasureForm(request.POST or None, plan=plan, initial=initial)
    form.fields.pop("version")
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            measure = services.create_measure(
                actor=actor,
                plan=plan,
                co_areas=list(form.cleaned_data["co_areas"]),
                co_institutions=list(form.cleaned_data["co_institutions"]),
                budgets=form.budgets(),
                change=form.change_record(),
                **form.measure_fields(),
            )
            messages.success(request, _("Measure added."))
            return redirect("planning:measure_detail", pk=measure.pk)
    return render(request, "planning/measure_form.html", {"form": form, "plan": plan, "measure": None})
