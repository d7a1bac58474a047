"""Who sees and works on which case (issue #11 item 5; decisions 0015 and 0025). Views, API, selectors,
exports and services ask only this.

* a defender: the cases of their community they own or are assigned to;
* a supervisor: every case of their municipality, sensitive ones included; the access log;
* an administrator: only inside an open break-glass grant, and a sensitive case without the child's name;
* coordinators, focal points, analysts, the secretariat: never (the figures are anonymised aggregates).

A **sensitive** case (sexual violence, or marked by hand) is seen with the child's name only by its
owner, its assigned users and the municipality's supervisors; anyone else who may know it exists sees
it masked (``may_see_child``). Every case shown writes an access event (one per list row, in bulk; one
per opening), here, after the check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.db.models import Case as DbCase
from django.db.models import Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from ronda.cases.duplicates import words
from ronda.cases.models import (
    OPEN_STATES,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseCounter,
    CaseEvent,
    CaseFlag,
    CaseNote,
    CasePlan,
    CaseState,
    CaseViolation,
    Mediation,
    MediationAgreement,
    PlanAction,
    Referral,
    Risk,
    Task,
    ViolationType,
    Visit,
)
from ronda.core import audit
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, Shape, get_object_or_404_scoped
from ronda.territory.selectors import large_columns

if TYPE_CHECKING:
    from ronda.accounts.models import User
    from ronda.territory.models import OrgUnit

# Pages name the units; they never read their map shapes or populations (megabytes per unit).
_LARGE = large_columns("community", "municipality")
CASE_READERS = frozenset({Role.SUPERVISOR, Role.DEFENDER, Role.ADMIN})
CASE_WORKERS = frozenset({Role.SUPERVISOR, Role.DEFENDER})

CASE_LIST_PURPOSE = "case list"
CASE_RECORD_PURPOSE = "case record"
CASE_EXPORT_PURPOSE = "case export"
ATTACHMENT_PURPOSE = "case attachment downloaded"
MASKED = "•••"


def can_read_cases(actor: Actor | None) -> bool:
    """The module-level check: a role that reads cases, with the second factor (an administrator
    only inside a break-glass grant)."""
    if actor is None or actor.role not in CASE_READERS or not actor.may_read_personal_data:
        return False
    return not actor.is_admin or actor.in_break_glass


def _in_scopes(actor: Actor, field: str) -> Q | None:
    scopes = actor.personal_data_scopes
    if not scopes:
        return None
    condition = Q()
    for prefix in scopes:
        condition |= Q(**{f"{field}__path__startswith": prefix})
    return condition


def works_on(user_field: str, user: User) -> Q:
    """``Q`` for cases (reached through ``user_field``, "" for the case itself) owned by or assigned to ``user``."""
    prefix = f"{user_field}__" if user_field else ""
    assigned = CaseAssignment.objects.filter(case=OuterRef(f"{prefix}pk" if prefix else "pk"), user=user)
    return Q(**{f"{prefix}owner": user}) | Q(Exists(assigned))


def visible_cases(actor: Actor | None) -> QuerySet[Case]:
    """The cases this actor may know of (not logged: for counts, guards and joins; show them through
    ``list_cases`` or ``get_case``, which log the read)."""
    if actor is None or not can_read_cases(actor):
        return Case.objects.none()
    condition = _in_scopes(actor, "community")
    if condition is None:
        return Case.objects.none()
    cases = Case.objects.filter(condition)
    if actor.role == Role.DEFENDER:
        cases = cases.filter(works_on("", actor.user))
    return cases


def may_see_child(actor: Actor, case: Case) -> bool:
    """The child's name and details on this case: always, unless it is sensitive and the actor is
    neither a supervisor of the municipality nor working on it."""
    if not case.sensitive:
        return True
    if actor.role == Role.SUPERVISOR and actor.may_read_personal_data_at(case.community.path):
        return True
    return actor.role == Role.DEFENDER and _works_on_case(actor, case)


def _works_on_case(actor: Actor, case: Case) -> bool:
    if case.owner_id == actor.user.pk:
        return True
    return CaseAssignment.objects.filter(case=case, user=actor.user).exists()


def can_work_on(actor: Actor | None, case: Case) -> bool:
    """Who writes on a case (visits, notes, plan, referrals …): its owner and assigned defenders, and
    the supervisors of its municipality. Never an administrator (break-glass is for reading)."""
    if actor is None or actor.role not in CASE_WORKERS or not actor.may_read_personal_data:
        return False
    if not actor.may_read_personal_data_at(case.community.path):
        return False
    return actor.role == Role.SUPERVISOR or _works_on_case(actor, case)


def can_supervise(actor: Actor | None, case: Case | None = None) -> bool:
    """The municipality's supervisor: approves plans and closures, reassigns, transfers, merges, reads
    the access log. Without ``case``: whether the actor supervises anywhere."""
    if actor is None or actor.role != Role.SUPERVISOR or not actor.may_read_personal_data:
        return False
    return case is None or actor.may_read_personal_data_at(case.community.path)


def case_holders(unit: OrgUnit) -> QuerySet[User]:
    """Who may hold a case under ``unit`` (a community or a municipality): its defenders, and the
    supervisors of the municipality (or of a unit above it). The service checks it again per case."""
    from ronda.accounts.models import User

    above = [unit.path[: i + 1] for i, char in enumerate(unit.path) if char == "."]
    defenders = Q(memberships__role=Role.DEFENDER, memberships__org_unit__path__startswith=unit.path)
    supervisors = Q(memberships__role=Role.SUPERVISOR, memberships__org_unit__path__in=above)
    return (
        User.objects.filter(defenders | supervisors, is_active=True, memberships__is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def can_open_cases(actor: Actor | None) -> bool:
    return actor is not None and actor.role in CASE_WORKERS and actor.may_read_personal_data


def can_open_case_in(actor: Actor | None, community: object) -> bool:
    path = getattr(community, "path", None)
    return can_open_cases(actor) and actor is not None and actor.may_read_personal_data_at(path)


# --- Lists and records ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseFilters:
    state: str = ""
    violation_type: int | None = None
    risk: str = ""
    community: int | None = None
    sensitive: bool | None = None
    overdue_tasks: bool = False
    open_only: bool = False
    owner: int | None = None
    search: str = ""


RISK_RANK = DbCase(When(risk=Risk.HIGH, then=Value(0)), When(risk=Risk.MEDIUM, then=Value(1)), default=Value(2))
SORTS = {
    "recientes": ("-id",),
    "antiguos": ("id",),
    "riesgo": ("risk_rank", "-id"),
    "hechos": ("-facts_date", "-id"),
}


def filtered_cases(actor: Actor, filters: CaseFilters, *, today: object = None) -> QuerySet[Case]:
    """``visible_cases`` narrowed by the list's filters (not logged). The name search reads only the
    children the actor may see by name: a masked case is never found by its child's name."""
    cases = visible_cases(actor)
    if filters.state:
        cases = cases.filter(state=filters.state)
    elif filters.open_only:
        cases = cases.filter(state__in=OPEN_STATES)
    if filters.violation_type is not None:
        cases = cases.filter(
            Exists(CaseViolation.objects.filter(case=OuterRef("pk"), violation_type=filters.violation_type))
        )
    if filters.risk:
        cases = cases.filter(risk=filters.risk)
    if filters.community is not None:
        cases = cases.filter(community_id=filters.community)
    if filters.sensitive is not None:
        cases = cases.filter(sensitive=filters.sensitive)
    if filters.owner is not None:
        cases = cases.filter(owner_id=filters.owner)
    if filters.overdue_tasks:
        from django.utils import timezone

        day = today or timezone.localdate()
        cases = cases.filter(Exists(Task.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_on__lt=day)))
    terms = words(filters.search)[:6]
    if terms:
        by_child = Q()
        for word in terms:
            by_child &= Q(child__search_text__contains=word)
        from ronda.cases.models import Caregiver

        caregiver = Q()
        for word in terms:
            caregiver &= Q(name_key__contains=word)
        by_caregiver = Exists(Caregiver.objects.filter(caregiver, child=OuterRef("child")))
        found = by_child | Q(by_caregiver)
        if actor.role != Role.SUPERVISOR:
            # A sensitive case the actor does not work on is not found by the child's name.
            found &= Q(sensitive=False) | works_on("", actor.user)
        cases = cases.filter(found)
    return cases


