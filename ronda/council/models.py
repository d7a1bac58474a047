"""The children's council (Consejo Local de Infancia y Adolescencia): members recorded
minimally, sessions, requests and proposals tracked to an answer in child-friendly
language, and the coordination body's accountability sessions to the council."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import VersionedModel
from ronda.planning.choices import GoalArea

DEFAULT_RESPONSE_DAYS = 30


class CouncilAction(models.TextChoices):
    """The children's council's own audit actions: its meaningful changes, besides the kernel's
    create, update and delete. Registered with the trail where they are declared (no migration)."""

    MEMBER_LEFT = "council_member_left", pgettext_lazy("audit action", "Council member left")
    REQUEST_UNDER_STUDY = "request_under_study", pgettext_lazy("audit action", "Request taken under study")
    REQUEST_ANSWERED = "request_answered", pgettext_lazy("audit action", "Request answered")
    REQUEST_IMPLEMENTED = "request_implemented", pgettext_lazy("audit action", "Request implemented")


class ChildrenCouncil(VersionedModel):
    org_unit = models.OneToOneField(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="children_council"
    )
    name = models.CharField(_("name"), max_length=200)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    response_days = models.PositiveSmallIntegerField(_("days to answer a request"), default=DEFAULT_RESPONSE_DAYS)

    class Meta:
        verbose_name = _("children's council")
        verbose_name_plural = _("children's councils")

    def __str__(self) -> str:
        return self.name


class CouncilAgeBand(models.TextChoices):
    AGE_6_9 = "6-9", _("6 to 9 years")
    AGE_10_12 = "10-12", _("10 to 12 years")
    AGE_13_15 = "13-15", _("13 to 15 years")
    AGE_16_17 = "16-17", _("16 to 17 years")


class CouncilMember(VersionedModel):
    """Only what the council needs: a first name, an age band, a community, the guardian's consent.

    Council members are children: the first name appears on the member list and nowhere else
    (not in ``__str__``, not in the audit trail, not in the API).
    """

    # A child's name never enters the audit trail (it records that it changed, not what it was).
    PERSONAL_FIELDS = ("first_name",)
    NOT_PERSONAL = {"guardian_consent_on": "a date: it identifies nobody"}

    council = models.ForeignKey(
        ChildrenCouncil, verbose_name=_("council"), on_delete=models.CASCADE, related_name="members"
    )
    first_name = models.CharField(_("first name"), max_length=60)
    age_band = models.CharField(_("age band"), max_length=8, choices=CouncilAgeBand.choices)
    community = models.ForeignKey(
        "territory.OrgUnit",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    guardian_consent_on = models.DateField(_("guardian's consent on"))
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["first_name", "id"]

    def __str__(self) -> str:
        # Not the first name: __str__ ends up in audit rows, logs and admin screens.
        return gettext("Council member %(number)s") % {"number": self.pk}

    @property
    def is_active(self) -> bool:
        return self.left_on is None or self.left_on >= timezone.localdate()


class CouncilSession(VersionedModel):
    council = models.ForeignKey(
        ChildrenCouncil, verbose_name=_("council"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    topics = models.TextField(_("topics"), blank=True)
    attendees = models.PositiveSmallIntegerField(_("children present"), default=0)

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d}"


class RequestKind(models.TextChoices):
    REQUEST = "request", _("Request")
    PROPOSAL = "proposal", _("Proposal")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("council request status", "Received")
    UNDER_STUDY = "under_study", pgettext_lazy("council request status", "Under study")
    ACCEPTED = "accepted", pgettext_lazy("council request status", "Answered: accepted")
    PARTLY_ACCEPTED = "partly_accepted", pgettext_lazy("council request status", "Answered: partly accepted")
    REJECTED = "rejected", pgettext_lazy("council request status", "Answered: not accepted")
    IMPLEMENTED = "implemented", pgettext_lazy("council request status", "Implemented")


OPEN_REQUEST_STATUSES = (RequestStatus.RECEIVED, RequestStatus.UNDER_STUDY)
ANSWERED_REQUEST_STATUSES = (
    RequestStatus.ACCEPTED,
    RequestStatus.PARTLY_ACCEPTED,
    RequestStatus.REJECTED,
    RequestStatus.IMPLEMENTED,
)

# The lifecycle: which status may follow which.
REQUEST_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RequestStatus.RECEIVED: (RequestStatus.UNDER_STUDY, *ANSWERED_REQUEST_STATUSES[:3]),
    RequestStatus.UNDER_STUDY: ANSWERED_REQUEST_STATUSES[:3],
    RequestStatus.ACCEPTED: (RequestStatus.IMPLEMENTED,),
    RequestStatus.PARTLY_ACCEPTED: (RequestStatus.IMPLEMENTED,),
    RequestStatus.REJECTED: (),
    RequestStatus.IMPLEMENTED: (),
}


# The one definition of each state of a request, for queries (the properties of CouncilRequest say
# the same of one row). Other domains read the figures through ronda.council.contracts.
IS_OPEN_REQUEST = Q(status__in=OPEN_REQUEST_STATUSES)
ANSWERED_ON_TIME = Q(answered_on__isnull=False, answered_on__lte=models.F("due_on"))


def request_overdue_on(day: datetime.date) -> Q:
    """Open now and past its due date on ``day``."""
    return IS_OPEN_REQUEST & Q(due_on__lt=day)


def request_was_overdue_on(day: datetime.date) -> Q:
    """As things stood on ``day``: received, past due, and not yet answered then (answered later or
    never). For ``day`` = today it selects the same requests as ``request_overdue_on``."""
    return Q(received_on__lte=day, due_on__lt=day) & (Q(answered_on__isnull=True) | Q(answered_on__gt=day))


def member_active_on(day: datetime.date) -> Q:
    """A council member who had joined by ``day`` and not left before it."""
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gte=day))


class CouncilRequestQuerySet(models.QuerySet["CouncilRequest"]):
    def open(self) -> CouncilRequestQuerySet:
        return self.filter(IS_OPEN_REQUEST)

    def overdue(self, today: datetime.date | None = None) -> CouncilRequestQuerySet:
        return self.filter(request_overdue_on(today or timezone.localdate()))


class CouncilRequest(VersionedModel):
    council = models.ForeignKey(
        ChildrenCouncil, verbose_name=_("council"), on_delete=models.CASCADE, related_name="requests"
    )
    session = models.ForeignKey(
        CouncilSession,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices, default=RequestKind.REQUEST)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("what the children ask or propose"))
    goal_area = models.CharField(_("goal area"), max_length=16, choices=GoalArea.choices, blank=True)
    routed_area = models.ForeignKey(
        "territory.Area",
        verbose_name=_("routed to area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    answer = models.TextField(_("answer in child-friendly language"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)

    objects = CouncilRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("council request")
        verbose_name_plural = _("council requests")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="request_due_after_received"),
        ]
        indexes = [models.Index(fields=["council", "status", "due_on"], name="council_request_open_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES and self.due_on < timezone.localdate()

    @property
    def answered_on_time(self) -> bool:
        return self.answered_on is not None and self.answered_on <= self.due_on


class AccountabilitySession(VersionedModel):
    """The coordination body accounts to the children's council."""

    council = models.ForeignKey(
        ChildrenCouncil, verbose_name=_("council"), on_delete=models.CASCADE, related_name="accountability_sessions"
    )
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("what was reported"))
    children_questions = models.TextField(_("children's questions and comments"), blank=True)
    attendees = models.PositiveSmallIntegerField(_("children present"), default=0)

    class Meta:
        verbose_name = _("accountability session")
        verbose_name_plural = _("accountability sessions")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d}"
