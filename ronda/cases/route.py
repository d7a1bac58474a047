"""Every write to a case as a whole goes through here: opening it, moving it along the route, closing
and reopening it, assigning and transferring it (issue #11, items 3-4; decision 0025). The work on a
case (visits, plans, mediations, referrals, tasks, notes, flags, attachments) is ``casework``.

Each service checks ``policies_cases`` for a person, validates the whole change before writing (one
``ValidationError`` with every field's message, in Spanish), writes the rows, the ``CaseEvent`` of
the route and the audit event in one transaction. Personal fields are redacted by the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.cases import policies_cases
from ronda.cases.models import (
    FIRST_VISIT_DAYS,
    OPEN_STATES,
    PRIORITY_OF_RISK,
    ROUTE,
    Case,
    CaseAction,
    CaseAssignment,
    CaseCounter,
    CaseEvent,
    CaseEventKind,
    CaseState,
    CaseViolation,
    Child,
    ClosingReason,
    ConsentGiver,
    ReporterType,
    Risk,
    Task,
    TaskPurpose,
    ViolationType,
)
from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.roles import Role
from ronda.core.services import VersionedUpdate, check_editable, lock_for_update
from ronda.core.tenancy import Acting, is_person
from ronda.territory.models import Institution, InstitutionKind, Level, OrgUnit

if TYPE_CHECKING:
    from ronda.accounts.models import User

DESCRIPTION_LIMIT = 10_000
REASON_LIMIT = 500


def _today() -> dt.date:
    return timezone.localdate()


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def next_number(municipality_id: int, year: int) -> str:
    """The municipality's next case number for ``year`` ("2026-0042"), taken under a row lock so two
    cases opened at once never share one. Call inside the opening's transaction."""
    counter, _created = CaseCounter.objects.get_or_create(municipality_id=municipality_id, year=year)
    counter = CaseCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:04d}"


