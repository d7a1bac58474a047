"""The schemas of the protection API (``ronda/protection/api.py``): what each endpoint answers and
what it accepts.

Outputs read the objects themselves (ninja's ``Schema`` is ``from_attributes``); the parts of a file
that an endpoint attaches to it are read from ``shown_*`` attributes set by the endpoint after the
policy call. Inputs forbid unknown fields and take ``version`` (the row's version as read) for every
change of a versioned row: a stale one answers 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from ninja import Schema
from pydantic import Field

from ronda.cases.services import VIEWS_LIMIT
from ronda.core.api_schemas import Id, QueryFilters, StrictSchema
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters, limit_field
from ronda.protection.models import (
    AdoptionAssignment,
    Facility,
    FosterFamily,
    Placement,
    ProtectionFile,
    RestitutionAction,
    RestitutionPlan,
    SupervisionVisit,
)

TEXT = 10_000
RESOURCE_TEXT = 5_000
LINE = 200


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- Files -------------------------------------------------------------------------------------------
class FileOut(Schema):
    id: int
    number: str
    status: str
    child_id: int
    child_name: str
    office_id: int
    office: str
    municipality_id: int
    officer_id: int
    officer: str
    intake_source: str
    opened_on: dt.date
    closed_on: dt.date | None
    closing_reason: str
    version: int

    @staticmethod
    def resolve_child_name(file: ProtectionFile) -> str:
        return file.child.display_name

    @staticmethod
    def resolve_office(file: ProtectionFile) -> str:
        return file.office.name

    @staticmethod
    def resolve_officer(file: ProtectionFile) -> str:
        return _name(file.officer)


class FilePage(OffsetPageOut):
    results: list[FileOut]


class FileCursorPage(CursorPageOut):
    results: list[FileOut]


class FileListFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {}

    status: Literal["open", "closed", "all"] = Field(default="open", description="open (default), closed or all")
    officer_id: Id | None = None
    municipality_id: Id | None = None
    q: str = Field(default="", max_length=100, description="Words of the child's name or of the file's number")
    limit: int = limit_field(100, default=25)


class TransferOut(Schema):
    id: int
    file_id: int
    from_office_id: int
    to_office_id: int
    from_officer_id: int
    to_officer_id: int
    reason: str
    transferred_by_id: int
    created_at: dt.datetime


class DiagnosisOut(Schema):
    id: int
    file_id: int
    area: str
    findings: str
    needs: str
    assessed_on: dt.date
    assessed_by_id: int
    version: int


class RightOut(Schema):
    id: int
    file_id: int
    right: str
    status: str
    note: str
    version: int


class ActionOut(Schema):
    id: int
    plan_id: int
    right: str
    sector: str
    institution_id: int | None
    description: str
    owner: str
    due_on: dt.date
    status: str
    evidence: str
    updated_by_id: int | None
    version: int


class PlanReviewOut(Schema):
    id: int
    plan_id: int
    reviewed_on: dt.date
    summary: str
    next_review_on: dt.date | None
    reviewed_by_id: int
    created_at: dt.datetime


class RestitutionPlanOut(Schema):
    id: int
    file_id: int
    objective: str
    status: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    approved_by_id: int | None
    return_note: str
    next_review_on: dt.date | None
    version: int
    actions: list[ActionOut]
    reviews: list[PlanReviewOut]

    @staticmethod
    def resolve_actions(plan: RestitutionPlan) -> list[Any]:
        return getattr(plan, "shown_actions", [])

    @staticmethod
    def resolve_reviews(plan: RestitutionPlan) -> list[Any]:
        return getattr(plan, "shown_reviews", [])


class MeasureReviewOut(Schema):
    id: int
    measure_id: int
    reviewed_on: dt.date
    outcome: str
    participants: str
    child_heard: bool
    child_opinion: str
    notes: str
    reviewed_by_id: int
    created_at: dt.datetime


class ProtectiveMeasureOut(Schema):
    id: int
    file_id: int
    type_id: int
    type: str
    description: str
    issuing_authority: str
    issued_on: dt.date
    legal_basis: str
    review_interval_months: int
    next_review_on: dt.date | None
    last_reviewed_on: dt.date | None
    ratification_due_on: dt.date | None
    ratified_on: dt.date | None
    ratified_by: str
    status: str
    ended_on: dt.date | None
    end_reason: str
    end_note: str
    recorded_by_id: int
    version: int
    reviews: list[MeasureReviewOut] = Field(default_factory=list)

    @staticmethod
    def resolve_type(measure: Any) -> str:
        return measure.type.name

    @staticmethod
    def resolve_reviews(measure: Any) -> list[Any]:
        return getattr(measure, "shown_reviews", [])


class GatekeepingOut(Schema):
    id: int
    file_id: int
    setting: str
    status: str
    emergency: bool
    due_on: dt.date | None
    decided_on: dt.date | None
    alternatives: list[str]
    alternatives_note: str
    necessity: str
    suitability: str
    decided_by: str
    under_three_justification: str
    exception_approved_by_id: int | None
    exception_approved_at: dt.datetime | None
    recorded_by_id: int
    version: int


class FollowUpVisitOut(Schema):
    id: int
    placement_id: int
    visited_on: dt.date
    findings: str
    visited_by_id: int
    created_at: dt.datetime


class PlacementOut(Schema):
    id: int
    file_id: int
    setting: str
    start_on: dt.date
    end_on: dt.date | None
    end_reason: str
    end_note: str
    change_reason: str
    measure_id: int | None
    gatekeeping_id: int | None
    facility_id: int | None
    foster_family_id: int | None
    adopter_id: int | None
    carer_name: str
    capacity_override_reason: str
    siblings_together: bool | None
    siblings_note: str
    contact_plan: str
    age_on_entry: int | None
    recorded_by_id: int
    version: int
    follow_up_visits: list[FollowUpVisitOut] = Field(default_factory=list)

    @staticmethod
    def resolve_follow_up_visits(placement: Placement) -> list[Any]:
        return getattr(placement, "shown_visits", [])


class AssignmentOut(Schema):
    id: int
    file_id: int
    file_number: str
    adopter_id: int
    proposed_on: dt.date
    reasons: str
    status: str
    decided_by_id: int
    version: int

    @staticmethod
    def resolve_file_number(assignment: AdoptionAssignment) -> str:
        return assignment.file.number


class FileRecordOut(FileOut):
    path: str
    intake_summary: str
    closing_note: str
    reopen_reason: str
    from_case_id: int | None
    declared_adoptable_on: dt.date | None
    adoptability_ruling: str
    child_birth_date: dt.date | None
    child_sex: str
    diagnosis: list[DiagnosisOut]
    rights: list[RightOut]
    plan: RestitutionPlanOut | None
    measures: list[ProtectiveMeasureOut]
    gatekeepings: list[GatekeepingOut]
    placements: list[PlacementOut]
    transfers: list[TransferOut]
    adoption_assignments: list[AssignmentOut]

    @staticmethod
    def resolve_child_birth_date(file: ProtectionFile) -> dt.date | None:
        return file.child.birth_date

    @staticmethod
    def resolve_child_sex(file: ProtectionFile) -> str:
        return file.child.sex

    @staticmethod
    def resolve_diagnosis(file: ProtectionFile) -> list[Any]:
        return getattr(file, "shown_diagnosis", [])

    @staticmethod
    def resolve_rights(file: ProtectionFile) -> list[Any]:
        return getattr(file, "shown_rights", [])

    @staticmethod
    def resolve_plan(file: ProtectionFile) -> Any:
        return getattr(file, "shown_plan", None)

    @staticmethod
    def resolve_measures(file: ProtectionFile) -> list[Any]:
        return getattr(file, "shown_measures", [])

    @staticmethod
    def resolve_gatekeepings(file: ProtectionFile) -> list[Any]:
        return getattr(file, "shown_gatekeepings", [])

    @staticmethod
    def resolve_placements(file: ProtectionFile) -> list[Any]:
        return getattr(file, "shown_placements", [])

    @staticmethod
    def resolve_transfers(file: ProtectionFile) -> list[Any]:
        return getattr(file, "shown_transfers", [])

    @staticmethod
    def resolve_adoption_assignments(file: ProtectionFile) -> list[Any]:
        return getattr(file, "shown_assignments", [])


class ChildSearchIn(StrictSchema):
    first_names: str = Field(default="", max_length=LINE)
    surnames: str = Field(default="", max_length=LINE)
    birth_date: dt.date | None = None
    municipality_id: Id


class ChildCandidateOut(Schema):
    child_id: int
    name: str
    birth_date: dt.date | None
    sex: str
    score: float
    reasons: list[str]


class FileIn(StrictSchema):
    child_id: Id = Field(description="A child found with POST /protection/child-search")
    office_id: Id
    intake_source: str
    intake_summary: str = Field(default="", max_length=TEXT)
    opened_on: dt.date | None = None
    officer_id: Id | None = Field(default=None, description="Another officer of the office in charge")


class NewChildFileIn(StrictSchema):
    """``FileIn`` for a child never registered: the child's record (as ``POST /cases/children`` takes
    it) instead of ``child_id``; registered and opened together, after the duplicate check."""

    first_names: str = Field(default="", max_length=120)
    paternal_surname: str = Field(default="", max_length=60)
    maternal_surname: str = Field(default="", max_length=60)
    alias: str = Field(default="", max_length=60)
    sex: str = ""
    birth_date: dt.date | None = None
    estimated_age: int | None = Field(default=None, ge=0, le=200)
    age_estimated_on: dt.date | None = None
    community_id: Id = Field(description="A community of a municipality of your jurisdiction")
    document_type: str = ""
    document_number: str = Field(default="", max_length=40)
    disability: str = ""
    ethnicity: str = ""
    migrant_status: str = ""
    school: str = Field(default="", max_length=200)
    views_and_wishes: str = Field(default="", max_length=VIEWS_LIMIT)
    caregiver_names: list[str] = Field(default_factory=list, max_length=10, description="They help find a duplicate")
    confirmed_new: bool = Field(default=False, description="You saw the candidates and say: a new child")
    office_id: Id
    intake_source: str
    intake_summary: str = Field(default="", max_length=TEXT)
    opened_on: dt.date | None = None
    officer_id: Id | None = Field(default=None, description="Another officer of the office in charge")


class PossibleDuplicatesOut(Schema):
    message: str
    candidates: list[ChildCandidateOut] = Field(
        default_factory=list, description="Registered children who may be this one: open their file with POST /files"
    )


class FileFromCaseIn(StrictSchema):
    case_id: Id
    office_id: Id | None = Field(default=None, description="The office the case went to, or one seated above it")


class TransferredCaseOut(Schema):
    id: int
    number: str
    municipality_id: int
    community: str
    transferred_to_id: int | None
    closed_on: dt.date | None

    @staticmethod
    def resolve_community(case: Any) -> str:
        return case.community.name


class RowVersionIn(StrictSchema):
    version: int = Field(ge=1)


class FileTransferIn(RowVersionIn):
    to_office_id: Id
    to_officer_id: Id
    reason: str = Field(max_length=TEXT)


class FileCloseIn(RowVersionIn):
    reason: str
    note: str = Field(default="", max_length=TEXT)
    closed_on: dt.date | None = None


class FileReopenIn(RowVersionIn):
    reason: str = Field(max_length=TEXT)


class AdoptabilityIn(RowVersionIn):
    declared_on: dt.date
    ruling: str = Field(max_length=LINE)


class DiagnosisIn(StrictSchema):
    version: int | None = Field(default=None, ge=1, description="The entry's version; leave out for a new area")
    area: str
    findings: str = Field(max_length=TEXT)
    needs: str = Field(default="", max_length=TEXT)
    assessed_on: dt.date | None = None


class RightIn(StrictSchema):
    version: int | None = Field(default=None, ge=1, description="The row's version; leave out for a new right")
    right: str
    status: str
    note: str = Field(default="", max_length=TEXT)


class RestitutionPlanIn(StrictSchema):
    version: int | None = Field(default=None, ge=1, description="The plan's version; leave out to create it")
    objective: str = Field(max_length=TEXT)


class ActionIn(StrictSchema):
    sector: str
    description: str = Field(max_length=TEXT)
    owner: str = Field(max_length=LINE)
    due_on: dt.date
    institution_id: Id | None = None
    right: str = ""


class ActionPatch(RowVersionIn):
    sector: str | None = None
    institution_id: Id | None = None
    right: str | None = None
    description: str | None = Field(default=None, max_length=TEXT)
    owner: str | None = Field(default=None, max_length=LINE)
    due_on: dt.date | None = None
    status: str | None = None
    evidence: str | None = Field(default=None, max_length=TEXT)


class PlanReturnIn(RowVersionIn):
    note: str = Field(max_length=TEXT)


class PlanReviewIn(StrictSchema):
    reviewed_on: dt.date
    summary: str = Field(max_length=TEXT)
    next_review_on: dt.date | None = None


# --- Measures, gatekeeping, placements -------------------------------------------------------------------
class MeasureTypeOut(Schema):
    id: int
    country_id: int
    code: str
    name: str
    legal_reference: str
    is_urgent: bool
    ratification_days: int | None
    places_in_care: bool
    default_review_months: int
    is_active: bool


class MeasureIn(StrictSchema):
    type_id: Id
    issuing_authority: str = Field(max_length=LINE)
    issued_on: dt.date
    legal_basis: str = Field(max_length=300)
    description: str = Field(default="", max_length=TEXT)
    review_interval_months: int | None = Field(default=None, ge=1, le=12)


class MeasureReviewIn(RowVersionIn):
    reviewed_on: dt.date
    outcome: str
    participants: str = Field(max_length=500)
    child_heard: bool
    child_opinion: str = Field(default="", max_length=TEXT)
    notes: str = Field(default="", max_length=TEXT)
    end_reason: str = ""


class RatifyIn(RowVersionIn):
    ratified_on: dt.date
    ratified_by: str = Field(max_length=LINE)


class MeasureEndIn(RowVersionIn):
    ended_on: dt.date
    end_reason: str
    end_note: str = Field(default="", max_length=TEXT)


class GatekeepingIn(StrictSchema):
    setting: str
    decided_on: dt.date
    alternatives: list[str] = Field(max_length=10)
    alternatives_note: str = Field(max_length=TEXT)
    necessity: str = Field(max_length=TEXT)
    suitability: str = Field(max_length=TEXT)
    decided_by: str = Field(max_length=300)
    under_three_justification: str = Field(default="", max_length=TEXT)


class EmergencyIn(StrictSchema):
    setting: str
    entry_on: dt.date


class GatekeepingCompleteIn(RowVersionIn):
    decided_on: dt.date
    alternatives: list[str] = Field(max_length=10)
    alternatives_note: str = Field(max_length=TEXT)
    necessity: str = Field(max_length=TEXT)
    suitability: str = Field(max_length=TEXT)
    decided_by: str = Field(max_length=300)
    under_three_justification: str = Field(default="", max_length=TEXT)


class PlacementIn(StrictSchema):
    setting: str
    start_on: dt.date
    gatekeeping_id: Id | None = None
    measure_id: Id | None = None
    facility_id: Id | None = None
    foster_family_id: Id | None = None
    adopter_id: Id | None = None
    carer_name: str = Field(default="", max_length=LINE)
    change_reason: str = Field(default="", max_length=TEXT)
    siblings_together: bool | None = None
    siblings_note: str = Field(default="", max_length=TEXT)
    contact_plan: str = Field(default="", max_length=TEXT)
    capacity_override_reason: str = Field(default="", max_length=TEXT)


class PlacementEndIn(RowVersionIn):
    end_on: dt.date
    end_reason: str
    note: str = Field(default="", max_length=TEXT)


class FollowUpIn(StrictSchema):
    visited_on: dt.date
    findings: str = Field(max_length=TEXT)


# --- The caseload and the alerts -------------------------------------------------------------------------
class CaseloadFilters(QueryFilters):
    officer_id: Id | None = Field(default=None, description="Another officer's files (a supervisor's view)")


class CaseloadRowOut(Schema):
    file: FileOut
    next_review_on: dt.date | None
    review_overdue: bool
    review_due_soon: bool
    ratification_overdue: bool
    gatekeeping_overdue: bool
    needs_attention: bool
    current_setting: str
    current_placement_id: int | None

    @staticmethod
    def resolve_current_placement_id(row: Any) -> int | None:
        return row.current_placement.pk if row.current_placement is not None else None


class AlertOut(Schema):
    kind: str
    severity: str
    file_id: int
    file_number: str
    initials: str
    message: str
    due_on: dt.date | None
    target_id: int


# --- Facilities ------------------------------------------------------------------------------------------
class FacilityOut(Schema):
    id: int
    name: str
    unit_id: int
    operator: str
    operator_name: str
    licence_number: str
    licence_valid_until: dt.date | None
    register_number: str
    capacity: int
    occupancy: int
    min_age: int
    max_age: int
    address: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    is_active: bool
    version: int

    @staticmethod
    def resolve_occupancy(facility: Facility) -> int:
        return int(getattr(facility, "shown_occupancy", 0))


class FacilityPage(OffsetPageOut):
    results: list[FacilityOut]


class FacilityCursorPage(CursorPageOut):
    results: list[FacilityOut]


class FacilityFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {}

    active: bool | None = Field(default=None, description="Only active (true) or inactive (false) facilities")
    unit_id: Id | None = Field(default=None, description="Facilities of this state or municipality")
    limit: int = limit_field(200, default=50)


class RatioOut(Schema):
    day: dt.date
    children_under_one: int
    older: int
    required: int
    carers: int | None
    staffing_as_of: dt.date | None
    is_met: bool | None


class StaffingOut(Schema):
    id: int
    facility_id: int
    as_of: dt.date
    carers: int
    professionals: int
    recorded_by_id: int


class FacilityRecordOut(FacilityOut):
    ratio: RatioOut
    staffing: list[StaffingOut]

    @staticmethod
    def resolve_ratio(facility: Facility) -> Any:
        return facility.shown_ratio  # type: ignore[attr-defined]

    @staticmethod
    def resolve_staffing(facility: Facility) -> list[Any]:
        return getattr(facility, "shown_staffing", [])


class FacilityIn(StrictSchema):
    unit_id: Id = Field(description="The state or municipality the facility belongs to")
    name: str = Field(max_length=LINE)
    operator: str
    capacity: int = Field(ge=0, le=32767)
    licence_number: str = Field(max_length=60)
    register_number: str = Field(default="", max_length=60)
    licence_valid_until: dt.date | None = None
    min_age: int = Field(default=0, ge=0, le=17)
    max_age: int = Field(default=17, ge=0, le=17)
    operator_name: str = Field(default="", max_length=LINE)
    address: str = Field(default="", max_length=255)
    opened_on: dt.date | None = None


class FacilityPatch(RowVersionIn):
    name: str | None = Field(default=None, max_length=LINE)
    operator: str | None = None
    operator_name: str | None = Field(default=None, max_length=LINE)
    licence_number: str | None = Field(default=None, max_length=60)
    licence_valid_until: dt.date | None = None
    register_number: str | None = Field(default=None, max_length=60)
    capacity: int | None = Field(default=None, ge=0, le=32767)
    min_age: int | None = Field(default=None, ge=0, le=17)
    max_age: int | None = Field(default=None, ge=0, le=17)
    address: str | None = Field(default=None, max_length=255)
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    is_active: bool | None = None


class StaffingIn(StrictSchema):
    as_of: dt.date
    carers: int = Field(ge=0, le=32767)
    professionals: int = Field(default=0, ge=0, le=32767)


class ProfileOut(Schema):
    day: dt.date
    capacity: int
    occupancy: int
    free_places: int
    by_age_band: dict[str, int]
    by_sex: dict[str, int]
    under_three: int
    median_stay_days: float | None
    longest_stay_days: int | None


class SupervisionFindingOut(Schema):
    id: int
    visit_id: int
    standard_id: int
    standard: str
    result: str
    note: str

    @staticmethod
    def resolve_standard(finding: Any) -> str:
        return finding.standard.text


class CorrectiveOut(Schema):
    id: int
    visit_id: int
    finding_id: int | None
    description: str
    due_on: dt.date
    status: str
    done_on: dt.date | None
    follow_up: str
    version: int


class SupervisionOut(Schema):
    id: int
    facility_id: int
    visited_on: dt.date
    visitors: str
    summary: str
    status: str
    children_present: int | None
    recorded_by_id: int
    version: int


class ChecklistRowOut(Schema):
    standard_id: int
    code: str
    text: str
    group: str
    finding: SupervisionFindingOut | None

    @staticmethod
    def resolve_standard_id(row: Any) -> int:
        return row.standard.pk

    @staticmethod
    def resolve_code(row: Any) -> str:
        return row.standard.code

    @staticmethod
    def resolve_text(row: Any) -> str:
        return row.standard.text

    @staticmethod
    def resolve_group(row: Any) -> str:
        return row.standard.group


class SupervisionRecordOut(SupervisionOut):
    checklist: list[ChecklistRowOut]
    corrective_actions: list[CorrectiveOut]

    @staticmethod
    def resolve_checklist(visit: SupervisionVisit) -> list[Any]:
        return getattr(visit, "shown_checklist", [])

    @staticmethod
    def resolve_corrective_actions(visit: SupervisionVisit) -> list[Any]:
        return getattr(visit, "shown_actions", [])


class SupervisionIn(StrictSchema):
    visited_on: dt.date
    visitors: str = Field(max_length=300)
    summary: str = Field(default="", max_length=RESOURCE_TEXT)
    children_present: int | None = Field(default=None, ge=0, le=32767)


class SupervisionFindingIn(StrictSchema):
    standard_id: Id
    result: str
    note: str = Field(default="", max_length=RESOURCE_TEXT)


class SupervisionCloseIn(RowVersionIn):
    summary: str | None = Field(default=None, max_length=RESOURCE_TEXT)


class CorrectiveIn(StrictSchema):
    description: str = Field(max_length=RESOURCE_TEXT)
    due_on: dt.date
    finding_id: Id | None = None


class CorrectivePatch(RowVersionIn):
    description: str | None = Field(default=None, max_length=RESOURCE_TEXT)
    due_on: dt.date | None = None
    status: str | None = None
    done_on: dt.date | None = None
    follow_up: str | None = Field(default=None, max_length=RESOURCE_TEXT)


# --- Foster families, campaigns, adopters ---------------------------------------------------------------
class CampaignOut(Schema):
    id: int
    unit_id: int
    name: str
    start_on: dt.date
    end_on: dt.date | None
    channels: str
    notes: str
    families: int
    approved: int
    version: int

    @staticmethod
    def resolve_families(campaign: Any) -> int:
        return int(getattr(campaign, "shown_families", 0))

    @staticmethod
    def resolve_approved(campaign: Any) -> int:
        return int(getattr(campaign, "shown_approved", 0))


class CampaignIn(StrictSchema):
    unit_id: Id
    name: str = Field(max_length=LINE)
    start_on: dt.date
    end_on: dt.date | None = None
    channels: str = Field(default="", max_length=300)
    notes: str = Field(default="", max_length=RESOURCE_TEXT)


class FamilyOut(Schema):
    """A family on the bank's list: its code and profile, never its contact (on its own record)."""

    id: int
    code: str
    unit_id: int
    type: str
    status: str
    status_since: dt.date
    capacity: int
    occupancy: int
    min_age: int
    max_age: int
    accepts_siblings: bool
    accepts_disability: bool
    accepts_migrant: bool
    campaign_id: int | None
    version: int

    @staticmethod
    def resolve_occupancy(family: FosterFamily) -> int:
        return int(getattr(family, "shown_occupancy", 0))


