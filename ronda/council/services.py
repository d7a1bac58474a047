"""Every write to the children's council goes through here, audited in the same transaction.

``SYSTEM`` is Ronda itself (the demo loader); people are checked against ``policies``.
Validation errors are collected (``core.errors.Errors``) and raised as one ``ValidationError``
with a dict of field -> messages, before anything is written, so a refused write leaves no trace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.models import AuditAction
from ronda.core.services import ActionFor, Diff, VersionedUpdate, check_editable, event_by_new_value
from ronda.core.tenancy import Acting, is_person
from ronda.council import limits, policies, readability
from ronda.council.models import (
    ANSWERED_REQUEST_STATUSES,
    DEFAULT_RESPONSE_DAYS,
    OPEN_REQUEST_STATUSES,
    REQUEST_TRANSITIONS,
    AccountabilitySession,
    ChildrenCouncil,
    CouncilAction,
    CouncilAgeBand,
    CouncilMember,
    CouncilRequest,
    CouncilSession,
    RequestKind,
    RequestStatus,
)
from ronda.planning.choices import GoalArea
from ronda.territory.models import Area, Level, OrgUnit

if TYPE_CHECKING:
    from typing_extensions import Unpack

M = TypeVar("M", bound=models.Model)

# A child's first name never enters the audit trail; the trail only says that it changed.
MAX_ATTENDEES = 1000
MAX_RESPONSE_DAYS = 365
# Statuses that carry an answer to the children (implemented keeps the answer it had).
ANSWER_STATUSES = (RequestStatus.ACCEPTED, RequestStatus.PARTLY_ACCEPTED, RequestStatus.REJECTED)


def _today() -> dt.date:
    return timezone.localdate()


def _require_manager(actor: Acting, council: ChildrenCouncil) -> None:
    if is_person(actor) and not policies.can_manage_council(actor, council):
        raise PermissionDenied


def _require_member_manager(actor: Acting, council: ChildrenCouncil) -> None:
    """Members are children's personal data: a manager with a verified second factor."""
    if is_person(actor) and not (
        policies.can_manage_council(actor, council) and actor.may_read_personal_data_at(council.org_unit.path)
    ):
        raise PermissionDenied


def _not_future(errors: Errors, field: str, value: dt.date | None) -> None:
    if value is not None and value > _today():
        errors.add(field, _("The date cannot be in the future."))


def _clean_text(
    errors: Errors, field: str, value: str | None, *, required: bool, limit: int, before: str | None = None
) -> str:
    """The text stripped, and refused when required and blank or longer than ``limit``
    (``limits.py``). On an edit, ``before`` is the stored text: one saved before the limit, and
    kept as it is, does not stop the edit of another field."""
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif text != before:
        check_length(errors, field, text, limit)
    return text


def _attendees(errors: Errors, value: int | None) -> int:
    count = 0 if value is None else value
    if count < 0 or count > MAX_ATTENDEES:
        errors.add("attendees", _("Write a number between 0 and %(max)d.") % {"max": MAX_ATTENDEES})
    return count


def _update(
    *,
    actor: Acting,
    instance: M,
    expected_version: int | None,
    fields: Mapping[str, Any],
    editable: tuple[str, ...],
    errors_of: Callable[[M, dict[str, Any]], Errors],
    org_unit: OrgUnit,
    action: ActionFor = AuditAction.UPDATE,
) -> M:
    """An edit is checked as the whole record it would make (the given values over the locked
    row's), so a partial edit cannot break a rule between fields; then only what changed is written."""
    check_editable(fields, editable)
    update = VersionedUpdate(instance, expected_version)
    values = {name: fields.get(name, getattr(update.instance, name)) for name in editable}
    errors_of(update.instance, values).raise_if_any()
    update.apply(values)
    update.save(actor=actor, org_unit=org_unit, action=action)
    return update.instance


# --- The council ----------------------------------------------------------------------
class CouncilChanges(TypedDict, total=False):
    name: str
    established_on: dt.date | None
    response_days: int


COUNCIL_EDITABLE = tuple(CouncilChanges.__annotations__)