def record_event(
    *,
    actor: Acting,
    case: Case,
    kind: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    skipped: list[str] | None = None,
    closing_reason: str = "",
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    """One step of the case's history (append-only); the services call it beside the audit event."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        reason=reason[:REASON_LIMIT],
        skipped=skipped or [],
        closing_reason=closing_reason,
        details=details or {},
        actor=actor.user if is_person(actor) else None,
    )


def _violation_types(errors: Errors, ids: list[int], child: Child) -> list[ViolationType]:
    country_path = child.community.path.split(".")[0] + "."
    found = list(ViolationType.objects.filter(pk__in=ids, is_active=True, country__path=country_path))
    if not ids:
        errors.add("violation_types", _("Choose at least one type of violation."))
    elif len(found) != len(set(ids)):
        errors.add("violation_types", _("Choose the types of violation from the list of your country."))
    return found


def _case_errors(values: dict[str, Any], child: Child, *, opened: dt.date | None = None) -> Errors:
    """Checks what the case's own fields would be, and normalises them in place."""
    errors = Errors()
    today = _today()
    values["description"] = (values.get("description") or "").strip()
    check_length(errors, "description", values["description"], DESCRIPTION_LIMIT)
    if not values["description"]:
        errors.add("description", _("Write what happened, as it was told."))
    for name in ("reporter_name", "reporter_contact"):
        values[name] = " ".join((values.get(name) or "").split())
        check_length(errors, name, values[name], 200)
    if values.get("reporter_type") not in ReporterType.values:
        errors.add("reporter_type", _("Choose who reported the case."))
    elif values["reporter_type"] == ReporterType.ANONYMOUS and (values["reporter_name"] or values["reporter_contact"]):
        errors.add("reporter_name", _("An anonymous report has no reporter's name or contact: leave them empty."))
    if values.get("risk") not in Risk.values:
        errors.add("risk", _("Choose the risk level."))
    registered = opened or values.get("registered_on") or today
    if registered > today:
        errors.add("registered_on", _("The case cannot be registered on a day that has not come yet."))
    facts: dt.date | None = values.get("facts_date")
    if facts is None:
        errors.add("facts_date", _("Write the date of the facts (an approximate one if it is not known)."))
    elif facts > registered:
        errors.add("facts_date", _("The facts cannot be dated after the case was registered."))
    elif child.birth_date is not None and facts < child.birth_date:
        errors.add("facts_date", _("The facts cannot be dated before the child was born."))
    values["sensitive"] = bool(values.get("sensitive"))
    return errors


@transaction.atomic
def open_case(
    *,
    actor: Acting,
    child: Child,
    violation_type_ids: list[int],
    reporter_type: str,
    facts_date: dt.date | None,
    description: str,
    risk: str,
    reporter_name: str = "",
    reporter_contact: str = "",
    sensitive: bool = False,
    registered_on: dt.date | None = None,
    owner: User | None = None,
) -> Case:
    """Open a case for ``child`` in the child's community. The defender who opens it owns it; a
    supervisor may name the owner (a defender of the community, or themself). A violation type that
    makes cases sensitive makes this one sensitive; a mandatory referral gets its deadline from now.
    The first task is the first family visit, due by the risk level, with the risk's priority."""
    # A record merged into another (perhaps since the form was loaded): the case goes to the one that goes on.
    merged_into = Child.objects.filter(pk=child.pk).values_list("merged_into_id", flat=True).first()
    if merged_into is not None:
        child = Child.objects.select_related("community", "municipality").get(pk=merged_into)
    if is_person(actor):
        _require(policies_cases.can_open_case_in(actor, child.community))
        # The child must be one the actor reads (a defender: registered by them or of their cases).
        from ronda.cases import policies

        _require(policies.visible_children(actor).filter(pk=child.pk).exists())
        if owner is None or actor.role != Role.SUPERVISOR:
            owner = actor.user
    if owner is None:
        raise ValueError("the system opens a case for a named owner")
    values: dict[str, Any] = {
        "reporter_type": reporter_type,
        "reporter_name": reporter_name,
        "reporter_contact": reporter_contact,
        "facts_date": facts_date,
        "description": description,
        "risk": risk,
        "sensitive": sensitive,
        "registered_on": registered_on,
    }
    errors = _case_errors(values, child)
    types = _violation_types(errors, list(violation_type_ids), child)
    if not owner_may_hold(owner, child.community):
        errors.add("owner", _("The defender in charge must be a defender of the child's community or a supervisor."))
    errors.raise_if_any()
    registered = values["registered_on"] or _today()
    case = Case.objects.create(
        number=next_number(child.municipality_id, registered.year),
        child=child,
        opened_for=child,
        community=child.community,
        municipality=child.municipality,
        owner=owner,
        state=CaseState.REGISTERED,
        reporter_type=values["reporter_type"],
        reporter_name=values["reporter_name"],
        reporter_contact=values["reporter_contact"],
        facts_date=values["facts_date"],
        registered_on=registered,
        description=values["description"],
        risk=values["risk"],
        sensitive=values["sensitive"] or any(t.makes_sensitive for t in types),
    )
    # The clock of a mandatory referral starts when the case was known: now, or at the start of the
    # day a paper record was registered (entered late, it may be overdue already).
    known = timezone.now() if registered >= _today() else _start_of(registered)
    CaseViolation.objects.bulk_create(
        CaseViolation(
            case=case,
            violation_type=t,
            referral_due_at=known + dt.timedelta(hours=t.referral_deadline_hours)
            if t.requires_referral_to and t.referral_deadline_hours is not None
            else None,
        )
        for t in types
    )
    audit.record(
        actor=actor,
        action=CaseAction.CASE_OPENED,
        target=case,
        org_unit=case.community,
        changes={
            **audit.diff({}, audit.snapshot(case)),
            "violation_types": [None, sorted(t.pk for t in types)],
        },
    )
    record_event(actor=actor, case=case, kind=CaseEventKind.OPENED, to_state=CaseState.REGISTERED)
    first_visit = Task.objects.create(
        case=case,
        title=str(TaskPurpose.FIRST_VISIT.label),
        purpose=TaskPurpose.FIRST_VISIT,
        due_on=registered + dt.timedelta(days=FIRST_VISIT_DAYS[Risk(case.risk)]),
        assigned_to=owner,
        priority=PRIORITY_OF_RISK[Risk(case.risk)],
    )
    audit.record_create(actor=actor, target=first_visit, org_unit=case.community)
    return case


def owner_may_hold(user: User, community: Any) -> bool:
    """A case is held by a defender of its community or a supervisor of its municipality."""
    from ronda.accounts.selectors import active_memberships

    for membership in active_memberships(user):
        unit = membership.org_unit
        if unit is None:
            continue
        if membership.role == Role.DEFENDER and unit.pk == community.pk:
            return True
        if membership.role == Role.SUPERVISOR and community.path.startswith(unit.path):
            return True
    return False


# --- Editing the case ------------------------------------------------------------------------
class CaseChanges(TypedDict, total=False):
    description: str
    risk: str
    sensitive: bool
    reporter_type: str
    reporter_name: str
    reporter_contact: str
    facts_date: dt.date | None
    violation_type_ids: list[int]


CASE_EDITABLE = tuple(CaseChanges.__annotations__)
_CASE_COLUMNS = tuple(name for name in CASE_EDITABLE if name != "violation_type_ids")
# The protection office a case can be transferred to.
PROTECTION_KINDS = (
    InstitutionKind.CHILD_PROTECTION_AGENCY,
    InstitutionKind.PROTECTION_BOARD,
    InstitutionKind.FAMILY_WELFARE,
)
MIN_OVERRIDE_REASON = 20
MAX_REASSIGN = 100
NOTE_LIMIT = 2_000


def _violation_ids(case: Case) -> dict[str, Any]:
    return {"violation_types": sorted(CaseViolation.objects.filter(case=case).values_list("violation_type", flat=True))}


def _require_open(errors: Errors, case: Case) -> None:
    if case.state == CaseState.CLOSED:
        errors.add("__all__", _("The case is closed: reopen it first."))


def _reason(errors: Errors, field: str, value: str, message: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        errors.add(field, message)
    check_length(errors, field, value, REASON_LIMIT)
    return value


@transaction.atomic
def update_case(*, actor: Acting, case: Case, expected_version: int | None, **fields: Unpack[CaseChanges]) -> Case:
    """Correct a case's own fields (who reported it, what happened, the risk, the types of violation).
    Only a supervisor may lift a case's sensitivity, and never while one of its types makes it
    sensitive. A type added gets its referral deadline from now; the types kept keep theirs."""
    check_editable(fields, CASE_EDITABLE)
    if is_person(actor):
        _require(policies_cases.can_work_on(actor, case))
    update = VersionedUpdate(case, expected_version, state=_violation_ids)
    locked = update.instance
    values: dict[str, Any] = {name: fields.get(name, getattr(locked, name)) for name in _CASE_COLUMNS}
    errors = _case_errors(values, locked.child, opened=locked.registered_on)
    _require_open(errors, locked)
    current = set(CaseViolation.objects.filter(case=locked).values_list("violation_type", flat=True))
    ids = list(fields.get("violation_type_ids", sorted(current)))
    types = _violation_types(errors, ids, locked.child)
    if any(t.makes_sensitive for t in types):
        if locked.sensitive and not values["sensitive"]:
            errors.add("sensitive", _("A case with this type of violation is always sensitive."))
        values["sensitive"] = True
    if (
        locked.sensitive
        and not values["sensitive"]
        and is_person(actor)
        and not policies_cases.can_supervise(actor, locked)
    ):
        errors.add("sensitive", _("Only a supervisor can lift a case's sensitivity."))
    errors.raise_if_any()
    wanted = {t.pk: t for t in types}
    CaseViolation.objects.filter(case=locked).exclude(violation_type__in=wanted).delete()
    now = timezone.now()
    CaseViolation.objects.bulk_create(
        CaseViolation(
            case=locked,
            violation_type=t,
            referral_due_at=now + dt.timedelta(hours=t.referral_deadline_hours)
            if t.requires_referral_to and t.referral_deadline_hours is not None
            else None,
        )
        for pk, t in wanted.items()
        if pk not in current
    )
    update.apply(values)
    update.save(actor=actor, org_unit=locked.community)
    return update.instance


# --- The route ---------------------------------------------------------------------------------
def _closing(errors: Errors, closing_reason: str, closing_note: str) -> str:
    note = (closing_note or "").strip()
    check_length(errors, "closing_note", note, NOTE_LIMIT)
    if closing_reason not in ClosingReason.values:
        errors.add("closing_reason", _("Choose why the case is closed."))
    elif closing_reason == ClosingReason.TRANSFERRED:
        errors.add("closing_reason", _("To transfer the case to the protection office, use the transfer."))
    elif closing_reason == ClosingReason.OTHER and not note:
        errors.add("closing_note", _("Say why the case is closed."))
    return note


def _close(update: VersionedUpdate[Case], closing_reason: str, note: str) -> None:
    update.apply(
        {
            "state": CaseState.CLOSED,
            "closed_on": _today(),
            "closing_reason": closing_reason,
            "closing_note": note,
            "closure_requested_at": None,
            "closure_requested_by": None,
        }
    )


@transaction.atomic
def move_case(
    *,
    actor: Acting,
    case: Case,
    expected_version: int | None,
    to_state: str,
    reason: str = "",
    closing_reason: str = "",
    closing_note: str = "",
) -> Case:
    """Move the case along the route: to the next step; further on only with a reason (the steps
    skipped are recorded); back only with a reason. Closing needs a closing reason from the list (and
    a note for "other"), which is the recorded reason for the steps it skips; a defender's closing is
    a request the supervisor approves or returns, a supervisor's closes the case."""
    if is_person(actor):
        _require(policies_cases.can_work_on(actor, case))
    update = VersionedUpdate(case, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, locked)
    reason = " ".join((reason or "").split())
    check_length(errors, "reason", reason, REASON_LIMIT)
    supervisor = not is_person(actor) or policies_cases.can_supervise(actor, locked)
    if to_state not in ROUTE:
        errors.add("to_state", _("Choose a step of the route."))
    elif to_state == locked.state:
        errors.add("to_state", _("The case is already at this step."))
    elif locked.closure_requested_at is not None and not (supervisor and to_state == CaseState.CLOSED):
        errors.add("to_state", _("The closure of this case is waiting for the supervisor's decision."))
    errors.raise_if_any()
    here, there = ROUTE.index(CaseState(locked.state)), ROUTE.index(CaseState(to_state))
    skipped = [str(s) for s in ROUTE[here + 1 : there]]
    note = ""
    if to_state == CaseState.CLOSED:
        note = _closing(errors, closing_reason, closing_note)
    elif there < here and not reason:
        errors.add("reason", _("Say why the case goes back to an earlier step."))
    elif skipped and not reason:
        errors.add("reason", _("Say why the case skips a step of the route."))
    errors.raise_if_any()
    from_state = locked.state
    if to_state == CaseState.CLOSED and not supervisor:
        update.apply(
            {
                "closure_requested_at": timezone.now(),
                "closure_requested_by": actor.user if is_person(actor) else None,
                "closing_reason": closing_reason,
                "closing_note": note,
            }
        )
        update.save(actor=actor, org_unit=locked.community, action=CaseAction.CLOSURE_REQUESTED)
        record_event(
            actor=actor,
            case=locked,
            kind=CaseEventKind.CLOSURE_REQUESTED,
            from_state=from_state,
            to_state=CaseState.CLOSED,
            reason=reason,
            skipped=skipped,
            closing_reason=closing_reason,
        )
        return locked
    if to_state == CaseState.CLOSED:
        _close(update, closing_reason, note)
        update.save(actor=actor, org_unit=locked.community, action=CaseAction.CASE_CLOSED)
        kind = CaseEventKind.CLOSED
    else:
        update.apply({"state": to_state})
        update.save(actor=actor, org_unit=locked.community, action=CaseAction.CASE_MOVED)
        kind = CaseEventKind.MOVED
    record_event(
        actor=actor,
        case=locked,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        skipped=skipped,
        closing_reason=closing_reason if to_state == CaseState.CLOSED else "",
    )
    return locked


@transaction.atomic
def decide_closure(*, actor: Acting, case: Case, approve: bool, comment: str = "") -> Case:
    """The supervisor closes the case as the defender asked, or returns the request with a comment."""
    if is_person(actor):
        _require(policies_cases.can_supervise(actor, case))
    update = VersionedUpdate(case, None)
    locked = update.instance
    errors = Errors()
    comment = " ".join((comment or "").split())
    check_length(errors, "comment", comment, REASON_LIMIT)
    if locked.closure_requested_at is None or locked.state == CaseState.CLOSED:
        errors.add("__all__", _("Nobody asked to close this case."))
    elif not approve and not comment:
        errors.add("comment", _("Say why the case stays open, so the defender knows what is missing."))
    errors.raise_if_any()
    from_state, closing_reason = locked.state, locked.closing_reason
    if approve:
        _close(update, closing_reason, locked.closing_note)
        update.save(actor=actor, org_unit=locked.community, action=CaseAction.CASE_CLOSED)
        kind = CaseEventKind.CLOSED
    else:
        update.apply(
            {"closure_requested_at": None, "closure_requested_by": None, "closing_reason": "", "closing_note": ""}
        )
        update.save(actor=actor, org_unit=locked.community, action=CaseAction.CLOSURE_RETURNED)
        kind = CaseEventKind.CLOSURE_RETURNED
    record_event(
        actor=actor,
        case=locked,
        kind=kind,
        from_state=from_state,
        to_state=CaseState.CLOSED if approve else from_state,
        reason=comment,
        closing_reason=closing_reason,
    )
    return locked


@transaction.atomic
def reopen_case(*, actor: Acting, case: Case, reason: str, to_state: str = CaseState.FOLLOW_UP) -> Case:
    """Reopen a closed case at an open step of the route, with the reason (the closing stays in the history)."""
    if is_person(actor):
        _require(policies_cases.can_work_on(actor, case))
    update = VersionedUpdate(case, None)
    locked = update.instance
    errors = Errors()
    reason = _reason(errors, "reason", reason, _("Say why the case is reopened."))
    if locked.state != CaseState.CLOSED:
        errors.add("__all__", _("The case is open."))
    if to_state not in OPEN_STATES:
        errors.add("to_state", _("Choose the step the case goes back to."))
    errors.raise_if_any()
    update.apply(
        {"state": to_state, "closed_on": None, "closing_reason": "", "closing_note": "", "transferred_to": None}
    )
    update.save(actor=actor, org_unit=locked.community, action=CaseAction.CASE_REOPENED)
    record_event(
        actor=actor,
        case=locked,
        kind=CaseEventKind.REOPENED,
        from_state=CaseState.CLOSED,
        to_state=to_state,
        reason=reason,
    )
    return locked


# --- Who holds it ------------------------------------------------------------------------------
@transaction.atomic
def reassign_cases(*, actor: Acting, cases: list[Case], owner: User, reason: str) -> int:
    """The supervisor gives 1 to 100 cases of their municipality to another defender (or to
    themself); returns how many changed hands. The new owner must hold each case's community."""
    errors = Errors()
    unique = {c.pk: c for c in cases}
    if not unique:
        errors.add("cases", _("Choose at least one case."))
    elif len(unique) > MAX_REASSIGN:
        errors.add(
            "cases",
            ngettext(
                "Reassign at most %(max)d cases at once (%(count)d was chosen).",
                "Reassign at most %(max)d cases at once (%(count)d were chosen).",
                len(unique),
            )
            % {"max": MAX_REASSIGN, "count": len(unique)},
        )
    errors.raise_if_any()
    if is_person(actor):
        _require(all(policies_cases.can_supervise(actor, c) for c in unique.values()))
    reason = _reason(errors, "reason", reason, _("Say why the cases change hands."))
    errors.raise_if_any()
    locked = list(Case.objects.select_for_update().select_related("community").filter(pk__in=unique).order_by("pk"))
    for case in locked:
        if not owner_may_hold(owner, case.community):
            errors.add(
                "owner",
                _("The new defender in charge does not work in the community of case %(number)s.")
                % {"number": case.number},
            )
    errors.raise_if_any()
    changed = 0
    for case in locked:
        if case.owner_id == owner.pk:
            continue
        before = case.owner_id
        update = VersionedUpdate(case, None)
        update.apply({"owner": owner})
        update.save(actor=actor, org_unit=case.community, action=CaseAction.CASE_ASSIGNED)
        CaseAssignment.objects.filter(case=case, user=owner).delete()
        record_event(
            actor=actor,
            case=case,
            kind=CaseEventKind.REASSIGNED,
            reason=reason,
            details={"from_owner": before, "to_owner": owner.pk},
        )
        changed += 1
    return changed


def _require_holder(actor: Acting, case: Case) -> None:
    """The owner and the supervisors say who else works on a case."""
    if is_person(actor):
        _require(
            policies_cases.can_supervise(actor, case)
            or (policies_cases.can_work_on(actor, case) and case.owner_id == actor.user.pk)
        )


@transaction.atomic
def assign_user(*, actor: Acting, case: Case, user: User) -> None:
    """Another defender of the community (or a supervisor) works on the case too."""
    _require_holder(actor, case)
    lock_for_update(case, None)  # two people adding the same person at once: one wins, one is told
    errors = Errors()
    if user.pk == case.owner_id or CaseAssignment.objects.filter(case=case, user=user).exists():
        errors.add("user", _("This person already works on the case."))
    elif not owner_may_hold(user, case.community):
        errors.add("user", _("Choose a defender of the case's community or a supervisor."))
    errors.raise_if_any()
    CaseAssignment.objects.create(case=case, user=user, added_by=actor.user if is_person(actor) else None)
    audit.record(
        actor=actor,
        action=CaseAction.CASE_ASSIGNED,
        target=case,
        org_unit=case.community,
        changes={"assigned": [None, user.pk]},
    )
    record_event(actor=actor, case=case, kind=CaseEventKind.ASSIGNED, details={"user": user.pk})


@transaction.atomic
def unassign_user(*, actor: Acting, case: Case, user: User) -> None:
    _require_holder(actor, case)
    lock_for_update(case, None)
    deleted, _rows = CaseAssignment.objects.filter(case=case, user=user).delete()
    if not deleted:
        raise ValidationError({"user": [_("This person is not assigned to the case.")]})
    audit.record(
        actor=actor,
        action=CaseAction.CASE_ASSIGNED,
        target=case,
        org_unit=case.community,
        changes={"assigned": [user.pk, None]},
    )
    record_event(actor=actor, case=case, kind=CaseEventKind.UNASSIGNED, details={"user": user.pk})


# --- Transfers ---------------------------------------------------------------------------------
@transaction.atomic
def transfer_case(
    *, actor: Acting, case: Case, expected_version: int | None, community: OrgUnit, owner: User, reason: str
) -> Case:
    """The supervisor moves the case to another community of its municipality, held there by
    ``owner``. Users assigned who do not work in the new community leave the case."""
    if is_person(actor):
        _require(policies_cases.can_supervise(actor, case))
    update = VersionedUpdate(case, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, locked)
    reason = _reason(errors, "reason", reason, _("Say why the case goes to another community."))
    if community.level != Level.COMMUNITY or community.parent_id != locked.municipality_id:
        errors.add("community", _("Choose a community of the case's municipality."))
    elif community.pk == locked.community_id:
        errors.add("community", _("The case is already in this community."))
    elif not owner_may_hold(owner, community):
        errors.add("owner", _("The defender in charge must be a defender of the new community or a supervisor."))
    errors.raise_if_any()
    before = {"from_community": locked.community_id, "from_owner": locked.owner_id}
    update.apply({"community": community, "owner": owner})
    update.save(actor=actor, org_unit=community, action=CaseAction.CASE_TRANSFERRED)
    for assignment in CaseAssignment.objects.filter(case=locked).select_related("user"):
        if not owner_may_hold(assignment.user, community) or assignment.user_id == owner.pk:
            assignment.delete()
    record_event(
        actor=actor,
        case=locked,
        kind=CaseEventKind.TRANSFERRED,
        reason=reason,
        details={**before, "to_community": community.pk, "to_owner": owner.pk},
    )
    return locked


def protection_offices(case: Case) -> QuerySet[Institution]:
    """The protection offices a case may be transferred to: active, of a protection kind, with
    jurisdiction over the case's municipality (or a region or country above it)."""
    path = case.municipality.path
    above = [path[: i + 1] for i, char in enumerate(path) if char == "."] or [path]
    return (
        Institution.objects.filter(is_active=True, kind__in=PROTECTION_KINDS, jurisdiction__path__in=above)
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def transfer_to_protection(
    *,
    actor: Acting,
    case: Case,
    expected_version: int | None,
    institution: Institution,
    reason: str,
    consent_to_sharing: bool,
    consent_given_by: str = "",
    override_reason: str = "",
) -> Case:
    """Hand the case to the protection office, which closes it here (reason "transferred"). The
    child's data goes to another organisation: with the consent to sharing (and who gave it), or,
    without it, only by a supervisor who records why (at least 20 characters)."""
    if is_person(actor):
        _require(policies_cases.can_work_on(actor, case))
    update = VersionedUpdate(case, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, locked)
    reason = _reason(errors, "reason", reason, _("Say why the case goes to the protection office."))
    if not protection_offices(locked).filter(pk=institution.pk).exists():
        errors.add("institution", _("Choose a protection office with jurisdiction over the case's municipality."))
    override = " ".join((override_reason or "").split())
    check_length(errors, "override_reason", override, REASON_LIMIT)
    if consent_to_sharing:
        if consent_given_by not in ConsentGiver.values:
            errors.add("consent_given_by", _("Say who gave the consent."))
        override = ""
    elif is_person(actor) and not policies_cases.can_supervise(actor, locked):
        errors.add(
            "consent_to_sharing",
            _("Without the consent to share the child's data, only a supervisor can transfer the case."),
        )
    elif len(override) < MIN_OVERRIDE_REASON:
        errors.add(
            "override_reason",
            _("Without consent, write why the case is transferred anyway (at least %(min)d characters).")
            % {"min": MIN_OVERRIDE_REASON},
        )
    errors.raise_if_any()
    from_state = locked.state
    update.apply(
        {
            "state": CaseState.CLOSED,
            "closed_on": _today(),
            "closing_reason": ClosingReason.TRANSFERRED,
            "closing_note": "",
            "transferred_to": institution,
            "closure_requested_at": None,
            "closure_requested_by": None,
        }
    )
    update.save(actor=actor, org_unit=locked.community, action=CaseAction.CASE_TRANSFERRED)
    if override:
        audit.record(
            actor=actor,
            action=CaseAction.CONSENT_OVERRIDDEN,
            target=locked,
            org_unit=locked.community,
            changes={"transferred_to": [None, institution.pk]},
        )
    record_event(
        actor=actor,
        case=locked,
        kind=CaseEventKind.TRANSFERRED,
        from_state=from_state,
        to_state=CaseState.CLOSED,
        reason=reason,
        closing_reason=ClosingReason.TRANSFERRED,
        details={
            "institution": institution.pk,
            "consent_to_sharing": bool(consent_to_sharing),
            "consent_given_by": consent_given_by if consent_to_sharing else "",
            # The consent override's reason stays with the case (never in the audit trail).
            "consent_override_reason": override,
        },
    )
    return locked
