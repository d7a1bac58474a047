"""Certification of municipalities by a technical secretariat (issue #14, ADR 0031).

**Frameworks are data.** A ``Framework`` edition (CAI Costa Rica, Ciudades Amigas de la Infancia,
UNICEF CFCI …) holds its stages, its requirements and its recognition categories. A requirement
is proved one of three ways: an *evidence rule* computed from the live data of the domains
(``certification.rules``: the key of a rule and its parameters), an uploaded *document*, or a
reviewer's *verdict* alone. A published edition never changes: the secretariat edits a new draft
edition (``services.new_edition``) and cycles keep the edition they started with.

**A municipality's cycle** (``Cycle``) goes commitment → candidacy → self-assessment → submitted →
in review → (more information asked ↔ answered) → decided, recognised for a category until a date
or "not yet", with reasons. **Submission freezes the evidence** (``Submission`` and its
``SubmittedEvidence`` rows: the figures, the rule's parameters, the day they were computed), so
that reviewers judge what was submitted while the live data moves on. Evidence holds aggregates
only, never a child's or a person's data.

**Certificates** carry a random verification code; the public verification page answers from it
whether the recognition is valid, expired or revoked, and nothing more.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.models import TimeStampedModel, VersionedModel


class CertificationAction(models.TextChoices):
    """The certification app's own audit actions, besides the kernel's create, update and delete."""

    PUBLISHED = "framework_published", pgettext_lazy("audit action", "Framework edition published")
    STAGE = "cycle_stage", pgettext_lazy("audit action", "Certification cycle moved on")
    SUBMITTED = "cycle_submitted", pgettext_lazy("audit action", "Candidacy submitted")
    DECIDED = "cycle_decided", pgettext_lazy("audit action", "Recognition decided")
    CERTIFIED = "certificate_issued", pgettext_lazy("audit action", "Certificate issued")
    REVOKED = "certificate_revoked", pgettext_lazy("audit action", "Certificate revoked")
    ASSIGNED = "evaluator_assigned", pgettext_lazy("audit action", "Evaluator assigned")
    CONFLICT = "conflict_declared", pgettext_lazy("audit action", "Conflict of interest declared")
    EVALUATED = "evaluation_submitted", pgettext_lazy("audit action", "Evaluator's report submitted")


# --- Frameworks ---------------------------------------------------------------------------------------
class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("framework status", "Draft")
    PUBLISHED = "published", pgettext_lazy("framework status", "In use")
    RETIRED = "retired", pgettext_lazy("framework status", "Retired")


class Framework(VersionedModel):
    """One edition of a recognition framework. ``code`` names the framework across editions."""

    code = models.SlugField(_("code"), max_length=40)
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The code of the country (the org unit of level 1) whose secretariat runs it; empty: a global
    # framework (UNICEF CFCI) that any country's secretariat may open calls for. A code, not a
    # foreign key: the shipped frameworks are installed before the territory is loaded.
    country_code = models.CharField(_("country code"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    validity_months = models.PositiveSmallIntegerField(_("validity of the recognition (months)"), default=48)
    interim_report_months = models.PositiveSmallIntegerField(
        _("interim report due after (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: the framework asks for no interim report."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on the edition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["name", "-edition"]
        constraints = [
            models.UniqueConstraint(fields=["code", "edition"], name="certification_framework_edition"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition})"

    @property
    def is_draft(self) -> bool:
        return self.status == FrameworkStatus.DRAFT


class Stage(models.Model):
    """A group of requirements, in the framework's order (commitment, diagnosis, plan …)."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="stages"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("stage of the framework")
        verbose_name_plural = _("stages of the framework")
        ordering = ["framework", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="certification_stage_code")]

    def __str__(self) -> str:
        return self.name


class RequirementKind(models.TextChoices):
    COMPUTED = "computed", pgettext_lazy("requirement kind", "Computed from the data")
    DOCUMENT = "document", pgettext_lazy("requirement kind", "Uploaded document")
    VERDICT = "verdict", pgettext_lazy("requirement kind", "Reviewer's verdict")


