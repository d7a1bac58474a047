"""Cases of the community route (issue #11, items 3-4): a rights violation of one child, followed by
the community's defenders from registration to closure (decision 0025).

A case hangs from a child (``children.Child``), a community and its municipality; its owner is a
defender and other users may be assigned. The route is explicit: every change of state is a
``CaseEvent`` (who, when, from, to, why), and so are assignments, transfers and reopenings. The
free texts (description, findings, notes, agreements) tell a child's story: they are personal fields,
never in the audit trail.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.models import AppendOnlyModel, VersionedModel
from ronda.territory.models import InstitutionKind

if TYPE_CHECKING:
    from ronda.accounts.models import User


class CaseAction(models.TextChoices):
    """The case route's audit actions, besides the kernel's create, update and delete."""

    CASE_OPENED = "case_opened", pgettext_lazy("audit action", "Case opened")
    CASE_MOVED = "case_moved", pgettext_lazy("audit action", "Case moved along the route")
    CASE_CLOSED = "case_closed", pgettext_lazy("audit action", "Case closed")
    CLOSURE_REQUESTED = "case_closure_requested", pgettext_lazy("audit action", "Case closure requested")
    CLOSURE_RETURNED = "case_closure_returned", pgettext_lazy("audit action", "Case closure not approved")
    CASE_REOPENED = "case_reopened", pgettext_lazy("audit action", "Case reopened")
    CASE_ASSIGNED = "case_assigned", pgettext_lazy("audit action", "Case reassigned")
    CASE_TRANSFERRED = "case_transferred", pgettext_lazy("audit action", "Case transferred")
    PLAN_SUBMITTED = "case_plan_submitted", pgettext_lazy("audit action", "Case plan sent for approval")
    PLAN_APPROVED = "case_plan_approved", pgettext_lazy("audit action", "Case plan approved")
    PLAN_RETURNED = "case_plan_returned", pgettext_lazy("audit action", "Case plan returned")
    REFERRAL_SENT = "case_referral_sent", pgettext_lazy("audit action", "Referral sent")
    REFERRAL_UPDATED = "case_referral_updated", pgettext_lazy("audit action", "Referral status changed")
    CONSENT_OVERRIDDEN = "consent_overridden", pgettext_lazy("audit action", "Referral without consent authorised")
    EXPORT_REQUESTED = "case_export_requested", pgettext_lazy("audit action", "Case list exported")


# --- Taxonomy ----------------------------------------------------------------------------------
class ViolationType(VersionedModel):
    """A kind of rights violation, in a country's own taxonomy (Ecuador's Code of Childhood, Costa
    Rica's PANI, Mexico's LGDNNA each have theirs). Some require a referral to an authority within a
    deadline (sexual violence to the prosecutor's office in 24 hours); some make a case sensitive."""

    country = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    requires_referral_to = models.CharField(
        _("mandatory referral to"), max_length=32, choices=InstitutionKind.choices, blank=True
    )
    referral_deadline_hours = models.PositiveIntegerField(_("referral deadline (hours)"), null=True, blank=True)
    makes_sensitive = models.BooleanField(_("makes the case sensitive"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("violation type")
        verbose_name_plural = _("violation types")
        ordering = ["country", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="violationtype_unique_code")]

    def __str__(self) -> str:
        return self.name


# --- The case ----------------------------------------------------------------------------------
class CaseState(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("case state", "Registered")
    VISITS = "visits", pgettext_lazy("case state", "Family visits")
    MEDIATION = "mediation", pgettext_lazy("case state", "Mediation")
    REFERRAL = "referral", pgettext_lazy("case state", "Referral")
    FOLLOW_UP = "follow_up", pgettext_lazy("case state", "Follow-up")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")


# The route, in order: a step forward skips the ones between only with a recorded reason.
ROUTE = (
    CaseState.REGISTERED,
    CaseState.VISITS,
    CaseState.MEDIATION,
    CaseState.REFERRAL,
    CaseState.FOLLOW_UP,
    CaseState.CLOSED,
)
OPEN_STATES = tuple(s for s in ROUTE if s != CaseState.CLOSED)


class Risk(models.TextChoices):
    HIGH = "high", pgettext_lazy("risk", "High")
    MEDIUM = "medium", pgettext_lazy("risk", "Medium")
    LOW = "low", pgettext_lazy("risk", "Low")


RISK_GUIDANCE = {
    Risk.HIGH: _(
        "The child's life, health or safety is in danger now, or sexual violence is suspected: act today "
        "and refer within the deadline."
    ),
    Risk.MEDIUM: _("The child's rights are being harmed but there is no immediate danger: visit within a week."),
    Risk.LOW: _("A risk that can be worked on with the family and the community: visit within a month."),
}
# Days to the first visit by risk: the default due date of the first task.
FIRST_VISIT_DAYS = {Risk.HIGH: 1, Risk.MEDIUM: 7, Risk.LOW: 30}


class ReporterType(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    CHILD = "child", _("The child themself")
    FAMILY = "family", _("Family member")
    NEIGHBOUR = "neighbour", _("Neighbour or community member")
    SCHOOL = "school", pgettext_lazy("reporter", "School")
    HEALTH = "health", pgettext_lazy("reporter", "Health service")
    POLICE = "police", _("Police")
    DEFENDER = "defender", _("A defender, on their own knowledge")
    OTHER = "other", pgettext_lazy("reporter", "Other")


class ClosingReason(models.TextChoices):
    RESTORED = "restored", _("Rights restored")
    AGREEMENTS_MET = "agreements_met", _("Mediation agreements fulfilled")
    REFERRED_HANDLED = "referred_handled", _("Handled by the institution it was referred to")
    TRANSFERRED = "transferred", _("Transferred to the protection office")
    MOVED_AWAY = "moved_away", _("The family moved away")
    NOT_CONFIRMED = "not_confirmed", _("The violation was not confirmed")
    CAME_OF_AGE = "came_of_age", _("The child came of age")
    DUPLICATE = "duplicate", _("Registered twice")
    OTHER = "other", pgettext_lazy("closing reason", "Other")


class Case(VersionedModel):
    # The child a case concerns is personal too: the trail would tie a masked sensitive case to a
    # named child (decision 0025).
    PERSONAL_FIELDS = ("description", "reporter_name", "reporter_contact", "closing_note", "child_id", "opened_for_id")
    NOT_PERSONAL = {"number": "a case's reference number, which names nobody"}

    # Per municipality and year ("2026-0042"), unique with the municipality.
    number = models.CharField(_("number"), max_length=24)
    child = models.ForeignKey("cases.Child", verbose_name=_("child"), on_delete=models.PROTECT, related_name="cases")
    # The record the case was opened for: ``child`` follows a merge, this stays (undoing the merge
    # gives the case back to it).
    opened_for = models.ForeignKey(
        "cases.Child", verbose_name=_("opened for"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("defender in charge"), on_delete=models.PROTECT, related_name="+"
    )
    assigned: models.ManyToManyField[User, CaseAssignment] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("also assigned"),
        through="CaseAssignment",
        through_fields=("case", "user"),
        related_name="assigned_cases",
        blank=True,
    )
    state = models.CharField(_("state"), max_length=16, choices=CaseState.choices, default=CaseState.REGISTERED)
    violation_types: models.ManyToManyField[ViolationType, CaseViolation] = models.ManyToManyField(
        ViolationType, verbose_name=_("violation types"), through="CaseViolation", related_name="cases"
    )
    reporter_type = models.CharField(_("reported by"), max_length=16, choices=ReporterType.choices)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=200, blank=True)
    facts_date = models.DateField(_("date of the facts"))
    registered_on = models.DateField(_("registered on"))
    description = models.TextField(_("what happened"))
    risk = models.CharField(_("risk level"), max_length=8, choices=Risk.choices)
    # Sensitive: only the assigned people and the supervisors see it; everyone else who may know the
    # case exists sees it without the child's name. Set by a violation type or by hand.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    closing_reason = models.CharField(_("closing reason"), max_length=24, choices=ClosingReason.choices, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # A defender asks to close; the supervisor approves (the case closes) or returns it.
    closure_requested_at = models.DateTimeField(_("closure requested"), null=True, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closure requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Where a transfer sent it (the protection office), once transferred.
    transferred_to = models.ForeignKey(
        "territory.Institution",
        verbose_name=_("transferred to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The first visit done, referral sent: kept on the row for the supervisor's figures (median days).
    first_visit_on = models.DateField(_("first visit on"), null=True, blank=True, editable=False)
    first_referral_on = models.DateField(_("first referral on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["municipality", "state", "id"], name="case_muni_state_idx"),
            models.Index(fields=["community", "owner", "id"], name="case_community_owner_idx"),
            models.Index(fields=["owner", "state", "id"], name="case_owner_state_idx"),
            models.Index(fields=["municipality", "risk", "id"], name="case_muni_risk_idx"),
            models.Index(fields=["child"], name="case_child_idx"),
            models.Index(fields=["opened_for"], name="case_opened_for_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="case_unique_number"),
            models.CheckConstraint(
                condition=Q(state="closed", closed_on__isnull=False) | (~Q(state="closed") & Q(closed_on__isnull=True)),
                name="case_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Case %(number)s") % {"number": self.number or self.pk}

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.CLOSED


class CaseAssignment(models.Model):
    """Another user working on the case besides its owner (a second defender, the supervisor)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="case_assignments"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="caseassignment_unique")]
        indexes = [models.Index(fields=["user", "case"], name="caseassignment_user_idx")]

    def __str__(self) -> str:
        return f"{self.case} → {self.user_id}"


class CaseViolation(models.Model):
    """One violation type of a case, with the deadline of its mandatory referral (if it has one)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="violations")
    violation_type = models.ForeignKey(
        ViolationType, verbose_name=_("violation type"), on_delete=models.PROTECT, related_name="+"
    )
    referral_due_at = models.DateTimeField(_("referral due"), null=True, blank=True)
    # The referral that fulfilled the obligation (to an institution of the required kind).
    referral = models.ForeignKey(
        "cases.Referral", verbose_name=_("referral"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("violation of the case")
        verbose_name_plural = _("violations of the case")
        constraints = [models.UniqueConstraint(fields=["case", "violation_type"], name="caseviolation_unique")]
        indexes = [models.Index(fields=["referral_due_at"], name="caseviolation_due_idx")]

    def __str__(self) -> str:
        return f"{self.case} · {self.violation_type}"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", pgettext_lazy("case event", "Opened")
    MOVED = "moved", pgettext_lazy("case event", "Moved along the route")
    CLOSED = "closed", pgettext_lazy("case event", "Closed")
    CLOSURE_REQUESTED = "closure_requested", pgettext_lazy("case event", "Closure requested")
    CLOSURE_RETURNED = "closure_returned", pgettext_lazy("case event", "Closure not approved")
    REOPENED = "reopened", pgettext_lazy("case event", "Reopened")
    REASSIGNED = "reassigned", pgettext_lazy("case event", "Reassigned")
    ASSIGNED = "assigned", pgettext_lazy("case event", "User assigned")
    UNASSIGNED = "unassigned", pgettext_lazy("case event", "User no longer assigned")
    TRANSFERRED = "transferred", pgettext_lazy("case event", "Transferred")


class CaseEvent(AppendOnlyModel):
    """The case's history along the route: append-only, shown on the case page."""

    # Not audited (the route's own history): shown on the case page only to who sees the child
    # (``policies_cases.may_see_child``); its reason and details are free text about the family.
    PERSONAL_FIELDS = ("reason", "details")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=CaseEventKind.choices)
    from_state = models.CharField(_("from"), max_length=16, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=CaseState.choices, blank=True)
    skipped = models.JSONField(_("steps skipped"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    closing_reason = models.CharField(_("closing reason"), max_length=24, choices=ClosingReason.choices, blank=True)
    # Reassignments and transfers: who or where before and after (ids; names are looked up when shown).
    details = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.kind}"


# --- The work on a case ------------------------------------------------------------------------
class VisitStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("visit", "Planned")
    DONE = "done", pgettext_lazy("visit", "Done")
    CANCELLED = "cancelled", pgettext_lazy("visit", "Cancelled")


class Visit(VersionedModel):
    """A family visit: planned for a day, then done (with what was found) or cancelled."""

    PERSONAL_FIELDS = ("findings",)

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="visits")
    planned_for = models.DateField(_("planned for"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    findings = models.TextField(_("findings"), blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visited by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("family visit")
        verbose_name_plural = _("family visits")
        ordering = ["planned_for", "id"]
        indexes = [models.Index(fields=["case", "status", "planned_for"], name="visit_case_status_idx")]

    def __str__(self) -> str:
        return gettext("Visit %(number)s") % {"number": self.pk}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("case plan", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("case plan", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("case plan", "Approved")
    RETURNED = "returned", pgettext_lazy("case plan", "Returned for changes")


class CasePlan(VersionedModel):
    """The case plan: what will be done, by whom, by when; the supervisor approves it."""

    PERSONAL_FIELDS = ("goal", "supervisor_comment")

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plan")
    goal = models.TextField(_("goal"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    submitted_at = models.DateTimeField(_("sent for approval"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    supervisor_comment = models.TextField(_("supervisor's comment"), blank=True)

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")
        indexes = [models.Index(fields=["status"], name="caseplan_status_idx")]

    def __str__(self) -> str:
        return gettext("Plan of %(case)s") % {"case": self.case}


class ActionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("plan action", "Pending")
    DONE = "done", pgettext_lazy("plan action", "Done")
    CANCELLED = "cancelled", pgettext_lazy("plan action", "Cancelled")


class PlanAction(VersionedModel):
    PERSONAL_FIELDS = ("description",)
    NOT_PERSONAL = {"responsible": "who carries the action out: a person or an institution's office"}

    plan = models.ForeignKey(CasePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    responsible = models.CharField(_("responsible"), max_length=200)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PENDING)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return gettext("Action %(number)s") % {"number": self.pk}


class Mediation(VersionedModel):
    """A mediation session with the family (and whoever else took part), with its agreements."""

    PERSONAL_FIELDS = ("participants", "summary")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="mediations")
    held_on = models.DateField(_("held on"))
    participants = models.TextField(_("who took part"))
    summary = models.TextField(_("summary"), blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mediator"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return gettext("Mediation %(number)s") % {"number": self.pk}


class Fulfilment(models.TextChoices):
    PENDING = "pending", pgettext_lazy("agreement", "Not yet due")
    FULFILLED = "fulfilled", pgettext_lazy("agreement", "Fulfilled")
    PARTLY = "partly", pgettext_lazy("agreement", "Partly fulfilled")
    NOT_FULFILLED = "not_fulfilled", pgettext_lazy("agreement", "Not fulfilled")


class MediationAgreement(VersionedModel):
    PERSONAL_FIELDS = ("text",)

    mediation = models.ForeignKey(
        Mediation, verbose_name=_("mediation session"), on_delete=models.CASCADE, related_name="agreements"
    )
    text = models.TextField(_("agreement"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    fulfilment = models.CharField(
        _("fulfilment"), max_length=16, choices=Fulfilment.choices, default=Fulfilment.PENDING
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("Agreement %(number)s") % {"number": self.pk}


class ReferralStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral", "Sent")
    RECEIVED = "received", pgettext_lazy("referral", "Received")
    ACCEPTED = "accepted", pgettext_lazy("referral", "Accepted")
    REJECTED = "rejected", pgettext_lazy("referral", "Rejected")
    CLOSED = "closed", pgettext_lazy("referral", "Closed")


# Which status may follow which (a referral's own small route).
REFERRAL_NEXT = {
    ReferralStatus.SENT: (ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED, ReferralStatus.REJECTED),
    ReferralStatus.RECEIVED: (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED),
    ReferralStatus.ACCEPTED: (ReferralStatus.CLOSED,),
    ReferralStatus.REJECTED: (ReferralStatus.CLOSED,),
    ReferralStatus.CLOSED: (),
}


class ConsentGiver(models.TextChoices):
    CHILD = "child", _("The child")
    CAREGIVER = "caregiver", _("A caregiver")
    BOTH = "both", _("The child and a caregiver")


class Referral(VersionedModel):
    """A referral to an institution of the directory: the service asked for, the reason, the consent
    (to the service, and to sharing the child's data with another organisation) or the supervisor's
    recorded reason to refer without it, and the institution's feedback."""

    PERSONAL_FIELDS = ("reason", "feedback", "consent_override_reason")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals")
    institution = models.ForeignKey(
        "territory.Institution", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "territory.InstitutionService",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason for the referral"))
    consent_to_services = models.BooleanField(_("consent to the service"), default=False)
    consent_to_sharing = models.BooleanField(_("consent to share the data"), default=False)
    consent_given_by = models.CharField(_("consent given by"), max_length=12, choices=ConsentGiver.choices, blank=True)
    consent_override_reason = models.TextField(_("why without consent"), blank=True)
    consent_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("authorised without consent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    feedback = models.TextField(_("institution's feedback"), blank=True)
    feedback_on = models.DateField(_("feedback on"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["sent_on", "id"]
        indexes = [models.Index(fields=["case", "status"], name="referral_case_status_idx")]

    def __str__(self) -> str:
        return gettext("Referral %(number)s") % {"number": self.pk}


class CaseNote(models.Model):
    PERSONAL_FIELDS = ("text",)

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return gettext("Note %(number)s") % {"number": self.pk}


class Priority(models.TextChoices):
    HIGH = "high", pgettext_lazy("priority", "High")
    NORMAL = "normal", pgettext_lazy("priority", "Normal")
    LOW = "low", pgettext_lazy("priority", "Low")


# A task's priority follows the case's risk.
PRIORITY_OF_RISK = {Risk.HIGH: Priority.HIGH, Risk.MEDIUM: Priority.NORMAL, Risk.LOW: Priority.LOW}


class TaskPurpose(models.TextChoices):
    """A task Ronda created for a step of the route, done by the step itself (a visit recorded)."""

    FIRST_VISIT = "first_visit", _("First family visit")


class Task(VersionedModel):
    # Free text: the form asks for no names, but a title like "take Juan to the clinic" happens.
    PERSONAL_FIELDS = ("title",)

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="case_tasks"
    )
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    purpose = models.CharField(_("purpose"), max_length=16, choices=TaskPurpose.choices, blank=True, editable=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assigned_to", "done_at", "due_on"], name="task_user_due_idx"),
            models.Index(fields=["case", "done_at"], name="task_case_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class FlagKind(models.TextChoices):
    SAFETY = "safety", _("Safety risk for the visitor")
    URGENT = "urgent", pgettext_lazy("flag", "Urgent")
    MEDIA = "media", _("Media attention")
    OTHER = "other", pgettext_lazy("flag", "Other")


class CaseFlag(models.Model):
    """A warning on a case for whoever opens it ("aggressive adult at home"); removed with a reason."""

    PERSONAL_FIELDS = ("message", "removal_reason")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=12, choices=FlagKind.choices)
    message = models.CharField(_("message"), max_length=300)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = models.CharField(_("why removed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return gettext("Flag %(number)s") % {"number": self.pk}


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    # Random names: an uploaded file's name never reaches the disk or a URL.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", pgettext_lazy("attachment", "Document")
    PHOTO = "photo", pgettext_lazy("attachment", "Photo")
    REPORT = "report", pgettext_lazy("attachment", "Report of an institution")
    OTHER = "other", pgettext_lazy("attachment", "Other")


class CaseAttachment(models.Model):
    PERSONAL_FIELDS = ("original_name", "description")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    description = models.CharField(_("description"), max_length=300, blank=True)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return gettext("Attachment %(number)s") % {"number": self.pk}


class CaseCounter(models.Model):
    """The last case number given in a municipality and year (numbers are per municipality: 2026-0042)."""

    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case counter")
        verbose_name_plural = _("case counters")
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="casecounter_unique")]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}: {self.last}"


# --- Exports of case lists (issue #11 item 9) --------------------------------------------------
class ExportStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("export", "Being prepared")
    READY = "ready", pgettext_lazy("export", "Ready")
    FAILED = "failed", pgettext_lazy("export", "Failed")


def export_path(instance: CaseExport, filename: str) -> str:
    # Random names: a stored export is never found by guessing, and its name says nothing.
    return f"cases/exports/{uuid.uuid4().hex}"


class CaseExport(models.Model):
    """A supervisor's export of a filtered case list, built by a job (``cases.exports``). With personal
    columns it is an AES zip whose password is shown once: only sealed here until then, never in clear."""

    NOT_PERSONAL = {
        "reason": "why personal columns were exported: written for the audit, without a child's story",
        "password_sealed": "the one-time password, sealed (Fernet) and wiped once shown",
        "download_name": "a file name made of the date and the format",
    }

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked for by"), on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    file_format = models.CharField(_("format"), max_length=8)
    personal_columns = models.JSONField(_("personal columns"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    file = models.FileField(_("file"), upload_to=export_path, blank=True)
    download_name = models.CharField(_("download name"), max_length=120, blank=True)
    encrypted = models.BooleanField(_("password-protected"), default=False)
    password_sealed = models.TextField(_("sealed password"), blank=True, editable=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("case export")
        verbose_name_plural = _("case exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="caseexport_owner_idx")]

    def __str__(self) -> str:
        return gettext("Export %(number)s") % {"number": self.pk}
