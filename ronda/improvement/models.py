"""The local government's own improvement (issue #13 items 14 and 15, seed 002 "Ciudades de Oportunidades").

- The **self-assessment**: a maturity checklist of the government's own management of early childhood
  (dimensions: team, data, budget, coordination, participation, planning), each criterion scored from
  0 to 3 against described levels, per assessment round. A default checklist ships with Ronda (data
  migration 0002); a municipality adds criteria of its own. A criterion is never edited in place: a
  revision is a new row that replaces the old one (``replaces``), so an old round still shows the
  wording it was scored against. A criterion scored below ``GAP_BELOW`` is a gap, which becomes an
  improvement opportunity of the municipality's open diagnosis (planning) with one click.
- The **programme team**: who works in the programme, with their role, area, profile and dates.
- The **pilot project** co-designed with mentors for one prioritised improvement opportunity: its
  team, mentors and specialists, four stages, results linked to Tablero indicators (the link only),
  and the measures it proposed to a draft plan (planning's, through planning's services).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import TimeStampedModel, VersionedModel
from ronda.planning.choices import GoalArea

MAX_LEVEL = 3
LEVELS = tuple(range(MAX_LEVEL + 1))
# A criterion scored below this level is a gap (levels 0 and 1: absent or only started).
GAP_BELOW = 2


class ImprovementAction(models.TextChoices):
    """The app's own audit actions, besides the kernel's create, update and delete."""

    CRITERION_REVISED = "improvement_criterion_revised", pgettext_lazy("audit action", "Checklist criterion revised")
    SCORES_RECORDED = "improvement_scores_recorded", pgettext_lazy("audit action", "Self-assessment scores recorded")
    GAP_TO_OPPORTUNITY = (
        "improvement_gap_to_opportunity",
        pgettext_lazy("audit action", "Self-assessment gap made an improvement opportunity"),
    )
    PILOT_MEASURES_PROPOSED = (
        "improvement_pilot_measures",
        pgettext_lazy("audit action", "Pilot project proposed as plan measures"),
    )


# --- The maturity checklist ---------------------------------------------------------------------
class Dimension(models.Model):
    """One area of the government's own management (team, data, budget …). The default checklist's."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # The CFCI goal area an improvement opportunity born from this dimension is tagged with.
    goal_area = models.CharField(_("goal area"), max_length=16, choices=GoalArea.choices)

    class Meta:
        verbose_name = _("checklist dimension")
        verbose_name_plural = _("checklist dimensions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Criterion(TimeStampedModel):
    """One criterion of the checklist with its four described levels. ``municipality`` None: the
    default checklist, used by every municipality; otherwise a criterion that municipality added.
    Never edited: a revision is a new row (``replaces``) and the old one gets ``retired_on``."""

    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimension"), on_delete=models.PROTECT, related_name="criteria"
    )
    municipality = models.ForeignKey(
        "territory.OrgUnit",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("criterion"), max_length=255)
    level_0 = models.CharField(_("level 0"), max_length=500)
    level_1 = models.CharField(_("level 1"), max_length=500)
    level_2 = models.CharField(_("level 2"), max_length=500)
    level_3 = models.CharField(_("level 3"), max_length=500)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist criterion")
        verbose_name_plural = _("checklist criteria")
        ordering = ["dimension__order", "order", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def level_text(self, level: int | None) -> str:
        return str(getattr(self, f"level_{level}", "")) if level in LEVELS else ""

    @property
    def levels(self) -> list[tuple[int, str]]:
        return [(n, self.level_text(n)) for n in LEVELS]


class AssessmentRound(VersionedModel):
    """One self-assessment of the municipality: when, who took part, and (``Score``) each criterion's level."""

    PERSONAL_FIELDS = ("other_participants",)

    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    participants = models.ManyToManyField(
        "improvement.TeamMember", verbose_name=_("team members who took part"), blank=True, related_name="rounds"
    )
    other_participants = models.CharField(
        _("other participants"),
        max_length=500,
        blank=True,
        help_text=_("People outside the programme team who took part, and their areas."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("self-assessment round")
        verbose_name_plural = _("self-assessment rounds")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Score(VersionedModel):
    """The level a round gave one criterion, with its evidence; and, once a gap was taken to the
    diagnosis, the improvement opportunity it became (one per score)."""

    round = models.ForeignKey(AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), validators=[MaxValueValidator(MAX_LEVEL)])
    evidence = models.TextField(_("evidence"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    opportunity = models.ForeignKey(
        "planning.ImprovementOpportunity",
        verbose_name=_("improvement opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("self-assessment score")
        verbose_name_plural = _("self-assessment scores")
        ordering = ["criterion__dimension__order", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "criterion"], name="improvement_one_score_per_criterion"),
            models.CheckConstraint(condition=Q(level__lte=MAX_LEVEL), name="improvement_level_range"),
        ]

    def __str__(self) -> str:
        return gettext("Score %(number)s") % {"number": self.pk}

    @property
    def is_gap(self) -> bool:
        return self.level < GAP_BELOW

    @property
    def level_description(self) -> str:
        return self.criterion.level_text(self.level)


# --- The programme team ----------------------------------------------------------------------------
class ProgrammeRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Programme coordination")
    TECHNICAL = "technical", pgettext_lazy("programme role", "Technical team")
    MENTOR = "mentor", pgettext_lazy("programme role", "Mentor")
    FACILITATOR = "facilitator", pgettext_lazy("programme role", "Facilitator")
    SPECIALIST = "specialist", pgettext_lazy("programme role", "Specialist")
    OTHER = "other", pgettext_lazy("programme role", "Other")


class TeamMember(VersionedModel):
    """A person of the municipality's programme team (seed 002: "definición del equipo y sus roles")."""

    # Adults working in the programme: their names and addresses stay out of the trail, and an
    # administrator does not read them.
    PERSONAL_FIELDS = ("full_name", "email")

    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    programme_role = models.CharField(_("role in the programme"), max_length=16, choices=ProgrammeRole.choices)
    area = models.ForeignKey(
        "territory.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    profile = models.CharField(_("profile and expertise"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Ronda user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme team member")
        verbose_name_plural = _("programme team members")
        ordering = ["programme_role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=models.F("from_date")),
                name="improvement_member_dates_order",
            )
        ]

    def __str__(self) -> str:
        # Not the name: __str__ ends up in audit rows.
        return gettext("Team member %(number)s") % {"number": self.pk}


# --- The co-designed pilot project -----------------------------------------------------------------
class PilotProject(VersionedModel):
    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    opportunity = models.ForeignKey(
        "planning.ImprovementOpportunity",
        verbose_name=_("improvement opportunity"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what the project does"), blank=True)
    narrative = models.TextField(_("results narrative"), blank=True)
    team = models.ManyToManyField(TeamMember, verbose_name=_("team"), blank=True, related_name="pilots")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pilot project")
        verbose_name_plural = _("pilot projects")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Mentor(VersionedModel):
    """A mentor or specialist who accompanies the pilot (seed 002: "mentores expertos en la temática")."""

    PERSONAL_FIELDS = ("full_name",)

    pilot = models.ForeignKey(
        PilotProject, verbose_name=_("pilot project"), on_delete=models.CASCADE, related_name="mentors"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    expertise = models.CharField(_("expertise"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("mentor or specialist")
        verbose_name_plural = _("mentors and specialists")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("Mentor %(number)s") % {"number": self.pk}


class StageKind(models.TextChoices):
    DESIGN = "design", pgettext_lazy("pilot stage", "Design")
    PROTOTYPE = "prototype", pgettext_lazy("pilot stage", "Prototype")
    IMPLEMENTATION = "implementation", pgettext_lazy("pilot stage", "Implementation")
    RESULTS = "results", _("Results")


class StageStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("pilot stage status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("pilot stage status", "In progress")
    DONE = "done", pgettext_lazy("pilot stage status", "Done")


class PilotStage(VersionedModel):
    """One of the pilot's four stages (created with it), with its dates, status and notes."""

    pilot = models.ForeignKey(
        PilotProject, verbose_name=_("pilot project"), on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("stage"), max_length=16, choices=StageKind.choices)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=StageStatus.choices, default=StageStatus.PENDING)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("pilot stage")
        verbose_name_plural = _("pilot stages")
        ordering = ["pilot_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "kind"], name="improvement_one_stage_per_kind"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="improvement_stage_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class PilotResult(TimeStampedModel):
    """A result of the pilot followed by a Tablero indicator: the link only, the values are the Tablero's."""

    pilot = models.ForeignKey(
        PilotProject, verbose_name=_("pilot project"), on_delete=models.CASCADE, related_name="results"
    )
    indicator = models.ForeignKey(
        "tablero.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    expected_change = models.CharField(_("expected change"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("pilot result")
        verbose_name_plural = _("pilot results")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "indicator"], name="improvement_one_result_per_indicator")
        ]

    def __str__(self) -> str:
        return gettext("Result %(number)s") % {"number": self.pk}


class ProposedMeasure(TimeStampedModel):
    """A measure of a draft plan that the pilot proposed (created through planning's services)."""

    pilot = models.ForeignKey(
        PilotProject, verbose_name=_("pilot project"), on_delete=models.CASCADE, related_name="proposed"
    )
    measure = models.OneToOneField(
        "planning.Measure", verbose_name=_("measure"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("measure proposed by a pilot")
        verbose_name_plural = _("measures proposed by pilots")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("Proposed measure %(number)s") % {"number": self.pk}
