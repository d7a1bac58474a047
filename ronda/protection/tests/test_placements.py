"""Gatekeeping and placements: each rule of the door into care, of a child's placement history and
of the places that receive them, refused in Spanish with nothing written."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.protection.models import (
    Alternative,
    CareSetting,
    Facility,
    FosterFamily,
    FosterStatus,
    FosterType,
    Gatekeeping,
    GatekeepingStatus,
    Placement,
    PlacementEndReason,
    ProtectionAction,
    ProtectionFile,
    ReintegrationVisit,
)
from ronda.protection.services import placements
from ronda.protection.services.resources import register_facility, update_facility
from ronda.protection.tests.factories import PWorld, act, make_child, make_file, protection_world
from ronda.testing import World, build_world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
TODAY = NOW.date()
OPENED = dt.date(2026, 1, 5)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[Any]:
    with translation.override("es"), time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


def es(msgid: str) -> str:
    """The message as the officer reads it (the Spanish of /tmp/i18n_h2.json once merged)."""
    return gettext(msgid)


def _file(pw: PWorld, **child: Any) -> ProtectionFile:
    """A file opened on OPENED for a child of eight (born in mid-2017) unless told otherwise."""
    child.setdefault("birth_date", dt.date(2017, 6, 1))
    return make_file(pw, child=make_child(pw.world, **child), opened_on=OPENED)


def _gate(pw: PWorld, file: ProtectionFile, setting: str = CareSetting.RESIDENTIAL, **over: Any) -> Gatekeeping:
    fields: dict[str, Any] = {
        "setting": setting,
        "decided_on": OPENED + dt.timedelta(days=2),
        "alternatives": [Alternative.FAMILY_SUPPORT, Alternative.KINSHIP],
        "alternatives_note": "La familia extensa vive fuera del estado y no puede recibirla.",
        "necessity": "La niña quedó sola en la casa; no hay adulto que la cuide.",
        "suitability": "El centro está cerca de su escuela.",
        "decided_by": "Comité técnico de la Procuraduría",
    }
    fields.update(over)
    return placements.record_gatekeeping(actor=act(pw.officer), file=file, **fields)


def _facility(pw: PWorld, **over: Any) -> Facility:
    fields: dict[str, Any] = {
        "unit": pw.world.region,
        "name": "Casa Hogar Esperanza",
        "operator": "public",
        "capacity": 4,
        "licence_number": "CAS-001",
        "licence_valid_until": dt.date(2027, 12, 31),
    }
    fields.update(over)
    return register_facility(actor=act(pw.state_officer), **fields)


def _family(pw: PWorld, **over: Any) -> FosterFamily:
    # Set up as the bank holds it (the pipeline to "approved" is the care resources' own test).
    fields: dict[str, Any] = {
        "code": "FA-01",
        "unit": pw.world.municipality,
        "path": pw.world.municipality.path,
        "type": FosterType.VOLUNTARY,
        "status": FosterStatus.APPROVED,
        "status_since": OPENED,
        "capacity": 1,
        "contact_name": "Familia Pérez",
    }
    fields.update(over)
    return FosterFamily.objects.create(**fields)


def _place(pw: PWorld, file: ProtectionFile, setting: str, start_on: dt.date, **over: Any) -> Placement:
    actor = over.pop("actor", None) or act(pw.officer)
    return placements.place_child(actor=actor, file=file, setting=setting, start_on=start_on, **over)


def _counts() -> tuple[int, int, int, int]:
    return (
        Placement.objects.count(),
        Gatekeeping.objects.count(),
        ReintegrationVisit.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(call: Any, field: str) -> list[str]:
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        call()
    assert _counts() == before
    return exc.value.message_dict[field]


# --- Gatekeeping ---------------------------------------------------------------------------------
def test_care_needs_a_gatekeeping_record_of_its_setting_and_the_family_of_origin_none(pw: PWorld) -> None:
    file = _file(pw)
    home = _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, OPENED)
    assert home.gatekeeping is None
    facility = _facility(pw)
    message = es(
        "There is no gatekeeping record for this setting on the file: record why the child needs "
        "this care (or the emergency entry) before placing them."
    )
    assert _refused(
        lambda: _place(pw, file, CareSetting.RESIDENTIAL, OPENED + dt.timedelta(days=3), facility=facility),
        "gatekeeping",
    ) == [message]
    # A record for another setting does not open this one.
    _gate(pw, file, CareSetting.VOLUNTARY_FOSTER)
    assert _refused(
        lambda: _place(pw, file, CareSetting.RESIDENTIAL, OPENED + dt.timedelta(days=3), facility=facility),
        "gatekeeping",
    ) == [message]
    gate = _gate(pw, file)
    placement = _place(pw, file, CareSetting.RESIDENTIAL, OPENED + dt.timedelta(days=3), facility=facility)
    assert placement.gatekeeping == gate and placement.age_on_entry == 8
    home.refresh_from_db()
    assert home.end_on == placement.start_on and home.end_reason == PlacementEndReason.MOVED
    actions = set(
        AuditEvent.objects.filter(target_type="protection.placement", target_id=str(home.pk)).values_list(
            "action", flat=True
        )
    )
    assert ProtectionAction.PLACEMENT_ENDED in actions


def test_a_gatekeeping_record_gives_every_reason_and_only_opens_alternative_care(pw: PWorld) -> None:
    file = _file(pw)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _gate(
            pw,
            file,
            CareSetting.FAMILY_OF_ORIGIN,
            decided_on=TODAY + dt.timedelta(days=1),
            alternatives=[],
            alternatives_note="",
            necessity=" ",
            suitability="",
            decided_by="",
        )
    errors = exc.value.message_dict
    assert errors["setting"] == [es("Choose a setting of alternative care: gatekeeping is the door into care.")]
    assert errors["decided_on"] == [es("The date cannot be in the future.")]
    assert errors["alternatives"] == [es("Say which alternatives to alternative care were considered.")]
    assert errors["alternatives_note"] == [es("Explain why the alternatives considered were not enough.")]
    assert errors["necessity"] == [es("Explain why the child needs alternative care.")]
    assert errors["suitability"] == [es("Explain why this setting suits the child.")]
    assert errors["decided_by"] == [es("Say who took the decision.")]
    with pytest.raises(ValidationError) as exc:
        _gate(pw, file, decided_on=OPENED - dt.timedelta(days=1), alternatives=["orphanage"])
    assert exc.value.message_dict["decided_on"] == [es("The date cannot be before the file was opened.")]
    assert exc.value.message_dict["alternatives"] == [es("Choose the alternatives considered from the list.")]
    assert _counts() == before


def test_an_emergency_entry_opens_care_until_its_record_is_due(pw: PWorld, frozen: Any) -> None:
    file = _file(pw)
    facility = _facility(pw)
    emergency = placements.emergency_gatekeeping(
        actor=act(pw.officer), file=file, setting="residential", entry_on=TODAY
    )
    assert emergency.status == GatekeepingStatus.PENDING and emergency.emergency
    assert emergency.due_on == TODAY + dt.timedelta(days=3)
    placement = _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility)
    assert placement.gatekeeping == emergency
    # Four days later the record is overdue: it no longer opens a move to another centre.
    frozen.shift(dt.timedelta(days=4))
    other = _facility(pw, name="Casa Hogar Luz")
    later = TODAY + dt.timedelta(days=4)
    assert _refused(
        lambda: _place(pw, file, CareSetting.RESIDENTIAL, later, facility=other, gatekeeping=emergency), "gatekeeping"
    ) == [es("The emergency gatekeeping record is past its due day: complete it before placing the child.")]
    completed = placements.complete_gatekeeping(
        actor=act(pw.officer),
        gatekeeping=emergency,
        decided_on=later,
        alternatives=[Alternative.FAMILY_SUPPORT],
        alternatives_note="La madre no acepta el apoyo ofrecido.",
        necessity="Riesgo de violencia en el hogar.",
        suitability="Centro con atención psicológica.",
        decided_by="Comité técnico",
        expected_version=emergency.version,
    )
    assert completed.status == GatekeepingStatus.COMPLETE
    moved = _place(pw, file, CareSetting.RESIDENTIAL, later, facility=other)
    assert moved.gatekeeping == completed
    assert _refused(
        lambda: placements.complete_gatekeeping(
            actor=act(pw.officer),
            gatekeeping=completed,
            decided_on=later,
            alternatives=[Alternative.FAMILY_SUPPORT],
            alternatives_note="x",
            necessity="x",
            suitability="x",
            decided_by="x",
        ),
        "__all__",
    ) == [es("This gatekeeping record is already complete.")]


@override_settings(RONDA_GATEKEEPING_DAYS=5)
def test_the_emergency_deadline_is_a_setting(pw: PWorld) -> None:
    file = _file(pw)
    entry = TODAY - dt.timedelta(days=1)
    emergency = placements.emergency_gatekeeping(
        actor=act(pw.officer), file=file, setting=CareSetting.KINSHIP, entry_on=entry
    )
    assert emergency.due_on == entry + dt.timedelta(days=5)
    assert placements.entry_day(emergency) == entry


def test_a_gatekeeping_record_of_another_file_is_refused(pw: PWorld) -> None:
    file, other = _file(pw), _file(pw)
    gate = _gate(pw, other)
    facility = _facility(pw)
    assert _refused(
        lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility, gatekeeping=gate),
        "gatekeeping",
    ) == [es("The gatekeeping record belongs to another file.")]


# --- Children under three ------------------------------------------------------------------------
def test_a_child_under_three_enters_residential_care_only_by_an_approved_exception(pw: PWorld) -> None:
    file = _file(pw, birth_date=dt.date(2024, 1, 1))
    facility = _facility(pw)
    message = es(
        "The child is under three: residential care needs the gatekeeping record's exceptional "
        "justification, approved by a supervisor. Consider a foster family first."
    )
    plain = _gate(pw, file)
    assert _refused(
        lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility, gatekeeping=plain), "gatekeeping"
    ) == [message]
    assert _refused(
        lambda: placements.approve_exception(actor=act(pw.supervisor), gatekeeping=plain),
        "under_three_justification",
    ) == [es("The record has no exceptional justification yet: complete it before approving the exception.")]
    gate = _gate(pw, file, under_three_justification="Hermanos mayores en el mismo centro; no hay familia de acogida.")
    assert _refused(
        lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility, gatekeeping=gate), "gatekeeping"
    ) == [message]
    for user in (pw.officer, pw.world.away[Role.SUPERVISOR]):
        before = _counts()
        with pytest.raises(PermissionDenied):
            placements.approve_exception(actor=act(user), gatekeeping=gate)
        assert _counts() == before
    approved = placements.approve_exception(actor=act(pw.supervisor), gatekeeping=gate, expected_version=gate.version)
    assert approved.exception_approved_by == pw.supervisor and approved.exception_approved_at is not None
    event = AuditEvent.objects.filter(target_type="protection.gatekeeping", target_id=str(gate.pk)).latest("id")
    assert event.action == ProtectionAction.EXCEPTION_APPROVED
    # The caller's copy of the record is stale: the service reads the approval itself.
    placement = _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility, gatekeeping=gate)
    assert placement.age_on_entry == 2
    assert _refused(lambda: placements.approve_exception(actor=act(pw.supervisor), gatekeeping=gate), "__all__") == [
        es("This exception has already been approved.")
    ]


def test_a_child_under_three_goes_to_a_foster_family_without_an_exception(pw: PWorld) -> None:
    file = _file(pw, birth_date=dt.date(2024, 6, 1))
    gate = _gate(pw, file, CareSetting.VOLUNTARY_FOSTER)
    placement = _place(pw, file, CareSetting.VOLUNTARY_FOSTER, TODAY, foster_family=_family(pw))
    assert placement.gatekeeping == gate and placement.age_on_entry == 1


# --- The placement history -----------------------------------------------------------------------
def test_placements_never_overlap(pw: PWorld) -> None:
    file = _file(pw)
    _gate(pw, file)
    facility = _facility(pw)
    first = _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, OPENED)
    second = _place(pw, file, CareSetting.RESIDENTIAL, OPENED + dt.timedelta(days=10), facility=facility)
    assert _refused(
        lambda: _place(pw, file, CareSetting.RESIDENTIAL, OPENED + dt.timedelta(days=5), facility=facility),
        "start_on",
    )[0] == es(
        "The new placement would overlap the placement from %(start)s to %(end)s: a child lives in one place at a time."
    ) % {"start": "05/01/2026", "end": "15/01/2026"}
    placements.end_placement(
        actor=act(pw.officer),
        placement=second,
        end_on=OPENED + dt.timedelta(days=20),
        end_reason=PlacementEndReason.RAN_AWAY,
        expected_version=second.version,
    )
    assert _refused(
        lambda: _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, OPENED + dt.timedelta(days=19)), "start_on"
    ) == [
        es(
            "The new placement would overlap the placement from %(start)s to %(end)s: a child lives "
            "in one place at a time."
        )
        % {"start": "15/01/2026", "end": "25/01/2026"}
    ]
    back = _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, OPENED + dt.timedelta(days=20))
    assert back.is_current
    assert Placement.objects.filter(file=file, end_on__isnull=True).count() == 1
    first.refresh_from_db()
    assert first.end_on == OPENED + dt.timedelta(days=10)


def test_a_new_placement_must_start_after_the_current_one(pw: PWorld) -> None:
    file = _file(pw)
    _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, OPENED + dt.timedelta(days=3))
    messages = _refused(
        lambda: _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, OPENED + dt.timedelta(days=3)), "start_on"
    )
    assert messages == [
        es(
            "The new placement must start after the current one, which started on %(start)s: "
            "a child lives in one place at a time."
        )
        % {"start": "08/01/2026"}
    ]


def test_a_placement_is_a_fact_of_the_file(pw: PWorld) -> None:
    file = _file(pw)
    assert _refused(
        lambda: _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, TODAY + dt.timedelta(days=1)), "start_on"
    ) == [es("The date cannot be in the future.")]
    assert _refused(
        lambda: _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, OPENED - dt.timedelta(days=1)), "start_on"
    ) == [es("The date cannot be before the file was opened.")]
    assert _refused(lambda: _place(pw, file, "street", TODAY), "setting") == [
        es("Choose the care setting from the list.")
    ]


def test_who_does_not_work_on_the_file_cannot_place_the_child(pw: PWorld) -> None:
    file = _file(pw)
    for user in (pw.world.away[Role.PROTECTION_OFFICER], pw.health_focal, pw.world.home[Role.COORDINATOR]):
        before = _counts()
        with pytest.raises(PermissionDenied):
            _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, TODAY, actor=act(user))
        assert _counts() == before


# --- The places that receive a child -------------------------------------------------------------
def test_a_centre_must_be_open_licensed_and_fit_the_childs_age(pw: PWorld) -> None:
    file = _file(pw)
    _gate(pw, file)
    expired = _facility(pw, name="Vencido", licence_valid_until=dt.date(2026, 2, 1))
    assert _refused(lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=expired), "facility") == [
        es("The centre's licence expired on %(day)s: it cannot receive children until it is renewed.")
        % {"day": "01/02/2026"}
    ]
    teens = _facility(pw, name="Adolescentes", min_age=12, max_age=17)
    assert _refused(lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=teens), "facility") == [
        es("This centre receives children from %(min)d to %(max)d years old; the child is %(age)d.")
        % {"min": 12, "max": 17, "age": 8}
    ]
    closed = _facility(pw, name="Cerrado")
    closed = update_facility(
        actor=act(pw.state_officer), facility=closed, expected_version=closed.version, is_active=False
    )
    assert _refused(lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=closed), "facility") == [
        es("This residential-care centre is closed: choose another.")
    ]
    assert _refused(lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY), "facility") == [
        es("Choose the residential-care centre.")
    ]
    # A centre of another state is not on the officer's list.
    away = build_world_away_facility(pw)
    assert _refused(lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=away), "facility") == [
        es("Choose a residential-care centre of the list.")
    ]


def build_world_away_facility(pw: PWorld) -> Facility:
    """A centre of the other country's region (no home user sees it)."""
    region = pw.world.other_municipality.parent
    assert region is not None
    return Facility.objects.create(
        name="Lejano", unit=region, path=region.path, operator="public", capacity=5, licence_number="X"
    )