class FamilyPage(OffsetPageOut):
    results: list[FamilyOut]


class FamilyCursorPage(CursorPageOut):
    results: list[FamilyOut]


class FamilyFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {}

    status: Literal["applicant", "evaluated", "trained", "approved", "active", "paused", "closed"] | None = None
    type: Literal["voluntary", "kinship", "professional"] | None = None
    limit: int = limit_field(200, default=50)


class StatusChangeOut(Schema):
    id: int
    from_status: str
    to_status: str
    changed_on: dt.date
    note: str
    changed_by_id: int | None


class TrainingOut(Schema):
    id: int
    family_id: int
    topic: str
    held_on: dt.date
    hours: float


class SupportOut(Schema):
    id: int
    family_id: int
    kind: str
    given_on: dt.date
    note: str


class FamilyRecordOut(FamilyOut):
    contact_name: str
    phone: str
    address: str
    latitude: float | None
    longitude: float | None
    notes: str
    status_changes: list[StatusChangeOut]
    trainings: list[TrainingOut]
    supports: list[SupportOut]

    @staticmethod
    def resolve_status_changes(family: FosterFamily) -> list[Any]:
        return getattr(family, "shown_changes", [])

    @staticmethod
    def resolve_trainings(family: FosterFamily) -> list[Any]:
        return getattr(family, "shown_trainings", [])

    @staticmethod
    def resolve_supports(family: FosterFamily) -> list[Any]:
        return getattr(family, "shown_supports", [])


