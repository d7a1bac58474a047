"""The secretariat's workspace (issue #14 items 2 and 4). Thin: the policy (404 for missing and
forbidden alike), the form, the service, the message.

- ``workspace``: the queue of the cycles the secretariat holds (submitted, in review, information
  requested), the longest waiting first, filtered by stage and call and paged; the cycles still
  preparing, counted by stage; the recognitions that expire in the next 90 days.
- ``review``: the latest submission's frozen evidence beside one verdict per requirement, the
  requests for information and their answers, and the buttons of the review — take it, ask for
  more, decide. Each action posts to its own address; a refusal shows the review page again with
  the service's message on the form that was sent.
- ``calls`` and ``call_create``: the calls the secretariat reads, and a new one over its country or
  one of its regions.
- ``certificate_revoke``: a confirmation page asking the reason, then the revocation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.certification import evidence, policies, selectors, services
from ronda.certification.forms_review import (
    AssignEvaluatorForm,
    CallForm,
    DecisionForm,
    HearingForm,
    InformationRequestForm,
    QueueFilterForm,
    RevokeForm,
    VerdictsForm,
    VersionForm,
    WeighForm,
)
from ronda.certification.models import (
    PREPARING,
    UNDER_REVIEW,
    Assignment,
    Certificate,
    Cycle,
    CycleStage,
    Framework,
    FrameworkStatus,
    Hearing,
    Outcome,
)
from ronda.core.errors import ConflictError
from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import (
    ActorRequest,
    actor_required,
    apply_errors,
    flash_errors,
    get_actor,
    service_errors_on,
)
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import large_columns

PER_PAGE = 25
EXPIRING_DAYS = 90


def _review_url(cycle: Cycle) -> str:
    return reverse("certification:review", args=[cycle.pk])


def _no_longer_in_review(request: ActorRequest, actor: Actor, cycle: Cycle) -> HttpResponse | None:
    """A form of the review sent once the secretariat no longer holds the cycle (decided, or from a
    page left open): the page again with a message, rather than the services' refusal (a 403)."""
    if policies.can_review(actor, cycle):
        return None
    messages.error(request, _("This candidacy is no longer under review."))
    return redirect(_review_url(cycle))


def _days_since(moment: dt.datetime | None, today: dt.date) -> int | None:
    return None if moment is None else (today - timezone.localtime(moment).date()).days


def _days_left(day: dt.date | None, today: dt.date) -> int | None:
    return None if day is None else (day - today).days


# --- The workspace ---------------------------------------------------------------------------------------
def _queue(actor: Actor) -> QuerySet[Cycle]:
    """The cycles the secretariat holds, each with whether an evaluator is assigned (an active
    assignment) and a hearing recorded: two subqueries, whatever the number of rows."""
    active = Assignment.objects.filter(cycle=OuterRef("pk"), withdrawn_at=None)
    return (
        policies.visible_cycles(actor)
        .filter(stage__in=UNDER_REVIEW)
        .annotate(has_evaluator=Exists(active), has_hearing=Exists(Hearing.objects.filter(cycle=OuterRef("pk"))))
        .order_by("submitted_at", "id")
    )


@require_GET
@actor_required(policies.can_manage_reviews)
def workspace(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    today = timezone.localdate()
    calls = policies.visible_calls(actor).order_by("-opens_on", "-id")
    form = QueueFilterForm(request.GET or None, calls=calls)
    cycles = _queue(actor)
    filters: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        if form.cleaned_data["stage"]:
            cycles = cycles.filter(stage=form.cleaned_data["stage"])
            filters["stage"] = form.cleaned_data["stage"]
        if form.cleaned_data["call"] is not None:
            cycles = cycles.filter(call=form.cleaned_data["call"])
            filters["call"] = str(form.cleaned_data["call"].pk)
    page = Paginator(cycles, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(cycle, _days_since(cycle.submitted_at, today)) for cycle in page.object_list]
    preparing = dict(
        policies.visible_cycles(actor)
        .filter(stage__in=PREPARING)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
    )
    expiring = list(
        policies.visible_cycles(actor)
        .filter(
            outcome=Outcome.RECOGNISED,
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=EXPIRING_DAYS),
        )
        .exclude(certificate__revoked_on__isnull=False)
        .annotate(renewing=Exists(Cycle.objects.filter(renewal_of=OuterRef("pk"))))
        .select_related("certificate")
        .order_by("valid_until", "id")[:100]
    )
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": urlencode(filters),
        "filtered": bool(filters),
        "preparing": [(CycleStage(stage).label, preparing.get(stage, 0)) for stage in PREPARING],
        "preparing_total": sum(preparing.values()),
        "expiring": [(cycle, _days_left(cycle.valid_until, today)) for cycle in expiring],
        "expiring_days": EXPIRING_DAYS,
        "today": today,
    }
    return render(request, "certification/workspace.html", context)


