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
- **The public** verifies a certificate by its code and lists the municipalities recognised today.

Evidence holds aggregates only (``certification.rules``): reading a cycle never reads a child's
personal data, so no role here needs the second factor for it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.certification.models import (
    PREPARING,
    UNDER_REVIEW,
    Call,
    Category,
    Certificate,
    Cycle,
    CycleStage,
    Framework,
    FrameworkStatus,
    InformationRequest,
    Requirement,
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


def can_manage_some_call(actor: Actor | None) -> bool:
    return is_secretariat(actor)


def can_review_some_cycle(actor: Actor | None) -> bool:
    return is_secretariat(actor)


def can_prepare_some_cycle(actor: Actor | None) -> bool:
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
    if not can_read_certification(actor):
        return queryset.none()
    assert actor is not None and actor.scope_path is not None
    return queryset if actor.scope_path == "" else queryset.filter(org_unit__path__startswith=actor.scope_path)


def can_prepare(actor: Actor | None, cycle: Cycle) -> bool:
    """The municipality's side: commitment, candidacy, documents, submission, answers."""
    if not can_prepare_some_cycle(actor) or actor is None:
        return False
    if not actor.is_admin and not actor.covers(cycle.org_unit):
        return False
    return cycle.stage in (*PREPARING, CycleStage.INFO_REQUESTED)


def can_start_cycle(actor: Actor | None, unit: OrgUnit | None) -> bool:
    if not can_prepare_some_cycle(actor) or actor is None or unit is None or unit.level != Level.MUNICIPALITY:
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
    return Submission.objects.filter(cycle__in=visible_cycles(actor).values("pk"))


def visible_evidence(actor: Actor | None) -> QuerySet[SubmittedEvidence]:
    return SubmittedEvidence.objects.filter(submission__cycle__in=visible_cycles(actor).values("pk"))


def visible_verdicts(actor: Actor | None) -> QuerySet[Verdict]:
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
    return InformationRequest.objects.filter(cycle__in=visible_cycles(actor).values("pk"))


def cycles_as_owners(actor: Actor) -> QuerySet[Cycle]:
    """The owners of the cycle documents the actor reads (``core.documents.register_owner``)."""
    return visible_cycles(actor)


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
    if not can_prepare_some_cycle(actor) or not (actor.is_admin or actor.covers(cycle.org_unit)):
        raise Http404
    return cycle


def get_cycle_to_review(actor: Actor, pk: object) -> Cycle:
    cycle = get_cycle(actor, pk)
    if not is_secretariat(actor) or not (actor.is_admin or actor.covers(cycle.org_unit)):
        raise Http404
    return cycle


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
    }
