"""Consultations and the map of social actors of a municipality (issue #13 item 10, seeds 001 and 002).

A **consultation** records that the municipality listened to someone — a school, families,
associations, the children's council, NGOs — about its child policy: when, how, who took part (a
description and counts, never a child's name), what they said, and what was done with it (the
answer, who gave it, when). It may cite the diagnosis' findings and the plan's measures it bears on
and, for the children's council, the council session where it happened.

The **map of social actors** lists the organisations that can work with the municipality's team
(seed 002's "mapeo de actores sociales"): their kind, role, interest and influence, the relationship
with them, and a contact person. The contact's name, phone and e-mail are personal fields (redacted
from the audit trail, hidden from administrators and analysts: ``policies``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import VersionedModel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The largest count a consultation may give for one group of participants (a city-wide survey).
MAX_COUNT = 100_000


class ConsultationsAction(models.TextChoices):
    """This app's own audit actions, besides the kernel's create, update and delete."""

    CONSULTATION_ANSWERED = (
        "consultation_answered",
        pgettext_lazy("audit action", "Consultation answered"),
    )
    CONSULTATION_CLOSED = "consultation_closed", pgettext_lazy("audit action", "Consultation closed")


class Audience(models.TextChoices):
    SCHOOL = "school", pgettext_lazy("consultation audience", "School community")
    FAMILIES = "families", pgettext_lazy("consultation audience", "Families")
    ASSOCIATIONS = "associations", pgettext_lazy("consultation audience", "Associations")
    CHILDREN_COUNCIL = "children_council", _("Children's council")
    NGOS = "ngos", pgettext_lazy("consultation audience", "NGOs")
    OTHER = "other", pgettext_lazy("consultation audience", "Other")


class Method(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    SURVEY = "survey", pgettext_lazy("consultation method", "Survey")
    INTERVIEW = "interview", pgettext_lazy("consultation method", "Interview")
    ASSEMBLY = "assembly", _("Assembly")
    FOCUS_GROUP = "focus_group", pgettext_lazy("consultation method", "Focus group")
    OTHER = "other", pgettext_lazy("consultation method", "Other")


class ConsultationStatus(models.TextChoices):
    HELD = "held", pgettext_lazy("consultation status", "Held, awaiting an answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("consultation status", "Closed")


# The counts of participants, in the order the pages show them: children by sex and age band (the
# planning workshops' bands), then adults. No name, no age of any one child.
CHILD_COUNTS = ("girls_0_5", "boys_0_5", "girls_6_11", "boys_6_11", "girls_12_17", "boys_12_17")
COUNT_FIELDS = (*CHILD_COUNTS, "adults")


def _count(label: StrOrPromise) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(label, default=0)


class Consultation(VersionedModel):
    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("topic"), max_length=200)
    audience = models.CharField(pgettext_lazy("consultation", "audience"), max_length=20, choices=Audience.choices)
    method = models.CharField(pgettext_lazy("consultation", "method"), max_length=20, choices=Method.choices)
    participants = models.TextField(
        _("who took part"), blank=True, help_text=_("Groups, schools, communities: never a child's name.")
    )
    girls_0_5 = _count(_("girls 0–5"))
    boys_0_5 = _count(_("boys 0–5"))
    girls_6_11 = _count(_("girls 6–11"))
    boys_6_11 = _count(_("boys 6–11"))
    girls_12_17 = _count(_("girls 12–17"))
    boys_12_17 = _count(_("boys 12–17"))
    adults = _count(_("adults"))
    summary = models.TextField(_("what they said"))
    response = models.TextField(_("what was done with it"), blank=True)
    answered_by = models.CharField(
        _("answered by"), max_length=200, blank=True, help_text=_("The body or office that answered.")
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.HELD,
    )
    # The council's session where the children were consulted (a council consultation only).
    council_session = models.ForeignKey(
        "council.CouncilSession",
        verbose_name=_("council session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    findings = models.ManyToManyField("planning.Finding", verbose_name=_("findings"), blank=True, related_name="+")
    measures = models.ManyToManyField("planning.Measure", verbose_name=_("measures"), blank=True, related_name="+")
    actors = models.ManyToManyField(
        "consultations.SocialActor", verbose_name=_("social actors"), blank=True, related_name="consultations"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["municipality", "-held_on"], name="consultation_by_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_on__isnull=True) | models.Q(answered_on__gte=models.F("held_on")),
                name="consultation_answer_after_it",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def children(self) -> int:
        return sum(getattr(self, name) for name in CHILD_COUNTS)

    @property
    def total(self) -> int:
        return self.children + self.adults


class ActorKind(models.TextChoices):
    PUBLIC_INSTITUTION = "public", pgettext_lazy("social actor", "Public institution")
    SCHOOL = "school", pgettext_lazy("social actor", "School")
    NGO = "ngo", pgettext_lazy("social actor", "NGO")
    COMMUNITY = "community", pgettext_lazy("social actor", "Community association")
    COMPANY = "company", pgettext_lazy("social actor", "Private company")
    COOPERATION = "cooperation", pgettext_lazy("social actor", "International cooperation")
    FAITH_BASED = "faith", pgettext_lazy("social actor", "Faith-based organisation")
    OTHER = "other", pgettext_lazy("social actor", "Other")


class Level(models.TextChoices):
    """Interest and influence: the two axes of the map."""

    HIGH = "high", pgettext_lazy("interest or influence", "High")
    MEDIUM = "medium", pgettext_lazy("interest or influence", "Medium")
    LOW = "low", pgettext_lazy("interest or influence", "Low")


class Relationship(models.TextChoices):
    ALLY = "ally", pgettext_lazy("social actor", "Ally")
    COLLABORATOR = "collaborator", pgettext_lazy("social actor", "Occasional collaborator")
    NEUTRAL = "neutral", pgettext_lazy("social actor", "Neutral")
    TO_ENGAGE = "to_engage", pgettext_lazy("social actor", "To engage")
    RESISTANT = "resistant", pgettext_lazy("social actor", "Resistant")


class SocialActor(VersionedModel):
    """An organisation on the municipality's map of social actors. Actors are not deleted when they
    stop working with the team: they become inactive, and the consultations keep naming them."""

    # The contact is a person: their name, phone and e-mail stay out of the audit trail.
    PERSONAL_FIELDS = ("contact_name", "contact_phone", "contact_email")

    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("organisation"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ActorKind.choices)
    role = models.TextField(
        _("role in the system"), blank=True, help_text=_("What it does for children, or could do, with the team.")
    )
    interest = models.CharField(_("interest"), max_length=8, choices=Level.choices)
    influence = models.CharField(_("influence"), max_length=8, choices=Level.choices)
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)
    active = models.BooleanField(_("active"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("social actor")
        verbose_name_plural = _("social actors")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="social_actor_one_name_per_municipality")
        ]

    def __str__(self) -> str:
        # The organisation, never the contact person: __str__ ends up in audit rows.
        return self.name or gettext("Social actor %(number)s") % {"number": self.pk}