def _log(actor: Actor, cases: Iterable[Case], purpose: str) -> None:
    """One access event per case shown, in one insert per community (the unit it is filed under)."""
    ordered = sorted(cases, key=lambda c: c.community_id)
    for _community_id, group in groupby(ordered, key=lambda c: c.community_id):
        rows = list(group)
        audit.record_accesses(actor=actor, targets=rows, org_unit=rows[0].community, purpose=purpose)


def log_cases_shown(actor: Actor, cases: Iterable[Case], purpose: str = CASE_LIST_PURPOSE) -> None:
    """For a caller that showed cases it got from ``filtered_cases`` (a keyset page, an export)."""
    _log(actor, cases, purpose)


def list_cases(actor: Actor, filters: CaseFilters, *, order: tuple[str, ...] = ("-id",), limit: int = 25) -> list[Case]:
    """The first ``limit`` cases of the filtered list, as shown (one access event each)."""
    cases = filtered_cases(actor, filters).select_related("child", "community", "owner").defer(*_LARGE)
    if "risk_rank" in order:
        cases = cases.annotate(risk_rank=RISK_RANK)
    shown = list(cases.order_by(*order)[:limit])
    _log(actor, shown, CASE_LIST_PURPOSE)
    return shown


def get_case(actor: Actor, pk: object, *, shape: Shape[Case] | None = None) -> Case:
    """One case, or 404 for missing and forbidden alike; the opening is logged after the check."""
    case = get_object_or_404_scoped(
        visible_cases(actor).select_related("child", "community", "municipality", "owner").defer(*_LARGE),
        pk=pk,
        shape=shape,
    )
    audit.record_access(actor=actor, target=case, org_unit=case.community, purpose=CASE_RECORD_PURPOSE)
    return case