def _council_errors(fields: dict[str, Any]) -> Errors:
    errors = Errors()
    fields["name"] = _clean_text(errors, "name", fields.get("name"), required=True, limit=limits.NAME)
    _not_future(errors, "established_on", fields.get("established_on"))
    days = fields.get("response_days")
    if days is None or not 1 <= days <= MAX_RESPONSE_DAYS:
        errors.add("response_days", _("Write a number of days between 1 and %(max)d.") % {"max": MAX_RESPONSE_DAYS})
    return errors


@transaction.atomic
def create_council(
    *,
    actor: Acting,
    org_unit: OrgUnit,
    name: str,
    established_on: dt.date | None = None,
    response_days: int = DEFAULT_RESPONSE_DAYS,
) -> ChildrenCouncil:
    if is_person(actor) and not policies.can_create_council(actor, org_unit):
        raise PermissionDenied
    fields: dict[str, Any] = {"name": name, "established_on": established_on, "response_days": response_days}
    errors = _council_errors(fields)
    if org_unit.level != Level.MUNICIPALITY:
        errors.add("org_unit", _("A children's council belongs to a municipality."))
    elif ChildrenCouncil.objects.filter(org_unit=org_unit).exists():
        errors.add("org_unit", _("This municipality already has a children's council."))
    errors.raise_if_any()
    council = ChildrenCouncil.objects.create(org_unit=org_unit, **fields)
    audit.record_create(actor=actor, target=council, org_unit=org_unit)
    return council


@transaction.atomic
def update_council(
    *, actor: Acting, council: ChildrenCouncil, expected_version: int | None, **fields: Unpack[CouncilChanges]
) -> ChildrenCouncil:
    _require_manager(actor, council)
    return _update(
        actor=actor,
        instance=council,
        expected_version=expected_version,
        fields=fields,
        editable=COUNCIL_EDITABLE,
        errors_of=lambda _locked, values: _council_errors(values),
        org_unit=council.org_unit,
    )


# --- Members --------------------------------------------------------------------------
class MemberChanges(TypedDict, total=False):
    first_name: str
    age_band: str
    community: OrgUnit | None
    guardian_consent_on: dt.date | None
    joined_on: dt.date | None
    left_on: dt.date | None


MEMBER_EDITABLE = tuple(MemberChanges.__annotations__)
# What the trail keeps of a member created or removed (the first name only as "[redacted]":
# ``CouncilMember.PERSONAL_FIELDS``, which ``audit.snapshot`` redacts by itself).
MEMBER_AUDITED = (
    "council_id",
    "first_name",
    "age_band",
    "community_id",
    "guardian_consent_on",
    "joined_on",
    "left_on",
    "version",
)


def _member_errors(council: ChildrenCouncil, values: dict[str, Any]) -> Errors:
    errors = Errors()
    first_name = (values.get("first_name") or "").strip()
    if first_name and any(ch.isdigit() or ch in "@/" for ch in first_name):
        errors.add("first_name", _("Write only the child's first name."))
    else:
        first_name = _clean_text(errors, "first_name", first_name, required=True, limit=limits.FIRST_NAME)
    values["first_name"] = first_name
    if values.get("age_band") not in CouncilAgeBand.values:
        errors.add("age_band", _("Choose an age band."))
    community: OrgUnit | None = values.get("community")
    if community is None:
        errors.add("community", _("Choose the community the child lives in."))
    elif community.level != Level.COMMUNITY or not community.path.startswith(council.org_unit.path):
        errors.add("community", _("Choose a community of %(municipality)s.") % {"municipality": council.org_unit.name})
    consent, joined, left = values.get("guardian_consent_on"), values.get("joined_on"), values.get("left_on")
    if consent is None:
        errors.add("guardian_consent_on", _("A child joins the council only with the consent of a parent or guardian."))
    else:
        _not_future(errors, "guardian_consent_on", consent)
    if joined is None:
        errors.add("joined_on", _("This field is required."))
    else:
        _not_future(errors, "joined_on", joined)
        if consent is not None and consent > joined and "guardian_consent_on" not in errors:
            errors.add(
                "guardian_consent_on", _("The guardian's consent must be given on or before the day the child joins.")
            )
        if left is not None and left < joined:
            errors.add("left_on", _("The day the child left cannot be before the day they joined."))
    return errors