def test_a_full_centre_takes_a_child_only_by_a_supervisors_reason(pw: PWorld) -> None:
    facility = _facility(pw, capacity=1)
    resident = _file(pw)
    _gate(pw, resident)
    _place(pw, resident, CareSetting.RESIDENTIAL, OPENED + dt.timedelta(days=3), facility=facility)
    file = _file(pw)
    _gate(pw, file)
    assert _refused(
        lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility), "capacity_override_reason"
    ) == [
        ngettext(
            "The centre is full: %(present)d child already lives there, for a capacity of %(capacity)d. "
            "Choose another, or a supervisor may place the child over capacity with a written reason.",
            "The centre is full: %(present)d children already live there, for a capacity of %(capacity)d. "
            "Choose another, or a supervisor may place the child over capacity with a written reason.",
            1,
        )
        % {"present": 1, "capacity": 1}
    ]
    reason = "No hay otra plaza en el estado esta noche."
    assert _refused(
        lambda: _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility, capacity_override_reason=reason),
        "capacity_override_reason",
    ) == [es("Only a supervisor of the file may place a child over capacity.")]
    supervisor = act(pw.supervisor)
    assert _refused(
        lambda: _place(
            pw,
            file,
            CareSetting.RESIDENTIAL,
            TODAY,
            facility=facility,
            capacity_override_reason="Urgente",
            actor=supervisor,
        ),
        "capacity_override_reason",
    ) == [es("Explain in at least %(min)d characters why the child must go to a full centre.") % {"min": 20}]
    placement = _place(
        pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility, capacity_override_reason=reason, actor=supervisor
    )
    assert placement.capacity_override_reason == reason
    event = AuditEvent.objects.get(target_type="protection.placement", target_id=str(placement.pk))
    assert reason not in str(event.changes)


