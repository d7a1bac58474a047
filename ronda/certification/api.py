"""Certification in the JSON API (issue #14 item 9): frameworks, calls, a municipality's cycles with
their evidence, submissions, the secretariat's review and decision, certificates, and the public
verification of a code. Same policies and services as the pages; forbidden and missing both answer
404; a reference another service names by its model field ("call") is answered as sent ("call_id").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from ronda.certification import evidence, policies, services
from ronda.certification.models import (
    Call,
    Cycle,
    CycleStage,
    Framework,
    InformationRequest,
    Requirement,
    Submission,
    Verdict,
)
from ronda.certification.schemas import (
    AnswerIn,
    CallCursorPage,
    CallFilters,
    CallIn,
    CallOut,
    CallPage,
    CandidacyIn,
    CertificateOut,
    CommitmentPatch,
    CycleCursorPage,
    CycleDetailOut,
    CycleFilters,
    CycleIn,
    CycleOut,
    CyclePage,
    DecisionIn,
    FrameworkCursorPage,
    FrameworkDetailOut,
    FrameworkFilters,
    FrameworkOut,
    FrameworkPage,
    InformationRequestIn,
    InformationRequestOut,
    RevokeIn,
    SubmissionCursorPage,
    SubmissionDetailOut,
    SubmissionFilters,
    SubmissionOut,
    SubmissionPage,
    SubmitIn,
    VerdictIn,
    VerdictOut,
    VerificationOut,
    VersionIn,
)
from ronda.core.api_schemas import LIST_ERRORS, READ_ERRORS, MessageOut, QueryFilters, ValidationErrorOut
from ronda.core.api_utils import read_filters, reject_unknown_query
from ronda.core.pagination import page_response, paginate
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ApiRequest
from ronda.territory import policies as territory_policies

router = Router(tags=["certification"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
FRAMEWORK_ORDER = ("name", "-edition", "id")
CALL_ORDER = ("-opens_on", "-id")
CYCLE_ORDER = ("-created_at", "-id")
SUBMISSION_ORDER = ("number", "id")
CODE_LIMIT = 40  # as the verification page reads a code


class NoFilters(QueryFilters):
    pass


@contextmanager
def _as_sent(**names: str) -> Iterator[None]:
    """The services name a reference by the model's field ("call"); a client sent "call_id": a 422
    names the field as it was sent."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(key, key): value for key, value in exc.error_dict.items()}) from exc


def _require_reader(request: ApiRequest) -> None:
    if not policies.can_read_certification(request.actor):
        raise Http404


# --- Shapes ----------------------------------------------------------------------------------------
def _framework_detail(framework: Framework) -> dict[str, Any]:
    stages = framework.stages.order_by("position", "id").prefetch_related(
        Prefetch("requirements", queryset=Requirement.objects.order_by("position", "id"))
    )
    return {
        **{name: getattr(framework, name) for name in FrameworkOut.model_fields},
        "stages": stages,
        "categories": framework.categories.order_by("position", "id"),
    }


def _cycle_row(cycle: Cycle) -> dict[str, Any]:
    row = {name: getattr(cycle, name) for name in CycleOut.model_fields if hasattr(cycle, name)}
    row.update(org_unit_name=cycle.org_unit.name, framework_name=cycle.framework.name)
    return row


def _items(items: list[evidence.Item]) -> list[dict[str, Any]]:
    return [
        {
            "requirement_id": item.requirement.pk,
            "requirement_code": item.requirement.code,
            "requirement_title": item.requirement.title,
            "kind": item.requirement.kind,
            "mandatory": item.requirement.mandatory,
            "status": item.status,
            "summary": item.summary,
            "figures": dict(item.figures),
            "params": dict(item.params),
            "document_version_id": item.document.pk if item.document is not None else None,
        }
        for item in items
    ]


def _verdict(verdict: Verdict) -> dict[str, Any]:
    return {
        **{
            name: getattr(verdict, name)
            for name in ("id", "requirement_id", "value", "comment", "updated_at", "version")
        },
        "requirement_code": verdict.requirement.code,
    }