def get_case_for_work(actor: Actor, pk: object) -> Case:
    """``get_case`` for someone who may write on it (404 otherwise, before anything is logged)."""
    case = get_object_or_404_scoped(
        visible_cases(actor).select_related("child", "community", "municipality", "owner").defer(*_LARGE), pk=pk
    )
    if not can_work_on(actor, case):
        raise Http404
    audit.record_access(actor=actor, target=case, org_unit=case.community, purpose=CASE_RECORD_PURPOSE)
    return case


def get_case_for_supervision(actor: Actor, pk: object) -> Case:
    case = get_object_or_404_scoped(
        visible_cases(actor).select_related("child", "community", "municipality", "owner").defer(*_LARGE), pk=pk
    )
    if not can_supervise(actor, case):
        raise Http404
    audit.record_access(actor=actor, target=case, org_unit=case.community, purpose=CASE_RECORD_PURPOSE)
    return case


# --- The parts of a case (reached through the case, never on their own) -------------------------------
def visible_visits(actor: Actor | None) -> QuerySet[Visit]:
    return Visit.objects.filter(case__in=visible_cases(actor))


def visible_plans(actor: Actor | None) -> QuerySet[CasePlan]:
    return CasePlan.objects.filter(case__in=visible_cases(actor))


def visible_plan_actions(actor: Actor | None) -> QuerySet[PlanAction]:
    return PlanAction.objects.filter(plan__case__in=visible_cases(actor))


def visible_mediations(actor: Actor | None) -> QuerySet[Mediation]:
    return Mediation.objects.filter(case__in=visible_cases(actor))


def visible_agreements(actor: Actor | None) -> QuerySet[MediationAgreement]:
    return MediationAgreement.objects.filter(mediation__case__in=visible_cases(actor))


def visible_referrals(actor: Actor | None) -> QuerySet[Referral]:
    return Referral.objects.filter(case__in=visible_cases(actor))


def visible_notes(actor: Actor | None) -> QuerySet[CaseNote]:
    return CaseNote.objects.filter(case__in=visible_cases(actor))


def visible_tasks(actor: Actor | None) -> QuerySet[Task]:
    return Task.objects.filter(case__in=visible_cases(actor))


