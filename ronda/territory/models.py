"""The territory: one org-unit tree, the areas of municipal governments, and institutions.

Subtree queries use a materialised path: every unit stores the ids of its ancestors and
itself, each as a fixed-width segment (``00000001.00000042.``). "Everything under X" is
``path__startswith=X.path``, which a ``PathField`` compiles to the index range
``X.path <= path < X.path'`` on both databases (``ronda/core/fields.py``).
"""

from __future__ import annotations

import uuid
import zoneinfo
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.fields import PathField
from ronda.core.models import VersionedModel
from ronda.core.uids import generate_uid

PATH_SEGMENT_WIDTH = 8


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}."


class TerritoryAction(models.TextChoices):
    """The territory's own audit actions: switching units, areas and institutions off and on again,
    besides the kernel's create, update and delete. Registered with the trail where they are declared."""

    ORG_UNIT_DEACTIVATED = "org_unit_deactivated", pgettext_lazy("audit action", "Org unit deactivated")
    ORG_UNIT_REACTIVATED = "org_unit_reactivated", pgettext_lazy("audit action", "Org unit reactivated")
    AREA_DEACTIVATED = "area_deactivated", pgettext_lazy("audit action", "Area deactivated")
    AREA_REACTIVATED = "area_reactivated", pgettext_lazy("audit action", "Area reactivated")
    INSTITUTION_DEACTIVATED = "institution_deactivated", pgettext_lazy("audit action", "Institution deactivated")
    INSTITUTION_REACTIVATED = "institution_reactivated", pgettext_lazy("audit action", "Institution reactivated")


class Level(models.IntegerChoices):
    COUNTRY = 1, _("Country")
    REGION = 2, _("Region")
    MUNICIPALITY = 3, _("Municipality")
    COMMUNITY = 4, _("Community")


def validate_time_zone(value: str) -> None:
    """An IANA time zone name that this server knows (``America/Guayaquil``)."""
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value}, code="time_zone")


validate_currency = RegexValidator(r"^[A-Z]{3}$", _("Enter an ISO 4217 currency code: three capital letters."))


def coat_of_arms_path(instance: OrgUnit, filename: str) -> str:
    # A random name: the upload's own name never reaches the disk or a URL.
    return f"identity/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def within(self, unit: OrgUnit) -> OrgUnitQuerySet:
        """The unit and everything below it."""
        return self.filter(path__startswith=unit.path)

    def within_any(self, paths: list[str]) -> OrgUnitQuerySet:
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)

    def active(self) -> OrgUnitQuerySet:
        return self.filter(is_active=True)


class OrgUnit(VersionedModel):
    code = models.CharField(_("code"), max_length=50, unique=True)
    # The DHIS2-style identifier a DHIS2 client or a ministry's DHIS2 knows the unit by (issue #10).
    uid = models.CharField(_("uid"), max_length=11, unique=True, default=generate_uid, editable=False)
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of ids, filled in by the service right after insert.
    path = PathField(_("path"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    geometry = models.JSONField(_("GeoJSON geometry"), null=True, blank=True)
    # {"female": {"0-5": 120, "6-11": 98, ...}, "male": {...}} — used as denominators for rates.
    child_population = models.JSONField(_("child population by sex and age band"), default=dict, blank=True)
    # Set on the country; a unit below inherits the nearest one set (Mexico spans several zones, so a
    # region or municipality may set its own). Read them through territory.selectors.
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("ISO 4217 code of the money its budgets are in (USD, CRC, MXN); blank: the parent's."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("IANA name (America/Guayaquil); blank: the parent's."),
    )

    # The municipality's identity on pages and documents (``territory.identity``): set by its
    # coordinator; blank, Ronda's own look.
    official_name = models.CharField(
        _("official name"),
        max_length=255,
        blank=True,
        help_text=_("As it appears on official documents, e.g. Gobierno Autónomo Descentralizado Municipal de Cuenca."),
    )
    coat_of_arms = models.FileField(_("coat of arms"), upload_to=coat_of_arms_path, max_length=255, blank=True)
    colour = models.CharField(_("colour"), max_length=7, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        indexes = [
            # In byte order, one plain btree serves the subtree range and ORDER BY path.
            models.Index(fields=["path"], name="orgunit_path_idx"),
            models.Index(fields=["parent", "name"], name="orgunit_parent_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="orgunit_level_range"),
            models.CheckConstraint(
                condition=Q(level=Level.COUNTRY, parent__isnull=True)
                | Q(level__gt=Level.COUNTRY, parent__isnull=False),
                name="orgunit_only_countries_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return len(self.path) // (PATH_SEGMENT_WIDTH + 1)

    def ancestor_ids(self) -> list[int]:
        return [int(seg) for seg in self.path.split(".") if seg][:-1]

    def ancestors(self) -> OrgUnitQuerySet:
        return OrgUnit.objects.filter(pk__in=self.ancestor_ids()).order_by("path")

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)

    def municipality_id(self) -> int | None:
        """The id of the municipality this unit is (or lies in), if any."""
        ids = [int(seg) for seg in self.path.split(".") if seg]
        return ids[Level.MUNICIPALITY - 1] if len(ids) >= Level.MUNICIPALITY else None


class AreaKind(models.TextChoices):
    # The mayor's office: the political level of the municipal government (seed 001's "backing").
    MAYORS_OFFICE = "mayors_office", pgettext_lazy("area kind", "Mayor's office")
    CHILDHOOD = "childhood", _("Childhood and adolescence")
    SOCIAL = "social", _("Social services")
    EDUCATION = "education", pgettext_lazy("area kind", "Education")
    HEALTH = "health", pgettext_lazy("area kind", "Health")
    SPORTS = "sports", _("Sports")
    CULTURE = "culture", _("Culture")
    PUBLIC_WORKS = "public_works", _("Public works and infrastructure")
    FINANCE = "finance", _("Finance")
    PLANNING = "planning", _("Planning")
    SECURITY = "security", _("Public safety")
    COMMUNICATION = "communication", _("Communication")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", pgettext_lazy("area kind", "Other")


class Area(VersionedModel):
    """An area of a municipal government (infancia, salud, educación …)."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="areas"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AreaKind.choices)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["org_unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="area_unique_name_per_unit")]

    def __str__(self) -> str:
        return self.name


class InstitutionKind(models.TextChoices):
    CHILD_PROTECTION_AGENCY = "protection_agency", _("Child protection agency")
    PROTECTION_BOARD = "protection_board", _("Rights protection board")
    POLICE = "police", _("Specialised police")
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    COURT = "court", _("Family court")
    FAMILY_WELFARE = "family_welfare", _("Family welfare system (DIF)")
    HEALTH = "health", _("Health centre")
    EDUCATION = "education", pgettext_lazy("institution kind", "School")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", pgettext_lazy("area kind", "Other")


class Institution(VersionedModel):
    """An allied body outside the municipality: the referral directory."""

    NOT_PERSONAL = {
        "address": "an institution's public contact (the referral directory)",
        "phone": "an institution's public contact (the referral directory)",
        "email": "an institution's public contact (the referral directory)",
    }

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="seated_institutions"
    )
    jurisdiction = models.ManyToManyField(
        OrgUnit, verbose_name=_("jurisdiction"), related_name="institutions_with_jurisdiction", blank=True
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.acronym} — {self.name}" if self.acronym else self.name


class InstitutionService(models.Model):
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("service"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
