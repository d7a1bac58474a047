"""The municipality's side of a certification cycle and the cycle page every reader sees (issue #14
item 2). Thin: the policy (404 for missing and forbidden alike), the form, the service, the message.

- ``home``: a coordinator's cycles, the frameworks it may start and the calls open to it; for the
  secretariat, analysts and supervisors, the cycles in their scope (paged, by stage).
- ``cycle_detail``: the stage as a step list, the commitment, the evidence (live while preparing,
  the latest submission's frozen evidence after, live again with ``?vivo=1``), the requests for
  information, the verdicts, the decision and the certificate.
- The coordinator's forms: the commitment, the candidacy, a requirement's document, the submission
  (a confirmation page that lists what is missing), an answer to a request, the renewal.

A form sent while the secretariat holds the file is refused on the form, not with a 403: the
services' own check (``policies.can_prepare``) depends on the stage, which the person may not know.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.certification import evidence, policies, selectors, services
from ronda.certification.forms import (
    AnswerForm,
    CandidacyForm,
    CommitmentForm,
    CycleDocumentForm,
    EmptyForm,
    StartForm,
    SubmitForm,
)
from ronda.certification.models import (
    Cycle,
    CycleStage,
    Requirement,
)
from ronda.core import documents
from ronda.core.document_pages import DocumentPages
from ronda.core.idempotency import once_per_submission
from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on

PER_PAGE = 30
STAGE_PARAM = "etapa"
LIVE_PARAM = "vivo"


def _cycle_url(cycle: Cycle) -> str:
    return reverse("certification:cycle", args=[cycle.pk])


def _closed(actor: Actor, cycle: Cycle) -> str:
    """The services' own sentence (``services._require_preparing``) when the secretariat holds the
    file, for the page to show instead of the form; "" while the municipality may change it."""
    if policies.can_prepare(actor, cycle):
        return ""
    return _("The candidacy is with the secretariat: it cannot change until they ask for more.")


# --- Home ------------------------------------------------------------------------------------------------
@require_GET
@actor_required(policies.can_read_certification)
def home(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.has_role(Role.COORDINATOR) and actor.org_unit is not None:
        return _coordinator_home(request, actor)
    cycles = policies.visible_cycles(actor).order_by("org_unit__name", "framework__name", "-created_at", "-id")
    stage = request.GET.get(STAGE_PARAM, "")
    if stage in CycleStage.values:
        cycles = cycles.filter(stage=stage)
    else:
        stage = ""
    context = {
        "page": Paginator(cycles, PER_PAGE).get_page(request.GET.get("page")),
        "query": f"{STAGE_PARAM}={stage}" if stage else "",
        "stage": stage,
        "stages": CycleStage.choices,
        "stage_param": STAGE_PARAM,
        "workspace_url": selectors.optional_url("certification:workspace"),
    }
    return render(request, "certification/home.html", context)


def _coordinator_home(request: ActorRequest, actor: Actor) -> HttpResponse:
    unit = actor.org_unit
    assert unit is not None
    cycles = list(policies.visible_cycles(actor).filter(org_unit=unit).order_by("-created_at", "-id"))
    in_progress = {cycle.framework_id for cycle in cycles if cycle.stage != CycleStage.DECIDED}
    frameworks = [
        (framework, framework.pk in in_progress)
        for framework in policies.applicable_frameworks(unit).order_by("name", "-edition")
    ]
    context = {
        "unit": unit,
        "cycles": cycles,
        "frameworks": frameworks,
        "calls": list(selectors.open_calls(actor, unit)),
        "can_start": policies.can_start_cycle(actor, unit),
    }
    return render(request, "certification/home.html", context)


@require_POST
@actor_required(policies.can_edit_cycles)
@once_per_submission
def cycle_start(request: ActorRequest) -> HttpResponse:
    """The "start" button of a framework on a coordinator's home page."""
    actor = get_actor(request)
    unit = actor.org_unit
    if not policies.can_start_cycle(actor, unit):
        raise Http404
    assert unit is not None
    form = StartForm(request.POST, frameworks=policies.applicable_frameworks(unit))
    if form.is_valid():
        with service_errors_on(form):
            cycle = services.start_cycle(actor=actor, org_unit=unit, framework=form.cleaned_data["framework"])
            messages.success(request, _("Cycle started. Record the commitment first."))
            return redirect(_cycle_url(cycle))
    flash_errors(request, form)
    return redirect(reverse("certification:home"))


