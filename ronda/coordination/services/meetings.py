"""Meetings: schedule, agenda, attendance, minutes and their approval at a later meeting."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.coordination import limits, policies
from ronda.coordination.models import (
    AgendaItem,
    AgendaProposal,
    Attendance,
    AttendanceStatus,
    BodyMember,
    Commission,
    CoordinationAction,
    CoordinationBody,
    Meeting,
    MeetingInvitation,
    MeetingMode,
    MeetingStatus,
    MinutesStatus,
    ProposalStatus,
)
from ronda.coordination.services import convocation
from ronda.coordination.services.common import full_clean, require, strip_strings
from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.services import VersionedUpdate, check_editable, event_by_new_value, lock_for_update
from ronda.core.tenancy import Acting, is_person

if TYPE_CHECKING:
    from typing_extensions import Unpack


# --- Meetings ----------------------------------------------------------------------------
class MeetingChanges(TypedDict, total=False):
    kind: str
    mode: str
    scheduled_at: datetime.datetime
    place: str
    link: str
    commission: Commission | None
    status: str
    objectives: str


MEETING_EDITABLE = tuple(MeetingChanges.__annotations__)
# The objectives are a paragraph or two of the convocatoria and the acta (about two thirds of a page).
OBJECTIVES_MAX_LENGTH = 2_000
_MEETING_EVENTS = event_by_new_value("status", {MeetingStatus.CANCELLED: CoordinationAction.MEETING_CANCELLED})


def check_meeting_fields(
    errors: Errors, *, mode: str, place: str, link: str, status: str, scheduled_at: datetime.datetime | None
) -> None:
    """The rules between a meeting's own fields. The meeting form runs them too, with its own field
    checks, so that every problem shows at once; the service runs them for every caller."""
    if mode == MeetingMode.IN_PERSON and not place:
        errors.add("place", _("Say where an in-person meeting takes place."))
    if mode == MeetingMode.VIRTUAL and not link:
        errors.add("link", _("Give the link of a virtual meeting."))
    if status == MeetingStatus.HELD and scheduled_at is not None and scheduled_at > timezone.now():
        errors.add("status", _("A meeting in the future cannot be recorded as held: it has not taken place yet."))


def _validate_meeting(meeting: Meeting, *, changed: frozenset[str] | None = None) -> None:
    errors = Errors()
    check_meeting_fields(
        errors,
        mode=meeting.mode,
        place=meeting.place,
        link=meeting.link,
        status=meeting.status,
        scheduled_at=meeting.scheduled_at,
    )
    if meeting.commission is not None and meeting.commission.body_id != meeting.body_id:
        errors.add("commission", _("Choose a commission of this body."))
    check_length(errors, "objectives", meeting.objectives, OBJECTIVES_MAX_LENGTH)
    if changed is not None and "scheduled_at" in changed:
        _check_agreement_dates(meeting, errors)
    errors.raise_if_any()


def _check_agreement_dates(meeting: Meeting, errors: Errors) -> None:
    """A meeting cannot move past the due or fulfilment dates of the agreements it adopted."""
    day = timezone.localtime(meeting.scheduled_at).date()
    later = meeting.agreements.filter(Q(due_date__lt=day) | Q(completed_on__lt=day))
    if later.exists():
        errors.add(
            "scheduled_at",
            _("Agreements adopted at this meeting are due or fulfilled before this date: change them first."),
        )


def _refuse_if_future(meeting: Meeting, message: str) -> None:
    if meeting.scheduled_at > timezone.now():
        raise ValidationError(message)


def _refuse_if_approved(meeting: Meeting) -> None:
    if meeting.minutes_status == MinutesStatus.APPROVED:
        raise ValidationError(_("The minutes of this meeting are approved: its record can no longer change."))


@transaction.atomic
def schedule_meeting(
    *,
    actor: Acting,
    body: CoordinationBody,
    kind: str,
    mode: str,
    scheduled_at: datetime.datetime,
    place: str = "",
    link: str = "",
    commission: Commission | None = None,
    status: str = MeetingStatus.SCHEDULED,
    objectives: str = "",
) -> Meeting:
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    meeting = Meeting(
        objectives=objectives.strip(),
        body=body,
        kind=kind,
        mode=mode,
        scheduled_at=scheduled_at,
        place=place.strip(),
        link=link.strip(),
        commission=commission,
        status=status,
    )
    full_clean(meeting)
    _validate_meeting(meeting)
    meeting.save()
    audit.record_create(actor=actor, target=meeting, org_unit=body.org_unit)
    return meeting


@transaction.atomic
def update_meeting(
    *, actor: Acting, meeting: Meeting, expected_version: int | None, **fields: Unpack[MeetingChanges]
) -> Meeting:
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    check_editable(fields, MEETING_EDITABLE)
    update = VersionedUpdate(meeting, expected_version)
    locked = update.instance
    # Approved minutes record a meeting that took place: it can no longer change, nor be cancelled.
    if locked.minutes_status == MinutesStatus.APPROVED and (
        set(fields) - {"status"} or fields.get("status", locked.status) != locked.status
    ):
        _refuse_if_approved(locked)
    changed = frozenset(k for k, v in fields.items() if getattr(locked, k) != v)
    update.apply(strip_strings(fields))
    full_clean(locked, exclude=["minutes_approved_at"])
    _validate_meeting(locked, changed=changed)
    update.save(actor=actor, org_unit=meeting.body.org_unit, action=_MEETING_EVENTS)
    # A convened meeting's invitees hear of a new date, place, mode or link, and of its cancellation.
    convocation.notify_invitees(actor=actor, meeting=locked, fields=changed)
    return locked


# Agenda items are single rows added or removed one at a time: two people adding items at once
# cannot overwrite each other, so these take no version. The meeting row is locked only to
# number the items in order.
@transaction.atomic
def add_agenda_item(
    *,
    actor: Acting,
    meeting: Meeting,
    title: str,
    presenter: BodyMember | None = None,
    minutes_allotted: int = 10,
) -> AgendaItem:
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    locked = lock_for_update(meeting, None)
    _refuse_if_approved(locked)
    if presenter is not None and presenter.body_id != meeting.body_id:
        raise ValidationError({"presenter": _("Choose a member of this body.")})
    if presenter is not None and not presenter.is_active_on(timezone.localtime(locked.scheduled_at).date()):
        raise ValidationError({"presenter": _("This member is not in the body on the day of the meeting.")})
    last = AgendaItem.objects.filter(meeting=locked).aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem(
        meeting=locked, order=last + 1, title=title.strip(), presenter=presenter, minutes_allotted=minutes_allotted
    )
    full_clean(item)
    if not 1 <= item.minutes_allotted <= 480:
        raise ValidationError({"minutes_allotted": _("Give between 1 and 480 minutes.")})
    item.save()
    audit.record_create(actor=actor, target=item, org_unit=meeting.body.org_unit)
    convocation.notify_invitees(actor=actor, meeting=locked, agenda=True)
    return item


@transaction.atomic
def remove_agenda_item(*, actor: Acting, item: AgendaItem) -> None:
    meeting = item.meeting
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    locked = lock_for_update(meeting, None)
    _refuse_if_approved(locked)
    audit.record_delete(actor=actor, target=item, org_unit=meeting.body.org_unit)
    item.delete()
    convocation.notify_invitees(actor=actor, meeting=locked, agenda=True)


GUESTS_MAX_LINES = limits.GUEST_LINES
GUEST_LINE_MAX_LENGTH = limits.GUEST_LINE


def _attendance_state(meeting: Meeting) -> dict[str, Any]:
    rows = Attendance.objects.filter(meeting=meeting).values_list("member_id", "status")
    guests = MeetingInvitation.objects.filter(meeting=meeting, member__isnull=True).values_list("pk", "attended")
    return {
        "attendance": {str(member): status for member, status in rows},
        "guests_attended": {str(pk): attended for pk, attended in guests},
    }


def clean_guests(text: str) -> str:
    """One guest per line, blank lines dropped; refused when too long for an acta."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > GUESTS_MAX_LINES or any(len(line) > GUEST_LINE_MAX_LENGTH for line in lines):
        raise ValidationError(
            {
                "guests": _("List at most %(lines)d guests, one per line of at most %(chars)d characters.")
                % {"lines": GUESTS_MAX_LINES, "chars": GUEST_LINE_MAX_LENGTH}
            }
        )
    return "\n".join(lines)


