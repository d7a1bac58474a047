"""Care resources through their services: facilities (capacity, staffing ratio, profile, history),
supervision visits and corrective actions, the foster-family pipeline and its campaigns, the
adoption registry; and who sees them (``policies``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from ronda.cases.models import Child
from ronda.core.errors import ConflictError
from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.roles import Role
from ronda.protection import catalogues, occupancy, policies
from ronda.protection.models import (
    AdopterStatus,
    AdoptionAssignment,
    AdoptionKind,
    Alternative,
    AssignmentStatus,
    CareSetting,
    CorrectiveStatus,
    Facility,
    FindingResult,
    FosterFamily,
    FosterStatus,
    FosterStatusChange,
    FosterType,
    Operator,
    Placement,
    PlacementEndReason,
    ProspectiveAdopter,
    ProtectionAction,
    ProtectionFile,
    SupervisionStatus,
    SupportKind,
)
from ronda.protection.services import placements
from ronda.protection.services import resources as svc
from ronda.protection.tests.factories import TODAY, PWorld, act, make_child, make_file, protection_world
from ronda.testing import World, make_user

pytestmark = pytest.mark.django_db

LONG_AGO = TODAY - dt.timedelta(days=3 * 365)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


def messages(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def facility(pw: PWorld, **over: Any) -> Facility:
    fields: dict[str, Any] = {
        "unit": pw.world.region,
        "name": "Casa Hogar Esperanza",
        "operator": Operator.PUBLIC,
        "capacity": 3,
        "licence_number": "LIC-2021-015",
        "register_number": "RNCAS-15-0042",
        "opened_on": LONG_AGO,
    }
    fields.update(over)
    return svc.register_facility(actor=act(pw.state_officer), **fields)


def place_in_facility(pw: PWorld, home: Facility, *, start_on: dt.date, **child: Any) -> Placement:
    """A child of the municipality placed in ``home`` from ``start_on``, through the services (a
    child under three with the supervisor's approved exception)."""
    file = make_file(pw, child=make_child(pw.world, **child), opened_on=start_on)
    officer = act(pw.officer)
    kid = Child.objects.get(pk=file.child_id)
    baby = (kid.age_on(start_on) or 0) < 3
    gatekeeping = placements.record_gatekeeping(
        actor=officer,
        file=file,
        setting=CareSetting.RESIDENTIAL,
        decided_on=start_on,
        alternatives=[Alternative.FAMILY_SUPPORT, Alternative.KINSHIP],
        alternatives_note="La familia extensa no puede recibirla por ahora.",
        necessity="Riesgo inminente en el hogar.",
        suitability="El centro tiene plaza y atiende su edad.",
        decided_by="Procuraduría de Protección",
        under_three_justification="No hay familia de acogida disponible para lactantes." if baby else "",
    )
    if baby:
        gatekeeping = placements.approve_exception(actor=act(pw.supervisor), gatekeeping=gatekeeping)
    return placements.place_child(
        actor=officer,
        file=file,
        setting=CareSetting.RESIDENTIAL,
        start_on=start_on,
        gatekeeping=gatekeeping,
        facility=home,
    )


def born(years: int = 0, days: int = 0) -> dt.date:
    return dt.date(TODAY.year - years, TODAY.month, min(TODAY.day, 28)) - dt.timedelta(days=days)


# --- Facilities ------------------------------------------------------------------------------------------
def test_register_facility_checks_everything_and_audits(pw: PWorld) -> None:
    with pytest.raises(ValidationError) as excinfo:
        facility(pw, capacity=0, licence_number="", min_age=12, max_age=6, operator="church")
    errors = messages(excinfo)
    assert errors["capacity"] == ["The capacity must be at least one child."]
    assert "licence" in errors["licence_number"][0]
    assert errors["max_age"] == ["The oldest age cannot be below the youngest age."]
    assert "operator" in errors
    assert not Facility.objects.exists()

    home = facility(pw)
    assert home.path == pw.world.region.path
    assert AuditEvent.objects.filter(
        target_type="protection.facility", target_id=str(home.pk), action="create"
    ).exists()


def test_facilities_are_shared_within_the_state_only(pw: PWorld) -> None:
    home = facility(pw)
    municipal_officer = act(pw.officer)
    # The municipal officer and supervisor see the state's facility; so does an officer of a
    # neighbouring municipality of the same state (resources are shared within a state).
    assert list(policies.visible_facilities(municipal_officer)) == [home]
    assert list(policies.visible_facilities(act(pw.supervisor))) == [home]
    assert list(policies.visible_facilities(act(pw.world.away[Role.PROTECTION_OFFICER]))) == [home]
    # Officers and supervisors of the other state see none; no other role sees any, home or away.
    other_state = pw.world.other_municipality
    for worker in (Role.PROTECTION_OFFICER, Role.SUPERVISOR):
        outsider = make_user(f"{worker}.b", worker, other_state)
        assert not policies.visible_facilities(act(outsider)).exists()
        assert not policies.visible_staffing(act(outsider)).exists()
    for name, user in [*pw.world.home.items(), *pw.world.away.items()]:
        if name not in (Role.PROTECTION_OFFICER, Role.SUPERVISOR):
            assert not policies.visible_facilities(act(user)).exists(), name
    assert not policies.visible_facilities(act(pw.officer, second_factor=False)).exists()
    with pytest.raises(Http404):
        policies.get_facility(act(make_user("officer.b2", Role.PROTECTION_OFFICER, other_state)), home.pk)
    # Nobody writes outside their state.
    other_country_unit = pw.world.other_municipality
    with pytest.raises(PermissionDenied):
        svc.register_facility(
            actor=municipal_officer,
            unit=other_country_unit,
            name="Casa B",
            operator=Operator.PUBLIC,
            capacity=2,
            licence_number="L",
        )
    with pytest.raises(PermissionDenied):
        svc.update_facility(actor=act(pw.world.home[Role.COORDINATOR]), facility=home, expected_version=1, capacity=9)


def test_capacity_cannot_go_below_the_children_living_there(pw: PWorld) -> None:
    home = facility(pw, capacity=3)
    place_in_facility(pw, home, start_on=TODAY - dt.timedelta(days=20), first_names="Ana")
    place_in_facility(pw, home, start_on=TODAY - dt.timedelta(days=10), first_names="Berta")
    assert occupancy.current_occupancy(home) == 2
    officer = act(pw.state_officer)
    with pytest.raises(ValidationError) as excinfo:
        svc.update_facility(actor=officer, facility=home, expected_version=home.version, capacity=1)
    assert messages(excinfo)["capacity"] == [
        "The capacity cannot be lower than the 2 children living in the facility today."
    ]
    with pytest.raises(ValidationError) as excinfo:
        svc.update_facility(actor=officer, facility=home, expected_version=home.version, is_active=False)
    assert "2 children live there" in messages(excinfo)["__all__"][0]
    assert Facility.objects.get(pk=home.pk).capacity == 3

    updated = svc.update_facility(actor=officer, facility=home, expected_version=home.version, capacity=2)
    assert updated.capacity == 2
    with pytest.raises(ConflictError):
        svc.update_facility(actor=officer, facility=home, expected_version=home.version, capacity=5)


def test_occupancy_counts_current_placements_only(pw: PWorld) -> None:
    home = facility(pw)
    other = facility(pw, name="Casa Hogar del Norte")
    first = place_in_facility(pw, home, start_on=TODAY - dt.timedelta(days=40), first_names="Ana")
    place_in_facility(pw, home, start_on=TODAY - dt.timedelta(days=5), first_names="Berta")
    placements.end_placement(
        actor=act(pw.officer),
        placement=first,
        end_on=TODAY - dt.timedelta(days=2),
        end_reason=PlacementEndReason.REINTEGRATION,
    )
    assert occupancy.current_occupancy(home) == 1
    # On a day in the past both lived there; the day the first left, she no longer counts.
    assert occupancy.current_occupancy(home, TODAY - dt.timedelta(days=3)) == 2
    assert occupancy.current_occupancy(home, TODAY - dt.timedelta(days=2)) == 1
    assert occupancy.occupancy_by_facility([home.pk, other.pk]) == {home.pk: 1, other.pk: 0}
    assert occupancy.free_places(home) == 2


def test_required_carers_follows_the_legal_ratio() -> None:
    assert occupancy.required_carers(0, 0) == 0
    assert occupancy.required_carers(1, 0) == 1
    assert occupancy.required_carers(4, 8) == 2
    assert occupancy.required_carers(5, 9) == 4
    assert occupancy.required_carers(0, 17) == 3


def test_ratio_against_the_children_and_the_latest_staffing(pw: PWorld) -> None:
    home = facility(pw)
    place_in_facility(pw, home, start_on=TODAY - dt.timedelta(days=10), birth_date=born(days=120))
    place_in_facility(pw, home, start_on=TODAY - dt.timedelta(days=10), first_names="Carla", birth_date=born(8))
    ratio = occupancy.staffing_ratio(home)
    assert (ratio.children_under_one, ratio.older, ratio.required) == (1, 1, 2)
    assert ratio.carers is None and ratio.is_met is None

    officer = act(pw.state_officer)
    svc.record_staffing(actor=officer, facility=home, as_of=TODAY - dt.timedelta(days=30), carers=1, professionals=2)
    assert occupancy.staffing_ratio(home).is_met is False
    svc.record_staffing(actor=officer, facility=home, as_of=TODAY, carers=2)
    ratio = occupancy.staffing_ratio(home)
    assert ratio.is_met is True and ratio.carers == 2 and ratio.staffing_as_of == TODAY

    with pytest.raises(ValidationError) as excinfo:
        svc.record_staffing(actor=officer, facility=home, as_of=TODAY + dt.timedelta(days=1), carers=-1)
    assert set(messages(excinfo)) == {"as_of", "carers"}


def test_profile_by_age_band_sex_and_stay(pw: PWorld) -> None:
    home = facility(pw, capacity=5)
    place_in_facility(pw, home, start_on=TODAY - dt.timedelta(days=30), birth_date=born(4), sex="male")
    place_in_facility(pw, home, start_on=TODAY - dt.timedelta(days=10), first_names="Dora", birth_date=born(7))
    place_in_facility(pw, home, start_on=TODAY - dt.timedelta(days=20), first_names="Eva", birth_date=born(15))
    profile = occupancy.facility_profile(home)
    assert profile.occupancy == 3 and profile.free_places == 2
    assert profile.by_age_band == {"0-2": 0, "3-5": 1, "6-11": 1, "12-17": 1}
    assert profile.by_sex == {"male": 1, "female": 2}
    assert profile.stays_days == (10, 20, 30)
    assert profile.median_stay_days == 20
    assert profile.under_three == 0


def test_history_month_by_month(pw: PWorld) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 15, 12, 0), tick=False):
        home = facility(pw, opened_on=dt.date(2024, 1, 1))
        place_in_facility(pw, home, start_on=dt.date(2026, 1, 10), first_names="Ana", birth_date=dt.date(2016, 5, 1))
        second = place_in_facility(
            pw, home, start_on=dt.date(2026, 2, 3), first_names="Berta", birth_date=dt.date(2015, 5, 1)
        )
        placements.end_placement(
            actor=act(pw.officer),
            placement=second,
            end_on=dt.date(2026, 2, 20),
            end_reason=PlacementEndReason.REINTEGRATION,
        )
        history = occupancy.occupancy_history(home, months=3)
    assert [(m.month, m.at_end, m.during, m.entries) for m in history] == [
        (dt.date(2026, 1, 1), 1, 1, 1),
        (dt.date(2026, 2, 1), 1, 2, 1),
        (dt.date(2026, 3, 1), 1, 1, 0),
    ]


