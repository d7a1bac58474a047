"""Delivering the outbox: one e-mail at a time, through Django's e-mail backend, at most once.

- **Claimed before it is sent.** ``deliver`` moves a queued row to ``sending`` with a
  compare-and-set ``UPDATE … WHERE status = 'queued' AND next_attempt_at <= now``: of two workers
  given the same row (the on-commit job and the sweep, say), exactly one updates it and sends; the
  other finds nothing to do. A row already sent is never sent again.
- **Retried with backoff.** A failure (the SMTP server down, a refused connection) records the
  error, and the row waits 5 minutes, then 30, 2 hours and 12 hours; the fifth failure marks it
  failed for good, and an administrator may send it again from the outbox page.
- **At most once, not at least once.** A worker killed between the claim and the answer of the
  SMTP server leaves the row in ``sending``: nobody knows whether it left. After
  ``STALE_SENDING`` the sweep marks it failed with that explanation instead of sending it again.

``deliver_email`` is the job the outbox enqueues on commit; ``retry_due_emails`` (in
``schedules``) is the periodic sweep. Both are Ronda's own work (plain tasks, decision 0016): who
receives what was decided, with the sender's policy, when the row was queued.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ronda.core import audit
from ronda.notifications.models import EmailStatus, NotificationsAction, OutgoingEmail

logger = logging.getLogger("ronda.notifications")

# The wait after the 1st, 2nd, 3rd and 4th failure; the 5th is final.
BACKOFF = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
STALE_SENDING = dt.timedelta(hours=1)
SWEEP_BATCH = 200
ERROR_LIMIT = 1000
TRACKED = ("status", "attempts", "next_attempt_at", "last_error", "sent_at")


def _message(email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.address],
    )
    if email.attachment_name:
        message.attach(email.attachment_name, email.attachment_content, email.attachment_mimetype or "text/plain")
    return message


def _finish(email: OutgoingEmail, action: str, before: dict[str, object], **changes: object) -> bool:
    """Move a row out of ``sending`` (only if it is still in the claim this process made) and audit it."""
    with transaction.atomic():
        moved = OutgoingEmail.objects.filter(
            pk=email.pk, status=EmailStatus.SENDING, claimed_at=email.claimed_at
        ).update(**changes)
        if not moved:
            return False
        for name, value in changes.items():
            setattr(email, name, value)
        audit.record(
            actor=None,
            action=action,
            target=email,
            org_unit=email.org_unit,
            changes=audit.diff(before, audit.snapshot(email, TRACKED)),
        )
    return True


def deliver(email_id: int, *, now: dt.datetime | None = None) -> bool:
    """Send the queued e-mail ``email_id`` if its time has come and nobody else took it; True if sent."""
    now = now or timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.QUEUED, next_attempt_at__lte=now).update(
        status=EmailStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now
    )
    if not claimed:
        return False
    email = OutgoingEmail.objects.select_related("org_unit").get(pk=email_id)
    before = audit.snapshot(email, TRACKED)
    before["status"] = EmailStatus.QUEUED
    try:
        connection = get_connection(fail_silently=False)
        message = _message(email)
        message.connection = connection
        message.send()
    except Exception as exc:  # any backend's failure: the row says what, the sweep tries again
        error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
        # Ids only in the log: the address is personal, the row has the error.
        logger.warning("e-mail %s: attempt %s failed (%s)", email.pk, email.attempts, type(exc).__name__)
        if email.attempts >= MAX_ATTEMPTS:
            _finish(
                email,
                NotificationsAction.EMAIL_FAILED,
                before,
                status=EmailStatus.FAILED,
                next_attempt_at=None,
                claimed_at=None,
                last_error=error,
            )
        else:
            _finish(
                email,
                NotificationsAction.EMAIL_RETRY,
                before,
                status=EmailStatus.QUEUED,
                next_attempt_at=now + BACKOFF[email.attempts - 1],
                claimed_at=None,
                last_error=error,
            )
        return False
    _finish(
        email,
        NotificationsAction.EMAIL_SENT,
        before,
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        claimed_at=None,
        last_error="",
    )
    return True


@task()
def deliver_email(email_id: int) -> bool:
    """The job ``queue_email`` enqueues on commit."""
    return deliver(email_id)


def enqueue_on_commit(email: OutgoingEmail) -> None:
    """Enqueue the delivery when the caller's transaction commits: a rollback sends nothing."""
    pk = email.pk
    transaction.on_commit(lambda: deliver_email.enqueue(pk))


def give_up_stale(*, now: dt.datetime) -> int:
    """Rows left in ``sending`` by a worker that died: failed, never sent again by themselves."""
    stale = list(
        OutgoingEmail.objects.filter(status=EmailStatus.SENDING, claimed_at__lt=now - STALE_SENDING).select_related(
            "org_unit"
        )[:SWEEP_BATCH]
    )
    for email in stale:
        before = audit.snapshot(email, TRACKED)
        _finish(
            email,
            NotificationsAction.EMAIL_FAILED,
            before,
            status=EmailStatus.FAILED,
            next_attempt_at=None,
            claimed_at=None,
            last_error=_(
                "Interrupted while sending: it may or may not have been delivered. Check with the recipient "
                "before sending it again."
            ),
        )
    return len(stale)


def retry_due(*, now: dt.datetime | None = None) -> int:
    """Send every queued e-mail whose time has come (a batch at a time); how many were sent."""
    now = now or timezone.now()
    give_up_stale(now=now)
    due = list(
        OutgoingEmail.objects.filter(status=EmailStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(1 for pk in due if deliver(pk, now=now))