@transaction.atomic
def record_attendance(
    *,
    actor: Acting,
    meeting: Meeting,
    expected_version: int | None,
    statuses: Mapping[int, str],
    guests: str | None = None,
    guests_attended: Mapping[int, bool | None] | None = None,
) -> Meeting:
    """Set the attendance of the listed members (member id -> present/absent/excused) and, when
    given, the other guests (one per line; None leaves them as they are) and which of the invited
    guests attended (invitation id -> True/False/None)."""
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    update = VersionedUpdate(meeting, expected_version, state=_attendance_state)
    locked = update.instance
    _refuse_if_approved(locked)
    _refuse_if_future(locked, _("Attendance can be recorded once the meeting has taken place."))
    members = {m.pk: m for m in BodyMember.objects.filter(body_id=meeting.body_id, pk__in=list(statuses))}
    # One message for the list: a value that is not a status outranks a member of another body.
    if any(s not in AttendanceStatus.values for s in statuses.values()):
        raise ValidationError({"attendance": _("Not one of the allowed values.")})
    if set(statuses) - set(members):
        raise ValidationError({"attendance": _("Choose members of this body.")})
    if guests is not None:
        update.apply({"guests": clean_guests(guests)})
    if guests_attended:
        convocation.record_guest_attendance(locked, guests_attended)
    for member_id, status in statuses.items():
        Attendance.objects.update_or_create(meeting=locked, member=members[member_id], defaults={"status": status})
    # The version moves on even when nothing changed, like every save of the attendance form.
    update.save(actor=actor, org_unit=meeting.body.org_unit, action=CoordinationAction.ATTENDANCE_RECORDED, touch=True)
    return locked


