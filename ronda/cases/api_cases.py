"""Cases in the JSON API (issue #11, item 10): the case route and the work on a case, with the same
policies, services and access events as the pages.

Mounted beside the children's router under ``/api/v1/cases``: ``GET /api/v1/cases`` lists the cases
you may see, ``/api/v1/cases/{case_id}`` is one case, and its parts hang below it (visits, plan,
mediations, referrals, tasks, notes, events); a part is changed at its own address
(``/api/v1/cases/visits/{visit_id}/record``).

Forbidden and missing both answer 404; a stale ``version`` answers 409; bad input answers 422 with
the services' Spanish messages. Every case shown is logged by the policy call that returns it (one
access event per list row, one per opening). A sensitive case shown to someone who may know it
exists but not whom it concerns (``policies_cases.may_see_child``) comes without the child's name or
the story (``•••``); its parts are not shown to them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ronda.accounts.models import User
from ronda.cases import casework, policies_cases, route
from ronda.cases.models import (
    Case,
    CasePlan,
    CaseViolation,
    Mediation,
    MediationAgreement,
    PlanAction,
    Referral,
    Task,
)
from ronda.core.api_schemas import LIST_ERRORS, READ_ERRORS, Id, MessageOut, QueryFilters, StrictSchema
from ronda.core.api_utils import read_filters
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters, limit_field, page_response, paginate
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ApiRequest
from ronda.territory import policies as territory_policies
from ronda.territory.models import Institution, OrgUnit

router = Router(tags=["cases"])
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
MASKED = policies_cases.MASKED
# Sorts a keyset page can follow (the risk sort orders by a computed rank: pages only).
API_SORTS = {name: policies_cases.SORTS[name] for name in ("recientes", "antiguos", "hechos")}
TEXT_LIMIT = route.DESCRIPTION_LIMIT
REASON_LIMIT = route.REASON_LIMIT


# --- Schemas ---------------------------------------------------------------------------------------
class ViolationTypeOut(Schema):
    id: int
    country_id: int
    code: str
    name: str
    description: str
    parent_id: int | None
    requires_referral_to: str
    referral_deadline_hours: int | None
    makes_sensitive: bool


class CaseOut(Schema):
    id: int
    number: str
    state: str
    risk: str
    sensitive: bool
    child_id: int | None = Field(description="Null when the case is sensitive and you may not see whom it concerns")
    child_name: str = Field(description="The child's names, or ••• for a sensitive case you do not work on")
    community_id: int
    community: str
    owner_id: int
    owner: str
    registered_on: dt.date
    facts_date: dt.date
    closed_on: dt.date | None
    closing_reason: str
    closure_requested: bool
    version: int

    @staticmethod
    def resolve_child_id(case: Case) -> int | None:
        return case.child_id if _shown(case) else None

    @staticmethod
    def resolve_child_name(case: Case) -> str:
        return case.child.display_name if _shown(case) else MASKED

    @staticmethod
    def resolve_community(case: Case) -> str:
        return case.community.name

    @staticmethod
    def resolve_owner(case: Case) -> str:
        return case.owner.get_full_name() or case.owner.username

    @staticmethod
    def resolve_closure_requested(case: Case) -> bool:
        return case.closure_requested_at is not None


class CaseViolationOut(Schema):
    violation_type_id: int
    name: str
    requires_referral_to: str
    referral_due_at: dt.datetime | None
    referral_id: int | None

    @staticmethod
    def resolve_name(row: CaseViolation) -> str:
        return row.violation_type.name

    @staticmethod
    def resolve_requires_referral_to(row: CaseViolation) -> str:
        return row.violation_type.requires_referral_to


class CaseRecordOut(CaseOut):
    municipality_id: int
    reporter_type: str
    reporter_name: str
    reporter_contact: str
    description: str
    closing_note: str
    transferred_to_id: int | None
    first_visit_on: dt.date | None
    first_referral_on: dt.date | None
    violations: list[CaseViolationOut]
    assigned_ids: list[int]

    @staticmethod
    def resolve_description(case: Case) -> str:
        return case.description if _shown(case) else MASKED

    @staticmethod
    def resolve_reporter_name(case: Case) -> str:
        return case.reporter_name if _shown(case) else ""

    @staticmethod
    def resolve_reporter_contact(case: Case) -> str:
        return case.reporter_contact if _shown(case) else ""

    @staticmethod
    def resolve_closing_note(case: Case) -> str:
        return case.closing_note if _shown(case) else ""

    @staticmethod
    def resolve_violations(case: Case) -> list[CaseViolation]:
        return getattr(case, "shown_violations", [])

    @staticmethod
    def resolve_assigned_ids(case: Case) -> list[int]:
        return getattr(case, "shown_assigned", [])


class CasePage(OffsetPageOut):
    results: list[CaseOut]


class CaseCursorPage(CursorPageOut):
    results: list[CaseOut]


class CaseListFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {}

    state: Literal["registered", "visits", "mediation", "referral", "follow_up", "closed"] | None = None
    open_only: bool = Field(default=False, description="Only cases not closed")
    violation_type_id: Id | None = None
    risk: Literal["high", "medium", "low"] | None = None
    community_id: Id | None = None
    owner_id: Id | None = None
    sensitive: bool | None = None
    overdue_tasks: bool = Field(default=False, description="Only cases with a task past its due date")
    q: str = Field(default="", max_length=100, description="Words of the child's or a caregiver's name")
    sort: Literal["recientes", "antiguos", "hechos"] = "recientes"
    limit: int = limit_field(100, default=25)


class CaseEventOut(Schema):
    id: int
    kind: str
    from_state: str
    to_state: str
    skipped: list[str]
    reason: str
    closing_reason: str
    details: dict[str, Any]
    actor_id: int | None
    at: dt.datetime


class CaseIn(StrictSchema):
    child_id: Id
    violation_type_ids: list[Id] = Field(max_length=20)
    reporter_type: str
    reporter_name: str = Field(default="", max_length=200)
    reporter_contact: str = Field(default="", max_length=200)
    facts_date: dt.date | None = None
    registered_on: dt.date | None = None
    description: str = Field(max_length=TEXT_LIMIT)
    risk: str
    sensitive: bool = False
    owner_id: Id | None = Field(default=None, description="A supervisor names the defender in charge")


class CasePatch(StrictSchema):
    version: int = Field(ge=1)
    description: str | None = Field(default=None, max_length=TEXT_LIMIT)
    risk: str | None = None
    sensitive: bool | None = None
    reporter_type: str | None = None
    reporter_name: str | None = Field(default=None, max_length=200)
    reporter_contact: str | None = Field(default=None, max_length=200)
    facts_date: dt.date | None = None
    violation_type_ids: list[Id] | None = Field(default=None, max_length=20)


class MoveIn(StrictSchema):
    version: int = Field(ge=1)
    to_state: Literal["registered", "visits", "mediation", "referral", "follow_up", "closed"]
    reason: str = Field(default="", max_length=REASON_LIMIT)
    closing_reason: str = ""
    closing_note: str = Field(default="", max_length=route.NOTE_LIMIT)


class ClosureDecisionIn(StrictSchema):
    approve: bool
    comment: str = Field(default="", max_length=REASON_LIMIT)


class ReopenIn(StrictSchema):
    reason: str = Field(max_length=REASON_LIMIT)
    to_state: Literal["registered", "visits", "mediation", "referral", "follow_up"] = "follow_up"


class ReassignIn(StrictSchema):
    case_ids: list[Id] = Field(min_length=1, max_length=route.MAX_REASSIGN)
    owner_id: Id
    reason: str = Field(max_length=REASON_LIMIT)


class ReassignOut(Schema):
    changed: int


class TransferIn(StrictSchema):
    version: int = Field(ge=1)
    community_id: Id
    owner_id: Id
    reason: str = Field(max_length=REASON_LIMIT)


class ProtectionTransferIn(StrictSchema):
    version: int = Field(ge=1)
    institution_id: Id
    reason: str = Field(max_length=REASON_LIMIT)
    consent_to_sharing: bool
    consent_given_by: str = ""
    override_reason: str = Field(default="", max_length=REASON_LIMIT)


class AssignIn(StrictSchema):
    user_id: Id


class VisitOut(Schema):
    id: int
    case_id: int
    planned_for: dt.date
    done_on: dt.date | None
    status: str
    findings: str
    visited_by_id: int | None
    version: int


class PlanActionOut(Schema):
    id: int
    plan_id: int
    description: str
    responsible: str
    starts_on: dt.date | None
    due_on: dt.date
    status: str
    version: int


class PlanOut(Schema):
    id: int
    case_id: int
    goal: str
    status: str
    submitted_at: dt.datetime | None
    decided_by_id: int | None
    decided_at: dt.datetime | None
    supervisor_comment: str
    version: int
    actions: list[PlanActionOut]

    @staticmethod
    def resolve_actions(plan: CasePlan) -> list[PlanAction]:
        return getattr(plan, "shown_actions", [])


class AgreementOut(Schema):
    id: int
    mediation_id: int
    text: str
    due_on: dt.date | None
    fulfilment: str
    checked_on: dt.date | None
    version: int


class MediationOut(Schema):
    id: int
    case_id: int
    held_on: dt.date
    participants: str
    summary: str
    mediator_id: int | None
    version: int
    agreements: list[AgreementOut]

    @staticmethod
    def resolve_agreements(mediation: Mediation) -> list[MediationAgreement]:
        return getattr(mediation, "shown_agreements", [])


class ReferralOut(Schema):
    id: int
    case_id: int
    institution_id: int
    institution: str
    service_id: int | None
    reason: str
    consent_to_services: bool
    consent_to_sharing: bool
    consent_given_by: str
    consent_override_reason: str
    consent_override_by_id: int | None
    status: str
    sent_on: dt.date
    sent_by_id: int | None
    feedback: str
    feedback_on: dt.date | None
    version: int

    @staticmethod
    def resolve_institution(referral: Referral) -> str:
        return referral.institution.name


class TaskOut(Schema):
    id: int
    case_id: int
    title: str
    due_on: dt.date
    assigned_to_id: int
    priority: str
    done_at: dt.datetime | None
    done_by_id: int | None
    overdue: bool
    version: int

    @staticmethod
    def resolve_overdue(task: Task) -> bool:
        return task.done_at is None and task.due_on < timezone.localdate()


class NoteOut(Schema):
    id: int
    case_id: int
    text: str
    author_id: int | None
    created_at: dt.datetime


# --- Helpers ---------------------------------------------------------------------------------------
def _shown(case: Case) -> bool:
    # Set by ``_mark`` from ``policies_cases.may_see_child``; unmarked means masked.
    return bool(getattr(case, "child_visible", False))


def _mark(actor: Actor, cases: list[Case]) -> list[Case]:
    for case in cases:
        case.child_visible = policies_cases.may_see_child(actor, case)  # type: ignore[attr-defined]
    return cases


def _record(actor: Actor, case: Case) -> Case:
    """The case as ``CaseRecordOut`` shows it (reached through a policy call, which logged it)."""
    _mark(actor, [case])
    case.shown_violations = list(  # type: ignore[attr-defined]
        policies_cases.visible_case_violations(actor)
        .filter(case=case)
        .select_related("violation_type")
        .order_by("violation_type__position")
    )
    case.shown_assigned = sorted(  # type: ignore[attr-defined]
        policies_cases.visible_assignments(actor).filter(case=case).values_list("user_id", flat=True)
    )
    return case


def _readable_parts(actor: Actor, case_id: int) -> Case:
    """A case whose parts (visits, plan, referrals …) the actor may read: not a masked one."""
    case = policies_cases.get_case(actor, case_id)
    if not policies_cases.may_see_child(actor, case):
        raise Http404
    return case


def _holder(unit: OrgUnit, user_id: int, field: str) -> User:
    # Only among those who may hold the unit's cases: any other id is an invalid choice, never a lookup.
    found = next((u for u in policies_cases.case_holders(unit) if u.pk == user_id), None)
    if found is None:
        raise ValidationError({field: _("Choose a defender of the community or a supervisor of the municipality.")})
    return found


def _not_null(payload: StrictSchema, *, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in payload.model_fields_set - {"version"}:
        value = getattr(payload, name)
        if value is None and name not in nullable:
            raise ValidationError({name: _("This field cannot be null.")})
        fields[name] = value
    return fields


# --- Taxonomy -------------------------------------------------------------------------------------
class ViolationTypeFilters(QueryFilters):
    country_id: Id | None = Field(default=None, description="An administrator chooses the country")


@router.get(
    "/violation-types",
    response={200: list[ViolationTypeOut], **READ_ERRORS},
    summary="The active violation types of your country (the taxonomy cases are classified by)",
)
def list_violation_types(request: ApiRequest, filters: Query[ViolationTypeFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    # The taxonomy names no one: every role with a place may read its country's.
    if actor.org_unit is not None:
        return list(policies_cases.violation_types_for(actor.org_unit.path))
    if actor.is_admin:
        types = policies_cases.visible_violation_types(actor).filter(is_active=True)
        if filters.country_id is not None:
            types = types.filter(country_id=filters.country_id)
        return list(types.order_by("country_id", "position", "name"))
    return []


# --- Cases ----------------------------------------------------------------------------------------
@router.get(
    "",
    response={200: page_response(CasePage, CaseCursorPage), **LIST_ERRORS},
    summary="Cases you may see, filtered; keyset pages with cursor= (one access event per case shown)",
)
def list_cases(request: ApiRequest, filters: Query[CaseListFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    if not policies_cases.can_read_cases(actor):
        raise PermissionDenied
    chosen = policies_cases.CaseFilters(
        state=filters.state or "",
        violation_type=filters.violation_type_id,
        risk=filters.risk or "",
        community=filters.community_id,
        sensitive=filters.sensitive,
        overdue_tasks=filters.overdue_tasks,
        open_only=filters.open_only,
        owner=filters.owner_id,
        search=filters.q,
    )
    cases = policies_cases.filtered_cases(actor, chosen).select_related("child", "community", "owner")
    page = paginate(request, cases, filters, order=API_SORTS[filters.sort], scope="cases.cases")
    policies_cases.log_cases_shown(actor, page.rows)
    return page.response(_mark(actor, page.rows))


@router.get("/{int:case_id}", response={200: CaseRecordOut, **READ_ERRORS}, summary="One case (its opening is logged)")
def get_case(request: ApiRequest, case_id: int) -> Any:
    return _record(request.actor, policies_cases.get_case(request.actor, case_id))


@router.post(
    "",
    response={201: CaseRecordOut, **WRITE_ERRORS},
    summary="Open a case for a child you may read (a supervisor may name the defender in charge)",
)
def open_case(request: ApiRequest, payload: CaseIn) -> Any:
    actor = request.actor
    if not policies_cases.can_open_cases(actor):
        raise PermissionDenied
    from ronda.cases import policies

    child = policies.get_child(actor, payload.child_id)
    owner = _holder(child.community, payload.owner_id, "owner_id") if payload.owner_id is not None else None
    case = route.open_case(
        actor=actor,
        child=child,
        owner=owner,
        **payload.model_dump(exclude={"child_id", "owner_id"}),
    )
    return Status(201, _record(actor, policies_cases.get_case(actor, case.pk)))


@router.patch(
    "/{int:case_id}",
    response={200: CaseRecordOut, **WRITE_ERRORS},
    summary="Edit a case (send the version you read; 409 if it changed)",
)
def update_case(request: ApiRequest, case_id: int, payload: CasePatch) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    fields = _not_null(payload, nullable=("facts_date",))
    updated = route.update_case(actor=actor, case=case, expected_version=payload.version, **fields)
    return _record(actor, updated)


@router.post(
    "/{int:case_id}/move",
    response={200: CaseRecordOut, **WRITE_ERRORS},
    summary="Move the case along the route (skipping or going back needs a reason; closing needs its reason)",
)
def move_case(request: ApiRequest, case_id: int, payload: MoveIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    moved = route.move_case(
        actor=actor,
        case=case,
        expected_version=payload.version,
        to_state=payload.to_state,
        reason=payload.reason,
        closing_reason=payload.closing_reason,
        closing_note=payload.closing_note,
    )
    return _record(actor, moved)


@router.post(
    "/{int:case_id}/closure",
    response={200: CaseRecordOut, **WRITE_ERRORS},
    summary="The supervisor approves a closure request (the case closes) or returns it",
)
def decide_closure(request: ApiRequest, case_id: int, payload: ClosureDecisionIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_supervision(actor, case_id)
    decided = route.decide_closure(actor=actor, case=case, approve=payload.approve, comment=payload.comment)
    return _record(actor, decided)


@router.post(
    "/{int:case_id}/reopen", response={200: CaseRecordOut, **WRITE_ERRORS}, summary="Reopen a closed case, with why"
)
def reopen_case(request: ApiRequest, case_id: int, payload: ReopenIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    reopened = route.reopen_case(actor=actor, case=case, reason=payload.reason, to_state=payload.to_state)
    return _record(actor, reopened)


@router.post(
    "/reassign",
    response={200: ReassignOut, **WRITE_ERRORS},
    summary="The supervisor gives 1 to 100 cases of the municipality to another defender",
)
def reassign_cases(request: ApiRequest, payload: ReassignIn) -> Any:
    actor = request.actor
    if not policies_cases.can_supervise(actor):
        raise PermissionDenied
    cases = [policies_cases.get_case_for_supervision(actor, pk) for pk in dict.fromkeys(payload.case_ids)]
    owner = _holder(cases[0].municipality, payload.owner_id, "owner_id")
    changed = route.reassign_cases(actor=actor, cases=cases, owner=owner, reason=payload.reason)
    return {"changed": changed}


@router.post(
    "/{int:case_id}/transfer",
    response={200: CaseRecordOut, **WRITE_ERRORS},
    summary="The supervisor moves the case to another community of the municipality",
)
def transfer_case(request: ApiRequest, case_id: int, payload: TransferIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_supervision(actor, case_id)
    try:
        community = territory_policies.get_org_unit(actor, payload.community_id)
    except Http404:
        raise ValidationError({"community_id": _("Choose a community of the case's municipality.")}) from None
    owner = _holder(community, payload.owner_id, "owner_id")
    moved = route.transfer_case(
        actor=actor,
        case=case,
        expected_version=payload.version,
        community=community,
        owner=owner,
        reason=payload.reason,
    )
    return _record(actor, moved)


def _institution(actor: Actor, institution_id: int) -> Institution:
    try:
        return territory_policies.get_institution(actor, institution_id)
    except Http404:
        raise ValidationError({"institution_id": _("Choose an institution of the directory.")}) from None


@router.post(
    "/{int:case_id}/transfer-to-protection",
    response={200: CaseRecordOut, **WRITE_ERRORS},
    summary="Hand the case to the protection office (it closes here); without consent only a supervisor, with why",
)
def transfer_to_protection(request: ApiRequest, case_id: int, payload: ProtectionTransferIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    closed = route.transfer_to_protection(
        actor=actor,
        case=case,
        expected_version=payload.version,
        institution=_institution(actor, payload.institution_id),
        reason=payload.reason,
        consent_to_sharing=payload.consent_to_sharing,
        consent_given_by=payload.consent_given_by,
        override_reason=payload.override_reason,
    )
    return _record(actor, closed)


@router.post(
    "/{int:case_id}/assignments",
    response={201: CaseRecordOut, **WRITE_ERRORS},
    summary="Another defender of the community (or a supervisor) works on the case too",
)
def assign_user(request: ApiRequest, case_id: int, payload: AssignIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    route.assign_user(actor=actor, case=case, user=_holder(case.community, payload.user_id, "user_id"))
    return Status(201, _record(actor, case))


@router.delete(
    "/{int:case_id}/assignments/{int:user_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Someone assigned no longer works on the case",
)
def unassign_user(request: ApiRequest, case_id: int, user_id: int) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    assigned = next(
        (
            a.user
            for a in policies_cases.visible_assignments(actor).filter(case=case).select_related("user")
            if a.user_id == user_id
        ),
        None,
    )
    if assigned is None:
        raise Http404
    route.unassign_user(actor=actor, case=case, user=assigned)
    return Status(204, None)


@router.get(
    "/{int:case_id}/events",
    response={200: list[CaseEventOut], **READ_ERRORS},
    summary="The case's history along the route, oldest first",
)
def list_events(request: ApiRequest, case_id: int) -> Any:
    actor = request.actor
    case = policies_cases.get_case(actor, case_id)
    events = list(policies_cases.visible_case_events(actor).filter(case=case).order_by("at", "id"))
    if not policies_cases.may_see_child(actor, case):
        # Masked: the route's steps and dates, without the free texts about the family.
        for event in events:
            event.reason, event.details = MASKED, {}
    return events


# --- The parts of a case (read) --------------------------------------------------------------------
@router.get("/{int:case_id}/visits", response={200: list[VisitOut], **READ_ERRORS}, summary="The case's family visits")
def list_visits(request: ApiRequest, case_id: int) -> Any:
    case = _readable_parts(request.actor, case_id)
    return list(policies_cases.visible_visits(request.actor).filter(case=case).order_by("planned_for", "id"))


def _plan_of(actor: Actor, case: Case) -> CasePlan | None:
    plan = policies_cases.visible_plans(actor).filter(case=case).first()
    if plan is not None:
        plan.shown_actions = list(  # type: ignore[attr-defined]
            policies_cases.visible_plan_actions(actor).filter(plan=plan).order_by("due_on", "id")
        )
    return plan


@router.get(
    "/{int:case_id}/plan",
    response={200: PlanOut | None, **READ_ERRORS},
    summary="The case plan with its actions (null while there is none)",
)
def get_plan(request: ApiRequest, case_id: int) -> Any:
    return _plan_of(request.actor, _readable_parts(request.actor, case_id))


def _with_agreements(actor: Actor, mediations: list[Mediation]) -> list[Mediation]:
    by_mediation: dict[int, list[MediationAgreement]] = {m.pk: [] for m in mediations}
    for agreement in policies_cases.visible_agreements(actor).filter(mediation__in=mediations).order_by("id"):
        by_mediation[agreement.mediation_id].append(agreement)
    for mediation in mediations:
        mediation.shown_agreements = by_mediation[mediation.pk]  # type: ignore[attr-defined]
    return mediations


@router.get(
    "/{int:case_id}/mediations",
    response={200: list[MediationOut], **READ_ERRORS},
    summary="The case's mediation sessions with their agreements",
)
def list_mediations(request: ApiRequest, case_id: int) -> Any:
    case = _readable_parts(request.actor, case_id)
    mediations = list(policies_cases.visible_mediations(request.actor).filter(case=case).order_by("held_on", "id"))
    return _with_agreements(request.actor, mediations)


@router.get(
    "/{int:case_id}/referrals",
    response={200: list[ReferralOut], **READ_ERRORS},
    summary="The case's referrals, with consent and the institutions' feedback",
)
def list_referrals(request: ApiRequest, case_id: int) -> Any:
    case = _readable_parts(request.actor, case_id)
    referrals = policies_cases.visible_referrals(request.actor).filter(case=case).select_related("institution")
    return list(referrals.order_by("sent_on", "id"))


@router.get("/{int:case_id}/tasks", response={200: list[TaskOut], **READ_ERRORS}, summary="The case's tasks")
def list_tasks(request: ApiRequest, case_id: int) -> Any:
    case = _readable_parts(request.actor, case_id)
    return list(policies_cases.visible_tasks(request.actor).filter(case=case).order_by("due_on", "id"))


@router.get(
    "/{int:case_id}/notes", response={200: list[NoteOut], **READ_ERRORS}, summary="The case's notes, newest first"
)
def list_notes(request: ApiRequest, case_id: int) -> Any:
    case = _readable_parts(request.actor, case_id)
    return list(policies_cases.visible_notes(request.actor).filter(case=case).order_by("-created_at", "-id"))


# --- The work on a case (write) --------------------------------------------------------------------
class VisitIn(StrictSchema):
    planned_for: dt.date


class VisitRecordIn(StrictSchema):
    version: int = Field(ge=1)
    done_on: dt.date
    findings: str = Field(max_length=TEXT_LIMIT)


class VersionIn(StrictSchema):
    version: int = Field(ge=1)


class PlanIn(StrictSchema):
    version: int | None = Field(default=None, ge=1, description="The plan's version; leave out to create it")
    goal: str = Field(max_length=TEXT_LIMIT)


class PlanActionIn(StrictSchema):
    description: str = Field(max_length=TEXT_LIMIT)
    responsible: str = Field(max_length=200)
    due_on: dt.date
    starts_on: dt.date | None = None


class PlanActionPatch(StrictSchema):
    version: int = Field(ge=1)
    description: str | None = Field(default=None, max_length=TEXT_LIMIT)
    responsible: str | None = Field(default=None, max_length=200)
    starts_on: dt.date | None = None
    due_on: dt.date | None = None
    status: str | None = None


class PlanDecisionIn(StrictSchema):
    version: int = Field(ge=1)
    approve: bool
    comment: str = Field(default="", max_length=REASON_LIMIT)


class AgreementIn(StrictSchema):
    text: str = Field(max_length=TEXT_LIMIT)
    due_on: dt.date | None = None


class MediationIn(StrictSchema):
    held_on: dt.date
    participants: str = Field(max_length=TEXT_LIMIT)
    summary: str = Field(default="", max_length=TEXT_LIMIT)
    agreements: list[AgreementIn] = Field(default_factory=list, max_length=30)


class AgreementCheckIn(StrictSchema):
    version: int = Field(ge=1)
    fulfilment: str
    checked_on: dt.date


class ReferralIn(StrictSchema):
    institution_id: Id
    service_id: Id | None = None
    reason: str = Field(max_length=TEXT_LIMIT)
    consent_to_services: bool
    consent_to_sharing: bool
    consent_given_by: str = ""
    override_reason: str = Field(default="", max_length=REASON_LIMIT)
    sent_on: dt.date | None = None


class ReferralPatch(StrictSchema):
    version: int = Field(ge=1)
    status: str
    feedback: str = Field(default="", max_length=TEXT_LIMIT)
    feedback_on: dt.date | None = None


class TaskIn(StrictSchema):
    title: str = Field(max_length=200)
    due_on: dt.date
    assigned_to_id: Id | None = None


class NoteIn(StrictSchema):
    text: str = Field(max_length=TEXT_LIMIT)


@router.post("/{int:case_id}/visits", response={201: VisitOut, **WRITE_ERRORS}, summary="Plan a family visit")
def plan_visit(request: ApiRequest, case_id: int, payload: VisitIn) -> Any:
    case = policies_cases.get_case_for_work(request.actor, case_id)
    return Status(201, casework.plan_visit(actor=request.actor, case=case, planned_for=payload.planned_for))


@router.post(
    "/visits/{int:visit_id}/record",
    response={200: VisitOut, **WRITE_ERRORS},
    summary="Record a visit done, with what was found (send the version you read)",
)
def record_visit(request: ApiRequest, visit_id: int, payload: VisitRecordIn) -> Any:
    visit = policies_cases.get_visit_for_work(request.actor, visit_id)
    return casework.record_visit(
        actor=request.actor,
        visit=visit,
        expected_version=payload.version,
        done_on=payload.done_on,
        findings=payload.findings,
    )


@router.post(
    "/visits/{int:visit_id}/cancel", response={200: VisitOut, **WRITE_ERRORS}, summary="Cancel a planned visit"
)
def cancel_visit(request: ApiRequest, visit_id: int, payload: VersionIn) -> Any:
    visit = policies_cases.get_visit_for_work(request.actor, visit_id)
    return casework.cancel_visit(actor=request.actor, visit=visit, expected_version=payload.version)


def _plan_for_work(actor: Actor, case_id: int) -> CasePlan:
    case = policies_cases.get_case_for_work(actor, case_id)
    plan = policies_cases.visible_plans(actor).filter(case=case).first()
    if plan is None:
        raise ValidationError({"plan": _("The case has no plan yet: write its goal first.")})
    return plan


@router.put(
    "/{int:case_id}/plan",
    response={200: PlanOut, **WRITE_ERRORS},
    summary="Write the case plan's goal (creates the plan; send its version once it exists)",
)
def save_plan(request: ApiRequest, case_id: int, payload: PlanIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    casework.save_plan(actor=actor, case=case, expected_version=payload.version, goal=payload.goal)
    return _plan_of(actor, case)


@router.post(
    "/{int:case_id}/plan/actions",
    response={201: PlanActionOut, **WRITE_ERRORS},
    summary="Add an action to the case plan",
)
def add_plan_action(request: ApiRequest, case_id: int, payload: PlanActionIn) -> Any:
    plan = _plan_for_work(request.actor, case_id)
    return Status(201, casework.add_plan_action(actor=request.actor, plan=plan, **payload.model_dump()))


@router.patch(
    "/plan-actions/{int:action_id}",
    response={200: PlanActionOut, **WRITE_ERRORS},
    summary="Edit an action of the plan (send the version you read)",
)
def update_plan_action(request: ApiRequest, action_id: int, payload: PlanActionPatch) -> Any:
    action = policies_cases.get_plan_action_for_work(request.actor, action_id)
    fields = _not_null(payload, nullable=("starts_on",))
    return casework.update_plan_action(actor=request.actor, action=action, expected_version=payload.version, **fields)


@router.post(
    "/{int:case_id}/plan/submit",
    response={200: PlanOut, **WRITE_ERRORS},
    summary="Send the plan to the supervisor for approval",
)
def submit_plan(request: ApiRequest, case_id: int, payload: VersionIn) -> Any:
    plan = _plan_for_work(request.actor, case_id)
    casework.submit_plan(actor=request.actor, plan=plan, expected_version=payload.version)
    return _plan_of(request.actor, plan.case)


@router.post(
    "/{int:case_id}/plan/decision",
    response={200: PlanOut, **WRITE_ERRORS},
    summary="The supervisor approves the plan or returns it with a comment",
)
def decide_plan(request: ApiRequest, case_id: int, payload: PlanDecisionIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_supervision(actor, case_id)
    plan = policies_cases.visible_plans(actor).filter(case=case).first()
    if plan is None:
        raise ValidationError({"plan": _("The case has no plan yet: write its goal first.")})
    casework.decide_plan(
        actor=actor, plan=plan, expected_version=payload.version, approve=payload.approve, comment=payload.comment
    )
    return _plan_of(actor, case)


@router.post(
    "/{int:case_id}/mediations",
    response={201: MediationOut, **WRITE_ERRORS},
    summary="Record a mediation session, with its agreements",
)
def record_mediation(request: ApiRequest, case_id: int, payload: MediationIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    mediation = casework.record_mediation(
        actor=actor,
        case=case,
        held_on=payload.held_on,
        participants=payload.participants,
        summary=payload.summary,
        agreements=[(a.text, a.due_on) for a in payload.agreements],
    )
    return Status(201, _with_agreements(actor, [mediation])[0])


@router.post(
    "/mediations/{int:mediation_id}/agreements",
    response={201: AgreementOut, **WRITE_ERRORS},
    summary="Add an agreement to a mediation session",
)
def add_agreement(request: ApiRequest, mediation_id: int, payload: AgreementIn) -> Any:
    mediation = policies_cases.get_mediation_for_work(request.actor, mediation_id)
    agreement = casework.add_agreement(
        actor=request.actor, mediation=mediation, text=payload.text, due_on=payload.due_on
    )
    return Status(201, agreement)


@router.post(
    "/agreements/{int:agreement_id}/check",
    response={200: AgreementOut, **WRITE_ERRORS},
    summary="Record whether an agreement was fulfilled",
)
def check_agreement(request: ApiRequest, agreement_id: int, payload: AgreementCheckIn) -> Any:
    agreement = policies_cases.get_agreement_for_work(request.actor, agreement_id)
    return casework.check_agreement(
        actor=request.actor,
        agreement=agreement,
        expected_version=payload.version,
        fulfilment=payload.fulfilment,
        checked_on=payload.checked_on,
    )


@router.post(
    "/{int:case_id}/referrals",
    response={201: ReferralOut, **WRITE_ERRORS},
    summary="Refer the case to an institution of the directory (consent, or a supervisor's recorded reason)",
)
def refer_case(request: ApiRequest, case_id: int, payload: ReferralIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    institution = _institution(actor, payload.institution_id)
    service = None
    if payload.service_id is not None:
        service = next((s for s in institution.services.all() if s.pk == payload.service_id), None)
        if service is None:
            raise ValidationError({"service_id": _("Choose a service of the institution.")})
    referral = casework.refer_case(
        actor=actor,
        case=case,
        institution=institution,
        service=service,
        **payload.model_dump(exclude={"institution_id", "service_id"}),
    )
    return Status(201, referral)


@router.patch(
    "/referrals/{int:referral_id}",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="The referral's status and the institution's feedback (send the version you read)",
)
def update_referral(request: ApiRequest, referral_id: int, payload: ReferralPatch) -> Any:
    referral = policies_cases.get_referral_for_work(request.actor, referral_id)
    return casework.update_referral(
        actor=request.actor,
        referral=referral,
        expected_version=payload.version,
        status=payload.status,
        feedback=payload.feedback,
        feedback_on=payload.feedback_on,
    )


@router.post("/{int:case_id}/tasks", response={201: TaskOut, **WRITE_ERRORS}, summary="Add a task with its due date")
def add_task(request: ApiRequest, case_id: int, payload: TaskIn) -> Any:
    actor = request.actor
    case = policies_cases.get_case_for_work(actor, case_id)
    assigned = (
        _holder(case.community, payload.assigned_to_id, "assigned_to_id")
        if payload.assigned_to_id is not None
        else None
    )
    task = casework.add_task(actor=actor, case=case, title=payload.title, due_on=payload.due_on, assigned_to=assigned)
    return Status(201, task)


@router.post("/tasks/{int:task_id}/complete", response={200: TaskOut, **WRITE_ERRORS}, summary="Mark a task done")
def complete_task(request: ApiRequest, task_id: int, payload: VersionIn) -> Any:
    task = policies_cases.get_task_for_work(request.actor, task_id)
    return casework.complete_task(actor=request.actor, task=task, expected_version=payload.version)


@router.post(
    "/tasks/{int:task_id}/reopen", response={200: TaskOut, **WRITE_ERRORS}, summary="A task done is pending again"
)
def reopen_task(request: ApiRequest, task_id: int, payload: VersionIn) -> Any:
    task = policies_cases.get_task_for_work(request.actor, task_id)
    return casework.reopen_task(actor=request.actor, task=task, expected_version=payload.version)


@router.post("/{int:case_id}/notes", response={201: NoteOut, **WRITE_ERRORS}, summary="Add a note to the case")
def add_note(request: ApiRequest, case_id: int, payload: NoteIn) -> Any:
    case = policies_cases.get_case_for_work(request.actor, case_id)
    return Status(201, casework.add_note(actor=request.actor, case=case, text=payload.text))


class FlagOut(Schema):
    id: int
    case_id: int
    kind: str
    message: str
    raised_by_id: int | None
    raised_at: dt.datetime
    removed_at: dt.datetime | None
    removed_by_id: int | None
    removal_reason: str


class FlagIn(StrictSchema):
    kind: str
    message: str = Field(max_length=300)


class FlagRemovalIn(StrictSchema):
    reason: str = Field(max_length=300)


@router.get(
    "/{int:case_id}/flags",
    response={200: list[FlagOut], **READ_ERRORS},
    summary="The case's warnings for whoever opens it, removed ones included",
)
def list_flags(request: ApiRequest, case_id: int) -> Any:
    case = _readable_parts(request.actor, case_id)
    return list(policies_cases.visible_flags(request.actor).filter(case=case).order_by("-raised_at", "-id"))


@router.post("/{int:case_id}/flags", response={201: FlagOut, **WRITE_ERRORS}, summary="Raise a warning on the case")
def raise_flag(request: ApiRequest, case_id: int, payload: FlagIn) -> Any:
    case = policies_cases.get_case_for_work(request.actor, case_id)
    return Status(201, casework.raise_flag(actor=request.actor, case=case, kind=payload.kind, message=payload.message))


@router.post(
    "/flags/{int:flag_id}/remove", response={200: FlagOut, **WRITE_ERRORS}, summary="Remove a warning, with why"
)
def remove_flag(request: ApiRequest, flag_id: int, payload: FlagRemovalIn) -> Any:
    flag = policies_cases.get_flag_for_work(request.actor, flag_id)
    return casework.remove_flag(actor=request.actor, flag=flag, reason=payload.reason)
