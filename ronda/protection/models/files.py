"""The protection file of a child (issue #12, item 1): intake, integral diagnosis, rights restricted,
the restitution plan with actions per co-responsible sector, and the file's transfers between offices.

A file is held by a **protection office** (an ``Institution``: a Procuraduría, a state or municipal DIF,
a Junta Cantonal, PANI's local office) and belongs to the unit where that office sits (``path``: the
state for a state office, the municipality for a municipal one). Protection officers and supervisors
whose membership covers that unit see it (decision 0026). The child is the community route's record
(``cases.Child``): one child, one record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.fields import PathField
from ronda.core.models import VersionedModel


class ProtectionAction(models.TextChoices):
    """The protection module's own audit actions, besides the kernel's create, update and delete."""

    FILE_OPENED = "file_opened", pgettext_lazy("audit action", "Protection file opened")
    FILE_CLOSED = "file_closed", pgettext_lazy("audit action", "Protection file closed")
    FILE_REOPENED = "file_reopened", pgettext_lazy("audit action", "Protection file reopened")
    FILE_TRANSFERRED = "file_transferred", pgettext_lazy("audit action", "Protection file transferred")
    PLAN_SUBMITTED = "rplan_submitted", pgettext_lazy("audit action", "Restitution plan submitted")
    PLAN_APPROVED = "rplan_approved", pgettext_lazy("audit action", "Restitution plan approved")
    PLAN_RETURNED = "rplan_returned", pgettext_lazy("audit action", "Restitution plan returned")
    MEASURE_REVIEWED = "measure_reviewed", pgettext_lazy("audit action", "Protective measure reviewed")
    MEASURE_ENDED = "measure_ended", pgettext_lazy("audit action", "Protective measure ended")
    EXCEPTION_APPROVED = (
        "under_three_approved",
        pgettext_lazy("audit action", "Exception for a child under three approved"),
    )
    PLACEMENT_ENDED = "placement_ended", pgettext_lazy("audit action", "Placement ended")
    FOSTER_STATUS = "foster_status", pgettext_lazy("audit action", "Foster family status changed")
    ADOPTER_STATUS = "adopter_status", pgettext_lazy("audit action", "Prospective adopter status changed")
    ADOPTION_ASSIGNED = "adoption_assigned", pgettext_lazy("audit action", "Child assigned to adopters")


class IntakeSource(models.TextChoices):
    COMMUNITY_CASE = "community_case", _("Transfer of a community case")
    DIRECT_REPORT = "direct_report", _("Direct report to the office")
    POLICE = "police", _("Police or prosecutor")
    HEALTH = "health", pgettext_lazy("intake source", "Health service")
    SCHOOL = "school", pgettext_lazy("intake source", "School")
    COURT = "court", pgettext_lazy("intake source", "Court")
    OTHER_OFFICE = "other_office", _("Another protection office")
    OTHER = "other", pgettext_lazy("intake source", "Other")


class FileStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("protection file", "Open")
    CLOSED = "closed", pgettext_lazy("protection file", "Closed")


class FileClosingReason(models.TextChoices):
    RIGHTS_RESTORED = "rights_restored", _("Rights restored")
    REINTEGRATED = "reintegrated", _("Reintegrated with the family, follow-up completed")
    ADOPTED = "adopted", pgettext_lazy("closing reason", "Adoption completed")
    CAME_OF_AGE = "came_of_age", _("Came of age")
    TRANSFERRED_OUT = "transferred_out", _("Transferred to an office of another jurisdiction")
    DUPLICATE = "duplicate", _("Duplicate file")
    OTHER = "other", pgettext_lazy("closing reason", "Other")


class ProtectionFile(VersionedModel):
    # The child a file is about, the story of how it arrived and the closing note are personal; so is
    # the case it came from (it ties a community case to a named child, decision 0025).
    PERSONAL_FIELDS = (
        "child_id",
        "intake_summary",
        "closing_note",
        "from_case_id",
        "reopen_reason",
        "adoptability_ruling",
    )
    NOT_PERSONAL = {"number": "a file's reference number, which names nobody"}

    # Per office and year ("PPNNA-2026-0042"), unique with the office.
    number = models.CharField(_("number"), max_length=40)
    child = models.ForeignKey(
        "cases.Child", verbose_name=_("child"), on_delete=models.PROTECT, related_name="protection_files"
    )
    # The office that holds the file, and where it sits (its seat's path): the scope of the officers.
    office = models.ForeignKey(
        "territory.Institution", verbose_name=_("protection office"), on_delete=models.PROTECT, related_name="+"
    )
    path = PathField(_("office path"), max_length=255, editable=False)
    # The municipality the child lives in: the figures' unit.
    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer in charge"), on_delete=models.PROTECT, related_name="+"
    )
    intake_source = models.CharField(_("how the case arrived"), max_length=16, choices=IntakeSource.choices)
    from_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("community case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    intake_summary = models.TextField(_("summary of the situation"), blank=True)
    opened_on = models.DateField(_("opened on"))
    status = models.CharField(_("status"), max_length=8, choices=FileStatus.choices, default=FileStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_reason = models.CharField(_("closing reason"), max_length=16, choices=FileClosingReason.choices, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    # Why a closed file was opened again (the last reopening; the earlier ones are in the trail).
    reopen_reason = models.TextField(_("why it was reopened"), blank=True)
    # The adoption registry's entry of the child (item 7): declared adoptable by a judge's decision.
    declared_adoptable_on = models.DateField(_("declared adoptable on"), null=True, blank=True)
    adoptability_ruling = models.CharField(_("ruling that declared the child adoptable"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("protection file")
        verbose_name_plural = _("protection files")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["path", "status", "id"], name="pfile_path_status_idx"),
            models.Index(fields=["officer", "status", "id"], name="pfile_officer_status_idx"),
            models.Index(fields=["municipality", "opened_on"], name="pfile_muni_opened_idx"),
            models.Index(fields=["child"], name="pfile_child_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="pfile_unique_number"),
            # One child, one open file: a second office receives the file by transfer.
            models.UniqueConstraint(fields=["child"], condition=Q(status="open"), name="pfile_one_open_per_child"),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False) | (Q(status="open") & Q(closed_on__isnull=True)),
                name="pfile_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Protection file %(number)s") % {"number": self.number or self.pk}

    @property
    def is_open(self) -> bool:
        return self.status == FileStatus.OPEN


class FileCounter(models.Model):
    """The last number given per office and year (taken under a row lock when a file opens)."""

    office = models.ForeignKey("territory.Institution", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="pfilecounter_unique")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class FileTransfer(models.Model):
    """A file handed from one office to another (decentralisation, item 9): the history stays."""

    PERSONAL_FIELDS = ("reason",)

    file = models.ForeignKey(ProtectionFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="transfers")
    from_office = models.ForeignKey(
        "territory.Institution", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_office = models.ForeignKey(
        "territory.Institution", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    from_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("previous officer"), on_delete=models.PROTECT, related_name="+"
    )
    to_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("new officer"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("transferred by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("file transfer")
        verbose_name_plural = _("file transfers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return gettext("Transfer %(number)s") % {"number": self.pk}


class DiagnosisArea(models.TextChoices):
    HEALTH = "health", pgettext_lazy("diagnosis area", "Health")
    EDUCATION = "education", pgettext_lazy("diagnosis area", "Education")
    FAMILY = "family", _("Family and caregivers")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    LEGAL = "legal", _("Legal situation")
    IDENTITY = "identity", _("Identity documents")
    DISABILITY = "disability", pgettext_lazy("diagnosis area", "Disability")
    MIGRATION = "migration", pgettext_lazy("diagnosis area", "Migration")


class DiagnosisEntry(VersionedModel):
    """The integral diagnosis of one area of the child's life: what was found and what is needed."""

    PERSONAL_FIELDS = ("findings", "needs")
    NOT_PERSONAL = {"area": "the name of a diagnosis area (health, education …), not a finding"}

    file = models.ForeignKey(ProtectionFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="diagnosis")
    area = models.CharField(_("area"), max_length=16, choices=DiagnosisArea.choices)
    findings = models.TextField(_("findings"))
    needs = models.TextField(_("needs"), blank=True)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("diagnosis entry")
        verbose_name_plural = _("diagnosis entries")
        ordering = ["area"]
        constraints = [models.UniqueConstraint(fields=["file", "area"], name="pdiagnosis_one_per_area")]

    def __str__(self) -> str:
        return gettext("Diagnosis %(number)s") % {"number": self.pk}


