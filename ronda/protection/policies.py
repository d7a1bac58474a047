"""Who sees and works on which protection file and care resource (issue #12 items 1 and 9; decision
0026). Views, API, selectors and services ask only this.

* a protection officer: every file held by an office seated in their membership's subtree — the
  state office's officers see the state's files (their own office's and the municipal offices'), a
  municipal DIF's officers their municipality's; they write on them;
* a supervisor: the same files (approvals: restitution plans, exceptions for children under three,
  capacity overrides) and the access log;
* an administrator: only inside an open break-glass grant, read only;
* an institution's focal point (a membership with an institution): the restitution-plan actions of
  that institution in their subtree, never the rest of the file (``visible_sector_actions``);
* everyone else: never (the figures are anonymised aggregates).

Care resources (facilities, foster families, adopters, campaigns) are shared within a state: the
officers and supervisors of the state and of its municipalities see the state's resources, so that a
municipal officer can place a child in the state's centre or with a family of the state's bank.

Always with the verified second factor (``Actor.may_read_personal_data_at``). What a user may not read
answers 404. Every file shown is logged: one access event per list row (in bulk) and per opening.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from itertools import groupby
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ronda.core import audit
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, Shape, get_object_or_404_scoped
from ronda.protection.models import (
    AdoptionAssignment,
    CorrectiveAction,
    DiagnosisEntry,
    Facility,
    FacilityStaffing,
    FigureSnapshot,
    FileCounter,
    FileRight,
    FileStatus,
    FileTransfer,
    FosterFamily,
    FosterStatusChange,
    FosterSupport,
    FosterTraining,
    Gatekeeping,
    MeasureReview,
    MeasureType,
    Placement,
    PlanReview,
    ProspectiveAdopter,
    ProtectionFile,
    ProtectiveMeasure,
    RecruitmentCampaign,
    ReintegrationVisit,
    RestitutionAction,
    RestitutionPlan,
    StandardItem,
    SupervisionFinding,
    SupervisionVisit,
)
from ronda.territory.selectors import large_columns

if TYPE_CHECKING:
    from ronda.accounts.models import User
    from ronda.cases.models import Case, Child
    from ronda.territory.models import Institution, OrgUnit

FILE_READERS = frozenset({Role.PROTECTION_OFFICER, Role.SUPERVISOR, Role.ADMIN})
FILE_WORKERS = frozenset({Role.PROTECTION_OFFICER, Role.SUPERVISOR})
RESOURCE_READERS = FILE_WORKERS

FILE_LIST_PURPOSE = "protection file list"
FILE_RECORD_PURPOSE = "protection file"
SECTOR_ACTION_PURPOSE = "restitution action of a sector"
RESOURCE_RECORD_PURPOSE = "care resource record"

LARGE_FILE_COLUMNS = _LARGE = large_columns("municipality", "office__org_unit")
# What a shown file is read with: its child, municipality, officer and office with the office's seat
# (the unit its access events are filed under, ``trail_unit``).
WITH_FILE = ("child", "municipality", "officer", "office__org_unit")


# --- The module-level checks ---------------------------------------------------------------------
def can_read_files(actor: Actor | None) -> bool:
    """A role that reads protection files, with the second factor (an administrator only inside a
    break-glass grant)."""
    if actor is None or actor.role not in FILE_READERS or not actor.may_read_personal_data:
        return False
    return not actor.is_admin or actor.in_break_glass


def can_open_files(actor: Actor | None) -> bool:
    return actor is not None and actor.role in FILE_WORKERS and actor.may_read_personal_data


def _path_in_scopes(actor: Actor, field: str) -> Q | None:
    scopes = actor.personal_data_scopes
    if not scopes:
        return None
    condition = Q()
    for prefix in scopes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def visible_files(actor: Actor | None) -> QuerySet[ProtectionFile]:
    """The files this actor may know of (not logged: for counts, guards and joins; show them through
    ``list_files`` or ``get_file``, which log the read)."""
    if actor is None or not can_read_files(actor):
        return ProtectionFile.objects.none()
    condition = _path_in_scopes(actor, "path")
    if condition is None:
        return ProtectionFile.objects.none()
    return ProtectionFile.objects.filter(condition)


def can_work_on_file(actor: Actor | None, file: ProtectionFile) -> bool:
    """Who writes on a file: the officers and supervisors whose subtree holds it. Never an
    administrator (break-glass is for reading)."""
    if actor is None or actor.role not in FILE_WORKERS or not actor.may_read_personal_data:
        return False
    return actor.may_read_personal_data_at(file.path)


def can_supervise_file(actor: Actor | None, file: ProtectionFile | None = None) -> bool:
    """A supervisor over the file's office: approves plans, exceptions and overrides, reads the access
    log. Without ``file``: whether the actor supervises anywhere."""
    if actor is None or actor.role != Role.SUPERVISOR or not actor.may_read_personal_data:
        return False
    return file is None or actor.may_read_personal_data_at(file.path)


def offices_for(actor: Actor | None) -> QuerySet[Any]:
    """The protection offices a file may be held by for this actor: active institutions of a
    protection kind (or a DIF) seated inside the actor's subtree."""
    from ronda.territory.models import Institution, InstitutionKind

    if actor is None or not can_open_files(actor) or actor.scope_path is None:
        return Institution.objects.none()
    kinds = (
        InstitutionKind.CHILD_PROTECTION_AGENCY,
        InstitutionKind.PROTECTION_BOARD,
        InstitutionKind.FAMILY_WELFARE,
    )
    return Institution.objects.filter(
        is_active=True, kind__in=kinds, org_unit__path__startswith=actor.scope_path
    ).select_related("org_unit")


