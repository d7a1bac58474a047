"""Agreements and their follow-up notes."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.accounts.models import User
from ronda.coordination import policies
from ronda.coordination.models import (
    Agreement,
    AgreementNote,
    AgreementStatus,
    BodyMember,
    CoordinationBody,
    Meeting,
)
from ronda.coordination.services.common import full_clean, require, strip_strings
from ronda.core import audit
from ronda.core.services import lock_for_update
from ronda.core.tenancy import Acting, is_person
from ronda.territory.models import Area

NOTE_MAX_LENGTH = 4000


# --- Agreements --------------------------------------------------------------------------
AGREEMENT_EDITABLE = ("text", "owner_area", "owner_member", "due_date", "meeting", "status", "completed_on")
AGREEMENT_AUDITED = ("text", "owner_area_id", "owner_member_id", "due_date", "meeting_id", "status", "completed_on")
FOLLOW_UP_FIELDS = frozenset({"status", "completed_on"})


def _validate_agreement(agreement: Agreement) -> None:
    body = agreement.body
    errors: dict[str, str] = {}
    if agreement.owner_area is None and agreement.owner_member is None:
        errors["owner_area"] = _("Give the agreement an owner: an area, a member or both.")
    if agreement.owner_area is not None and agreement.owner_area.org_unit_id != body.org_unit_id:
        errors["owner_area"] = _("Choose an area of this municipality.")
    if agreement.owner_member is not None and agreement.owner_member.body_id != body.pk:
        errors["owner_member"] = _("Choose a member of this body.")
    if agreement.meeting is not None and agreement.meeting.body_id != body.pk:
        errors["meeting"] = _("Choose a meeting of this body.")
    if agreement.completed_on is not None and agreement.completed_on > timezone.localdate():
        errors["completed_on"] = _("The fulfilment date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _settle_completion(agreement: Agreement, completed_on: datetime.date | None) -> None:
    if agreement.status == AgreementStatus.DONE:
        agreement.completed_on = completed_on or agreement.completed_on or timezone.localdate()
    else:
        agreement.completed_on = None


@transaction.atomic
def create_agreement(
    *,
    actor: Acting,
    body: CoordinationBody,
    text: str,
    due_date: datetime.date,
    owner_area: Area | None = None,
    owner_member: BodyMember | None = None,
    meeting: Meeting | None = None,
    status: str = AgreementStatus.PENDING,
    completed_on: datetime.date | None = None,
) -> Agreement:
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    agreement = Agreement(
        body=body,
        text=text.strip(),
        due_date=due_date,
        owner_area=owner_area,
        owner_member=owner_member,
        meeting=meeting,
        status=status,
    )
    _settle_completion(agreement, completed_on)
    full_clean(agreement)
    _validate_agreement(agreement)
    agreement.save()
    audit.record_create(actor=actor, target=agreement, org_unit=body.org_unit)
    return agreement


@transaction.atomic
def update_agreement(*, actor: Acting, agreement: Agreement, expected_version: int | None, **fields: Any) -> Agreement:
    """The coordinator edits everything; the owner area's focal point only status and fulfilment date."""
    unknown = set(fields) - set(AGREEMENT_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if is_person(actor):
        if set(fields) <= FOLLOW_UP_FIELDS:
            require(policies.can_follow_up_agreement(actor, agreement))
        else:
            require(policies.can_edit_agreement(actor, agreement))
    locked = lock_for_update(agreement, expected_version)
    before = audit.snapshot(locked, AGREEMENT_AUDITED)
    completed_on = fields.pop("completed_on", None)
    for name, value in strip_strings(fields).items():
        setattr(locked, name, value)
    _settle_completion(locked, completed_on)
    full_clean(locked)
    _validate_agreement(locked)
    locked.version += 1
    locked.save()
    audit.record_update(actor=actor, target=locked, org_unit=agreement.body.org_unit, before=before)
    return locked


@transaction.atomic
def add_agreement_note(*, actor: Acting, agreement: Agreement, text: str, author: User | None = None) -> AgreementNote:
    """A follow-up note. ``author`` is only for system imports (actor None) of historical notes."""
    if is_person(actor):
        require(policies.can_follow_up_agreement(actor, agreement))
        author = actor.user
    if author is None:
        raise ValueError("a note needs an author")
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": _("Write at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}})
    note = AgreementNote.objects.create(agreement=agreement, author=author, text=text)
    audit.record_create(actor=actor, target=note, org_unit=agreement.body.org_unit)
    return note
