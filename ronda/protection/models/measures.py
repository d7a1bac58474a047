"""Protective measures and their periodic review (issue #12, item 2).

A measure is issued by an authority on a date with a legal basis; it is reviewed every
``review_interval_months`` (three by default: the UN Guidelines' "preferably at least every three
months"), and ``next_review_on`` is kept on the row by the services (issued or last reviewed + the
interval) so that "overdue" is an indexed comparison. An urgent measure must be ratified by a judge
within its type's deadline. A measure ends only with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import VersionedModel


class MeasureType(VersionedModel):
    """A kind of protective measure of a country's law, configurable by the administrator."""

    country = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)
    # An urgent measure (e.g. LGDNNA art. 122: issued by the Procuraduría, ratified by a judge).
    is_urgent = models.BooleanField(_("urgent measure"), default=False)
    ratification_days = models.PositiveSmallIntegerField(_("days to be ratified by a judge"), null=True, blank=True)
    # A measure of this type places the child in alternative care (a placement needs gatekeeping).
    places_in_care = models.BooleanField(_("places the child in alternative care"), default=False)
    default_review_months = models.PositiveSmallIntegerField(_("review every (months)"), default=3)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("measure type")
        verbose_name_plural = _("measure types")
        ordering = ["country", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="measuretype_unique_code")]

    def __str__(self) -> str:
        return self.name


class MeasureStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("measure", "In force")
    ENDED = "ended", pgettext_lazy("measure", "Ended")


class MeasureEndReason(models.TextChoices):
    OBJECTIVE_MET = "objective_met", _("Its objective was met")
    REPLACED = "replaced", _("Replaced by another measure")
    NOT_RATIFIED = "not_ratified", _("Not ratified by the judge")
    REVOKED = "revoked", _("Revoked by the authority")
    CAME_OF_AGE = "came_of_age", _("The child came of age")
    OTHER = "other", pgettext_lazy("end reason", "Other")


class ProtectiveMeasure(VersionedModel):
    # The legal basis, the authority and the court may quote a name or a file reference.
    PERSONAL_FIELDS = ("description", "end_note", "legal_basis", "issuing_authority", "ratified_by")

    file = models.ForeignKey(
        "protection.ProtectionFile", verbose_name=_("file"), on_delete=models.CASCADE, related_name="measures"
    )
    type = models.ForeignKey(MeasureType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="measures")
    description = models.TextField(_("what it orders"), blank=True)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    review_interval_months = models.PositiveSmallIntegerField(_("review every (months)"), default=3)
    # Issued (or last reviewed) + the interval; kept by the services.
    next_review_on = models.DateField(_("next review due"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    # Urgent measures: the judge's ratification, due within the type's days.
    ratification_due_on = models.DateField(_("ratification due"), null=True, blank=True)
    ratified_on = models.DateField(_("ratified on"), null=True, blank=True)
    ratified_by = models.CharField(_("ratified by (court)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=MeasureStatus.choices, default=MeasureStatus.ACTIVE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=16, choices=MeasureEndReason.choices, blank=True)
    end_note = models.TextField(_("note on the end"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("protective measure")
        verbose_name_plural = _("protective measures")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["file", "status"], name="pmeasure_file_status_idx"),
            # "Overdue reviews": the measures in force by due date.
            models.Index(fields=["status", "next_review_on"], name="pmeasure_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="ended") & Q(ended_on__isnull=False) & ~Q(end_reason=""))
                | (Q(status="active") & Q(ended_on__isnull=True)),
                name="pmeasure_ended_has_reason",
            ),
            models.CheckConstraint(condition=Q(review_interval_months__gte=1), name="pmeasure_interval_positive"),
        ]

    def __str__(self) -> str:
        return gettext("Measure %(number)s") % {"number": self.pk}

    @property
    def is_active(self) -> bool:
        return self.status == MeasureStatus.ACTIVE


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", pgettext_lazy("measure review outcome", "Continue")
    MODIFY = "modify", pgettext_lazy("measure review outcome", "Modify")
    END = "end", pgettext_lazy("measure review outcome", "End")


class MeasureReview(models.Model):
    """A review of a measure: who took part, whether the child was heard and what they said, the
    outcome. Reviews are not edited: a correction is a new review."""

    # Who took part names the family (a mother, an aunt …).
    PERSONAL_FIELDS = ("child_opinion", "notes", "participants")

    measure = models.ForeignKey(
        ProtectiveMeasure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("reviewed on"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=ReviewOutcome.choices)
    participants = models.CharField(_("who took part"), max_length=500)
    child_heard = models.BooleanField(_("the child's opinion was heard"), default=False)
    child_opinion = models.TextField(_("what the child said"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("measure review")
        verbose_name_plural = _("measure reviews")
        ordering = ["-reviewed_on", "-id"]
        indexes = [models.Index(fields=["measure", "reviewed_on"], name="preview_measure_on_idx")]

    def __str__(self) -> str:
        return gettext("Review %(number)s") % {"number": self.pk}