def visible_flags(actor: Actor | None) -> QuerySet[CaseFlag]:
    return CaseFlag.objects.filter(case__in=visible_cases(actor))


def visible_attachments(actor: Actor | None) -> QuerySet[CaseAttachment]:
    return CaseAttachment.objects.filter(case__in=visible_cases(actor))


def visible_case_events(actor: Actor | None) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case__in=visible_cases(actor))


@dataclass(frozen=True)
class CaseParts:
    """The parts of one case its reader may read, as plain querysets on the case (decision 0025):
    whoever reads a case reads its parts, so the case's own check stands for theirs and the pages
    do not compile the case's scope again into every part's query."""

    visits: QuerySet[Visit]
    plans: QuerySet[CasePlan]
    plan_actions: QuerySet[PlanAction]
    mediations: QuerySet[Mediation]
    agreements: QuerySet[MediationAgreement]
    referrals: QuerySet[Referral]
    tasks: QuerySet[Task]
    notes: QuerySet[CaseNote]
    flags: QuerySet[CaseFlag]
    attachments: QuerySet[CaseAttachment]
    events: QuerySet[CaseEvent]


def parts_of(actor: Actor, case: Case) -> CaseParts:
    """The parts of ``case`` for a reader who reached it through ``get_case``; checked again here
    (one query), so a case that is not the actor's gives Http404, never its parts."""
    if not visible_cases(actor).filter(pk=case.pk).exists():
        raise Http404
    return CaseParts(
        visits=Visit.objects.filter(case_id=case.pk),
        plans=CasePlan.objects.filter(case_id=case.pk),
        plan_actions=PlanAction.objects.filter(plan__case_id=case.pk),
        mediations=Mediation.objects.filter(case_id=case.pk),
        agreements=MediationAgreement.objects.filter(mediation__case_id=case.pk),
        referrals=Referral.objects.filter(case_id=case.pk),
        tasks=Task.objects.filter(case_id=case.pk),
        notes=CaseNote.objects.filter(case_id=case.pk),
        flags=CaseFlag.objects.filter(case_id=case.pk),
        attachments=CaseAttachment.objects.filter(case_id=case.pk),
        events=CaseEvent.objects.filter(case_id=case.pk),
    )


def _part_for_work(actor: Actor, queryset: QuerySet, pk: object, case_path: str) -> object:
    """A part of a case the actor may write on (404 otherwise); the read of its case is logged."""
    part = get_object_or_404_scoped(queryset.select_related(f"{case_path}__community"), pk=pk)
    case = part
    for step in case_path.split("__"):
        case = getattr(case, step)
    if not can_work_on(actor, case):
        raise Http404
    audit.record_access(actor=actor, target=case, org_unit=case.community, purpose=CASE_RECORD_PURPOSE)
    return part


def get_visit_for_work(actor: Actor, pk: object) -> Visit:
    return _part_for_work(actor, visible_visits(actor), pk, "case")  # type: ignore[return-value]


def get_plan_action_for_work(actor: Actor, pk: object) -> PlanAction:
    return _part_for_work(actor, visible_plan_actions(actor), pk, "plan__case")  # type: ignore[return-value]


def get_mediation_for_work(actor: Actor, pk: object) -> Mediation:
    return _part_for_work(actor, visible_mediations(actor), pk, "case")  # type: ignore[return-value]


def get_agreement_for_work(actor: Actor, pk: object) -> MediationAgreement:
    return _part_for_work(actor, visible_agreements(actor), pk, "mediation__case")  # type: ignore[return-value]


def get_referral_for_work(actor: Actor, pk: object) -> Referral:
    return _part_for_work(actor, visible_referrals(actor), pk, "case")  # type: ignore[return-value]


def get_task_for_work(actor: Actor, pk: object) -> Task:
    return _part_for_work(actor, visible_tasks(actor), pk, "case")  # type: ignore[return-value]


def get_flag_for_work(actor: Actor, pk: object) -> CaseFlag:
    return _part_for_work(actor, visible_flags(actor), pk, "case")  # type: ignore[return-value]


