"""Meetings: schedule, agenda, attendance, minutes and their approval at a later meeting."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.coordination import policies
from ronda.coordination.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    BodyMember,
    Commission,
    CoordinationAction,
    CoordinationBody,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MinutesStatus,
)
from ronda.coordination.services.common import full_clean, require, strip_strings
from ronda.core import audit
from ronda.core.errors import Errors
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


MEETING_EDITABLE = tuple(MeetingChanges.__annotations__)
_MEETING_EVENTS = event_by_new_value("status", {MeetingStatus.CANCELLED: CoordinationAction.MEETING_CANCELLED})


def _validate_meeting(meeting: Meeting) -> None:
    errors = Errors()
    if meeting.mode == MeetingMode.IN_PERSON and not meeting.place:
        errors.add("place", _("Say where an in-person meeting takes place."))
    if meeting.mode == MeetingMode.VIRTUAL and not meeting.link:
        errors.add("link", _("Give the link of a virtual meeting."))
    if meeting.commission is not None and meeting.commission.body_id != meeting.body_id:
        errors.add("commission", _("Choose a commission of this body."))
    errors.raise_if_any()


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
) -> Meeting:
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    meeting = Meeting(
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
    update.apply(strip_strings(fields))
    full_clean(locked, exclude=["minutes_approved_at"])
    _validate_meeting(locked)
    update.save(actor=actor, org_unit=meeting.body.org_unit, action=_MEETING_EVENTS)
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
    last = AgendaItem.objects.filter(meeting=locked).aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem(
        meeting=locked, order=last + 1, title=title.strip(), presenter=presenter, minutes_allotted=minutes_allotted
    )
    full_clean(item)
    if not 1 <= item.minutes_allotted <= 480:
        raise ValidationError({"minutes_allotted": _("Give between 1 and 480 minutes.")})
    item.save()
    audit.record_create(actor=actor, target=item, org_unit=meeting.body.org_unit)
    return item


@transaction.atomic
def remove_agenda_item(*, actor: Acting, item: AgendaItem) -> None:
    meeting = item.meeting
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    _refuse_if_approved(lock_for_update(meeting, None))
    audit.record_delete(actor=actor, target=item, org_unit=meeting.body.org_unit)
    item.delete()


def _attendance_state(meeting: Meeting) -> dict[str, Any]:
    rows = Attendance.objects.filter(meeting=meeting).values_list("member_id", "status")
    return {"attendance": {str(member): status for member, status in rows}}


@transaction.atomic
def record_attendance(
    *, actor: Acting, meeting: Meeting, expected_version: int | None, statuses: Mapping[int, str]
) -> Meeting:
    """Set the attendance of the listed members (member id -> present/absent/excused)."""
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    update = VersionedUpdate(meeting, expected_version, state=_attendance_state)
    locked = update.instance
    _refuse_if_approved(locked)
    members = {m.pk: m for m in BodyMember.objects.filter(body_id=meeting.body_id, pk__in=list(statuses))}
    # One message for the list: a value that is not a status outranks a member of another body.
    if any(s not in AttendanceStatus.values for s in statuses.values()):
        raise ValidationError({"attendance": _("Not one of the allowed values.")})
    if set(statuses) - set(members):
        raise ValidationError({"attendance": _("Choose members of this body.")})
    for member_id, status in statuses.items():
        Attendance.objects.update_or_create(meeting=locked, member=members[member_id], defaults={"status": status})
    # The version moves on even when nothing changed, like every save of the attendance form.
    update.save(actor=actor, org_unit=meeting.body.org_unit, action=CoordinationAction.ATTENDANCE_RECORDED, touch=True)
    return locked


@transaction.atomic
def save_minutes(*, actor: Acting, meeting: Meeting, expected_version: int | None, minutes_text: str) -> Meeting:
    """Write the minutes as a draft. Writing them records the meeting as held."""
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    update = VersionedUpdate(meeting, expected_version)
    locked = update.instance
    _refuse_if_approved(locked)
    if locked.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no minutes."))
    if locked.scheduled_at > timezone.now():
        raise ValidationError(_("Minutes can be written once the meeting has taken place."))
    text = minutes_text.strip()
    if not text:
        raise ValidationError({"minutes_text": _("Write what was discussed.")})
    update.apply({"minutes_text": text, "minutes_status": MinutesStatus.DRAFT, "status": MeetingStatus.HELD})
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
    update.apply({"minutes_status": MinutesStatus.APPROVED, "minutes_approved_at": approved_at})
    update.save(actor=actor, org_unit=meeting.body.org_unit, action=CoordinationAction.MINUTES_APPROVED)
    return locked
