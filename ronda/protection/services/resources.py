"""Care resources (issue #12, items 5-7): residential-care facilities (CAS), their staffing and
supervision, the foster-family bank and its recruitment campaigns, the adoption registry.

Resources are shared within a state (``policies.visible_facilities`` and the rest); a person writes
on one only where ``policies.can_manage_resources(actor, resource.path)`` says so. Each service
validates the whole change first (one ``ValidationError`` with every field's message), then writes
the rows and their audit events in one transaction. Foster families' and adopters' contacts are
personal fields of their models: the audit trail redacts them by itself.

Occupancy is never stored (``ronda.protection.occupancy``): a capacity is checked against the
children living there under the resource's row lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.services import VersionedUpdate, check_editable
from ronda.core.tenancy import Acting, is_person
from ronda.protection import occupancy, policies
from ronda.protection.models import (
    AdopterStatus,
    AdoptionAssignment,
    AdoptionKind,
    AssignmentStatus,
    CorrectiveAction,
    CorrectiveStatus,
    Facility,
    FacilityStaffing,
    FindingResult,
    FosterFamily,
    FosterStatus,
    FosterStatusChange,
    FosterSupport,
    FosterTraining,
    FosterType,
    Operator,
    ProspectiveAdopter,
    ProtectionAction,
    ProtectionFile,
    RecruitmentCampaign,
    StandardItem,
    SupervisionFinding,
    SupervisionStatus,
    SupervisionVisit,
    SupportKind,
)
from ronda.territory.models import Level, OrgUnit

if TYPE_CHECKING:
    from ronda.accounts.models import User

TEXT_LIMIT = 5_000
SHORT_LIMIT = 200
MAX_AGE = 17
MAX_TRAINING_HOURS = Decimal("200")
# A suitability certificate is valid this long (Mexico's DIF and Costa Rica's PANI give two years).
ADOPTER_VALIDITY_YEARS = 2


# --- Shared checks -------------------------------------------------------------------------------------
def _today() -> dt.date:
    return timezone.localdate()


def _require_manager(actor: Acting, path: str) -> None:
    if is_person(actor) and not policies.can_manage_resources(actor, path):
        raise PermissionDenied


def _user(actor: Acting) -> User | None:
    return actor.user if is_person(actor) else None


def _recorder(actor: Acting) -> User:
    """Who recorded a visit or a staffing count: always a person (the row names them)."""
    if not is_person(actor):
        raise ValueError("a person records this, not the system")
    return actor.user


def _text(errors: Errors, field: str, value: str | None, limit: int, required: str | None = None) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        errors.add(field, required)
    check_length(errors, field, value, limit)
    return value


def _line(errors: Errors, field: str, value: str | None, limit: int = SHORT_LIMIT, required: str | None = None) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        errors.add(field, required)
    check_length(errors, field, value, limit)
    return value


def _fact_date(errors: Errors, field: str, value: dt.date | None, *, missing: str) -> None:
    """A day that has come (something that happened)."""
    if value is None:
        errors.add(field, missing)
    elif value > _today():
        errors.add(field, _("The date cannot be in the future."))


def _unit_errors(errors: Errors, unit: OrgUnit | None) -> None:
    if unit is None:
        errors.add("unit", _("Choose the state or municipality the resource belongs to."))
    elif unit.level not in (Level.REGION, Level.MUNICIPALITY):
        errors.add("unit", _("A care resource belongs to a state (or province) or to a municipality."))


def _ages(errors: Errors, min_age: int | None, max_age: int | None) -> None:
    if min_age is None or min_age < 0 or min_age > MAX_AGE:
        errors.add("min_age", _("The youngest age must be between 0 and 17 years."))
    if max_age is None or max_age < 0 or max_age > MAX_AGE:
        errors.add("max_age", _("The oldest age must be between 0 and 17 years."))
    elif min_age is not None and max_age < min_age:
        errors.add("max_age", _("The oldest age cannot be below the youngest age."))


# --- Facilities ----------------------------------------------------------------------------------------
class FacilityChanges(TypedDict, total=False):
    name: str
    operator: str
    operator_name: str
    licence_number: str
    licence_valid_until: dt.date | None
    register_number: str
    capacity: int
    min_age: int
    max_age: int
    address: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    is_active: bool


FACILITY_EDITABLE = tuple(FacilityChanges.__annotations__)


def _facility_errors(errors: Errors, values: dict[str, Any], occupied: int | None = None) -> None:
    values["name"] = _line(errors, "name", values.get("name"), required=_("Write the name of the facility."))
    if values.get("operator") not in Operator.values:
        errors.add("operator", _("Choose who operates the facility."))
    values["operator_name"] = _line(errors, "operator_name", values.get("operator_name"))
    values["licence_number"] = _line(
        errors,
        "licence_number",
        values.get("licence_number"),
        60,
        _("Write the number of the facility's operating licence: an unlicensed centre cannot receive children."),
    )
    values["register_number"] = _line(errors, "register_number", values.get("register_number"), 60)
    values["address"] = _line(errors, "address", values.get("address"), 255)
    capacity = values.get("capacity")
    if capacity is None or capacity < 1:
        errors.add("capacity", _("The capacity must be at least one child."))
    elif occupied is not None and capacity < occupied:
        errors.add(
            "capacity",
            ngettext(
                "The capacity cannot be lower than the %(count)s child living in the facility today.",
                "The capacity cannot be lower than the %(count)s children living in the facility today.",
                occupied,
            )
            % {"count": occupied},
        )
    _ages(errors, values.get("min_age"), values.get("max_age"))
    opened, closed, valid = values.get("opened_on"), values.get("closed_on"), values.get("licence_valid_until")
    if opened is not None and opened > _today():
        errors.add("opened_on", _("The date cannot be in the future."))
    if valid is not None and opened is not None and valid < opened:
        errors.add("licence_valid_until", _("The licence cannot expire before the facility opened."))
    if closed is not None:
        if closed > _today():
            errors.add("closed_on", _("The date cannot be in the future."))
        elif opened is not None and closed < opened:
            errors.add("closed_on", _("The facility cannot close before it opened."))


@transaction.atomic
def register_facility(
    *,
    actor: Acting,
    unit: OrgUnit,
    name: str,
    operator: str,
    capacity: int,
    licence_number: str,
    register_number: str = "",
    licence_valid_until: dt.date | None = None,
    min_age: int = 0,
    max_age: int = MAX_AGE,
    operator_name: str = "",
    address: str = "",
    opened_on: dt.date | None = None,
) -> Facility:
    """A licensed residential-care centre of a state or municipality, with its capacity and ages."""
    errors = Errors()
    _unit_errors(errors, unit)
    errors.raise_if_any()
    _require_manager(actor, unit.path)
    values: dict[str, Any] = {
        "name": name,
        "operator": operator,
        "operator_name": operator_name,
        "licence_number": licence_number,
        "licence_valid_until": licence_valid_until,
        "register_number": register_number,
        "capacity": capacity,
        "min_age": min_age,
        "max_age": max_age,
        "address": address,
        "opened_on": opened_on,
    }
    _facility_errors(errors, values)
    errors.raise_if_any()
    facility = Facility.objects.create(unit=unit, path=unit.path, **values)
    audit.record_create(actor=actor, target=facility, org_unit=unit)
    return facility


@transaction.atomic
def update_facility(
    *, actor: Acting, facility: Facility, expected_version: int | None, **changes: Unpack[FacilityChanges]
) -> Facility:
    """Correct a facility. Its capacity cannot go below the children living there, and it cannot be
    closed (``is_active`` off, or a closing date) while children live there."""
    check_editable(changes, FACILITY_EDITABLE)
    _require_manager(actor, facility.path)
    # The row lock also keeps a placement from filling the last place while the capacity changes
    # (``place_child`` locks the facility before counting).
    update = VersionedUpdate(facility, expected_version)
    locked = update.instance
    values: dict[str, Any] = {name: changes.get(name, getattr(locked, name)) for name in FACILITY_EDITABLE}
    occupied = occupancy.current_occupancy(locked)
    errors = Errors()
    _facility_errors(errors, values, occupied)
    closing = values["closed_on"] is not None or not values["is_active"]
    if closing and occupied:
        errors.add(
            "__all__",
            ngettext(
                "The facility cannot be closed while %(count)s child lives there: end the placement first.",
                "The facility cannot be closed while %(count)s children live there: end their placements first.",
                occupied,
            )
            % {"count": occupied},
        )
    errors.raise_if_any()
    if values["closed_on"] is not None:
        values["is_active"] = False
    update.apply(values)
    update.save(actor=actor, org_unit=locked.unit)
    return locked


@transaction.atomic
def record_staffing(
    *, actor: Acting, facility: Facility, as_of: dt.date | None, carers: int | None, professionals: int = 0
) -> FacilityStaffing:
    """The facility's staff on a day: carers (they count for the legal ratio) and other professionals."""
    _require_manager(actor, facility.path)
    errors = Errors()
    _fact_date(errors, "as_of", as_of, missing=_("Choose the day of the staffing record."))
    if as_of is not None and facility.opened_on is not None and as_of < facility.opened_on:
        errors.add("as_of", _("The date cannot be before the facility opened."))
    if carers is None or carers < 0:
        errors.add("carers", _("Write how many carers work in the facility (zero or more)."))
    if professionals is None or professionals < 0:
        errors.add("professionals", _("Write how many other professionals work in the facility (zero or more)."))
    errors.raise_if_any()
    assert as_of is not None and carers is not None
    row = FacilityStaffing.objects.create(
        facility=facility, as_of=as_of, carers=carers, professionals=professionals, recorded_by=_recorder(actor)
    )
    audit.record_create(actor=actor, target=row, org_unit=facility.unit)
    return row


