from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.models import TimeStampedModel
from ronda.core.roles import Role


class User(AbstractUser):
    # Contact data never enters the audit trail (it records that it changed, not what it was).
    PERSONAL_FIELDS = ("email",)
    NOT_PERSONAL = {
        "first_name": "staff names: who acted is what the audit trail is for",
        "last_name": "staff names: who acted is what the audit trail is for",
        "language": "a choice of interface language (es, en): the trail shows it changed from one to the other",
    }
    # Demo users exist only on demo installations: production refuses to start while any exists.
    is_demo = models.BooleanField(_("demo user"), default=False)
    # The language of the person's e-mails and of their pages from their next sign-in; blank: the site's.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)


class Membership(TimeStampedModel):
    """A user acting with one role within one org unit (and optionally one area or institution)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Null only for administrators, whose scope is the whole deployment.
    org_unit = models.ForeignKey(
        "territory.OrgUnit",
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    area = models.ForeignKey(
        "territory.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "territory.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN) | Q(org_unit__isnull=False), name="membership_scope_required"
            ),
            # An area focal point acts for an area of the municipality, or for an allied institution
            # (a Junta Cantonal's liaison, a school's director: issue #13 item 6), or both.
            models.CheckConstraint(
                condition=~Q(role=Role.AREA_FOCAL) | Q(area__isnull=False) | Q(institution__isnull=False),
                name="membership_focal_needs_area_or_institution",
            ),
            # NULLs are distinct in SQL unique indexes, so the three shapes get one constraint each.
            models.UniqueConstraint(fields=["user", "role", "org_unit", "area"], name="membership_unique_with_area"),
            models.UniqueConstraint(
                fields=["user", "role", "org_unit"],
                condition=Q(area__isnull=True),
                name="membership_unique_without_area",
            ),
            models.UniqueConstraint(fields=["user"], condition=Q(role=Role.ADMIN), name="membership_one_admin"),
        ]

    def __str__(self) -> str:
        where = self.org_unit.name if self.org_unit_id and self.org_unit else _("all territories")
        label = f"{self.get_role_display()} · {where}"
        if self.area_id and self.area:
            label += f" · {self.area.name}"
        return label


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(TimeStampedModel):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    name = models.CharField(_("name"), max_length=100, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # A token issued after a valid TOTP code carries the second factor with it.
    otp_verified = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


def default_token_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.RONDA_API_TOKEN_DAYS)


class ThrottleEvent(models.Model):
    """One event counted by sign-in throttling: a failed sign-in or a password-reset request.

    Operational data, not the audit trail: rows older than a day are pruned. The account is kept as
    an HMAC of the normalised username or e-mail, never as typed (people type passwords into the
    username box), and the address only once validated (``ronda.core.http.client_ip``).
    """

    class Kind(models.TextChoices):
        SIGN_IN_FAILURE = "signin", _("Failed sign-in")
        RESET_REQUEST = "reset", _("Password reset request")

    NOT_PERSONAL = {"ip_address": "kept a day for throttling, never shown"}

    kind = models.CharField(max_length=8, choices=Kind.choices)
    account_key = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "account_key", "created_at"], name="throttle_account_idx"),
            models.Index(fields=["kind", "ip_address", "created_at"], name="throttle_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class AccountsAction(models.TextChoices):
    """Audit actions this app writes besides the kernel's (registered in ``AccountsConfig.ready``)."""

    BREAK_GLASS_OPEN = "break_glass_open", _("Break-glass access opened")
    BREAK_GLASS_CLOSE = "break_glass_close", _("Break-glass access closed")
    USER_DEACTIVATED = "user_deactivated", pgettext_lazy("audit action", "User deactivated")
    USER_REACTIVATED = "user_reactivated", pgettext_lazy("audit action", "User reactivated")
    MEMBERSHIP_DEACTIVATED = "membership_deactivated", pgettext_lazy("audit action", "Role withdrawn")
    MEMBERSHIP_REACTIVATED = "membership_reactivated", pgettext_lazy("audit action", "Role given back")
    LANGUAGE_CHANGED = "language_changed", pgettext_lazy("audit action", "Language changed")


class BreakGlassGrant(models.Model):
    """An administrator's time-boxed, stated reason to read children's personal data in one unit.

    Administrators configure Ronda; they do not read children's records. When they must (a
    supervisor is unreachable and a child's safety depends on it, a court order, a data-subject
    request), they open a grant: a reason, a unit, at most ``RONDA_BREAK_GLASS_MAX_MINUTES``.
    Opening and closing it are audited, every read during it is logged with ``break_glass``, and
    the supervisors of that unit see it. A grant is never edited: it ends by expiry or by closing.
    """

    user = models.ForeignKey(User, verbose_name=_("administrator"), on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.org_unit} · {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.ended_at is None and self.started_at <= now < self.expires_at
