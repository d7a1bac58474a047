"""Care resources (issue #12, items 5-7): residential-care facilities (CAS) and their supervision, the
foster-family bank and the adoption registry.

A resource belongs to a unit (``unit``: the municipality or the state that registered it) and is seen
by the protection officers and supervisors whose membership covers that unit. Occupancy is never
stored: it is the count of the facility's current placements. Foster families and adopters are
adults' personal data: their names and contacts never enter the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.fields import PathField
from ronda.core.models import VersionedModel


class Operator(models.TextChoices):
    PUBLIC = "public", pgettext_lazy("facility operator", "Public")
    PRIVATE = "private", pgettext_lazy("facility operator", "Private")
    CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")
    RELIGIOUS = "religious", _("Religious organisation")


class Facility(VersionedModel):
    """A residential-care centre (CAS): licensed, registered, with a capacity."""

    NOT_PERSONAL = {"address": "a licensed facility's address, in the public register of centres"}

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    path = PathField(_("unit path"), max_length=255, editable=False)
    operator = models.CharField(_("operated by"), max_length=16, choices=Operator.choices)
    operator_name = models.CharField(_("operator's name"), max_length=200, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    # Mexico's national register of social-assistance centres (RNCAS), or the country's equivalent.
    register_number = models.CharField(_("national register number"), max_length=60, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    min_age = models.PositiveSmallIntegerField(_("from age"), default=0)
    max_age = models.PositiveSmallIntegerField(_("to age"), default=17)
    address = models.CharField(_("address"), max_length=255, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("residential-care facility")
        verbose_name_plural = _("residential-care facilities")
        ordering = ["name"]
        indexes = [models.Index(fields=["path", "is_active"], name="pfacility_path_idx")]
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="pfacility_capacity_positive")]

    def __str__(self) -> str:
        return self.name


class FacilityStaffing(models.Model):
    """The facility's staff on a date: carers by shift, and other professionals."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="staffing"
    )
    as_of = models.DateField(_("as of"))
    carers = models.PositiveSmallIntegerField(_("carers"))
    professionals = models.PositiveSmallIntegerField(_("other professionals"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("staffing record")
        verbose_name_plural = _("staffing records")
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.as_of}"


class StandardItem(VersionedModel):
    """One standard of the supervision checklist of a country (configurable)."""

    country = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=32)
    text = models.CharField(_("standard"), max_length=300)
    group = models.CharField(_("group"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supervision standard")
        verbose_name_plural = _("supervision standards")
        ordering = ["country", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="pstandard_unique_code")]

    def __str__(self) -> str:
        return self.text


class SupervisionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("supervision visit", "Being recorded")
    CLOSED = "closed", pgettext_lazy("supervision visit", "Closed")


class SupervisionVisit(VersionedModel):
    # What the visitors wrote may name a child or a carer; the visitors are named people.
    PERSONAL_FIELDS = ("summary", "visitors")

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    visitors = models.CharField(_("visitors"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=SupervisionStatus.choices, default=SupervisionStatus.DRAFT
    )
    # What the visitors counted on the day (the computed occupancy is beside it on the page).
    children_present = models.PositiveSmallIntegerField(_("children present"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["facility", "visited_on"], name="psupervision_facility_on_idx")]

    def __str__(self) -> str:
        return gettext("Supervision visit %(number)s") % {"number": self.pk}


class FindingResult(models.TextChoices):
    MET = "met", pgettext_lazy("standard", "Met")
    PARTLY = "partly", pgettext_lazy("standard", "Partly met")
    NOT_MET = "not_met", pgettext_lazy("standard", "Not met")
    NOT_APPLICABLE = "not_applicable", pgettext_lazy("standard", "Not applicable")


class SupervisionFinding(models.Model):
    PERSONAL_FIELDS = ("note",)

    visit = models.ForeignKey(
        SupervisionVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="findings"
    )
    standard = models.ForeignKey(StandardItem, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=FindingResult.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["standard__order", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "standard"], name="pfinding_one_per_standard")]

    def __str__(self) -> str:
        return gettext("Finding %(number)s") % {"number": self.pk}


class CorrectiveStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("corrective action", "Open")
    DONE = "done", pgettext_lazy("corrective action", "Done")
    NOT_DONE = "not_done", pgettext_lazy("corrective action", "Not done")


class CorrectiveAction(VersionedModel):
    PERSONAL_FIELDS = ("description", "follow_up")

    visit = models.ForeignKey(
        SupervisionVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="corrective_actions"
    )
    finding = models.ForeignKey(
        SupervisionFinding,
        verbose_name=_("finding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("corrective action"))
    due_on = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=CorrectiveStatus.choices, default=CorrectiveStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="pcorrective_status_due_idx")]

    def __str__(self) -> str:
        return gettext("Corrective action %(number)s") % {"number": self.pk}


class RecruitmentCampaign(VersionedModel):
    """A call for foster families: when, where, through which channels; families it yielded link to it."""

    PERSONAL_FIELDS = ("notes",)

    unit = models.ForeignKey("territory.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    path = PathField(_("unit path"), max_length=255, editable=False)
    name = models.CharField(_("name"), max_length=200)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    channels = models.CharField(_("channels"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("recruitment campaign")
        verbose_name_plural = _("recruitment campaigns")
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["path"], name="pcampaign_path_idx")]

    def __str__(self) -> str:
        return self.name


class FosterType(models.TextChoices):
    VOLUNTARY = "voluntary", pgettext_lazy("foster family", "Voluntary")
    KINSHIP = "kinship", pgettext_lazy("foster family", "Extended family (kinship)")
    PROFESSIONAL = "professional", pgettext_lazy("foster family", "Professional")


class FosterStatus(models.TextChoices):
    APPLICANT = "applicant", pgettext_lazy("foster family", "Applicant")
    EVALUATED = "evaluated", pgettext_lazy("foster family", "Evaluated")
    TRAINED = "trained", pgettext_lazy("foster family", "Trained")
    APPROVED = "approved", pgettext_lazy("foster family", "Approved")
    ACTIVE = "active", pgettext_lazy("foster family", "Caring for a child")
    PAUSED = "paused", pgettext_lazy("foster family", "Paused")
    CLOSED = "closed", pgettext_lazy("foster family", "Closed")


# A family may receive a child in these states.
FOSTER_AVAILABLE = frozenset({FosterStatus.APPROVED, FosterStatus.ACTIVE})


class FosterFamily(VersionedModel):
    """A family of the foster-family bank. ``code`` names it on lists; the contact is personal."""

    PERSONAL_FIELDS = ("contact_name", "phone", "address", "notes", "latitude", "longitude")
    NOT_PERSONAL = {
        "code": "the bank's reference of a family, which names nobody",
        "accepts_disability": "whom the family can receive (its profile), not a fact about a person",
        "accepts_migrant": "whom the family can receive (its profile), not a fact about a person",
    }

    code = models.CharField(_("code"), max_length=32)
    unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    path = PathField(_("unit path"), max_length=255, editable=False)
    type = models.CharField(_("type"), max_length=16, choices=FosterType.choices)
    status = models.CharField(_("status"), max_length=12, choices=FosterStatus.choices, default=FosterStatus.APPLICANT)
    status_since = models.DateField(_("status since"))
    capacity = models.PositiveSmallIntegerField(_("children it can care for"), default=1)
    # Profile: whom the family can receive.
    min_age = models.PositiveSmallIntegerField(_("from age"), default=0)
    max_age = models.PositiveSmallIntegerField(_("to age"), default=17)
    accepts_siblings = models.BooleanField(_("accepts sibling groups"), default=False)
    accepts_disability = models.BooleanField(_("accepts children with disabilities"), default=False)
    accepts_migrant = models.BooleanField(_("accepts migrant children"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # For the distance in matching; optional, personal (it locates a home).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    campaign = models.ForeignKey(
        RecruitmentCampaign,
        verbose_name=_("recruited by the campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="families",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("foster family")
        verbose_name_plural = _("foster families")
        ordering = ["code"]
        indexes = [models.Index(fields=["path", "status"], name="pfoster_path_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="pfoster_unique_code"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="pfoster_capacity_positive"),
        ]

    def __str__(self) -> str:
        return gettext("Foster family %(code)s") % {"code": self.code}


class FosterStatusChange(models.Model):
    """The pipeline's history: applicant → evaluated → trained → approved → active → paused → closed."""

    PERSONAL_FIELDS = ("note",)

    family = models.ForeignKey(
        FosterFamily, verbose_name=_("family"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=FosterStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=FosterStatus.choices)
    changed_on = models.DateField(_("on"))
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class FosterTraining(models.Model):
    family = models.ForeignKey(
        FosterFamily, verbose_name=_("family"), on_delete=models.CASCADE, related_name="trainings"
    )
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.topic


class SupportKind(models.TextChoices):
    FINANCIAL = "financial", _("Financial support")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    TRAINING = "training", _("Further training")
    VISIT = "visit", _("Follow-up visit")
    RESPITE = "respite", _("Respite care")
    OTHER = "other", pgettext_lazy("support", "Other")


class FosterSupport(models.Model):
    PERSONAL_FIELDS = ("note",)

    family = models.ForeignKey(
        FosterFamily, verbose_name=_("family"), on_delete=models.CASCADE, related_name="supports"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SupportKind.choices)
    given_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("support received")
        verbose_name_plural = _("support received")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class AdoptionKind(models.TextChoices):
    NATIONAL = "national", pgettext_lazy("adoption", "National")
    INTERNATIONAL = "international", pgettext_lazy("adoption", "International")


class AdopterStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("adopters", "Application received")
    STUDY = "study", pgettext_lazy("adopters", "Suitability study")
    TRAINING = "training", pgettext_lazy("adopters", "In training")
    SUITABLE = "suitable", pgettext_lazy("adopters", "Declared suitable")
    ASSIGNED = "assigned", pgettext_lazy("adopters", "Child assigned")
    CLOSED = "closed", pgettext_lazy("adopters", "Closed")


class ProspectiveAdopter(VersionedModel):
    """An application to adopt, from the first request to the suitability certificate and its validity."""

    PERSONAL_FIELDS = ("applicant_names", "contact", "notes")
    NOT_PERSONAL = {
        "code": "the registry's reference of an application, which names nobody",
        "accepts_disability": "whom the applicants hope to adopt (their profile), not a fact about a person",
    }

    code = models.CharField(_("code"), max_length=32)
    unit = models.ForeignKey("territory.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    path = PathField(_("unit path"), max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=AdoptionKind.choices)
    applicant_names = models.CharField(_("applicants"), max_length=300)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    country_of_residence = models.CharField(_("country of residence"), max_length=100, blank=True)
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(_("status"), max_length=10, choices=AdopterStatus.choices, default=AdopterStatus.APPLIED)
    status_since = models.DateField(_("status since"))
    training_done_on = models.DateField(_("training completed on"), null=True, blank=True)
    suitable_on = models.DateField(_("declared suitable on"), null=True, blank=True)
    valid_until = models.DateField(_("suitability valid until"), null=True, blank=True)
    # Whom they hope to adopt.
    min_age = models.PositiveSmallIntegerField(_("from age"), default=0)
    max_age = models.PositiveSmallIntegerField(_("to age"), default=17)
    accepts_siblings = models.BooleanField(_("accepts sibling groups"), default=False)
    accepts_disability = models.BooleanField(_("accepts children with disabilities"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("prospective adopter")
        verbose_name_plural = _("prospective adopters")
        ordering = ["code"]
        indexes = [models.Index(fields=["path", "status"], name="padopter_path_status_idx")]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="padopter_unique_code")]

    def __str__(self) -> str:
        return gettext("Adoption application %(code)s") % {"code": self.code}


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("adoption assignment", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("adoption assignment", "Accepted")
    COMPLETED = "completed", pgettext_lazy("adoption assignment", "Adoption completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("adoption assignment", "Withdrawn")


class AdoptionAssignment(VersionedModel):
    """The match of a child declared adoptable with suitable adopters (the assignment record)."""

    PERSONAL_FIELDS = ("reasons",)

    file = models.ForeignKey(
        "protection.ProtectionFile",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="adoption_assignments",
    )
    adopter = models.ForeignKey(
        ProspectiveAdopter, verbose_name=_("adopters"), on_delete=models.PROTECT, related_name="assignments"
    )
    proposed_on = models.DateField(_("proposed on"))
    reasons = models.TextField(_("why this match"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("adoption assignment")
        verbose_name_plural = _("adoption assignments")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="padoption_one_open_per_file",
            )
        ]

    def __str__(self) -> str:
        return gettext("Adoption assignment %(number)s") % {"number": self.pk}