# --- Supervision visits --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChecklistRow:
    standard: StandardItem
    finding: SupervisionFinding | None


def checklist(visit: SupervisionVisit) -> list[ChecklistRow]:
    """The visit's checklist: every active standard of the facility's country, with its finding."""
    findings = {f.standard_id: f for f in SupervisionFinding.objects.filter(visit_id=visit.pk)}
    return [
        ChecklistRow(standard=standard, finding=findings.get(standard.pk))
        for standard in policies.standards_for(visit.facility.path)
    ]


def _require_draft(errors: Errors, visit: SupervisionVisit) -> None:
    if visit.status != SupervisionStatus.DRAFT:
        errors.add("__all__", _("The visit is closed: its findings can no longer change."))


@transaction.atomic
def record_supervision_visit(
    *,
    actor: Acting,
    facility: Facility,
    visited_on: dt.date | None,
    visitors: str,
    summary: str = "",
    children_present: int | None = None,
) -> SupervisionVisit:
    """A supervision visit to a facility, being recorded: its findings follow, one per standard."""
    _require_manager(actor, facility.path)
    errors = Errors()
    _fact_date(errors, "visited_on", visited_on, missing=_("Choose the day of the visit."))
    if visited_on is not None and facility.opened_on is not None and visited_on < facility.opened_on:
        errors.add("visited_on", _("The visit cannot be before the facility opened."))
    visitors = _line(errors, "visitors", visitors, 300, _("Write who made the visit."))
    summary = _text(errors, "summary", summary, TEXT_LIMIT)
    if children_present is not None and children_present < 0:
        errors.add("children_present", _("The number of children present cannot be negative."))
    if not policies.standards_for(facility.path).exists():
        errors.add("__all__", _("The country has no supervision standards yet: load its catalogue first."))
    errors.raise_if_any()
    assert visited_on is not None
    visit = SupervisionVisit.objects.create(
        facility=facility,
        visited_on=visited_on,
        visitors=visitors,
        summary=summary,
        children_present=children_present,
        recorded_by=_recorder(actor),
    )
    audit.record_create(actor=actor, target=visit, org_unit=facility.unit)
    return visit


