"""The work on a case (issue #11 item 3): family visits, the case plan, mediations and their
agreements, referrals to the directory's institutions, notes, tasks, flags and attachments. The
case as a whole (its route, owner, closure) is ``route``.

Each service checks ``policies_cases`` for a person (who works on the case; the supervisor for a
plan's approval and a referral without consent), validates the whole change before writing (one
``ValidationError`` with every field's message), then writes the rows and their audit events in one
transaction. A closed case takes no new work, except notes (what is learnt after the closing still
belongs to the file) and the feedback of a referral sent before it. The free texts are personal
fields of their models: the audit trail redacts them by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.cases import policies_cases
from ronda.cases.models import (
    PRIORITY_OF_RISK,
    ActionStatus,
    AttachmentKind,
    Case,
    CaseAction,
    CaseAssignment,
    CaseAttachment,
    CaseFlag,
    CaseNote,
    CasePlan,
    CaseState,
    CaseViolation,
    ConsentGiver,
    FlagKind,
    Fulfilment,
    Mediation,
    MediationAgreement,
    PlanAction,
    PlanStatus,
    Referral,
    ReferralStatus,
    Risk,
    Task,
    TaskPurpose,
    Visit,
    VisitStatus,
)
from ronda.cases.models.casefile import REFERRAL_NEXT
from ronda.core import audit
from ronda.core.errors import ConflictError, Errors, check_length
from ronda.core.files import delete_on_commit, save_in_transaction
from ronda.core.roles import Role
from ronda.core.services import VersionedUpdate, check_editable
from ronda.core.tenancy import Acting, is_person
from ronda.core.uploads import EXTENSIONS, UploadRejected, check_upload
from ronda.territory.models import Institution, InstitutionService
from ronda.territory.selectors import serves

if TYPE_CHECKING:
    from ronda.accounts.models import User

TEXT_LIMIT = 10_000
NOTE_LIMIT = 2_000
SHORT_LIMIT = 200
MESSAGE_LIMIT = 300
MIN_OVERRIDE_REASON = 20


def _today() -> dt.date:
    return timezone.localdate()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_worker(actor: Acting, case: Case) -> None:
    if is_person(actor):
        _require(policies_cases.can_work_on(actor, case))


def _require_open(errors: Errors, case: Case) -> None:
    if case.state == CaseState.CLOSED:
        errors.add("__all__", _("The case is closed: reopen it to record new work on it."))


def _text(errors: Errors, field: str, value: str | None, limit: int, required: str | None = None) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        errors.add(field, required)
    check_length(errors, field, value, limit)
    return value


def _line(errors: Errors, field: str, value: str | None, limit: int, required: str | None = None) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        errors.add(field, required)
    check_length(errors, field, value, limit)
    return value


def _past_date(errors: Errors, field: str, value: dt.date | None, case: Case, *, missing: str) -> None:
    """A day that has come, not before the case was registered."""
    if value is None:
        errors.add(field, missing)
    elif value > _today():
        errors.add(field, _("The date cannot be in the future."))
    elif value < case.registered_on:
        errors.add(field, _("The date cannot be before the case was registered."))


def _person(actor: Acting) -> User | None:
    return actor.user if is_person(actor) else None


# --- Visits ------------------------------------------------------------------------------------
@transaction.atomic
def plan_visit(*, actor: Acting, case: Case, planned_for: dt.date | None) -> Visit:
    """A family visit planned for a day (not before the case was registered)."""
    _require_worker(actor, case)
    errors = Errors()
    _require_open(errors, case)
    if planned_for is None:
        errors.add("planned_for", _("Choose the day of the visit."))
    elif planned_for < case.registered_on:
        errors.add("planned_for", _("A visit cannot be planned before the case was registered."))
    errors.raise_if_any()
    assert planned_for is not None
    visit = Visit.objects.create(case=case, planned_for=planned_for)
    audit.record_create(actor=actor, target=visit, org_unit=case.community)
    return visit


@transaction.atomic
def record_visit(
    *, actor: Acting, visit: Visit, expected_version: int | None, done_on: dt.date | None, findings: str
) -> Visit:
    """The visit was done: when, and what was found. The case's first visit done dates its
    ``first_visit_on`` (the supervisor's "days to the first visit")."""
    case = visit.case
    _require_worker(actor, case)
    update = VersionedUpdate(visit, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, case)
    if locked.status == VisitStatus.CANCELLED:
        errors.add("__all__", _("This visit was cancelled: plan a new one."))
    _past_date(errors, "done_on", done_on, case, missing=_("Write the day the visit was done."))
    findings = _text(errors, "findings", findings, TEXT_LIMIT, _("Write what was found at the visit."))
    errors.raise_if_any()
    update.apply({"status": VisitStatus.DONE, "done_on": done_on, "findings": findings, "visited_by": _person(actor)})
    update.save(actor=actor, org_unit=case.community)
    # Bookkeeping of the case's figures: not an edit of the case (no version, no conflict with its form).
    Case.objects.filter(Q(first_visit_on__isnull=True) | Q(first_visit_on__gt=done_on), pk=case.pk).update(
        first_visit_on=done_on
    )
    # The task Ronda set for the first visit is done by it.
    for task in Task.objects.filter(case=case, purpose=TaskPurpose.FIRST_VISIT, done_at__isnull=True):
        done = VersionedUpdate(task, None)
        done.apply({"done_at": timezone.now(), "done_by": _person(actor)})
        done.save(actor=actor, org_unit=case.community)
    return locked


@transaction.atomic
def cancel_visit(*, actor: Acting, visit: Visit, expected_version: int | None) -> Visit:
    case = visit.case
    _require_worker(actor, case)
    update = VersionedUpdate(visit, expected_version)
    errors = Errors()
    _require_open(errors, case)
    if update.instance.status != VisitStatus.PLANNED:
        errors.add("__all__", _("Only a planned visit can be cancelled."))
    errors.raise_if_any()
    update.apply({"status": VisitStatus.CANCELLED})
    update.save(actor=actor, org_unit=case.community)
    return update.instance


# --- The case plan -------------------------------------------------------------------------------
def _back_to_draft(actor: Acting, plan: CasePlan, case: Case) -> None:
    """An approved (or waiting) plan that changes is a new plan: it goes back to draft, to be sent
    for approval again. The version moves on either way: an open form on the plan must reload."""
    update = VersionedUpdate(plan, None)
    if update.instance.status in (PlanStatus.APPROVED, PlanStatus.SUBMITTED):
        update.apply({"status": PlanStatus.DRAFT, "submitted_at": None, "decided_by": None, "decided_at": None})
    update.save(actor=actor, org_unit=case.community, touch=True)


@transaction.atomic
def save_plan(*, actor: Acting, case: Case, expected_version: int | None, goal: str) -> CasePlan:
    """The plan's goal (the plan is created with its first save). An approved plan whose goal
    changes goes back to draft."""
    _require_worker(actor, case)
    errors = Errors()
    _require_open(errors, case)
    goal = _text(errors, "goal", goal, TEXT_LIMIT, _("Write the goal of the plan."))
    # Two first saves at once: the case's row lock makes the second see the first's plan.
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    plan = CasePlan.objects.filter(case=case).first()
    if plan is not None and expected_version is None and is_person(actor):
        # The form was loaded before anyone wrote the plan: someone else's plan is not overwritten.
        raise ConflictError
    if plan is None:
        errors.raise_if_any()
        plan = CasePlan.objects.create(case=case, goal=goal)
        audit.record_create(actor=actor, target=plan, org_unit=case.community)
        return plan
    update = VersionedUpdate(plan, expected_version)
    errors.raise_if_any()
    changes: dict[str, Any] = {"goal": goal}
    if update.instance.goal != goal and update.instance.status in (PlanStatus.APPROVED, PlanStatus.SUBMITTED):
        changes.update({"status": PlanStatus.DRAFT, "submitted_at": None, "decided_by": None, "decided_at": None})
    update.apply(changes)
    update.save(actor=actor, org_unit=case.community)
    return update.instance


class ActionChanges(TypedDict, total=False):
    description: str
    responsible: str
    starts_on: dt.date | None
    due_on: dt.date | None
    status: str


ACTION_EDITABLE = tuple(ActionChanges.__annotations__)
# What makes the action another plan (its status is the plan's execution, not a change of it).
_ACTION_CONTENT = ("description", "responsible", "starts_on", "due_on")


def _action_errors(errors: Errors, values: dict[str, Any], case: Case) -> None:
    values["description"] = _text(
        errors, "description", values.get("description"), TEXT_LIMIT, _("Write what will be done.")
    )
    values["responsible"] = _line(
        errors, "responsible", values.get("responsible"), SHORT_LIMIT, _("Say who is responsible for the action.")
    )
    due, start = values.get("due_on"), values.get("starts_on")
    if due is None:
        errors.add("due_on", _("Choose the day the action is due."))
    elif due < case.registered_on:
        errors.add("due_on", _("The action cannot be due before the case was registered."))
    elif start is not None and due < start:
        errors.add("due_on", _("The action cannot be due before it starts."))
    if values.get("status", ActionStatus.PENDING) not in ActionStatus.values:
        errors.add("status", _("Choose a status from the list."))


@transaction.atomic
def add_plan_action(
    *,
    actor: Acting,
    plan: CasePlan,
    description: str,
    responsible: str,
    due_on: dt.date | None,
    starts_on: dt.date | None = None,
) -> PlanAction:
    """An action of the plan: what, who, from when and by when. An approved plan goes back to draft."""
    case = plan.case
    _require_worker(actor, case)
    errors = Errors()
    _require_open(errors, case)
    values: dict[str, Any] = {
        "description": description,
        "responsible": responsible,
        "due_on": due_on,
        "starts_on": starts_on,
    }
    _action_errors(errors, values, case)
    errors.raise_if_any()
    action = PlanAction.objects.create(plan=plan, **values)
    audit.record_create(actor=actor, target=action, org_unit=case.community)
    _back_to_draft(actor, plan, case)
    return action


@transaction.atomic
def update_plan_action(
    *, actor: Acting, action: PlanAction, expected_version: int | None, **fields: Unpack[ActionChanges]
) -> PlanAction:
    """Correct an action or mark it done or cancelled. A change of what, who or when sends an
    approved plan back to draft; marking it done does not (that is the plan being carried out)."""
    check_editable(fields, ACTION_EDITABLE)
    plan = action.plan
    case = plan.case
    _require_worker(actor, case)
    update = VersionedUpdate(action, expected_version)
    locked = update.instance
    values: dict[str, Any] = {name: fields.get(name, getattr(locked, name)) for name in ACTION_EDITABLE}
    errors = Errors()
    _require_open(errors, case)
    _action_errors(errors, values, case)
    errors.raise_if_any()
    update.apply(values)
    changes = update.save(actor=actor, org_unit=case.community)
    if any(name in changes for name in _ACTION_CONTENT):
        _back_to_draft(actor, plan, case)
    return locked


@transaction.atomic
def submit_plan(*, actor: Acting, plan: CasePlan, expected_version: int | None) -> CasePlan:
    """Send the plan to the supervisor: a goal and at least one pending action."""
    case = plan.case
    _require_worker(actor, case)
    update = VersionedUpdate(plan, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, case)
    if locked.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        errors.add("__all__", _("The plan was already sent for approval or approved."))
    if not locked.goal.strip():
        errors.add("goal", _("Write the goal of the plan."))
    if not PlanAction.objects.filter(plan=locked, status=ActionStatus.PENDING).exists():
        errors.add("__all__", _("Add at least one action to the plan before sending it."))
    errors.raise_if_any()
    update.apply({"status": PlanStatus.SUBMITTED, "submitted_at": timezone.now()})
    update.save(actor=actor, org_unit=case.community, action=CaseAction.PLAN_SUBMITTED)
    return locked


@transaction.atomic
def decide_plan(
    *, actor: Acting, plan: CasePlan, expected_version: int | None, approve: bool, comment: str = ""
) -> CasePlan:
    """The supervisor approves the plan, or returns it with a comment saying what is missing."""
    case = plan.case
    if is_person(actor):
        _require(policies_cases.can_supervise(actor, case))
    update = VersionedUpdate(plan, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, case)
    comment = _text(errors, "comment", comment, NOTE_LIMIT)
    if locked.status != PlanStatus.SUBMITTED:
        errors.add("__all__", _("The plan is not waiting for approval."))
    elif not approve and not comment:
        errors.add("comment", _("Say what has to change, so the defender can correct the plan."))
    errors.raise_if_any()
    update.apply(
        {
            "status": PlanStatus.APPROVED if approve else PlanStatus.RETURNED,
            "decided_by": _person(actor),
            "decided_at": timezone.now(),
            "supervisor_comment": comment,
        }
    )
    update.save(
        actor=actor, org_unit=case.community, action=CaseAction.PLAN_APPROVED if approve else CaseAction.PLAN_RETURNED
    )
    return locked


# --- Mediation ----------------------------------------------------------------------------------
def _agreement_errors(errors: Errors, text: str, due_on: dt.date | None, held_on: dt.date | None) -> str:
    text = _text(errors, "agreements", text, TEXT_LIMIT, _("Write what was agreed."))
    if due_on is not None and held_on is not None and due_on < held_on:
        errors.add("agreements", _("An agreement cannot be due before the session it was made in."))
    return text


@transaction.atomic
def record_mediation(
    *,
    actor: Acting,
    case: Case,
    held_on: dt.date | None,
    participants: str,
    summary: str = "",
    agreements: Iterable[tuple[str, dt.date | None]] = (),
) -> Mediation:
    """A mediation session held (not in the future, not before the case was registered), with who
    took part and the agreements made (each with an optional due date)."""
    _require_worker(actor, case)
    errors = Errors()
    _require_open(errors, case)
    _past_date(errors, "held_on", held_on, case, missing=_("Write the day of the session."))
    participants = _text(errors, "participants", participants, NOTE_LIMIT, _("Say who took part in the session."))
    summary = _text(errors, "summary", summary, TEXT_LIMIT)
    made = [(_agreement_errors(errors, text, due, held_on), due) for text, due in agreements]
    errors.raise_if_any()
    assert held_on is not None
    mediation = Mediation.objects.create(
        case=case, held_on=held_on, participants=participants, summary=summary, mediator=_person(actor)
    )
    audit.record_create(actor=actor, target=mediation, org_unit=case.community)
    for text, due in made:
        agreement = MediationAgreement.objects.create(mediation=mediation, text=text, due_on=due)
        audit.record_create(actor=actor, target=agreement, org_unit=case.community)
    return mediation


@transaction.atomic
def add_agreement(
    *, actor: Acting, mediation: Mediation, text: str, due_on: dt.date | None = None
) -> MediationAgreement:
    case = mediation.case
    _require_worker(actor, case)
    errors = Errors()
    _require_open(errors, case)
    text = _agreement_errors(errors, text, due_on, mediation.held_on)
    errors.raise_if_any()
    agreement = MediationAgreement.objects.create(mediation=mediation, text=text, due_on=due_on)
    audit.record_create(actor=actor, target=agreement, org_unit=case.community)
    return agreement


@transaction.atomic
def check_agreement(
    *,
    actor: Acting,
    agreement: MediationAgreement,
    expected_version: int | None,
    fulfilment: str,
    checked_on: dt.date | None,
) -> MediationAgreement:
    """Whether an agreement was kept, as checked on a day (not before the session, not in the future)."""
    mediation = agreement.mediation
    case = mediation.case
    _require_worker(actor, case)
    update = VersionedUpdate(agreement, expected_version)
    errors = Errors()
    _require_open(errors, case)
    if fulfilment not in Fulfilment.values or fulfilment == Fulfilment.PENDING:
        errors.add("fulfilment", _("Say whether the agreement was fulfilled."))
    if checked_on is None:
        errors.add("checked_on", _("Write the day it was checked."))
    elif checked_on > _today():
        errors.add("checked_on", _("The date cannot be in the future."))
    elif checked_on < mediation.held_on:
        errors.add("checked_on", _("The check cannot be before the session."))
    errors.raise_if_any()
    update.apply({"fulfilment": fulfilment, "checked_on": checked_on})
    update.save(actor=actor, org_unit=case.community)
    return update.instance


# --- Referrals ----------------------------------------------------------------------------------
def referral_directory(case: Case) -> QuerySet[Institution]:
    """The institutions a case may be referred to: active, with jurisdiction over the case's
    municipality or a unit above it, or seated in it (``territory.selectors.serves``), and the
    national bodies seated in its country."""
    municipality = case.municipality
    country_id = municipality.ancestor_ids()[0] if municipality.ancestor_ids() else municipality.pk
    return (
        Institution.objects.filter(serves(municipality) | Q(org_unit_id=country_id), is_active=True)
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def refer_case(
    *,
    actor: Acting,
    case: Case,
    institution: Institution | None,
    reason: str,
    consent_to_services: bool,
    consent_to_sharing: bool,
    consent_given_by: str = "",
    service: InstitutionService | None = None,
    override_reason: str = "",
    sent_on: dt.date | None = None,
) -> Referral:
    """Refer the case to an institution of its directory. The child's (or a caregiver's) consent to
    the service and to sharing the data is recorded; without it, only a supervisor refers, writing
    why (at least 20 characters; audited as ``CONSENT_OVERRIDDEN``). A referral to an institution of
    the kind a violation type requires fulfils that obligation. The first one dates the case's
    ``first_referral_on``."""
    _require_worker(actor, case)
    errors = Errors()
    _require_open(errors, case)
    sent_on = sent_on or _today()
    _past_date(errors, "sent_on", sent_on, case, missing=_("Write the day the referral was sent."))
    reason = _text(errors, "reason", reason, TEXT_LIMIT, _("Write why the case is referred."))
    if institution is None or not referral_directory(case).filter(pk=institution.pk).exists():
        errors.add("institution", _("Choose an active institution that serves the case's municipality."))
    elif service is not None and service.institution_id != institution.pk:
        errors.add("service", _("Choose a service of the chosen institution."))
    override = _text(errors, "override_reason", override_reason, NOTE_LIMIT)
    consented = bool(consent_to_services) and bool(consent_to_sharing)
    if consented:
        if consent_given_by not in ConsentGiver.values:
            errors.add("consent_given_by", _("Say who gave the consent."))
        override = ""
    elif is_person(actor) and not policies_cases.can_supervise(actor, case):
        errors.add(
            "consent_to_sharing",
            _(
                "The referral needs the consent to the service and to share the child's data. Without it, "
                "only a supervisor can refer the case."
            ),
        )
    elif len(override) < MIN_OVERRIDE_REASON:
        errors.add(
            "override_reason",
            _("Without consent, write why the case is referred anyway (at least %(min)d characters).")
            % {"min": MIN_OVERRIDE_REASON},
        )
    errors.raise_if_any()
    assert institution is not None
    referral = Referral.objects.create(
        case=case,
        institution=institution,
        service=service,
        reason=reason,
        consent_to_services=bool(consent_to_services),
        consent_to_sharing=bool(consent_to_sharing),
        consent_given_by=consent_given_by if consent_given_by in ConsentGiver.values else "",
        consent_override_reason=override,
        consent_override_by=_person(actor) if override else None,
        sent_on=sent_on,
        sent_by=_person(actor),
    )
    audit.record(
        actor=actor,
        action=CaseAction.REFERRAL_SENT,
        target=referral,
        org_unit=case.community,
        changes=audit.diff({}, audit.snapshot(referral)),
    )
    if override:
        audit.record(
            actor=actor,
            action=CaseAction.CONSENT_OVERRIDDEN,
            target=referral,
            org_unit=case.community,
            changes={"institution": [None, institution.pk]},
        )
    fulfilled = CaseViolation.objects.filter(
        case=case, referral__isnull=True, violation_type__requires_referral_to=institution.kind
    )
    fulfilled_ids = list(fulfilled.values_list("pk", flat=True))
    if fulfilled_ids:
        CaseViolation.objects.filter(pk__in=fulfilled_ids).update(referral=referral)
        audit.record(
            actor=actor,
            action=CaseAction.REFERRAL_SENT,
            target=case,
            org_unit=case.community,
            changes={"mandatory_referrals_fulfilled": [None, sorted(fulfilled_ids)]},
        )
    Case.objects.filter(Q(first_referral_on__isnull=True) | Q(first_referral_on__gt=sent_on), pk=case.pk).update(
        first_referral_on=sent_on
    )
    return referral


# Statuses that come with the institution's answer and its date.
FEEDBACK_NEEDED = (ReferralStatus.REJECTED, ReferralStatus.CLOSED)


@transaction.atomic
def update_referral(
    *,
    actor: Acting,
    referral: Referral,
    expected_version: int | None,
    status: str,
    feedback: str = "",
    feedback_on: dt.date | None = None,
) -> Referral:
    """The referral's next status (``REFERRAL_NEXT``), dated by the institution's answer; a rejection
    and a closing carry the institution's feedback. Allowed on a closed case: the answer often comes
    after the case was closed as handled by the institution."""
    case = referral.case
    _require_worker(actor, case)
    update = VersionedUpdate(referral, expected_version)
    locked = update.instance
    errors = Errors()
    allowed = REFERRAL_NEXT.get(ReferralStatus(locked.status), ())
    if status not in allowed:
        errors.add("status", _("The referral cannot go to this status from its current one."))
    feedback = _text(errors, "feedback", feedback, TEXT_LIMIT)
    if status in FEEDBACK_NEEDED and not feedback:
        errors.add("feedback", _("Write what the institution answered."))
    if feedback_on is None:
        errors.add("feedback_on", _("Write the day of the institution's answer."))
    elif feedback_on > _today():
        errors.add("feedback_on", _("The date cannot be in the future."))
    elif feedback_on < locked.sent_on:
        errors.add("feedback_on", _("The answer cannot be dated before the referral was sent."))
    errors.raise_if_any()
    changes: dict[str, Any] = {"status": status, "feedback_on": feedback_on}
    if feedback:
        changes["feedback"] = feedback
    update.apply(changes)
    update.save(actor=actor, org_unit=case.community, action=CaseAction.REFERRAL_UPDATED)
    return locked


# --- Notes, tasks, flags ----------------------------------------------------------------------------
@transaction.atomic
def add_note(*, actor: Acting, case: Case, text: str) -> CaseNote:
    """A note on the file; allowed on a closed case too (what is learnt later still belongs to it)."""
    _require_worker(actor, case)
    errors = Errors()
    text = _text(errors, "text", text, NOTE_LIMIT, _("Write the note."))
    errors.raise_if_any()
    note = CaseNote.objects.create(case=case, text=text, author=_person(actor))
    audit.record_create(actor=actor, target=note, org_unit=case.community)
    return note


def works_on_case(user: User, case: Case) -> bool:
    """Who a task may be given to: the case's owner, a user assigned to it, or a supervisor of its
    municipality."""
    if user.pk == case.owner_id or CaseAssignment.objects.filter(case=case, user=user).exists():
        return True
    from ronda.accounts.selectors import active_memberships

    return any(
        m.role == Role.SUPERVISOR and m.org_unit is not None and case.community.path.startswith(m.org_unit.path)
        for m in active_memberships(user)
    )


@transaction.atomic
def add_task(*, actor: Acting, case: Case, title: str, due_on: dt.date | None, assigned_to: User | None = None) -> Task:
    """A task with its due date, for someone who works on the case (the actor by default), with the
    priority of the case's risk."""
    _require_worker(actor, case)
    errors = Errors()
    _require_open(errors, case)
    title = _line(errors, "title", title, SHORT_LIMIT, _("Write what is to be done."))
    if due_on is None:
        errors.add("due_on", _("Choose the day the task is due."))
    elif due_on < case.registered_on:
        errors.add("due_on", _("A task cannot be due before the case was registered."))
    assignee = assigned_to or _person(actor)
    if assignee is None:
        errors.add("assigned_to", _("Choose who does the task."))
    elif not works_on_case(assignee, case):
        errors.add("assigned_to", _("Choose someone who works on the case."))
    errors.raise_if_any()
    assert due_on is not None and assignee is not None
    task = Task.objects.create(
        case=case, title=title, due_on=due_on, assigned_to=assignee, priority=PRIORITY_OF_RISK[Risk(case.risk)]
    )
    audit.record_create(actor=actor, target=task, org_unit=case.community)
    return task


@transaction.atomic
def complete_task(*, actor: Acting, task: Task, expected_version: int | None) -> Task:
    case = task.case
    _require_worker(actor, case)
    update = VersionedUpdate(task, expected_version)
    errors = Errors()
    _require_open(errors, case)
    if update.instance.done_at is not None:
        errors.add("__all__", _("The task is already done."))
    errors.raise_if_any()
    update.apply({"done_at": timezone.now(), "done_by": _person(actor)})
    update.save(actor=actor, org_unit=case.community)
    return update.instance


@transaction.atomic
def reopen_task(*, actor: Acting, task: Task, expected_version: int | None) -> Task:
    case = task.case
    _require_worker(actor, case)
    update = VersionedUpdate(task, expected_version)
    errors = Errors()
    _require_open(errors, case)
    if update.instance.done_at is None:
        errors.add("__all__", _("The task is not done."))
    errors.raise_if_any()
    update.apply({"done_at": None, "done_by": None})
    update.save(actor=actor, org_unit=case.community)
    return update.instance


@transaction.atomic
def raise_flag(*, actor: Acting, case: Case, kind: str, message: str) -> CaseFlag:
    """A warning for whoever opens the case ("aggressive adult at home"), written without names."""
    _require_worker(actor, case)
    errors = Errors()
    _require_open(errors, case)
    if kind not in FlagKind.values:
        errors.add("kind", _("Choose the kind of warning."))
    message = _line(errors, "message", message, MESSAGE_LIMIT, _("Write the warning."))
    errors.raise_if_any()
    flag = CaseFlag.objects.create(case=case, kind=kind, message=message, raised_by=_person(actor))
    audit.record_create(actor=actor, target=flag, org_unit=case.community)
    return flag


@transaction.atomic
def remove_flag(*, actor: Acting, flag: CaseFlag, reason: str) -> CaseFlag:
    case = flag.case
    _require_worker(actor, case)
    locked = CaseFlag.objects.select_for_update().get(pk=flag.pk)
    errors = Errors()
    if locked.removed_at is not None:
        errors.add("__all__", _("The warning was already removed."))
    reason = _line(errors, "reason", reason, MESSAGE_LIMIT, _("Say why the warning is removed."))
    errors.raise_if_any()
    before = audit.snapshot(locked, ["removed_at", "removed_by", "removal_reason"])
    locked.removed_at = timezone.now()
    locked.removed_by = _person(actor)
    locked.removal_reason = reason
    locked.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    audit.record_update(actor=actor, target=locked, org_unit=case.community, before=before)
    return locked


# --- Attachments ---------------------------------------------------------------------------------
def attachment_limit() -> int:
    return int(getattr(settings, "RONDA_CASE_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    return int(size)


@transaction.atomic
def attach_file(*, actor: Acting, case: Case, upload: Any, kind: str, description: str = "") -> CaseAttachment:
    """A PDF, PNG or JPEG (by its content, ``core.uploads``) up to ``RONDA_CASE_ATTACHMENT_MAX_MB``,
    stored under a random name with the transaction that records it (``core.files``)."""
    _require_worker(actor, case)
    errors = Errors()
    _require_open(errors, case)
    if kind not in AttachmentKind.values:
        errors.add("kind", _("Choose what kind of file it is."))
    description = _line(errors, "description", description, MESSAGE_LIMIT)
    content_type = ""
    name = ""
    size = 0
    if upload is None:
        errors.add("upload", _("Choose a file."))
    else:
        name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name or _("file")
        size = _size(upload)
        limit = attachment_limit()
        if size > limit:
            errors.add("upload", _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": limit // (1024 * 1024)})
        elif size == 0:
            errors.add("upload", _("%(name)s is empty.") % {"name": name})
        else:
            try:
                content_type = check_upload(upload, name=name)
            except UploadRejected as rejected:
                errors.add("upload", rejected.message)
    errors.raise_if_any()
    stem = PurePath(name).stem[:200] or "archivo"
    attachment = CaseAttachment(
        case=case,
        kind=kind,
        original_name=f"{stem}{EXTENSIONS[content_type]}",
        description=description,
        content_type=content_type,
        size=size,
        uploaded_by=_person(actor),
    )
    save_in_transaction(attachment.file, "adjunto", File(upload))
    attachment.save()
    # The stored file's name stays out of the trail: it is random and says nothing.
    changes = audit.diff({}, audit.snapshot(attachment))
    changes.pop("file", None)
    audit.record(
        actor=actor, action=audit.AuditAction.CREATE, target=attachment, org_unit=case.community, changes=changes
    )
    return attachment


@transaction.atomic
def remove_attachment(*, actor: Acting, attachment: CaseAttachment) -> None:
    """Who uploaded a file, or a supervisor, removes it; the file goes once the removal commits."""
    case = attachment.case
    _require_worker(actor, case)
    if is_person(actor):
        _require(attachment.uploaded_by_id == actor.user.pk or policies_cases.can_supervise(actor, case))
    errors = Errors()
    _require_open(errors, case)
    errors.raise_if_any()
    changes = audit.diff(audit.snapshot(attachment), {})
    changes.pop("file", None)
    audit.record(
        actor=actor, action=audit.AuditAction.DELETE, target=attachment, org_unit=case.community, changes=changes
    )
    delete_on_commit(attachment.file)
    attachment.delete()
