"""Gatekeeping, placements and the follow-up of reintegrations (issue #12, items 3 and 4; decision 0026).

**Gatekeeping.** Every placement in a setting of alternative care (``ALTERNATIVE_CARE``: every
setting but the family of origin and the adoptive family) needs a gatekeeping record of that
setting on the file: complete (the alternatives considered, why they were not enough, why this
setting fits, who decided), or, after an emergency entry, a pending record not yet past its due
day (the entry + ``settings.RONDA_GATEKEEPING_DAYS``). A child under three (on the day they enter)
goes to residential care only with the record's exceptional justification approved by a
supervisor over the file; the approval is audited and shown to supervisors as an alert.

**Placements.** A child lives in one place at a time: a file's placements never overlap and one
is current. A new placement starts on ``start_on`` and ends the current one that same day (its
``end_on`` is the next one's ``start_on``: the day of the move counts for the new place, as
``occupancy.current_on`` counts it). A move back to the family of origin from care is a
reintegration: the placement that ends says so, and follow-up visits are recorded on the new one.
A residential centre must be active, licensed on the day, fit the child's age and have a free
place (or a supervisor's reason to go over capacity); a foster family must be approved (or already
caring), of the setting's kind, fit the child's age and have room.

The file's row is locked for every placement change, so two placements of the same child at once
are serialised (the second sees the first); the facility's or family's row is locked too, so two
children never take its last place at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.services import VersionedUpdate
from ronda.core.tenancy import Acting, is_person
from ronda.protection import occupancy, policies
from ronda.protection.models import (
    ALTERNATIVE_CARE,
    FOSTER_AVAILABLE,
    FOSTER_SETTINGS,
    AdoptionAssignment,
    Alternative,
    AssignmentStatus,
    CareSetting,
    Facility,
    FosterFamily,
    FosterType,
    Gatekeeping,
    GatekeepingStatus,
    Placement,
    PlacementEndReason,
    ProspectiveAdopter,
    ProtectionAction,
    ProtectionFile,
    ProtectiveMeasure,
    ReintegrationVisit,
)

if TYPE_CHECKING:
    from ronda.accounts.models import User

TEXT_LIMIT = 10_000
SHORT_LIMIT = 200
DECIDED_BY_LIMIT = 300
# A supervisor's reason to place a child over a centre's capacity: a sentence, not a word.
MIN_OVERRIDE_REASON = 20
UNDER_THREE = 3
ADOPTIVE_SETTINGS = frozenset({CareSetting.PRE_ADOPTIVE, CareSetting.ADOPTIVE})
# The kind of foster family each foster setting takes.
FOSTER_TYPE_OF = {
    CareSetting.KINSHIP: FosterType.KINSHIP,
    CareSetting.VOLUNTARY_FOSTER: FosterType.VOLUNTARY,
    CareSetting.PROFESSIONAL_FOSTER: FosterType.PROFESSIONAL,
}


def gatekeeping_days() -> int:
    return int(getattr(settings, "RONDA_GATEKEEPING_DAYS", 3))


def _today() -> dt.date:
    return timezone.localdate()


def _day(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_worker(actor: Acting, file: ProtectionFile) -> None:
    if is_person(actor):
        _require(policies.can_work_on_file(actor, file))


def _text(errors: Errors, field: str, value: str | None, limit: int, required: str | None = None) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        errors.add(field, required)
    check_length(errors, field, value, limit)
    return value


def _line(errors: Errors, field: str, value: str | None, limit: int, required: str | None = None) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        errors.add(field, required)
    check_length(errors, field, value, limit)
    return value


def _require_open(errors: Errors, file: ProtectionFile) -> None:
    if not file.is_open:
        errors.add("__all__", _("The protection file is closed: reopen it to record new work on it."))


def _file_date(errors: Errors, field: str, value: dt.date | None, file: ProtectionFile, *, missing: str) -> None:
    """A day that has come, not before the file was opened."""
    if value is None:
        errors.add(field, missing)
    elif value > _today():
        errors.add(field, _("The date cannot be in the future."))
    elif value < file.opened_on:
        errors.add(field, _("The date cannot be before the file was opened."))


def _recorder(actor: Acting, file: ProtectionFile) -> User:
    return actor.user if is_person(actor) else file.officer


def _lock_file(file: ProtectionFile) -> ProtectionFile:
    return (
        ProtectionFile.objects.select_for_update(of=("self",)).select_related("child", "municipality").get(pk=file.pk)
    )


# --- Gatekeeping ---------------------------------------------------------------------------------
def _care_setting(errors: Errors, setting: str) -> None:
    if setting not in ALTERNATIVE_CARE:
        errors.add("setting", _("Choose a setting of alternative care: gatekeeping is the door into care."))


def _gatekeeping_fields(
    errors: Errors,
    *,
    file: ProtectionFile,
    decided_on: dt.date | None,
    alternatives: Iterable[str] | None,
    alternatives_note: str,
    necessity: str,
    suitability: str,
    decided_by: str,
    under_three_justification: str,
) -> dict[str, Any]:
    _file_date(errors, "decided_on", decided_on, file, missing=_("Write the day of the decision."))
    chosen = list(dict.fromkeys(alternatives or ()))
    if not chosen:
        errors.add("alternatives", _("Say which alternatives to alternative care were considered."))
    elif any(value not in Alternative.values for value in chosen):
        errors.add("alternatives", _("Choose the alternatives considered from the list."))
    return {
        "decided_on": decided_on,
        "alternatives": chosen,
        "alternatives_note": _text(
            errors,
            "alternatives_note",
            alternatives_note,
            TEXT_LIMIT,
            _("Explain why the alternatives considered were not enough."),
        ),
        "necessity": _text(
            errors, "necessity", necessity, TEXT_LIMIT, _("Explain why the child needs alternative care.")
        ),
        "suitability": _text(
            errors, "suitability", suitability, TEXT_LIMIT, _("Explain why this setting suits the child.")
        ),
        "decided_by": _line(errors, "decided_by", decided_by, DECIDED_BY_LIMIT, _("Say who took the decision.")),
        "under_three_justification": _text(errors, "under_three_justification", under_three_justification, TEXT_LIMIT),
    }


@transaction.atomic
def record_gatekeeping(
    *,
    actor: Acting,
    file: ProtectionFile,
    setting: str,
    decided_on: dt.date | None,
    alternatives: Iterable[str],
    alternatives_note: str,
    necessity: str,
    suitability: str,
    decided_by: str,
    under_three_justification: str = "",
) -> Gatekeeping:
    """The decision, before the entry, that the child needs this setting of alternative care."""
    _require_worker(actor, file)
    errors = Errors()
    _require_open(errors, file)
    _care_setting(errors, setting)
    values = _gatekeeping_fields(
        errors,
        file=file,
        decided_on=decided_on,
        alternatives=alternatives,
        alternatives_note=alternatives_note,
        necessity=necessity,
        suitability=suitability,
        decided_by=decided_by,
        under_three_justification=under_three_justification,
    )
    errors.raise_if_any()
    gatekeeping = Gatekeeping.objects.create(
        file=file,
        setting=setting,
        status=GatekeepingStatus.COMPLETE,
        recorded_by=_recorder(actor, file),
        **values,
    )
    audit.record_create(actor=actor, target=gatekeeping, org_unit=policies.trail_unit(file))
    return gatekeeping


@transaction.atomic
def emergency_gatekeeping(
    *, actor: Acting, file: ProtectionFile, setting: str, entry_on: dt.date | None
) -> Gatekeeping:
    """An emergency entry into care on ``entry_on``: the record is pending, due
    ``RONDA_GATEKEEPING_DAYS`` after the entry (then ``complete_gatekeeping``)."""
    _require_worker(actor, file)
    errors = Errors()
    _require_open(errors, file)
    _care_setting(errors, setting)
    _file_date(errors, "entry_on", entry_on, file, missing=_("Write the day the child entered care."))
    errors.raise_if_any()
    assert entry_on is not None
    gatekeeping = Gatekeeping.objects.create(
        file=file,
        setting=setting,
        status=GatekeepingStatus.PENDING,
        emergency=True,
        due_on=entry_on + dt.timedelta(days=gatekeeping_days()),
        recorded_by=_recorder(actor, file),
    )
    audit.record_create(actor=actor, target=gatekeeping, org_unit=policies.trail_unit(file))
    return gatekeeping


def entry_day(gatekeeping: Gatekeeping) -> dt.date | None:
    """The day of an emergency entry (its record is due a fixed number of days after it)."""
    if not gatekeeping.emergency or gatekeeping.due_on is None:
        return None
    return gatekeeping.due_on - dt.timedelta(days=gatekeeping_days())


@transaction.atomic
def complete_gatekeeping(
    *,
    actor: Acting,
    gatekeeping: Gatekeeping,
    decided_on: dt.date | None,
    alternatives: Iterable[str],
    alternatives_note: str,
    necessity: str,
    suitability: str,
    decided_by: str,
    under_three_justification: str = "",
    expected_version: int | None = None,
) -> Gatekeeping:
    """Complete the record of an emergency entry (late or not: a late one was an alert meanwhile)."""
    file = gatekeeping.file
    _require_worker(actor, file)
    update = VersionedUpdate(gatekeeping, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, file)
    if locked.status != GatekeepingStatus.PENDING:
        errors.add("__all__", _("This gatekeeping record is already complete."))
    values = _gatekeeping_fields(
        errors,
        file=file,
        decided_on=decided_on,
        alternatives=alternatives,
        alternatives_note=alternatives_note,
        necessity=necessity,
        suitability=suitability,
        decided_by=decided_by,
        under_three_justification=under_three_justification,
    )
    errors.raise_if_any()
    update.apply({"status": GatekeepingStatus.COMPLETE, **values})
    update.save(actor=actor, org_unit=policies.trail_unit(file))
    return update.instance


@transaction.atomic
def approve_exception(*, actor: Acting, gatekeeping: Gatekeeping, expected_version: int | None = None) -> Gatekeeping:
    """A supervisor over the file approves the exceptional residential care of a child under three.
    Only a person approves it (never Ronda itself)."""
    file = gatekeeping.file
    if not is_person(actor) or not policies.can_supervise_file(actor, file):
        raise PermissionDenied
    update = VersionedUpdate(gatekeeping, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, file)
    if locked.setting != CareSetting.RESIDENTIAL:
        errors.add("__all__", _("Only an entry into residential care needs the exception for a child under three."))
    elif locked.exception_approved_by_id is not None:
        errors.add("__all__", _("This exception has already been approved."))
    elif not locked.under_three_justification.strip():
        errors.add(
            "under_three_justification",
            _("The record has no exceptional justification yet: complete it before approving the exception."),
        )
    elif actor.user.pk in (locked.recorded_by_id, file.officer_id):
        # Four eyes: whoever wrote the justification, or holds the file, does not approve it.
        errors.add(
            "__all__", _("You wrote this record or hold the file: another supervisor must approve the exception.")
        )
    errors.raise_if_any()
    update.apply({"exception_approved_by": actor.user, "exception_approved_at": timezone.now()})
    update.save(actor=actor, org_unit=policies.trail_unit(file), action=ProtectionAction.EXCEPTION_APPROVED)
    return update.instance


# --- Placements ----------------------------------------------------------------------------------
def _usable_gatekeeping(file: ProtectionFile, setting: str, start_on: dt.date) -> Gatekeeping | None:
    """The file's record that opens ``setting`` on ``start_on``: the latest complete one, else a
    pending emergency one not past its due day."""
    records = Gatekeeping.objects.filter(file_id=file.pk, setting=setting)
    complete = records.filter(status=GatekeepingStatus.COMPLETE).order_by("-decided_on", "-id").first()
    if complete is not None:
        return complete
    return (
        records.filter(status=GatekeepingStatus.PENDING, due_on__gte=max(_today(), start_on))
        .order_by("-due_on", "-id")
        .first()
    )


def _check_gatekeeping(
    errors: Errors, file: ProtectionFile, setting: str, start_on: dt.date, gatekeeping: Gatekeeping | None
) -> Gatekeeping | None:
    if setting not in ALTERNATIVE_CARE:
        if gatekeeping is not None:
            errors.add("gatekeeping", _("Only a placement in alternative care has a gatekeeping record."))
        return None
    if gatekeeping is None:
        gatekeeping = _usable_gatekeeping(file, setting, start_on)
        if gatekeeping is None:
            errors.add(
                "gatekeeping",
                _(
                    "There is no gatekeeping record for this setting on the file: record why the child needs "
                    "this care (or the emergency entry) before placing them."
                ),
            )
        return gatekeeping
    # Read again: an exception approved since the caller loaded the record counts.
    gatekeeping = Gatekeeping.objects.get(pk=gatekeeping.pk)
    if gatekeeping.file_id != file.pk:
        errors.add("gatekeeping", _("The gatekeeping record belongs to another file."))
    elif gatekeeping.setting != setting:
        errors.add("gatekeeping", _("The gatekeeping record was made for another care setting."))
    elif gatekeeping.status == GatekeepingStatus.PENDING and (
        gatekeeping.due_on is None or gatekeeping.due_on < max(_today(), start_on)
    ):
        errors.add(
            "gatekeeping",
            _("The emergency gatekeeping record is past its due day: complete it before placing the child."),
        )
    return gatekeeping


def _check_overlap(errors: Errors, file: ProtectionFile, start_on: dt.date) -> Placement | None:
    """The current placement (which the new one ends), or an error if the new one would overlap."""
    current = None
    for placement in Placement.objects.filter(file_id=file.pk).order_by("start_on", "id"):
        if placement.end_on is None:
            current = placement
            if start_on <= placement.start_on:
                errors.add(
                    "start_on",
                    _(
                        "The new placement must start after the current one, which started on %(start)s: "
                        "a child lives in one place at a time."
                    )
                    % {"start": _day(placement.start_on)},
                )
        elif placement.end_on > start_on:
            errors.add(
                "start_on",
                _(
                    "The new placement would overlap the placement from %(start)s to %(end)s: a child lives "
                    "in one place at a time."
                )
                % {"start": _day(placement.start_on), "end": _day(placement.end_on)},
            )
    return current


def _age_fits(errors: Errors, field: str, age: int | None, low: int, high: int, message: str) -> None:
    if age is not None and not low <= age <= high:
        errors.add(field, message % {"min": low, "max": high, "age": age})


def _occupied(queryset: Any, file: ProtectionFile, days: Iterable[dt.date]) -> int:
    """How many other children are there on the busiest of ``days`` (this child's own current
    placement, which the new one ends, does not count)."""
    return max(queryset.filter(occupancy.current_on(day)).exclude(file_id=file.pk).count() for day in days)


def _check_facility(
    errors: Errors,
    actor: Acting,
    file: ProtectionFile,
    facility: Facility | None,
    setting: str,
    start_on: dt.date,
    age: int | None,
    override_reason: str,
) -> tuple[Facility | None, str]:
    if setting != CareSetting.RESIDENTIAL:
        if facility is not None:
            errors.add("facility", _("A residential-care centre is chosen only for residential care."))
        return None, ""
    if facility is None:
        errors.add("facility", _("Choose the residential-care centre."))
        return None, ""
    if is_person(actor) and not policies.visible_facilities(actor).filter(pk=facility.pk).exists():
        errors.add("facility", _("Choose a residential-care centre of the list."))
        return None, ""
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if not facility.is_active or (facility.closed_on is not None and facility.closed_on <= start_on):
        errors.add("facility", _("This residential-care centre is closed: choose another."))
        return facility, ""
    if facility.licence_valid_until is not None and facility.licence_valid_until < start_on:
        errors.add(
            "facility",
            _("The centre's licence expired on %(day)s: it cannot receive children until it is renewed.")
            % {"day": _day(facility.licence_valid_until)},
        )
    _age_fits(
        errors,
        "facility",
        age,
        facility.min_age,
        facility.max_age,
        _("This centre receives children from %(min)d to %(max)d years old; the child is %(age)d."),
    )
    present = _occupied(Placement.objects.filter(facility_id=facility.pk), file, {start_on, _today()})
    if present < facility.capacity:
        return facility, ""
    if not override_reason:
        errors.add(
            "capacity_override_reason",
            ngettext(
                "The centre is full: %(present)d child already lives there, for a capacity of %(capacity)d. "
                "Choose another, or a supervisor may place the child over capacity with a written reason.",
                "The centre is full: %(present)d children already live there, for a capacity of %(capacity)d. "
                "Choose another, or a supervisor may place the child over capacity with a written reason.",
                present,
            )
            % {"present": present, "capacity": facility.capacity},
        )
    elif not (is_person(actor) and policies.can_supervise_file(actor, file)):
        errors.add("capacity_override_reason", _("Only a supervisor of the file may place a child over capacity."))
    elif len(override_reason) < MIN_OVERRIDE_REASON:
        errors.add(
            "capacity_override_reason",
            _("Explain in at least %(min)d characters why the child must go to a full centre.")
            % {"min": MIN_OVERRIDE_REASON},
        )
    return facility, override_reason


def _check_family(
    errors: Errors,
    actor: Acting,
    file: ProtectionFile,
    family: FosterFamily | None,
    setting: str,
    start_on: dt.date,
    age: int | None,
    carer_name: str,
) -> FosterFamily | None:
    if setting not in FOSTER_SETTINGS:
        if family is not None:
            errors.add("foster_family", _("A foster family is chosen only for foster care."))
        return None
    if family is None:
        if setting != CareSetting.KINSHIP:
            errors.add("foster_family", _("Choose the foster family."))
        elif not carer_name:
            errors.add("carer_name", _("Write the name of the relative who cares for the child."))
        return None
    if is_person(actor) and not policies.visible_foster_families(actor).filter(pk=family.pk).exists():
        errors.add("foster_family", _("Choose a foster family of the list."))
        return None
    family = FosterFamily.objects.select_for_update().get(pk=family.pk)
    if family.status not in FOSTER_AVAILABLE:
        errors.add("foster_family", _("This family is not approved to receive a child."))
        return family
    if family.type != FOSTER_TYPE_OF[CareSetting(setting)]:
        errors.add("foster_family", _("This family is not of the kind of foster care chosen."))
    _age_fits(
        errors,
        "foster_family",
        age,
        family.min_age,
        family.max_age,
        _("This family receives children from %(min)d to %(max)d years old; the child is %(age)d."),
    )
    present = _occupied(Placement.objects.filter(foster_family_id=family.pk), file, {start_on, _today()})
    if present >= family.capacity:
        errors.add(
            "foster_family",
            ngettext(
                "This family already cares for %(present)d child, as many as it can: choose another.",
                "This family already cares for %(present)d children, as many as it can: choose another.",
                present,
            )
            % {"present": present},
        )
    return family


def _check_adopter(
    errors: Errors, actor: Acting, file: ProtectionFile, adopter: ProspectiveAdopter | None, setting: str
) -> ProspectiveAdopter | None:
    if setting not in ADOPTIVE_SETTINGS:
        if adopter is not None:
            errors.add("adopter", _("Adopters are chosen only for a pre-adoptive or adoptive placement."))
        return None
    if adopter is None:
        errors.add("adopter", _("Choose the adoptive family."))
        return None
    if is_person(actor) and not policies.visible_adopters(actor).filter(pk=adopter.pk).exists():
        errors.add("adopter", _("Choose an adoptive family of the list."))
        return None
    assigned = AdoptionAssignment.objects.filter(
        file_id=file.pk,
        adopter_id=adopter.pk,
        status__in=[AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED],
    ).exists()
    if not assigned:
        errors.add("adopter", _("The child has not been assigned to these adopters: accept the assignment first."))
    return adopter


def _end_reason_of_move(current: Placement, setting: str) -> str:
    if setting == CareSetting.FAMILY_OF_ORIGIN and current.setting != CareSetting.FAMILY_OF_ORIGIN:
        return PlacementEndReason.REINTEGRATION
    if setting == CareSetting.ADOPTIVE:
        return PlacementEndReason.ADOPTION
    return PlacementEndReason.MOVED


@transaction.atomic
def place_child(
    *,
    actor: Acting,
    file: ProtectionFile,
    setting: str,
    start_on: dt.date | None,
    gatekeeping: Gatekeeping | None = None,
    measure: ProtectiveMeasure | None = None,
    facility: Facility | None = None,
    foster_family: FosterFamily | None = None,
    adopter: ProspectiveAdopter | None = None,
    carer_name: str = "",
    change_reason: str = "",
    siblings_together: bool | None = None,
    siblings_note: str = "",
    contact_plan: str = "",
    capacity_override_reason: str = "",
) -> Placement:
    """Where the child lives from ``start_on``. The current placement ends that day (reason
    "moved", "reintegration" for a return to the family of origin, "adoption" into the adoptive
    family). Without ``gatekeeping``, the file's record of the setting is found."""
    _require_worker(actor, file)
    file = _lock_file(file)
    errors = Errors()
    _require_open(errors, file)
    if setting not in CareSetting.values:
        errors.add("setting", _("Choose the care setting from the list."))
        errors.raise_if_any()
    _file_date(errors, "start_on", start_on, file, missing=_("Write the day the placement starts."))
    carer_name = _line(errors, "carer_name", carer_name, SHORT_LIMIT)
    change_reason = _text(errors, "change_reason", change_reason, TEXT_LIMIT)
    siblings_note = _text(errors, "siblings_note", siblings_note, TEXT_LIMIT)
    contact_plan = _text(errors, "contact_plan", contact_plan, TEXT_LIMIT)
    capacity_override_reason = _text(errors, "capacity_override_reason", capacity_override_reason, TEXT_LIMIT)
    if siblings_together is False and not siblings_note:
        errors.add("siblings_note", _("Explain why the siblings are not placed together."))
    if measure is not None and (measure.file_id != file.pk or not measure.is_active):
        errors.add("measure", _("Choose a measure in force of this file."))
    if "start_on" in errors:
        errors.raise_if_any()
    assert start_on is not None
    age = file.child.age_on(start_on)
    current = _check_overlap(errors, file, start_on)
    gatekeeping = _check_gatekeeping(errors, file, setting, start_on, gatekeeping)
    if (
        setting == CareSetting.RESIDENTIAL
        and age is not None
        and age < UNDER_THREE
        and gatekeeping is not None
        and not (gatekeeping.under_three_justification.strip() and gatekeeping.exception_approved_by_id)
    ):
        errors.add(
            "gatekeeping",
            _(
                "The child is under three: residential care needs the gatekeeping record's exceptional "
                "justification, approved by a supervisor. Consider a foster family first."
            ),
        )
    facility, capacity_override_reason = _check_facility(
        errors, actor, file, facility, setting, start_on, age, capacity_override_reason
    )
    foster_family = _check_family(errors, actor, file, foster_family, setting, start_on, age, carer_name)
    adopter = _check_adopter(errors, actor, file, adopter, setting)
    errors.raise_if_any()
    if current is not None:
        ending = VersionedUpdate(current, None)
        ending.apply({"end_on": start_on, "end_reason": _end_reason_of_move(current, setting)})
        ending.save(actor=actor, org_unit=policies.trail_unit(file), action=ProtectionAction.PLACEMENT_ENDED)
        if current.foster_family_id is not None and current.foster_family_id != getattr(foster_family, "pk", None):
            _sync_family(actor, current.foster_family_id, start_on)
    placement = Placement.objects.create(
        file=file,
        setting=setting,
        start_on=start_on,
        change_reason=change_reason,
        measure=measure,
        gatekeeping=gatekeeping,
        facility=facility,
        foster_family=foster_family,
        adopter=adopter,
        carer_name=carer_name,
        capacity_override_reason=capacity_override_reason,
        siblings_together=siblings_together,
        siblings_note=siblings_note,
        contact_plan=contact_plan,
        age_on_entry=age,
        recorded_by=_recorder(actor, file),
    )
    audit.record_create(actor=actor, target=placement, org_unit=policies.trail_unit(file))
    if foster_family is not None:
        _sync_family(actor, foster_family.pk, start_on)
    return placement