@transaction.atomic
def record_finding(
    *, actor: Acting, visit: SupervisionVisit, standard: StandardItem, result: str, note: str = ""
) -> SupervisionFinding:
    """The finding on one standard of the checklist (recorded again, it replaces the earlier one).
    A standard not met, or partly met, needs a note saying what was found."""
    facility = visit.facility
    _require_manager(actor, facility.path)
    # Under the visit's row lock: a finding and the visit's closing do not cross.
    visit = SupervisionVisit.objects.select_for_update().get(pk=visit.pk)
    errors = Errors()
    _require_draft(errors, visit)
    if not policies.standards_for(facility.path).filter(pk=standard.pk).exists():
        errors.add("standard", _("This standard is not on the checklist of the facility's country."))
    if result not in FindingResult.values:
        errors.add("result", _("Choose whether the standard is met."))
    note = _text(errors, "note", note, TEXT_LIMIT)
    if result in (FindingResult.NOT_MET, FindingResult.PARTLY) and not note:
        errors.add("note", _("Write what was found: a standard not fully met needs a note."))
    errors.raise_if_any()
    finding = SupervisionFinding.objects.filter(visit_id=visit.pk, standard_id=standard.pk).first()
    if finding is None:
        finding = SupervisionFinding.objects.create(visit=visit, standard=standard, result=result, note=note)
        audit.record_create(actor=actor, target=finding, org_unit=facility.unit)
        return finding
    before = audit.snapshot(finding, ["result", "note"])
    finding.result, finding.note = result, note
    finding.save(update_fields=["result", "note"])
    audit.record_update(actor=actor, target=finding, org_unit=facility.unit, before=before)
    return finding


@transaction.atomic
def close_supervision_visit(
    *, actor: Acting, visit: SupervisionVisit, expected_version: int | None, summary: str | None = None
) -> SupervisionVisit:
    """Close the visit once every standard of the checklist has its finding."""
    _require_manager(actor, visit.facility.path)
    update = VersionedUpdate(visit, expected_version)
    locked = update.instance
    errors = Errors()
    _require_draft(errors, locked)
    missing = sum(1 for row in checklist(locked) if row.finding is None)
    if missing:
        errors.add(
            "__all__",
            ngettext(
                "%(count)s standard of the checklist has no finding yet: answer it before closing the visit.",
                "%(count)s standards of the checklist have no finding yet: answer them before closing the visit.",
                missing,
            )
            % {"count": missing},
        )
    changes: dict[str, Any] = {"status": SupervisionStatus.CLOSED}
    if summary is not None:
        changes["summary"] = _text(errors, "summary", summary, TEXT_LIMIT)
    errors.raise_if_any()
    update.apply(changes)
    update.save(actor=actor, org_unit=locked.facility.unit)
    return locked


@transaction.atomic
def add_corrective_action(
    *,
    actor: Acting,
    visit: SupervisionVisit,
    description: str,
    due_on: dt.date | None,
    finding: SupervisionFinding | None = None,
) -> CorrectiveAction:
    """What the facility must correct after a visit, by when (optionally tied to a finding)."""
    _require_manager(actor, visit.facility.path)
    errors = Errors()
    description = _text(errors, "description", description, TEXT_LIMIT, _("Write what the facility must correct."))
    if due_on is None:
        errors.add("due_on", _("Choose the deadline of the corrective action."))
    elif due_on < visit.visited_on:
        errors.add("due_on", _("The deadline cannot be before the visit."))
    if finding is not None:
        if finding.visit_id != visit.pk:
            errors.add("finding", _("The finding belongs to another visit."))
        elif finding.result in (FindingResult.MET, FindingResult.NOT_APPLICABLE):
            errors.add("finding", _("A corrective action answers a standard that was not fully met."))
    errors.raise_if_any()
    assert due_on is not None
    action = CorrectiveAction.objects.create(visit=visit, finding=finding, description=description, due_on=due_on)
    audit.record_create(actor=actor, target=action, org_unit=visit.facility.unit)
    return action


class CorrectiveChanges(TypedDict, total=False):
    description: str
    due_on: dt.date
    status: str
    done_on: dt.date | None
    follow_up: str


CORRECTIVE_EDITABLE = tuple(CorrectiveChanges.__annotations__)


@transaction.atomic
def update_corrective_action(
    *, actor: Acting, action: CorrectiveAction, expected_version: int | None, **changes: Unpack[CorrectiveChanges]
) -> CorrectiveAction:
    """The follow-up of a corrective action: done (on a day), not done (saying why), or still open."""
    check_editable(changes, CORRECTIVE_EDITABLE)
    visit = action.visit
    _require_manager(actor, visit.facility.path)
    update = VersionedUpdate(action, expected_version)
    locked = update.instance
    values: dict[str, Any] = {name: changes.get(name, getattr(locked, name)) for name in CORRECTIVE_EDITABLE}
    errors = Errors()
    values["description"] = _text(
        errors, "description", values["description"], TEXT_LIMIT, _("Write what the facility must correct.")
    )
    values["follow_up"] = _text(errors, "follow_up", values["follow_up"], TEXT_LIMIT)
    if values["due_on"] is None:
        errors.add("due_on", _("Choose the deadline of the corrective action."))
    elif values["due_on"] < visit.visited_on:
        errors.add("due_on", _("The deadline cannot be before the visit."))
    status = values["status"]
    if status not in CorrectiveStatus.values:
        errors.add("status", _("Choose a status from the list."))
    if status == CorrectiveStatus.DONE:
        done = values["done_on"]
        if done is None:
            errors.add("done_on", _("Choose the day the facility corrected it."))
        elif done > _today():
            errors.add("done_on", _("The date cannot be in the future."))
        elif done < visit.visited_on:
            errors.add("done_on", _("The correction cannot be before the visit that asked for it."))
    else:
        values["done_on"] = None
    if status == CorrectiveStatus.NOT_DONE and not values["follow_up"]:
        errors.add("follow_up", _("Write what happened: a corrective action not done needs a follow-up note."))
    errors.raise_if_any()
    update.apply(values)
    update.save(actor=actor, org_unit=visit.facility.unit)
    return locked


