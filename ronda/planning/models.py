"""Diagnosis and the Local Child and Adolescent Plan (PLIA): lines > objectives > measures,
budgets per year, indicators, milestones, progress updates with evidence, and plan changes."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.models import VersionedModel
from ronda.planning.choices import GoalArea, Horizon

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class PlanningAction(models.TextChoices):
    """Planning's own audit actions: the meaningful changes of a plan, besides the kernel's create,
    update and delete. Registered with the trail where they are declared (no migration)."""

    PLAN_APPROVED = "plan_approved", pgettext_lazy("audit action", "Plan approved")
    PLAN_IN_EXECUTION = "plan_in_execution", pgettext_lazy("audit action", "Plan execution started")
    PLAN_EVALUATED = "plan_evaluated", pgettext_lazy("audit action", "Plan evaluated")
    MEASURE_CANCELLED = "measure_cancelled", pgettext_lazy("audit action", "Measure cancelled")
    PROGRESS_RECORDED = "progress_recorded", pgettext_lazy("audit action", "Progress recorded")
    PROGRESS_CORRECTED = "progress_corrected", pgettext_lazy("audit action", "Progress report corrected")
    INDICATOR_VALUE_RECORDED = "indicator_value_recorded", pgettext_lazy("audit action", "Indicator value recorded")
    MILESTONE_REACHED = "milestone_reached", pgettext_lazy("audit action", "Milestone reached")
    # Co-responsibility and the focal points' figures (services/coresponsibility.py).
    CONTRIBUTION_RECORDED = "contribution_recorded", pgettext_lazy("audit action", "Contribution reported")
    REPORT_SUBMITTED = "report_submitted", pgettext_lazy("audit action", "Figure sent for validation")
    REPORT_VALIDATED = "report_validated", pgettext_lazy("audit action", "Figure validated")
    REPORT_RETURNED = "report_returned", pgettext_lazy("audit action", "Figure returned")
    ALERT_SETTINGS_CHANGED = "alert_settings_changed", pgettext_lazy("audit action", "Plan alerts adjusted")
    # Editing the structure of a plan or a diagnosis (lines, objectives, indicators, milestones,
    # findings, workshops): see services/structure.py.
    STRUCTURE_EDITED = "structure_edited", pgettext_lazy("audit action", "Structure edited")
    STRUCTURE_REORDERED = "structure_reordered", pgettext_lazy("audit action", "Structure reordered")
    STRUCTURE_ARCHIVED = "structure_archived", pgettext_lazy("audit action", "Removed from the plan (archived)")
    STRUCTURE_REMOVED = "structure_removed", pgettext_lazy("audit action", "Removed")


class ActiveManager(models.Manager):
    """What pages, reports and the API see: archived rows stay in the database (and the trail) only.

    The default manager, so related managers (``plan.lines``) hide archived rows too; Django's plain
    base manager (``Model._base_manager``) still reaches them, for foreign keys and cascades."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(archived_at__isnull=True)


def _in_order(*then: str) -> list:
    # Rows never reordered have no order and keep their natural one, after the reordered rows.
    return [models.F("order").asc(nulls_last=True), *then]


# --- Diagnosis -------------------------------------------------------------------------
class SituationAnalysis(VersionedModel):
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="situation_analyses"
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("situation analysis")
        verbose_name_plural = _("situation analyses")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="analysis_period_order")
        ]

    def __str__(self) -> str:
        return self.title


