"""Gatekeeping and placements (issue #12, items 3 and 4).

Every entry into alternative care (any setting but the family of origin) needs a gatekeeping record:
the alternatives considered, why they were not enough (necessity), why this setting fits the child
(suitability), who decided. An emergency entry may come first: its record is created pending, due a
few days after the entry (``due_on``), and completed later. A child under three entering residential
care needs an exceptional justification approved by a supervisor.

A child's placements never overlap (the services check it under the file's row lock); the current
placement is the one without an end.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import VersionedModel


class CareSetting(models.TextChoices):
    FAMILY_OF_ORIGIN = "family_of_origin", _("Family of origin")
    KINSHIP = "kinship", _("Extended-family (kinship) foster care")
    VOLUNTARY_FOSTER = "voluntary_foster", _("Voluntary foster family")
    PROFESSIONAL_FOSTER = "professional_foster", _("Professional foster family")
    RESIDENTIAL = "residential", _("Residential care (CAS)")
    PRE_ADOPTIVE = "pre_adoptive", _("Pre-adoptive family")
    ADOPTIVE = "adoptive", _("Adoptive family")
    INDEPENDENT_LIVING = "independent_living", _("Supervised independent living")


# Settings that are alternative care (an entry into them needs gatekeeping).
ALTERNATIVE_CARE = frozenset(set(CareSetting) - {CareSetting.FAMILY_OF_ORIGIN, CareSetting.ADOPTIVE})
FAMILY_BASED = frozenset(
    {CareSetting.KINSHIP, CareSetting.VOLUNTARY_FOSTER, CareSetting.PROFESSIONAL_FOSTER, CareSetting.PRE_ADOPTIVE}
)
FOSTER_SETTINGS = frozenset({CareSetting.KINSHIP, CareSetting.VOLUNTARY_FOSTER, CareSetting.PROFESSIONAL_FOSTER})


class Alternative(models.TextChoices):
    FAMILY_SUPPORT = "family_support", _("Support to the family of origin")
    KINSHIP = "kinship", _("Care by the extended family")
    FOSTER_FAMILY = "foster_family", _("A foster family")
    COMMUNITY_SUPPORT = "community_support", _("Community support network")
    OTHER = "other", pgettext_lazy("alternative", "Other")


class GatekeepingStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("gatekeeping", "Pending (emergency entry)")
    COMPLETE = "complete", pgettext_lazy("gatekeeping", "Complete")


class Gatekeeping(VersionedModel):
    """The decision that a child needs alternative care, and this kind of care (the "entry door")."""

    PERSONAL_FIELDS = ("alternatives_note", "necessity", "suitability", "under_three_justification", "decided_by")

    file = models.ForeignKey(
        "protection.ProtectionFile", verbose_name=_("file"), on_delete=models.CASCADE, related_name="gatekeepings"
    )
    setting = models.CharField(_("care setting proposed"), max_length=20, choices=CareSetting.choices)
    status = models.CharField(_("status"), max_length=8, choices=GatekeepingStatus.choices)
    # An emergency entry: the child was placed first; the record is due by ``due_on``.
    emergency = models.BooleanField(_("emergency entry"), default=False)
    due_on = models.DateField(_("gatekeeping due"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    alternatives = models.JSONField(_("alternatives considered"), default=list, blank=True)
    alternatives_note = models.TextField(_("why the alternatives were not enough"), blank=True)
    necessity = models.TextField(_("necessity"), blank=True)
    suitability = models.TextField(_("suitability"), blank=True)
    decided_by = models.CharField(_("who decided"), max_length=300, blank=True)
    # A child under three entering residential care: the exception, approved by a supervisor.
    under_three_justification = models.TextField(_("exceptional justification (child under three)"), blank=True)
    exception_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exception approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exception_approved_at = models.DateTimeField(_("exception approved"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("gatekeeping record")
        verbose_name_plural = _("gatekeeping records")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="pgate_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", emergency=True, due_on__isnull=False)
                | Q(status="complete", decided_on__isnull=False),
                name="pgate_pending_is_emergency",
            )
        ]

    def __str__(self) -> str:
        return gettext("Gatekeeping %(number)s") % {"number": self.pk}


class PlacementEndReason(models.TextChoices):
    REINTEGRATION = "reintegration", _("Returned to the family of origin")
    MOVED = "moved", _("Moved to another care setting")
    ADOPTION = "adoption", _("Adopted")
    CAME_OF_AGE = "came_of_age", _("Came of age")
    BREAKDOWN = "breakdown", _("The placement broke down")
    RAN_AWAY = "ran_away", _("Left without permission")
    OTHER = "other", pgettext_lazy("end reason", "Other")


class Placement(VersionedModel):
    """Where the child lives, from ``start_on`` until ``end_on`` (open: the current placement)."""

    # A kinship carer's name is an adult's personal data; the notes speak about the child.
    PERSONAL_FIELDS = (
        "carer_name",
        "change_reason",
        "end_note",
        "siblings_note",
        "contact_plan",
        "capacity_override_reason",
    )

    file = models.ForeignKey(
        "protection.ProtectionFile", verbose_name=_("file"), on_delete=models.CASCADE, related_name="placements"
    )
    setting = models.CharField(_("care setting"), max_length=20, choices=CareSetting.choices)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=16, choices=PlacementEndReason.choices, blank=True)
    end_note = models.TextField(_("note on the end"), blank=True)
    change_reason = models.TextField(_("reason for the placement"), blank=True)
    measure = models.ForeignKey(
        "protection.ProtectiveMeasure",
        verbose_name=_("ordered by the measure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    gatekeeping = models.ForeignKey(
        Gatekeeping,
        verbose_name=_("gatekeeping record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    facility = models.ForeignKey(
        "protection.Facility",
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    foster_family = models.ForeignKey(
        "protection.FosterFamily",
        verbose_name=_("foster family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    adopter = models.ForeignKey(
        "protection.ProspectiveAdopter",
        verbose_name=_("adoptive family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    # Kinship care without a registered family: the relative's name.
    carer_name = models.CharField(_("carer"), max_length=200, blank=True)
    # Over the facility's or family's capacity: only with a supervisor's reason.
    capacity_override_reason = models.TextField(_("why over capacity"), blank=True)
    siblings_together = models.BooleanField(_("siblings kept together"), null=True, blank=True)
    siblings_note = models.TextField(_("siblings: why not together"), blank=True)
    contact_plan = models.TextField(_("family contact plan"), blank=True)
    # The child's age on entry, kept for the figures (under three in residential care).
    age_on_entry = models.PositiveSmallIntegerField(_("age on entry"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_on", "-id"]
        indexes = [
            models.Index(fields=["file", "start_on"], name="pplacement_file_start_idx"),
            models.Index(fields=["facility", "end_on"], name="pplacement_facility_end_idx"),
            models.Index(fields=["foster_family", "end_on"], name="pplacement_family_end_idx"),
            models.Index(fields=["setting", "start_on"], name="pplacement_setting_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="pplacement_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True, end_reason="") | (Q(end_on__isnull=False) & ~Q(end_reason="")),
                name="pplacement_end_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(setting="residential") | Q(facility__isnull=False), name="pplacement_residential_facility"
            ),
            # One current placement per file (the overlap check covers the rest).
            models.UniqueConstraint(fields=["file"], condition=Q(end_on__isnull=True), name="pplacement_one_current"),
        ]

    def __str__(self) -> str:
        return gettext("Placement %(number)s") % {"number": self.pk}

    @property
    def is_current(self) -> bool:
        return self.end_on is None


class ReintegrationVisit(models.Model):
    """A follow-up visit after the child returned to the family."""

    PERSONAL_FIELDS = ("findings",)

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="follow_up_visits"
    )
    visited_on = models.DateField(_("visited on"))
    findings = models.TextField(_("findings"))
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return gettext("Follow-up visit %(number)s") % {"number": self.pk}