def overdue_corrective_actions(actor: Acting, *, day: dt.date | None = None) -> QuerySet[CorrectiveAction]:
    """The open corrective actions past their deadline in the facilities the actor sees, oldest first."""
    day = day or _today()
    actions = policies.visible_corrective_actions(actor) if is_person(actor) else CorrectiveAction.objects.all()
    return (
        actions.filter(status=CorrectiveStatus.OPEN, due_on__lt=day)
        .select_related("visit__facility")
        .order_by("due_on", "id")
    )


# --- Recruitment campaigns -----------------------------------------------------------------------------
@transaction.atomic
def create_campaign(
    *,
    actor: Acting,
    unit: OrgUnit,
    name: str,
    start_on: dt.date | None,
    end_on: dt.date | None = None,
    channels: str = "",
    notes: str = "",
) -> RecruitmentCampaign:
    """A call for foster families; the families it brings link to it (``register_foster_family``)."""
    errors = Errors()
    _unit_errors(errors, unit)
    errors.raise_if_any()
    _require_manager(actor, unit.path)
    name = _line(errors, "name", name, required=_("Write the name of the campaign."))
    channels = _line(errors, "channels", channels, 300)
    notes = _text(errors, "notes", notes, TEXT_LIMIT)
    if start_on is None:
        errors.add("start_on", _("Choose the day the campaign starts."))
    elif end_on is not None and end_on < start_on:
        errors.add("end_on", _("The campaign cannot end before it starts."))
    errors.raise_if_any()
    assert start_on is not None
    campaign = RecruitmentCampaign.objects.create(
        unit=unit, path=unit.path, name=name, start_on=start_on, end_on=end_on, channels=channels, notes=notes
    )
    audit.record_create(actor=actor, target=campaign, org_unit=unit)
    return campaign


@dataclass(frozen=True)
class CampaignYield:
    campaign: RecruitmentCampaign
    families: int  # families registered through the campaign
    approved: int  # of them, how many were approved at some point


def campaign_yield(actor: Acting) -> list[CampaignYield]:
    """Each campaign the actor sees, with the families it brought and how many reached approval (in
    one query; a family counts once however often it went back and forth)."""
    campaigns = policies.visible_campaigns(actor) if is_person(actor) else RecruitmentCampaign.objects.all()
    ever_approved = FosterStatusChange.objects.filter(family=OuterRef("pk"), to_status=FosterStatus.APPROVED)
    approved_ids = FosterFamily.objects.filter(Exists(ever_approved)).values("pk")
    rows = campaigns.annotate(
        n_families=Count("families", distinct=True),
        n_approved=Count("families", filter=Q(families__in=approved_ids), distinct=True),
    ).order_by("-start_on", "-id")
    return [CampaignYield(campaign=c, families=c.n_families, approved=c.n_approved) for c in rows]


# --- Foster families -----------------------------------------------------------------------------------
# The pipeline: where a family may go from each status by hand. "Caring for a child" (active) is set
# and cleared by the placements (``sync_family_activity``), never by hand.
FOSTER_MOVES: dict[str, frozenset[str]] = {
    FosterStatus.APPLICANT: frozenset({FosterStatus.EVALUATED, FosterStatus.CLOSED}),
    FosterStatus.EVALUATED: frozenset({FosterStatus.TRAINED, FosterStatus.CLOSED}),
    FosterStatus.TRAINED: frozenset({FosterStatus.APPROVED, FosterStatus.CLOSED}),
    FosterStatus.APPROVED: frozenset({FosterStatus.PAUSED, FosterStatus.CLOSED}),
    FosterStatus.ACTIVE: frozenset({FosterStatus.PAUSED, FosterStatus.CLOSED}),
    FosterStatus.PAUSED: frozenset({FosterStatus.APPROVED, FosterStatus.CLOSED}),
    FosterStatus.CLOSED: frozenset(),
}


class FosterChanges(TypedDict, total=False):
    code: str
    type: str
    capacity: int
    min_age: int
    max_age: int
    accepts_siblings: bool
    accepts_disability: bool
    accepts_migrant: bool
    contact_name: str
    phone: str
    address: str
    latitude: float | None
    longitude: float | None
    campaign: RecruitmentCampaign | None
    notes: str


FOSTER_EDITABLE = tuple(FosterChanges.__annotations__)


def _foster_errors(
    errors: Errors,
    actor: Acting,
    values: dict[str, Any],
    unit: OrgUnit,
    *,
    family_pk: int | None = None,
    occupied: int | None = None,
) -> None:
    values["code"] = _line(errors, "code", values.get("code"), 32, _("Write the family's code in the bank."))
    if values["code"]:
        same = FosterFamily.objects.filter(unit=unit, code__iexact=values["code"])
        if family_pk is not None:
            same = same.exclude(pk=family_pk)
        if same.exists():
            errors.add("code", _("Another family of the bank already has this code."))
    if values.get("type") not in FosterType.values:
        errors.add("type", _("Choose the type of foster family."))
    capacity = values.get("capacity")
    if capacity is None or capacity < 1:
        errors.add("capacity", _("A family cares for at least one child."))
    elif occupied is not None and capacity < occupied:
        errors.add(
            "capacity",
            ngettext(
                "The family cannot take fewer children than the %(count)s it cares for today.",
                "The family cannot take fewer children than the %(count)s it cares for today.",
                occupied,
            )
            % {"count": occupied},
        )
    _ages(errors, values.get("min_age"), values.get("max_age"))
    values["contact_name"] = _line(
        errors, "contact_name", values.get("contact_name"), required=_("Write the family's contact person.")
    )
    values["phone"] = _line(errors, "phone", values.get("phone"), 30)
    values["address"] = _line(errors, "address", values.get("address"), 255)
    values["notes"] = _text(errors, "notes", values.get("notes"), TEXT_LIMIT)
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None):
        errors.add("latitude", _("Give both the latitude and the longitude, or neither."))
    elif lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors.add("latitude", _("The coordinates are not a place on Earth."))
    campaign = values.get("campaign")
    if campaign is not None:
        visible = policies.visible_campaigns(actor) if is_person(actor) else RecruitmentCampaign.objects.all()
        if (
            policies.state_path(campaign.path) != policies.state_path(unit.path)
            or not visible.filter(pk=campaign.pk).exists()
        ):
            errors.add("campaign", _("Choose a campaign of the family's state."))