# --- The review of one cycle ------------------------------------------------------------------------------
def _review_page(request: ActorRequest, actor: Actor, cycle: Cycle, **forms: Any) -> HttpResponse:
    """The review page; ``forms`` are the bound forms of a refused action, shown with their errors."""
    in_review = cycle.stage == CycleStage.IN_REVIEW
    can_review = policies.can_review(actor, cycle)
    submission = policies.visible_submissions(actor).filter(cycle=cycle).order_by("-number").first()
    frozen = {item.requirement.pk: item for item in evidence.frozen(submission)} if submission else {}
    requirements = evidence.requirements_of(cycle)
    verdicts = {v.requirement_id: v for v in policies.visible_verdicts(actor).filter(cycle=cycle)}
    verdicts_form = forms.get("verdicts_form") or VerdictsForm(requirements=requirements, verdicts=verdicts)
    assignments = list(policies.visible_assignments(actor).filter(cycle=cycle).order_by("created_at", "id"))
    # The evaluators' findings (the policy gives them once the report is submitted), by requirement,
    # shown beside the secretariat's verdict.
    findings: dict[int, list[Any]] = {}
    for finding in (
        policies.visible_findings(actor)
        .filter(assignment__cycle=cycle)
        .select_related("assignment__evaluator")
        .order_by("assignment__created_at", "assignment_id")
    ):
        findings.setdefault(finding.requirement_id, []).append(finding)
    groups: list[tuple[Any, list[tuple[Any, Any, list[Any]]]]] = []
    rows = {row.requirement.pk: row for row in verdicts_form.rows()}
    for requirement in requirements:
        if not groups or groups[-1][0].pk != requirement.stage_id:
            groups.append((requirement.stage, []))
        item = frozen.get(requirement.pk)
        # A list of one item: the shared evidence table (``_evidence.html``) takes a list.
        groups[-1][1].append(([item] if item else [], rows[requirement.pk], findings.get(requirement.pk, [])))
    version = {"version": cycle.version}
    certificate = policies.visible_certificates(actor).filter(cycle=cycle).first()
    mandatory = [r for r in requirements if r.mandatory]
    context: dict[str, Any] = {
        "cycle": cycle,
        "steps": selectors.steps(cycle),
        "submission": submission,
        "groups": groups,
        "verdicts_form": verdicts_form,
        "unjudged": [r for r in mandatory if r.pk not in verdicts],
        "requests": list(policies.visible_information_requests(actor).filter(cycle=cycle).order_by("asked_at", "id")),
        "can_review": can_review,
        "can_judge": in_review and can_review,
        "take_form": forms.get("take_form") or VersionForm(initial=version),
        "request_form": forms.get("request_form") or InformationRequestForm(initial=version, prefix="info"),
        "decision_form": forms.get("decision_form")
        or DecisionForm(
            initial={**version, "decided_on": timezone.localdate()}, framework=cycle.framework, prefix="decision"
        ),
        "certificate": certificate,
        "cycle_url": selectors.optional_url("certification:cycle", cycle.pk),
        "assignments": assignments,
        "can_assign": policies.can_assign(actor, cycle),
        "hearings": list(policies.visible_hearings(actor).filter(cycle=cycle).order_by("held_on", "id")),
        "can_record_hearing": policies.can_record_hearing(actor, cycle),
    }
    return render(request, "certification/review.html", context)