# --- Supervision --------------------------------------------------------------------------------------------
def test_supervision_visit_checklist_findings_and_closing(pw: PWorld) -> None:
    catalogues.load("MX", pw.world.country)
    home = facility(pw)
    officer = act(pw.state_officer)
    visit = svc.record_supervision_visit(
        actor=officer, facility=home, visited_on=TODAY - dt.timedelta(days=7), visitors="Equipo de supervisión"
    )
    rows = svc.checklist(visit)
    assert len(rows) == len(catalogues.MEXICO_STANDARDS)
    assert rows[0].finding is None

    with pytest.raises(ValidationError) as excinfo:
        svc.close_supervision_visit(actor=officer, visit=visit, expected_version=visit.version)
    count = len(rows)
    assert messages(excinfo)["__all__"] == [
        f"{count} standards of the checklist have no finding yet: answer them before closing the visit."
    ]
    with pytest.raises(ValidationError) as excinfo:
        svc.record_finding(actor=officer, visit=visit, standard=rows[0].standard, result=FindingResult.NOT_MET)
    assert "note" in messages(excinfo)

    first = svc.record_finding(
        actor=officer, visit=visit, standard=rows[0].standard, result=FindingResult.NOT_MET, note="Licencia vencida."
    )
    for row in rows[1:]:
        svc.record_finding(actor=officer, visit=visit, standard=row.standard, result=FindingResult.MET)
    # Recorded again, the finding is replaced, not duplicated.
    svc.record_finding(
        actor=officer, visit=visit, standard=rows[0].standard, result=FindingResult.PARTLY, note="En trámite."
    )
    assert visit.findings.count() == count

    closed = svc.close_supervision_visit(actor=officer, visit=visit, expected_version=visit.version)
    assert closed.status == SupervisionStatus.CLOSED
    with pytest.raises(ValidationError):
        svc.record_finding(
            actor=officer, visit=closed, standard=rows[1].standard, result=FindingResult.NOT_MET, note="x"
        )

    # A corrective action answers the finding, by a deadline not before the visit.
    with pytest.raises(ValidationError) as excinfo:
        svc.add_corrective_action(
            actor=officer,
            visit=closed,
            finding=first,
            description="Renovar la licencia.",
            due_on=TODAY - dt.timedelta(days=8),
        )
    assert messages(excinfo)["due_on"] == ["The deadline cannot be before the visit."]
    met = closed.findings.get(standard=rows[1].standard)
    with pytest.raises(ValidationError) as excinfo:
        svc.add_corrective_action(actor=officer, visit=closed, finding=met, description="x", due_on=TODAY)
    assert "finding" in messages(excinfo)