def trail_unit(file: ProtectionFile) -> Any:
    """The unit a file's audit and access events are filed under: the seat of the office that holds
    it (its readers' scope), never the child's municipality — a municipality's supervisor must not
    learn from the trail that the state office protects one of its children. Read once per instance."""
    cached = getattr(file, "_trail_unit", None)
    if cached is None:
        from ronda.territory.models import Institution, OrgUnit

        if ProtectionFile.office.is_cached(file) and Institution.org_unit.is_cached(file.office):
            cached = file.office.org_unit  # read with the file (``WITH_FILE``)
        else:
            cached = OrgUnit.objects.only("id", "path", "name", "level").get(seated_institutions=file.office_id)
        file._trail_unit = cached  # type: ignore[attr-defined]
    return cached


def _ancestor_paths(path: str) -> list[str]:
    return [path[: i + 1] for i, char in enumerate(path) if char == "."]


def receiving_offices(file: ProtectionFile) -> QuerySet[Any]:
    """The offices a file may be transferred to: active protection offices (or DIFs) with
    jurisdiction over the child's municipality — seated at it or above it, or naming it in their
    jurisdiction — other than the one that holds it."""
    from ronda.territory.models import Institution, InstitutionKind

    kinds = (
        InstitutionKind.CHILD_PROTECTION_AGENCY,
        InstitutionKind.PROTECTION_BOARD,
        InstitutionKind.FAMILY_WELFARE,
    )
    municipality_path = file.municipality.path
    serving = Q(org_unit__path__in=_ancestor_paths(municipality_path)) | Q(jurisdiction__path=municipality_path)
    return (
        Institution.objects.filter(serving, is_active=True, kind__in=kinds)
        .exclude(pk=file.office_id)
        .distinct()
        .order_by("name")
    )


def receiving_officers(file: ProtectionFile) -> QuerySet[Any]:
    """Who may receive a transferred file: the officers and supervisors whose membership sits at the
    seat of one of ``receiving_offices`` (the service checks the chosen pair again)."""
    from ronda.accounts.models import Membership, User

    seats = receiving_offices(file).values("org_unit_id")
    members = Membership.objects.active().filter(role__in=FILE_WORKERS, org_unit_id__in=seats).values("user")
    return User.objects.filter(pk__in=members, is_active=True).order_by("first_name", "last_name", "username")


# --- Lists and records ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FileFilters:
    status: str = FileStatus.OPEN
    officer: int | None = None
    municipality: int | None = None
    search: str = ""


def filtered_files(actor: Actor, filters: FileFilters) -> QuerySet[ProtectionFile]:
    """``visible_files`` narrowed by the list's filters (not logged)."""
    from ronda.cases.duplicates import words

    files = visible_files(actor)
    if filters.status:
        files = files.filter(status=filters.status)
    if filters.officer is not None:
        files = files.filter(officer_id=filters.officer)
    if filters.municipality is not None:
        files = files.filter(municipality_id=filters.municipality)
    for word in words(filters.search)[:6]:
        files = files.filter(Q(child__search_text__contains=word) | Q(number__icontains=word))
    return files


def _log(actor: Actor, files: Iterable[ProtectionFile], purpose: str) -> None:
    """One access event per file shown, in one insert per holding office (filed under its seat)."""
    ordered = sorted(files, key=lambda f: f.office_id)
    for _office, group in groupby(ordered, key=lambda f: f.office_id):
        rows = list(group)
        audit.record_accesses(actor=actor, targets=rows, org_unit=trail_unit(rows[0]), purpose=purpose)


