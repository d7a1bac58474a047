"""Who sees and answers the invitations of a meeting (issue #13 item 2), beside ``policies``.

- The invitees of a meeting (names, organisations, answers) are read by whoever reads the meeting;
  a guest's e-mail only by who manages the body (the coordinator, an administrator).
- The coordinator invites, removes and convenes (``policies.can_manage_body``).
- A member answers their own invitation, signed in, on the meeting's page; a guest answers through
  the private link of the convocation (the token is the credential, only its SHA-256 is stored).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from ronda.coordination import policies
from ronda.coordination.models import Meeting, MeetingInvitation, ReminderSent
from ronda.core.tenancy import Actor, get_object_or_404_scoped

if TYPE_CHECKING:
    from ronda.accounts.models import User

TOKEN_PREFIX = "inv_"  # noqa: S105 - tells an invitation token apart, not a secret
TOKEN_LIMIT = 100


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def visible_invitations(actor: Actor | None) -> QuerySet[MeetingInvitation]:
    return MeetingInvitation.objects.select_related("member__area", "member__institution", "meeting__body").filter(
        meeting__in=policies.visible_meetings(actor)
    )


def visible_reminders(actor: Actor | None) -> QuerySet[ReminderSent]:
    """The reminders sent for the meetings the actor sees."""
    return ReminderSent.objects.filter(meeting__in=policies.visible_meetings(actor).values("pk"))


def invitations_of(actor: Actor | None, meeting: Meeting) -> QuerySet[MeetingInvitation]:
    """The invitees of ``meeting`` (which the caller reached through ``policies.get_meeting``)."""
    return visible_invitations(actor).filter(meeting=meeting)


def can_see_guest_contacts(actor: Actor | None, meeting: Meeting) -> bool:
    """A guest's e-mail is shown to who convenes, not to every member."""
    return policies.can_manage_body(actor, meeting.body)


def get_invitation_for_edit(actor: Actor, pk: object, *, meeting: Meeting) -> MeetingInvitation:
    """An invitation of ``meeting`` (from ``policies.get_meeting_for_edit``) the actor may remove."""
    invitation = get_object_or_404_scoped(invitations_of(actor, meeting), pk=pk)
    if not policies.can_manage_body(actor, meeting.body):
        raise Http404
    return invitation


def own_invitation(actor: Actor | None, meeting: Meeting) -> MeetingInvitation | None:
    """The invitation of the member of the body this signed-in person is, if they were invited."""
    if actor is None or actor.membership is None:
        return None
    return (
        MeetingInvitation.objects.select_related("member")
        .filter(meeting=meeting, member__user=actor.user)
        .order_by("id")
        .first()
    )


def own_among(actor: Actor | None, invitations: list[MeetingInvitation]) -> MeetingInvitation | None:
    """``own_invitation`` picked from a meeting's invitations already read (no query)."""
    if actor is None or actor.membership is None:
        return None
    return next((i for i in invitations if i.member is not None and i.member.user_id == actor.user.pk), None)


def can_record_some_rsvp(actor: Actor | None) -> bool:
    """The module-level check of the member's answer: whoever opens a body may have been invited."""
    return policies.can_open_body(actor)


def get_invitation_to_answer(actor: Actor, pk: object) -> MeetingInvitation:
    """The actor's own invitation to the meeting ``pk`` (not invited, or a meeting they do not see: 404)."""
    meeting = policies.get_meeting(actor, pk)
    invitation = own_invitation(actor, meeting)
    if invitation is None:
        raise Http404
    return invitation


def invitation_by_token(token: str) -> MeetingInvitation | None:
    """The guest invitation a private link names, or None. Only the token's hash is looked up, and
    compared again in constant time (as for calendar feeds, decision 0027)."""
    if not token or len(token) > TOKEN_LIMIT:
        return None
    digest = hash_token(token)
    invitation = (
        MeetingInvitation.objects.select_related("meeting__body__org_unit")
        .filter(token_hash=digest, member__isnull=True)
        .first()
    )
    if invitation is None or invitation.token_hash is None or not hmac.compare_digest(invitation.token_hash, digest):
        return None
    return invitation


def meetings_invited_to(user: User) -> QuerySet[Meeting]:
    """The meetings a person was invited to as a member of a body (for their own calendar)."""
    return Meeting.objects.select_related("body__org_unit").filter(invitations__member__user=user).distinct()