@transaction.atomic
def save_minutes(
    *,
    actor: Acting,
    meeting: Meeting,
    expected_version: int | None,
    minutes_text: str,
    started_at: datetime.time | None = None,
    ended_at: datetime.time | None = None,
    chaired_by: BodyMember | None = None,
    recorded_by: BodyMember | None = None,
) -> Meeting:
    """Write the minutes as a draft. Writing them records the meeting as held.

    The start and end times and the two signatories (who chaired, who took the minutes) are optional
    in a draft; the signatories must have belonged to the body on the day of the meeting."""
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    update = VersionedUpdate(meeting, expected_version)
    locked = update.instance
    _refuse_if_approved(locked)
    if locked.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no minutes."))
    _refuse_if_future(locked, _("Minutes can be written once the meeting has taken place."))
    errors = Errors()
    text = minutes_text.strip()
    if not text:
        errors.add("minutes_text", _("Write what was discussed."))
    elif text != locked.minutes_text:  # minutes saved before the limit stay as they are until edited
        check_length(errors, "minutes_text", text, limits.DISCUSSION)
    if started_at is not None and ended_at is not None and ended_at <= started_at:
        errors.add("ended_at", _("The meeting ends after it starts."))
    day = timezone.localtime(locked.scheduled_at).date()
    for field, member in (("chaired_by", chaired_by), ("recorded_by", recorded_by)):
        if member is not None and (member.body_id != locked.body_id or not member.is_active_on(day)):
            errors.add(field, _("This member is not in the body on the day of the meeting."))
    errors.raise_if_any()
    update.apply(
        {
            "minutes_text": text,
            "minutes_status": MinutesStatus.DRAFT,
            "status": MeetingStatus.HELD,
            "started_at": started_at,
            "ended_at": ended_at,
            "chaired_by": chaired_by,
            "recorded_by": recorded_by,
        }
    )
    update.save(actor=actor, org_unit=meeting.body.org_unit, action=CoordinationAction.MINUTES_WRITTEN)
    return locked


@transaction.atomic
def approve_minutes(*, actor: Acting, meeting: Meeting, expected_version: int | None, approved_at: Meeting) -> Meeting:
    """Minutes are approved at a LATER meeting of the same body, which is recorded."""
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    update = VersionedUpdate(meeting, expected_version)
    locked = update.instance
    if locked.minutes_status != MinutesStatus.DRAFT:
        raise ValidationError(_("Only draft minutes can be approved."))
    if approved_at.body_id != locked.body_id or approved_at.scheduled_at <= locked.scheduled_at:
        raise ValidationError({"approved_at": _("Minutes are approved at a later meeting of the same body.")})
    if approved_at.status == MeetingStatus.CANCELLED or approved_at.scheduled_at > timezone.now():
        raise ValidationError({"approved_at": _("The approving meeting must have taken place.")})
    # The acta's number: the next of the body's series for the meeting's year. The body row is
    # locked so that two approvals at once cannot take the same number.
    lock_for_update(locked.body, None)
    year = timezone.localtime(locked.scheduled_at).year
    last = Meeting.objects.filter(body_id=locked.body_id, minutes_year=year).aggregate(n=Max("minutes_number"))["n"]
    update.apply(
        {
            "minutes_status": MinutesStatus.APPROVED,
            "minutes_approved_at": approved_at,
            "minutes_year": year,
            "minutes_number": (last or 0) + 1,
        }
    )
    update.save(actor=actor, org_unit=meeting.body.org_unit, action=CoordinationAction.MINUTES_APPROVED)
    return locked