def _cycle_detail(actor: Actor, cycle: Cycle) -> dict[str, Any]:
    """The cycle as ``actor`` reads it, through the policies: the live evidence while the municipality
    prepares (never to an evaluator), else what the latest submission they may read froze (what the
    reviewers judge). The secretariat's verdicts show to it, and to the others once they are sent
    back (information asked) or decided — as on the cycle's page; never to an evaluator."""
    items: list[evidence.Item] = []
    latest: Submission | None = None
    if cycle.is_preparing:
        source, computed_on = "live", None
        if policies.can_see_live_evidence(actor, cycle):
            items = evidence.live(cycle)
    else:
        latest = policies.visible_submissions(actor).filter(cycle=cycle).order_by("-number").first()
        source, computed_on = "submission", latest.computed_on if latest is not None else None
        items = evidence.frozen(latest) if latest is not None else []
    verdicts = policies.visible_verdicts(actor).filter(cycle=cycle).select_related("requirement")
    if not (policies.is_secretariat(actor) or cycle.stage in (CycleStage.INFO_REQUESTED, CycleStage.DECIDED)):
        verdicts = verdicts.none()
    return {
        **_cycle_row(cycle),
        **{name: getattr(cycle, name) for name in services.COMMITMENT},
        "category_name": cycle.category.name if cycle.category is not None else "",
        "reasons": cycle.reasons,
        "information_requests": policies.visible_information_requests(actor)
        .filter(cycle=cycle)
        .order_by("asked_at", "id"),
        "verdicts": [_verdict(v) for v in verdicts],
        "certificate": policies.visible_certificates(actor).filter(cycle=cycle).first(),
        "evidence_source": source,
        "evidence_submission_id": latest.pk if latest is not None else None,
        "evidence_computed_on": computed_on,
        "evidence": _items(items),
    }


def _fresh(actor: Actor, cycle: Cycle) -> dict[str, Any]:
    """The cycle after a write, read again through the policy (its stage and version moved on)."""
    return _cycle_detail(actor, policies.get_cycle(actor, cycle.pk))


def _submission_detail(submission: Submission) -> dict[str, Any]:
    return {
        **{name: getattr(submission, name) for name in SubmissionOut.model_fields},
        "evidence": _items(evidence.frozen(submission)),
    }


# --- Frameworks ------------------------------------------------------------------------------------
@router.get(
    "/frameworks",
    response={200: page_response(FrameworkPage, FrameworkCursorPage), **LIST_ERRORS},
    summary="Framework editions you can see (the published ones; drafts for those who edit them)",
)
def list_frameworks(request: ApiRequest, filters: Query[FrameworkFilters]) -> Any:
    read_filters(request, filters)
    _require_reader(request)
    frameworks = policies.visible_frameworks(request.actor)
    if filters.status is not None:
        frameworks = frameworks.filter(status=filters.status)
    if filters.code is not None:
        frameworks = frameworks.filter(code=filters.code)
    return paginate(request, frameworks, filters, order=FRAMEWORK_ORDER, scope="certification.frameworks").response()