@transaction.atomic
def register_foster_family(
    *,
    actor: Acting,
    unit: OrgUnit,
    code: str,
    type: str,
    contact_name: str,
    capacity: int = 1,
    min_age: int = 0,
    max_age: int = MAX_AGE,
    accepts_siblings: bool = False,
    accepts_disability: bool = False,
    accepts_migrant: bool = False,
    phone: str = "",
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    campaign: RecruitmentCampaign | None = None,
    notes: str = "",
    applied_on: dt.date | None = None,
) -> FosterFamily:
    """A family that applies to the bank: an applicant from ``applied_on`` (today by default)."""
    errors = Errors()
    _unit_errors(errors, unit)
    errors.raise_if_any()
    _require_manager(actor, unit.path)
    values: dict[str, Any] = {
        "code": code,
        "type": type,
        "capacity": capacity,
        "min_age": min_age,
        "max_age": max_age,
        "accepts_siblings": accepts_siblings,
        "accepts_disability": accepts_disability,
        "accepts_migrant": accepts_migrant,
        "contact_name": contact_name,
        "phone": phone,
        "address": address,
        "latitude": latitude,
        "longitude": longitude,
        "campaign": campaign,
        "notes": notes,
    }
    _foster_errors(errors, actor, values, unit)
    applied_on = applied_on or _today()
    if applied_on > _today():
        errors.add("applied_on", _("The date cannot be in the future."))
    elif campaign is not None and applied_on < campaign.start_on:
        errors.add("applied_on", _("The family cannot have applied before the campaign started."))
    errors.raise_if_any()
    family = FosterFamily.objects.create(
        unit=unit, path=unit.path, status=FosterStatus.APPLICANT, status_since=applied_on, **values
    )
    audit.record_create(actor=actor, target=family, org_unit=unit)
    user = _user(actor)
    if user is not None:
        change = FosterStatusChange.objects.create(
            family=family, from_status="", to_status=FosterStatus.APPLICANT, changed_on=applied_on, changed_by=user
        )
        audit.record_create(actor=actor, target=change, org_unit=unit)
    return family


@transaction.atomic
def update_foster_family(
    *, actor: Acting, family: FosterFamily, expected_version: int | None, **changes: Unpack[FosterChanges]
) -> FosterFamily:
    """Correct a family's profile or contact (its status moves with ``move_foster_family``)."""
    check_editable(changes, FOSTER_EDITABLE)
    _require_manager(actor, family.path)
    update = VersionedUpdate(family, expected_version)
    locked = update.instance
    values: dict[str, Any] = {name: changes.get(name, getattr(locked, name)) for name in FOSTER_EDITABLE}
    errors = Errors()
    _foster_errors(errors, actor, values, locked.unit, family_pk=locked.pk, occupied=occupancy.family_occupancy(locked))
    errors.raise_if_any()
    update.apply(values)
    update.save(actor=actor, org_unit=locked.unit)
    return locked


def _status_label(status: str) -> str:
    return str(FosterStatus(status).label) if status in FosterStatus.values else status


def _write_foster_status(
    actor: Acting, update: VersionedUpdate[FosterFamily], to_status: str, on: dt.date, note: str, by: User | None
) -> None:
    family = update.instance
    from_status = family.status
    update.apply({"status": to_status, "status_since": on})
    update.save(actor=actor, org_unit=family.unit, action=ProtectionAction.FOSTER_STATUS)
    if by is not None:
        change = FosterStatusChange.objects.create(
            family=family, from_status=from_status, to_status=to_status, changed_on=on, note=note, changed_by=by
        )
        audit.record_create(actor=actor, target=change, org_unit=family.unit)


@transaction.atomic
def move_foster_family(
    *,
    actor: Acting,
    family: FosterFamily,
    to_status: str,
    on: dt.date | None,
    note: str = "",
    expected_version: int | None = None,
) -> FosterFamily:
    """Move a family along the pipeline: applicant → evaluated → trained → approved; an approved
    family (or one caring for a child) may pause and come back; any family may leave the bank
    (closed). A family is trained once a training is recorded; it is closed or paused only with a
    note, and closed only when no child lives with it."""
    _require_manager(actor, family.path)
    update = VersionedUpdate(family, expected_version)
    locked = update.instance
    errors = Errors()
    note = _text(errors, "note", note, TEXT_LIMIT)
    if to_status not in FosterStatus.values:
        errors.add("to_status", _("Choose a status from the list."))
    elif to_status == FosterStatus.ACTIVE:
        errors.add(
            "to_status",
            _("A family starts caring for a child when the child's placement with it is recorded, not by hand."),
        )
    elif to_status not in FOSTER_MOVES[locked.status]:
        errors.add(
            "to_status",
            _("A family cannot go from “%(from)s” to “%(to)s”.")
            % {"from": _status_label(locked.status), "to": _status_label(to_status)},
        )
    if on is None:
        errors.add("on", _("Choose the day of the change."))
    elif on > _today():
        errors.add("on", _("The date cannot be in the future."))
    elif on < locked.status_since:
        errors.add("on", _("The change cannot be before the family's current status began."))
    if "to_status" not in errors:
        if to_status == FosterStatus.TRAINED and not FosterTraining.objects.filter(family_id=locked.pk).exists():
            errors.add("to_status", _("Record the family's training before marking it as trained."))
        if to_status in (FosterStatus.PAUSED, FosterStatus.CLOSED) and not note:
            errors.add("note", _("Write why the family is paused or leaves the bank."))
        caring = occupancy.family_occupancy(locked)
        if to_status == FosterStatus.CLOSED and caring:
            errors.add(
                "to_status",
                ngettext(
                    "The family still cares for %(count)s child: end the placement before closing it.",
                    "The family still cares for %(count)s children: end their placements before closing it.",
                    caring,
                )
                % {"count": caring},
            )
    errors.raise_if_any()
    assert on is not None
    # Back from a pause to a family that still has a child with it: it is caring for a child.
    if to_status == FosterStatus.APPROVED and occupancy.family_occupancy(locked):
        to_status = FosterStatus.ACTIVE
    _write_foster_status(actor, update, to_status, on, note, _user(actor))
    return locked


