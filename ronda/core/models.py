"""Shared kernel models: the audit trail and the access log.

Both tables are append-only. The model refuses updates and deletes, the queryset refuses
bulk updates and deletes, and on PostgreSQL a trigger refuses them at the database too
(see migration 0002). Nothing in the application code can edit or delete an audit row; at the
database, the trigger binds every role except a superuser and the tables' owner, so production
runs the application as a role that owns nothing (``manage.py grant_app_role``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ronda.core.fields import PathField


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A model that two people may edit at once: saves compare ``version`` (optimistic locking)."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class ImmutableRowError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRowError("Audit rows cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError("Audit rows cannot be deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableRowError("Audit rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError("Audit rows cannot be deleted")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    OTP_ENROLL = "otp_enroll", _("Two-factor enrolled")
    OTP_RESET = "otp_reset", _("Two-factor reset")
    TOKEN_ISSUE = "token_issue", _("API token issued")
    TOKEN_REVOKE = "token_revoke", _("API token revoked")
    MEMBERSHIP_SWITCH = "membership_switch", _("Active role switched")


class AuditEvent(AppendOnlyModel):
    """One write: who did what to which object, in which org unit, with old → new values.

    References are kept as plain values (ids, reprs, the org unit's path) with no database
    constraint, so the trail outlives the objects it speaks of and is never cascaded away.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    actor_role = models.CharField(_("actor role"), max_length=32, blank=True)
    # Plain text: each app registers the actions it writes (core.audit_actions), no core migration.
    action = models.CharField(_("action"), max_length=32, db_index=True)
    org_unit = models.ForeignKey(
        "territory.OrgUnit",
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    org_unit_path = PathField(_("org unit path"), max_length=255, blank=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_idx"),
            # A supervisor's trail: the subtree range, and its counts by date from the index alone.
            models.Index(fields=["org_unit_path", "created_at"], name="audit_path_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.target_repr}"

    def get_action_display(self) -> str:
        from ronda.core import audit_actions

        return audit_actions.label(self.action)


class AccessEvent(AppendOnlyModel):
    """One read of a child's personal record (written by the case modules' selectors)."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    actor_role = models.CharField(_("actor role"), max_length=32, blank=True)
    org_unit_path = PathField(_("org unit path"), max_length=255, blank=True)
    target_type = models.CharField(_("object type"), max_length=100, db_index=True)
    target_id = models.CharField(_("object id"), max_length=64)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    break_glass = models.BooleanField(_("break-glass access"), default=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-created_at", "-id"]
        indexes = [
            # "Who opened this file and when": one record's reads, newest first, from the index alone.
            models.Index(fields=["target_type", "target_id", "-created_at"], name="access_target_when_idx"),
            models.Index(fields=["org_unit_path", "created_at"], name="access_path_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} read {self.target_repr}"


class SubmittedForm(models.Model):
    """A form submission already handled: a second POST of the same form token is not applied again.

    The unique key makes the guard hold under concurrent double clicks too (the database refuses
    the second insert, or makes it wait for the first to commit). Rows are pruned after a day.
    """

    key = models.CharField(max_length=64, unique=True)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.key[:12]


class ScheduledJob(models.Model):
    """When a periodic job (``ronda.core.schedule``) runs next: one row per job, claimed by compare-and-set.

    A scheduler enqueues the job only if its ``UPDATE`` still finds the ``next_run_at`` it read, so
    two schedulers never enqueue the same run (see the module's docstring).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    # The schedule the next run was computed for ("every 900s", "daily 02:00 America/Guayaquil").
    spec = models.CharField(_("schedule"), max_length=100)
    next_run_at = models.DateTimeField(_("next run"))
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_task_id = models.CharField(_("last task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The document store's models live in their own module (imported here so that Django finds them).
from ronda.core.models_documents import Document as Document  # noqa: E402
from ronda.core.models_documents import DocumentVersion as DocumentVersion  # noqa: E402