class FamilyIn(StrictSchema):
    unit_id: Id
    code: str = Field(max_length=32)
    type: str
    contact_name: str = Field(max_length=LINE)
    capacity: int = Field(default=1, ge=0, le=32767)
    min_age: int = Field(default=0, ge=0, le=17)
    max_age: int = Field(default=17, ge=0, le=17)
    accepts_siblings: bool = False
    accepts_disability: bool = False
    accepts_migrant: bool = False
    phone: str = Field(default="", max_length=30)
    address: str = Field(default="", max_length=255)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    campaign_id: Id | None = None
    notes: str = Field(default="", max_length=RESOURCE_TEXT)
    applied_on: dt.date | None = None


class FamilyPatch(RowVersionIn):
    code: str | None = Field(default=None, max_length=32)
    type: str | None = None
    capacity: int | None = Field(default=None, ge=0, le=32767)
    min_age: int | None = Field(default=None, ge=0, le=17)
    max_age: int | None = Field(default=None, ge=0, le=17)
    accepts_siblings: bool | None = None
    accepts_disability: bool | None = None
    accepts_migrant: bool | None = None
    contact_name: str | None = Field(default=None, max_length=LINE)
    phone: str | None = Field(default=None, max_length=30)
    address: str | None = Field(default=None, max_length=255)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    campaign_id: Id | None = None
    notes: str | None = Field(default=None, max_length=RESOURCE_TEXT)