@transaction.atomic
def sync_family_activity(family: FosterFamily, *, actor: Acting, on: dt.date | None = None) -> FosterFamily:
    """Set an approved family to "caring for a child" when a child lives with it, and back to
    approved when none does; other statuses are left alone (a paused family stays paused). The
    placement services call it, inside their transaction, after a placement starts or ends."""
    on = on or _today()
    update = VersionedUpdate(family, None)
    locked = update.instance
    if is_person(actor) and not policies.can_manage_resources(actor, locked.path):
        raise PermissionDenied
    caring = occupancy.family_occupancy(locked) > 0
    if locked.status == FosterStatus.APPROVED and caring:
        to_status = FosterStatus.ACTIVE
    elif locked.status == FosterStatus.ACTIVE and not caring:
        to_status = FosterStatus.APPROVED
    else:
        return locked
    by = _user(actor)
    if by is None:
        latest = locked.placements.order_by("-id").select_related("recorded_by").first()
        by = latest.recorded_by if latest is not None else None
    _write_foster_status(actor, update, to_status, max(on, locked.status_since), "", by)
    return locked


def _require_open_family(errors: Errors, family: FosterFamily) -> None:
    if family.status == FosterStatus.CLOSED:
        errors.add("__all__", _("The family has left the bank: reopen its record before adding to it."))


@transaction.atomic
def record_training(
    *, actor: Acting, family: FosterFamily, topic: str, held_on: dt.date | None, hours: Decimal | float | None
) -> FosterTraining:
    """A training session the family attended."""
    _require_manager(actor, family.path)
    errors = Errors()
    _require_open_family(errors, family)
    topic = _line(errors, "topic", topic, required=_("Write the topic of the training."))
    _fact_date(errors, "held_on", held_on, missing=_("Choose the day of the training."))
    value = Decimal(str(hours)) if hours is not None else None
    if value is None or value <= 0 or value > MAX_TRAINING_HOURS:
        errors.add("hours", _("The hours must be more than zero and at most 200."))
    errors.raise_if_any()
    assert held_on is not None and value is not None
    training = FosterTraining.objects.create(family=family, topic=topic, held_on=held_on, hours=value)
    audit.record_create(actor=actor, target=training, org_unit=family.unit)
    return training


@transaction.atomic
def record_support(
    *, actor: Acting, family: FosterFamily, kind: str, given_on: dt.date | None, note: str = ""
) -> FosterSupport:
    """Support the family received (financial, psychological, respite …)."""
    _require_manager(actor, family.path)
    errors = Errors()
    _require_open_family(errors, family)
    if kind not in SupportKind.values:
        errors.add("kind", _("Choose the kind of support."))
    _fact_date(errors, "given_on", given_on, missing=_("Choose the day of the support."))
    note = _text(errors, "note", note, TEXT_LIMIT)
    if kind == SupportKind.OTHER and not note:
        errors.add("note", _("Describe the support given."))
    errors.raise_if_any()
    assert given_on is not None
    support = FosterSupport.objects.create(family=family, kind=kind, given_on=given_on, note=note)
    audit.record_create(actor=actor, target=support, org_unit=family.unit)
    return support


# --- Prospective adopters ------------------------------------------------------------------------------
ADOPTER_MOVES: dict[str, frozenset[str]] = {
    AdopterStatus.APPLIED: frozenset({AdopterStatus.STUDY, AdopterStatus.CLOSED}),
    AdopterStatus.STUDY: frozenset({AdopterStatus.TRAINING, AdopterStatus.CLOSED}),
    AdopterStatus.TRAINING: frozenset({AdopterStatus.SUITABLE, AdopterStatus.CLOSED}),
    # An expired suitability is studied again.
    AdopterStatus.SUITABLE: frozenset({AdopterStatus.STUDY, AdopterStatus.CLOSED}),
    # Assigned and back: through ``propose_adoption`` and ``decide_adoption`` only.
    AdopterStatus.ASSIGNED: frozenset(),
    AdopterStatus.CLOSED: frozenset(),
}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def suitability_is_valid(adopter: ProspectiveAdopter, day: dt.date | None = None) -> bool:
    day = day or _today()
    return (
        adopter.status == AdopterStatus.SUITABLE
        and adopter.valid_until is not None
        and adopter.suitable_on is not None
        and adopter.suitable_on <= day <= adopter.valid_until
    )


def expired_suitabilities(actor: Acting, *, day: dt.date | None = None) -> QuerySet[ProspectiveAdopter]:
    """The adopters declared suitable whose certificate has expired (they must be studied again)."""
    day = day or _today()
    adopters = policies.visible_adopters(actor) if is_person(actor) else ProspectiveAdopter.objects.all()
    return adopters.filter(status=AdopterStatus.SUITABLE, valid_until__lt=day).order_by("valid_until", "id")