@router.get(
    "/frameworks/{int:framework_id}",
    response={200: FrameworkDetailOut, **READ_ERRORS},
    summary="One framework edition with its stages, requirements and categories of recognition",
)
def get_framework(request: ApiRequest, framework_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    return _framework_detail(policies.get_framework(request.actor, framework_id))


# --- Calls -----------------------------------------------------------------------------------------
@router.get(
    "/calls",
    response={200: page_response(CallPage, CallCursorPage), **LIST_ERRORS},
    summary="Calls for candidacies over your territory, the latest first",
)
def list_calls(request: ApiRequest, filters: Query[CallFilters]) -> Any:
    read_filters(request, filters)
    _require_reader(request)
    calls = policies.visible_calls(request.actor)
    if filters.framework_id is not None:
        calls = calls.filter(framework_id=filters.framework_id)
    if filters.open_on is not None:
        calls = calls.filter(opens_on__lte=filters.open_on, closes_on__gte=filters.open_on)
    return paginate(request, calls, filters, order=CALL_ORDER, scope="certification.calls").response()


@router.post(
    "/calls",
    response={201: CallOut, **WRITE_ERRORS},
    summary="Open a call for candidacies over a country or region (the secretariat)",
)
def create_call(request: ApiRequest, payload: CallIn) -> Any:
    actor = request.actor
    if not policies.can_manage_some_call(actor):
        raise Http404
    framework = policies.get_framework(actor, payload.framework_id)
    unit = territory_policies.get_org_unit(actor, payload.org_unit_id)
    with _as_sent(framework="framework_id", org_unit="org_unit_id"):
        call = services.open_call(
            actor=actor,
            framework=framework,
            org_unit=unit,
            title=payload.title,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
        )
    return Status(201, call)


# --- Cycles ----------------------------------------------------------------------------------------
@router.get(
    "/cycles",
    response={200: page_response(CyclePage, CycleCursorPage), **LIST_ERRORS},
    summary="Certification cycles of the municipalities in your scope, the newest first",
)
def list_cycles(request: ApiRequest, filters: Query[CycleFilters]) -> Any:
    read_filters(request, filters)
    if not (policies.can_read_certification(request.actor) or policies.is_evaluator(request.actor)):
        raise Http404  # an evaluator reads the cycles assigned to them
    cycles = policies.visible_cycles(request.actor)
    if filters.stage is not None:
        cycles = cycles.filter(stage=filters.stage)
    if filters.framework_id is not None:
        cycles = cycles.filter(framework_id=filters.framework_id)
    if filters.org_unit_id is not None:
        cycles = cycles.filter(org_unit_id=filters.org_unit_id)
    page = paginate(request, cycles, filters, order=CYCLE_ORDER, scope="certification.cycles")
    return page.response(_cycle_row(cycle) for cycle in page.rows)


@router.post(
    "/cycles",
    response={201: CycleOut, **WRITE_ERRORS},
    summary="Commit a municipality to a framework's recognition (its coordinator)",
)
def create_cycle(request: ApiRequest, payload: CycleIn) -> Any:
    actor = request.actor
    if not policies.can_edit_cycles(actor):
        raise Http404
    unit = territory_policies.get_org_unit(actor, payload.org_unit_id)
    framework = policies.get_framework(actor, payload.framework_id)
    with _as_sent(framework="framework_id", org_unit="org_unit_id"):
        cycle = services.start_cycle(actor=actor, org_unit=unit, framework=framework)
    return Status(201, _cycle_row(cycle))


@router.get(
    "/cycles/{int:cycle_id}",
    response={200: CycleDetailOut, **READ_ERRORS},
    summary="One cycle: its commitment, stage, decision, requests, verdicts, certificate and evidence",
)
def get_cycle(request: ApiRequest, cycle_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    return _cycle_detail(request.actor, policies.get_cycle(request.actor, cycle_id))


@router.patch(
    "/cycles/{int:cycle_id}/commitment",
    response={200: CycleDetailOut, **WRITE_ERRORS},
    summary="Record the commitment: the council's resolution, the signed agreement, the liaison",
)
def record_commitment(request: ApiRequest, cycle_id: int, payload: CommitmentPatch) -> Any:
    actor = request.actor
    cycle = policies.get_cycle_to_prepare(actor, cycle_id)
    changes: dict[str, Any] = {}
    for name in payload.model_fields_set - {"version"}:
        value = getattr(payload, name)
        if value is None and not name.endswith("_on"):
            raise ValidationError({name: _("This field cannot be null.")})
        changes[name] = value
    services.record_commitment(actor=actor, cycle=cycle, expected_version=payload.version, **changes)
    return _fresh(actor, cycle)


@router.post(
    "/cycles/{int:cycle_id}/candidacy",
    response={200: CycleDetailOut, **WRITE_ERRORS},
    summary="Enter the candidacy, in an open call or without one, and start the self-assessment",
)
def enter_candidacy(request: ApiRequest, cycle_id: int, payload: CandidacyIn) -> Any:
    actor = request.actor
    cycle = policies.get_cycle_to_prepare(actor, cycle_id)
    call: Call | None = None
    if payload.call_id is not None:
        call = policies.visible_calls(actor).filter(pk=payload.call_id).first()
        if call is None:
            raise ValidationError({"call_id": _("Choose a call for candidacies open to this municipality.")})
    with _as_sent(call="call_id"):
        services.enter_candidacy(actor=actor, cycle=cycle, call=call, expected_version=payload.version)
    return _fresh(actor, cycle)


@router.post(
    "/cycles/{int:cycle_id}/submit",
    response={201: SubmissionDetailOut, **WRITE_ERRORS},
    summary="Freeze today's evidence and hand the candidacy to the secretariat",
)
def submit(request: ApiRequest, cycle_id: int, payload: SubmitIn) -> Any:
    actor = request.actor
    cycle = policies.get_cycle_to_prepare(actor, cycle_id)
    submission = services.submit(actor=actor, cycle=cycle, expected_version=payload.version, note=payload.note)
    return Status(201, _submission_detail(submission))


@router.get(
    "/cycles/{int:cycle_id}/submissions",
    response={200: page_response(SubmissionPage, SubmissionCursorPage), **LIST_ERRORS},
    summary="The submissions of a cycle, the first first",
)
def list_submissions(request: ApiRequest, cycle_id: int, filters: Query[SubmissionFilters]) -> Any:
    read_filters(request, filters)
    cycle = policies.get_cycle(request.actor, cycle_id)
    submissions = policies.visible_submissions(request.actor).filter(cycle=cycle)
    scope = f"certification.submissions:{cycle.pk}"
    return paginate(request, submissions, filters, order=SUBMISSION_ORDER, scope=scope).response()


@router.get(
    "/submissions/{int:submission_id}",
    response={200: SubmissionDetailOut, **READ_ERRORS},
    summary="One submission with the evidence as it was frozen",
)
def get_submission(request: ApiRequest, submission_id: int) -> Any:
    reject_unknown_query(request, NoFilters)
    # No policies.get_submission yet: the policy's queryset, one row or 404.
    submission = policies.visible_submissions(request.actor).filter(pk=submission_id).first()
    if submission is None:
        raise Http404
    return _submission_detail(submission)


@router.post(
    "/information-requests/{int:request_id}/answer",
    response={200: InformationRequestOut, **WRITE_ERRORS},
    summary="Answer the secretariat's request for more information (then submit again)",
)
def answer_information(request: ApiRequest, request_id: int, payload: AnswerIn) -> Any:
    actor = request.actor
    # No policies.get_information_request yet: the policy's queryset, one row or 404; the service
    # checks the actor prepares the cycle (404 otherwise).
    asked: InformationRequest | None = policies.visible_information_requests(actor).filter(pk=request_id).first()
    if asked is None or not policies.can_edit_cycles(actor):
        raise Http404
    return services.answer_information(
        actor=actor, request=asked, answer=payload.answer, expected_version=payload.version
    )


# --- The secretariat's review ------------------------------------------------------------------------
@router.post(
    "/cycles/{int:cycle_id}/take",
    response={200: CycleDetailOut, **WRITE_ERRORS},
    summary="Take a submitted candidacy for review (the secretariat)",
)
def take_for_review(request: ApiRequest, cycle_id: int, payload: VersionIn) -> Any:
    actor = request.actor
    cycle = policies.get_cycle_to_review(actor, cycle_id)
    services.take_for_review(actor=actor, cycle=cycle, expected_version=payload.version)
    return _fresh(actor, cycle)


@router.post(
    "/cycles/{int:cycle_id}/verdicts",
    response={200: VerdictOut, **WRITE_ERRORS},
    summary="Give (or replace) the verdict on a requirement of a cycle in review",
)
def record_verdict(request: ApiRequest, cycle_id: int, payload: VerdictIn) -> Any:
    actor = request.actor
    cycle = policies.get_cycle_to_review(actor, cycle_id)
    with _as_sent(requirement="requirement_id"):
        verdict = services.record_verdict(
            actor=actor,
            cycle=cycle,
            requirement_id=payload.requirement_id,
            value=payload.value,
            comment=payload.comment,
            expected_version=payload.version,
        )
    return _verdict(verdict)


@router.post(
    "/cycles/{int:cycle_id}/information-requests",
    response={201: InformationRequestOut, **WRITE_ERRORS},
    summary="Ask the municipality for more information (the candidacy goes back to it)",
)
def request_information(request: ApiRequest, cycle_id: int, payload: InformationRequestIn) -> Any:
    actor = request.actor
    cycle = policies.get_cycle_to_review(actor, cycle_id)
    asked = services.request_information(actor=actor, cycle=cycle, text=payload.text, expected_version=payload.version)
    return Status(201, asked)


@router.post(
    "/cycles/{int:cycle_id}/decision",
    response={200: CycleDetailOut, **WRITE_ERRORS},
    summary="Decide: recognised (a category, a certificate) or not yet (with the reasons)",
)
def decide(request: ApiRequest, cycle_id: int, payload: DecisionIn) -> Any:
    actor = request.actor
    cycle = policies.get_cycle_to_review(actor, cycle_id)
    category = None
    if payload.category_id is not None:
        category = policies.visible_categories(actor).filter(pk=payload.category_id).first()
        if category is None:
            raise ValidationError({"category_id": _("Choose a category of this framework.")})
    with _as_sent(category="category_id"):
        services.decide(
            actor=actor,
            cycle=cycle,
            outcome=payload.outcome,
            expected_version=payload.version,
            category=category,
            reasons=payload.reasons,
            decided_on=payload.decided_on,
        )
    return _fresh(actor, cycle)


@router.post(
    "/certificates/{int:certificate_id}/revoke",
    response={200: CertificateOut, **WRITE_ERRORS},
    summary="Revoke a certificate, with the reason (the secretariat)",
)
def revoke_certificate(request: ApiRequest, certificate_id: int, payload: RevokeIn) -> Any:
    actor = request.actor
    certificate = policies.get_certificate_for_edit(actor, certificate_id)
    return services.revoke_certificate(actor=actor, certificate=certificate, reason=payload.reason)


# --- Public verification -----------------------------------------------------------------------------
@router.get(
    "/verify/{code}",
    auth=None,
    response={200: VerificationOut, 422: ValidationErrorOut},
    summary="Public, no token: whether a certificate's code is valid, expired, revoked or unknown",
)
def verify(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """The verification page's answer as JSON: the recognition and nothing more. A forged code and
    a mistyped one both say unknown. Never cached: a revocation must show at once."""
    reject_unknown_query(request, NoFilters)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return services.verify(code.strip()[:CODE_LIMIT])
