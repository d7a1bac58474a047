"""The independent evaluator's pages (issue #14 item 5): their assignments, the declaration of
independence (or of a conflict, which withdraws them), the frozen evidence of the submission with
their finding on each requirement, their report, and the documents submitted.

An evaluator reaches only their own active assignments (``policies.get_assignment_for_evaluator``:
anyone else's is 404) and, until they declare independence, not the file itself."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.certification import evidence, policies, services
from ronda.certification.forms_evaluator import (
    ConflictForm,
    FindingsForm,
    IndependenceForm,
    ReportForm,
    StandingConflictForm,
)
from ronda.certification.models import UNDER_REVIEW, Assignment, Submission
from ronda.core import documents
from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import large_columns

LIST_LIMIT = 200


def _assignment_url(assignment: Assignment) -> str:
    return reverse("certification:assignment", args=[assignment.pk])


def _municipalities(actor: Actor) -> Any:
    """The municipalities of the evaluator's country or region (their membership's unit: an evaluator
    has no territorial scope, ``core.roles.SCOPELESS_ROLES``)."""
    unit = actor.org_unit
    if unit is None:
        return OrgUnit.objects.none()
    scope = unit.path
    return (
        OrgUnit.objects.filter(level=Level.MUNICIPALITY, path__startswith=scope)
        .defer(*large_columns())
        .order_by("name", "pk")
    )


@require_GET
@actor_required(policies.can_record_evaluations)
def assignments(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    rows = list(
        policies.visible_assignments(actor)
        .select_related("cycle__org_unit", "cycle__framework")
        .defer(*large_columns("cycle__org_unit"))
        .order_by("withdrawn_at", "submitted_at", "due_on", "-created_at")[:LIST_LIMIT]
    )
    conflicts = list(
        policies.visible_conflicts(actor).select_related("org_unit").defer(*large_columns("org_unit"))[:LIST_LIMIT]
    )
    form = StandingConflictForm(municipalities=_municipalities(actor))
    context = {"assignments": rows, "conflicts": conflicts, "form": form}
    return render(request, "certification/evaluator_assignments.html", context)


@require_POST
@actor_required(policies.can_record_evaluations)
@once_per_submission
def conflict_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = StandingConflictForm(request.POST, municipalities=_municipalities(actor))
    if form.is_valid():
        with service_errors_on(form):
            services.declare_conflict(
                actor=actor,
                evaluator=actor.user,
                org_unit=form.cleaned_data["org_unit"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Conflict of interest declared: no candidacy of it will be assigned to you."))
            return redirect("certification:assignments")
    flash_errors(request, form)
    return redirect("certification:assignments")


def _hearing_url(cycle_id: int) -> str | None:
    """The hearing form (the secretariat's workspace page, open to an evaluator of the cycle)."""
    try:
        return reverse("certification:hearing_create", args=[cycle_id])
    except NoReverseMatch:
        return None


def _latest_submission(actor: Actor, assignment: Assignment) -> Submission | None:
    """Through the policy: none until the evaluator declared independence."""
    return policies.visible_submissions(actor).filter(cycle_id=assignment.cycle_id).order_by("-number").first()


def _findings_form(actor: Actor, assignment: Assignment, items: list[evidence.Item], data: Any = None) -> FindingsForm:
    current = {f.requirement_id: f for f in policies.visible_findings(actor).filter(assignment=assignment)}
    initial: dict[str, str] = {}
    for requirement_id, finding in current.items():
        initial[f"r{requirement_id}_value"] = finding.value
        initial[f"r{requirement_id}_comment"] = finding.comment
    form = FindingsForm(data, initial=initial, requirements=[item.requirement for item in items])
    form.current = current  # type: ignore[attr-defined]
    return form


def _page(request: ActorRequest, assignment: Assignment, **forms: Any) -> HttpResponse:
    actor = get_actor(request)
    cycle = assignment.cycle
    context: dict[str, Any] = {"assignment": assignment, "cycle": cycle, "forms": forms}
    if assignment.is_accepted:
        submission = _latest_submission(actor, assignment)
        items = evidence.frozen(submission) if submission is not None else []
        findings_form = forms.get("findings") or _findings_form(actor, assignment, items)
        context.update(
            submission=submission,
            rows=[
                (item, value, comment) for item, (_r, value, comment) in zip(items, findings_form.rows(), strict=True)
            ],
            findings_form=findings_form,
            report_form=forms.get("report")
            or ReportForm(
                initial={
                    "version": assignment.version,
                    "report": assignment.report,
                    "recommendation": assignment.recommendation,
                }
            ),
            information_requests=list(policies.visible_information_requests(actor).filter(cycle=cycle)),
            hearings=list(policies.visible_hearings(actor).filter(cycle=cycle)),
            can_record_hearing=policies.can_record_hearing(actor, cycle),
            hearing_url=_hearing_url(cycle.pk),
            can_write=not assignment.is_submitted and cycle.stage in UNDER_REVIEW,
        )
    else:
        context.update(
            independence_form=forms.get("independence") or IndependenceForm(initial={"version": assignment.version}),
            conflict_form=forms.get("conflict") or ConflictForm(),
        )
    return render(request, "certification/evaluator_assignment.html", context)


@require_GET
@actor_required(policies.can_record_evaluations)
def assignment(request: ActorRequest, pk: int) -> HttpResponse:
    return _page(request, policies.get_assignment_for_evaluator(get_actor(request), pk))


@require_POST
@actor_required(policies.can_record_evaluations)
def accept(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    item = policies.get_assignment_for_evaluator(actor, pk)
    form = IndependenceForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.accept_assignment(actor=actor, assignment=item, expected_version=form.cleaned_data["version"])
            messages.success(request, _("Independence declared: the candidacy's file is open to you."))
            return redirect(_assignment_url(item))
    return _page(request, item, independence=form)


@require_POST
@actor_required(policies.can_record_evaluations)
def declare_conflict(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    item = policies.get_assignment_for_evaluator(actor, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.declare_conflict(
                actor=actor, evaluator=actor.user, org_unit=item.cycle.org_unit, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Conflict of interest declared: the secretariat will assign someone else."))
            return redirect("certification:assignments")
    return _page(request, item, conflict=form)


@require_POST
@actor_required(policies.can_record_evaluations)
def findings(request: ActorRequest, pk: int) -> HttpResponse:
    """Every finding of the form in one go: all are written, or (one refused) none."""
    actor = get_actor(request)
    item = policies.get_assignment_for_evaluator(actor, pk)
    if not item.is_accepted:
        raise Http404
    submission = _latest_submission(actor, item)
    items = evidence.frozen(submission) if submission is not None else []
    form = _findings_form(actor, item, items, request.POST)
    if form.is_valid():
        current = form.current  # type: ignore[attr-defined]
        with service_errors_on(form), transaction.atomic():
            for requirement, value, comment in form.entries():
                held = current.get(requirement.pk)
                if held is not None and (held.value, held.comment) == (value, comment):
                    continue
                try:
                    services.record_finding(
                        actor=actor,
                        assignment=item,
                        requirement_id=requirement.pk,
                        value=value,
                        comment=comment,
                        expected_version=held.version if held is not None else None,
                    )
                except ValidationError as exc:
                    raise ValidationError([f"{requirement.code}: {message}" for message in exc.messages]) from exc
            messages.success(request, _("Findings saved."))
            return redirect(_assignment_url(item))
    return _page(request, item, findings=form)


@require_POST
@actor_required(policies.can_record_evaluations)
def report(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    item = policies.get_assignment_for_evaluator(actor, pk)
    if not item.is_accepted:
        raise Http404
    form = ReportForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.submit_report(
                actor=actor,
                assignment=item,
                report=form.cleaned_data["report"],
                recommendation=form.cleaned_data["recommendation"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Report submitted to the secretariat."))
            return redirect(_assignment_url(item))
    return _page(request, item, report=form)


@require_http_methods(["GET"])
@actor_required(policies.can_record_evaluations)
def document(request: ActorRequest, pk: int, version_id: int) -> HttpResponseBase:
    """A document version submitted with the candidacy (only once the evaluator is independent)."""
    actor = get_actor(request)
    item = policies.get_assignment_for_evaluator(actor, pk)
    if not item.is_accepted or not policies.cycles_as_owners(actor).filter(pk=item.cycle_id).exists():
        raise Http404
    versions = [v for listed in documents.documents_of(item.cycle) for v in listed.versions if v.pk == version_id]
    if not versions:
        raise Http404
    version = versions[0]
    return documents.version_response(request, version)