def _adopter_label(status: str) -> str:
    return str(AdopterStatus(status).label) if status in AdopterStatus.values else status


@transaction.atomic
def register_adopter(
    *,
    actor: Acting,
    unit: OrgUnit,
    code: str,
    kind: str,
    applicant_names: str,
    applied_on: dt.date | None,
    contact: str = "",
    country_of_residence: str = "",
    min_age: int = 0,
    max_age: int = MAX_AGE,
    accepts_siblings: bool = False,
    accepts_disability: bool = False,
    notes: str = "",
) -> ProspectiveAdopter:
    """An application to adopt, received on ``applied_on``."""
    errors = Errors()
    _unit_errors(errors, unit)
    errors.raise_if_any()
    _require_manager(actor, unit.path)
    code = _line(errors, "code", code, 32, _("Write the application's code in the registry."))
    if code and ProspectiveAdopter.objects.filter(unit=unit, code__iexact=code).exists():
        errors.add("code", _("Another application of the registry already has this code."))
    if kind not in AdoptionKind.values:
        errors.add("kind", _("Choose whether the adoption is national or international."))
    applicant_names = _line(errors, "applicant_names", applicant_names, 300, _("Write the applicants' names."))
    contact = _line(errors, "contact", contact)
    country_of_residence = _line(errors, "country_of_residence", country_of_residence, 100)
    if kind == AdoptionKind.INTERNATIONAL and not country_of_residence:
        errors.add("country_of_residence", _("An international application needs the applicants' country."))
    _fact_date(errors, "applied_on", applied_on, missing=_("Choose the day the application was received."))
    _ages(errors, min_age, max_age)
    notes = _text(errors, "notes", notes, TEXT_LIMIT)
    errors.raise_if_any()
    assert applied_on is not None
    adopter = ProspectiveAdopter.objects.create(
        unit=unit,
        path=unit.path,
        code=code,
        kind=kind,
        applicant_names=applicant_names,
        contact=contact,
        country_of_residence=country_of_residence,
        applied_on=applied_on,
        status=AdopterStatus.APPLIED,
        status_since=applied_on,
        min_age=min_age,
        max_age=max_age,
        accepts_siblings=accepts_siblings,
        accepts_disability=accepts_disability,
        notes=notes,
    )
    audit.record_create(actor=actor, target=adopter, org_unit=unit)
    return adopter


@transaction.atomic
def move_adopter(
    *,
    actor: Acting,
    adopter: ProspectiveAdopter,
    to_status: str,
    on: dt.date | None,
    expected_version: int | None = None,
) -> ProspectiveAdopter:
    """Move an application along: applied → suitability study → training → declared suitable (valid
    for ``ADOPTER_VALIDITY_YEARS``); a suitable one whose certificate expired is studied again; any
    may be closed. Assignment goes through ``propose_adoption``."""
    _require_manager(actor, adopter.path)
    update = VersionedUpdate(adopter, expected_version)
    locked = update.instance
    errors = Errors()
    if to_status not in AdopterStatus.values:
        errors.add("to_status", _("Choose a status from the list."))
    elif to_status == AdopterStatus.ASSIGNED:
        errors.add("to_status", _("Applicants are assigned a child by proposing the adoption from the child's file."))
    elif to_status not in ADOPTER_MOVES[locked.status]:
        errors.add(
            "to_status",
            _("An application cannot go from “%(from)s” to “%(to)s”.")
            % {"from": _adopter_label(locked.status), "to": _adopter_label(to_status)},
        )
    if on is None:
        errors.add("on", _("Choose the day of the change."))
    elif on > _today():
        errors.add("on", _("The date cannot be in the future."))
    elif on < locked.status_since:
        errors.add("on", _("The change cannot be before the application's current status began."))
    errors.raise_if_any()
    assert on is not None
    changes: dict[str, Any] = {"status": to_status, "status_since": on}
    if to_status == AdopterStatus.SUITABLE:
        changes.update(
            training_done_on=locked.training_done_on or on,
            suitable_on=on,
            valid_until=add_years(on, ADOPTER_VALIDITY_YEARS),
        )
    elif to_status == AdopterStatus.STUDY and locked.status == AdopterStatus.SUITABLE:
        changes.update(suitable_on=None, valid_until=None)
    update.apply(changes)
    update.save(actor=actor, org_unit=locked.unit, action=ProtectionAction.ADOPTER_STATUS)
    return locked


@transaction.atomic
def declare_adoptable(
    *,
    actor: Acting,
    file: ProtectionFile,
    declared_on: dt.date | None,
    ruling: str,
    expected_version: int | None = None,
) -> ProtectionFile:
    """Enter the child in the adoption registry: a judge's ruling declared them adoptable on
    ``declared_on``. Only then may an adoption be proposed."""
    if is_person(actor) and not policies.can_work_on_file(actor, file):
        raise PermissionDenied
    update = VersionedUpdate(file, expected_version)
    locked = update.instance
    errors = Errors()
    if not locked.is_open:
        errors.add("__all__", _("The file is closed: reopen it to record new work on it."))
    _fact_date(errors, "declared_on", declared_on, missing=_("Choose the day of the ruling."))
    ruling = _line(
        errors, "ruling", ruling, 200, _("Write the ruling that declared the child adoptable (court and number).")
    )
    errors.raise_if_any()
    update.apply({"declared_adoptable_on": declared_on, "adoptability_ruling": ruling})
    update.save(actor=actor, org_unit=policies.trail_unit(locked))
    return locked


