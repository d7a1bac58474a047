"""Who sees and does what in certification (issue #14). Views, API, services and jobs ask only this.

- **Frameworks**: every signed-in reader of certification reads the published editions; drafts are
  read and edited by whoever may edit them — an administrator (any framework, the global ones
  included) or a country-level secretariat (its own country's frameworks, ``country_code``).
- **Calls**: a secretariat opens and edits calls over its own subtree (a country or a region) for a
  framework of its country or a global one; everyone in the call's territory reads them.
- **Cycles**: the municipality's coordinator prepares its own (commitment, candidacy, documents,
  submission, answers); the secretariat whose subtree holds the municipality reviews it (takes it,
  verdicts, requests for information, the decision, certificates); analysts and supervisors read
  within their scope; administrators everything. Anyone else — another municipality, a defender, a
  focal point — gets 404.
- **Evaluators** (``Role.EVALUATOR``, issue #14 item 5) see only the cycles assigned to them; the
  submitted (frozen) evidence, the documents and the requests for information only once they have
  declared they are independent of the municipality; never the secretariat's verdicts, the live
  figures or anything else of the municipality. They write their findings and report, and may
  record the children's council hearing of a cycle they evaluate.
- **The public** verifies a certificate by its code and lists the municipalities recognised today.

Evidence holds aggregates only (``certification.rules``): reading a cycle never reads a child's
personal data, so no role here needs the second factor for it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.accounts.models import Membership
from ronda.certification.models import (
    PREPARING,
    UNDER_REVIEW,
    Assignment,
    Call,
    Category,
    Certificate,
    ConflictOfInterest,
    Cycle,
    CycleStage,
    Finding,
    Framework,
    FrameworkStatus,
    Hearing,
    InformationRequest,
    ReminderSent,
    Requirement,
    RequirementKind,
    Stage,
    Submission,
    SubmittedEvidence,
    Verdict,
)
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import large_columns

READER_ROLES = (Role.ADMIN, Role.SECRETARIAT, Role.ANALYST, Role.COORDINATOR, Role.SUPERVISOR)


# --- Module-level checks (for @actor_required) ---------------------------------------------------
def can_read_certification(actor: Actor | None) -> bool:
    return actor is not None and actor.scope_path is not None and actor.has_role(*READER_ROLES)


def is_secretariat(actor: Actor | None) -> bool:
    return actor is not None and not actor.is_read_only and (actor.is_admin or actor.has_role(Role.SECRETARIAT))


def is_evaluator(actor: Actor | None) -> bool:
    return actor is not None and actor.user is not None and actor.has_role(Role.EVALUATOR)


def can_manage_reviews(actor: Actor | None) -> bool:
    """The module check of the secretariat's workspace pages (review, verdicts, decisions, evaluators,
    hearings, revocations): what each may touch follows in the ``get_*_to_review`` getters."""
    return is_secretariat(actor)


def can_record_evaluations(actor: Actor | None) -> bool:
    """The module check of the evaluator's pages (their findings and report): which assignment
    follows in ``get_assignment_for_evaluator``."""
    return is_evaluator(actor)


def can_record_hearings(actor: Actor | None) -> bool:
    """The module check of the hearing form: the secretariat, or an evaluator (of which cycle follows
    in ``get_cycle_for_hearing``)."""
    return is_secretariat(actor) or is_evaluator(actor)


def can_manage_some_call(actor: Actor | None) -> bool:
    return is_secretariat(actor)


def can_review_some_cycle(actor: Actor | None) -> bool:
    return is_secretariat(actor)


def can_edit_cycles(actor: Actor | None) -> bool:
    return actor is not None and not actor.is_read_only and (actor.is_admin or actor.has_role(Role.COORDINATOR))


def country_code_of(actor: Actor | None) -> str | None:
    """The code of the country the actor acts in (None for an administrator or no membership)."""
    if actor is None or actor.membership is None or actor.org_unit is None:
        return None
    unit = actor.org_unit
    if unit.level == Level.COUNTRY:
        return unit.code
    if not unit.path:
        return None
    country_id = int(unit.path.split(".")[0])
    return OrgUnit.objects.filter(pk=country_id, level=Level.COUNTRY).values_list("code", flat=True).first()


# --- Frameworks -----------------------------------------------------------------------------------
def can_edit_framework(actor: Actor | None, framework: Framework) -> bool:
    """Drafting editions of ``framework``'s code: an administrator, or the secretariat of its country
    acting at the country level (a regional secretariat reviews, it does not rewrite the rules)."""
    if actor is None or actor.is_read_only:
        return False
    if actor.is_admin:
        return True
    if not actor.has_role(Role.SECRETARIAT) or not framework.country_code:
        return False
    unit = actor.org_unit
    return unit is not None and unit.level == Level.COUNTRY and unit.code == framework.country_code


def can_create_framework(actor: Actor | None) -> bool:
    if actor is None or actor.is_read_only:
        return False
    if actor.is_admin:
        return True
    unit = actor.org_unit
    return actor.has_role(Role.SECRETARIAT) and unit is not None and unit.level == Level.COUNTRY


def visible_frameworks(actor: Actor | None) -> QuerySet[Framework]:
    if not can_read_certification(actor):
        return Framework.objects.none()
    assert actor is not None
    published = ~Q(status=FrameworkStatus.DRAFT)
    if actor.is_admin:
        return Framework.objects.all()
    code = country_code_of(actor)
    condition = published
    if (
        code
        and actor.has_role(Role.SECRETARIAT)
        and actor.org_unit is not None
        and actor.org_unit.level == Level.COUNTRY
    ):
        condition |= Q(country_code=code)  # their own drafts
    return Framework.objects.filter(condition)


def applicable_frameworks(unit: OrgUnit) -> QuerySet[Framework]:
    """The published editions a municipality of ``unit``'s country may work towards: its country's and
    the global ones."""
    country = unit.path.split(".")[0] if unit.path else ""
    code = (
        OrgUnit.objects.filter(pk=int(country), level=Level.COUNTRY).values_list("code", flat=True).first()
        if country
        else None
    )
    return Framework.objects.filter(Q(country_code="") | Q(country_code=code or ""), status=FrameworkStatus.PUBLISHED)


# --- Calls ------------------------------------------------------------------------------------------
def visible_calls(actor: Actor | None) -> QuerySet[Call]:
    """Calls over the actor's territory: those whose territory holds it, or lies in it."""
    queryset = Call.objects.select_related("framework", "org_unit").defer(*large_columns("org_unit"))
    if not can_read_certification(actor):
        return queryset.none()
    assert actor is not None and actor.scope_path is not None
    if actor.scope_path == "":
        return queryset
    ancestors = [p for p in _ancestor_paths(actor.scope_path)]
    return queryset.filter(Q(org_unit__path__startswith=actor.scope_path) | Q(org_unit__path__in=ancestors))


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def can_manage_call(actor: Actor | None, call: Call) -> bool:
    return is_secretariat(actor) and actor is not None and actor.covers(call.org_unit)


