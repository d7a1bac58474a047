"""Agreements and their follow-up notes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.accounts.models import User
from ronda.coordination import limits, policies
from ronda.coordination.models import (
    Agreement,
    AgreementNote,
    AgreementStatus,
    BodyMember,
    CoordinationAction,
    CoordinationBody,
    Meeting,
)
from ronda.coordination.services.common import full_clean, require, strip_strings
from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.services import VersionedUpdate, check_editable, event_by_new_value
from ronda.core.tenancy import Acting, is_person
from ronda.territory.models import Area, Institution
from ronda.territory.selectors import institutions_serving

if TYPE_CHECKING:
    from typing_extensions import Unpack

NOTE_MAX_LENGTH = limits.NOTE


# --- Agreements --------------------------------------------------------------------------
class AgreementChanges(TypedDict, total=False):
    text: str
    owner_area: Area | None
    owner_member: BodyMember | None
    due_date: datetime.date
    meeting: Meeting | None
    status: str
    completed_on: datetime.date | None


AGREEMENT_EDITABLE = tuple(AgreementChanges.__annotations__)
FOLLOW_UP_FIELDS = frozenset({"status", "completed_on"})
_AGREEMENT_EVENTS = event_by_new_value(
    "status",
    {
        AgreementStatus.DONE: CoordinationAction.AGREEMENT_COMPLETED,
        AgreementStatus.CANCELLED: CoordinationAction.AGREEMENT_CANCELLED,
    },
    other_change=CoordinationAction.AGREEMENT_STATUS_CHANGED,
)


def _institution_ids(agreement: Agreement) -> dict[str, Any]:
    """What the trail keeps of the named institutions: their ids, sorted (no names, no contacts)."""
    return {"institutions": sorted(agreement.institutions.values_list("pk", flat=True))}


def _check_institutions(
    agreement: Agreement, institutions: Sequence[Institution], named: Iterable[int], errors: Errors
) -> None:
    """Each institution named must serve the body's municipality and be active; one already named
    (``named``) may stay although it has since closed."""
    kept = set(named)
    new = {i.pk for i in institutions} - kept
    if not new:
        return
    serving = institutions_serving(agreement.body.org_unit, active_only=True).filter(pk__in=new)
    if set(serving.values_list("pk", flat=True)) != new:
        errors.add("institutions", _("Choose active institutions that serve this municipality."))


def _validate_agreement(
    agreement: Agreement, *, changed: frozenset[str] | None = None, errors: Errors | None = None
) -> None:
    """Every rule an agreement obeys. ``changed`` (on an edit) names the fields the edit sends: the
    date rules are checked only when a date, the status or the meeting is among them, so that a
    record saved before these rules (with impossible dates) can still be followed up and corrected."""
    body = agreement.body
    errors = errors if errors is not None else Errors()
    if agreement.owner_area is None and agreement.owner_member is None:
        errors.add("owner_area", _("Give the agreement an owner: an area, a member or both."))
    if agreement.owner_area is not None and agreement.owner_area.org_unit_id != body.org_unit_id:
        errors.add("owner_area", _("Choose an area of this municipality."))
    if agreement.owner_member is not None and agreement.owner_member.body_id != body.pk:
        errors.add("owner_member", _("Choose a member of this body."))
    elif (
        agreement.owner_member is not None
        and (changed is None or "owner_member" in changed)
        and not agreement.owner_member.is_active_on(timezone.localdate())
    ):
        errors.add("owner_member", _("This member is no longer in the body: choose a current member."))
    if agreement.meeting is not None and agreement.meeting.body_id != body.pk:
        errors.add("meeting", _("Choose a meeting of this body."))
    _check_dates(agreement, errors, changed)
    errors.raise_if_any()


def _check_dates(agreement: Agreement, errors: Errors, changed: frozenset[str] | None) -> None:
    """Due on or after adoption; fulfilled between adoption and today, and only when fulfilled."""
    adopted = agreement.adopted_on if "meeting" not in errors else None
    shown = adopted.strftime("%d/%m/%Y") if adopted else ""
    dates_changed = changed is None or bool(changed & {"due_date", "meeting"})
    if dates_changed and adopted is not None and agreement.due_date < adopted:
        errors.add(
            "due_date",
            _("The due date cannot be before the meeting that adopted the agreement (%(date)s).") % {"date": shown},
        )
    if changed is not None and not changed & {"completed_on", "status", "meeting"}:
        return
    done = agreement.completed_on
    if done is None:
        return
    if done > timezone.localdate():
        errors.add("completed_on", _("The fulfilment date cannot be in the future."))
    if adopted is not None and done < adopted:
        errors.add(
            "completed_on",
            _("The fulfilment date cannot be before the meeting that adopted the agreement (%(date)s).")
            % {"date": shown},
        )


def _completed_on(
    agreement: Agreement, given: datetime.date | None, recorded: datetime.date | None, errors: Errors
) -> datetime.date | None:
    """A fulfilled agreement keeps a fulfilment date (the given one, else the recorded one, else
    today); any other status has none. A date given with another status is refused, unless it is the
    one already recorded (a form that shows the recorded date sends it back when the status changes)."""
    if agreement.status == AgreementStatus.DONE:
        return given or recorded or timezone.localdate()
    if given is not None and given != recorded:
        errors.add("completed_on", _("Only a fulfilled agreement has a fulfilment date: choose the status Fulfilled."))
    return None


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
    institutions: Sequence[Institution] = (),
) -> Agreement:
    """``institutions``: the allied institutions the agreement names as co-responsible."""
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
    errors = Errors()
    check_length(errors, "text", agreement.text, limits.AGREEMENT)
    agreement.completed_on = _completed_on(agreement, completed_on, None, errors)
    _check_institutions(agreement, institutions, (), errors)
    full_clean(agreement)
    _validate_agreement(agreement, errors=errors)
    agreement.save()
    agreement.institutions.set(institutions)
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        target=agreement,
        org_unit=body.org_unit,
        changes=audit.diff({}, {**audit.snapshot(agreement), **_institution_ids(agreement)}),
    )
    return agreement


@transaction.atomic
def update_agreement(
    *,
    actor: Acting,
    agreement: Agreement,
    expected_version: int | None,
    institutions: Sequence[Institution] | None = None,
    **fields: Unpack[AgreementChanges],
) -> Agreement:
    """The coordinator edits everything; the focal point of the owner area or of a named institution
    only status and fulfilment date. ``institutions`` (None: unchanged) replaces the named ones."""
    check_editable(fields, AGREEMENT_EDITABLE)
    if is_person(actor):
        if set(fields) <= FOLLOW_UP_FIELDS and institutions is None:
            require(policies.can_follow_up_agreement(actor, agreement))
        else:
            require(policies.can_edit_agreement(actor, agreement))
    changes = strip_strings(fields)
    completed_on = changes.pop("completed_on", None)
    # The named institutions' ids are read under the row's lock and again on saving: a change of
    # the set is in the same audit event as the columns, and moves the version on.
    update = VersionedUpdate(agreement, expected_version, state=_institution_ids)
    recorded = update.instance.completed_on
    # What this edit really changes (a form sends every field, changed or not).
    changed = frozenset(k for k, v in fields.items() if getattr(update.instance, k) != v)
    locked = update.apply(changes)
    errors = Errors()
    if "text" in changed:  # a text saved before the limit stays as it is until somebody edits it
        check_length(errors, "text", locked.text, limits.AGREEMENT)
    update.apply({"completed_on": _completed_on(locked, completed_on, recorded, errors)})
    if institutions is not None:
        _check_institutions(locked, institutions, locked.institutions.values_list("pk", flat=True), errors)
    full_clean(locked)
    _validate_agreement(locked, changed=changed, errors=errors)
    if institutions is not None:
        locked.institutions.set(institutions)
    update.save(actor=actor, org_unit=agreement.body.org_unit, action=_AGREEMENT_EVENTS)
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
    errors = Errors()
    check_length(errors, "text", text, limits.NOTE)
    errors.raise_if_any()
    note = AgreementNote.objects.create(agreement=agreement, author=author, text=text)
    audit.record_create(actor=actor, target=note, org_unit=agreement.body.org_unit)
    return note
