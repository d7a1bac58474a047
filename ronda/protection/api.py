"""Protection and alternative care in the JSON API (issue #12): the protection files and their parts,
the caseload and alerts, the care resources of the state (facilities, foster families, adopters) and
the restitution-plan actions of a sector's focal point.

Mounted at ``/api/v1/protection``. The same policies, services and access events as the pages
(``ronda/protection/views``): a file or a part the actor may not see answers 404, like one that does
not exist; a stale ``version`` answers 409; bad input answers 422 with the services' Spanish
messages. Every file shown is logged by the policy call that returns it (one access event per list
row, one per opening); a foster family's or an adopter's record logs its read too (their contacts
are adults' personal data), while the lists show only codes and profiles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from ronda.cases.models import Case
from ronda.cases.services import PossibleDuplicates
from ronda.core import audit
from ronda.core.api_schemas import LIST_ERRORS, READ_ERRORS, MessageOut
from ronda.core.api_utils import read_filters
from ronda.core.pagination import page_response, paginate
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ApiRequest
from ronda.protection import alerts, matching, occupancy, policies, selectors
from ronda.protection import schemas as s
from ronda.protection.models import (
    Facility,
    FosterFamily,
    Placement,
    ProspectiveAdopter,
    ProtectionFile,
    ProtectiveMeasure,
    RecruitmentCampaign,
    RestitutionPlan,
    SupervisionVisit,
)
from ronda.protection.services import files as file_services
from ronda.protection.services import measures as measure_services
from ronda.protection.services import placements as placement_services
from ronda.protection.services import resources as resource_services
from ronda.territory.models import Institution, OrgUnit
from ronda.territory.selectors import large_columns

router = Router(tags=["protection"])
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
FILE_ORDER = ("-id",)
RESOURCE_ORDER = ("name", "id")
CODE_ORDER = ("code", "id")
TRANSFERRED_CASES_PURPOSE = "community case transferred to protection"


# --- Helpers -----------------------------------------------------------------------------------------
def _not_null(payload: Schema, *, nullable: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a PATCH sent (``version`` aside); null only where the field may be empty."""
    fields: dict[str, Any] = {}
    for name in payload.model_fields_set - {"version", *skip}:
        value = getattr(payload, name)
        if value is None and name not in nullable:
            raise ValidationError({name: _("This field cannot be null.")})
        fields[name] = value
    return fields