def can_open_call(actor: Actor | None, unit: OrgUnit | None, framework: Framework) -> bool:
    if not is_secretariat(actor) or actor is None or unit is None or unit.level not in (Level.COUNTRY, Level.REGION):
        return False
    if not actor.covers(unit):
        return False
    return (
        framework.status == FrameworkStatus.PUBLISHED and applicable_frameworks(unit).filter(pk=framework.pk).exists()
    )


# --- Cycles -----------------------------------------------------------------------------------------
def visible_cycles(actor: Actor | None) -> QuerySet[Cycle]:
    queryset = Cycle.objects.select_related("org_unit", "framework", "call", "category").defer(
        *large_columns("org_unit")
    )
    if is_evaluator(actor):
        assert actor is not None
        return queryset.filter(pk__in=_assigned(actor).values("cycle_id"))
    if not can_read_certification(actor):
        return queryset.none()
    assert actor is not None and actor.scope_path is not None
    return queryset if actor.scope_path == "" else queryset.filter(org_unit__path__startswith=actor.scope_path)


def _assigned(actor: Actor, *, accepted: bool = False) -> QuerySet[Assignment]:
    """The evaluator's active assignments (only those they accepted, declaring independence)."""
    rows = Assignment.objects.filter(evaluator_id=actor.user.pk, withdrawn_at=None)
    return rows.exclude(independence_declared_at=None) if accepted else rows