@require_GET
@actor_required(policies.can_manage_reviews)
def review(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    return _review_page(request, actor, policies.get_cycle_to_review(actor, pk))


@require_POST
@actor_required(policies.can_manage_reviews)
def take_for_review(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    cycle = policies.get_cycle_to_review(actor, pk)
    if (closed := _no_longer_in_review(request, actor, cycle)) is not None:
        return closed
    form = VersionForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.take_for_review(actor=actor, cycle=cycle, expected_version=form.cleaned_data["version"])
            messages.success(request, _("The candidacy is in review: give your verdicts."))
            return redirect(_review_url(cycle))
    flash_errors(request, form)
    return redirect(_review_url(cycle))


@require_POST
@actor_required(policies.can_manage_reviews)
def record_verdicts(request: ActorRequest, pk: int) -> HttpResponse:
    """Every changed row through ``services.record_verdict``, in one transaction: a row refused
    takes its message and nothing of the form is written."""
    actor = get_actor(request)
    cycle = policies.get_cycle_to_review(actor, pk)
    if (closed := _no_longer_in_review(request, actor, cycle)) is not None:
        return closed
    requirements = evidence.requirements_of(cycle)
    verdicts = {v.requirement_id: v for v in policies.visible_verdicts(actor).filter(cycle=cycle)}
    form = VerdictsForm(request.POST, requirements=requirements, verdicts=verdicts)
    if form.is_valid():
        changed = form.changed_rows()
        with transaction.atomic():
            for requirement, value, comment, version in changed:
                try:
                    with transaction.atomic():
                        services.record_verdict(
                            actor=actor,
                            cycle=cycle,
                            requirement_id=requirement.pk,
                            value=value,
                            comment=comment,
                            expected_version=version,
                        )
                except ConflictError as exc:  # the row changed since the page was shown
                    form.add_error(None, str(exc))
                    break
                except ValidationError as exc:
                    apply_errors(
                        form,
                        exc,
                        rename={
                            "value": f"value_{requirement.pk}",
                            "comment": f"comment_{requirement.pk}",
                            "requirement": f"value_{requirement.pk}",
                        },
                    )
                    if "__all__" in getattr(exc, "error_dict", {"__all__": None}):
                        break  # about the cycle, not the row: said once
            if form.errors:
                transaction.set_rollback(True)
        if not form.errors:
            if changed:
                messages.success(request, _("Verdicts saved: %(count)d.") % {"count": len(changed)})
            else:
                messages.info(request, _("No verdict changed."))
            return redirect(_review_url(cycle) + "#verdicts")
    return _review_page(request, actor, cycle, verdicts_form=form)


@require_POST
@actor_required(policies.can_manage_reviews)
@once_per_submission
def request_information(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    cycle = policies.get_cycle_to_review(actor, pk)
    if (closed := _no_longer_in_review(request, actor, cycle)) is not None:
        return closed
    form = InformationRequestForm(request.POST, prefix="info")
    if form.is_valid():
        with service_errors_on(form):
            services.request_information(
                actor=actor, cycle=cycle, text=form.cleaned_data["text"], expected_version=form.cleaned_data["version"]
            )
            messages.success(request, _("The municipality has been asked for more information."))
            return redirect(_review_url(cycle))
    return _review_page(request, actor, cycle, request_form=form)


@require_POST
@actor_required(policies.can_manage_reviews)
@once_per_submission
def decide(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    cycle = policies.get_cycle_to_review(actor, pk)
    if (closed := _no_longer_in_review(request, actor, cycle)) is not None:
        return closed
    form = DecisionForm(request.POST, framework=cycle.framework, prefix="decision")
    if form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.decide(
                actor=actor,
                cycle=cycle,
                outcome=data["outcome"],
                expected_version=data["version"],
                category=data["category"] if data["outcome"] == Outcome.RECOGNISED else None,
                reasons=data["reasons"],
                decided_on=data["decided_on"],
            )
            if data["outcome"] == Outcome.RECOGNISED:
                messages.success(request, _("The municipality is recognised: its certificate has been issued."))
            else:
                messages.success(request, _("Decision recorded: not yet recognised."))
            return redirect(_review_url(cycle))
    return _review_page(request, actor, cycle, decision_form=form)


# --- Evaluators and the children's hearing ------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_reviews)
@once_per_submission
def assign_evaluator(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    cycle = policies.get_cycle_to_review(actor, pk)
    if (closed := _no_longer_in_review(request, actor, cycle)) is not None:
        return closed
    form = AssignEvaluatorForm(request.POST or None, evaluators=policies.assignable_evaluators(actor, cycle))
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.assign_evaluator(
                actor=actor, cycle=cycle, evaluator=form.cleaned_data["evaluator"], due_on=form.cleaned_data["due_on"]
            )
            messages.success(request, _("Evaluator assigned: they declare their independence before reading the file."))
            return redirect(_review_url(cycle) + "#evaluators")
    return render(request, "certification/review_assign.html", {"cycle": cycle, "form": form})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_record_hearings)
@once_per_submission
def hearing_create(request: ActorRequest, pk: int) -> HttpResponse:
    """The secretariat, or an evaluator who accepted the cycle (``policies.can_record_hearing``),
    records the hearing; each goes back to their own page of the cycle."""
    actor = get_actor(request)
    cycle = policies.get_cycle_for_hearing(actor, pk)
    back = _review_url(cycle) + "#hearings"
    if policies.is_evaluator(actor):
        assignment = policies.visible_assignments(actor).filter(cycle=cycle, withdrawn_at=None).first()
        back = reverse("certification:assignment", args=[assignment.pk]) if assignment else back
    form = HearingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.record_hearing(actor=actor, cycle=cycle, **form.values())
            messages.success(request, _("Hearing recorded. Write down how the children's view was weighed."))
            return redirect(back)
    context = {"cycle": cycle, "form": form, "back_url": back, "as_evaluator": policies.is_evaluator(actor)}
    return render(request, "certification/review_hearing.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_reviews)
def hearing_weigh(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    hearing = policies.get_hearing_to_weigh(actor, pk)
    form = WeighForm(request.POST or None, initial={"weighed": hearing.weighed, "version": hearing.version})
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.weigh_hearing(
                actor=actor,
                hearing=hearing,
                weighed=form.cleaned_data["weighed"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("The weighing of the children's view is saved."))
            return redirect(_review_url(hearing.cycle) + "#hearings")
    return render(
        request, "certification/review_weigh.html", {"cycle": hearing.cycle, "hearing": hearing, "form": form}
    )


# --- Calls -------------------------------------------------------------------------------------------------
@require_GET
@actor_required(policies.can_read_certification)
def calls(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    today = timezone.localdate()
    rows = policies.visible_calls(actor).annotate(candidacies=Count("cycles")).order_by("-closes_on", "-id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": today,
        "can_open": policies.can_manage_some_call(actor),
    }
    return render(request, "certification/call_list.html", context)


def _call_territories(actor: Actor) -> QuerySet[OrgUnit]:
    """The secretariat's own unit (a country or a region) and, for a country, its regions; an
    administrator chooses among every country and region."""
    units = OrgUnit.objects.filter(level__in=(Level.COUNTRY, Level.REGION)).defer(*large_columns())
    if actor.scope_path:
        units = units.filter(path__startswith=actor.scope_path)
    return units.order_by("path")


def _call_frameworks(actor: Actor) -> QuerySet[Framework]:
    """The published editions the secretariat may open calls for: its country's and the global ones."""
    published = Framework.objects.filter(status=FrameworkStatus.PUBLISHED)
    if actor.org_unit is not None:
        published = policies.applicable_frameworks(actor.org_unit)
    return published.filter(pk__in=policies.visible_frameworks(actor).values("pk")).order_by("name", "-edition")


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_call)
@once_per_submission
def call_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = CallForm(request.POST or None, frameworks=_call_frameworks(actor), territories=_call_territories(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.open_call(
                actor=actor,
                framework=data["framework"],
                org_unit=data["org_unit"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
            )
            messages.success(request, _("Call for candidacies opened."))
            return redirect(reverse("certification:calls"))
    return render(request, "certification/call_form.html", {"form": form})


# --- Certificates ------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_reviews)
def certificate_revoke(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    certificate: Certificate = policies.get_certificate_for_edit(actor, pk)
    form = RevokeForm(request.POST or None)
    if certificate.revoked_on is not None and request.method == "GET":
        messages.info(request, _("This certificate is already revoked."))
        return redirect(_review_url(certificate.cycle))
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.revoke_certificate(actor=actor, certificate=certificate, reason=form.cleaned_data["reason"])
            messages.success(request, _("Certificate revoked: the verification page says so from now on."))
            return redirect(_review_url(certificate.cycle))
    return render(request, "certification/review_revoke.html", {"certificate": certificate, "form": form})