def log_files_shown(actor: Actor, files: Iterable[ProtectionFile], purpose: str = FILE_LIST_PURPOSE) -> None:
    """For a caller that showed files it got from ``filtered_files`` (a keyset page, the caseload)."""
    _log(actor, files, purpose)


def list_files(
    actor: Actor, filters: FileFilters, *, order: tuple[str, ...] = ("-id",), limit: int = 25
) -> list[ProtectionFile]:
    """The first ``limit`` files of the filtered list, as shown (one access event each)."""
    files = filtered_files(actor, filters).select_related(*WITH_FILE).defer(*_LARGE)
    shown = list(files.order_by(*order)[:limit])
    _log(actor, shown, FILE_LIST_PURPOSE)
    return shown


def _record(actor: Actor, queryset: QuerySet[ProtectionFile], pk: object, shape: Shape[ProtectionFile] | None):
    file = get_object_or_404_scoped(queryset.select_related(*WITH_FILE).defer(*_LARGE), pk=pk, shape=shape)
    file._visible_to = actor  # type: ignore[attr-defined] # read through this actor's scope (``parts_of``)
    return file


def get_file(actor: Actor, pk: object, *, shape: Shape[ProtectionFile] | None = None) -> ProtectionFile:
    """One file, or 404 for missing and forbidden alike; the opening is logged after the check."""
    file = _record(actor, visible_files(actor), pk, shape)
    audit.record_access(actor=actor, target=file, org_unit=trail_unit(file), purpose=FILE_RECORD_PURPOSE)
    return file


def get_file_for_work(actor: Actor, pk: object) -> ProtectionFile:
    """``get_file`` for someone who may write on it (404 otherwise, before anything is logged)."""
    file = _record(actor, visible_files(actor), pk, None)
    if not can_work_on_file(actor, file):
        raise Http404
    audit.record_access(actor=actor, target=file, org_unit=trail_unit(file), purpose=FILE_RECORD_PURPOSE)
    return file


def get_file_for_supervision(actor: Actor, pk: object) -> ProtectionFile:
    file = _record(actor, visible_files(actor), pk, None)
    if not can_supervise_file(actor, file):
        raise Http404
    audit.record_access(actor=actor, target=file, org_unit=trail_unit(file), purpose=FILE_RECORD_PURPOSE)
    return file


# --- The parts of a file (reached through the file) ------------------------------------------------
def visible_transfers(actor: Actor | None) -> QuerySet[FileTransfer]:
    return FileTransfer.objects.filter(file__in=visible_files(actor))


def visible_diagnosis(actor: Actor | None) -> QuerySet[DiagnosisEntry]:
    return DiagnosisEntry.objects.filter(file__in=visible_files(actor))


def visible_rights(actor: Actor | None) -> QuerySet[FileRight]:
    return FileRight.objects.filter(file__in=visible_files(actor))


def visible_plans(actor: Actor | None) -> QuerySet[RestitutionPlan]:
    return RestitutionPlan.objects.filter(file__in=visible_files(actor))


def visible_actions(actor: Actor | None) -> QuerySet[RestitutionAction]:
    """The plan actions of the files the actor sees, and, for an institution's focal point, the
    actions of their institution (``visible_sector_actions``)."""
    return RestitutionAction.objects.filter(plan__file__in=visible_files(actor)) | visible_sector_actions(actor)


def visible_plan_reviews(actor: Actor | None) -> QuerySet[PlanReview]:
    return PlanReview.objects.filter(plan__file__in=visible_files(actor))


def visible_measures(actor: Actor | None) -> QuerySet[ProtectiveMeasure]:
    return ProtectiveMeasure.objects.filter(file__in=visible_files(actor))


def visible_measure_reviews(actor: Actor | None) -> QuerySet[MeasureReview]:
    return MeasureReview.objects.filter(measure__file__in=visible_files(actor))


def visible_gatekeepings(actor: Actor | None) -> QuerySet[Gatekeeping]:
    return Gatekeeping.objects.filter(file__in=visible_files(actor))


def visible_placements(actor: Actor | None) -> QuerySet[Placement]:
    return Placement.objects.filter(file__in=visible_files(actor))


def visible_follow_up_visits(actor: Actor | None) -> QuerySet[ReintegrationVisit]:
    return ReintegrationVisit.objects.filter(placement__file__in=visible_files(actor))


def visible_assignments(actor: Actor | None) -> QuerySet[AdoptionAssignment]:
    return AdoptionAssignment.objects.filter(file__in=visible_files(actor))