def test_corrective_actions_overdue_and_follow_up(pw: PWorld) -> None:
    catalogues.load("MX", pw.world.country)
    home = facility(pw)
    officer = act(pw.state_officer)
    visit = svc.record_supervision_visit(
        actor=officer, facility=home, visited_on=TODAY - dt.timedelta(days=20), visitors="Equipo"
    )
    late = svc.add_corrective_action(
        actor=officer, visit=visit, description="Instalar buzón de quejas.", due_on=TODAY - dt.timedelta(days=1)
    )
    svc.add_corrective_action(actor=officer, visit=visit, description="Capacitar al personal.", due_on=TODAY)
    assert list(svc.overdue_corrective_actions(officer, day=TODAY)) == [late]
    assert not svc.overdue_corrective_actions(act(pw.world.away[Role.ANALYST]), day=TODAY).exists()

    with pytest.raises(ValidationError) as excinfo:
        svc.update_corrective_action(
            actor=officer, action=late, expected_version=late.version, status=CorrectiveStatus.DONE
        )
    assert "done_on" in messages(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        svc.update_corrective_action(
            actor=officer, action=late, expected_version=late.version, status=CorrectiveStatus.NOT_DONE
        )
    assert "follow_up" in messages(excinfo)
    done = svc.update_corrective_action(
        actor=officer, action=late, expected_version=late.version, status=CorrectiveStatus.DONE, done_on=TODAY
    )
    assert done.status == CorrectiveStatus.DONE
    assert not svc.overdue_corrective_actions(officer, day=TODAY).exists()


def test_a_visit_needs_the_country_standards(pw: PWorld) -> None:
    home = facility(pw)
    with pytest.raises(ValidationError) as excinfo:
        svc.record_supervision_visit(actor=act(pw.state_officer), facility=home, visited_on=TODAY, visitors="Equipo")
    assert "catalogue" in messages(excinfo)["__all__"][0]


# --- Foster families -----------------------------------------------------------------------------------------
def family(pw: PWorld, **over: Any) -> FosterFamily:
    fields: dict[str, Any] = {
        "unit": pw.world.municipality,
        "code": "FA-001",
        "type": FosterType.VOLUNTARY,
        "contact_name": "Rosa Villacís",
        "phone": "0991234567",
        "capacity": 2,
        "applied_on": TODAY - dt.timedelta(days=90),
    }
    fields.update(over)
    return svc.register_foster_family(actor=act(pw.officer), **fields)


def approved_family(pw: PWorld, **over: Any) -> FosterFamily:
    fam = family(pw, **over)
    officer = act(pw.officer)
    svc.move_foster_family(
        actor=officer, family=fam, to_status=FosterStatus.EVALUATED, on=TODAY - dt.timedelta(days=60)
    )
    svc.record_training(
        actor=officer, family=fam, topic="Apego y trauma", held_on=TODAY - dt.timedelta(days=40), hours=12
    )
    svc.move_foster_family(actor=officer, family=fam, to_status=FosterStatus.TRAINED, on=TODAY - dt.timedelta(days=30))
    return svc.move_foster_family(
        actor=officer, family=fam, to_status=FosterStatus.APPROVED, on=TODAY - dt.timedelta(days=20)
    )


def test_foster_pipeline_allows_only_its_moves(pw: PWorld) -> None:
    fam = family(pw)
    officer = act(pw.officer)
    assert fam.status == FosterStatus.APPLICANT
    with pytest.raises(ValidationError) as excinfo:
        svc.move_foster_family(actor=officer, family=fam, to_status=FosterStatus.APPROVED, on=TODAY)
    assert messages(excinfo)["to_status"] == ["A family cannot go from “Applicant” to “Approved”."]
    svc.move_foster_family(
        actor=officer, family=fam, to_status=FosterStatus.EVALUATED, on=TODAY - dt.timedelta(days=60)
    )
    with pytest.raises(ValidationError) as excinfo:
        svc.move_foster_family(actor=officer, family=fam, to_status=FosterStatus.TRAINED, on=TODAY)
    assert messages(excinfo)["to_status"] == ["Record the family's training before marking it as trained."]
    with pytest.raises(ValidationError) as excinfo:
        svc.move_foster_family(
            actor=officer, family=fam, to_status=FosterStatus.CLOSED, on=TODAY - dt.timedelta(days=61)
        )
    assert messages(excinfo)["on"] == ["The change cannot be before the family's current status began."]
    assert "note" in messages(excinfo)

    fam = approved_family(pw, code="FA-002")
    with pytest.raises(ValidationError) as excinfo:
        svc.move_foster_family(actor=officer, family=fam, to_status=FosterStatus.ACTIVE, on=TODAY)
    assert "placement" in messages(excinfo)["to_status"][0]
    svc.move_foster_family(actor=officer, family=fam, to_status=FosterStatus.PAUSED, on=TODAY, note="Mudanza.")
    fam = svc.move_foster_family(actor=officer, family=fam, to_status=FosterStatus.APPROVED, on=TODAY)
    fam = svc.move_foster_family(actor=officer, family=fam, to_status=FosterStatus.CLOSED, on=TODAY, note="Renuncia.")
    with pytest.raises(ValidationError):
        svc.move_foster_family(actor=officer, family=fam, to_status=FosterStatus.APPROVED, on=TODAY)
    history = list(FosterStatusChange.objects.filter(family=fam).values_list("from_status", "to_status"))
    assert history == [
        ("", "applicant"),
        ("applicant", "evaluated"),
        ("evaluated", "trained"),
        ("trained", "approved"),
        ("approved", "paused"),
        ("paused", "approved"),
        ("approved", "closed"),
    ]
    assert AuditEvent.objects.filter(action=ProtectionAction.FOSTER_STATUS, target_id=str(fam.pk)).count() == 6


def test_family_record_keeps_contacts_out_of_the_trail(pw: PWorld) -> None:
    fam = family(pw)
    event = AuditEvent.objects.get(target_type="protection.fosterfamily", target_id=str(fam.pk), action="create")
    assert "Rosa" not in str(event.changes) and "0991234567" not in str(event.changes)
    # Reading the record is logged; the other country's officer does not reach it.
    assert policies.get_foster_family(act(pw.state_officer), fam.pk) == fam
    assert AccessEvent.objects.filter(target_type="protection.fosterfamily", target_id=str(fam.pk)).count() == 1
    assert not policies.visible_foster_families(act(pw.world.away[Role.ANALYST])).exists()
    with pytest.raises(ValidationError) as excinfo:
        family(pw, capacity=0, min_age=20)
    assert set(messages(excinfo)) >= {"code", "capacity", "min_age"}


def test_placements_set_and_clear_caring_for_a_child(pw: PWorld) -> None:
    fam = approved_family(pw, capacity=1)
    file = make_file(pw, opened_on=TODAY - dt.timedelta(days=15))
    officer = act(pw.officer)
    gatekeeping = placements.record_gatekeeping(
        actor=officer,
        file=file,
        setting=CareSetting.VOLUNTARY_FOSTER,
        decided_on=TODAY - dt.timedelta(days=10),
        alternatives=[Alternative.KINSHIP],
        alternatives_note="Sin familia extensa disponible.",
        necessity="Riesgo en el hogar.",
        suitability="Familia aprobada con plaza.",
        decided_by="Procuraduría de Protección",
    )
    placement = placements.place_child(
        actor=officer,
        file=file,
        setting=CareSetting.VOLUNTARY_FOSTER,
        start_on=TODAY - dt.timedelta(days=10),
        gatekeeping=gatekeeping,
        foster_family=fam,
    )
    fam = svc.sync_family_activity(fam, actor=officer, on=placement.start_on)
    assert fam.status == FosterStatus.ACTIVE
    with pytest.raises(ValidationError) as excinfo:
        svc.move_foster_family(actor=officer, family=fam, to_status=FosterStatus.CLOSED, on=TODAY, note="Fin.")
    assert "1 child" in messages(excinfo)["to_status"][0]
    with pytest.raises(ValidationError):
        svc.update_foster_family(actor=officer, family=fam, expected_version=fam.version, capacity=0)

    placements.end_placement(
        actor=officer, placement=placement, end_on=TODAY, end_reason=PlacementEndReason.REINTEGRATION
    )
    fam = svc.sync_family_activity(fam, actor=officer)
    assert fam.status == FosterStatus.APPROVED
    assert list(FosterStatusChange.objects.filter(family=fam).values_list("to_status", flat=True))[-2:] == [
        "active",
        "approved",
    ]


def test_training_support_and_campaign_yield(pw: PWorld) -> None:
    officer = act(pw.officer)
    with pytest.raises(ValidationError) as excinfo:
        svc.create_campaign(
            actor=officer, unit=pw.world.municipality, name="", start_on=TODAY, end_on=TODAY - dt.timedelta(days=1)
        )
    assert set(messages(excinfo)) == {"name", "end_on"}
    campaign = svc.create_campaign(
        actor=officer, unit=pw.world.municipality, name="Familias que abrazan", start_on=TODAY - dt.timedelta(days=120)
    )
    approved_family(pw, code="FA-010", campaign=campaign)
    family(pw, code="FA-011", campaign=campaign)
    family(pw, code="FA-012")
    with pytest.raises(ValidationError) as excinfo:
        family(pw, code="FA-013", campaign=campaign, applied_on=TODAY - dt.timedelta(days=200))
    assert "applied_on" in messages(excinfo)

    [row] = svc.campaign_yield(officer)
    assert (row.campaign, row.families, row.approved) == (campaign, 2, 1)

    fam = FosterFamily.objects.get(code="FA-011")
    with pytest.raises(ValidationError) as excinfo:
        svc.record_training(actor=officer, family=fam, topic="", held_on=TODAY, hours=Decimal("0"))
    assert set(messages(excinfo)) == {"topic", "hours"}
    support = svc.record_support(
        actor=officer, family=fam, kind=SupportKind.PSYCHOLOGICAL, given_on=TODAY, note="Sesión."
    )
    assert support.family == fam
    with pytest.raises(PermissionDenied):
        svc.record_support(actor=act(pw.world.home[Role.DEFENDER]), family=fam, kind=SupportKind.VISIT, given_on=TODAY)


# --- Adopters ------------------------------------------------------------------------------------------------
def adopter(pw: PWorld, **over: Any) -> ProspectiveAdopter:
    fields: dict[str, Any] = {
        "unit": pw.world.region,
        "code": "AD-001",
        "kind": AdoptionKind.NATIONAL,
        "applicant_names": "Marta Ruiz y Julián Pérez",
        "applied_on": TODAY - dt.timedelta(days=400),
        "min_age": 5,
        "max_age": 12,
    }
    fields.update(over)
    return svc.register_adopter(actor=act(pw.state_officer), **fields)


def suitable(pw: PWorld, record: ProspectiveAdopter, on: dt.date) -> ProspectiveAdopter:
    officer = act(pw.state_officer)
    svc.move_adopter(actor=officer, adopter=record, to_status=AdopterStatus.STUDY, on=on - dt.timedelta(days=60))
    svc.move_adopter(actor=officer, adopter=record, to_status=AdopterStatus.TRAINING, on=on - dt.timedelta(days=30))
    return svc.move_adopter(actor=officer, adopter=record, to_status=AdopterStatus.SUITABLE, on=on)


def test_adopter_suitability_is_valid_two_years(pw: PWorld) -> None:
    record = adopter(pw)
    officer = act(pw.state_officer)
    with pytest.raises(ValidationError) as excinfo:
        svc.move_adopter(actor=officer, adopter=record, to_status=AdopterStatus.SUITABLE, on=TODAY)
    assert "cannot go from" in messages(excinfo)["to_status"][0]
    with pytest.raises(ValidationError):
        svc.move_adopter(actor=officer, adopter=record, to_status=AdopterStatus.ASSIGNED, on=TODAY)
    declared = TODAY - dt.timedelta(days=100)
    record = suitable(pw, record, declared)
    assert record.suitable_on == declared and record.training_done_on == declared
    assert record.valid_until == dt.date(declared.year + 2, declared.month, declared.day) or (
        (declared.month, declared.day) == (2, 29) and record.valid_until == dt.date(declared.year + 2, 2, 28)
    )
    assert svc.add_years(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)
    assert svc.suitability_is_valid(record)
    assert not svc.expired_suitabilities(officer).exists()
    later = record.valid_until + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(later, dt.time(12)), tick=False):
        assert not svc.suitability_is_valid(record)
        assert list(svc.expired_suitabilities(officer)) == [record]
    with pytest.raises(ValidationError) as excinfo:
        adopter(pw, code="AD-001", kind=AdoptionKind.INTERNATIONAL)
    assert set(messages(excinfo)) == {"code", "country_of_residence"}