class Right(models.TextChoices):
    """The rights of Mexico's general law on children's rights (LGDNNA, art. 13), grouped as the
    restitution plans name them; the same list serves Ecuador's and Costa Rica's codes."""

    LIFE = "life", _("Life, survival and development")
    IDENTITY = "identity", _("Identity")
    FAMILY_LIFE = "family_life", _("Living in a family")
    EQUALITY = "equality", _("Substantive equality and non-discrimination")
    WELLBEING = "wellbeing", _("Living in conditions of well-being")
    FREE_FROM_VIOLENCE = "free_from_violence", _("A life free of violence and personal integrity")
    HEALTH = "health", _("Health protection and social security")
    DISABILITY = "disability", _("Inclusion of children with disabilities")
    EDUCATION = "education", pgettext_lazy("right", "Education")
    REST_AND_PLAY = "rest_and_play", _("Rest and play")
    PARTICIPATION = "participation", pgettext_lazy("right", "Participation")
    PRIVACY = "privacy", _("Privacy")
    DUE_PROCESS = "due_process", _("Legal certainty and due process")
    MIGRANT = "migrant", _("Rights of migrant children")


class RightStatus(models.TextChoices):
    RESTRICTED = "restricted", pgettext_lazy("right", "Restricted")
    VIOLATED = "violated", pgettext_lazy("right", "Violated")
    RESTORED = "restored", pgettext_lazy("right", "Restored")