class Requirement(models.Model):
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="requirements"
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("stage of the framework"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind of evidence"), max_length=10, choices=RequirementKind.choices)
    # For a computed requirement: the key of a rule of ``certification.rules`` and its parameters.
    rule = models.CharField(_("evidence rule"), max_length=60, blank=True)
    params = models.JSONField(_("parameters of the rule"), default=dict, blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["framework", "stage__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="certification_requirement_code"),
            models.CheckConstraint(
                condition=Q(kind="computed", rule__gt="") | (~Q(kind="computed") & Q(rule="")),
                name="certification_requirement_rule_iff_computed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"


class Category(models.Model):
    """A level of recognition the decision may give (a seal, a distinction …)."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="categories"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("recognition category")
        verbose_name_plural = _("recognition categories")
        ordering = ["framework", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="certification_category_code")]

    def __str__(self) -> str:
        return self.name


# --- Calls --------------------------------------------------------------------------------------------
class Call(VersionedModel):
    """A call for candidacies the secretariat opens, for a framework edition, over its territory."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="calls"
    )
    # The country or region whose municipalities may apply.
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        verbose_name = _("call for candidacies")
        verbose_name_plural = _("calls for candidacies")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="certification_call_dates"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


# --- A municipality's cycle ---------------------------------------------------------------------------
class CycleStage(models.TextChoices):
    # Commitment: the municipality records the council's resolution, the signed commitment, its liaison.
    COMMITMENT = "commitment", pgettext_lazy("cycle stage", "Commitment")
    # Candidacy: entered in a call (or without one), it assesses itself against the live evidence,
    # uploads the documents asked for, and submits.
    CANDIDACY = "candidacy", pgettext_lazy("cycle stage", "Candidacy and self-assessment")
    SUBMITTED = "submitted", pgettext_lazy("cycle stage", "Submitted")
    IN_REVIEW = "in_review", pgettext_lazy("cycle stage", "In review")
    INFO_REQUESTED = "info_requested", pgettext_lazy("cycle stage", "More information requested")
    DECIDED = "decided", pgettext_lazy("cycle stage", "Decided")


# The stages in which the municipality still prepares its candidacy (it may edit, upload, submit).
PREPARING = (CycleStage.COMMITMENT, CycleStage.CANDIDACY)
# The stages in which the secretariat holds the file.
UNDER_REVIEW = (CycleStage.SUBMITTED, CycleStage.IN_REVIEW, CycleStage.INFO_REQUESTED)


class Outcome(models.TextChoices):
    RECOGNISED = "recognised", pgettext_lazy("recognition outcome", "Recognised")
    NOT_YET = "not_yet", pgettext_lazy("recognition outcome", "Not yet")


class Cycle(VersionedModel):
    """One municipality's way to a recognition under one framework edition."""

    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="cycles"
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("call for candidacies"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    stage = models.CharField(
        _("stage of the cycle"), max_length=16, choices=CycleStage.choices, default=CycleStage.COMMITMENT
    )
    # The commitment (seed 000, UNICEF Spain): the plenary's resolution, the signed agreement, the
    # municipal liaison (an official, named as the minutes name officials).
    resolution_on = models.DateField(_("date of the council's resolution"), null=True, blank=True)
    resolution_reference = models.CharField(_("reference of the resolution"), max_length=200, blank=True)
    agreement_signed_on = models.DateField(_("commitment signed on"), null=True, blank=True)
    liaison_name = models.CharField(_("municipal liaison"), max_length=200, blank=True)
    liaison_position = models.CharField(_("position of the liaison"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("recognition category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reasons = models.TextField(_("reasons of the decision"), blank=True)
    renewal_of = models.ForeignKey(
        "self", verbose_name=_("renewal of"), null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )

    class Meta:
        verbose_name = _("certification cycle")
        verbose_name_plural = _("certification cycles")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One cycle in progress per municipality and framework (a decided one may be renewed).
            models.UniqueConstraint(
                fields=["org_unit", "framework"],
                condition=~Q(stage="decided"),
                name="certification_one_open_cycle",
            ),
            models.CheckConstraint(
                condition=Q(outcome="recognised", valid_until__isnull=False, category__isnull=False)
                | ~Q(outcome="recognised"),
                name="certification_recognised_has_validity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.name} · {self.org_unit.name}"

    @property
    def is_preparing(self) -> bool:
        return self.stage in PREPARING

    @property
    def is_recognised(self) -> bool:
        return self.outcome == Outcome.RECOGNISED

    def is_valid_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.is_recognised and self.valid_until is not None and day <= self.valid_until


class Submission(TimeStampedModel):
    """One submission of a cycle (the first, or an answer to a request for more information), with
    the evidence frozen as it stood when it was made. Never edited."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("certification cycle"), on_delete=models.CASCADE, related_name="submissions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_on = models.DateField(_("evidence computed on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["cycle", "number"]
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="certification_submission_number")]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.number}"


class InformationRequest(VersionedModel):
    """The secretariat asks the municipality for more; the municipality answers and submits again."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("certification cycle"), on_delete=models.CASCADE, related_name="information_requests"
    )
    text = models.TextField(_("what is asked"))
    asked_at = models.DateTimeField(_("asked"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(_("answer of the municipality"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        ordering = ["cycle", "asked_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class EvidenceStatus(models.TextChoices):
    MET = "met", pgettext_lazy("evidence status", "Met")
    NOT_MET = "not_met", pgettext_lazy("evidence status", "Not met")
    PROVIDED = "provided", pgettext_lazy("evidence status", "Document provided")
    MISSING = "missing", pgettext_lazy("evidence status", "Missing")
    FOR_REVIEW = "for_review", pgettext_lazy("evidence status", "For the reviewers")


class SubmittedEvidence(models.Model):
    """A requirement's evidence as it was at submission: the rule's figures (aggregates only), its
    parameters, the document version given. Never edited."""

    NOT_PERSONAL = {"document": "the municipality's uploaded act (a council's resolution), not a person's document"}

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="evidence"
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=EvidenceStatus.choices)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    params = models.JSONField(_("parameters of the rule"), default=dict, blank=True)
    document = models.ForeignKey(
        "core.DocumentVersion",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("submitted evidence")
        verbose_name_plural = _("submitted evidence")
        ordering = ["submission", "requirement__stage__position", "requirement__position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "requirement"], name="certification_evidence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.get_status_display()}"


class VerdictValue(models.TextChoices):
    MET = "met", pgettext_lazy("verdict", "Met")
    PARTLY = "partly", pgettext_lazy("verdict", "Partly met")
    NOT_MET = "not_met", pgettext_lazy("verdict", "Not met")


class Verdict(VersionedModel):
    """The secretariat's verdict on one requirement of a cycle, with its comment (the latest one
    stands; the trail keeps the earlier ones)."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("certification cycle"), on_delete=models.CASCADE, related_name="verdicts"
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.CharField(pgettext_lazy("verdict", "verdict"), max_length=8, choices=VerdictValue.choices)
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("verdict", "verdict")
        verbose_name_plural = pgettext_lazy("verdict", "verdicts")
        ordering = ["cycle", "requirement__stage__position", "requirement__position"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "requirement"], name="certification_verdict_once"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.get_value_display()}"


class Certificate(TimeStampedModel):
    """The certificate of a recognition. ``code`` is what the public verification page asks for;
    only its hash is needed to answer, but the code is printed on the PDF, so it is kept."""

    cycle = models.OneToOneField(
        Cycle, verbose_name=_("certification cycle"), on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason of the revocation"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.code


# --- Independent evaluators (issue #14 item 5) -------------------------------------------------------
class ConflictOfInterest(TimeStampedModel):
    """A conflict an evaluator declared with a municipality (they work there, a relative governs it
    …): the secretariat cannot assign them a cycle of it. Kept, never edited; the trail has it
    without the reason (it may name the evaluator's relatives)."""

    PERSONAL_FIELDS = ("reason",)

    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.CASCADE, related_name="+"
    )
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "org_unit"], name="certification_conflict_once"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator_id} · {self.org_unit_id}"


class Recommendation(models.TextChoices):
    RECOGNISE = "recognise", pgettext_lazy("evaluator recommendation", "Recognition")
    NOT_YET = "not_yet", pgettext_lazy("evaluator recommendation", "Not yet")


class Assignment(VersionedModel):
    """An independent evaluator verifying one cycle: they first declare they are independent of the
    municipality (or declare a conflict, which withdraws them), then judge the frozen evidence
    requirement by requirement and submit their report to the secretariat."""

    PERSONAL_FIELDS = ("withdrawn_reason",)  # a declared conflict may name the evaluator's relatives

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("certification cycle"), on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(_("report due on"), null=True, blank=True)
    independence_declared_at = models.DateTimeField(_("independence declared"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason of the withdrawal"), max_length=500, blank=True)
    report = models.TextField(_("evaluator's report"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=12, choices=Recommendation.choices, blank=True)
    submitted_at = models.DateTimeField(_("report submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluator's assignment")
        verbose_name_plural = _("evaluators' assignments")
        ordering = ["cycle", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "evaluator"],
                condition=Q(withdrawn_at__isnull=True),
                name="certification_assignment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} · {self.evaluator_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def is_accepted(self) -> bool:
        return self.is_active and self.independence_declared_at is not None

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Finding(VersionedModel):
    """An evaluator's judgement of one requirement, from the frozen evidence (the secretariat's own
    verdict is a ``Verdict``: the two are read side by side)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("evaluator's assignment"), on_delete=models.CASCADE, related_name="findings"
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.CharField(pgettext_lazy("verdict", "verdict"), max_length=8, choices=VerdictValue.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("evaluator's finding")
        verbose_name_plural = _("evaluator's findings")
        ordering = ["assignment", "requirement__stage__position", "requirement__position"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "requirement"], name="certification_finding_once"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id}: {self.value}"


# --- The children's council hearing (issue #14 item 2) ------------------------------------------------
class HearingView(models.TextChoices):
    FAVOURABLE = "favourable", pgettext_lazy("children's view", "Favourable")
    MIXED = "mixed", pgettext_lazy("children's view", "Mixed")
    UNFAVOURABLE = "unfavourable", pgettext_lazy("children's view", "Unfavourable")


class Hearing(VersionedModel):
    """The children's council heard on its municipality's candidacy: how many children took part
    (counts by age band, never names), what they said in their own words, their overall view, and —
    written by the secretariat before the decision — how that view was weighed. The children's words
    stay out of the audit trail (a child may have said more about themselves than meant)."""

    PERSONAL_FIELDS = ("children_view",)

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("certification cycle"), on_delete=models.CASCADE, related_name="hearings"
    )
    held_on = models.DateField(_("held on"))
    children_6_11 = models.PositiveSmallIntegerField(_("children aged 6 to 11"), default=0)
    children_12_17 = models.PositiveSmallIntegerField(_("adolescents aged 12 to 17"), default=0)
    children_view = models.TextField(_("what the children said"))
    overall = models.CharField(_("the children's overall view"), max_length=12, choices=HearingView.choices)
    weighed = models.TextField(_("how their view was weighed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("children's council hearing")
        verbose_name_plural = _("children's council hearings")
        ordering = ["cycle", "held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(children_6_11__gt=0) | Q(children_12_17__gt=0), name="certification_hearing_children"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} · {self.held_on}"

    @property
    def children(self) -> int:
        return self.children_6_11 + self.children_12_17


# --- Reminders (issue #14 item 2) ---------------------------------------------------------------------
class ReminderSent(models.Model):
    """That one reminder went out — ``key`` names what it is about and when (``call:5:cycle:9:14``,
    ``expiry:3:30``, ``report:7:3``): the unique row makes it once, even when two runs overlap."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("certification cycle"), on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("reminder"), max_length=80, unique=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("certification reminder sent")
        verbose_name_plural = _("certification reminders sent")

    def __str__(self) -> str:
        return self.key
