"""The internal coordination body of a municipality (seed 001): members, commissions,
meetings with agenda, attendance and minutes, agreements, and anonymous questionnaires."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.models import VersionedModel


class CoordinationAction(models.TextChoices):
    """The coordination body's own audit actions: its meaningful changes, besides the kernel's
    create, update and delete. Registered with the trail where they are declared (no migration)."""

    MEETING_CANCELLED = "meeting_cancelled", pgettext_lazy("audit action", "Meeting cancelled")
    ATTENDANCE_RECORDED = "attendance_recorded", pgettext_lazy("audit action", "Attendance recorded")
    MINUTES_WRITTEN = "minutes_written", pgettext_lazy("audit action", "Minutes written")
    MINUTES_APPROVED = "minutes_approved", pgettext_lazy("audit action", "Minutes approved")
    AGREEMENT_STATUS_CHANGED = "agreement_status_changed", pgettext_lazy("audit action", "Agreement status changed")
    AGREEMENT_COMPLETED = "agreement_completed", pgettext_lazy("audit action", "Agreement fulfilled")
    AGREEMENT_CANCELLED = "agreement_cancelled", pgettext_lazy("audit action", "Agreement cancelled")
    MEMBER_LEFT = "body_member_left", pgettext_lazy("audit action", "Member left the body")
    QUESTIONNAIRE_CLOSED = "questionnaire_closed", pgettext_lazy("audit action", "Questionnaire round closed")
    AGENDA_ITEM_PROPOSED = "agenda_item_proposed", pgettext_lazy("audit action", "Agenda item proposed")
    AGENDA_PROPOSAL_ACCEPTED = "agenda_proposal_accepted", pgettext_lazy("audit action", "Agenda proposal accepted")
    AGENDA_PROPOSAL_DECLINED = "agenda_proposal_declined", pgettext_lazy("audit action", "Agenda proposal declined")
    MEETING_CONVENED = "meeting_convened", pgettext_lazy("audit action", "Meeting convened")
    INVITATION_ANSWERED = "invitation_answered", pgettext_lazy("audit action", "Invitation answered")
    REMINDERS_CHANGED = "meeting_reminders_changed", pgettext_lazy("audit action", "Meeting reminders changed")


def default_reminder_days() -> list[int]:
    """Three days before a meeting and the day before (the seed's practice)."""
    return [3, 1]


class CoordinationBody(VersionedModel):
    org_unit = models.OneToOneField(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="coordination_body"
    )
    name = models.CharField(_("name"), max_length=200)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    safeguarding_protocol = models.TextField(_("safeguarding protocol"), blank=True)
    # The municipality's coat of arms for the letterhead of the acta and the convocatoria: the name,
    # in the default storage, of a PNG the service re-encoded from the upload. A name, not a
    # FileField, so that the audit trail records it as the plain value it is.
    coat_of_arms = models.CharField(_("coat of arms"), max_length=255, blank=True)
    # The areas that drive the body's work ("motor interno", seed 001): usually the childhood area
    # and the mayor's office.
    lead_areas = models.ManyToManyField("territory.Area", verbose_name=_("lead areas"), blank=True, related_name="+")
    # How many days before a convened meeting its invitees get a reminder, e.g. [3, 1] (issue #13);
    # ``services.convocation.set_reminder_days`` checks the values.
    reminder_days = models.JSONField(_("reminders (days before)"), default=default_reminder_days, blank=True)

    class Meta:
        verbose_name = _("coordination body")
        verbose_name_plural = _("coordination bodies")

    def __str__(self) -> str:
        return self.name


class MemberLevel(models.TextChoices):
    POLITICAL = "political", _("Political")
    TECHNICAL = "technical", _("Technical")


class BodyMember(VersionedModel):
    # Contact data never enters the audit trail (it records that it changed, not what it was).
    PERSONAL_FIELDS = ("email", "phone")
    NOT_PERSONAL = {"full_name": "members of an official body, named in its minutes"}
    body = models.ForeignKey(CoordinationBody, verbose_name=_("body"), on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
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
    level = models.CharField(_("level"), max_length=16, choices=MemberLevel.choices)
    position = models.CharField(_("position"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Ronda user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    start_date = models.DateField(_("member from"))
    end_date = models.DateField(_("member until"), null=True, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class Commission(VersionedModel):
    body = models.ForeignKey(
        CoordinationBody, verbose_name=_("body"), on_delete=models.CASCADE, related_name="commissions"
    )
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    members = models.ManyToManyField(BodyMember, verbose_name=_("members"), blank=True, related_name="commissions")

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["body", "name"], name="commission_unique_name")]

    def __str__(self) -> str:
        return self.name


class MeetingKind(models.TextChoices):
    ORDINARY = "ordinary", pgettext_lazy("meeting kind", "Ordinary")
    EXTRAORDINARY = "extraordinary", pgettext_lazy("meeting kind", "Extraordinary")
    URGENT = "urgent", pgettext_lazy("meeting kind", "Urgent")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting status", "Scheduled")
    HELD = "held", pgettext_lazy("meeting status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class MinutesStatus(models.TextChoices):
    NONE = "none", pgettext_lazy("minutes status", "No minutes yet")
    DRAFT = "draft", pgettext_lazy("minutes status", "Draft")
    APPROVED = "approved", pgettext_lazy("minutes status", "Approved")


class Meeting(VersionedModel):
    body = models.ForeignKey(
        CoordinationBody, verbose_name=_("body"), on_delete=models.CASCADE, related_name="meetings"
    )
    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.ORDINARY)
    mode = models.CharField(_("mode"), max_length=16, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    scheduled_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    link = models.URLField(_("link"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    minutes_text = models.TextField(_("discussion (minutes)"), blank=True)
    minutes_status = models.CharField(
        _("minutes"), max_length=16, choices=MinutesStatus.choices, default=MinutesStatus.NONE
    )
    # People who attended without being members (guests, invited experts), one per line as the acta
    # names them: "name, institution or position".
    guests = models.TextField(_("invited guests"), blank=True)
    # What the meeting is meant to achieve: on its page, the convocatoria and the acta.
    objectives = models.TextField(_("objectives"), blank=True)
    # When the coordinator sent the convocation to the invitees (the last time, if sent again):
    # from then on, changes and the cancellation are e-mailed to them.
    convened_at = models.DateTimeField(_("convened on"), null=True, blank=True)
    # What the acta records of the session itself (local times), and who signs it.
    started_at = models.TimeField(_("started at"), null=True, blank=True)
    ended_at = models.TimeField(_("ended at"), null=True, blank=True)
    chaired_by = models.ForeignKey(
        BodyMember, verbose_name=_("chaired by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        BodyMember,
        verbose_name=_("secretary of the meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The acta's number, one series per body and calendar year, given when the minutes are approved
    # (a draft has none: numbers follow the official record, and a draft never leaves a gap).
    minutes_year = models.PositiveSmallIntegerField(_("minutes year"), null=True, blank=True)
    minutes_number = models.PositiveIntegerField(_("minutes number"), null=True, blank=True)
    # Minutes are approved at a later meeting, which is recorded here.
    minutes_approved_at = models.ForeignKey(
        "self",
        verbose_name=_("minutes approved at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_minutes",
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-scheduled_at"]
        indexes = [models.Index(fields=["body", "scheduled_at"], name="meeting_body_date_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "minutes_year", "minutes_number"], name="meeting_minutes_number_unique"
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.scheduled_at)
        return f"{self.get_kind_display()} {local:%Y-%m-%d}"

    @property
    def minutes_reference(self) -> str:
        """The acta's number as it is cited: "3-2026" (empty until the minutes are approved)."""
        if self.minutes_number is None:
            return ""
        return f"{self.minutes_number}-{self.minutes_year}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("item"), max_length=255)
    presenter = models.ForeignKey(
        BodyMember, verbose_name=_("presenter"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes_allotted = models.PositiveSmallIntegerField(_("minutes allotted"), default=10)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("agenda proposal status", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("agenda proposal status", "Accepted")
    DECLINED = "declined", pgettext_lazy("agenda proposal status", "Declined")


class AgendaProposal(VersionedModel):
    """An item a member of the body asks to put on the agenda of a coming meeting; the coordinator
    accepts it (it becomes an agenda item) or declines it with a reason (issue #13)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_proposals"
    )
    title = models.CharField(_("item"), max_length=255)
    reason = models.TextField(_("why it should be discussed"), blank=True)
    proposed_by = models.ForeignKey(
        BodyMember, verbose_name=_("proposed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("answer to the member"), blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("agenda proposal")
        verbose_name_plural = _("agenda proposals")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(BodyMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("attendance"), max_length=16, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_status_display()}"


class RsvpStatus(models.TextChoices):
    NO_ANSWER = "no_answer", pgettext_lazy("invitation answer", "No answer yet")
    YES = "yes", pgettext_lazy("invitation answer", "Will attend")
    NO = "no", pgettext_lazy("invitation answer", "Will not attend")
    MAYBE = "maybe", pgettext_lazy("invitation answer", "Maybe")


class MeetingInvitation(VersionedModel):
    """One person called to a meeting (issue #13): a member of the body, or a guest (staff of
    another area, someone from outside) with a name, an organisation and an e-mail. A guest answers
    through a private link: only the SHA-256 of its token is kept, as for a calendar feed."""

    # A guest's name and address are theirs; the token's hash is a credential: neither enters the trail.
    PERSONAL_FIELDS = ("guest_name", "guest_email", "token_hash")
    NOT_PERSONAL = {"guest_organisation": "the institution a guest represents, named in the acta"}

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    member = models.ForeignKey(
        BodyMember, verbose_name=_("member"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    guest_name = models.CharField(_("guest's name"), max_length=200, blank=True)
    guest_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    guest_email = models.EmailField(_("guest's e-mail"), blank=True)
    rsvp = models.CharField(
        pgettext_lazy("invitation", "answer"), max_length=16, choices=RsvpStatus.choices, default=RsvpStatus.NO_ANSWER
    )
    rsvp_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    sent_at = models.DateTimeField(_("convocation sent on"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # A guest's attendance, recorded with the members' (None: not recorded).
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["member__full_name", "guest_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=Q(member__isnull=False), name="invitation_member_once"
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False, guest_email="") | Q(member__isnull=True) & ~Q(guest_email=""),
                name="invitation_member_or_guest",
            ),
        ]

    def __str__(self) -> str:
        return self.member.full_name if self.member is not None else self.guest_name

    @property
    def is_guest(self) -> bool:
        return self.member_id is None

    @property
    def name(self) -> str:
        return self.member.full_name if self.member is not None else self.guest_name


class ReminderSent(models.Model):
    """That the reminder ``days_before`` a meeting went out: the unique row makes it once, even when
    two runs of the job overlap."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField(_("days before"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["meeting", "days_before"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id} -{self.days_before}d"


class AgreementStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("agreement status", "Pending")
    IN_PROGRESS = "in_progress", pgettext_lazy("agreement status", "In progress")
    DONE = "done", pgettext_lazy("agreement status", "Fulfilled")
    CANCELLED = "cancelled", pgettext_lazy("agreement status", "Cancelled")


OPEN_AGREEMENT_STATUSES = (AgreementStatus.PENDING, AgreementStatus.IN_PROGRESS)

# The one definition of each state of an agreement, for queries (the properties below say the same
# of one row). Other domains read the figures through ronda.coordination.contracts.
IS_OPEN = Q(status__in=OPEN_AGREEMENT_STATUSES)
FULFILLED = Q(status=AgreementStatus.DONE)
# A fulfilment date before the meeting that adopted the agreement is impossible (data from before the
# services refused it): such an agreement counts as fulfilled, never as fulfilled on time.
_ADOPTED_ON = TruncDate("meeting__scheduled_at")
_IMPOSSIBLE_COMPLETION = Q(meeting__isnull=False) & Q(completed_on__lt=_ADOPTED_ON)
FULFILLED_ON_TIME = (
    FULFILLED
    & Q(completed_on__isnull=False, completed_on__lte=F("due_date"))
    & (Q(meeting__isnull=True) | Q(completed_on__gte=_ADOPTED_ON))
)
# The complement of "on time" among the fulfilled ones, so that on time + late = fulfilled.
FULFILLED_LATE = FULFILLED & (Q(completed_on__isnull=True) | Q(completed_on__gt=F("due_date")) | _IMPOSSIBLE_COMPLETION)


def is_overdue_on(today: datetime.date) -> Q:
    return IS_OPEN & Q(due_date__lt=today)


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def open(self) -> AgreementQuerySet:
        return self.filter(IS_OPEN)

    def overdue(self, today: datetime.date | None = None) -> AgreementQuerySet:
        return self.filter(is_overdue_on(today or timezone.localdate()))


class Agreement(VersionedModel):
    body = models.ForeignKey(
        CoordinationBody, verbose_name=_("body"), on_delete=models.CASCADE, related_name="agreements"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements"
    )
    text = models.TextField(_("agreement"))
    owner_area = models.ForeignKey(
        "territory.Area",
        verbose_name=_("owner area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_member = models.ForeignKey(
        BodyMember, verbose_name=_("owner member"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The allied institutions the agreement names as co-responsible (issue #13 item 6): their focal
    # points see it and follow it up. ``services.agreements`` checks that each serves the municipality.
    institutions = models.ManyToManyField(
        "territory.Institution", verbose_name=_("co-responsible institutions"), blank=True, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.PENDING
    )
    completed_on = models.DateField(_("fulfilled on"), null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_area__isnull=False) | Q(owner_member__isnull=False), name="agreement_has_owner"
            )
        ]
        indexes = [models.Index(fields=["body", "status", "due_date"], name="agreement_open_idx")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_AGREEMENT_STATUSES and self.due_date < timezone.localdate()

    @property
    def adopted_on(self) -> datetime.date | None:
        """The local date of the meeting that adopted the agreement (None when it has none)."""
        return timezone.localtime(self.meeting.scheduled_at).date() if self.meeting is not None else None

    @property
    def fulfilled_on_time(self) -> bool:
        """The same as ``FULFILLED_ON_TIME``, for one row (reads ``meeting``: select it)."""
        if self.status != AgreementStatus.DONE or self.completed_on is None or self.completed_on > self.due_date:
            return False
        adopted = self.adopted_on
        return adopted is None or self.completed_on >= adopted


class AgreementNote(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("follow-up note"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:80]


# --- Anonymous member questionnaire ---------------------------------------------------
class QuestionnaireRound(VersionedModel):
    body = models.ForeignKey(
        CoordinationBody, verbose_name=_("body"), on_delete=models.CASCADE, related_name="questionnaire_rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    opened_on = models.DateField(_("opened on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    is_closed = models.BooleanField(pgettext_lazy("questionnaire round", "closed"), default=False)

    class Meta:
        verbose_name = _("questionnaire round")
        verbose_name_plural = _("questionnaire rounds")
        ordering = ["-opened_on"]

    def __str__(self) -> str:
        return self.title


class QuestionnaireResponse(models.Model):
    """The answers, with nothing that points to who gave them (no member, no timestamp, and a
    random id so that insertion order cannot be matched against the receipts)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        QuestionnaireRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="responses"
    )
    likert = models.JSONField(_("answers"), default=dict)
    comments = models.JSONField(_("comments"), default=dict)

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"


class QuestionnaireReceipt(models.Model):
    """Who has answered (so each member answers once), never what they answered."""

    round = models.ForeignKey(
        QuestionnaireRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="receipts"
    )
    member = models.ForeignKey(BodyMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("questionnaire receipt")
        verbose_name_plural = _("questionnaire receipts")
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="questionnaire_answer_once")]

    def __str__(self) -> str:
        return f"{self.round} · {self.member}"