def test_propose_and_decide_an_adoption(pw: PWorld) -> None:
    record = suitable(pw, adopter(pw), TODAY - dt.timedelta(days=10))
    file = make_file(pw, office=pw.state_office)  # a girl of 9, held by the state office
    officer = act(pw.state_officer)
    with pytest.raises(ValidationError) as excinfo:
        svc.propose_adoption(actor=officer, file=file, adopter=record, reasons="Perfil compatible.")
    assert "declared adoptable" in messages(excinfo)["__all__"][0]
    file = svc.declare_adoptable(
        actor=officer,
        file=file,
        declared_on=TODAY - dt.timedelta(days=5),
        ruling="Juzgado 3.º de lo Familiar, 123/2026",
    )
    # A municipal officer of another municipality cannot reach the state's file.
    with pytest.raises(PermissionDenied):
        svc.propose_adoption(actor=act(pw.world.away[Role.PROTECTION_OFFICER]), file=file, adopter=record, reasons="x")
    with pytest.raises(ValidationError) as excinfo:
        svc.propose_adoption(actor=officer, file=file, adopter=record, reasons="Grupo.", siblings=1)
    assert messages(excinfo)["adopter"] == ["The applicants' profile does not include a group of siblings."]

    assignment = svc.propose_adoption(actor=officer, file=file, adopter=record, reasons="Perfil compatible.")
    assert ProspectiveAdopter.objects.get(pk=record.pk).status == AdopterStatus.ASSIGNED
    assert AuditEvent.objects.filter(action=ProtectionAction.ADOPTION_ASSIGNED, target_id=str(assignment.pk)).exists()
    other = suitable(pw, adopter(pw, code="AD-002"), TODAY - dt.timedelta(days=3))
    with pytest.raises(ValidationError) as excinfo:
        svc.propose_adoption(actor=officer, file=file, adopter=other, reasons="Otra.")
    assert messages(excinfo)["__all__"] == ["The child already has an adoption proposal in progress."]

    withdrawn = svc.decide_adoption(
        actor=officer, assignment=assignment, decision=AssignmentStatus.WITHDRAWN, expected_version=assignment.version
    )
    assert withdrawn.status == AssignmentStatus.WITHDRAWN
    assert ProspectiveAdopter.objects.get(pk=record.pk).status == AdopterStatus.SUITABLE
    with pytest.raises(ValidationError):
        svc.decide_adoption(
            actor=officer, assignment=withdrawn, decision=AssignmentStatus.ACCEPTED, expected_version=withdrawn.version
        )
    second = svc.propose_adoption(actor=officer, file=file, adopter=other, reasons="Vínculo favorable.")
    second = svc.decide_adoption(
        actor=officer, assignment=second, decision=AssignmentStatus.ACCEPTED, expected_version=second.version
    )
    svc.decide_adoption(
        actor=officer, assignment=second, decision=AssignmentStatus.COMPLETED, expected_version=second.version
    )
    assert ProspectiveAdopter.objects.get(pk=other.pk).status == AdopterStatus.CLOSED
    assert AdoptionAssignment.objects.filter(file=file).count() == 2
    assert ProtectionFile.objects.get(pk=file.pk).declared_adoptable_on == TODAY - dt.timedelta(days=5)


def test_an_expired_suitability_cannot_be_proposed(pw: PWorld) -> None:
    with time_machine.travel(dt.datetime.combine(TODAY - dt.timedelta(days=800), dt.time(12)), tick=False):
        record = adopter(pw, applied_on=TODAY - dt.timedelta(days=900))
        record = suitable(pw, record, TODAY - dt.timedelta(days=800))
    file = make_file(pw, office=pw.state_office)
    officer = act(pw.state_officer)
    file = svc.declare_adoptable(actor=officer, file=file, declared_on=TODAY, ruling="Juzgado 1.º, 9/2026")
    with pytest.raises(ValidationError) as excinfo:
        svc.propose_adoption(actor=officer, file=file, adopter=record, reasons="Perfil compatible.")
    assert "expired" in messages(excinfo)["adopter"][0]
    # Studied again, it is suitable for two more years.
    record = svc.move_adopter(actor=officer, adopter=record, to_status=AdopterStatus.STUDY, on=TODAY)
    assert record.valid_until is None