@dataclass(frozen=True)
class FileParts:
    """The parts of one file its reader may read, as plain querysets on the file (the file's own
    check, made again in one query by ``parts_of``, stands for theirs)."""

    transfers: QuerySet[FileTransfer]
    diagnosis: QuerySet[DiagnosisEntry]
    rights: QuerySet[FileRight]
    plans: QuerySet[RestitutionPlan]
    actions: QuerySet[RestitutionAction]
    plan_reviews: QuerySet[PlanReview]
    measures: QuerySet[ProtectiveMeasure]
    measure_reviews: QuerySet[MeasureReview]
    gatekeepings: QuerySet[Gatekeeping]
    placements: QuerySet[Placement]
    follow_up_visits: QuerySet[ReintegrationVisit]
    adoption_assignments: QuerySet[AdoptionAssignment]


def parts_of(actor: Actor, file: ProtectionFile) -> FileParts:
    """The parts of ``file`` for a reader who reached it through ``get_file``; checked again here
    (in a query, unless this very actor object read the file through its scope in this request)."""
    if getattr(file, "_visible_to", None) is not actor and not visible_files(actor).filter(pk=file.pk).exists():
        raise Http404
    return FileParts(
        transfers=FileTransfer.objects.filter(file_id=file.pk),
        diagnosis=DiagnosisEntry.objects.filter(file_id=file.pk),
        rights=FileRight.objects.filter(file_id=file.pk),
        plans=RestitutionPlan.objects.filter(file_id=file.pk),
        actions=RestitutionAction.objects.filter(plan__file_id=file.pk),
        plan_reviews=PlanReview.objects.filter(plan__file_id=file.pk),
        measures=ProtectiveMeasure.objects.filter(file_id=file.pk),
        measure_reviews=MeasureReview.objects.filter(measure__file_id=file.pk),
        gatekeepings=Gatekeeping.objects.filter(file_id=file.pk),
        placements=Placement.objects.filter(file_id=file.pk),
        follow_up_visits=ReintegrationVisit.objects.filter(placement__file_id=file.pk),
        adoption_assignments=AdoptionAssignment.objects.filter(file_id=file.pk),
    )


def _part_for_work(actor: Actor, queryset: QuerySet, pk: object, file_path: str) -> Any:
    """A part of a file the actor may write on (404 otherwise); the read of its file is logged."""
    part = get_object_or_404_scoped(queryset.select_related(f"{file_path}__municipality"), pk=pk)
    file = part
    for step in file_path.split("__"):
        file = getattr(file, step)
    if not can_work_on_file(actor, file):
        raise Http404
    audit.record_access(actor=actor, target=file, org_unit=trail_unit(file), purpose=FILE_RECORD_PURPOSE)
    return part


def get_diagnosis_for_work(actor: Actor, pk: object) -> DiagnosisEntry:
    return _part_for_work(actor, visible_diagnosis(actor), pk, "file")


def get_right_for_work(actor: Actor, pk: object) -> FileRight:
    return _part_for_work(actor, visible_rights(actor), pk, "file")


def get_action_for_work(actor: Actor, pk: object) -> RestitutionAction:
    """A plan action for the file's officers (the sector's focal point uses ``get_sector_action``)."""
    return _part_for_work(
        actor, RestitutionAction.objects.filter(plan__file__in=visible_files(actor)), pk, "plan__file"
    )


def get_measure_for_work(actor: Actor, pk: object) -> ProtectiveMeasure:
    return _part_for_work(actor, visible_measures(actor), pk, "file")


def get_gatekeeping_for_work(actor: Actor, pk: object) -> Gatekeeping:
    return _part_for_work(actor, visible_gatekeepings(actor), pk, "file")


def get_placement_for_work(actor: Actor, pk: object) -> Placement:
    return _part_for_work(actor, visible_placements(actor), pk, "file")


def get_assignment_for_work(actor: Actor, pk: object) -> AdoptionAssignment:
    return _part_for_work(actor, visible_assignments(actor), pk, "file")


# --- The sectors' view of the restitution plans ----------------------------------------------------
def is_sector_focal(actor: Actor | None) -> bool:
    """An area focal point whose membership names an institution, with the verified second factor:
    the institution's focal point for the plans' actions (a plan action is part of a child's record).
    No other role reads actions this way — an analyst or the secretariat with an institution reads
    aggregates only, and the read-only roles never write."""
    return (
        actor is not None
        and actor.role == Role.AREA_FOCAL
        and actor.institution_id is not None
        and actor.scope_path is not None
        and actor.second_factor
        and not actor.is_read_only
    )