def _file_cycles(actor: Actor | None) -> QuerySet[Cycle]:
    """The cycles whose file (submissions, evidence, documents, requests) the actor reads: an
    evaluator only once they accepted the assignment."""
    if is_evaluator(actor):
        assert actor is not None
        return Cycle.objects.filter(pk__in=_assigned(actor, accepted=True).values("cycle_id"))
    return visible_cycles(actor)


def can_see_live_evidence(actor: Actor | None, cycle: Cycle) -> bool:
    """Today's figures of a cycle: its readers, but not an evaluator (they judge what was submitted)."""
    return not is_evaluator(actor) and visible_cycles(actor).filter(pk=cycle.pk).exists()


def can_prepare(actor: Actor | None, cycle: Cycle) -> bool:
    """The municipality's side: commitment, candidacy, documents, submission, answers."""
    if not can_edit_cycles(actor) or actor is None:
        return False
    if not actor.is_admin and not actor.covers(cycle.org_unit):
        return False
    return cycle.stage in (*PREPARING, CycleStage.INFO_REQUESTED)


def can_start_cycle(actor: Actor | None, unit: OrgUnit | None) -> bool:
    if not can_edit_cycles(actor) or actor is None or unit is None or unit.level != Level.MUNICIPALITY:
        return False
    return actor.is_admin or actor.covers(unit)


def can_review(actor: Actor | None, cycle: Cycle) -> bool:
    """The secretariat's side, on a cycle it holds (submitted, in review, information requested)."""
    return (
        is_secretariat(actor)
        and actor is not None
        and (actor.is_admin or actor.covers(cycle.org_unit))
        and cycle.stage in UNDER_REVIEW
    )


def can_manage_certificate(actor: Actor | None, certificate: Certificate) -> bool:
    return is_secretariat(actor) and actor is not None and (actor.is_admin or actor.covers(certificate.cycle.org_unit))


def visible_submissions(actor: Actor | None) -> QuerySet[Submission]:
    return Submission.objects.filter(cycle__in=_file_cycles(actor).values("pk"))


def visible_evidence(actor: Actor | None) -> QuerySet[SubmittedEvidence]:
    return SubmittedEvidence.objects.filter(submission__cycle__in=_file_cycles(actor).values("pk"))


def visible_verdicts(actor: Actor | None) -> QuerySet[Verdict]:
    """The secretariat's verdicts: never an evaluator's reading (their judgement is independent)."""
    if is_evaluator(actor):
        return Verdict.objects.none()
    return Verdict.objects.filter(cycle__in=visible_cycles(actor).values("pk"))


def visible_certificates(actor: Actor | None) -> QuerySet[Certificate]:
    return Certificate.objects.filter(cycle__in=visible_cycles(actor).values("pk"))


def visible_requirements(actor: Actor | None) -> QuerySet[Requirement]:
    return Requirement.objects.filter(framework__in=visible_frameworks(actor).values("pk"))


def visible_stages(actor: Actor | None) -> QuerySet[Stage]:
    return Stage.objects.filter(framework__in=visible_frameworks(actor).values("pk"))


def visible_categories(actor: Actor | None) -> QuerySet[Category]:
    return Category.objects.filter(framework__in=visible_frameworks(actor).values("pk"))


def visible_information_requests(actor: Actor | None) -> QuerySet[InformationRequest]:
    return InformationRequest.objects.filter(cycle__in=_file_cycles(actor).values("pk"))


def cycles_as_owners(actor: Actor) -> QuerySet[Cycle]:
    """The owners of the cycle documents the actor reads (``core.documents.register_owner``)."""
    return _file_cycles(actor)


# --- Evaluators and the hearing ------------------------------------------------------------------------
def visible_assignments(actor: Actor | None) -> QuerySet[Assignment]:
    """An evaluator's own assignments; the secretariat's and other readers' of the cycles they read."""
    queryset = Assignment.objects.select_related("evaluator")
    if is_evaluator(actor):
        assert actor is not None
        return queryset.filter(evaluator_id=actor.user.pk)
    return queryset.filter(cycle__in=visible_cycles(actor).values("pk"))