# --- Agenda proposals (a seat on the body proposes, the coordinator decides) ----------------------
PROPOSAL_REASON_MAX_LENGTH = 2000


def _check_open_for_proposals(meeting: Meeting) -> None:
    """A proposal is for a coming meeting that still takes place."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled: it takes no more agenda items."))
    if meeting.scheduled_at <= timezone.now():
        raise ValidationError(_("This meeting has already taken place: propose the item for a coming meeting."))


@transaction.atomic
def propose_agenda_item(*, actor: Acting, meeting: Meeting, title: str, reason: str = "") -> AgendaProposal:
    """A member of the body (an active member linked to the actor's user) asks to put ``title`` on
    the agenda of a coming meeting. The coordinator adds items directly instead."""
    member = None
    if is_person(actor):
        member = policies.member_for(actor, meeting.body)
        require(member is not None and policies.sits_on(actor, meeting.body))
    locked = lock_for_update(meeting, None)
    _check_open_for_proposals(locked)
    errors = Errors()
    title, reason = title.strip(), reason.strip()
    if not title:
        errors.add("title", _("Write the item you propose."))
    check_length(errors, "reason", reason, PROPOSAL_REASON_MAX_LENGTH)
    errors.raise_if_any()
    proposal = AgendaProposal(meeting=locked, title=title, reason=reason, proposed_by=member)
    full_clean(proposal)
    proposal.save()
    audit.record(
        actor=actor,
        action=CoordinationAction.AGENDA_ITEM_PROPOSED,
        target=proposal,
        org_unit=meeting.body.org_unit,
        changes={"title": [None, title]},
    )
    return proposal


def _require_decidable(
    actor: Acting, proposal: AgendaProposal, expected_version: int | None, status: str, note: str
) -> VersionedUpdate[AgendaProposal]:
    if is_person(actor):
        require(policies.can_manage_body(actor, proposal.meeting.body))
    update = VersionedUpdate(proposal, expected_version)
    if update.instance.status != ProposalStatus.PROPOSED:
        raise ValidationError(_("This proposal has already been answered."))
    errors = Errors()
    check_length(errors, "decision_note", note.strip(), PROPOSAL_REASON_MAX_LENGTH)
    errors.raise_if_any()
    update.apply(
        {
            "status": status,
            "decision_note": note.strip(),
            "decided_by": actor.user if is_person(actor) else None,
            "decided_at": timezone.now(),
        }
    )
    return update


@transaction.atomic
def accept_agenda_proposal(
    *, actor: Acting, proposal: AgendaProposal, expected_version: int | None, note: str = ""
) -> AgendaItem:
    """The proposal becomes the last item of its meeting's agenda (presented by who proposed it)."""
    update = _require_decidable(actor, proposal, expected_version, ProposalStatus.ACCEPTED, note)
    meeting = update.instance.meeting
    _check_open_for_proposals(meeting)
    presenter = update.instance.proposed_by
    if presenter is not None and not presenter.is_active_on(timezone.localtime(meeting.scheduled_at).date()):
        presenter = None
    item = add_agenda_item(actor=actor, meeting=meeting, title=update.instance.title, presenter=presenter)
    update.apply({"agenda_item": item})
    update.save(actor=actor, org_unit=meeting.body.org_unit, action=CoordinationAction.AGENDA_PROPOSAL_ACCEPTED)
    return item


@transaction.atomic
def decline_agenda_proposal(
    *, actor: Acting, proposal: AgendaProposal, expected_version: int | None, note: str
) -> AgendaProposal:
    """Declined with a reason the member reads."""
    if not note.strip():
        raise ValidationError({"decision_note": _("Tell the member why the item is not on the agenda.")})
    update = _require_decidable(actor, proposal, expected_version, ProposalStatus.DECLINED, note)
    update.save(
        actor=actor, org_unit=update.instance.meeting.body.org_unit, action=CoordinationAction.AGENDA_PROPOSAL_DECLINED
    )
    return update.instance