@contextmanager
def _as_sent(**names: str) -> Iterator[None]:
    """The services name a reference by the model's field ("facility"); a client sent "facility_id":
    a 422 names the field as it was sent."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(key, key): value for key, value in exc.error_dict.items()}) from exc


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _with_parts(actor: Actor, file: ProtectionFile) -> ProtectionFile:
    """The file as ``FileRecordOut`` shows it, with every part its reader may read (reached through
    ``policies.get_file*``, which logged the opening)."""
    parts = policies.parts_of(actor, file)
    file.shown_diagnosis = list(parts.diagnosis.order_by("area"))  # type: ignore[attr-defined]
    file.shown_rights = list(parts.rights.order_by("right"))  # type: ignore[attr-defined]
    plan = parts.plans.first()
    if plan is not None:
        plan.shown_actions = list(parts.actions.order_by("due_on", "id"))  # type: ignore[attr-defined]
        plan.shown_reviews = list(parts.plan_reviews.order_by("-reviewed_on", "-id"))  # type: ignore[attr-defined]
    file.shown_plan = plan  # type: ignore[attr-defined]
    measures = list(parts.measures.select_related("type").order_by("-issued_on", "-id"))
    reviews: dict[int, list[Any]] = defaultdict(list)
    for review in parts.measure_reviews.order_by("-reviewed_on", "-id"):
        reviews[review.measure_id].append(review)
    for measure in measures:
        measure.shown_reviews = reviews[measure.pk]  # type: ignore[attr-defined]
    file.shown_measures = measures  # type: ignore[attr-defined]
    file.shown_gatekeepings = list(parts.gatekeepings.order_by("-id"))  # type: ignore[attr-defined]
    placements = list(parts.placements.order_by("-start_on", "-id"))
    visits: dict[int, list[Any]] = defaultdict(list)
    for visit in parts.follow_up_visits.order_by("-visited_on", "-id"):
        visits[visit.placement_id].append(visit)
    for placement in placements:
        placement.shown_visits = visits[placement.pk]  # type: ignore[attr-defined]
    file.shown_placements = placements  # type: ignore[attr-defined]
    file.shown_transfers = list(parts.transfers.order_by("created_at", "id"))  # type: ignore[attr-defined]
    file.shown_assignments = list(  # type: ignore[attr-defined]
        parts.adoption_assignments.select_related("file").order_by("-proposed_on", "-id")
    )
    return file


def _record(actor: Actor, pk: int) -> ProtectionFile:
    """The file after a write, read again through the policy (which logs the opening)."""
    return _with_parts(actor, policies.get_file(actor, pk))


def _plan_of(actor: Actor, file: ProtectionFile) -> RestitutionPlan | None:
    plan = policies.visible_plans(actor).filter(file=file).first()
    if plan is not None:
        plan.shown_actions = list(  # type: ignore[attr-defined]
            policies.visible_actions(actor).filter(plan=plan).order_by("due_on", "id")
        )
        plan.shown_reviews = list(  # type: ignore[attr-defined]
            policies.visible_plan_reviews(actor).filter(plan=plan).order_by("-reviewed_on", "-id")
        )
    return plan


def _plan_for_work(actor: Actor, file: ProtectionFile) -> RestitutionPlan:
    plan = policies.visible_plans(actor).filter(file=file).first()
    if plan is None:
        raise _invalid("plan", _("The file has no restitution plan yet: write its objective first."))
    return plan


def _measure(actor: Actor, measure: ProtectiveMeasure) -> ProtectiveMeasure:
    measure = policies.get_measure_after_write(actor, measure.pk)
    measure.shown_reviews = list(  # type: ignore[attr-defined]
        policies.visible_measure_reviews(actor).filter(measure=measure).order_by("-reviewed_on", "-id")
    )
    return measure


def _placement(actor: Actor, placement: Placement) -> Placement:
    placement = policies.get_placement_after_write(actor, placement.pk)
    placement.shown_visits = list(  # type: ignore[attr-defined]
        policies.visible_follow_up_visits(actor).filter(placement=placement).order_by("-visited_on", "-id")
    )
    return placement


def _institution_for_action(file: ProtectionFile, pk: int | None) -> Institution | None:
    """An active institution of the file's country (the plan's co-responsible bodies), or 422."""
    if pk is None:
        return None
    found = policies.pick_plan_institution(file, pk)
    if found is None:
        raise _invalid("institution_id", _("Choose an institution of the directory of the file's country."))
    return found


def _unit(actor: Actor, pk: int) -> OrgUnit:
    _require(policies.can_manage_resources(actor))
    unit = policies.pick_resource_unit(actor, pk)
    if unit is None:
        raise _invalid("unit_id", _("Choose a state or a municipality of your state."))
    return unit


def _campaign(actor: Actor, pk: int | None) -> RecruitmentCampaign | None:
    if pk is None:
        return None
    campaign = policies.visible_campaigns(actor).filter(pk=pk).first()
    if campaign is None:
        raise _invalid("campaign_id", _("Choose a recruitment campaign of your state."))
    return campaign


def _with_occupancy(facilities: list[Facility]) -> list[Facility]:
    counts = occupancy.occupancy_by_facility([f.pk for f in facilities])
    for facility in facilities:
        facility.shown_occupancy = counts.get(facility.pk, 0)  # type: ignore[attr-defined]
    return facilities


def _facility_record(actor: Actor, facility: Facility) -> Facility:
    _with_occupancy([facility])
    facility.shown_ratio = occupancy.staffing_ratio(facility)  # type: ignore[attr-defined]
    facility.shown_staffing = list(  # type: ignore[attr-defined]
        policies.visible_staffing(actor).filter(facility=facility).order_by("-as_of", "-id")[:10]
    )
    return facility


def _visit_record(actor: Actor, visit: SupervisionVisit) -> SupervisionVisit:
    visit.shown_checklist = resource_services.checklist(visit)  # type: ignore[attr-defined]
    visit.shown_actions = list(  # type: ignore[attr-defined]
        policies.visible_corrective_actions(actor).filter(visit=visit).order_by("due_on", "id")
    )
    return visit


def _with_family_occupancy(families: list[FosterFamily]) -> list[FosterFamily]:
    counts = occupancy.occupancy_by_family([f.pk for f in families])
    for family in families:
        family.shown_occupancy = counts.get(family.pk, 0)  # type: ignore[attr-defined]
    return families


def _family_record(actor: Actor, family: FosterFamily) -> FosterFamily:
    _with_family_occupancy([family])
    family.shown_changes = list(  # type: ignore[attr-defined]
        policies.visible_foster_status_changes(actor).filter(family=family).order_by("changed_on", "id")
    )
    family.shown_trainings = list(  # type: ignore[attr-defined]
        policies.visible_foster_trainings(actor).filter(family=family).order_by("held_on", "id")
    )
    family.shown_supports = list(  # type: ignore[attr-defined]
        policies.visible_foster_supports(actor).filter(family=family).order_by("given_on", "id")
    )
    return family


def _adopter_record(actor: Actor, adopter: ProspectiveAdopter) -> ProspectiveAdopter:
    assignments = list(
        policies.visible_assignments(actor)
        .filter(adopter=adopter)
        .select_related("file__municipality")
        .defer(*large_columns("file__municipality"))
        .order_by("-proposed_on", "-id")
    )
    # Each assignment names a child's file: the files shown are logged.
    policies.log_files_shown(actor, [a.file for a in assignments])
    adopter.shown_assignments = assignments  # type: ignore[attr-defined]
    return adopter


# --- Files ---------------------------------------------------------------------------------------------
@router.get(
    "/files",
    response={200: page_response(s.FilePage, s.FileCursorPage), **LIST_ERRORS},
    summary="Protection files you may see, filtered; keyset pages with cursor= (one access event per file shown)",
)
def list_files(request: ApiRequest, filters: Query[s.FileListFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    _require(policies.can_read_files(actor))
    chosen = policies.FileFilters(
        status="" if filters.status == "all" else filters.status,
        officer=filters.officer_id,
        municipality=filters.municipality_id,
        search=filters.q,
    )
    files = (
        policies.filtered_files(actor, chosen).select_related(*policies.WITH_FILE).defer(*policies.LARGE_FILE_COLUMNS)
    )
    page = paginate(request, files, filters, order=FILE_ORDER, scope="protection.files")
    policies.log_files_shown(actor, page.rows)
    return page.response()


@router.get(
    "/files/{int:file_id}",
    response={200: s.FileRecordOut, **READ_ERRORS},
    summary="One file with every part of it: diagnosis, rights, plan, measures, placements … (its opening is logged)",
)
def get_file(request: ApiRequest, file_id: int) -> Any:
    return _record(request.actor, file_id)


@router.post(
    "/child-search",
    response={200: list[s.ChildCandidateOut], **READ_ERRORS},
    summary="Search a municipality's registered children before opening a file (each candidate shown is logged)",
)
def search_children(request: ApiRequest, payload: s.ChildSearchIn) -> Any:
    actor = request.actor
    _require(policies.can_open_files(actor))
    municipality = policies.pick_search_municipality(actor, payload.municipality_id)
    if municipality is None:
        raise _invalid("municipality_id", _("Choose a municipality of your jurisdiction."))
    found = file_services.find_children_for_file(
        actor,
        first_names=payload.first_names,
        surnames=payload.surnames,
        birth_date=payload.birth_date,
        municipality=municipality,
    )
    return _candidates(found)


def _candidates(found: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "child_id": c.child.pk,
            "name": c.child.display_name,
            "birth_date": c.child.birth_date,
            "sex": c.child.sex,
            "score": c.score,
            "reasons": c.reason_labels,
        }
        for c in found
    ]


@router.post(
    "/files",
    response={201: s.FileRecordOut, **WRITE_ERRORS},
    summary="Open a protection file for a child of your jurisdiction in one of your offices",
)
def open_file(request: ApiRequest, payload: s.FileIn) -> Any:
    actor = request.actor
    _require(policies.can_open_files(actor))
    child = policies.pick_child_for_file(actor, payload.child_id)
    if child is None:
        raise _invalid("child_id", _("Choose a child of your jurisdiction found by the search."))
    office = policies.offices_for(actor).filter(pk=payload.office_id).first()
    if office is None:
        raise _invalid("office_id", _("Choose a protection office of your jurisdiction."))
    officer = None
    if payload.officer_id is not None:
        # Looked up among the office's own officers and supervisors only: any other id, existing or
        # not, gets the same answer (the endpoint tells nothing about other users).
        officer = policies.pick_office_officer(office, payload.officer_id)
        if officer is None:
            raise _invalid("officer_id", _("Choose an officer of the office."))
    with _as_sent(child="child_id", office="office_id", officer="officer_id"):
        file = file_services.open_file(
            actor=actor,
            child=child,
            office=office,
            intake_source=payload.intake_source,
            intake_summary=payload.intake_summary,
            opened_on=payload.opened_on,
            officer=officer,
        )
    return Status(201, _record(actor, file.pk))


@router.post(
    "/files/new-child",
    response={201: s.FileRecordOut, **WRITE_ERRORS, 409: s.PossibleDuplicatesOut},
    summary="Register a child never registered and open their file together, after the duplicate check",
)
def open_file_for_new_child(request: ApiRequest, payload: s.NewChildFileIn) -> Any:
    """Like ``POST /cases/children``: possible duplicates answer 409 until sent with ``confirmed_new``;
    here the 409 names them (each one shown is logged, as by ``/child-search``)."""
    actor = request.actor
    _require(policies.can_open_files(actor))
    choices = file_services.new_child_communities(actor)
    community = choices.filter(pk=payload.community_id).first()
    if community is None:
        raise _invalid("community_id", _("Choose a community of a municipality of your jurisdiction."))
    office = policies.offices_for(actor).filter(pk=payload.office_id).first()
    if office is None:
        raise _invalid("office_id", _("Choose a protection office of your jurisdiction."))
    officer = None
    if payload.officer_id is not None:
        officer = policies.pick_office_officer(office, payload.officer_id)
        if officer is None:
            raise _invalid("officer_id", _("Choose an officer of the office."))
    fields = payload.model_dump(exclude={"community_id", "office_id", "officer_id", "caregiver_names", "confirmed_new"})
    try:
        with _as_sent(community="community_id", office="office_id", officer="officer_id"):
            file = file_services.open_file_for_new_child(
                actor=actor,
                community=community,
                office=office,
                officer=officer,
                confirmed_new=payload.confirmed_new,
                caregiver_names=payload.caregiver_names,
                **fields,
            )
    except PossibleDuplicates as stopped:
        shown = file_services.show_possible_duplicates(actor, stopped)
        message = _(
            "This child may be registered already. If it is one of these children, open their file with "
            "POST /protection/files; otherwise send confirmed_new."
        )
        return Status(409, {"message": message, "candidates": _candidates(shown)})
    return Status(201, _record(actor, file.pk))


@router.get(
    "/transferred-cases",
    response={200: list[s.TransferredCaseOut], **READ_ERRORS},
    summary="Community cases transferred to your offices that wait for their file (each case shown is logged)",
)
def list_transferred_cases(request: ApiRequest) -> Any:
    actor = request.actor
    _require(policies.can_open_files(actor))
    cases = list(policies.transferred_cases(actor).order_by("-closed_on", "-id")[:200])
    by_unit: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        by_unit[case.municipality_id].append(case)
    for rows in by_unit.values():
        audit.record_accesses(
            actor=actor, targets=rows, org_unit=rows[0].municipality, purpose=TRANSFERRED_CASES_PURPOSE
        )
    return cases


@router.post(
    "/files/from-case",
    response={201: s.FileRecordOut, **WRITE_ERRORS},
    summary="Open the file of a community case transferred to your office (its child, intake from the case)",
)
def open_file_from_case(request: ApiRequest, payload: s.FileFromCaseIn) -> Any:
    actor = request.actor
    _require(policies.can_open_files(actor))
    case = policies.get_transferred_case(actor, payload.case_id)
    office = None
    if payload.office_id is not None:
        office = policies.offices_for(actor).filter(pk=payload.office_id).first()
        if office is None:
            raise _invalid("office_id", _("Choose a protection office of your jurisdiction."))
    with _as_sent(office="office_id"):
        file = file_services.open_file_from_case(actor=actor, case=case, office=office)
    return Status(201, _record(actor, file.pk))


@router.post(
    "/files/{int:file_id}/transfer",
    response={200: s.TransferOut, **WRITE_ERRORS},
    summary="Hand the file to another protection office and officer, with why (the history stays)",
)
def transfer_file(request: ApiRequest, file_id: int, payload: s.FileTransferIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    office = policies.receiving_offices(file).filter(pk=payload.to_office_id).first()
    if office is None:
        raise _invalid(
            "to_office_id", _("Choose another protection office with jurisdiction over the child's municipality.")
        )
    officer = policies.receiving_officers(file).filter(pk=payload.to_officer_id).first()
    if officer is None:
        raise _invalid("to_officer_id", _("Choose a protection officer or a supervisor of the receiving office."))
    with _as_sent(to_office="to_office_id", to_officer="to_officer_id"):
        return file_services.transfer_file(
            actor=actor,
            file=file,
            to_office=office,
            to_officer=officer,
            reason=payload.reason,
            expected_version=payload.version,
        )


@router.post(
    "/files/{int:file_id}/close",
    response={200: s.FileRecordOut, **WRITE_ERRORS},
    summary="Close the file with its reason (send the version you read)",
)
def close_file(request: ApiRequest, file_id: int, payload: s.FileCloseIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    file_services.close_file(
        actor=actor,
        file=file,
        reason=payload.reason,
        note=payload.note,
        closed_on=payload.closed_on,
        expected_version=payload.version,
    )
    return _record(actor, file.pk)


@router.post(
    "/files/{int:file_id}/reopen",
    response={200: s.FileRecordOut, **WRITE_ERRORS},
    summary="Reopen a closed file, with why",
)
def reopen_file(request: ApiRequest, file_id: int, payload: s.FileReopenIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    file_services.reopen_file(actor=actor, file=file, reason=payload.reason, expected_version=payload.version)
    return _record(actor, file.pk)


@router.post(
    "/files/{int:file_id}/adoptability",
    response={200: s.FileRecordOut, **WRITE_ERRORS},
    summary="Record the judge's ruling that declared the child adoptable",
)
def declare_adoptable(request: ApiRequest, file_id: int, payload: s.AdoptabilityIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    resource_services.declare_adoptable(
        actor=actor,
        file=file,
        declared_on=payload.declared_on,
        ruling=payload.ruling,
        expected_version=payload.version,
    )
    return _record(actor, file.pk)


# --- Diagnosis and rights --------------------------------------------------------------------------
@router.put(
    "/files/{int:file_id}/diagnosis",
    response={200: s.DiagnosisOut, **WRITE_ERRORS},
    summary="The diagnosis of one area: a new entry, or a new assessment replacing the last (send its version)",
)
def save_diagnosis(request: ApiRequest, file_id: int, payload: s.DiagnosisIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    return file_services.record_diagnosis(
        actor=actor,
        file=file,
        area=payload.area,
        findings=payload.findings,
        needs=payload.needs,
        assessed_on=payload.assessed_on,
        expected_version=payload.version,
    )


@router.put(
    "/files/{int:file_id}/rights",
    response={200: s.RightOut, **WRITE_ERRORS},
    summary="A right restricted, violated or restored (send the row's version once it exists)",
)
def save_right(request: ApiRequest, file_id: int, payload: s.RightIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    return file_services.set_right(
        actor=actor,
        file=file,
        right=payload.right,
        status=payload.status,
        note=payload.note,
        expected_version=payload.version,
    )


# --- The restitution plan ---------------------------------------------------------------------------
@router.get(
    "/files/{int:file_id}/plan",
    response={200: s.RestitutionPlanOut | None, **READ_ERRORS},
    summary="The restitution plan with its actions and reviews (null while there is none)",
)
def get_plan(request: ApiRequest, file_id: int) -> Any:
    actor = request.actor
    return _plan_of(actor, policies.get_file(actor, file_id))


@router.put(
    "/files/{int:file_id}/plan",
    response={200: s.RestitutionPlanOut, **WRITE_ERRORS},
    summary="Write the plan's objective (creates the plan; send its version once it exists)",
)
def save_plan(request: ApiRequest, file_id: int, payload: s.RestitutionPlanIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    file_services.save_plan(actor=actor, file=file, objective=payload.objective, expected_version=payload.version)
    return _plan_of(actor, file)


@router.post(
    "/files/{int:file_id}/plan/actions",
    response={201: s.ActionOut, **WRITE_ERRORS},
    summary="Add an action of a co-responsible sector to the plan",
)
def add_action(request: ApiRequest, file_id: int, payload: s.ActionIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    plan = _plan_for_work(actor, file)
    with _as_sent(institution="institution_id"):
        action = file_services.add_action(
            actor=actor,
            plan=plan,
            sector=payload.sector,
            description=payload.description,
            owner=payload.owner,
            due_on=payload.due_on,
            institution=_institution_for_action(file, payload.institution_id),
            right=payload.right,
        )
    return Status(201, action)


@router.patch(
    "/plan-actions/{int:action_id}",
    response={200: s.ActionOut, **WRITE_ERRORS},
    summary="Edit an action of the plan, or report its status and evidence (send the version you read)",
)
def update_action(request: ApiRequest, action_id: int, payload: s.ActionPatch) -> Any:
    actor = request.actor
    action = policies.get_action_for_work(actor, action_id)
    changes = _not_null(payload, nullable=("institution_id",), skip=("institution_id",))
    if "institution_id" in payload.model_fields_set:
        changes["institution"] = _institution_for_action(action.plan.file, payload.institution_id)
    with _as_sent(institution="institution_id"):
        return file_services.update_action(actor=actor, action=action, expected_version=payload.version, **changes)


@router.post(
    "/files/{int:file_id}/plan/submit",
    response={200: s.RestitutionPlanOut, **WRITE_ERRORS},
    summary="Send the plan to the supervisor for approval",
)
def submit_plan(request: ApiRequest, file_id: int, payload: s.RowVersionIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    file_services.submit_plan(actor=actor, plan=_plan_for_work(actor, file), expected_version=payload.version)
    return _plan_of(actor, file)


@router.post(
    "/files/{int:file_id}/plan/approve",
    response={200: s.RestitutionPlanOut, **WRITE_ERRORS},
    summary="The supervisor approves the plan sent to them",
)
def approve_plan(request: ApiRequest, file_id: int, payload: s.RowVersionIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_supervision(actor, file_id)
    file_services.approve_plan(actor=actor, plan=_plan_for_work(actor, file), expected_version=payload.version)
    return _plan_of(actor, file)


@router.post(
    "/files/{int:file_id}/plan/return",
    response={200: s.RestitutionPlanOut, **WRITE_ERRORS},
    summary="The supervisor returns the plan for changes, saying what should change",
)
def return_plan(request: ApiRequest, file_id: int, payload: s.PlanReturnIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_supervision(actor, file_id)
    file_services.return_plan(
        actor=actor, plan=_plan_for_work(actor, file), note=payload.note, expected_version=payload.version
    )
    return _plan_of(actor, file)


@router.post(
    "/files/{int:file_id}/plan/reviews",
    response={201: s.PlanReviewOut, **WRITE_ERRORS},
    summary="Record a review of the plan: what was achieved, and when the next review is",
)
def review_plan(request: ApiRequest, file_id: int, payload: s.PlanReviewIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    review = file_services.review_plan(
        actor=actor,
        plan=_plan_for_work(actor, file),
        reviewed_on=payload.reviewed_on,
        summary=payload.summary,
        next_review_on=payload.next_review_on,
    )
    return Status(201, review)


# --- Measures ----------------------------------------------------------------------------------------
@router.get(
    "/measure-types",
    response={200: list[s.MeasureTypeOut], **READ_ERRORS},
    summary="The measure types of your country's law (reference data)",
)
def list_measure_types(request: ApiRequest) -> Any:
    return list(policies.visible_measure_types(request.actor).order_by("country_id", "name", "id"))


@router.post(
    "/files/{int:file_id}/measures",
    response={201: s.ProtectiveMeasureOut, **WRITE_ERRORS},
    summary="Record a protective measure issued by an authority (the next review is computed)",
)
def record_measure(request: ApiRequest, file_id: int, payload: s.MeasureIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    kind = policies.measure_types_for(file.path).filter(pk=payload.type_id).first()
    if kind is None:
        raise _invalid("type_id", _("Choose a measure type of the file's country."))
    with _as_sent(type="type_id"):
        measure = measure_services.record_measure(
            actor=actor,
            file=file,
            type=kind,
            issuing_authority=payload.issuing_authority,
            issued_on=payload.issued_on,
            legal_basis=payload.legal_basis,
            description=payload.description,
            review_interval_months=payload.review_interval_months,
        )
    return Status(201, _measure(actor, measure))


@router.post(
    "/measures/{int:measure_id}/reviews",
    response={201: s.MeasureReviewOut, **WRITE_ERRORS},
    summary="Review a measure: who took part, whether the child was heard, the outcome (end needs its reason)",
)
def review_measure(request: ApiRequest, measure_id: int, payload: s.MeasureReviewIn) -> Any:
    actor = request.actor
    measure = policies.get_measure_for_work(actor, measure_id)
    review = measure_services.review_measure(
        actor=actor,
        measure=measure,
        reviewed_on=payload.reviewed_on,
        outcome=payload.outcome,
        participants=payload.participants,
        child_heard=payload.child_heard,
        child_opinion=payload.child_opinion,
        notes=payload.notes,
        end_reason=payload.end_reason,
        expected_version=payload.version,
    )
    return Status(201, review)


@router.post(
    "/measures/{int:measure_id}/ratify",
    response={200: s.ProtectiveMeasureOut, **WRITE_ERRORS},
    summary="Record the judge's ratification of an urgent measure",
)
def ratify_measure(request: ApiRequest, measure_id: int, payload: s.RatifyIn) -> Any:
    actor = request.actor
    measure = policies.get_measure_for_work(actor, measure_id)
    measure = measure_services.ratify_measure(
        actor=actor,
        measure=measure,
        ratified_on=payload.ratified_on,
        ratified_by=payload.ratified_by,
        expected_version=payload.version,
    )
    return _measure(actor, measure)


@router.post(
    "/measures/{int:measure_id}/end",
    response={200: s.ProtectiveMeasureOut, **WRITE_ERRORS},
    summary="End a measure in force, with its reason",
)
def end_measure(request: ApiRequest, measure_id: int, payload: s.MeasureEndIn) -> Any:
    actor = request.actor
    measure = policies.get_measure_for_work(actor, measure_id)
    measure = measure_services.end_measure(
        actor=actor,
        measure=measure,
        ended_on=payload.ended_on,
        end_reason=payload.end_reason,
        end_note=payload.end_note,
        expected_version=payload.version,
    )
    return _measure(actor, measure)


# --- Gatekeeping ---------------------------------------------------------------------------------------
@router.post(
    "/files/{int:file_id}/gatekeepings",
    response={201: s.GatekeepingOut, **WRITE_ERRORS},
    summary="Record the decision that the child needs this alternative care: alternatives, necessity, suitability",
)
def record_gatekeeping(request: ApiRequest, file_id: int, payload: s.GatekeepingIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    return Status(201, placement_services.record_gatekeeping(actor=actor, file=file, **payload.model_dump()))


@router.post(
    "/files/{int:file_id}/gatekeepings/emergency",
    response={201: s.GatekeepingOut, **WRITE_ERRORS},
    summary="An emergency entry: the gatekeeping record is created pending, due a few days after the entry",
)
def emergency_gatekeeping(request: ApiRequest, file_id: int, payload: s.EmergencyIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    gatekeeping = placement_services.emergency_gatekeeping(
        actor=actor, file=file, setting=payload.setting, entry_on=payload.entry_on
    )
    return Status(201, gatekeeping)


@router.post(
    "/gatekeepings/{int:gatekeeping_id}/complete",
    response={200: s.GatekeepingOut, **WRITE_ERRORS},
    summary="Complete the pending record of an emergency entry (send the version you read)",
)
def complete_gatekeeping(request: ApiRequest, gatekeeping_id: int, payload: s.GatekeepingCompleteIn) -> Any:
    actor = request.actor
    gatekeeping = policies.get_gatekeeping_for_work(actor, gatekeeping_id)
    return placement_services.complete_gatekeeping(
        actor=actor,
        gatekeeping=gatekeeping,
        expected_version=payload.version,
        **payload.model_dump(exclude={"version"}),
    )


@router.post(
    "/gatekeepings/{int:gatekeeping_id}/approve-exception",
    response={200: s.GatekeepingOut, **WRITE_ERRORS},
    summary="The supervisor approves the exception for a child under three entering residential care",
)
def approve_exception(request: ApiRequest, gatekeeping_id: int, payload: s.RowVersionIn) -> Any:
    actor = request.actor
    gatekeeping = policies.get_gatekeeping_for_work(actor, gatekeeping_id)
    if not policies.can_supervise_file(actor, gatekeeping.file):
        raise Http404
    return placement_services.approve_exception(actor=actor, gatekeeping=gatekeeping, expected_version=payload.version)


# --- Placements -----------------------------------------------------------------------------------------
def _file_part(choices: QuerySet[Any], pk: int | None, field: str, message: str) -> Any:
    """An object named by id among those the policy allows there (``choices``); 422 on the field otherwise."""
    if pk is None:
        return None
    found = choices.filter(pk=pk).first()
    if found is None:
        raise _invalid(field, message)
    return found


@router.post(
    "/files/{int:file_id}/placements",
    response={201: s.PlacementOut, **WRITE_ERRORS},
    summary="Where the child goes to live from start_on (the current placement ends that day)",
)
def place_child(request: ApiRequest, file_id: int, payload: s.PlacementIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    parts = policies.parts_of(actor, file)
    with _as_sent(
        gatekeeping="gatekeeping_id",
        measure="measure_id",
        facility="facility_id",
        foster_family="foster_family_id",
        adopter="adopter_id",
    ):
        placement = placement_services.place_child(
            actor=actor,
            file=file,
            setting=payload.setting,
            start_on=payload.start_on,
            gatekeeping=_file_part(
                parts.gatekeepings,
                payload.gatekeeping_id,
                "gatekeeping_id",
                _("Choose a gatekeeping record of the file."),
            ),
            measure=_file_part(parts.measures, payload.measure_id, "measure_id", _("Choose a measure of the file.")),
            facility=_file_part(
                policies.visible_facilities(actor),
                payload.facility_id,
                "facility_id",
                _("Choose a facility of your state."),
            ),
            foster_family=_file_part(
                policies.visible_foster_families(actor),
                payload.foster_family_id,
                "foster_family_id",
                _("Choose a foster family of your state's bank."),
            ),
            adopter=_file_part(
                policies.visible_adopters(actor),
                payload.adopter_id,
                "adopter_id",
                _("Choose prospective adopters of your state's registry."),
            ),
            carer_name=payload.carer_name,
            change_reason=payload.change_reason,
            siblings_together=payload.siblings_together,
            siblings_note=payload.siblings_note,
            contact_plan=payload.contact_plan,
            capacity_override_reason=payload.capacity_override_reason,
        )
    return Status(201, _placement(actor, placement))


@router.post(
    "/placements/{int:placement_id}/end",
    response={200: s.PlacementOut, **WRITE_ERRORS},
    summary="End a placement with its reason (send the version you read)",
)
def end_placement(request: ApiRequest, placement_id: int, payload: s.PlacementEndIn) -> Any:
    actor = request.actor
    placement = policies.get_placement_for_work(actor, placement_id)
    ended = placement_services.end_placement(
        actor=actor,
        placement=placement,
        end_on=payload.end_on,
        end_reason=payload.end_reason,
        note=payload.note,
        expected_version=payload.version,
    )
    return _placement(actor, ended)


@router.post(
    "/placements/{int:placement_id}/follow-up-visits",
    response={201: s.FollowUpVisitOut, **WRITE_ERRORS},
    summary="Record a follow-up visit after the child returned to the family",
)
def record_follow_up_visit(request: ApiRequest, placement_id: int, payload: s.FollowUpIn) -> Any:
    actor = request.actor
    placement = policies.get_placement_for_work(actor, placement_id)
    visit = placement_services.record_follow_up_visit(
        actor=actor, placement=placement, visited_on=payload.visited_on, findings=payload.findings
    )
    return Status(201, visit)


# --- Caseload and alerts --------------------------------------------------------------------------------
@router.get(
    "/caseload",
    response={200: list[s.CaseloadRowOut], **READ_ERRORS},
    summary="Open files, the next review due first, with overdue flags and the current placement (logged)",
)
def caseload(request: ApiRequest, filters: Query[s.CaseloadFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    _require(policies.can_read_files(actor))
    officer = None
    if filters.officer_id is not None:
        officer = policies.pick_caseload_officer(actor, filters.officer_id)
        if officer is None:
            return []
    return selectors.caseload(actor, officer=officer)


@router.get(
    "/alerts",
    response={200: list[s.AlertOut], **READ_ERRORS},
    summary="Your alerts: reviews and ratifications overdue or due, pending gatekeeping, under-threes in residences",
)
def list_alerts(request: ApiRequest) -> Any:
    actor = request.actor
    _require(policies.can_open_files(actor))
    return alerts.alerts_for(actor)


# --- Facilities ------------------------------------------------------------------------------------------
@router.get(
    "/facilities",
    response={200: page_response(s.FacilityPage, s.FacilityCursorPage), **LIST_ERRORS},
    summary="The residential-care facilities of your state, with today's occupancy",
)
def list_facilities(request: ApiRequest, filters: Query[s.FacilityFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    _require(policies.can_read_files(actor))
    facilities = policies.visible_facilities(actor)
    if filters.active is not None:
        facilities = facilities.filter(is_active=filters.active)
    if filters.unit_id is not None:
        facilities = facilities.filter(unit_id=filters.unit_id)
    page = paginate(request, facilities, filters, order=RESOURCE_ORDER, scope="protection.facilities")
    return page.response(_with_occupancy(page.rows))


@router.post("/facilities", response={201: s.FacilityRecordOut, **WRITE_ERRORS}, summary="Register a facility")
def register_facility(request: ApiRequest, payload: s.FacilityIn) -> Any:
    actor = request.actor
    with _as_sent(unit="unit_id"):
        facility = resource_services.register_facility(
            actor=actor, unit=_unit(actor, payload.unit_id), **payload.model_dump(exclude={"unit_id"})
        )
    return Status(201, _facility_record(actor, facility))


@router.get(
    "/facilities/{int:facility_id}",
    response={200: s.FacilityRecordOut, **READ_ERRORS},
    summary="One facility: occupancy, the staffing ratio today and the latest staffing records",
)
def get_facility(request: ApiRequest, facility_id: int) -> Any:
    actor = request.actor
    return _facility_record(actor, policies.get_facility(actor, facility_id))


@router.patch(
    "/facilities/{int:facility_id}",
    response={200: s.FacilityRecordOut, **WRITE_ERRORS},
    summary="Edit a facility (send the version you read)",
)
def update_facility(request: ApiRequest, facility_id: int, payload: s.FacilityPatch) -> Any:
    actor = request.actor
    facility = policies.get_facility_for_work(actor, facility_id)
    changes = _not_null(payload, nullable=("licence_valid_until", "opened_on", "closed_on"))
    updated = resource_services.update_facility(
        actor=actor, facility=facility, expected_version=payload.version, **changes
    )
    return _facility_record(actor, updated)


@router.post(
    "/facilities/{int:facility_id}/staffing",
    response={201: s.StaffingOut, **WRITE_ERRORS},
    summary="Record the carers and professionals working at the facility as of a day",
)
def record_staffing(request: ApiRequest, facility_id: int, payload: s.StaffingIn) -> Any:
    actor = request.actor
    facility = policies.get_facility_for_work(actor, facility_id)
    return Status(201, resource_services.record_staffing(actor=actor, facility=facility, **payload.model_dump()))


@router.get(
    "/facilities/{int:facility_id}/profile",
    response={200: s.ProfileOut, **READ_ERRORS},
    summary="Who lives at the facility today: by age band and sex, children under three, length of stay",
)
def facility_profile(request: ApiRequest, facility_id: int) -> Any:
    facility = policies.get_facility(request.actor, facility_id)
    return occupancy.facility_profile(facility, reader=request.actor)


@router.get(
    "/facilities/{int:facility_id}/supervision-visits",
    response={200: list[s.SupervisionOut], **READ_ERRORS},
    summary="The facility's supervision visits, newest first",
)
def list_supervision_visits(request: ApiRequest, facility_id: int) -> Any:
    actor = request.actor
    facility = policies.get_facility(actor, facility_id)
    return list(
        policies.visible_supervision_visits(actor).filter(facility=facility).order_by("-visited_on", "-id")[:200]
    )


@router.post(
    "/facilities/{int:facility_id}/supervision-visits",
    response={201: s.SupervisionRecordOut, **WRITE_ERRORS},
    summary="Record a supervision visit (its checklist is then filled in, and it is closed)",
)
def record_supervision_visit(request: ApiRequest, facility_id: int, payload: s.SupervisionIn) -> Any:
    actor = request.actor
    facility = policies.get_facility_for_work(actor, facility_id)
    visit = resource_services.record_supervision_visit(actor=actor, facility=facility, **payload.model_dump())
    return Status(201, _visit_record(actor, visit))


@router.get(
    "/supervision-visits/{int:visit_id}",
    response={200: s.SupervisionRecordOut, **READ_ERRORS},
    summary="A supervision visit: its checklist of standards with the findings, and its corrective actions",
)
def get_supervision_visit(request: ApiRequest, visit_id: int) -> Any:
    actor = request.actor
    _require(policies.can_read_files(actor))
    return _visit_record(actor, policies.get_supervision_visit(actor, visit_id))


@router.post(
    "/supervision-visits/{int:visit_id}/findings",
    response={200: s.SupervisionRecordOut, **WRITE_ERRORS},
    summary="Record the finding on one standard of the checklist (a new answer replaces the last)",
)
def record_finding(request: ApiRequest, visit_id: int, payload: s.SupervisionFindingIn) -> Any:
    actor = request.actor
    visit = policies.get_supervision_visit_for_work(actor, visit_id)
    standard = policies.standards_for(visit.facility.path).filter(pk=payload.standard_id).first()
    if standard is None:
        raise _invalid("standard_id", _("Choose a standard of the checklist of the facility's country."))
    with _as_sent(standard="standard_id"):
        resource_services.record_finding(
            actor=actor, visit=visit, standard=standard, result=payload.result, note=payload.note
        )
    return _visit_record(actor, visit)


@router.post(
    "/supervision-visits/{int:visit_id}/close",
    response={200: s.SupervisionRecordOut, **WRITE_ERRORS},
    summary="Close the visit once every standard is answered (send the version you read)",
)
def close_supervision_visit(request: ApiRequest, visit_id: int, payload: s.SupervisionCloseIn) -> Any:
    actor = request.actor
    visit = policies.get_supervision_visit_for_work(actor, visit_id)
    closed = resource_services.close_supervision_visit(
        actor=actor, visit=visit, expected_version=payload.version, summary=payload.summary
    )
    return _visit_record(actor, closed)


@router.post(
    "/supervision-visits/{int:visit_id}/corrective-actions",
    response={201: s.CorrectiveOut, **WRITE_ERRORS},
    summary="Add a corrective action with its deadline (optionally tied to a finding of the visit)",
)
def add_corrective_action(request: ApiRequest, visit_id: int, payload: s.CorrectiveIn) -> Any:
    actor = request.actor
    visit = policies.get_supervision_visit_for_work(actor, visit_id)
    finding = _file_part(
        policies.visible_findings(actor).filter(visit=visit),
        payload.finding_id,
        "finding_id",
        _("Choose a finding of this visit."),
    )
    with _as_sent(finding="finding_id"):
        action = resource_services.add_corrective_action(
            actor=actor, visit=visit, description=payload.description, due_on=payload.due_on, finding=finding
        )
    return Status(201, action)


@router.patch(
    "/corrective-actions/{int:action_id}",
    response={200: s.CorrectiveOut, **WRITE_ERRORS},
    summary="The follow-up of a corrective action: done (on a day), not done, or still open",
)
def update_corrective_action(request: ApiRequest, action_id: int, payload: s.CorrectivePatch) -> Any:
    actor = request.actor
    action = policies.get_corrective_action_for_work(actor, action_id)
    changes = _not_null(payload, nullable=("done_on",))
    return resource_services.update_corrective_action(
        actor=actor, action=action, expected_version=payload.version, **changes
    )


# --- Campaigns and foster families ----------------------------------------------------------------------
@router.get(
    "/campaigns",
    response={200: list[s.CampaignOut], **READ_ERRORS},
    summary="The recruitment campaigns of your state, with the families each brought and how many were approved",
)
def list_campaigns(request: ApiRequest) -> Any:
    actor = request.actor
    _require(policies.can_read_files(actor))
    rows = []
    for row in resource_services.campaign_yield(actor):
        row.campaign.shown_families = row.families  # type: ignore[attr-defined]
        row.campaign.shown_approved = row.approved  # type: ignore[attr-defined]
        rows.append(row.campaign)
    return rows


@router.post("/campaigns", response={201: s.CampaignOut, **WRITE_ERRORS}, summary="Create a recruitment campaign")
def create_campaign(request: ApiRequest, payload: s.CampaignIn) -> Any:
    actor = request.actor
    with _as_sent(unit="unit_id"):
        campaign = resource_services.create_campaign(
            actor=actor, unit=_unit(actor, payload.unit_id), **payload.model_dump(exclude={"unit_id"})
        )
    return Status(201, campaign)


@router.get(
    "/foster-families",
    response={200: page_response(s.FamilyPage, s.FamilyCursorPage), **LIST_ERRORS},
    summary="The foster-family bank of your state by code and profile (contacts only on a family's record)",
)
def list_foster_families(request: ApiRequest, filters: Query[s.FamilyFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    _require(policies.can_read_files(actor))
    families = policies.visible_foster_families(actor)
    if filters.status is not None:
        families = families.filter(status=filters.status)
    if filters.type is not None:
        families = families.filter(type=filters.type)
    page = paginate(request, families, filters, order=CODE_ORDER, scope="protection.foster_families")
    return page.response(_with_family_occupancy(page.rows))


@router.post(
    "/foster-families",
    response={201: s.FamilyRecordOut, **WRITE_ERRORS},
    summary="Register an applicant family in the bank",
)
def register_foster_family(request: ApiRequest, payload: s.FamilyIn) -> Any:
    actor = request.actor
    with _as_sent(unit="unit_id", campaign="campaign_id"):
        family = resource_services.register_foster_family(
            actor=actor,
            unit=_unit(actor, payload.unit_id),
            campaign=_campaign(actor, payload.campaign_id),
            **payload.model_dump(exclude={"unit_id", "campaign_id"}),
        )
    return Status(201, _family_record(actor, policies.get_foster_family(actor, family.pk)))


@router.get(
    "/foster-families/{int:family_id}",
    response={200: s.FamilyRecordOut, **READ_ERRORS},
    summary="A family's record: contact, pipeline history, trainings and supports (the read is logged)",
)
def get_foster_family(request: ApiRequest, family_id: int) -> Any:
    actor = request.actor
    return _family_record(actor, policies.get_foster_family(actor, family_id))


@router.patch(
    "/foster-families/{int:family_id}",
    response={200: s.FamilyRecordOut, **WRITE_ERRORS},
    summary="Edit a family's profile or contact (send the version you read)",
)
def update_foster_family(request: ApiRequest, family_id: int, payload: s.FamilyPatch) -> Any:
    actor = request.actor
    family = policies.get_foster_family_for_work(actor, family_id)
    changes = _not_null(payload, nullable=("latitude", "longitude", "campaign_id"), skip=("campaign_id",))
    if "campaign_id" in payload.model_fields_set:
        changes["campaign"] = _campaign(actor, payload.campaign_id)
    with _as_sent(campaign="campaign_id"):
        updated = resource_services.update_foster_family(
            actor=actor, family=family, expected_version=payload.version, **changes
        )
    return _family_record(actor, updated)


@router.post(
    "/foster-families/{int:family_id}/move",
    response={200: s.FamilyRecordOut, **WRITE_ERRORS},
    summary="Move the family along the pipeline: applicant → evaluated → trained → approved … (with its rules)",
)
def move_foster_family(request: ApiRequest, family_id: int, payload: s.FamilyMoveIn) -> Any:
    actor = request.actor
    family = policies.get_foster_family_for_work(actor, family_id)
    moved = resource_services.move_foster_family(
        actor=actor,
        family=family,
        to_status=payload.to_status,
        on=payload.on,
        note=payload.note,
        expected_version=payload.version,
    )
    return _family_record(actor, moved)


@router.post(
    "/foster-families/{int:family_id}/trainings",
    response={201: s.TrainingOut, **WRITE_ERRORS},
    summary="Record a training the family took part in",
)
def record_training(request: ApiRequest, family_id: int, payload: s.TrainingIn) -> Any:
    actor = request.actor
    family = policies.get_foster_family_for_work(actor, family_id)
    return Status(201, resource_services.record_training(actor=actor, family=family, **payload.model_dump()))


@router.post(
    "/foster-families/{int:family_id}/supports",
    response={201: s.SupportOut, **WRITE_ERRORS},
    summary="Record a support given to the family",
)
def record_support(request: ApiRequest, family_id: int, payload: s.SupportIn) -> Any:
    actor = request.actor
    family = policies.get_foster_family_for_work(actor, family_id)
    return Status(201, resource_services.record_support(actor=actor, family=family, **payload.model_dump()))


@router.get(
    "/files/{int:file_id}/family-suggestions",
    response={200: list[s.SuggestionOut], **READ_ERRORS},
    summary="Foster families that could receive the file's child, best first, then those that cannot and why",
)
def suggest_families(request: ApiRequest, file_id: int, filters: Query[s.SuggestionFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    return matching.suggest_families(actor, file, limit=filters.limit, siblings=filters.siblings)


# --- Prospective adopters and adoption assignments --------------------------------------------------------
@router.get(
    "/adopters",
    response={200: page_response(s.AdopterPage, s.AdopterCursorPage), **LIST_ERRORS},
    summary="The adoption registry of your state by code (the applicants' names only on their record)",
)
def list_adopters(request: ApiRequest, filters: Query[s.AdopterFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    _require(policies.can_read_files(actor))
    adopters = policies.visible_adopters(actor)
    if filters.status is not None:
        adopters = adopters.filter(status=filters.status)
    if filters.kind is not None:
        adopters = adopters.filter(kind=filters.kind)
    page = paginate(request, adopters, filters, order=CODE_ORDER, scope="protection.adopters")
    return page.response()


@router.post(
    "/adopters", response={201: s.AdopterRecordOut, **WRITE_ERRORS}, summary="Register an application to adopt"
)
def register_adopter(request: ApiRequest, payload: s.AdopterIn) -> Any:
    actor = request.actor
    with _as_sent(unit="unit_id"):
        adopter = resource_services.register_adopter(
            actor=actor, unit=_unit(actor, payload.unit_id), **payload.model_dump(exclude={"unit_id"})
        )
    return Status(201, _adopter_record(actor, policies.get_adopter(actor, adopter.pk)))


@router.get(
    "/adopters/{int:adopter_id}",
    response={200: s.AdopterRecordOut, **READ_ERRORS},
    summary="An application: the applicants, its status and validity, its assignments (the read is logged)",
)
def get_adopter(request: ApiRequest, adopter_id: int) -> Any:
    actor = request.actor
    return _adopter_record(actor, policies.get_adopter(actor, adopter_id))


@router.post(
    "/adopters/{int:adopter_id}/move",
    response={200: s.AdopterRecordOut, **WRITE_ERRORS},
    summary="Move the application along: study, training, suitable (valid two years), closed",
)
def move_adopter(request: ApiRequest, adopter_id: int, payload: s.AdopterMoveIn) -> Any:
    actor = request.actor
    adopter = policies.get_adopter_for_work(actor, adopter_id)
    moved = resource_services.move_adopter(
        actor=actor, adopter=adopter, to_status=payload.to_status, on=payload.on, expected_version=payload.version
    )
    return _adopter_record(actor, moved)


@router.post(
    "/files/{int:file_id}/adoption-assignments",
    response={201: s.AssignmentOut, **WRITE_ERRORS},
    summary="Propose suitable adopters for a child declared adoptable",
)
def propose_adoption(request: ApiRequest, file_id: int, payload: s.AssignmentIn) -> Any:
    actor = request.actor
    file = policies.get_file_for_work(actor, file_id)
    adopter = _file_part(
        policies.visible_adopters(actor),
        payload.adopter_id,
        "adopter_id",
        _("Choose prospective adopters of your state's registry."),
    )
    with _as_sent(adopter="adopter_id"):
        assignment = resource_services.propose_adoption(
            actor=actor,
            file=file,
            adopter=adopter,
            reasons=payload.reasons,
            proposed_on=payload.proposed_on,
            siblings=payload.siblings,
        )
    return Status(201, policies.get_assignment_after_write(actor, assignment.pk))


@router.post(
    "/adoption-assignments/{int:assignment_id}/decision",
    response={200: s.AssignmentOut, **WRITE_ERRORS},
    summary="What became of a proposal: accepted, adoption completed or withdrawn",
)
def decide_adoption(request: ApiRequest, assignment_id: int, payload: s.AssignmentDecisionIn) -> Any:
    actor = request.actor
    assignment = policies.get_assignment_for_work(actor, assignment_id)
    decided = resource_services.decide_adoption(
        actor=actor, assignment=assignment, decision=payload.decision, expected_version=payload.version, on=payload.on
    )
    return policies.get_assignment_after_write(actor, decided.pk)


# --- The sectors' focal points ---------------------------------------------------------------------------
@router.get(
    "/sector-actions",
    response={200: list[s.SectorActionOut], **READ_ERRORS},
    summary="Your institution's actions in the restitution plans of open files, due first (each one shown is logged)",
)
def list_sector_actions(request: ApiRequest) -> Any:
    actor = request.actor
    _require(policies.is_sector_focal(actor))
    return policies.list_sector_actions(actor)


@router.patch(
    "/sector-actions/{int:action_id}",
    response={200: s.SectorActionOut, **WRITE_ERRORS},
    summary="Report on your institution's action: its status and the evidence (send the version you read)",
)
def update_sector_action(request: ApiRequest, action_id: int, payload: s.SectorActionPatch) -> Any:
    actor = request.actor
    _require(policies.is_sector_focal(actor))
    action = policies.get_sector_action(actor, action_id)
    updated = file_services.update_sector_action(
        actor=actor, action=action, status=payload.status, evidence=payload.evidence, expected_version=payload.version
    )
    return policies.get_sector_action_after_write(actor, updated.pk)