def visible_sector_actions(actor: Actor | None) -> QuerySet[RestitutionAction]:
    """The actions an institution's focal point sees: their institution's, of plans a supervisor has
    approved once (a draft never approved is the office's working document; a plan changed after its
    approval, waiting to be approved again, still binds the sectors), on open files in their subtree
    (the file's municipality), and nothing else of those files."""
    if actor is None or not is_sector_focal(actor) or actor.scope_path is None or actor.institution_id is None:
        return RestitutionAction.objects.none()
    return RestitutionAction.objects.filter(
        institution_id=actor.institution_id,
        plan__first_approved_at__isnull=False,
        plan__file__status=FileStatus.OPEN,
        plan__file__municipality__path__startswith=actor.scope_path,
    )


def list_sector_actions(actor: Actor, *, limit: int = 200) -> list[RestitutionAction]:
    """The focal point's actions, due first; one access event per action shown (each is part of a
    child's record)."""
    shown = list(
        visible_sector_actions(actor)
        .select_related("plan__file__municipality", "plan__file__child")
        .defer(*large_columns("plan__file__municipality"))
        .order_by("status", "due_on", "id")[:limit]
    )
    for action in shown:
        audit.record_access(
            actor=actor, target=action, org_unit=trail_unit(action.plan.file), purpose=SECTOR_ACTION_PURPOSE
        )
    return shown


def get_sector_action(actor: Actor, pk: object) -> RestitutionAction:
    """One action of the focal point's institution (404 otherwise); the read is logged."""
    action = get_object_or_404_scoped(visible_sector_actions(actor).select_related("plan__file__municipality"), pk=pk)
    audit.record_access(
        actor=actor, target=action, org_unit=trail_unit(action.plan.file), purpose=SECTOR_ACTION_PURPOSE
    )
    return action


# --- Who opened this file ----------------------------------------------------------------------------
def list_openings(actor: Actor, file: ProtectionFile, *, limit: int = 100) -> list[AccessEvent]:
    """Who opened this file or its child's record, and when, newest first (the supervisor's view)."""
    if not can_supervise_file(actor, file):
        raise Http404
    targets = Q(target_type="protection.protectionfile", target_id=str(file.pk)) | Q(
        target_type="cases.child", target_id=str(file.child_id)
    )
    return list(AccessEvent.objects.filter(targets).order_by("-created_at", "-id")[:limit])


# --- Care resources ----------------------------------------------------------------------------------
def state_path(path: str) -> str:
    """The path of the state (region, level 2) a unit's path lies in; a country's path for a country."""
    parts = [p for p in path.split(".") if p]
    return ".".join(parts[:2]) + "." if parts else ""


def _resource_scopes(actor: Actor | None) -> tuple[str, ...] | None:
    """Where the actor sees care resources: the states of their subtrees (administrators: their
    break-glass grants)."""
    if actor is None or actor.role not in FILE_READERS or not actor.may_read_personal_data:
        return None
    scopes = actor.personal_data_scopes
    if not scopes:
        return None
    if actor.is_admin:
        return scopes
    return tuple(state_path(scope) if scope else scope for scope in scopes)


def _resources(actor: Actor | None, queryset: QuerySet[Any], field: str = "path") -> QuerySet[Any]:
    scopes = _resource_scopes(actor)
    if not scopes:
        return queryset.none()
    condition = Q()
    for prefix in scopes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return queryset.filter(condition)


def can_manage_resources(actor: Actor | None, path: str | None = None) -> bool:
    """Who registers and updates care resources: officers and supervisors, within their state
    (``path``: the resource's unit path)."""
    if actor is None or actor.role not in FILE_WORKERS or not actor.may_read_personal_data:
        return False
    scopes = _resource_scopes(actor) or ()
    return path is None or any(path.startswith(prefix) for prefix in scopes)


def visible_facilities(actor: Actor | None) -> QuerySet[Facility]:
    return _resources(actor, Facility.objects.all())


def visible_staffing(actor: Actor | None) -> QuerySet[FacilityStaffing]:
    return _resources(actor, FacilityStaffing.objects.all(), "facility__path")


def visible_supervision_visits(actor: Actor | None) -> QuerySet[SupervisionVisit]:
    return _resources(actor, SupervisionVisit.objects.all(), "facility__path")


def visible_findings(actor: Actor | None) -> QuerySet[SupervisionFinding]:
    return _resources(actor, SupervisionFinding.objects.all(), "visit__facility__path")


def visible_corrective_actions(actor: Actor | None) -> QuerySet[CorrectiveAction]:
    return _resources(actor, CorrectiveAction.objects.all(), "visit__facility__path")


def visible_campaigns(actor: Actor | None) -> QuerySet[RecruitmentCampaign]:
    return _resources(actor, RecruitmentCampaign.objects.all())