def _member_event(changes: Diff) -> str:
    """A member whose "left on" date is set has left the council."""
    old, new = changes.get("left_on", (None, None))
    return CouncilAction.MEMBER_LEFT if old is None and new is not None else AuditAction.UPDATE


def _member_state(member: CouncilMember) -> dict[str, Any]:
    return audit.snapshot(member, MEMBER_AUDITED)


@transaction.atomic
def add_member(
    *,
    actor: Acting,
    council: ChildrenCouncil,
    first_name: str,
    age_band: str,
    community: OrgUnit | None,
    guardian_consent_on: dt.date | None,
    joined_on: dt.date | None,
    left_on: dt.date | None = None,
) -> CouncilMember:
    _require_member_manager(actor, council)
    values: dict[str, Any] = {
        "first_name": first_name,
        "age_band": age_band,
        "community": community,
        "guardian_consent_on": guardian_consent_on,
        "joined_on": joined_on,
        "left_on": left_on,
    }
    _member_errors(council, values).raise_if_any()
    member = CouncilMember.objects.create(council=council, **values)
    changes = audit.diff({}, _member_state(member))
    audit.record(actor=actor, action=AuditAction.CREATE, target=member, org_unit=council.org_unit, changes=changes)
    return member


@transaction.atomic
def update_member(
    *, actor: Acting, member: CouncilMember, expected_version: int | None, **fields: Unpack[MemberChanges]
) -> CouncilMember:
    council = member.council
    _require_member_manager(actor, council)
    return _update(
        actor=actor,
        instance=member,
        expected_version=expected_version,
        fields=fields,
        editable=MEMBER_EDITABLE,
        errors_of=lambda _locked, values: _member_errors(council, values),
        org_unit=council.org_unit,
        action=_member_event,
    )


@transaction.atomic
def remove_member(*, actor: Acting, member: CouncilMember) -> None:
    """Erase a member's record (recorded by mistake, or consent withdrawn). The trail keeps no name."""
    council = member.council
    _require_member_manager(actor, council)
    changes = audit.diff(_member_state(member), {})
    audit.record(actor=actor, action=AuditAction.DELETE, target=member, org_unit=council.org_unit, changes=changes)
    member.delete()


# --- Sessions -------------------------------------------------------------------------
class SessionChanges(TypedDict, total=False):
    held_on: dt.date | None
    place: str
    topics: str
    attendees: int | None


SESSION_EDITABLE = tuple(SessionChanges.__annotations__)


def _session_errors(values: dict[str, Any], before: CouncilSession | None = None) -> Errors:
    errors = Errors()
    if values.get("held_on") is None:
        errors.add("held_on", _("This field is required."))
    elif values["held_on"] > _today():
        errors.add("held_on", _("Record a session once it has been held: the date cannot be in the future."))
    values["place"] = _clean_text(errors, "place", values.get("place"), required=False, limit=limits.PLACE)
    values["topics"] = _clean_text(
        errors,
        "topics",
        values.get("topics"),
        required=True,
        limit=limits.TOPICS,
        before=None if before is None else before.topics,
    )
    values["attendees"] = _attendees(errors, values.get("attendees"))
    return errors


@transaction.atomic
def record_session(
    *,
    actor: Acting,
    council: ChildrenCouncil,
    held_on: dt.date | None,
    topics: str,
    place: str = "",
    attendees: int = 0,
) -> CouncilSession:
    _require_manager(actor, council)
    values: dict[str, Any] = {"held_on": held_on, "place": place, "topics": topics, "attendees": attendees}
    _session_errors(values).raise_if_any()
    session = CouncilSession.objects.create(council=council, **values)
    audit.record_create(actor=actor, target=session, org_unit=council.org_unit)
    return session


@transaction.atomic
def update_session(
    *, actor: Acting, session: CouncilSession, expected_version: int | None, **fields: Unpack[SessionChanges]
) -> CouncilSession:
    council = session.council
    _require_manager(actor, council)
    return _update(
        actor=actor,
        instance=session,
        expected_version=expected_version,
        fields=fields,
        editable=SESSION_EDITABLE,
        errors_of=lambda locked, values: _session_errors(values, locked),
        org_unit=council.org_unit,
    )


