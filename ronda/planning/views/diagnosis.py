"""Pages of the diagnosis: situation analyses, findings, workshops, opportunities and their priorities."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.planning import policies, services
from ronda.planning.choices import GoalArea, Horizon
from ronda.planning.forms import AnalysisForm, FindingForm, OpportunityForm, WorkshopForm
from ronda.planning.models import Criticality, Finding, ImprovementOpportunity, PlanStatus, SituationAnalysis
from ronda.planning.views.common import chosen_municipality, paginate, setup_municipality_field


@actor_required(policies.can_read_plans)
def analysis_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    analyses = (
        policies.visible_analyses(actor)
        .annotate(opportunity_count=Count("opportunities", distinct=True))
        .order_by("org_unit__name", "-period_start")
    )
    return render(
        request,
        "planning/analysis_list.html",
        {"page": paginate(analyses, request.GET.get("page")), "can_create": policies.can_create_plans(actor)},
    )


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_create_plans)
@once_per_submission
def analysis_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = AnalysisForm(request.POST or None)
    form.fields.pop("version")
    setup_municipality_field(form, actor)
    if request.method == "POST" and form.is_valid():
        unit = chosen_municipality(form, actor)
        if unit is not None:
            data = form.cleaned_data
            with service_errors_on(form):
                analysis = services.create_analysis(
                    actor=actor,
                    org_unit=unit,
                    title=data["title"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    summary=data["summary"],
                )
                messages.success(request, _("Diagnosis created."))
                return redirect("planning:analysis_detail", pk=analysis.pk)
    return render(request, "planning/analysis_form.html", {"form": form, "analysis": None})


def _analysis_page(analyses: QuerySet[SituationAnalysis]) -> QuerySet[SituationAnalysis]:
    return analyses.prefetch_related(
        Prefetch("findings", queryset=Finding.objects.select_related("cited_indicator")),
        "workshops",
        Prefetch(
            "opportunities",
            queryset=ImprovementOpportunity.objects.annotate(measure_count=Count("measures")).order_by("title"),
        ),
    )


@actor_required(policies.can_read_plans)
def analysis_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    analysis = policies.get_analysis(actor, pk, shape=_analysis_page)
    findings = list(analysis.findings.all())
    by_area = [(value, label, [f for f in findings if f.goal_area == value]) for value, label in GoalArea.choices]
    workshops = list(analysis.workshops.all())
    context = {
        "analysis": analysis,
        "findings_by_area": by_area,
        "workshops": workshops,
        "children_total": sum(w.children_total for w in workshops),
        "opportunities": list(analysis.opportunities.all()),
        "can_edit": policies.can_edit_analysis(actor, analysis),
    }
    return render(request, "planning/analysis_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def analysis_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    analysis = policies.get_analysis_for_edit(actor, pk)
    form = AnalysisForm(
        request.POST or None,
        initial={
            "title": analysis.title,
            "period_start": analysis.period_start,
            "period_end": analysis.period_end,
            "summary": analysis.summary,
            "version": analysis.version,
        },
    )
    form.fields.pop("municipality")
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_analysis(
                actor=actor,
                analysis=analysis,
                expected_version=data["version"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                summary=data["summary"],
            )
            messages.success(request, _("Changes saved."))
            return redirect("planning:analysis_detail", pk=analysis.pk)
    return render(request, "planning/analysis_form.html", {"form": form, "analysis": analysis})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def finding_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    analysis = policies.get_analysis_for_edit(actor, pk)
    form = FindingForm(request.POST or None, initial={"goal_area": request.GET.get("area")})
    form.setup_catalogue(analysis.org_unit)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.add_finding(actor=actor, analysis=analysis, **form.cleaned_data)
            messages.success(request, _("Finding added."))
            return redirect("planning:analysis_detail", pk=analysis.pk)
    context = {"form": form, "analysis": analysis, "title": _("New finding")}
    return render(request, "planning/analysis_child_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def workshop_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    analysis = policies.get_analysis_for_edit(actor, pk)
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.add_workshop(actor=actor, analysis=analysis, **form.cleaned_data)
            messages.success(request, _("Workshop recorded."))
            return redirect("planning:analysis_detail", pk=analysis.pk)
    context = {"form": form, "analysis": analysis, "title": _("New workshop")}
    return render(request, "planning/analysis_child_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def opportunity_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    analysis = policies.get_analysis_for_edit(actor, pk)
    form = OpportunityForm(request.POST or None)
    form.fields.pop("version")
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            opportunity = services.create_opportunity(actor=actor, analysis=analysis, **form.cleaned_data)
            messages.success(request, _("Improvement opportunity added."))
            return redirect("planning:opportunity_detail", pk=opportunity.pk)
    context = {"form": form, "analysis": analysis, "title": _("New improvement opportunity")}
    return render(request, "planning/analysis_child_form.html", context)


@actor_required(policies.can_read_plans)
def opportunity_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    opportunity = policies.get_opportunity(actor, pk)
    measures = (
        policies.visible_measures(actor)
        .filter(source_opportunity=opportunity)
        .select_related("plan", "responsible_area")
        .order_by("plan__period_start", "code")
    )
    unit = opportunity.analysis.org_unit
    # Where a new measure from this opportunity would go: the municipality's plan still open.
    open_plan = (
        policies.visible_plans(actor)
        .filter(org_unit=unit)
        .exclude(status=PlanStatus.EVALUATED)
        .order_by("-period_start")
        .first()
    )
    context = {
        "opportunity": opportunity,
        "analysis": opportunity.analysis,
        "measures": measures,
        "can_edit": policies.can_edit_analysis(actor, opportunity.analysis),
        "open_plan": open_plan if open_plan is not None and policies.can_edit_plan(actor, open_plan) else None,
    }
    return render(request, "planning/opportunity_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def opportunity_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    opportunity = policies.get_opportunity_for_edit(actor, pk)
    initial = {
        name: getattr(opportunity, name)
        for name in ("title", "description", "goal_area", "criticality", "horizon", "version")
    }
    form = OpportunityForm(request.POST or None, initial=initial)
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        with service_errors_on(form):
            services.update_opportunity(actor=actor, opportunity=opportunity, expected_version=version, **data)
            messages.success(request, _("Changes saved."))
            return redirect("planning:opportunity_detail", pk=opportunity.pk)
    context = {
        "form": form,
        "analysis": opportunity.analysis,
        "opportunity": opportunity,
        "title": _("Edit opportunity"),
    }
    return render(request, "planning/analysis_child_form.html", context)


@actor_required(policies.can_read_plans)
def prioritisation(request: ActorRequest, pk: int) -> HttpResponse:
    """Criticality × horizon: which opportunities to tackle first, as a real table."""
    actor = get_actor(request)
    analysis = policies.get_analysis(actor, pk)
    opportunities = list(
        policies.visible_opportunities(actor)
        .filter(analysis=analysis)
        .annotate(measure_count=Count("measures"))
        .order_by("title")
    )
    rows = []
    for criticality, criticality_label in Criticality.choices:
        cells = []
        for horizon, horizon_label in Horizon.choices:
            items = [o for o in opportunities if o.criticality == criticality and o.horizon == horizon]
            cells.append({"horizon": horizon, "label": horizon_label, "items": items})
        rows.append({"criticality": criticality, "label": criticality_label, "cells": cells})
    context = {
        "analysis": analysis,
        "rows": rows,
        "horizons": Horizon.choices,
        "total": len(opportunities),
        "can_edit": policies.can_edit_analysis(actor, analysis),
    }
    return render(request, "planning/prioritisation.html", context)