def visible_foster_families(actor: Actor | None) -> QuerySet[FosterFamily]:
    return _resources(actor, FosterFamily.objects.all())


def visible_foster_status_changes(actor: Actor | None) -> QuerySet[FosterStatusChange]:
    return _resources(actor, FosterStatusChange.objects.all(), "family__path")


def visible_foster_trainings(actor: Actor | None) -> QuerySet[FosterTraining]:
    return _resources(actor, FosterTraining.objects.all(), "family__path")


def visible_foster_supports(actor: Actor | None) -> QuerySet[FosterSupport]:
    return _resources(actor, FosterSupport.objects.all(), "family__path")


def visible_adopters(actor: Actor | None) -> QuerySet[ProspectiveAdopter]:
    return _resources(actor, ProspectiveAdopter.objects.all())


def _resource(actor: Actor, queryset: QuerySet[Any], pk: object, *, work: bool, log_path: str | None = None) -> Any:
    obj = get_object_or_404_scoped(queryset, pk=pk)
    if work and not can_manage_resources(actor, obj.path if log_path is None else log_path):
        raise Http404
    return obj


def get_facility(actor: Actor, pk: object) -> Facility:
    return _resource(actor, visible_facilities(actor), pk, work=False)


def get_facility_for_work(actor: Actor, pk: object) -> Facility:
    return _resource(actor, visible_facilities(actor), pk, work=True)


def get_supervision_visit_for_work(actor: Actor, pk: object) -> SupervisionVisit:
    visit = get_object_or_404_scoped(visible_supervision_visits(actor).select_related("facility"), pk=pk)
    if not can_manage_resources(actor, visit.facility.path):
        raise Http404
    return visit


def get_corrective_action_for_work(actor: Actor, pk: object) -> CorrectiveAction:
    action = get_object_or_404_scoped(visible_corrective_actions(actor).select_related("visit__facility"), pk=pk)
    if not can_manage_resources(actor, action.visit.facility.path):
        raise Http404
    return action


def get_campaign_for_work(actor: Actor, pk: object) -> RecruitmentCampaign:
    return _resource(actor, visible_campaigns(actor), pk, work=True)


def get_foster_family(actor: Actor, pk: object) -> FosterFamily:
    """A family's record (its contact is an adult's personal data: the read is logged)."""
    family = _resource(
        actor, visible_foster_families(actor).select_related("unit").defer(*large_columns("unit")), pk, work=False
    )
    audit.record_access(actor=actor, target=family, org_unit=family.unit, purpose=RESOURCE_RECORD_PURPOSE)
    return family


def get_foster_family_for_work(actor: Actor, pk: object) -> FosterFamily:
    family = _resource(
        actor, visible_foster_families(actor).select_related("unit").defer(*large_columns("unit")), pk, work=True
    )
    audit.record_access(actor=actor, target=family, org_unit=family.unit, purpose=RESOURCE_RECORD_PURPOSE)
    return family


def get_adopter(actor: Actor, pk: object) -> ProspectiveAdopter:
    adopter = _resource(
        actor, visible_adopters(actor).select_related("unit").defer(*large_columns("unit")), pk, work=False
    )
    audit.record_access(actor=actor, target=adopter, org_unit=adopter.unit, purpose=RESOURCE_RECORD_PURPOSE)
    return adopter


def get_adopter_for_work(actor: Actor, pk: object) -> ProspectiveAdopter:
    adopter = _resource(
        actor, visible_adopters(actor).select_related("unit").defer(*large_columns("unit")), pk, work=True
    )
    audit.record_access(actor=actor, target=adopter, org_unit=adopter.unit, purpose=RESOURCE_RECORD_PURPOSE)
    return adopter


# --- Reference data ----------------------------------------------------------------------------------
def _country_path(path: str) -> str:
    return path.split(".")[0] + "." if path else ""


def measure_types_for(unit_path: str) -> QuerySet[MeasureType]:
    """The active measure types of the country ``unit_path`` lies in (the form's choices)."""
    return MeasureType.objects.filter(country__path=_country_path(unit_path), is_active=True).order_by("name")


def standards_for(unit_path: str) -> QuerySet[StandardItem]:
    """The active supervision standards of the country ``unit_path`` lies in (the checklist)."""
    return StandardItem.objects.filter(country__path=_country_path(unit_path), is_active=True).order_by("order", "code")


def visible_measure_types(actor: Actor | None) -> QuerySet[MeasureType]:
    """Reference data: anyone signed in may read the types of their country."""
    if actor is None or actor.scope_path is None:
        return MeasureType.objects.none()
    if actor.scope_path == "":
        return MeasureType.objects.all()
    return MeasureType.objects.filter(country__path=_country_path(actor.scope_path))