# --- Requests and proposals -----------------------------------------------------------
class RequestChanges(TypedDict, total=False):
    kind: str
    title: str
    description: str
    goal_area: str
    routed_area: Area | None
    session: CouncilSession | None
    received_on: dt.date | None
    due_on: dt.date | None
    answer: str


REQUEST_EDITABLE = tuple(RequestChanges.__annotations__)
_REQUEST_EVENTS = event_by_new_value(
    "status",
    {
        RequestStatus.UNDER_STUDY: CouncilAction.REQUEST_UNDER_STUDY,
        **{status: CouncilAction.REQUEST_ANSWERED for status in ANSWER_STATUSES},
        RequestStatus.IMPLEMENTED: CouncilAction.REQUEST_IMPLEMENTED,
    },
)


def _request_errors(
    council: ChildrenCouncil, values: dict[str, Any], *, status: str, before: CouncilRequest | None = None
) -> Errors:
    errors = Errors()
    values["title"] = _clean_text(errors, "title", values.get("title"), required=True, limit=limits.TITLE)
    values["description"] = _clean_text(
        errors,
        "description",
        values.get("description"),
        required=True,
        limit=limits.REQUEST,
        before=None if before is None else before.description,
    )
    values["answer"] = _clean_text(
        errors,
        "answer",
        values.get("answer"),
        required=False,
        limit=limits.ANSWER,
        before=None if before is None else before.answer,
    )
    if status in ANSWERED_REQUEST_STATUSES and not values["answer"] and "answer" not in errors:
        errors.add("answer", _("An answered request keeps its answer to the children: it cannot be blank."))
    if values.get("kind") not in RequestKind.values:
        errors.add("kind", _("Choose request or proposal."))
    values["goal_area"] = values.get("goal_area") or ""
    if values["goal_area"] and values["goal_area"] not in GoalArea.values:
        errors.add("goal_area", _("Choose one of the goal areas."))
    area: Area | None = values.get("routed_area")
    if area is None:
        if status != RequestStatus.RECEIVED:
            errors.add("routed_area", _("Route the request to an area of the municipality."))
    elif area.org_unit_id != council.org_unit_id:
        errors.add("routed_area", _("Choose an area of %(municipality)s.") % {"municipality": council.org_unit.name})
    session: CouncilSession | None = values.get("session")
    if session is not None and session.council_id != council.pk:
        errors.add("session", _("Choose a session of this council."))
    received, due = values.get("received_on"), values.get("due_on")
    if received is None:
        errors.add("received_on", _("This field is required."))
    else:
        if session is not None and received < session.held_on and "session" not in errors:
            errors.add("received_on", _("A request cannot be received before the session it came from."))
        else:
            _not_future(errors, "received_on", received)
        if due is not None and due < received:
            errors.add("due_on", _("The answer cannot be due before the request was received."))
    return errors


def default_due_on(council: ChildrenCouncil, received_on: dt.date) -> dt.date:
    """The answer is due ``council.response_days`` after the request was received."""
    return received_on + dt.timedelta(days=council.response_days)


@transaction.atomic
def create_request(
    *,
    actor: Acting,
    council: ChildrenCouncil,
    title: str,
    description: str,
    received_on: dt.date | None,
    kind: str = RequestKind.REQUEST,
    goal_area: str = "",
    routed_area: Area | None = None,
    due_on: dt.date | None = None,
    session: CouncilSession | None = None,
) -> CouncilRequest:
    _require_manager(actor, council)
    values: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "description": description,
        "goal_area": goal_area,
        "routed_area": routed_area,
        "session": session,
        "received_on": received_on,
        "due_on": due_on,
        "answer": "",
    }
    errors = _request_errors(council, values, status=RequestStatus.RECEIVED)
    if routed_area is not None and not routed_area.is_active and "routed_area" not in errors:
        errors.add("routed_area", _("This area is no longer active."))
    errors.raise_if_any()
    if values["due_on"] is None:
        values["due_on"] = default_due_on(council, values["received_on"])
    council_request = CouncilRequest.objects.create(council=council, status=RequestStatus.RECEIVED, **values)
    audit.record_create(actor=actor, target=council_request, org_unit=council.org_unit)
    return council_request