def test_a_child_moving_inside_the_same_full_centre_does_not_count_twice(pw: PWorld) -> None:
    facility = _facility(pw, capacity=1)
    file = _file(pw)
    _gate(pw, file)
    _place(pw, file, CareSetting.RESIDENTIAL, OPENED + dt.timedelta(days=3), facility=facility)
    moved = _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility, change_reason="Cambio de sección.")
    assert moved.is_current


def test_a_foster_family_must_be_approved_of_the_settings_kind_with_room_and_fit_the_age(pw: PWorld) -> None:
    file = _file(pw)
    _gate(pw, file, CareSetting.VOLUNTARY_FOSTER)
    applicant = _family(pw, code="FA-02", status=FosterStatus.APPLICANT)
    assert _refused(
        lambda: _place(pw, file, CareSetting.VOLUNTARY_FOSTER, TODAY, foster_family=applicant), "foster_family"
    ) == [es("This family is not approved to receive a child.")]
    professional = _family(pw, code="FA-03", type=FosterType.PROFESSIONAL)
    assert _refused(
        lambda: _place(pw, file, CareSetting.VOLUNTARY_FOSTER, TODAY, foster_family=professional), "foster_family"
    ) == [es("This family is not of the kind of foster care chosen.")]
    babies = _family(pw, code="FA-04", max_age=3)
    assert _refused(
        lambda: _place(pw, file, CareSetting.VOLUNTARY_FOSTER, TODAY, foster_family=babies), "foster_family"
    ) == [
        es("This family receives children from %(min)d to %(max)d years old; the child is %(age)d.")
        % {"min": 0, "max": 3, "age": 8}
    ]
    family = _family(pw)
    other = _file(pw)
    _gate(pw, other, CareSetting.VOLUNTARY_FOSTER)
    _place(pw, other, CareSetting.VOLUNTARY_FOSTER, OPENED + dt.timedelta(days=3), foster_family=family)
    assert _refused(
        lambda: _place(pw, file, CareSetting.VOLUNTARY_FOSTER, TODAY, foster_family=family), "foster_family"
    ) == [
        ngettext(
            "This family already cares for %(present)d child, as many as it can: choose another.",
            "This family already cares for %(present)d children, as many as it can: choose another.",
            1,
        )
        % {"present": 1}
    ]
    assert _refused(lambda: _place(pw, file, CareSetting.VOLUNTARY_FOSTER, TODAY), "foster_family") == [
        es("Choose the foster family.")
    ]
    chosen = _family(pw, code="FA-05")
    placement = _place(pw, file, CareSetting.VOLUNTARY_FOSTER, TODAY, foster_family=chosen)
    # The family now cares for a child; when the child leaves it is available again.
    chosen.refresh_from_db()
    assert chosen.status == FosterStatus.ACTIVE
    placements.end_placement(
        actor=act(pw.officer), placement=placement, end_on=TODAY, end_reason=PlacementEndReason.BREAKDOWN
    )
    chosen.refresh_from_db()
    assert chosen.status == FosterStatus.APPROVED