class FileRight(VersionedModel):
    """A right found restricted or violated, and whether it has been restored."""

    PERSONAL_FIELDS = ("note",)

    file = models.ForeignKey(ProtectionFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="rights")
    right = models.CharField(_("right"), max_length=24, choices=Right.choices)
    status = models.CharField(_("status"), max_length=12, choices=RightStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("right restricted or violated")
        verbose_name_plural = _("rights restricted or violated")
        ordering = ["right"]
        constraints = [models.UniqueConstraint(fields=["file", "right"], name="pright_one_per_file")]

    def __str__(self) -> str:
        return self.get_right_display()


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("restitution plan", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("restitution plan", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("restitution plan", "Approved")
    RETURNED = "returned", pgettext_lazy("restitution plan", "Returned for changes")


class RestitutionPlan(VersionedModel):
    """The plan to restore the child's rights: one per file, approved by a supervisor, reviewed."""

    PERSONAL_FIELDS = ("objective", "return_note")

    file = models.OneToOneField(
        ProtectionFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="restitution_plan"
    )
    objective = models.TextField(_("objective"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # The first approval, never cleared: from then on the plan's actions reach the sectors' focal
    # points, also while a change waits for the next approval (a draft never approved stays the
    # office's working document).
    first_approved_at = models.DateTimeField(_("first approved"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_note = models.TextField(_("why it was returned"), blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        verbose_name = _("restitution plan")
        verbose_name_plural = _("restitution plans")

    def __str__(self) -> str:
        return gettext("Restitution plan %(number)s") % {"number": self.pk}


class Sector(models.TextChoices):
    HEALTH = "health", pgettext_lazy("sector", "Health")
    EDUCATION = "education", pgettext_lazy("sector", "Education")
    FAMILY_WELFARE = "family_welfare", _("Family welfare (DIF)")
    WOMEN = "women", _("Women's institute")
    DISABILITY = "disability", _("Disability institute")
    JUDICIARY = "judiciary", _("Judiciary")
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    SOCIAL_DEVELOPMENT = "social_development", _("Social development")
    CIVIL_REGISTRY = "civil_registry", _("Civil registry")
    MIGRATION = "migration", _("Migration authority")
    PROTECTION_OFFICE = "protection_office", _("The protection office itself")
    OTHER = "other", pgettext_lazy("sector", "Other")


class ActionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("plan action", "Pending")
    IN_PROGRESS = "in_progress", pgettext_lazy("plan action", "In progress")
    DONE = "done", pgettext_lazy("plan action", "Done")
    NOT_DONE = "not_done", pgettext_lazy("plan action", "Not done")


class RestitutionAction(VersionedModel):
    """An action of the plan, owned by a co-responsible sector. An institution's focal point (a
    membership with that institution) sees and updates its own actions, nothing else of the file."""

    PERSONAL_FIELDS = ("description", "evidence")

    plan = models.ForeignKey(RestitutionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions")
    right = models.CharField(_("right it restores"), max_length=24, choices=Right.choices, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    institution = models.ForeignKey(
        "territory.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("action"))
    owner = models.CharField(_("who does it"), max_length=200)
    due_on = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PENDING)
    evidence = models.TextField(_("evidence"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["institution", "status", "due_on"], name="paction_inst_status_idx")]

    def __str__(self) -> str:
        return gettext("Action %(number)s") % {"number": self.pk}


class PlanReview(models.Model):
    """A review of the restitution plan: what was achieved, what changes, when the next one is."""

    PERSONAL_FIELDS = ("summary",)

    plan = models.ForeignKey(RestitutionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    summary = models.TextField(_("summary"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return gettext("Plan review %(number)s") % {"number": self.pk}