def publishes_answer(council_request: CouncilRequest, status: str, answer: str) -> bool:
    """True when ``answer`` with ``status`` would put a text on the public pages that is not there
    yet: an answered status, and a request that was not answered or had another answer."""
    if status not in ANSWERED_REQUEST_STATUSES or not answer.strip():
        return False
    published = council_request.status in ANSWERED_REQUEST_STATUSES
    return not (published and council_request.answer.strip() == answer.strip())


def _check_child_friendly(errors: Errors, answer: str, *, confirmed: bool) -> None:
    """An answer goes public as written: one with signs of adult language (``readability``) is
    published only when the user confirms it after seeing the warnings."""
    if confirmed or "answer" in errors:
        return
    check = readability.check_answer(answer)
    if check.warnings:
        for warning in check.warnings:
            errors.add("answer", warning)
        errors.add("answer", _("Rewrite the answer, or confirm that it is published as it is."))


def _request_edit_errors(
    council: ChildrenCouncil, locked: CouncilRequest, values: dict[str, Any], *, confirm_answer: bool = False
) -> Errors:
    errors = _request_errors(council, values, status=locked.status, before=locked)
    if publishes_answer(locked, locked.status, values["answer"]):
        _check_child_friendly(errors, values["answer"], confirmed=confirm_answer)
    new_area = values.get("routed_area")
    newly_inactive = new_area is not None and new_area.pk != locked.routed_area_id and not new_area.is_active
    if newly_inactive and "routed_area" not in errors:
        errors.add("routed_area", _("This area is no longer active."))
    if locked.status not in OPEN_REQUEST_STATUSES:
        # The on-time indicator measures these two dates: once answered they are history.
        for name in ("received_on", "due_on"):
            if values[name] != getattr(locked, name) and name not in errors:
                errors.add(name, _("The dates of an answered request cannot change."))
    if values["due_on"] is None and "received_on" not in errors:
        errors.add("due_on", _("This field is required."))
    return errors


@transaction.atomic
def update_request(
    *,
    actor: Acting,
    council_request: CouncilRequest,
    expected_version: int | None,
    confirm_answer: bool = False,
    **fields: Unpack[RequestChanges],
) -> CouncilRequest:
    """Edit a request. A new answer to an answered request is public at once: with warnings from the
    child-friendly check (``readability``) it is refused unless ``confirm_answer``."""
    council = council_request.council
    _require_manager(actor, council)
    return _update(
        actor=actor,
        instance=council_request,
        expected_version=expected_version,
        fields=fields,
        editable=REQUEST_EDITABLE,
        errors_of=lambda locked, values: _request_edit_errors(council, locked, values, confirm_answer=confirm_answer),
        org_unit=council.org_unit,
    )


def allowed_transitions(council_request: CouncilRequest) -> tuple[str, ...]:
    return REQUEST_TRANSITIONS.get(council_request.status, ())


def _status_label(value: str) -> str:
    return str(RequestStatus(value).label) if value in RequestStatus.values else value