def get_attachment(actor: Actor, pk: object) -> CaseAttachment:
    """An attachment to download: who may read its case (the download is logged as a read of it)."""
    attachment = get_object_or_404_scoped(visible_attachments(actor).select_related("case__community"), pk=pk)
    if not may_see_child(actor, attachment.case):
        raise Http404
    # Logged as a read of the case: "who opened this file" lists it.
    audit.record_access(
        actor=actor, target=attachment.case, org_unit=attachment.case.community, purpose=ATTACHMENT_PURPOSE
    )
    return attachment


def get_attachment_for_work(actor: Actor, pk: object) -> CaseAttachment:
    return _part_for_work(actor, visible_attachments(actor), pk, "case")  # type: ignore[return-value]


# --- Who opened this file --------------------------------------------------------------------------
def can_read_access_log(actor: Actor | None, case: Case) -> bool:
    return can_supervise(actor, case)


def list_openings(actor: Actor, case: Case, *, limit: int = 100) -> list[AccessEvent]:
    """Who opened this case or its child's record, and when, newest first (the supervisor's view)."""
    if not can_read_access_log(actor, case):
        raise Http404
    targets = Q(target_type="cases.case", target_id=str(case.pk)) | Q(
        target_type="cases.child", target_id=str(case.child_id)
    )
    return list(AccessEvent.objects.filter(targets).order_by("-created_at", "-id")[:limit])


# --- Taxonomy and choices ----------------------------------------------------------------------------
def violation_types_for(unit_path: str) -> QuerySet[ViolationType]:
    """The active violation types of the country ``unit_path`` lies in (the form's choices)."""
    country_path = unit_path.split(".")[0] + "." if unit_path else ""
    return ViolationType.objects.filter(country__path=country_path, is_active=True).order_by("position", "name")


def overdue_referral_obligations(actor: Actor | None) -> QuerySet[CaseViolation]:
    """Mandatory referrals past their deadline on open cases the actor may know of (the alerts)."""
    from django.utils import timezone

    return CaseViolation.objects.filter(
        case__in=visible_cases(actor).exclude(state=CaseState.CLOSED),
        referral__isnull=True,
        referral_due_at__lt=timezone.now(),
    ).select_related("case", "violation_type")


def visible_assignments(actor: Actor | None) -> QuerySet[CaseAssignment]:
    return CaseAssignment.objects.filter(case__in=visible_cases(actor))


def visible_case_violations(actor: Actor | None) -> QuerySet[CaseViolation]:
    return CaseViolation.objects.filter(case__in=visible_cases(actor))


def visible_violation_types(actor: Actor | None) -> QuerySet[ViolationType]:
    """The taxonomy is public reference data: anyone signed in may read the types of their country."""
    if actor is None or actor.scope_path is None:
        return ViolationType.objects.none()
    if actor.scope_path == "":
        return ViolationType.objects.all()
    return ViolationType.objects.filter(country__path=actor.scope_path.split(".")[0] + ".")


def visible_counters(actor: Actor | None) -> QuerySet[CaseCounter]:
    """The numbering's bookkeeping: administrators only."""
    return CaseCounter.objects.all() if actor is not None and actor.is_admin else CaseCounter.objects.none()


def visible_exports(actor: Actor | None) -> QuerySet[Any]:
    """A supervisor's own case exports (``policies_exports``, which imports this module: asked lazily)."""
    from ronda.cases import policies_exports

    return policies_exports.owned_exports(actor)


def audit_readers() -> dict[str, Any]:
    """What each actor may read of the cases' objects, for the audit trail (``core.audit_readers``)."""
    return {
        "cases.case": visible_cases,
        "cases.caseassignment": visible_assignments,
        "cases.caseviolation": visible_case_violations,
        "cases.caseevent": visible_case_events,
        "cases.visit": visible_visits,
        "cases.caseplan": visible_plans,
        "cases.planaction": visible_plan_actions,
        "cases.mediation": visible_mediations,
        "cases.mediationagreement": visible_agreements,
        "cases.referral": visible_referrals,
        "cases.casenote": visible_notes,
        "cases.task": visible_tasks,
        "cases.caseflag": visible_flags,
        "cases.caseattachment": visible_attachments,
        "cases.violationtype": visible_violation_types,
        "cases.casecounter": visible_counters,
        "cases.caseexport": visible_exports,
    }