class FamilyMoveIn(RowVersionIn):
    to_status: str
    on: dt.date
    note: str = Field(default="", max_length=RESOURCE_TEXT)


class TrainingIn(StrictSchema):
    topic: str = Field(max_length=LINE)
    held_on: dt.date
    hours: float = Field(gt=0, le=200)


class SupportIn(StrictSchema):
    kind: str
    given_on: dt.date
    note: str = Field(default="", max_length=RESOURCE_TEXT)


class SuggestionOut(Schema):
    family_id: int
    code: str
    score: int
    reasons: list[str]
    blocking: list[str]
    free_places: int
    distance_km: float | None

    @staticmethod
    def resolve_family_id(suggestion: Any) -> int:
        return suggestion.family.pk

    @staticmethod
    def resolve_code(suggestion: Any) -> str:
        return suggestion.family.code


class SuggestionFilters(QueryFilters):
    siblings: int = Field(default=0, ge=0, le=20, description="Brothers and sisters to be placed with the child")
    limit: int = Field(default=10, ge=1, le=50)


class AdopterOut(Schema):
    """An application on the registry's list: its code and profile, never the applicants' names."""

    id: int
    code: str
    unit_id: int
    kind: str
    status: str
    status_since: dt.date
    applied_on: dt.date
    training_done_on: dt.date | None
    suitable_on: dt.date | None
    valid_until: dt.date | None
    min_age: int
    max_age: int
    accepts_siblings: bool
    accepts_disability: bool
    version: int


