"""Safeguarding in the municipality (issue #13 item 4, seed 001): the approved protocol and code of
conduct (every version kept), the staff designated as safeguarding contacts, the register of the
staff who work directly with children and signed the protocol, and the confidential log of concerns
about how staff treat children.

The concerns are the sensitive part: what was reported and about whom. Their texts are personal
fields (redacted from the audit trail), and only the municipality's coordinator and its designated
contacts read them (``policies``); every read is an access event.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import TimeStampedModel, VersionedModel

DEFAULT_RENEWAL_MONTHS = 12


class SafeguardingAction(models.TextChoices):
    """The safeguarding app's own audit actions, besides the kernel's create, update and delete."""

    DOCUMENT_APPROVED = (
        "safeguarding_document_approved",
        pgettext_lazy("audit action", "Safeguarding document approved"),
    )
    CONTACT_ENDED = "safeguarding_contact_ended", pgettext_lazy("audit action", "Safeguarding contact withdrawn")
    CONCERN_CLOSED = "safeguarding_concern_closed", pgettext_lazy("audit action", "Safeguarding concern closed")
    CONCERN_READ_REFUSED = (
        "safeguarding_concern_refused",
        pgettext_lazy("audit action", "Safeguarding concern: read refused"),
    )


class SafeguardingSettings(VersionedModel):
    """What a municipality decides about its register: how often a signature must be renewed."""

    municipality = models.OneToOneField(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    renewal_months = models.PositiveSmallIntegerField(_("renewal interval (months)"), default=DEFAULT_RENEWAL_MONTHS)

    class Meta:
        verbose_name = _("safeguarding settings")
        verbose_name_plural = _("safeguarding settings")

    def __str__(self) -> str:
        return gettext("Safeguarding settings %(number)s") % {"number": self.pk}


class DocumentKind(models.TextChoices):
    PROTOCOL = "protocol", _("Safeguarding protocol")
    CODE_OF_CONDUCT = "code", _("Code of conduct")


def document_path(instance: SafeguardingDocument, filename: str) -> str:
    # Random names: an uploaded file's name never reaches the disk or a URL.
    return f"safeguarding/{uuid.uuid4().hex}"


class SafeguardingDocument(TimeStampedModel):
    """One approved version of the protocol or of the code of conduct. Versions are never edited:
    a new approval is a new row, and the current one is the latest approved."""

    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("document"), max_length=10, choices=DocumentKind.choices)
    edition = models.CharField(_("version"), max_length=40)
    approved_on = models.DateField(_("approved on"))
    approving_act = models.CharField(
        _("approving act"), max_length=255, help_text=_("The resolution, ordinance or minutes that approved it.")
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("safeguarding document")
        verbose_name_plural = _("safeguarding documents")
        ordering = ["kind", "-approved_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind", "edition"], name="safeguarding_one_row_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.edition}"


class SafeguardingContact(VersionedModel):
    """A Ronda user of the municipality designated as a safeguarding contact, with their role in the
    protocol (focal point, deputy …). Withdrawn contacts are kept, inactive."""

    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    protocol_role = models.CharField(_("role in the protocol"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("safeguarding contact")
        verbose_name_plural = _("safeguarding contacts")
        ordering = ["-active", "protocol_role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "user"],
                condition=models.Q(active=True),
                name="safeguarding_one_active_contact_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.protocol_role


class Employment(models.TextChoices):
    STAFF = "staff", _("Municipal staff")
    SUBCONTRACTED = "subcontracted", _("Subcontracted staff")


class Signature(VersionedModel):
    """Someone who works directly with children signed the protocol (and the code of conduct)."""

    # An adult worker's name in an internal register: kept out of the audit trail.
    PERSONAL_FIELDS = ("full_name",)

    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    employment = models.CharField(_("employment"), max_length=16, choices=Employment.choices)
    area = models.ForeignKey(
        "territory.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    company = models.CharField(_("company"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    renewal_due = models.DateField(_("renewal due"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("protocol signature")
        verbose_name_plural = _("protocol signatures")
        ordering = ["renewal_due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(renewal_due__gt=models.F("signed_on")), name="safeguarding_renewal_after_signing"
            )
        ]

    def __str__(self) -> str:
        # Not the name: __str__ ends up in audit rows and logs.
        return gettext("Signature %(number)s") % {"number": self.pk}


class ConcernStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("concern status", "Open")
    REFERRED = "referred", pgettext_lazy("concern status", "Referred")
    CLOSED = "closed", pgettext_lazy("concern status", "Closed")


class Concern(VersionedModel):
    """A concern about the treatment of children by staff, as it was raised, and what was done."""

    PERSONAL_FIELDS = ("raised_by", "description", "concerned", "actions")

    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField(_("raised on"))
    raised_by = models.CharField(_("raised by"), max_length=200)
    description = models.TextField(_("concern"))
    concerned = models.CharField(_("who is concerned"), max_length=500, blank=True)
    actions = models.TextField(_("actions taken"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN)
    referred_to = models.ForeignKey(
        "territory.Institution",
        verbose_name=_("referred to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("safeguarding concern")
        verbose_name_plural = _("safeguarding concerns")
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        # Nothing of the concern itself: __str__ ends up in audit and access rows.
        return gettext("Concern %(number)s") % {"number": self.pk}
