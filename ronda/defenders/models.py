"""The community defensorías of seed 003: a service point per community, its volunteer defenders
and their trainings, the annual work plan (PTA) with activities per component, and the events the
defensoría holds with their attendance counted by sex and age band (counts only: nobody attending
is named)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import VersionedModel


class DefendersAction(models.TextChoices):
    """The defensorías' own audit actions, besides the kernel's create, update and delete."""

    ACTIVITY_DONE = "pta_activity_done", pgettext_lazy("audit action", "Work plan activity done")
    ACTIVITY_CANCELLED = "pta_activity_cancelled", pgettext_lazy("audit action", "Work plan activity cancelled")
    EVENT_HELD = "defensoria_event_held", pgettext_lazy("audit action", "Defensoría event held")


class Component(models.TextChoices):
    """The five components of a PTA (seed 003)."""

    TRAINING = "c1", _("C1 Training")
    ORGANISATION = "c2", _("C2 Organisational strengthening")
    HEALTH = "c3", _("C3 Family and community health")
    LIVELIHOODS = "c4", _("C4 Livelihoods")
    COMMUNICATION = "c5", _("C5 Communication")


class Sex(models.TextChoices):
    FEMALE = "f", pgettext_lazy("sex", "Female")
    MALE = "m", pgettext_lazy("sex", "Male")


class AgeBand(models.TextChoices):
    """The attendance bands of an event: three of childhood and adults."""

    CHILD_0_5 = "0-5", _("Children 0 to 5")
    CHILD_6_11 = "6-11", _("Children 6 to 11")
    CHILD_12_17 = "12-17", _("Adolescents 12 to 17")
    ADULT = "18+", _("Adults")


class Defensoria(VersionedModel):
    # The address and hours of a public service point: what the defensoría publishes to be found.
    NOT_PERSONAL = {"address": "the public address of a community service point, not of a person"}

    community = models.OneToOneField(
        "territory.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT, related_name="defensoria"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("service point"), max_length=255, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("defensoría")
        verbose_name_plural = _("defensorías")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Defender(VersionedModel):
    """A defender of a defensoría: a Ronda user with the defender role, or a volunteer without a login
    (then only the name). The name and phone are an adult volunteer's personal data: the municipality's
    coordinator and supervisor and the defenders of the community see them, aggregates count them."""

    PERSONAL_FIELDS = ("full_name", "phone")
    NOT_PERSONAL = {"sex": "counted by sex in the canton's figures; with no name it identifies nobody"}

    defensoria = models.ForeignKey(
        Defensoria, verbose_name=_("defensoría"), on_delete=models.CASCADE, related_name="defenders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="defender_records",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    since = models.DateField(_("defender since"))
    until = models.DateField(_("defender until"), null=True, blank=True)

    class Meta:
        verbose_name = _("defender")
        verbose_name_plural = _("defenders")
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        # Not the name: __str__ ends up in audit rows and logs.
        return gettext("Defender %(number)s") % {"number": self.pk}


class Training(VersionedModel):
    defender = models.ForeignKey(
        Defender, verbose_name=_("defender"), on_delete=models.CASCADE, related_name="trainings"
    )
    name = models.CharField(_("training"), max_length=200)
    taken_on = models.DateField(_("taken on"))
    hours = models.PositiveSmallIntegerField(_("hours"))

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-taken_on", "id"]

    def __str__(self) -> str:
        return self.name


class WorkPlan(VersionedModel):
    """The annual work plan (Plan de Trabajo Anual, PTA) of a defensoría: one per year."""

    defensoria = models.ForeignKey(
        Defensoria, verbose_name=_("defensoría"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("annual work plan")
        verbose_name_plural = _("annual work plans")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["defensoria", "year"], name="defenders_one_plan_per_year")]

    def __str__(self) -> str:
        return f"PTA {self.year}"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("activity status", "Planned")
    DONE = "done", pgettext_lazy("activity status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("activity status", "Cancelled")


class Activity(VersionedModel):
    plan = models.ForeignKey(WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="activities")
    component = models.CharField(_("component"), max_length=2, choices=Component.choices)
    title = models.CharField(_("title"), max_length=255)
    planned_on = models.DateField(_("planned date"))
    # Who answers for it: a defender, a committee, an allied body (free text, as the PTA writes it).
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices, default="planned")
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("work plan activity")
        verbose_name_plural = _("work plan activities")
        ordering = ["planned_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="defenders_cancelled_has_reason"
            )
        ]

    def __str__(self) -> str:
        return self.title


class EventKind(models.TextChoices):
    TRAINING = "training", pgettext_lazy("event kind", "Training")
    FORUM = "forum", _("Forum")
    HEALTH_FAIR = "health_fair", _("Health fair")
    WALK = "walk", _("Walk")
    GAMES = "games", _("Traditional games")
    ASSEMBLY = "assembly", _("Assembly")
    PARLIAMENTARY = "parliamentary", _("Parliamentary procedure course")
    OTHER = "other", pgettext_lazy("event kind", "Other")


class Event(VersionedModel):
    defensoria = models.ForeignKey(
        Defensoria, verbose_name=_("defensoría"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=255)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    component = models.CharField(_("component"), max_length=2, choices=Component.choices)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("work plan activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    # An event is scheduled until it is marked held (then its date cannot be in the future).
    held = models.BooleanField(_("held"), default=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """How many people of one sex and age band attended an event (a count, never a name)."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attendance")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices)
    count = models.PositiveIntegerField(_("people"))

    NOT_PERSONAL = {"sex": "a count of attendees by sex: it names nobody"}

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["event", "sex", "age_band"], name="defenders_one_count_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.sex} {self.age_band}: {self.count}"
