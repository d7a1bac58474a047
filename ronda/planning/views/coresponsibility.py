"""Pages of co-responsibility (issue #13 items 6–8): commitments per area and institution, a partner's
contribution, the focal point's figures for validation, the coordinator's validations, plan alerts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from ronda.core.idempotency import once_per_submission
from ronda.core.roles import Role
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param, service_errors_on
from ronda.planning import alerts, commitments, policies, selectors, services
from ronda.planning.forms import (
    BudgetReportForm,
    ContributionForm,
    IndicatorReportForm,
    MilestoneReportForm,
    ReviewForm,
    StaleWeeksForm,
)
from ronda.planning.models import FocalReport, Measure, MeasureStatus, PlanStatus, ReportStatus

OPEN_PLANS = (PlanStatus.APPROVED, PlanStatus.IN_EXECUTION)
RECENTLY_REVIEWED = 20


# --- Commitments ---------------------------------------------------------------------------------
@require_GET
@actor_required(policies.can_have_commitments)
def my_commitments(request: ActorRequest) -> HttpResponse:
    """The focal point's commitments: what their area (or institution) answers for or shares, in the
    plans under way."""
    actor = get_actor(request)
    measures = policies.visible_measures(actor).filter(plan__status__in=OPEN_PLANS)
    context = {
        "book": commitments.own_commitments(actor, measures),
        "status_labels": dict(MeasureStatus.choices),
        "mine": True,
    }
    return render(request, "planning/coresp/commitments.html", context)


@require_GET
@actor_required(policies.can_read_plans)
def plan_commitments(request: ActorRequest, pk: int) -> HttpResponse:
    """Each area's and each institution's commitments in one plan; ``?area=`` or ``?institucion=``
    shows one of them."""
    actor = get_actor(request)
    plan = policies.get_plan(actor, pk)
    book = commitments.commitments_of(policies.visible_measures(actor).filter(plan=plan))
    area_id = id_param(request.GET.get("area"))
    institution_id = id_param(request.GET.get("institucion"))
    if area_id is not None:
        book = commitments.Commitments([g for g in book.areas if g.pk == area_id], [])
    elif institution_id is not None:
        book = commitments.Commitments([], [g for g in book.institutions if g.pk == institution_id])
    context = {
        "plan": plan,
        "book": book,
        "status_labels": dict(MeasureStatus.choices),
        "filtered": area_id is not None or institution_id is not None,
        "mine": False,
    }
    return render(request, "planning/coresp/commitments.html", context)


# --- A partner's contribution ----------------------------------------------------------------------
def _form_page(request: ActorRequest, measure: Measure, form: Any, title: str, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "measure": measure,
        "plan": measure.plan,
        "title": title,
        "open": measure.plan.status in OPEN_PLANS,
        "can_read_plan": policies.can_read_plans(get_actor(request)),
        **extra,
    }
    return render(request, "planning/coresp/form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_record_partner_reports)
@once_per_submission
def contribution_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    measure = policies.get_measure_for_contribution(actor, pk)
    partners = policies.contribution_partners(actor, measure)
    names = {
        policies.PARTNER_AREA: actor.membership.area.name if actor.membership and actor.membership.area else "",
        policies.PARTNER_INSTITUTION: actor.membership.institution.name
        if actor.membership and actor.membership.institution
        else "",
    }
    form = ContributionForm(
        request.POST or None,
        initial={"reported_on": timezone.localdate()},
        partners=[(p, names[p]) for p in partners],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.record_contribution(
                actor=actor,
                measure=measure,
                text=data["text"],
                reported_on=data["reported_on"],
                executed=data.get("executed"),
                partner=data.get("partner") or None,
            )
            messages.success(request, _("Your contribution was recorded."))
            return redirect("planning:measure_detail", pk=measure.pk)
    intro = _(
        "Report your part of this measure. Its progress stays the responsible area's: your report is "
        "shown beside it and does not change it."
    )
    return _form_page(request, measure, form, _("Report your contribution"), intro=intro)


# --- The focal point's figures for validation ----------------------------------------------------
PENDING_NOTE = gettext_lazy(
    "What you send waits for the coordinator's validation: until then it does not count in the "
    "measure's figures nor in the plan's progress."
)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_record_partner_reports)
@once_per_submission
def milestone_report(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    milestone = policies.get_milestone_for_report(actor, pk)
    measure = milestone.measure
    form = MilestoneReportForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.submit_milestone_done(actor=actor, milestone=milestone, done_on=data["done_on"], note=data["note"])
            messages.success(request, _("Sent for validation."))
            return redirect("planning:measure_detail", pk=measure.pk)
    title = _("Milestone done: %(title)s") % {"title": milestone.title}
    return _form_page(request, measure, form, title, intro=PENDING_NOTE)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_record_partner_reports)
@once_per_submission
def budget_report(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    measure = policies.get_measure_for_figures(actor, pk)
    years = [y for y in selectors.plan_years(measure.plan) if y <= timezone.localdate().year]
    form = BudgetReportForm(request.POST or None, years=years, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.submit_budget_execution(
                actor=actor, measure=measure, year=data["year"], executed=data["executed"], note=data["note"]
            )
            messages.success(request, _("Sent for validation."))
            return redirect("planning:measure_detail", pk=measure.pk)
    return _form_page(request, measure, form, pgettext("focal report", "Executed budget"), intro=PENDING_NOTE)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_record_partner_reports)
@once_per_submission
def indicator_report(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    indicator = policies.get_indicator_for_report(actor, pk)
    measure = indicator.measure
    form = IndicatorReportForm(request.POST or None, initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.submit_indicator_value(
                actor=actor,
                indicator=indicator,
                value=data["value"],
                measured_on=data["measured_on"],
                note=data["note"],
            )
            messages.success(request, _("Sent for validation."))
            return redirect("planning:measure_detail", pk=measure.pk)
    title = _("New value of %(name)s") % {"name": indicator.name}
    return _form_page(request, measure, form, title, intro=PENDING_NOTE)


# --- The coordinator's validations -------------------------------------------------------------------
@require_GET
@actor_required(policies.can_manage_plans)
def plan_validations(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    plan = policies.get_plan(actor, pk)
    if not policies.can_review_reports(actor, plan):
        raise Http404
    pending = list(commitments.pending_reports(actor, [plan.pk]))
    reviewed = list(
        policies.visible_focal_reports(actor)
        .filter(plan_id=plan.pk)
        .exclude(status=ReportStatus.PENDING)
        .select_related("measure", "milestone", "indicator", "author", "reviewed_by")
        .order_by("-reviewed_at", "-id")[:RECENTLY_REVIEWED]
    )
    return render(request, "planning/coresp/validations.html", {"plan": plan, "pending": pending, "reviewed": reviewed})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def report_review(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    report: FocalReport = policies.get_report_for_review(actor, pk)
    form = ReviewForm(request.POST or None, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            if data["decision"] == ReviewForm.VALIDATE:
                services.validate_report(actor=actor, report=report, expected_version=data["version"])
                messages.success(request, _("Figure validated: it counts from now."))
            else:
                services.return_report(
                    actor=actor, report=report, expected_version=data["version"], comment=data["comment"]
                )
                messages.success(request, _("Figure returned to the focal point."))
            return redirect("planning:plan_validations", pk=report.plan_id)
    context = {"form": form, "report": report, "measure": report.measure, "plan": report.measure.plan}
    return render(request, "planning/coresp/review.html", context)


# --- Plan alerts ------------------------------------------------------------------------------------
HOME_ALERTS = 8


@require_GET
@actor_required(policies.can_see_home_alerts)
def home_alerts(request: ActorRequest) -> HttpResponse:
    """The home page's panel (loaded by htmx after the page): the alerts of the actor's measures, the
    figures waiting for their validation (a coordinator) or returned to them (a focal point). Two
    queries at most. Without htmx, the same as a page."""
    actor = get_actor(request)
    found = alerts.actor_scan(actor)
    coordinator = actor.has_role(Role.COORDINATOR)
    returned = 0
    if not coordinator:
        returned = policies.visible_focal_reports(actor).filter(status=ReportStatus.RETURNED, author=actor.user).count()
    context = {
        "alerts": found.alerts[:HOME_ALERTS],
        "more": max(len(found.alerts) - HOME_ALERTS, 0),
        "focal": policies.is_focal(actor),
        "pending": found.pending if coordinator else 0,
        "returned": returned,
    }
    template = "planning/coresp/_home_alerts.html" if request.htmx else "planning/coresp/home_alerts.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_read_plans)
def plan_alerts(request: ActorRequest, pk: int) -> HttpResponse:
    """The plan's alerts; its managers set how many weeks without a report make one."""
    actor = get_actor(request)
    plan = policies.get_plan(actor, pk)
    can_set = policies.can_change_plan_status(actor, plan) and plan.status != PlanStatus.EVALUATED
    if request.method == "POST" and not can_set:
        raise Http404
    form = StaleWeeksForm(request.POST or None, initial={"stale_weeks": plan.stale_weeks, "version": plan.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.set_stale_weeks(
                actor=actor, plan=plan, expected_version=data["version"], weeks=data["stale_weeks"]
            )
            messages.success(request, _("Alert settings saved."))
            return redirect("planning:plan_alerts", pk=plan.pk)
    found = alerts.plan_alerts(actor, plan)
    context = {
        "plan": plan,
        "alerts": found,
        "alert_counts": alerts.counts(found),
        "form": form if can_set else None,
        "budget_points": alerts.BUDGET_AHEAD_POINTS,
    }
    return render(request, "planning/coresp/alerts.html", context)