# --- The cycle page --------------------------------------------------------------------------------------
@require_GET
@actor_required(policies.can_read_certification)
def cycle_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    cycle = policies.get_cycle(actor, pk)
    can_prepare = policies.can_prepare(actor, cycle)
    submission = selectors.latest_submission(cycle)
    live = submission is None or request.GET.get(LIVE_PARAM) == "1"
    items = evidence.live(cycle) if live or submission is None else evidence.frozen(submission)
    # The self-assessment: live evidence while the municipality may still complete it.
    assessing = live and (cycle.is_preparing or cycle.stage == CycleStage.INFO_REQUESTED)
    requests = list(policies.visible_information_requests(actor).filter(cycle=cycle).order_by("asked_at", "id"))
    answering = can_prepare and cycle.stage == CycleStage.INFO_REQUESTED
    answer_forms = {
        request_.pk: AnswerForm(initial={"version": request_.version}, auto_id=f"id_request{request_.pk}_%s")
        for request_ in requests
        if answering and request_.answered_at is None
    }
    show_verdicts = cycle.stage in (CycleStage.DECIDED, CycleStage.INFO_REQUESTED)
    verdicts = (
        list(policies.visible_verdicts(actor).filter(cycle=cycle).select_related("requirement"))
        if show_verdicts
        else []
    )
    certificate = policies.visible_certificates(actor).filter(cycle=cycle).first()
    renewal = policies.visible_cycles(actor).filter(renewal_of=cycle).first()
    context = {
        "cycle": cycle,
        "steps": selectors.steps(cycle),
        "can_prepare": can_prepare,
        "is_preparing": cycle.is_preparing,
        "submission": submission,
        "live": live,
        "live_param": LIVE_PARAM,
        "groups": selectors.by_stage(items),
        "assessing": assessing,
        "blocking": [item for item in items if item.blocks_submission] if assessing else [],
        "requests": [(request_, answer_forms.get(request_.pk)) for request_ in requests],
        "show_verdicts": show_verdicts,
        "verdicts": verdicts,
        "certificate": certificate,
        "renewal": renewal,
        "can_renew": cycle.is_recognised and renewal is None and policies.can_start_cycle(actor, cycle.org_unit),
        "can_submit": can_prepare and cycle.stage in (CycleStage.CANDIDACY, CycleStage.INFO_REQUESTED),
        "can_enter": can_prepare and cycle.stage == CycleStage.COMMITMENT,
    }
    return render(request, "certification/cycle_detail.html", context)


# --- The coordinator's forms -------------------------------------------------------------------------------
def _form_page(request: ActorRequest, cycle: Cycle, form: Any, title: str, template: str, **extra: Any) -> HttpResponse:
    context = {"cycle": cycle, "form": form, "title": title, "cancel_url": _cycle_url(cycle), **extra}
    return render(request, f"certification/{template}", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_cycles)
def commitment(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    cycle = policies.get_cycle_to_prepare(actor, pk)
    form = CommitmentForm(request.POST or None, initial=CommitmentForm.initial_of(cycle))
    closed = _closed(actor, cycle)
    if request.method == "POST" and not closed and form.is_valid():
        with service_errors_on(form):
            services.record_commitment(
                actor=actor, cycle=cycle, expected_version=form.cleaned_data["version"], **form.values()
            )
            messages.success(request, _("Commitment saved."))
            return redirect(_cycle_url(cycle))
    return _form_page(request, cycle, form, _("The municipality's commitment"), "cycle_commitment.html", closed=closed)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_cycles)
