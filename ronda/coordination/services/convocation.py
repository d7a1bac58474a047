"""Convening a meeting (issue #13 item 2): who is invited, the convocation e-mails with their
invitation (.ics), the invitees' answers, the e-mails when a convened meeting changes or is
cancelled, and the reminders before it.

Every e-mail goes through ``notifications.services.queue_email`` in the caller's transaction
(decision 0027): a change that is rolled back e-mails nobody. Members with a Ronda user get it as
that user (their choices in "Mis notificaciones" apply, a refusal is recorded as skipped); guests and
members without a user at the address the coordinator gave. Each invitee's .ics names only them as
attendee: the invitees do not learn each other's addresses.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.coordination import notifications as kinds
from ronda.coordination import policies, policies_convocation
from ronda.coordination.models import (
    BodyMember,
    Commission,
    CoordinationAction,
    CoordinationBody,
    Meeting,
    MeetingInvitation,
    MeetingMode,
    MeetingStatus,
    ReminderSent,
    RsvpStatus,
)
from ronda.coordination.services.common import full_clean, require
from ronda.core import audit, site
from ronda.core.errors import Errors, check_length
from ronda.core.services import VersionedUpdate, lock_for_update
from ronda.core.tenancy import SYSTEM, Acting, is_person
from ronda.notifications import ics
from ronda.notifications import services as outbox
from ronda.territory.selectors import time_zone_of

if TYPE_CHECKING:
    from ronda.accounts.models import User

GUEST_NAME_MAX = 200
REMINDER_MAX_DAYS = 30
REMINDERS_MAX = 4
# The changes of a convened meeting that its invitees are told about.
NOTIFIED_FIELDS = frozenset({"scheduled_at", "place", "mode", "link"})


def _require_manager(actor: Acting, meeting: Meeting) -> None:
    if is_person(actor):
        require(policies.can_manage_body(actor, meeting.body))


def _local_day(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.scheduled_at, zoneinfo.ZoneInfo(time_zone_of(meeting.body.org_unit))).date()


def _check_open(meeting: Meeting) -> None:
    """Invitees are called to a meeting still to come that takes place."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled: nobody can be called to it."))
    if meeting.scheduled_at <= timezone.now():
        raise ValidationError(_("This meeting has already taken place: call the invitees to a coming meeting."))


# --- Invitees ----------------------------------------------------------------------------------------
@transaction.atomic
def invite_members(
    *,
    actor: Acting,
    meeting: Meeting,
    members: Iterable[BodyMember] = (),
    commission: Commission | None = None,
) -> list[MeetingInvitation]:
    """Invite members of the body, and every member of ``commission`` who belongs to the body on the
    day of the meeting. Members already invited are left as they are; the new invitations."""
    _require_manager(actor, meeting)
    locked = lock_for_update(meeting, None)
    _check_open(locked)
    day = _local_day(locked)
    errors = Errors()
    chosen = list(members)
    for member in chosen:
        if member.body_id != locked.body_id:
            errors.add("members", _("Choose members of this body."))
            break
        if not member.is_active_on(day):
            errors.add(
                "members",
                _("%(name)s is not in the body on the day of the meeting.") % {"name": member.full_name},
            )
    if commission is not None:
        if commission.body_id != locked.body_id:
            errors.add("commission", _("Choose a commission of this body."))
        else:
            chosen += [m for m in commission.members.order_by("full_name") if m.is_active_on(day)]
    if not chosen and not errors:
        errors.add("members", _("Choose at least one member, or a commission."))
    errors.raise_if_any()
    invited = set(
        MeetingInvitation.objects.filter(meeting=locked, member__isnull=False).values_list("member_id", flat=True)
    )
    created = []
    for member in chosen:
        if member.pk in invited:
            continue
        invited.add(member.pk)
        invitation = MeetingInvitation(meeting=locked, member=member)
        invitation.save()
        audit.record_create(actor=actor, target=invitation, org_unit=locked.body.org_unit)
        created.append(invitation)
    return created


