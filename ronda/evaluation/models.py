"""The evaluation phase of the local plan (issue #13 item 12): an evaluation of a plan (its type,
questions, timing, evaluators, who took part, methodology and narrative), the evaluators' assessment
of each strategic line and objective against the live progress, the recommendations (which may seed
the next diagnosis as improvement opportunities) and the final report's PDF.

A plan may have several evaluations (a mid-term one, the final one, an ex-post one) but only one
final. Completing the final (or an ex-post) evaluation marks the plan evaluated, through planning's
own status service; a mid-term evaluation leaves the plan in execution. A published evaluation is on
the plan's public page: nothing here holds personal data (participants are counts; the evaluators
are a team and a firm, not people's names).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import VersionedModel
from ronda.planning.choices import GoalArea, Horizon


class EvaluationAction(models.TextChoices):
    """The evaluation app's own audit actions, besides the kernel's create, update and delete."""

    COMPLETED = "evaluation_completed", pgettext_lazy("audit action", "Plan evaluation completed")
    PUBLISHED = "evaluation_published", pgettext_lazy("audit action", "Plan evaluation published")
    CARRIED = (
        "evaluation_carried",
        pgettext_lazy("audit action", "Recommendation carried to the next diagnosis"),
    )


class EvaluationKind(models.TextChoices):
    INTERNAL = "internal", pgettext_lazy("evaluation kind", "Internal")
    EXTERNAL = "external", pgettext_lazy("evaluation kind", "External")
    MIXED = "mixed", pgettext_lazy("evaluation kind", "Mixed")
    PARTICIPATORY = "participatory", pgettext_lazy("evaluation kind", "Participatory")


class Timing(models.TextChoices):
    MIDTERM = "midterm", pgettext_lazy("evaluation timing", "Mid-term")
    FINAL = "final", pgettext_lazy("evaluation timing", "Final")
    EX_POST = "ex_post", pgettext_lazy("evaluation timing", "Ex-post")


# The evaluations that close the plan's cycle: completing one marks the plan evaluated.
CLOSING_TIMINGS = frozenset({Timing.FINAL, Timing.EX_POST})


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("evaluation status", "Draft")
    COMPLETED = "completed", pgettext_lazy("evaluation status", "Completed")
    PUBLISHED = "published", pgettext_lazy("evaluation status", "Made public")


class Evaluation(VersionedModel):
    plan = models.ForeignKey("planning.LocalPlan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+")
    # The plan's municipality, kept here so that scoping and the trail need no join through planning.
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("type"), max_length=16, choices=EvaluationKind.choices)
    timing = models.CharField(_("timing"), max_length=10, choices=Timing.choices)
    purpose = models.TextField(_("purpose"), blank=True)
    questions = models.JSONField(_("evaluation questions"), default=list, blank=True)
    starts_on = models.DateField(_("start of fieldwork"), null=True, blank=True)
    ends_on = models.DateField(_("end of fieldwork"), null=True, blank=True)
    evaluation_team = models.CharField(
        _("evaluation team"),
        max_length=500,
        blank=True,
        help_text=_("The units or roles that evaluated (for example: the planning office). No people's names."),
    )
    external_firm = models.CharField(_("external firm"), max_length=255, blank=True)
    participants = models.TextField(
        _("who took part"), blank=True, help_text=_("Groups and institutions that took part. No people's names.")
    )
    adult_participants = models.PositiveIntegerField(_("adult participants"), default=0)
    children_0_5 = models.PositiveIntegerField(_("children 0–5"), default=0)
    children_6_11 = models.PositiveIntegerField(_("children 6–11"), default=0)
    children_12_17 = models.PositiveIntegerField(_("adolescents 12–17"), default=0)
    methodology = models.TextField(_("methodology"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("plan evaluation")
        verbose_name_plural = _("plan evaluations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan"], condition=Q(timing="final"), name="evaluation_one_final_per_plan"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="evaluation_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def children_total(self) -> int:
        return self.children_0_5 + self.children_6_11 + self.children_12_17

    @property
    def is_draft(self) -> bool:
        return self.status == EvaluationStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == EvaluationStatus.PUBLISHED


class Rating(models.TextChoices):
    ACHIEVED = "achieved", pgettext_lazy("evaluation rating", "Achieved")
    PARTLY = "partly", pgettext_lazy("evaluation rating", "Partly achieved")
    NOT_ACHIEVED = "not_achieved", pgettext_lazy("evaluation rating", "Not achieved")


class Assessment(VersionedModel):
    """The evaluators' judgement of one strategic line or one objective of the plan."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="assessments"
    )
    line = models.ForeignKey(
        "planning.StrategicLine",
        verbose_name=_("strategic line"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    objective = models.ForeignKey(
        "planning.Objective",
        verbose_name=_("objective"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(line__isnull=False) & Q(objective__isnull=True))
                | (Q(line__isnull=True) & Q(objective__isnull=False)),
                name="assessment_line_or_objective",
            ),
            models.UniqueConstraint(fields=["evaluation", "line"], name="assessment_one_per_line"),
            models.UniqueConstraint(fields=["evaluation", "objective"], name="assessment_one_per_objective"),
        ]

    def __str__(self) -> str:
        return gettext("Assessment %(number)s") % {"number": self.pk}


class Priority(models.TextChoices):
    HIGH = "high", pgettext_lazy("recommendation priority", "High")
    MEDIUM = "medium", pgettext_lazy("recommendation priority", "Medium")
    LOW = "low", pgettext_lazy("recommendation priority", "Low")


class Recommendation(VersionedModel):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="recommendations"
    )
    title = models.CharField(_("recommendation"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    goal_area = models.CharField(_("goal area"), max_length=16, choices=GoalArea.choices)
    area = models.ForeignKey(
        "territory.Area",
        verbose_name=_("addressed area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The area of the municipality the recommendation is addressed to."),
    )
    horizon = models.CharField(_("horizon"), max_length=8, choices=Horizon.choices, default=Horizon.SHORT)
    # The improvement opportunity of the next diagnosis it became ("start the next plan from it").
    carried_to = models.ForeignKey(
        "planning.ImprovementOpportunity",
        verbose_name=_("carried to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("report status", "Waiting")
    RUNNING = "running", pgettext_lazy("report status", "Being prepared")
    READY = "ready", pgettext_lazy("report status", "Ready")
    FAILED = "failed", pgettext_lazy("report status", "Failed")


def report_path(instance: EvaluationReport, filename: str) -> str:
    # A random name: the municipality and the plan are in the download name, never in storage.
    return f"evaluation/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class EvaluationReport(models.Model):
    """The final report's PDF, made by a job from the live plan and the evaluation (decision 0016).

    Unlike a plan's report it is not personal to whoever asked: it is the evaluation's document,
    read by the plan's readers and, once the evaluation is published, by the public (the latest
    ready one)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="reports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked for by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    file = models.FileField(_("file"), upload_to=report_path, blank=True, max_length=255)
    download_name = models.CharField(_("download name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return gettext("Evaluation report %(number)s") % {"number": self.pk}

    @property
    def in_progress(self) -> bool:
        return self.status in (ReportStatus.PENDING, ReportStatus.RUNNING)
