"""Training of municipal staff in children's rights, protection and participation (issue #13 item 5,
seed 001): each session with its topic, hours and trainer, and how many staff of each area attended,
counted by sex (counts only: no attendee is named)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.models import VersionedModel


class Topic(models.TextChoices):
    RIGHTS = "rights", _("Children's rights")
    PROTECTION = "protection", _("Child protection")
    PARTICIPATION = "participation", _("Children's participation")
    OTHER = "other", pgettext_lazy("training topic", "Other")


def evidence_path(instance: TrainingSession, filename: str) -> str:
    # Random names: an uploaded file's name never reaches the disk or a URL.
    return f"training/{uuid.uuid4().hex}"


class TrainingSession(VersionedModel):
    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    topic_detail = models.CharField(
        _("subject"), max_length=255, blank=True, help_text=_("What the training was about, in a few words.")
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    trainer = models.CharField(_("trainer"), max_length=200, help_text=_("A person or an organisation."))
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, max_length=255, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_type = models.CharField(_("type"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("staff training")
        verbose_name_plural = _("staff trainings")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} {self.held_on:%Y-%m-%d}"


class AreaAttendance(models.Model):
    """How many staff of one area attended a training, by sex (a count, never a name)."""

    training = models.ForeignKey(
        TrainingSession, verbose_name=_("training"), on_delete=models.CASCADE, related_name="attendance"
    )
    area = models.ForeignKey("territory.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    other = models.PositiveIntegerField(_("other or unknown"), default=0)

    class Meta:
        verbose_name = _("attendance by area")
        verbose_name_plural = _("attendance by area")
        ordering = ["area__name", "id"]
        constraints = [models.UniqueConstraint(fields=["training", "area"], name="training_one_row_per_area")]

    def __str__(self) -> str:
        return f"{self.area_id}: {self.women}/{self.men}/{self.other}"

    @property
    def total(self) -> int:
        return self.women + self.men + self.other