def visible_standards(actor: Actor | None) -> QuerySet[StandardItem]:
    if actor is None or actor.scope_path is None:
        return StandardItem.objects.none()
    if actor.scope_path == "":
        return StandardItem.objects.all()
    return StandardItem.objects.filter(country__path=_country_path(actor.scope_path))


def visible_counters(actor: Actor | None) -> QuerySet[FileCounter]:
    return FileCounter.objects.all() if actor is not None and actor.is_admin else FileCounter.objects.none()


# --- What the pages and the API may pick by id (issue #8 item 1) -----------------------------------
# A record named by id in a URL or a payload is reached here, never looked up beside the policy:
# ``get_…`` answers 404 (missing and forbidden alike); ``pick_…`` answers None, for the caller's 422
# on the field that named it.
def get_supervision_visit(actor: Actor, pk: object) -> SupervisionVisit:
    """A supervision visit of a facility the actor sees, with its facility (a resource's record: not
    logged, like ``get_facility``)."""
    return get_object_or_404_scoped(visible_supervision_visits(actor).select_related("facility"), pk=pk)


def get_transferred_case(actor: Actor, pk: object) -> Case:
    """A community case transferred to one of the actor's offices that has no file yet, with the
    office's seat (404 otherwise). Not logged here: the caller logs the case it shows."""
    return get_object_or_404_scoped(transferred_cases(actor).select_related("transferred_to__org_unit"), pk=pk)


def transferred_cases(actor: Actor) -> QuerySet[Case]:
    """The community cases transferred to an office the actor holds files for, with no file yet
    (not logged: the list page logs the cases it shows)."""
    from ronda.cases.models import Case

    if not can_open_files(actor):
        return Case.objects.none()
    with_file = ProtectionFile.objects.filter(from_case=OuterRef("pk"))
    return (
        Case.objects.filter(transferred_to__in=offices_for(actor))
        .annotate(has_file=Exists(with_file))
        .filter(has_file=False)
        .select_related("community", "municipality", "transferred_to")
        .defer(*large_columns("community"), *large_columns("municipality"))
    )


def get_measure_after_write(actor: Actor, pk: object) -> ProtectiveMeasure:
    """A measure the actor sees, with its type, read again after a service wrote it (not logged
    again: the getter that reached it or its file logged the read)."""
    return get_object_or_404_scoped(visible_measures(actor).select_related("type"), pk=pk)


def get_placement_after_write(actor: Actor, pk: object) -> Placement:
    """A placement the actor sees, read again after a service wrote it (not logged again)."""
    return get_object_or_404_scoped(visible_placements(actor), pk=pk)


def get_assignment_after_write(actor: Actor, pk: object) -> AdoptionAssignment:
    """An adoption assignment the actor sees, with its file, read again after a service wrote it
    (not logged again)."""
    return get_object_or_404_scoped(visible_assignments(actor).select_related("file"), pk=pk)


def get_sector_action_after_write(actor: Actor, pk: object) -> RestitutionAction:
    """One action of the focal point's institution, with its file's child, read again after their
    report (not logged again: ``get_sector_action`` logged the read)."""
    return get_object_or_404_scoped(visible_sector_actions(actor).select_related("plan__file__child"), pk=pk)


def pick_search_municipality(actor: Actor, pk: int) -> OrgUnit | None:
    """A municipality of the actor's jurisdiction, where they may search the registered children
    before opening a file (None otherwise)."""
    from ronda.territory.models import Level, OrgUnit

    municipality = OrgUnit.objects.filter(pk=pk, level=Level.MUNICIPALITY).first()
    if municipality is None or not actor.may_read_personal_data_at(municipality.path):
        return None
    return municipality


def pick_child_for_file(actor: Actor, pk: int) -> Child | None:
    """A registered child of the actor's jurisdiction, to open a file for (None otherwise)."""
    from ronda.cases.models import Child

    child = Child.objects.select_related("municipality").filter(pk=pk).first()
    if child is None or not actor.may_read_personal_data_at(child.municipality.path):
        return None
    return child


def pick_office_officer(office: Institution, pk: int) -> User | None:
    """An active officer or supervisor of ``office`` (a membership at its seat or above it) to hold
    a new file; any other id, existing or not, answers None (nothing is told about other users)."""
    from ronda.accounts.models import Membership, User

    above = _ancestor_paths(office.org_unit.path)
    members = Membership.objects.active().filter(role__in=FILE_WORKERS, org_unit__path__in=above).values("user")
    return User.objects.filter(pk=pk, is_active=True, pk__in=members).first()


