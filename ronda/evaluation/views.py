"""The evaluation pages of a plan: the list, the evaluation with its results, its forms, and the
final report. Thin: the policy, the form, the service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.core.files import private_file_response
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on
from ronda.evaluation import policies, selectors, services
from ronda.evaluation.forms import AssessmentForm, CarryForm, EvaluationForm, RecommendationForm, VersionForm
from ronda.evaluation.models import Evaluation, EvaluationStatus, ReportStatus
from ronda.planning import policies as planning_policies


def _detail_url(evaluation: Evaluation) -> str:
    return reverse("evaluation:detail", args=[evaluation.pk])


@require_GET
@actor_required(policies.can_read_evaluations)
def plan_evaluations(request: ActorRequest, plan_id: int) -> HttpResponse:
    actor = get_actor(request)
    plan = policies.get_plan(actor, plan_id)
    evaluations = list(policies.visible_evaluations(actor).filter(plan_id=plan.pk).order_by("created_at", "id")[:100])
    context = {"plan": plan, "evaluations": evaluations, "can_evaluate": policies.can_evaluate_plan(actor, plan)}
    return render(request, "evaluation/plan_evaluations.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def create(request: ActorRequest, plan_id: int) -> HttpResponse:
    actor = get_actor(request)
    plan = policies.get_plan_to_evaluate(actor, plan_id)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        with service_errors_on(form):
            evaluation = services.create_evaluation(
                actor=actor,
                plan=plan,
                title=values.pop("title"),
                kind=values.pop("kind"),
                timing=values.pop("timing"),
                **values,
            )
            messages.success(request, _("Evaluation created."))
            return redirect(_detail_url(evaluation))
    return render(request, "evaluation/evaluation_form.html", {"plan": plan, "form": form, "evaluation": None})


@require_GET
@actor_required(policies.can_read_evaluations)
def detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    evaluation = policies.get_evaluation(actor, pk)
    can_manage = policies.can_manage(actor, evaluation)
    reports = list(policies.visible_reports(actor).filter(evaluation=evaluation).order_by("-created_at", "-id")[:5])
    context: dict[str, Any] = {
        "evaluation": evaluation,
        "plan": evaluation.plan,
        "results": selectors.results(evaluation),
        "recommendations": selectors.recommendations_of(evaluation),
        "reports": reports,
        "can_manage": can_manage,
        "published_report": policies.published_report(evaluation),
    }
    return render(request, "evaluation/detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    evaluation = policies.get_evaluation_for_edit(actor, pk)
    initial = {name: getattr(evaluation, name) for name in services.EDITABLE}
    initial["questions"] = "\n".join(evaluation.questions or [])
    form = EvaluationForm(request.POST or None, initial={**initial, "version": evaluation.version})
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_evaluation(
                actor=actor,
                evaluation=evaluation,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
            messages.success(request, _("Evaluation saved."))
            return redirect(_detail_url(evaluation))
    context = {"plan": evaluation.plan, "form": form, "evaluation": evaluation}
    return render(request, "evaluation/evaluation_form.html", context)


def _nodes(results: selectors.Results) -> list[tuple[str, str, int | None, int | None]]:
    nodes: list[tuple[str, str, int | None, int | None]] = []
    for line in results.lines:
        nodes.append((f"line_{line.pk}", line.title, line.pk, None))
        nodes += [(f"objective_{o.pk}", f"— {o.title}", None, o.pk) for o in line.objectives]
    return nodes


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def assess(request: ActorRequest, pk: int) -> HttpResponse:
    """The evaluators' rating and comment of every line and objective, beside its live progress."""
    actor = get_actor(request)
    evaluation = policies.get_evaluation_for_edit(actor, pk)
    results = selectors.results(evaluation)
    nodes = _nodes(results)
    initial: dict[str, str] = {}
    for line in results.lines:
        for key, judgement in [(f"line_{line.pk}", line.judgement)] + [
            (f"objective_{o.pk}", o.judgement) for o in line.objectives
        ]:
            if judgement is not None:
                initial[f"{key}_rating"] = judgement.rating
                initial[f"{key}_comment"] = judgement.comment
    form = AssessmentForm(request.POST or None, initial=initial, nodes=[(k, label) for k, label, _l, _o in nodes])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        items = [
            services.AssessmentInput(
                rating=data.get(f"{key}_rating") or "",
                comment=data.get(f"{key}_comment") or "",
                line_id=line_id,
                objective_id=objective_id,
            )
            for key, _label, line_id, objective_id in nodes
        ]
        with service_errors_on(form):
            services.save_assessments(actor=actor, evaluation=evaluation, items=items)
            messages.success(request, _("Assessments saved."))
            return redirect(_detail_url(evaluation))
    context = {"evaluation": evaluation, "plan": evaluation.plan, "form": form, "results": results}
    return render(request, "evaluation/assess_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def recommendation_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    evaluation = policies.get_evaluation_for_edit(actor, pk)
    form = RecommendationForm(request.POST or None, areas=planning_policies.areas_of(evaluation.plan).order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.add_recommendation(
                actor=actor,
                evaluation=evaluation,
                title=data["title"],
                description=data["description"],
                priority=data["priority"],
                goal_area=data["goal_area"],
                horizon=data["horizon"],
                area=data["area"],
            )
            messages.success(request, _("Recommendation added."))
            return redirect(_detail_url(evaluation))
    context = {"evaluation": evaluation, "plan": evaluation.plan, "form": form}
    return render(request, "evaluation/recommendation_form.html", context)


@require_POST
@actor_required(policies.can_manage_any)
def complete(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    evaluation = policies.get_evaluation_for_edit(actor, pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.complete_evaluation(
                actor=actor, evaluation=evaluation, expected_version=form.cleaned_data["version"]
            )
            messages.success(request, _("Evaluation completed."))
            return redirect(_detail_url(evaluation))
    flash_errors(request, form)
    return redirect(_detail_url(evaluation))


@require_POST
@actor_required(policies.can_manage_any)
def publish(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    evaluation = policies.get_evaluation_for_edit(actor, pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.publish_evaluation(
                actor=actor, evaluation=evaluation, expected_version=form.cleaned_data["version"]
            )
            messages.success(request, _("Evaluation published on the plan's public page."))
            return redirect(_detail_url(evaluation))
    flash_errors(request, form)
    return redirect(_detail_url(evaluation))


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def carry(request: ActorRequest, pk: int) -> HttpResponse:
    """Start the next plan from the recommendations: each chosen one becomes an improvement
    opportunity of a later diagnosis of the municipality."""
    actor = get_actor(request)
    evaluation = policies.get_evaluation_for_edit(actor, pk)
    analyses = policies.next_analyses(actor, evaluation)
    pending = policies.visible_recommendations(actor).filter(evaluation=evaluation, carried_to__isnull=True)
    form = CarryForm(request.POST or None, analyses=analyses, recommendations=pending.order_by("id"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            created = services.carry_recommendations(
                actor=actor,
                evaluation=evaluation,
                analysis=data["analysis"],
                recommendations=list(data["recommendations"]),
            )
            messages.success(request, _("Improvement opportunities created: %(count)d.") % {"count": len(created)})
            return redirect(reverse("planning:analysis_detail", args=[data["analysis"].pk]))
    context = {"evaluation": evaluation, "plan": evaluation.plan, "form": form, "has_analyses": analyses.exists()}
    return render(request, "evaluation/carry_form.html", context)


@require_POST
@actor_required(policies.can_manage_any)
def report_request(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    evaluation = policies.get_evaluation_for_edit(actor, pk)
    services.request_report(actor=actor, evaluation=evaluation)
    messages.success(request, _("The report is being prepared: reload this page in a moment."))
    return redirect(_detail_url(evaluation))


@require_GET
@actor_required(policies.can_read_evaluations)
def report_file(request: ActorRequest, pk: int) -> HttpResponseBase:
    """A ready report, for whoever reads the evaluation (the policy asked again); 404 otherwise."""
    report = policies.get_report(get_actor(request), pk)
    if report.status != ReportStatus.READY:
        raise Http404
    return private_file_response(request, report.file, report.download_name, content_type="application/pdf")


@require_GET
def public_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The published evaluation's latest ready report, for anyone; 404 for anything not published."""
    evaluation = policies.get_published_evaluation(pk)
    report = policies.published_report(evaluation)
    if report is None or evaluation.status != EvaluationStatus.PUBLISHED:
        raise Http404
    return private_file_response(request, report.file, report.download_name, content_type="application/pdf")