def candidacy(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    cycle = policies.get_cycle_to_prepare(actor, pk)
    # The list offers the calls open today; any call of the framework the actor reads is accepted,
    # so that a call that has just closed gets the service's sentence, not "not a valid choice".
    form = CandidacyForm(
        request.POST or None,
        initial={"version": cycle.version, "call": cycle.call_id},
        calls=policies.visible_calls(actor).filter(framework_id=cycle.framework_id),
    )
    offered = selectors.open_calls(actor, cycle.org_unit).filter(framework_id=cycle.framework_id)
    field = form.fields["call"]
    field.choices = [("", field.empty_label), *((call.pk, str(call)) for call in offered)]  # type: ignore[attr-defined]
    closed = _closed(actor, cycle)
    if request.method == "POST" and not closed and form.is_valid():
        with service_errors_on(form):
            services.enter_candidacy(
                actor=actor, cycle=cycle, call=form.cleaned_data["call"], expected_version=form.cleaned_data["version"]
            )
            messages.success(request, _("Candidacy entered. Assess the municipality against the framework and submit."))
            return redirect(_cycle_url(cycle))
    return _form_page(request, cycle, form, _("Enter the candidacy"), "cycle_candidacy.html", closed=closed)


def _requirement_to_upload(actor: Actor, cycle: Cycle, requirement_id: int) -> Requirement:
    requirement = policies.get_document_requirement(actor, cycle, requirement_id)
    return requirement


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_cycles)
@once_per_submission
def document_upload(request: ActorRequest, pk: int, requirement_id: int) -> HttpResponse:
    """The file of a document requirement (the council's resolution, the signed commitment …)."""
    actor = get_actor(request)
    cycle = policies.get_cycle_to_prepare(actor, pk)
    requirement = _requirement_to_upload(actor, cycle, requirement_id)
    current = evidence.current_documents(cycle).get(requirement.code)
    form = CycleDocumentForm(request.POST or None, request.FILES or None, initial={"title": requirement.title})
    heading = _("Document for %(requirement)s") % {"requirement": requirement.title}
    closed = _closed(actor, cycle)

    def form_page(request: ActorRequest, cycle: Cycle, form: Any, title: str, **extra: Any) -> HttpResponse:
        return _form_page(
            request, cycle, form, title, "cycle_document.html", requirement=requirement, current=current, closed=closed
        )

    if closed:
        return form_page(request, cycle, form, heading)
    pages = DocumentPages(back_url=_cycle_url, form_page=form_page)
    save = partial(services.add_document, actor=actor, cycle=cycle, requirement=requirement)
    return pages.upload(request, cycle, form, save=save, heading=heading)


@require_GET
@actor_required(policies.can_read_certification)
def document_file(request: ActorRequest, pk: int, version_id: int) -> HttpResponseBase:
    """A version of one of the cycle's documents, for whoever reads the cycle (live or frozen evidence)."""
    cycle = policies.get_cycle(get_actor(request), pk)
    for listed in documents.documents_of(cycle):
        for version in listed.versions:
            if version.pk == version_id:
                return documents.version_response(request, version)
    raise Http404


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_cycles)
def submit(request: ActorRequest, pk: int) -> HttpResponse:
    """A confirmation page that lists what still blocks the submission; the POST freezes the evidence."""
    actor = get_actor(request)
    cycle = policies.get_cycle_to_prepare(actor, pk)
    form = SubmitForm(request.POST or None, initial={"version": cycle.version})
    closed = _closed(actor, cycle)
    if request.method == "POST" and not closed and form.is_valid():
        with service_errors_on(form):
            services.submit(
                actor=actor, cycle=cycle, expected_version=form.cleaned_data["version"], note=form.cleaned_data["note"]
            )
            messages.success(
                request, _("Candidacy submitted: the secretariat will review the evidence as it stands today.")
            )
            return redirect(_cycle_url(cycle))
    items = [] if closed else evidence.live(cycle)
    context = {
        "blocking": [item for item in items if item.blocks_submission],
        "not_met": [item for item in items if item.is_missing and not item.blocks_submission],
        "closed": closed,
    }
    return _form_page(request, cycle, form, _("Submit the candidacy"), "cycle_submit.html", **context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_cycles)
def answer(request: ActorRequest, pk: int, request_id: int) -> HttpResponse:
    actor = get_actor(request)
    cycle = policies.get_cycle_to_prepare(actor, pk)
    asked = policies.get_information_request(actor, cycle, request_id)
    form = AnswerForm(request.POST or None, initial={"version": asked.version, "answer": asked.answer})
    closed = _closed(actor, cycle)
    if request.method == "POST" and not closed and form.is_valid():
        with service_errors_on(form):
            services.answer_information(
                actor=actor,
                request=asked,
                answer=form.cleaned_data["answer"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Answer saved. Submit the candidacy again when it is ready."))
            return redirect(_cycle_url(cycle))
    return _form_page(
        request, cycle, form, _("Answer the secretariat"), "cycle_answer.html", asked=asked, closed=closed
    )


@require_POST
@actor_required(policies.can_edit_cycles)
@once_per_submission
def renew(request: ActorRequest, pk: int) -> HttpResponse:
    """A new cycle for a recognised municipality, on the latest edition of the framework."""
    actor = get_actor(request)
    cycle = policies.get_cycle_to_prepare(actor, pk)
    form = EmptyForm(request.POST)
    form.is_valid()
    with service_errors_on(form):
        renewal = services.renew(actor=actor, cycle=cycle)
        messages.success(request, _("Renewal started. Record the commitment of the new cycle."))
        return redirect(_cycle_url(renewal))
    flash_errors(request, form)
    return redirect(_cycle_url(cycle))