class AdopterPage(OffsetPageOut):
    results: list[AdopterOut]


class AdopterCursorPage(CursorPageOut):
    results: list[AdopterOut]


class AdopterFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {}

    status: Literal["applied", "study", "training", "suitable", "assigned", "closed"] | None = None
    kind: Literal["national", "international"] | None = None
    limit: int = limit_field(200, default=50)


class AdopterRecordOut(AdopterOut):
    applicant_names: str
    contact: str
    country_of_residence: str
    notes: str
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_assignments(adopter: Any) -> list[Any]:
        return getattr(adopter, "shown_assignments", [])


class AdopterIn(StrictSchema):
    unit_id: Id
    code: str = Field(max_length=32)
    kind: str
    applicant_names: str = Field(max_length=300)
    applied_on: dt.date
    contact: str = Field(default="", max_length=LINE)
    country_of_residence: str = Field(default="", max_length=100)
    min_age: int = Field(default=0, ge=0, le=17)
    max_age: int = Field(default=17, ge=0, le=17)
    accepts_siblings: bool = False
    accepts_disability: bool = False
    notes: str = Field(default="", max_length=RESOURCE_TEXT)


class AdopterMoveIn(RowVersionIn):
    to_status: str
    on: dt.date


class AssignmentIn(StrictSchema):
    adopter_id: Id
    reasons: str = Field(max_length=RESOURCE_TEXT)
    proposed_on: dt.date | None = None
    siblings: int = Field(default=0, ge=0, le=20)


class AssignmentDecisionIn(RowVersionIn):
    decision: str
    on: dt.date | None = None


# --- The sectors' focal points ---------------------------------------------------------------------------
class SectorActionOut(Schema):
    """What a focal point may know: the file's number, the child's initials, the action. Nothing else."""

    id: int
    file_number: str
    initials: str
    right: str
    sector: str
    description: str
    owner: str
    due_on: dt.date
    status: str
    evidence: str
    overdue: bool
    version: int

    @staticmethod
    def resolve_file_number(action: RestitutionAction) -> str:
        return action.plan.file.number

    @staticmethod
    def resolve_initials(action: RestitutionAction) -> str:
        from ronda.protection.views.sectors import initials

        return initials(action.plan.file.child)

    @staticmethod
    def resolve_overdue(action: RestitutionAction) -> bool:
        from django.utils import timezone

        from ronda.protection.views.sectors import STILL_TO_DO

        return action.status in STILL_TO_DO and action.due_on < timezone.localdate()


class SectorActionPatch(RowVersionIn):
    status: str
    evidence: str = Field(default="", max_length=TEXT)