def pick_caseload_officer(actor: Actor, pk: int) -> User | None:
    """The officer whose caseload the actor asks for, among the officers of the files they see
    (None otherwise: their caseload would be empty anyway)."""
    from ronda.accounts.models import User

    return User.objects.filter(pk=pk, pk__in=visible_files(actor).values("officer_id")).first()


def plan_institutions(file: ProtectionFile) -> QuerySet[Institution]:
    """The active institutions of the file's country: the sectors a plan's action may be given to."""
    from ronda.territory.models import Institution

    return Institution.objects.filter(is_active=True, org_unit__path__startswith=_country_path(file.path)).order_by(
        "name"
    )


def pick_plan_institution(file: ProtectionFile, pk: int) -> Institution | None:
    """An institution of ``plan_institutions`` for an action of the file's plan (None otherwise)."""
    return plan_institutions(file).filter(pk=pk).first()


def resource_units(actor: Actor) -> QuerySet[OrgUnit]:
    """The states and municipalities a care resource may belong to for this actor: those of their
    state (none for who may not manage resources)."""
    from ronda.territory.models import Level, OrgUnit

    scopes = {state_path(scope) for scope in actor.personal_data_scopes or () if scope}
    if not scopes or not can_manage_resources(actor):
        return OrgUnit.objects.none()
    condition = reduce(or_, (Q(path__startswith=prefix) for prefix in scopes))
    return (
        OrgUnit.objects.filter(condition, level__in=(Level.REGION, Level.MUNICIPALITY), is_active=True)
        .defer(*large_columns())
        .order_by("level", "name")
    )


def pick_resource_unit(actor: Actor, pk: int) -> OrgUnit | None:
    """A state or municipality of ``resource_units`` for a new care resource (None otherwise)."""
    return resource_units(actor).filter(pk=pk).first()


def pick_figures_unit(actor: Actor, pk: int) -> Any:
    """A unit of the figures of alternative care the actor asked for: in their own subtree, a
    municipality at the lowest (the figures are aggregates; no access event), else None."""
    from ronda.territory.models import Level, OrgUnit

    own = actor.org_unit
    if own is None:
        return None
    return (
        OrgUnit.objects.filter(pk=pk, path__startswith=own.path, level__lte=Level.MUNICIPALITY, is_active=True)
        .defer(*large_columns())
        .first()
    )


def parent_unit(unit: Any) -> Any:
    """A unit's parent (its key columns), for the figures' complementary suppression among siblings."""
    from ronda.territory.models import OrgUnit

    if unit.parent_id is None:
        return None
    return OrgUnit.objects.filter(pk=unit.parent_id).defer(*large_columns()).first()


def visible_figure_snapshots(actor: Actor | None) -> QuerySet[FigureSnapshot]:
    """The kept figures (``protection.figures``) are derived counts, replaced every few minutes and
    never written by a person: the trail holds no event of them, and nobody reads them as objects."""
    return FigureSnapshot.objects.none()


def audit_readers() -> dict[str, Any]:
    """What each actor may read of the module's objects, for the audit trail (``core.audit_readers``)."""
    return {
        "protection.protectionfile": visible_files,
        "protection.filecounter": visible_counters,
        "protection.filetransfer": visible_transfers,
        "protection.diagnosisentry": visible_diagnosis,
        "protection.fileright": visible_rights,
        "protection.restitutionplan": visible_plans,
        "protection.restitutionaction": visible_actions,
        "protection.planreview": visible_plan_reviews,
        "protection.measuretype": visible_measure_types,
        "protection.protectivemeasure": visible_measures,
        "protection.measurereview": visible_measure_reviews,
        "protection.gatekeeping": visible_gatekeepings,
        "protection.placement": visible_placements,
        "protection.reintegrationvisit": visible_follow_up_visits,
        "protection.facility": visible_facilities,
        "protection.facilitystaffing": visible_staffing,
        "protection.standarditem": visible_standards,
        "protection.supervisionvisit": visible_supervision_visits,
        "protection.supervisionfinding": visible_findings,
        "protection.correctiveaction": visible_corrective_actions,
        "protection.recruitmentcampaign": visible_campaigns,
        "protection.fosterfamily": visible_foster_families,
        "protection.fosterstatuschange": visible_foster_status_changes,
        "protection.fostertraining": visible_foster_trainings,
        "protection.fostersupport": visible_foster_supports,
        "protection.prospectiveadopter": visible_adopters,
        "protection.adoptionassignment": visible_assignments,
        "protection.figuresnapshot": visible_figure_snapshots,
    }