def test_kinship_care_without_a_registered_family_names_the_relative(pw: PWorld) -> None:
    file = _file(pw)
    _gate(pw, file, CareSetting.KINSHIP)
    assert _refused(lambda: _place(pw, file, CareSetting.KINSHIP, TODAY), "carer_name") == [
        es("Write the name of the relative who cares for the child.")
    ]
    assert _refused(
        lambda: _place(pw, file, CareSetting.KINSHIP, TODAY, carer_name="Tía Rosa", siblings_together=False),
        "siblings_note",
    ) == [es("Explain why the siblings are not placed together.")]
    placement = _place(pw, file, CareSetting.KINSHIP, TODAY, carer_name="Tía Rosa")
    assert placement.carer_name == "Tía Rosa"


def test_an_adoptive_placement_needs_an_accepted_assignment(pw: PWorld) -> None:
    file = _file(pw)
    assert _refused(lambda: _place(pw, file, CareSetting.ADOPTIVE, TODAY), "adopter") == [
        es("Choose the adoptive family.")
    ]


# --- Reintegration -------------------------------------------------------------------------------
def test_a_return_home_from_care_is_a_reintegration_with_follow_up_visits(pw: PWorld) -> None:
    file = _file(pw)
    _gate(pw, file)
    care = _place(pw, file, CareSetting.RESIDENTIAL, OPENED + dt.timedelta(days=3), facility=_facility(pw))
    home = _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, TODAY - dt.timedelta(days=10))
    care.refresh_from_db()
    assert care.end_reason == PlacementEndReason.REINTEGRATION and care.end_on == home.start_on
    assert placements.is_reintegration(home)
    assert _refused(
        lambda: placements.record_follow_up_visit(
            actor=act(pw.officer), placement=home, visited_on=TODAY - dt.timedelta(days=11), findings="x"
        ),
        "visited_on",
    ) == [es("The visit cannot be before the child returned to the family.")]
    assert _refused(
        lambda: placements.record_follow_up_visit(
            actor=act(pw.officer), placement=home, visited_on=TODAY, findings=" "
        ),
        "findings",
    ) == [es("Write what was found at the visit.")]
    visit = placements.record_follow_up_visit(
        actor=act(pw.officer), placement=home, visited_on=TODAY, findings="La niña asiste a la escuela."
    )
    assert visit.visited_by == pw.officer
    # A child who never left home has no reintegration to follow.
    stayed = _file(pw)
    at_home = _place(pw, stayed, CareSetting.FAMILY_OF_ORIGIN, OPENED)
    assert _refused(
        lambda: placements.record_follow_up_visit(
            actor=act(pw.officer), placement=at_home, visited_on=TODAY, findings="x"
        ),
        "__all__",
    ) == [es("Follow-up visits are recorded on a return to the family of origin after care.")]