def _sync_family(actor: Acting, family_id: int, on: dt.date) -> None:
    """The family's "caring for a child" status follows its placements (the care resources' rule)."""
    from ronda.protection.services.resources import sync_family_activity

    sync_family_activity(FosterFamily.objects.get(pk=family_id), actor=actor, on=on)


@transaction.atomic
def end_placement(
    *,
    actor: Acting,
    placement: Placement,
    end_on: dt.date | None,
    end_reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> Placement:
    """End the current placement without another (the child came of age, left, was adopted …).
    A move to another place is ``place_child``, which ends the current one itself."""
    _require_worker(actor, placement.file)
    file = _lock_file(placement.file)
    update = VersionedUpdate(placement, expected_version)
    locked = update.instance
    errors = Errors()
    if locked.end_on is not None:
        errors.add("__all__", _("This placement has already ended."))
    _file_date(errors, "end_on", end_on, file, missing=_("Write the day the placement ended."))
    if end_on is not None and "end_on" not in errors and end_on < locked.start_on:
        errors.add("end_on", _("A placement cannot end before it started."))
    if end_reason not in PlacementEndReason.values:
        errors.add("end_reason", _("Choose why the placement ended."))
    note = _text(errors, "note", note, TEXT_LIMIT)
    if end_reason == PlacementEndReason.OTHER and not note:
        errors.add("note", _("Explain in the note why the placement ended."))
    errors.raise_if_any()
    update.apply({"end_on": end_on, "end_reason": end_reason, "end_note": note})
    update.save(actor=actor, org_unit=policies.trail_unit(file), action=ProtectionAction.PLACEMENT_ENDED)
    if locked.foster_family_id is not None:
        assert end_on is not None
        _sync_family(actor, locked.foster_family_id, end_on)
    return update.instance


def is_reintegration(placement: Placement) -> bool:
    """A placement in the family of origin that follows one in alternative care."""
    if placement.setting != CareSetting.FAMILY_OF_ORIGIN:
        return False
    return Placement.objects.filter(
        file_id=placement.file_id, setting__in=ALTERNATIVE_CARE, start_on__lt=placement.start_on
    ).exists()


@transaction.atomic
def record_follow_up_visit(
    *, actor: Acting, placement: Placement, visited_on: dt.date | None, findings: str
) -> ReintegrationVisit:
    """A follow-up visit to the family after the child's return from care."""
    file = placement.file
    _require_worker(actor, file)
    errors = Errors()
    _require_open(errors, file)
    if not is_reintegration(placement):
        errors.add("__all__", _("Follow-up visits are recorded on a return to the family of origin after care."))
    _file_date(errors, "visited_on", visited_on, file, missing=_("Write the day of the visit."))
    if visited_on is not None and "visited_on" not in errors:
        if visited_on < placement.start_on:
            errors.add("visited_on", _("The visit cannot be before the child returned to the family."))
        elif placement.end_on is not None and visited_on > placement.end_on:
            errors.add("visited_on", _("The visit cannot be after the child left the family again."))
    findings = _text(errors, "findings", findings, TEXT_LIMIT, _("Write what was found at the visit."))
    errors.raise_if_any()
    assert visited_on is not None
    visit = ReintegrationVisit.objects.create(
        placement=placement, visited_on=visited_on, findings=findings, visited_by=_recorder(actor, file)
    )
    audit.record_create(actor=actor, target=visit, org_unit=policies.trail_unit(file))
    return visit