@transaction.atomic
def invite_guest(
    *, actor: Acting, meeting: Meeting, name: str, email: str, organisation: str = ""
) -> MeetingInvitation:
    """Invite someone who is not a member: staff of another area, or someone from outside."""
    _require_manager(actor, meeting)
    locked = lock_for_update(meeting, None)
    _check_open(locked)
    name, email, organisation = " ".join(name.split()), email.strip(), " ".join(organisation.split())
    errors = Errors()
    if not name:
        errors.add("guest_name", _("Give the guest's name."))
    check_length(errors, "guest_name", name, GUEST_NAME_MAX)
    check_length(errors, "guest_organisation", organisation, GUEST_NAME_MAX)
    if not email:
        errors.add("guest_email", _("Give the guest's e-mail: the convocation and the link to answer it go there."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("guest_email", _("This is not a valid e-mail address."))
        else:
            if MeetingInvitation.objects.filter(meeting=locked, guest_email__iexact=email).exists():
                errors.add("guest_email", _("A guest with this e-mail is already invited."))
    errors.raise_if_any()
    invitation = MeetingInvitation(meeting=locked, guest_name=name, guest_email=email, guest_organisation=organisation)
    full_clean(invitation, exclude=["member", "token_hash"])
    invitation.save()
    audit.record_create(actor=actor, target=invitation, org_unit=locked.body.org_unit)
    return invitation


@transaction.atomic
def remove_invitation(*, actor: Acting, invitation: MeetingInvitation) -> None:
    """Remove an invitee. One who already received the convocation of a coming meeting is told
    that they are no longer called (a cancellation of their invitation)."""
    meeting = invitation.meeting
    _require_manager(actor, meeting)
    locked = lock_for_update(meeting, None)
    invitation = lock_for_update(invitation, None)
    if invitation.sent_at is not None and locked.status != MeetingStatus.CANCELLED and _is_coming(locked):
        _email(actor, locked, invitation, Purpose.UNINVITED)
    audit.record_delete(actor=actor, target=invitation, org_unit=locked.body.org_unit)
    invitation.delete()


# --- The convocation ----------------------------------------------------------------------------------
@transaction.atomic
def send_convocation(*, actor: Acting, meeting: Meeting, base_url: str = "", again: bool = False) -> int:
    """E-mail the convocation, with its invitation, to every invitee who has not received it yet
    (``again``: to every invitee); how many e-mails were queued. The links are absolute: ``base_url``
    (the address the request was made to) when given, else ``settings.RONDA_SITE_URL``
    (``ronda.core.site``). The meeting records when it was convened."""
    _require_manager(actor, meeting)
    update = VersionedUpdate(meeting, None)
    locked = update.instance
    _check_open(locked)
    invitations = list(MeetingInvitation.objects.filter(meeting=locked).select_related("member__user"))
    if not invitations:
        raise ValidationError(_("Invite members or guests first: nobody is called to this meeting yet."))
    pending = invitations if again else [i for i in invitations if i.sent_at is None]
    if not pending:
        raise ValidationError(
            _("Every invitee has received the convocation. To send it to everyone once more, choose to send it again.")
        )
    now = timezone.now()
    update.apply({"convened_at": now})
    # The version moves on: the invitation's SEQUENCE is the meeting's version.
    update.save(actor=actor, org_unit=locked.body.org_unit, action=CoordinationAction.MEETING_CONVENED, touch=True)
    for invitation in pending:
        changes: dict[str, object] = {"sent_at": now}
        raw = ""
        if invitation.is_guest:
            # A new link each time it is sent: only the hash is kept, so an old link stops working.
            raw = policies_convocation.TOKEN_PREFIX + secrets.token_urlsafe(32)
            changes["token_hash"] = policies_convocation.hash_token(raw)
        sent = VersionedUpdate(invitation, None)
        sent.apply(changes)
        sent.save(actor=actor, org_unit=locked.body.org_unit)
        link = site.absolute_url(
            reverse("coordination:guest_rsvp", args=[raw])
            if raw
            else reverse("coordination:meeting_detail", args=[locked.pk]),
            base=base_url,
        )
        _email(actor, locked, sent.instance, Purpose.CONVOCATION, link=link)
    return len(pending)


# --- Answers ------------------------------------------------------------------------------------------
def _check_answer(meeting: Meeting, answer: str) -> None:
    if answer not in (RsvpStatus.YES, RsvpStatus.NO, RsvpStatus.MAYBE):
        raise ValidationError({"rsvp": _("Answer whether you will attend: yes, no or maybe.")})
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled: there is nothing to answer."))
    if meeting.scheduled_at <= timezone.now():
        raise ValidationError(_("This meeting has already taken place: the answer can no longer change."))


@transaction.atomic
def answer_invitation(*, actor: Acting, invitation: MeetingInvitation, answer: str) -> MeetingInvitation:
    """A member answers their own invitation (signed in)."""
    if is_person(actor):
        member = invitation.member
        require(member is not None and member.user_id == actor.user.pk)
    _check_answer(invitation.meeting, answer)
    update = VersionedUpdate(invitation, None)
    update.apply({"rsvp": answer, "rsvp_at": timezone.now()})
    update.save(actor=actor, org_unit=invitation.meeting.body.org_unit, action=CoordinationAction.INVITATION_ANSWERED)
    return update.instance


@transaction.atomic
def answer_guest_invitation(
    *, invitation: MeetingInvitation, answer: str, ip_address: str | None = None
) -> MeetingInvitation:
    """A guest answers through the private link of their convocation (``invitation`` came from
    ``policies_convocation.invitation_by_token``): nobody is signed in, the trail names a guest."""
    _check_answer(invitation.meeting, answer)
    locked = lock_for_update(invitation, None)
    before = audit.snapshot(locked, ("rsvp", "rsvp_at"))
    # Nobody signed in, so no versioned update (it needs a person): the row moves on by one version,
    # as any other write of it would.
    now = timezone.now()
    MeetingInvitation.objects.filter(pk=locked.pk).update(
        rsvp=answer, rsvp_at=now, version=F("version") + 1, updated_at=now
    )
    locked.refresh_from_db()
    audit.record(
        actor=None,
        actor_username="guest",
        action=CoordinationAction.INVITATION_ANSWERED,
        target=locked,
        org_unit=invitation.meeting.body.org_unit,
        changes=audit.diff(before, audit.snapshot(locked, ("rsvp", "rsvp_at"))),
        ip_address=ip_address,
    )
    return locked


# --- Changes of a convened meeting ----------------------------------------------------------------
def _is_coming(meeting: Meeting) -> bool:
    return meeting.scheduled_at > timezone.now()


def notify_invitees(*, actor: Acting, meeting: Meeting, fields: Iterable[str] = (), agenda: bool = False) -> int:
    """Called by the meeting services, in their transaction, after a change: when a convened meeting's
    date, place, mode or link (``fields``) or its agenda changed, or it was cancelled, every invitee
    who received the convocation gets the updated invitation (same UID, SEQUENCE the meeting's new
    version) or its cancellation. How many e-mails were queued; nothing before the convocation."""
    _require_manager(actor, meeting)
    if meeting.convened_at is None:
        return 0
    fields = set(fields)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    if cancelled and "status" not in fields:
        return 0  # a cancelled meeting was already announced as such
    # Back from a cancellation, the meeting is announced again; held is not news to its invitees.
    revived = "status" in fields and meeting.status == MeetingStatus.SCHEDULED
    if not cancelled and not (fields & NOTIFIED_FIELDS or agenda or revived):
        return 0
    if not cancelled and not _is_coming(meeting):
        return 0
    if agenda and not fields:
        # An agenda item is its own row: the meeting's version moves on so that calendars update.
        VersionedUpdate(meeting, None).save(actor=actor, org_unit=meeting.body.org_unit, touch=True)
        meeting.refresh_from_db()
    purpose = Purpose.CANCELLED if cancelled else Purpose.CHANGED
    invitations = MeetingInvitation.objects.filter(meeting=meeting, sent_at__isnull=False).select_related(
        "member__user"
    )
    count = 0
    for invitation in invitations:
        _email(actor, meeting, invitation, purpose)
        count += 1
    return count


# --- Reminders ------------------------------------------------------------------------------------
def clean_reminder_days(values: Iterable[int]) -> list[int]:
    """Distinct whole days between 1 and 30, at most four, the furthest first."""
    days = sorted(set(values), reverse=True)
    if len(days) > REMINDERS_MAX or any(not 1 <= d <= REMINDER_MAX_DAYS for d in days):
        raise ValidationError(
            {
                "reminder_days": _("Give at most %(count)d reminders, each between 1 and %(days)d days before.")
                % {"count": REMINDERS_MAX, "days": REMINDER_MAX_DAYS}
            }
        )
    return days


@transaction.atomic
def set_reminder_days(
    *, actor: Acting, body: CoordinationBody, expected_version: int | None, days: Iterable[int]
) -> CoordinationBody:
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    cleaned = clean_reminder_days(days)
    update = VersionedUpdate(body, expected_version)
    update.apply({"reminder_days": cleaned})
    update.save(actor=actor, org_unit=body.org_unit, action=CoordinationAction.REMINDERS_CHANGED)
    return update.instance


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders that are due (Ronda's own work, the periodic job): for each convened
    meeting still to come, each of its body's reminder days whose moment has come, once (a unique
    row per meeting and day: a second run, or two runs at once, send nothing more). A reminder
    whose moment had passed before the convocation went out is not sent (the convocation was it).
    How many e-mails were queued."""
    now = now or timezone.now()
    meetings = (
        Meeting.objects.select_related("body__org_unit")
        .filter(
            status=MeetingStatus.SCHEDULED,
            convened_at__isnull=False,
            scheduled_at__gt=now,
            scheduled_at__lte=now + dt.timedelta(days=REMINDER_MAX_DAYS),
        )
        .order_by("scheduled_at", "pk")
    )
    queued = 0
    for meeting in meetings:
        due = [d for d in meeting.body.reminder_days if meeting.scheduled_at - dt.timedelta(days=d) <= now]
        if due:
            queued += _remind(meeting, due, now)
    return queued


def _claim(meeting: Meeting, days: int, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(meeting=meeting, days_before=days, sent_at=now)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def _remind(meeting: Meeting, due: list[int], now: dt.datetime) -> int:
    claimed = [d for d in sorted(due) if _claim(meeting, d, now)]
    assert meeting.convened_at is not None
    convened_at = meeting.convened_at
    # Only the nearest of the reminders claimed now is sent (a job that was down does not send three).
    worth = [d for d in claimed if convened_at <= meeting.scheduled_at - dt.timedelta(days=d)]
    if not worth:
        return 0
    invitations = MeetingInvitation.objects.filter(meeting=meeting, sent_at__isnull=False).select_related(
        "member__user"
    )
    count = 0
    # The job has no request: the meeting's page is linked through the site's address. A guest's own
    # link cannot be rebuilt (only its hash is kept): their reminder points to the convocation e-mail.
    page = site.absolute_url(reverse("coordination:meeting_detail", args=[meeting.pk]))
    for invitation in invitations.exclude(rsvp=RsvpStatus.NO):
        _email(SYSTEM, meeting, invitation, Purpose.REMINDER, link=page)
        count += 1
    return count


# --- The e-mails ------------------------------------------------------------------------------------
class Purpose:
    CONVOCATION = "convocation"
    CHANGED = "changed"
    CANCELLED = "cancelled"
    UNINVITED = "uninvited"
    REMINDER = "reminder"


_KIND = {
    Purpose.CONVOCATION: kinds.KIND_CONVOCATION,
    Purpose.CHANGED: kinds.KIND_CHANGED,
    Purpose.CANCELLED: kinds.KIND_CANCELLED,
    Purpose.UNINVITED: kinds.KIND_CANCELLED,
    Purpose.REMINDER: kinds.KIND_REMINDER,
}


@dataclass(frozen=True)
class Recipient:
    user: User | None  # a Ronda user, or None (an address only)
    address: str
    name: str


def recipient_of(invitation: MeetingInvitation) -> Recipient:
    """A member with an active Ronda user is written to as that user (their choices apply); a guest,
    or a member without a user, at the address the coordinator gave."""
    member = invitation.member
    if member is None:
        return Recipient(None, invitation.guest_email, invitation.guest_name)
    user = member.user
    if user is not None and user.is_active:
        return Recipient(user, "" if user.email else member.email, member.full_name)
    return Recipient(None, member.email, member.full_name)


def language_of(recipient: Recipient) -> str:
    """The language an e-mail is written in: the recipient user's own, the site's for a guest or an
    address (``notifications.services.language_for``)."""
    return outbox.language_for(recipient.user)


def _organizer(body: CoordinationBody) -> tuple[str, str]:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return address or "no-reply@localhost", body.name


def _when(meeting: Meeting) -> str:
    zone = time_zone_of(meeting.body.org_unit)
    local = timezone.localtime(meeting.scheduled_at, zoneinfo.ZoneInfo(zone))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone})"


def _details(meeting: Meeting) -> list[str]:
    lines = [_("Date and time: %(when)s") % {"when": _when(meeting)}]
    lines.append(_("Mode: %(mode)s") % {"mode": meeting.get_mode_display()})
    if meeting.mode == MeetingMode.VIRTUAL and meeting.link:
        lines.append(_("Link: %(link)s") % {"link": meeting.link})
    if meeting.place:
        lines.append(_("Place: %(place)s") % {"place": meeting.place})
    if meeting.objectives:
        lines += ["", _("Objectives:"), meeting.objectives]
    agenda = [item.title for item in meeting.agenda.order_by("order", "id")]
    if agenda:
        lines += ["", _("Agenda:"), *(f"{n}. {title}" for n, title in enumerate(agenda, start=1))]
    return lines


def _texts(meeting: Meeting, purpose: str, recipient: Recipient, link: str, *, guest: bool) -> tuple[str, str]:
    names = {
        "kind": meeting.get_kind_display(),
        "body": meeting.body.name,
        "date": formats.date_format(_local_day(meeting), "SHORT_DATE_FORMAT"),
    }
    greeting = _("Dear %(name)s,") % {"name": recipient.name} if recipient.name else _("Hello,")
    if purpose == Purpose.CONVOCATION:
        subject = _("Convocation: %(kind)s meeting of %(body)s, %(date)s") % names
        lead = _("You are called to the %(kind)s meeting of %(body)s.") % names
        closing = [
            _("Please tell us whether you will attend: %(link)s") % {"link": link}
            if guest
            else _("Answer whether you will attend on the meeting's page in Ronda: %(link)s") % {"link": link},
            _("The invitation is attached: open it to add the meeting to your calendar."),
        ]
    elif purpose == Purpose.CHANGED:
        subject = _("Meeting changed: %(kind)s meeting of %(body)s, %(date)s") % names
        lead = _("The %(kind)s meeting of %(body)s you were called to has changed. This is how it stands now.") % names
        closing = [_("The updated invitation is attached: your calendar updates the meeting.")]
    elif purpose == Purpose.CANCELLED:
        subject = _("Meeting cancelled: %(kind)s meeting of %(body)s, %(date)s") % names
        lead = _("The %(kind)s meeting of %(body)s you were called to has been cancelled.") % names
        closing = [_("The attached cancellation removes it from your calendar.")]
    elif purpose == Purpose.UNINVITED:
        subject = _("You are no longer called: %(kind)s meeting of %(body)s, %(date)s") % names
        lead = _("You are no longer called to the %(kind)s meeting of %(body)s.") % names
        closing = [_("The attached cancellation removes it from your calendar.")]
    else:
        days = (_local_day(meeting) - timezone.localtime(timezone.now(), meeting_zone(meeting)).date()).days
        subject = _("Reminder: %(kind)s meeting of %(body)s, %(date)s") % names
        lead = (
            ngettext(
                "Reminder: the %(kind)s meeting of %(body)s is in %(days)d day.",
                "Reminder: the %(kind)s meeting of %(body)s is in %(days)d days.",
                days,
            )
            % {**names, "days": days}
            if days >= 1
            else _("Reminder: the %(kind)s meeting of %(body)s is today.") % names
        )
        if guest:
            closing = [_("To answer whether you will attend, or to change your answer, use your convocation's link.")]
        elif recipient.user is not None and link:
            closing = [_("The meeting's page in Ronda: %(link)s") % {"link": link}]
        else:
            closing = []
    if purpose in (Purpose.CANCELLED, Purpose.UNINVITED):
        details = [_("Date and time: %(when)s") % {"when": _when(meeting)}]
    else:
        details = _details(meeting)
    parts = [greeting, "", lead, "", *details]
    if closing:
        parts += ["", *closing]
    parts += ["", meeting.body.name]
    return subject, "\n".join(parts) + "\n"


def meeting_zone(meeting: Meeting) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(time_zone_of(meeting.body.org_unit))


def _email(actor: Acting, meeting: Meeting, invitation: MeetingInvitation, purpose: str, *, link: str = "") -> None:
    recipient = recipient_of(invitation)
    address = recipient.address or (recipient.user.email if recipient.user is not None else "")
    with translation.override(language_of(recipient)):
        subject, text = _texts(meeting, purpose, recipient, link, guest=invitation.is_guest)
        attachment = None
        if purpose != Purpose.REMINDER:
            method = ics.Method.CANCEL if purpose in (Purpose.CANCELLED, Purpose.UNINVITED) else ics.Method.REQUEST
            event = kinds.meeting_event(
                meeting,
                attendees=[(address, recipient.name)] if address else [],
                organizer=_organizer(meeting.body),
                cancelled=True if purpose == Purpose.UNINVITED else None,
            )
            attachment = outbox.Attachment(
                name="invitacion.ics" if method == ics.Method.REQUEST else "cancelacion.ics",
                mimetype=ics.invitation_type(method),
                content=ics.to_text(ics.calendar([event], method=method)),
            )
    outbox.queue_email(
        actor=actor,
        kind=_KIND[purpose],
        recipient=recipient.user,
        address=recipient.address,
        subject=subject,
        body=text,
        attachment=attachment,
        org_unit=meeting.body.org_unit,
    )


def record_guest_attendance(meeting: Meeting, attended: Mapping[int, bool | None]) -> None:
    """Part of ``record_attendance`` (which checked the actor and locked the meeting): which invited
    guests attended (invitation id -> True/False/None). An id that is not a guest of this meeting is refused."""
    guests = {i.pk: i for i in MeetingInvitation.objects.filter(meeting=meeting, member__isnull=True)}
    if set(attended) - set(guests):
        raise ValidationError({"guests_attended": _("Choose guests invited to this meeting.")})
    for pk, value in attended.items():
        if guests[pk].attended != value:
            MeetingInvitation.objects.filter(pk=pk).update(attended=value)