def test_ending_a_placement_needs_a_reason_and_a_day_after_its_start(pw: PWorld) -> None:
    file = _file(pw)
    placement = _place(pw, file, CareSetting.FAMILY_OF_ORIGIN, OPENED + dt.timedelta(days=5))
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        placements.end_placement(
            actor=act(pw.officer), placement=placement, end_on=OPENED + dt.timedelta(days=4), end_reason=""
        )
    errors = exc.value.message_dict
    assert errors["end_on"] == [es("A placement cannot end before it started.")]
    assert errors["end_reason"] == [es("Choose why the placement ended.")]
    with pytest.raises(ValidationError) as exc:
        placements.end_placement(actor=act(pw.officer), placement=placement, end_on=TODAY, end_reason="other")
    assert exc.value.message_dict["note"] == [es("Explain in the note why the placement ended.")]
    assert _counts() == before
    ended = placements.end_placement(
        actor=act(pw.officer), placement=placement, end_on=TODAY, end_reason="other", note="Se mudó con su padre."
    )
    assert ended.end_on == TODAY and ended.end_note == "Se mudó con su padre."
    with pytest.raises(ValidationError) as exc:
        placements.end_placement(actor=act(pw.officer), placement=ended, end_on=TODAY, end_reason="moved")
    assert exc.value.message_dict["__all__"] == [es("This placement has already ended.")]


# --- Two placements of the same child at once ----------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_placements_of_the_same_child_at_once_are_serialised_by_the_files_lock() -> None:
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("an in-memory SQLite database has no busy wait for two writers")
    pw = protection_world(build_world())
    file = _file(pw)
    _gate(pw, file)
    first, second = _facility(pw, name="Uno"), _facility(pw, name="Dos")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def place(facility: Facility) -> None:
        try:
            barrier.wait()
            _place(pw, file, CareSetting.RESIDENTIAL, TODAY, facility=facility)
            outcomes.append("placed")
        except ValidationError as exc:
            outcomes.append(exc.message_dict["start_on"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=place, args=(facility,)) for facility in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "placed" and outcomes.count("placed") == 1
    assert Placement.objects.filter(file=file, end_on__isnull=True).count() == 1
