"""Report files prepared in the background.

A plan's PDF report takes seconds of CPU to lay out, so the request only records what was asked
for (``GeneratedReport``, pending) and a job renders it and stores the file (decision 0016). The
report is its owner's: the download asks the plan policy again, for the owner only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("report status", "Waiting")
    RUNNING = "running", pgettext_lazy("report status", "Being prepared")
    READY = "ready", pgettext_lazy("report status", "Ready")
    FAILED = "failed", pgettext_lazy("report status", "Failed")


def report_path(instance: GeneratedReport, filename: str) -> str:
    # A random name: the municipality and period are in the download name, never in storage.
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class GeneratedReport(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked for by"), on_delete=models.CASCADE, related_name="+"
    )
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey("planning.LocalPlan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("report"), max_length=16)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    semester = models.PositiveSmallIntegerField(_("semester"), null=True, blank=True)
    # The language the person used when asking: the worker has no request to take it from.
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    file = models.FileField(_("file"), upload_to=report_path, blank=True)
    download_name = models.CharField(_("download name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "plan", "-created_at"], name="genreport_owner_plan_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.plan_id}"

    def get_kind_display(self) -> str:
        from ronda.accountability.selectors import ReportKind

        return str(ReportKind.LABELS.get(self.kind, self.kind))

    @property
    def in_progress(self) -> bool:
        return self.status in (ReportStatus.PENDING, ReportStatus.RUNNING)


class SituationReport(models.Model):
    """The PDF of a municipality's situation report of its children ("estado de la niñez"), made
    from the Tablero by a job like a plan's report. Personal to whoever asked for it, while they
    may still read the municipality's figures (``policies_situation``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked for by"), on_delete=models.CASCADE, related_name="+"
    )
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    # The last year the report covers (with the two before it).
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    file = models.FileField(_("file"), upload_to=report_path, blank=True)
    download_name = models.CharField(_("download name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "org_unit", "-created_at"], name="situation_owner_unit_idx")]

    def __str__(self) -> str:
        return f"{self.org_unit_id} · {self.year}"

    @property
    def in_progress(self) -> bool:
        return self.status in (ReportStatus.PENDING, ReportStatus.RUNNING)
