"""Meetings: schedule, agenda, attendance, minutes and their approval at a later meeting."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

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
    CoordinationBody,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MinutesStatus,
)
from ronda.coordination.services.common import full_clean, require, strip_strings
from ronda.core import audit
from ronda.core.models import AuditAction
from ronda.core.services import lock_for_update
from ronda.core.tenancy import Acting, is_person

# --- Meetings ----------------------------------------------------------------------------
MEETING_EDITABLE = ("kind", "mode", "scheduled_at", "place", "link", "commission", "status")
MEETING_AUDITED = ("kind", "mode", "scheduled_at", "place", "link", "commission_id", "status")


def _validate_meeting(meeting: Meeting) -> None:
    errors: dict[str, str] = {}
    if meeting.mode == MeetingMode.IN_PERSON and not meeting.place:
        errors["place"] = _("Say where an in-person meeting takes place.")
    if meeting.mode == MeetingMode.VIRTUAL and not meeting.link:
        errors["link"] = _("Give the link of a virtual meeting.")
    if meeting.commission is not None and meeting.commission.body_id != meeting.body_id:
        errors["commission"] = _("Choose a commission of this body.")
    if errors:
        raise ValidationError(errors)


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
def update_meeting(*, actor: Acting, meeting: Meeting, expected_version: int | None, **fields: Any) -> Meeting:
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    unknown = set(fields) - set(MEETING_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = lock_for_update(meeting, expected_version)
    before = audit.snapshot(locked, MEETING_AUDITED)
    # Approved minutes record a meeting that took place: it can no longer change, nor be cancelled.
    if locked.minutes_status == MinutesStatus.APPROVED and (
        set(fields) - {"status"} or fields.get("status", locked.status) != locked.status
    ):
        _refuse_if_approved(locked)
    for name, value in strip_strings(fields).items():
        setattr(locked, name, value)
    full_clean(locked, exclude=["minutes_approved_at"])
    _validate_meeting(locked)
    locked.version += 1
    locked.save()
    audit.record_update(actor=actor, target=locked, org_unit=meeting.body.org_unit, before=before)
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


def _attendance_state(meeting: Meeting) -> dict[str, str]:
    return {str(m): s for m, s in Attendance.objects.filter(meeting=meeting).values_list("member_id", "status")}


@transaction.atomic
def record_attendance(
    *, actor: Acting, meeting: Meeting, expected_version: int | None, statuses: Mapping[int, str]
) -> Meeting:
    """Set the attendance of the listed members (member id -> present/absent/excused)."""
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    locked = lock_for_update(meeting, expected_version)
    _refuse_if_approved(locked)
    members = {m.pk: m for m in BodyMember.objects.filter(body_id=meeting.body_id, pk__in=list(statuses))}
    errors = {}
    if set(statuses) - set(members):
        errors["attendance"] = _("Choose members of this body.")
    if any(s not in AttendanceStatus.values for s in statuses.values()):
        errors["attendance"] = _("Not one of the allowed values.")
    if errors:
        raise ValidationError(errors)
    before = _attendance_state(locked)
    for member_id, status in statuses.items():
        Attendance.objects.update_or_create(meeting=locked, member=members[member_id], defaults={"status": status})
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    changes = audit.diff({"attendance": before}, {"attendance": _attendance_state(locked)})
    if changes:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, target=locked, org_unit=meeting.body.org_unit, changes=changes
        )
    return locked


@transaction.atomic
def save_minutes(*, actor: Acting, meeting: Meeting, expected_version: int | None, minutes_text: str) -> Meeting:
    """Write the minutes as a draft. Writing them records the meeting as held."""
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    locked = lock_for_update(meeting, expected_version)
    _refuse_if_approved(locked)
    if locked.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no minutes."))
    if locked.scheduled_at > timezone.now():
        raise ValidationError(_("Minutes can be written once the meeting has taken place."))
    text = minutes_text.strip()
    if not text:
        raise ValidationError({"minutes_text": _("Write what was discussed.")})
    before = audit.snapshot(locked, ("minutes_text", "minutes_status", "status"))
    locked.minutes_text = text
    locked.minutes_status = MinutesStatus.DRAFT
    locked.status = MeetingStatus.HELD
    locked.version += 1
    locked.save()
    audit.record_update(actor=actor, target=locked, org_unit=meeting.body.org_unit, before=before)
    return locked


@transaction.atomic
def approve_minutes(*, actor: Acting, meeting: Meeting, expected_version: int | None, approved_at: Meeting) -> Meeting:
    """Minutes are approved at a LATER meeting of the same body, which is recorded."""
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))
    locked = lock_for_update(meeting, expected_version)
    if locked.minutes_status != MinutesStatus.DRAFT:
        raise ValidationError(_("Only draft minutes can be approved."))
    if approved_at.body_id != locked.body_id or approved_at.scheduled_at <= locked.scheduled_at:
        raise ValidationError({"approved_at": _("Minutes are approved at a later meeting of the same body.")})
    if approved_at.status == MeetingStatus.CANCELLED or approved_at.scheduled_at > timezone.now():
        raise ValidationError({"approved_at": _("The approving meeting must have taken place.")})
    before = audit.snapshot(locked, ("minutes_status", "minutes_approved_at_id"))
    locked.minutes_status = MinutesStatus.APPROVED
    locked.minutes_approved_at = approved_at
    locked.version += 1
    locked.save()
    audit.record_update(actor=actor, target=locked, org_unit=meeting.body.org_unit, before=before)
    return locked
