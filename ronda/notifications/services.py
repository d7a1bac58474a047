"""The writes of notifications: queueing e-mails, a person's choices, their calendar feeds.

Every other app sends e-mail through ``queue_email``, inside its own transaction; nothing else in
Ronda builds an ``EmailMessage``. Decision 0027.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit, site
from ronda.core.tenancy import Acting, Actor, is_person
from ronda.notifications import delivery, kinds, policies, selectors
from ronda.notifications.models import (
    CalendarFeed,
    EmailStatus,
    NotificationPreference,
    NotificationsAction,
    OutgoingEmail,
)

if TYPE_CHECKING:
    from ronda.accounts.models import User
    from ronda.territory.models import OrgUnit

TOKEN_PREFIX = "cal_"  # noqa: S105 - a prefix that tells a feed token apart, not a secret
SUBJECT_LIMIT = 255


@dataclass(frozen=True)
class Attachment:
    """One text attachment (an invitation's .ics): its file name, MIME type and text."""

    name: str
    mimetype: str
    content: str


def language_for(user: User | None) -> str:
    """The language of an e-mail to ``user``: their own (``User.language``), or the site's for a person
    who chose none and for an address outside Ronda (a guest). Every e-mail is written inside
    ``translation.override(language_for(recipient))``: its subject, its text and its attachment."""
    return site.language_or_site(user.language if user is not None else "")


def wants(user: User, kind: str) -> bool:
    """Whether ``user`` wants e-mails of ``kind`` (their choice, or the kind's default)."""
    declared = kinds.get_kind(kind)
    choices = selectors.choices_of(user)
    if declared.digest and not choices.get(kinds.WEEKLY_DIGEST, True):
        return False
    return choices.get(declared.key, declared.default)


@transaction.atomic
def queue_email(
    *,
    actor: Acting,
    kind: str,
    subject: str,
    body: str,
    recipient: User | None = None,
    address: str = "",
    attachment: Attachment | None = None,
    org_unit: OrgUnit | None = None,
) -> OutgoingEmail:
    """Record an e-mail in the outbox and send it when the caller's transaction commits.

    ``recipient`` is a Ronda user (their address and choices apply); ``address`` alone writes to
    someone outside Ronda. An e-mail its recipient does not want, or that has no address, is
    recorded as skipped, never silently dropped (its text is not kept: it will never be needed).
    ``subject`` must name no child: it is not redacted
    from the trail.
    """
    # A forgotten actor (None) is a TypeError here; Ronda itself (SYSTEM) and people both queue,
    # each after its own policy decided who may be written to.
    is_person(actor)
    declared = kinds.get_kind(kind)  # an undeclared kind is a programming error
    to = (address or (recipient.email if recipient is not None else "")).strip()
    reason = ""
    if recipient is not None and not recipient.is_active:
        reason = _("The recipient's account is deactivated.")
    elif not to:
        reason = _("The recipient has no e-mail address.")
    elif recipient is not None and not wants(recipient, declared.key):
        reason = _("The recipient turned this kind of notification off.")
    email = OutgoingEmail(
        recipient=recipient,
        address=to,
        subject=subject[:SUBJECT_LIMIT],
        body="" if reason else body,
        kind=declared.key,
        org_unit=org_unit,
        status=EmailStatus.SKIPPED if reason else EmailStatus.QUEUED,
        next_attempt_at=None if reason else timezone.now(),
        last_error=reason,
    )
    if attachment is not None and not reason:
        email.attachment_name = attachment.name[:100]
        email.attachment_mimetype = attachment.mimetype[:100]
        email.attachment_content = attachment.content
    email.save()
    audit.record_create(actor=actor, target=email, org_unit=org_unit)
    if not reason:
        delivery.enqueue_on_commit(email)
    return email


@transaction.atomic
def retry_email(*, actor: Actor, email: OutgoingEmail) -> OutgoingEmail:
    """An administrator sends a failed e-mail once more, now."""
    if not policies.can_manage_outbox(actor):
        raise PermissionDenied
    locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
    if locked.status != EmailStatus.FAILED:
        raise ValidationError(_("Only a failed e-mail can be sent again."))
    before = audit.snapshot(locked, ("status", "next_attempt_at"))
    locked.status = EmailStatus.QUEUED
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["status", "next_attempt_at"])
    audit.record(
        actor=actor,
        action=NotificationsAction.EMAIL_REQUEUED,
        target=locked,
        org_unit=locked.org_unit,
        changes=audit.diff(before, audit.snapshot(locked, ("status", "next_attempt_at"))),
    )
    delivery.enqueue_on_commit(locked)
    return locked