def visible_findings(actor: Actor | None) -> QuerySet[Finding]:
    """An evaluator's findings: theirs; the secretariat reads them once the report is submitted."""
    if is_evaluator(actor):
        assert actor is not None
        return Finding.objects.filter(assignment__evaluator_id=actor.user.pk)
    return Finding.objects.filter(
        assignment__cycle__in=visible_cycles(actor).values("pk"), assignment__submitted_at__isnull=False
    )


def visible_hearings(actor: Actor | None) -> QuerySet[Hearing]:
    return Hearing.objects.filter(cycle__in=_file_cycles(actor).values("pk"))


def visible_conflicts(actor: Actor | None) -> QuerySet[ConflictOfInterest]:
    """An evaluator's own declarations; a secretariat's of the municipalities of its subtree."""
    if is_evaluator(actor):
        assert actor is not None
        return ConflictOfInterest.objects.filter(evaluator_id=actor.user.pk)
    if not is_secretariat(actor):
        return ConflictOfInterest.objects.none()
    assert actor is not None and actor.scope_path is not None
    rows = ConflictOfInterest.objects.all()
    return rows if actor.scope_path == "" else rows.filter(org_unit__path__startswith=actor.scope_path)


def visible_reminders(actor: Actor | None) -> QuerySet[ReminderSent]:
    """The reminders sent about the cycles the actor reads."""
    return ReminderSent.objects.filter(cycle__in=visible_cycles(actor).values("pk"))


def can_assign(actor: Actor | None, cycle: Cycle) -> bool:
    """The secretariat assigns evaluators to a cycle it holds (submitted, in review, information asked)."""
    return can_review(actor, cycle)


def assignable_evaluators(actor: Actor | None, cycle: Cycle) -> QuerySet[Any]:
    """People with an active evaluator membership over the cycle's municipality, within the actor's
    subtree, not already assigned to it and with no conflict declared with the municipality."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not can_assign(actor, cycle):
        return User.objects.none()
    assert actor is not None
    unit = cycle.org_unit
    memberships = Membership.objects.active().filter(role=Role.EVALUATOR, org_unit__path__in=_ancestor_paths(unit.path))
    if actor.scope_path:
        memberships = memberships.filter(org_unit__path__startswith=actor.scope_path)
    return (
        User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)
        .exclude(pk__in=Assignment.objects.filter(cycle=cycle, withdrawn_at=None).values("evaluator_id"))
        .exclude(pk__in=ConflictOfInterest.objects.filter(org_unit=unit).values("evaluator_id"))
        .order_by("last_name", "first_name", "pk")
    )


def evaluator_covers(user_id: int, unit: OrgUnit) -> bool:
    """Whether ``user_id`` holds an active evaluator membership over ``unit``."""
    return (
        Membership.objects.active()
        .filter(user_id=user_id, role=Role.EVALUATOR, org_unit__path__in=_ancestor_paths(unit.path))
        .exists()
    )


def get_assignment_for_evaluator(actor: Actor, pk: object) -> Assignment:
    """The evaluator's own active assignment (404 for anyone else's, or a withdrawn one)."""
    if not is_evaluator(actor):
        raise Http404
    return get_object_or_404_scoped(_assigned(actor).select_related("cycle__org_unit", "cycle__framework"), pk=pk)


def get_assignment_to_manage(actor: Actor, pk: object) -> Assignment:
    """An assignment of a cycle the secretariat holds (to withdraw it)."""
    assignment = get_object_or_404_scoped(
        visible_assignments(actor).select_related("cycle__org_unit", "cycle__framework"), pk=pk
    )
    if not can_assign(actor, assignment.cycle):
        raise Http404
    return assignment


def can_record_hearing(actor: Actor | None, cycle: Cycle) -> bool:
    """The secretariat that holds the cycle, or an evaluator who accepted it, while it is under review."""
    if cycle.stage not in UNDER_REVIEW or actor is None or actor.is_read_only:
        return False
    if is_evaluator(actor):
        return _assigned(actor, accepted=True).filter(cycle_id=cycle.pk, submitted_at=None).exists()
    return can_review(actor, cycle)


def can_weigh_hearing(actor: Actor | None, hearing: Hearing) -> bool:
    """Weighing the children's view is the secretariat's, before it decides."""
    return can_review(actor, hearing.cycle)


def get_cycle_for_hearing(actor: Actor, pk: object) -> Cycle:
    cycle = get_object_or_404_scoped(visible_cycles(actor), pk=pk)
    if not can_record_hearing(actor, cycle):
        raise Http404
    return cycle


def get_hearing_to_weigh(actor: Actor, pk: object) -> Hearing:
    hearing = get_object_or_404_scoped(visible_hearings(actor).select_related("cycle__org_unit"), pk=pk)
    if not can_weigh_hearing(actor, hearing):
        raise Http404
    return hearing


# --- One call per object: 404 for missing and forbidden alike ----------------------------------------
def get_framework(actor: Actor, pk: object) -> Framework:
    return get_object_or_404_scoped(visible_frameworks(actor), pk=pk)


def get_framework_for_edit(actor: Actor, pk: object) -> Framework:
    framework = get_framework(actor, pk)
    if not can_edit_framework(actor, framework):
        raise Http404
    return framework


def get_call(actor: Actor, pk: object) -> Call:
    return get_object_or_404_scoped(visible_calls(actor), pk=pk)


def get_call_for_edit(actor: Actor, pk: object) -> Call:
    call = get_call(actor, pk)
    if not can_manage_call(actor, call):
        raise Http404
    return call


def get_cycle(actor: Actor, pk: object) -> Cycle:
    return get_object_or_404_scoped(visible_cycles(actor), pk=pk)


def get_cycle_to_prepare(actor: Actor, pk: object) -> Cycle:
    cycle = get_cycle(actor, pk)
    if not can_edit_cycles(actor) or not (actor.is_admin or actor.covers(cycle.org_unit)):
        raise Http404
    return cycle


def get_cycle_to_review(actor: Actor, pk: object) -> Cycle:
    cycle = get_cycle(actor, pk)
    if not is_secretariat(actor) or not (actor.is_admin or actor.covers(cycle.org_unit)):
        raise Http404
    return cycle


def get_document_requirement(actor: Actor, cycle: Cycle, pk: object) -> Requirement:
    """A requirement of ``cycle``'s framework that asks for a document (404 otherwise)."""
    return get_object_or_404_scoped(
        visible_requirements(actor)
        .filter(framework_id=cycle.framework_id, kind=RequirementKind.DOCUMENT)
        .select_related("stage"),
        pk=pk,
    )