class Finding(VersionedModel):
    analysis = models.ForeignKey(
        SituationAnalysis, verbose_name=_("analysis"), on_delete=models.CASCADE, related_name="findings"
    )
    goal_area = models.CharField(_("goal area"), max_length=16, choices=GoalArea.choices)
    text = models.TextField(_("finding"))
    # A figure the finding rests on: a catalogue indicator's value for the municipality in an ISO
    # period, kept as read when cited (``cited_value``), so the finding stays true when the
    # Tablero's figure is later corrected.
    cited_indicator = models.ForeignKey(
        "tablero.Indicator",
        verbose_name=_("cited indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cited_period = models.CharField(_("period cited"), max_length=10, blank=True)
    cited_value = models.DecimalField(_("value cited"), max_digits=24, decimal_places=4, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    objects = ActiveManager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = _in_order("goal_area", "id")

    def __str__(self) -> str:
        return self.text[:80]


class Workshop(VersionedModel):
    analysis = models.ForeignKey(
        SituationAnalysis, verbose_name=_("analysis"), on_delete=models.CASCADE, related_name="workshops"
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    adult_participants = models.PositiveIntegerField(_("adult participants"), default=0)
    children_0_5 = models.PositiveIntegerField(_("children 0–5"), default=0)
    children_6_11 = models.PositiveIntegerField(_("children 6–11"), default=0)
    children_12_17 = models.PositiveIntegerField(_("adolescents 12–17"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    objects = ActiveManager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = _in_order("held_on", "id")

    def __str__(self) -> str:
        return self.title

    @property
    def children_total(self) -> int:
        return self.children_0_5 + self.children_6_11 + self.children_12_17


class Criticality(models.TextChoices):
    HIGH = "high", pgettext_lazy("criticality", "High")
    MEDIUM = "medium", pgettext_lazy("criticality", "Medium")
    LOW = "low", pgettext_lazy("criticality", "Low")


class ImprovementOpportunity(VersionedModel):
    analysis = models.ForeignKey(
        SituationAnalysis, verbose_name=_("analysis"), on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    goal_area = models.CharField(_("goal area"), max_length=16, choices=GoalArea.choices)
    criticality = models.CharField(_("criticality"), max_length=8, choices=Criticality.choices)
    horizon = models.CharField(_("horizon"), max_length=8, choices=Horizon.choices)

    class Meta:
        verbose_name = _("improvement opportunity")
        verbose_name_plural = _("improvement opportunities")
        ordering = ["criticality", "horizon", "title"]

    def __str__(self) -> str:
        return self.title


# --- The plan ----------------------------------------------------------------------------
class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan status", "Draft")
    APPROVED = "approved", pgettext_lazy("plan status", "Approved")
    IN_EXECUTION = "in_execution", pgettext_lazy("plan status", "In execution")
    EVALUATED = "evaluated", pgettext_lazy("plan status", "Evaluated")


class Weighting(models.TextChoices):
    BUDGET = "budget", _("By planned budget")
    EQUAL = "equal", _("Equal weights")


class LocalPlan(VersionedModel):
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="local_plans"
    )
    title = models.CharField(_("title"), max_length=255)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    weighting = models.CharField(
        _("progress weighting"), max_length=8, choices=Weighting.choices, default=Weighting.BUDGET
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.CharField(
        _("approved by"), max_length=255, blank=True, help_text=_("E.g. the municipal council.")
    )
    approval_reference = models.CharField(_("approval record"), max_length=255, blank=True)
    situation_analysis = models.ForeignKey(
        SituationAnalysis,
        verbose_name=_("diagnosis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The plan's alerts (planning.alerts): a measure under way without a progress report for this
    # many weeks stands out on the plan page, the home pages and the weekly digest.
    stale_weeks = models.PositiveSmallIntegerField(
        _("weeks without a progress report before an alert"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )

    class Meta:
        verbose_name = _("local plan")
        verbose_name_plural = _("local plans")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="plan_period_order"),
            models.CheckConstraint(condition=Q(stale_weeks__gte=1, stale_weeks__lte=52), name="plan_stale_weeks_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.status != PlanStatus.DRAFT


class StrategicLine(VersionedModel):
    plan = models.ForeignKey(LocalPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=255)
    # The line in children's words, for the children's public page (planning.limits.CHILD_TITLE).
    child_title = models.CharField(
        _("title for children"),
        max_length=120,
        blank=True,
        help_text=_(
            "Plain words a ten-year-old understands, without acronyms. Shown on the children's page "
            "instead of the title; left empty, the page uses the words of the goal area."
        ),
    )
    goal_area = models.CharField(_("goal area"), max_length=16, choices=GoalArea.choices)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    objects = ActiveManager()

    class Meta:
        verbose_name = _("strategic line")
        verbose_name_plural = _("strategic lines")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Objective(VersionedModel):
    line = models.ForeignKey(StrategicLine, verbose_name=_("line"), on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=255)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    objects = ActiveManager()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("measure status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("measure status", "In progress")
    DELAYED = "delayed", pgettext_lazy("measure status", "Delayed")
    COMPLETED = "completed", pgettext_lazy("measure status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("measure status", "Cancelled")


class Measure(VersionedModel):
    plan = models.ForeignKey(LocalPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures")
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="measures"
    )
    code = models.CharField(_("code"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    responsible_area = models.ForeignKey(
        "territory.Area", verbose_name=_("responsible area"), on_delete=models.PROTECT, related_name="measures"
    )
    co_areas = models.ManyToManyField(
        "territory.Area", verbose_name=_("co-responsible areas"), blank=True, related_name="+"
    )
    co_institutions = models.ManyToManyField(
        "territory.Institution", verbose_name=_("co-responsible institutions"), blank=True, related_name="+"
    )
    horizon = models.CharField(_("horizon"), max_length=8, choices=Horizon.choices)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.NOT_STARTED
    )
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT
    )
    progress_justification = models.TextField(_("progress justification"), blank=True)
    progress_updated_on = models.DateField(_("progress updated on"), null=True, blank=True)
    source_opportunity = models.ForeignKey(
        ImprovementOpportunity,
        verbose_name=_("from improvement opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["code", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="measure_progress_range"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="measure_dates_order"),
        ]
        indexes = [models.Index(fields=["plan", "responsible_area"], name="measure_plan_area_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class MeasureBudget(models.Model):
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    planned = models.DecimalField(
        _("planned"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=NON_NEGATIVE
    )
    executed = models.DecimalField(
        _("executed"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=NON_NEGATIVE
    )

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year"], name="budget_unique_year"),
            models.CheckConstraint(condition=Q(planned__gte=0, executed__gte=0), name="budget_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year}"


class MeasureIndicator(VersionedModel):
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=255)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    # The Tablero's catalogue indicator whose values this one follows (national, or the
    # municipality's own): its values are the Tablero's series for the plan's municipality, never a
    # copy here (decision 0021). Baseline and target stay here: they are the measure's commitment.
    catalogue_indicator = models.ForeignKey(
        "tablero.Indicator",
        verbose_name=_("catalogue indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    objects = ActiveManager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = _in_order("id")

    def __str__(self) -> str:
        return self.name


class Milestone(VersionedModel):
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=255)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    objects = ActiveManager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = _in_order("due_on", "id")

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """One dated report of progress; the history is never rewritten."""

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="updates")
    # The measure's plan, copied so that "the latest reports of a plan" reads ten index entries instead
    # of sorting the whole history of its measures (36 reports a measure over three years: 1,800 rows).
    plan = models.ForeignKey(
        LocalPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    reported_on = models.DateField(_("date"))
    percent = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, validators=PERCENT)
    justification = models.TextField(_("justification"))
    # Why progress went down, when this report lowered the measure's progress (then it is required).
    drop_reason = models.TextField(_("reason for the drop"), blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="update_percent_range")
        ]
        indexes = [
            models.Index(fields=["measure", "-reported_on"], name="update_measure_date_idx"),
            models.Index(fields=["plan", "-reported_on", "-id"], name="update_plan_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.reported_on} · {self.percent}%"

    @property
    def correction_or_none(self) -> ProgressCorrection | None:
        """This report's correction, if any (no query when fetched with ``select_related("correction")``)."""
        try:
            return self.correction  # type: ignore[no-any-return]
        except ProgressCorrection.DoesNotExist:
            return None


class ProgressCorrection(models.Model):
    """A wrong progress report put right: the report keeps its figure, shown as corrected to this one.

    At most one per report (a correction is not corrected again: a new report follows instead)."""

    update = models.OneToOneField(
        ProgressUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="correction"
    )
    percent = models.DecimalField(_("corrected progress (%)"), max_digits=5, decimal_places=2, validators=PERCENT)
    reason = models.TextField(_("reason for the correction"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("corrected"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress correction")
        verbose_name_plural = _("progress corrections")
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="correction_percent_range")
        ]

    def __str__(self) -> str:
        return f"{self.update} → {self.percent}%"


class Contribution(models.Model):
    """A co-responsible area's or institution's report on its own part of a measure: what it did,
    when, and optionally what it spent of its own budget. The measure's progress stays the
    responsible area's: a contribution neither moves it nor counts in the plan's budget."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="contributions"
    )
    plan = models.ForeignKey(
        LocalPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    # Exactly one: the co-responsible area, or the co-responsible institution, that reports.
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
    reported_on = models.DateField(_("date"))
    text = models.TextField(_("what was done"))
    executed = models.DecimalField(
        _("executed of its own budget"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, institution__isnull=True)
                | Q(area__isnull=True, institution__isnull=False),
                name="contribution_one_partner",
            ),
            models.CheckConstraint(
                condition=Q(executed__isnull=True) | Q(executed__gte=0), name="contribution_executed_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["measure", "-reported_on"], name="contribution_measure_idx"),
            models.Index(fields=["plan", "-reported_on"], name="contribution_plan_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.reported_on}"


class ReportKind(models.TextChoices):
    MILESTONE = "milestone", pgettext_lazy("focal report", "Milestone done")
    BUDGET = "budget", pgettext_lazy("focal report", "Executed budget")
    INDICATOR = "indicator", pgettext_lazy("focal report", "Indicator value")


class ReportStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("focal report", "Pending validation")
    VALIDATED = "validated", pgettext_lazy("focal report", "Validated")
    RETURNED = "returned", pgettext_lazy("focal report", "Returned with a comment")


class FocalReport(VersionedModel):
    """A figure an area focal point records on their measure (a milestone done, the budget executed
    in a year, an indicator's value), waiting for the coordinator: nothing of it reaches the measure,
    the plan's progress or the Tablero until it is validated. The coordinator's own entries skip
    this: they are validated as they are made."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="focal_reports"
    )
    plan = models.ForeignKey(
        LocalPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        MeasureIndicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    executed = models.DecimalField(
        _("executed"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    # The day the milestone was reached, or the indicator measured.
    dated = models.DateField(_("date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("comment of the review"), blank=True)

    class Meta:
        verbose_name = _("figure for validation")
        verbose_name_plural = _("figures for validation")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="milestone") | Q(milestone__isnull=False, dated__isnull=False),
                name="focal_report_milestone_shape",
            ),
            models.CheckConstraint(
                condition=~Q(kind="budget") | Q(year__isnull=False, executed__gte=0),
                name="focal_report_budget_shape",
            ),
            models.CheckConstraint(
                condition=~Q(kind="indicator") | Q(indicator__isnull=False, value__isnull=False, dated__isnull=False),
                name="focal_report_indicator_shape",
            ),
        ]
        indexes = [models.Index(fields=["plan", "status"], name="focal_report_plan_status_idx")]

    def __str__(self) -> str:
        return f"{self.measure} · {self.get_kind_display()}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # Random names: an uploaded file's name never reaches the disk or a URL.
    return f"evidence/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    update = models.ForeignKey(
        ProgressUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class PlanChange(models.Model):
    """A change to an approved plan: what, when, why, approved by whom."""

    plan = models.ForeignKey(LocalPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="changes")
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    changed_on = models.DateField(_("date"))
    what = models.TextField(_("what changed"))
    why = models.TextField(_("why"))
    approved_by = models.CharField(_("approved by"), max_length=255)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return self.what[:80]


# --- The municipality's policy instruments and its budget (issue #13 item 13) ------------------
class InstrumentKind(models.TextChoices):
    ORDINANCE = "ordinance", pgettext_lazy("policy instrument", "Ordinance")
    POLICY = "policy", pgettext_lazy("policy instrument", "Cantonal or municipal policy")
    DECREE = "decree", pgettext_lazy("policy instrument", "Decree")
    RESOLUTION = "resolution", pgettext_lazy("policy instrument", "Resolution")
    AGREEMENT = "agreement", _("Municipal agreement")
    OTHER = "other", pgettext_lazy("policy instrument", "Other")


class InstrumentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("policy instrument status", "Draft")
    CONSULTATION = "consultation", pgettext_lazy("policy instrument status", "In consultation")
    APPROVED = "approved", pgettext_lazy("policy instrument status", "Approved")
    IN_FORCE = "in_force", pgettext_lazy("policy instrument status", "In force")
    REPEALED = "repealed", pgettext_lazy("policy instrument status", "Repealed")
    EXPIRED = "expired", pgettext_lazy("policy instrument status", "Expired")


# What the public page and certification see of a municipality's instruments.
PUBLIC_INSTRUMENT_STATUSES = (InstrumentStatus.APPROVED, InstrumentStatus.IN_FORCE)


class PolicyInstrument(VersionedModel):
    """An ordinance, policy, decree … of a municipality for its children: what it is, where it stands."""

    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="policy_instruments"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InstrumentKind.choices)
    title = models.CharField(_("title"), max_length=255)
    reference = models.CharField(
        _("number or reference"), max_length=100, blank=True, help_text=_("E.g. Ordinance 12-2024.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InstrumentStatus.choices, default=InstrumentStatus.DRAFT
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    approving_body = models.CharField(
        _("approving body"), max_length=255, blank=True, help_text=_("E.g. the municipal council.")
    )
    summary = models.TextField(_("summary"), blank=True)
    # Internal: never on the public page nor in what other domains read.
    notes = models.TextField(_("internal notes"), blank=True)

    class Meta:
        verbose_name = _("policy instrument")
        verbose_name_plural = _("policy instruments")
        ordering = ["-approved_on", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_from__isnull=True)
                | Q(approved_on__isnull=True)
                | Q(in_force_from__gte=models.F("approved_on")),
                name="instrument_in_force_after_approval",
            ),
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True)
                | Q(in_force_from__isnull=True)
                | Q(in_force_until__gte=models.F("in_force_from")),
                name="instrument_in_force_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def policy_document_path(instance: PolicyDocument, filename: str) -> str:
    # Random names, as for evidence: an uploaded file's name never reaches the disk or a URL.
    return f"policy-documents/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class PolicyDocument(models.Model):
    """One version of a document of an instrument: a new upload under the same name is its next
    revision, and the earlier ones are kept."""

    instrument = models.ForeignKey(
        PolicyInstrument, verbose_name=_("policy instrument"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("document"), max_length=200)
    revision = models.PositiveSmallIntegerField(_("version"), default=1)
    file = models.FileField(_("file"), upload_to=policy_document_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["title", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "title", "revision"], name="policy_document_revision")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.revision}"


def budget_document_path(instance: MunicipalBudget, filename: str) -> str:
    return f"municipal-budgets/{uuid.uuid4().hex}"


class MunicipalBudget(VersionedModel):
    """The municipality's whole budget for a year, in its currency: the denominator of the share
    invested in children (the plan's budgets are the numerator)."""

    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="municipal_budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(
        _("total municipal budget"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(
        _("source"), max_length=255, blank=True, help_text=_("E.g. the budget approved by the council, agreement 12.")
    )
    document = models.FileField(_("document"), upload_to=budget_document_path, blank=True)
    document_name = models.CharField(_("file name"), max_length=255, blank=True)
    document_type = models.CharField(_("type"), max_length=100, blank=True)

    # "document" here is the budget's own paper (a council agreement), not a person's identity document.
    NOT_PERSONAL = {
        "document": "the municipal budget's approval document, not a person's identity document",
        "document_name": "the file name of the municipal budget's approval document",
        "document_type": "the content type of the municipal budget's approval document",
    }

    class Meta:
        verbose_name = _("municipal budget")
        verbose_name_plural = _("municipal budgets")
        ordering = ["org_unit_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "year"], name="municipal_budget_unique_year"),
            models.CheckConstraint(condition=Q(total__gt=0), name="municipal_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.year}"