def adopter_fit_problems(
    adopter: ProspectiveAdopter, file: ProtectionFile, *, day: dt.date, siblings: int = 0
) -> list[str]:
    """Why these applicants' profile does not fit the child (empty: it fits)."""
    child = file.child
    problems = []
    age = child.age_on(day)
    if age is None:
        problems.append(_("The child's age is unknown: record it before proposing an adoption."))
    elif not adopter.min_age <= age <= adopter.max_age:
        problems.append(
            _("The applicants hope to adopt a child from %(min)s to %(max)s years old.")
            % {"min": adopter.min_age, "max": adopter.max_age}
        )
    if child.disability and child.disability != "none" and not adopter.accepts_disability:
        problems.append(_("The applicants' profile does not include a child with a disability."))
    if siblings and not adopter.accepts_siblings:
        problems.append(_("The applicants' profile does not include a group of siblings."))
    return problems


@transaction.atomic
def propose_adoption(
    *,
    actor: Acting,
    file: ProtectionFile,
    adopter: ProspectiveAdopter,
    reasons: str,
    proposed_on: dt.date | None = None,
    siblings: int = 0,
) -> AdoptionAssignment:
    """Assign a child declared adoptable to suitable applicants whose certificate is valid and whose
    profile fits the child. A file has at most one open assignment (proposed or accepted)."""
    if is_person(actor):
        if not policies.can_work_on_file(actor, file):
            raise PermissionDenied
        if not policies.visible_adopters(actor).filter(pk=adopter.pk).exists():
            raise PermissionDenied
    # The file's row lock orders two proposals for the same child.
    locked_file = ProtectionFile.objects.select_for_update(of=("self",)).select_related("child").get(pk=file.pk)
    update = VersionedUpdate(adopter, None)
    locked = update.instance
    proposed_on = proposed_on or _today()
    errors = Errors()
    reasons = _text(errors, "reasons", reasons, TEXT_LIMIT, _("Write why these applicants suit the child."))
    if not locked_file.is_open:
        errors.add("__all__", _("The file is closed: reopen it before proposing an adoption."))
    if locked_file.declared_adoptable_on is None:
        errors.add(
            "__all__", _("The child has not been declared adoptable by a judge: an adoption cannot be proposed.")
        )
    elif proposed_on < locked_file.declared_adoptable_on:
        errors.add("proposed_on", _("The proposal cannot be before the child was declared adoptable."))
    if proposed_on > _today():
        errors.add("proposed_on", _("The date cannot be in the future."))
    if locked.status != AdopterStatus.SUITABLE:
        errors.add("adopter", _("The applicants have not been declared suitable."))
    elif not suitability_is_valid(locked, proposed_on):
        errors.add("adopter", _("The applicants' suitability certificate has expired: they must be studied again."))
    for problem in adopter_fit_problems(locked, locked_file, day=proposed_on, siblings=siblings):
        errors.add("adopter", problem)
    if AdoptionAssignment.objects.filter(
        file_id=locked_file.pk, status__in=(AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED)
    ).exists():
        errors.add("__all__", _("The child already has an adoption proposal in progress."))
    errors.raise_if_any()
    by = _user(actor) or locked_file.officer
    assignment = AdoptionAssignment.objects.create(
        file=locked_file, adopter=locked, proposed_on=proposed_on, reasons=reasons, decided_by=by
    )
    audit.record(
        actor=actor,
        action=ProtectionAction.ADOPTION_ASSIGNED,
        target=assignment,
        org_unit=policies.trail_unit(locked_file),
        changes=audit.diff({}, audit.snapshot(assignment)),
    )
    update.apply({"status": AdopterStatus.ASSIGNED, "status_since": proposed_on})
    update.save(actor=actor, org_unit=locked.unit, action=ProtectionAction.ADOPTER_STATUS)
    return assignment


ASSIGNMENT_MOVES: dict[str, frozenset[str]] = {
    AssignmentStatus.PROPOSED: frozenset({AssignmentStatus.ACCEPTED, AssignmentStatus.WITHDRAWN}),
    AssignmentStatus.ACCEPTED: frozenset({AssignmentStatus.COMPLETED, AssignmentStatus.WITHDRAWN}),
    AssignmentStatus.COMPLETED: frozenset(),
    AssignmentStatus.WITHDRAWN: frozenset(),
}


@transaction.atomic
def decide_adoption(
    *,
    actor: Acting,
    assignment: AdoptionAssignment,
    decision: str,
    expected_version: int | None,
    on: dt.date | None = None,
) -> AdoptionAssignment:
    """Record what became of a proposal: accepted, adoption completed (the applicants' application
    closes), or withdrawn (the applicants are suitable again, within their certificate's validity)."""
    file = assignment.file
    if is_person(actor) and not policies.can_work_on_file(actor, file):
        raise PermissionDenied
    update = VersionedUpdate(assignment, expected_version)
    locked = update.instance
    on = on or _today()
    errors = Errors()
    if decision not in AssignmentStatus.values or decision == AssignmentStatus.PROPOSED:
        errors.add("decision", _("Choose what became of the proposal."))
    elif decision not in ASSIGNMENT_MOVES[locked.status]:
        errors.add("decision", _("This proposal has already been decided: it cannot change again."))
    if on > _today():
        errors.add("on", _("The date cannot be in the future."))
    elif on < locked.proposed_on:
        errors.add("on", _("The decision cannot be before the proposal."))
    errors.raise_if_any()
    by = _user(actor) or locked.decided_by
    update.apply({"status": decision, "decided_by": by})
    update.save(actor=actor, org_unit=policies.trail_unit(file))
    adopter_update = VersionedUpdate(locked.adopter, None)
    adopter = adopter_update.instance
    if decision == AssignmentStatus.COMPLETED:
        adopter_update.apply({"status": AdopterStatus.CLOSED, "status_since": max(on, adopter.status_since)})
    elif decision == AssignmentStatus.WITHDRAWN:
        adopter_update.apply({"status": AdopterStatus.SUITABLE, "status_since": max(on, adopter.status_since)})
    adopter_update.save(actor=actor, org_unit=adopter.unit, action=ProtectionAction.ADOPTER_STATUS)
    return locked