def get_information_request(actor: Actor, cycle: Cycle, pk: object) -> InformationRequest:
    """A request for information of ``cycle`` the actor reads (404 otherwise)."""
    return get_object_or_404_scoped(visible_information_requests(actor).filter(cycle=cycle), pk=pk)


def get_submission(actor: Actor, pk: object) -> Submission:
    return get_object_or_404_scoped(visible_submissions(actor).select_related("cycle"), pk=pk)


def get_certificate(actor: Actor, pk: object) -> Certificate:
    """A certificate of a cycle the actor reads (an evaluator: of a cycle assigned to them)."""
    return get_object_or_404_scoped(visible_certificates(actor).select_related("cycle__org_unit"), pk=pk)


def get_certificate_for_edit(actor: Actor, pk: object) -> Certificate:
    certificate = get_object_or_404_scoped(visible_certificates(actor).select_related("cycle__org_unit"), pk=pk)
    if not can_manage_certificate(actor, certificate):
        raise Http404
    return certificate


def audit_readers() -> dict[str, Any]:
    """Who reads the audit events of each model (``core.audit_readers``)."""
    return {
        "certification.framework": visible_frameworks,
        "certification.stage": visible_stages,
        "certification.requirement": visible_requirements,
        "certification.category": visible_categories,
        "certification.informationrequest": visible_information_requests,
        "certification.submittedevidence": visible_evidence,
        "certification.call": visible_calls,
        "certification.cycle": visible_cycles,
        "certification.submission": visible_submissions,
        "certification.verdict": visible_verdicts,
        "certification.certificate": visible_certificates,
        "certification.assignment": visible_assignments,
        "certification.finding": visible_findings,
        "certification.hearing": visible_hearings,
        "certification.conflictofinterest": visible_conflicts,
        "certification.remindersent": visible_reminders,
    }