@transaction.atomic
def transition_request(
    *,
    actor: Acting,
    council_request: CouncilRequest,
    expected_version: int | None,
    status: str,
    answer: str | None = None,
    on: dt.date | None = None,
    confirm_answer: bool = False,
) -> CouncilRequest:
    """Move a request along its lifecycle (``REQUEST_TRANSITIONS``).

    Answering (accepted, partly accepted, not accepted) needs an answer in child-friendly
    language and sets ``answered_on`` (``on``, default today); implementing sets ``implemented_on``.
    An answer that goes public with warnings from the child-friendly check (``readability``) is
    refused unless ``confirm_answer``.
    """
    council = council_request.council
    _require_manager(actor, council)
    update = VersionedUpdate(council_request, expected_version)
    locked = update.instance
    errors = Errors()
    allowed = allowed_transitions(locked)
    current = _status_label(locked.status)
    if status not in RequestStatus.values:
        errors.add("status", _("Unknown status."))
    elif status not in allowed:
        if allowed:
            errors.add(
                "status",
                _("A request that is “%(current)s” cannot move to “%(new)s”. It can move to: %(allowed)s.")
                % {
                    "current": current,
                    "new": _status_label(status),
                    "allowed": ", ".join(_status_label(s) for s in allowed),
                },
            )
        else:
            errors.add(
                "status",
                _("A request that is “%(current)s” is closed: its status cannot change.") % {"current": current},
            )
    text = locked.answer if answer is None else answer.strip()
    if text != locked.answer:  # an answer saved before the limit may still move along, unchanged
        check_length(errors, "answer", text, limits.ANSWER)
    day = on or _today()
    _not_future(errors, "on", day)
    if "status" not in errors:
        if locked.routed_area_id is None:
            errors.add("routed_area", _("Route the request to an area of the municipality."))
        if status in ANSWER_STATUSES:
            if not text and "answer" not in errors:
                errors.add("answer", _("Write the answer to the children, in words they understand."))
            if day < locked.received_on and "on" not in errors:
                errors.add("on", _("A request cannot be answered before it was received."))
            if publishes_answer(locked, status, text):
                _check_child_friendly(errors, text, confirmed=confirm_answer)
        elif status == RequestStatus.IMPLEMENTED:
            early = locked.answered_on is not None and day < locked.answered_on
            if early and "on" not in errors:
                errors.add("on", _("A request cannot be implemented before it was answered."))
    errors.raise_if_any()
    changes: dict[str, Any] = {"status": status, "answer": text}
    if status in ANSWER_STATUSES:
        changes["answered_on"] = day
    elif status == RequestStatus.IMPLEMENTED:
        changes["implemented_on"] = day
    update.apply(changes)
    update.save(actor=actor, org_unit=council.org_unit, action=_REQUEST_EVENTS)
    return locked


# --- Accountability sessions ------------------------------------------------------------
class AccountabilityChanges(TypedDict, total=False):
    held_on: dt.date | None
    summary: str
    children_questions: str
    attendees: int | None


ACCOUNTABILITY_EDITABLE = tuple(AccountabilityChanges.__annotations__)


def _accountability_errors(values: dict[str, Any], before: AccountabilitySession | None = None) -> Errors:
    errors = Errors()
    if values.get("held_on") is None:
        errors.add("held_on", _("This field is required."))
    elif values["held_on"] > _today():
        errors.add("held_on", _("Record a session once it has been held: the date cannot be in the future."))
    values["summary"] = _clean_text(
        errors,
        "summary",
        values.get("summary"),
        required=True,
        limit=limits.REPORT,
        before=None if before is None else before.summary,
    )
    values["children_questions"] = _clean_text(
        errors,
        "children_questions",
        values.get("children_questions"),
        required=False,
        limit=limits.QUESTIONS,
        before=None if before is None else before.children_questions,
    )
    values["attendees"] = _attendees(errors, values.get("attendees"))
    return errors


@transaction.atomic
def record_accountability_session(
    *,
    actor: Acting,
    council: ChildrenCouncil,
    held_on: dt.date | None,
    summary: str,
    children_questions: str = "",
    attendees: int = 0,
) -> AccountabilitySession:
    _require_manager(actor, council)
    values: dict[str, Any] = {
        "held_on": held_on,
        "summary": summary,
        "children_questions": children_questions,
        "attendees": attendees,
    }
    _accountability_errors(values).raise_if_any()
    session = AccountabilitySession.objects.create(council=council, **values)
    audit.record_create(actor=actor, target=session, org_unit=council.org_unit)
    return session


@transaction.atomic
def update_accountability_session(
    *,
    actor: Acting,
    session: AccountabilitySession,
    expected_version: int | None,
    **fields: Unpack[AccountabilityChanges],
) -> AccountabilitySession:
    council = session.council
    _require_manager(actor, council)
    return _update(
        actor=actor,
        instance=session,
        expected_version=expected_version,
        fields=fields,
        editable=ACCOUNTABILITY_EDITABLE,
        errors_of=lambda locked, values: _accountability_errors(values, locked),
        org_unit=council.org_unit,
    )
