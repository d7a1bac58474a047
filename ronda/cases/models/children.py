"""Children and their caregivers: the personal records of the community case route (issue #11, item 2).

One child, one record: registration looks for a child already registered (``cases.duplicates``) before
creating one. The ``*_key`` columns hold folded, phonetic forms of the names so that the candidates come
from an indexed query (decision 0023); they are personal data too (a name can be read back from them).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import VersionedModel

# The child's names and every detail that could single them out never enter the audit trail.
CHILD_PERSONAL_FIELDS = (
    "first_names",
    "paternal_surname",
    "maternal_surname",
    "alias",
    "sex",
    "birth_date",
    "estimated_age",
    "age_estimated_on",
    "document_type",
    "document_number",
    "disability",
    "ethnicity",
    "migrant_status",
    "school",
    "views_and_wishes",
    "given_key",
    "paternal_key",
    "maternal_key",
    "birth_year",
    "search_text",
)


class CasesAction(models.TextChoices):
    """The cases' own audit actions, besides the kernel's create, update and delete."""

    DUPLICATE_REVIEW_REQUESTED = (
        "duplicate_review_requested",
        pgettext_lazy("audit action", "Duplicate review requested"),
    )
    CHILDREN_MERGED = "children_merged", pgettext_lazy("audit action", "Child records merged")
    CHILDREN_UNMERGED = "children_unmerged", pgettext_lazy("audit action", "Child records separated again")
    DUPLICATE_REVIEWED = "duplicate_reviewed", pgettext_lazy("audit action", "Possible duplicate reviewed")


class Sex(models.TextChoices):
    FEMALE = "female", pgettext_lazy("sex", "Female")
    MALE = "male", pgettext_lazy("sex", "Male")


class DocumentType(models.TextChoices):
    NATIONAL_ID = "national_id", _("National identity card")
    PASSPORT = "passport", _("Passport")
    REFUGEE_ID = "refugee_id", _("Refugee identity document")
    OTHER = "other", pgettext_lazy("document type", "Other")


class Disability(models.TextChoices):
    NONE = "none", pgettext_lazy("disability", "None")
    PHYSICAL = "physical", pgettext_lazy("disability", "Physical")
    INTELLECTUAL = "intellectual", pgettext_lazy("disability", "Intellectual")
    SENSORY = "sensory", pgettext_lazy("disability", "Sensory (sight, hearing)")
    PSYCHOSOCIAL = "psychosocial", pgettext_lazy("disability", "Psychosocial")
    MULTIPLE = "multiple", pgettext_lazy("disability", "Multiple")


class Ethnicity(models.TextChoices):
    # Ecuador's census categories (INEC); other countries add theirs here.
    MESTIZO = "mestizo", pgettext_lazy("ethnicity", "Mestizo")
    INDIGENOUS = "indigenous", pgettext_lazy("ethnicity", "Indigenous")
    AFRO = "afro", pgettext_lazy("ethnicity", "Afro-descendant")
    MONTUBIO = "montubio", pgettext_lazy("ethnicity", "Montubio")
    WHITE = "white", pgettext_lazy("ethnicity", "White")
    OTHER = "other", pgettext_lazy("ethnicity", "Other")


class MigrantStatus(models.TextChoices):
    NATIONAL = "national", pgettext_lazy("migrant status", "National, not a migrant")
    MIGRANT = "migrant", pgettext_lazy("migrant status", "Migrant")
    REFUGEE = "refugee", pgettext_lazy("migrant status", "Refugee or asylum seeker")
    RETURNED = "returned", pgettext_lazy("migrant status", "Returned migrant")


class Child(VersionedModel):
    PERSONAL_FIELDS = CHILD_PERSONAL_FIELDS

    first_names = models.CharField(_("first names"), max_length=120, blank=True)
    paternal_surname = models.CharField(_("first surname"), max_length=60, blank=True)
    maternal_surname = models.CharField(_("second surname"), max_length=60, blank=True)
    alias = models.CharField(_("known as"), max_length=60, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    # An estimated age grows: it is the age on this day.
    age_estimated_on = models.DateField(_("age estimated on"), null=True, blank=True)
    community = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    # The community's municipality, kept on the row: the scope of supervisors and of the duplicate search.
    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    document_type = models.CharField(_("document type"), max_length=16, choices=DocumentType.choices, blank=True)
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    disability = models.CharField(_("disability"), max_length=16, choices=Disability.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=16, choices=Ethnicity.choices, blank=True)
    migrant_status = models.CharField(_("migrant status"), max_length=16, choices=MigrantStatus.choices, blank=True)
    school = models.CharField(_("school"), max_length=200, blank=True)
    views_and_wishes = models.TextField(_("the child's own views and wishes"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A record found to be the same child as another: kept (its history and caregivers stay), hidden
    # from lists and searches, pointing to the record that goes on. Undone by clearing it.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    merged_at = models.DateTimeField(_("merged on"), null=True, blank=True)
    # Search keys (cases.duplicates.keys_of), written by the services with the names.
    given_key = models.CharField(max_length=40, blank=True, editable=False)
    paternal_key = models.CharField(max_length=40, blank=True, editable=False)
    maternal_key = models.CharField(max_length=40, blank=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(null=True, editable=False)
    # Accent- and case-free "first names surnames alias", for the list's name search.
    search_text = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["paternal_surname", "maternal_surname", "first_names", "id"]
        indexes = [
            models.Index(fields=["municipality", "paternal_key"], name="child_muni_paternal_idx"),
            models.Index(fields=["municipality", "maternal_key"], name="child_muni_maternal_idx"),
            models.Index(fields=["municipality", "given_key", "birth_year"], name="child_muni_given_idx"),
            models.Index(fields=["community", "registered_by"], name="child_community_reg_idx"),
            models.Index(fields=["municipality", "search_text", "id"], name="child_muni_search_idx"),
        ]

    def __str__(self) -> str:
        # Never the name: __str__ ends up in audit rows, access events and logs.
        return gettext("Child %(number)s") % {"number": self.pk}

    @property
    def surnames(self) -> str:
        return " ".join(s for s in (self.paternal_surname, self.maternal_surname) if s)

    @property
    def display_name(self) -> str:
        """What a page that may show the child calls them: names and surnames, or the alias."""
        name = " ".join(s for s in (self.first_names, self.surnames) if s)
        if name and self.alias:
            return f"{name} ({self.alias})"
        return name or self.alias

    def age_on(self, day: dt.date | None = None) -> int | None:
        """Age in whole years on ``day``: from the birth date, or the estimate grown since it was made."""
        day = day or timezone.localdate()
        if self.birth_date is not None:
            before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
            return day.year - self.birth_date.year - before_birthday
        if self.estimated_age is not None and self.age_estimated_on is not None:
            grown = day.year - self.age_estimated_on.year
            if (day.month, day.day) < (self.age_estimated_on.month, self.age_estimated_on.day):
                grown -= 1
            return self.estimated_age + max(grown, 0)
        return None

    @property
    def age_is_estimated(self) -> bool:
        return self.birth_date is None


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GRANDMOTHER = "grandmother", _("Grandmother")
    GRANDFATHER = "grandfather", _("Grandfather")
    AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
    SIBLING = "sibling", _("Brother or sister")
    STEPPARENT = "stepparent", _("Stepmother or stepfather")
    LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NOT_RELATED = "not_related", _("Not related")


class Caregiver(VersionedModel):
    """A caregiver or household member of a child: an adult's personal data, read like the child's."""

    PERSONAL_FIELDS = ("first_names", "surnames", "phone", "name_key")
    NOT_PERSONAL = {"is_main_caregiver": "a flag: which of the child's caregivers is the main one"}

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="caregivers")
    first_names = models.CharField(_("first names"), max_length=120)
    surnames = models.CharField(_("surnames"), max_length=120, blank=True)
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    lives_with_child = models.BooleanField(_("lives with the child"), default=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_main_caregiver = models.BooleanField(_("main caregiver"), default=False)
    # Folded first names and surnames, compared by the duplicate search.
    name_key = models.CharField(max_length=240, blank=True, editable=False)

    class Meta:
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")
        ordering = ["-is_main_caregiver", "id"]

    def __str__(self) -> str:
        return gettext("Caregiver %(number)s") % {"number": self.pk}

    @property
    def display_name(self) -> str:
        return " ".join(s for s in (self.first_names, self.surnames) if s)


class ReviewStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("duplicate review", "Waiting for the supervisor")
    DONE = "done", pgettext_lazy("duplicate review", "Reviewed")


class DuplicateReview(models.Model):
    """A request to the municipality's supervisor to look at a possible match the requester may not read.

    It names the existing record and why it looked alike, never the names typed by the requester
    beyond what the requester registers (``new_child``, once registered).
    """

    candidate = models.ForeignKey(Child, verbose_name=_("possible match"), on_delete=models.CASCADE, related_name="+")
    new_child = models.ForeignKey(
        Child,
        verbose_name=_("child being registered"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.JSONField(_("reasons"), default=list)
    score = models.FloatField(_("score"))
    status = models.CharField(_("status"), max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate review request")
        verbose_name_plural = _("duplicate review requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "status"], name="dupreview_muni_status_idx")]

    def __str__(self) -> str:
        return gettext("Duplicate review %(number)s") % {"number": self.pk}