@transaction.atomic
def set_preferences(*, actor: Actor, choices: Mapping[str, bool], language: str | None = None) -> int:
    """Store the actor's choices (kind key or ``WEEKLY_DIGEST`` → wanted) and, given, the language of
    their e-mails ('' for the site's; the accounts service stores and audits it); how many changed."""
    known = {kind.key for kind in kinds.all_kinds()} | {kinds.WEEKLY_DIGEST}
    unknown = set(choices) - known
    if unknown:
        raise ValidationError(_("Unknown kind of notification."))
    changed = 0
    if language is not None and site.save_language(actor=actor, language=language):
        changed += 1
    existing = {pref.kind: pref for pref in NotificationPreference.objects.filter(user=actor.user)}
    for key, wanted in sorted(choices.items()):
        pref = existing.get(key)
        if pref is None:
            pref = NotificationPreference.objects.create(user=actor.user, kind=key, enabled=bool(wanted))
            audit.record_create(actor=actor, target=pref, org_unit=None)
            changed += 1
        elif pref.enabled != bool(wanted):
            before = audit.snapshot(pref, ("enabled",))
            pref.enabled = bool(wanted)
            pref.save(update_fields=["enabled", "updated_at"])
            audit.record_update(actor=actor, target=pref, org_unit=None, before=before)
            changed += 1
    return changed


# --- Calendar feeds -------------------------------------------------------------------------------
def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def create_feed(*, actor: Actor, kind: str, object_id: int | None = None) -> tuple[CalendarFeed, str]:
    """A new private feed of the actor; the raw token is returned once and never stored."""
    feed = kinds.get_feed(kind)
    if feed is None or not feed.concerns(selectors.roles_of(actor.user)):
        raise ValidationError({"kind": _("Choose one of the calendars offered.")})
    if feed.objects is not None:
        allowed = {pk for pk, _label in feed.objects(actor)}
        if object_id not in allowed:
            raise ValidationError({"object_id": _("Choose one of the calendars offered.")})
    elif object_id is not None:
        raise ValidationError({"object_id": _("This calendar is not kept per body.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    created = CalendarFeed.objects.create(
        user=actor.user, kind=feed.key, object_id=object_id, token_hash=hash_token(raw), prefix=raw[:10]
    )
    audit.record(actor=actor, action=NotificationsAction.FEED_CREATED, target=created, org_unit=None)
    return created, raw


@transaction.atomic
def revoke_feed(*, actor: Actor, feed: CalendarFeed) -> None:
    if feed.user_id != actor.user.pk:
        raise PermissionDenied
    if feed.revoked_at is None:
        now = timezone.now()
        CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=now)
        feed.revoked_at = now
        audit.record(
            actor=actor,
            action=NotificationsAction.FEED_REVOKED,
            target=feed,
            org_unit=None,
            changes={"revoked_at": [None, now]},
        )


class FeedGone(Exception):
    """The token names no feed that works: unknown, revoked, or its person deactivated."""

    def __init__(self, *, revoked: bool) -> None:
        super().__init__("revoked" if revoked else "unknown")
        self.revoked = revoked


LAST_USED_EVERY = dt.timedelta(minutes=5)


def use_feed(*, token: str, ip_address: str | None) -> CalendarFeed:
    """The active feed of ``token`` (its last use stamped), or ``FeedGone``; a revoked token's use is audited.

    Only the token's SHA-256 is looked up, and compared again in constant time: the hash of a guess
    is what the database compares, so its timing says nothing about a real token (a 256-bit token is
    not guessed in any case).
    """
    digest = hash_token(token)
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=digest).first()
    if feed is None or not hmac.compare_digest(feed.token_hash, digest):
        raise FeedGone(revoked=False)
    if feed.revoked_at is not None:
        audit.record(
            actor=None,
            actor_username="anonymous",
            action=NotificationsAction.FEED_REVOKED_USE,
            target=feed,
            org_unit=None,
            ip_address=ip_address,
        )
        raise FeedGone(revoked=True)
    if not feed.user.is_active:
        raise FeedGone(revoked=False)
    now = timezone.now()
    # Stamped every few minutes at most: a calendar client polls, and each poll need not write.
    if feed.last_used_at is None or now - feed.last_used_at >= LAST_USED_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now
    return feed
