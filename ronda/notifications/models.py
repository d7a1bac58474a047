"""The outbox of e-mails, each person's notification choices and their private calendar feeds.

Generic infrastructure, below every domain: a domain names its kinds of notification (its own
``notifications.py``, see ``ronda.notifications.kinds``) and calls ``services.queue_email``; it never
sends mail itself. Decision 0027.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationsAction(models.TextChoices):
    """The audit actions of the outbox and the feeds, besides the kernel's create and update."""

    EMAIL_SENT = "email_sent", pgettext_lazy("audit action", "E-mail sent")
    EMAIL_RETRY = "email_retry_scheduled", pgettext_lazy("audit action", "E-mail retry scheduled")
    EMAIL_FAILED = "email_failed", pgettext_lazy("audit action", "E-mail failed")
    EMAIL_REQUEUED = "email_requeued", pgettext_lazy("audit action", "E-mail sent again by hand")
    FEED_CREATED = "calendar_feed_created", pgettext_lazy("audit action", "Calendar feed created")
    FEED_REVOKED = "calendar_feed_revoked", pgettext_lazy("audit action", "Calendar feed revoked")
    FEED_REVOKED_USE = "calendar_feed_revoked_use", pgettext_lazy("audit action", "Revoked calendar feed used")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("e-mail", "Queued")
    SENDING = "sending", pgettext_lazy("e-mail", "Sending")
    SENT = "sent", pgettext_lazy("e-mail", "Sent")
    FAILED = "failed", pgettext_lazy("e-mail", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("e-mail", "Cancelled")
    # Recorded, not sent: the recipient turned this kind off, or has no address.
    SKIPPED = "skipped", pgettext_lazy("e-mail", "Not sent (by the recipient's choice)")


class OutgoingEmail(models.Model):
    """One e-mail Ronda sends: the row is written with the work that asks for it and is the log of
    what was sent, when, and why not. Delivered by a job (``notifications.delivery``)."""

    # Who it goes to and what it says are the recipient's business: the trail records that an
    # e-mail was queued and sent, never its address or text (an error may quote the address).
    PERSONAL_FIELDS = ("address", "body", "attachment_content", "last_error")
    # The subject is not redacted: apps write it for many recipients, and it must name no child.

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_emails",
    )
    address = models.EmailField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    attachment_name = models.CharField(_("attachment"), max_length=100, blank=True)
    attachment_mimetype = models.CharField(_("attachment type"), max_length=100, blank=True)
    attachment_content = models.TextField(_("attachment content"), blank=True)
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    # The org unit the message is about, when it is about one: its supervisors see the audit events.
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("org unit"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(_("status"), max_length=16, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The retry sweep: queued rows whose time has come.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["recipient", "created_at"], name="outbox_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class NotificationPreference(models.Model):
    """One person's choice for one kind of notification (no row: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    # A registered kind's key, or WEEKLY_DIGEST: the master switch of every digest kind.
    kind = models.CharField(_("kind"), max_length=100)
    enabled = models.BooleanField(_("wanted"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}={self.enabled}"


class CalendarFeed(models.Model):
    """A private calendar address (``/notificaciones/calendario/<token>.ics``): the token is the
    credential, so only its SHA-256 is stored, and it can be revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    kind = models.CharField(_("calendar"), max_length=100)
    object_id = models.PositiveBigIntegerField(_("object"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=12)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
