"""The pages of the care resources: facilities (occupancy, ratio, profile in counts, supervision
checklist and corrective actions), the foster-family bank and its campaigns, the adoption registry.

Resources are shared within a state: the "away" officer and supervisor of the world sit in a
neighbouring municipality of the same state and see them too; an officer of another state does not.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.core.errors import ConflictError
from ronda.core.formatting import percent
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.protection.models import (
    AdopterStatus,
    AdoptionKind,
    CareSetting,
    CorrectiveAction,
    CorrectiveStatus,
    Facility,
    FacilityStaffing,
    FindingResult,
    FosterFamily,
    FosterStatus,
    FosterSupport,
    FosterTraining,
    FosterType,
    Operator,
    ProspectiveAdopter,
    RecruitmentCampaign,
    StandardItem,
    SupervisionFinding,
    SupervisionStatus,
    SupervisionVisit,
)
from ronda.protection.services import placements
from ronda.protection.services import resources as services
from ronda.protection.tests.factories import TODAY, PWorld, act, make_child, make_file, protection_world
from ronda.testing import World, assert_queries_do_not_grow, check_access_matrix, login, make_user

pytestmark = pytest.mark.django_db

READERS = {"protection_officer": 200, "supervisor": 200}
WRITERS = {"protection_officer": 302, "supervisor": 302}
_codes = itertools.count(1)


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


def _rows(model: Any) -> Any:
    return lambda: sorted(
        model.objects.values_list("pk", "version") if hasattr(model, "version") else model.objects.values_list("pk")
    )


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


def _facility(pw: PWorld, **over: Any) -> Facility:
    fields: dict[str, Any] = {
        "unit": pw.world.region,
        "name": "Casa Hogar Esperanza",
        "operator": Operator.PUBLIC,
        "capacity": 10,
        "licence_number": "LIC-2024-17",
        "opened_on": TODAY - dt.timedelta(days=900),
    }
    fields.update(over)
    return services.register_facility(actor=act(pw.state_officer), **fields)


def _standards(world: World) -> list[StandardItem]:
    return [
        StandardItem.objects.create(
            country=world.country, code="PAI", text="Plan de atención individual por niño", group="Atención", order=1
        ),
        StandardItem.objects.create(
            country=world.country, code="ESC", text="Todos los niños asisten a la escuela", group="Atención", order=2
        ),
        StandardItem.objects.create(
            country=world.country, code="QUE", text="Mecanismo de quejas accesible", group="Derechos", order=3
        ),
    ]


def _visit(pw: PWorld, facility: Facility, **over: Any) -> SupervisionVisit:
    fields: dict[str, Any] = {"visited_on": TODAY - dt.timedelta(days=20), "visitors": "Lic. Torres, Mtra. Ruiz"}
    fields.update(over)
    return services.record_supervision_visit(actor=act(pw.state_officer), facility=facility, **fields)


def _family(pw: PWorld, **over: Any) -> FosterFamily:
    fields: dict[str, Any] = {
        "unit": pw.world.municipality,
        "code": f"FA-{next(_codes):03}",
        "type": FosterType.VOLUNTARY,
        "contact_name": "Rosa Elena Hernández",
        "phone": "246 555 0101",
        "capacity": 2,
        "applied_on": TODAY - dt.timedelta(days=60),
    }
    fields.update(over)
    return services.register_foster_family(actor=act(pw.officer), **fields)


def _approved_family(pw: PWorld, **over: Any) -> FosterFamily:
    family = _family(pw, **over)
    actor = act(pw.officer)
    on = TODAY - dt.timedelta(days=50)
    services.move_foster_family(actor=actor, family=family, to_status=FosterStatus.EVALUATED, on=on)
    services.record_training(actor=actor, family=family, topic="Apego y trauma", held_on=on, hours=Decimal("8"))
    services.move_foster_family(actor=actor, family=family, to_status=FosterStatus.TRAINED, on=on)
    services.move_foster_family(actor=actor, family=family, to_status=FosterStatus.APPROVED, on=on)
    family.refresh_from_db()
    return family


def _adopter(pw: PWorld, **over: Any) -> ProspectiveAdopter:
    fields: dict[str, Any] = {
        "unit": pw.world.region,
        "code": f"AD-{next(_codes):03}",
        "kind": AdoptionKind.NATIONAL,
        "applicant_names": "Jorge Méndez y Laura Ibarra",
        "contact": "laura@example.org",
        "applied_on": TODAY - dt.timedelta(days=400),
    }
    fields.update(over)
    return services.register_adopter(actor=act(pw.state_officer), **fields)


def _place_in(pw: PWorld, facility: Facility, **child: Any) -> None:
    """A child living in the facility since 40 days ago (gatekeeping first, as the service asks)."""
    file = make_file(pw, child=make_child(pw.world, **child), opened_on=TODAY - dt.timedelta(days=45))
    actor = act(pw.officer)
    start = TODAY - dt.timedelta(days=40)
    placements.record_gatekeeping(
        actor=actor,
        file=file,
        setting=CareSetting.RESIDENTIAL,
        decided_on=start,
        alternatives=["family_support"],
        alternatives_note="La familia no aceptó el apoyo ofrecido.",
        necessity="Riesgo grave en el hogar.",
        suitability="El centro atiende a niñas de su edad.",
        decided_by="Procuradora de Protección",
    )
    placements.place_child(actor=actor, file=file, setting=CareSetting.RESIDENTIAL, start_on=start, facility=facility)


# --- Access matrices: facilities ------------------------------------------------------------------------------
def test_facility_list_and_detail(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    check_access_matrix(world, url=reverse("protection:facility_list"), expected=only(READERS), away=READERS)
    check_access_matrix(
        world, url=reverse("protection:facility_detail", args=[facility.pk]), expected=only(READERS), away=READERS
    )


def test_facility_new(world: World, pw: PWorld) -> None:
    url = reverse("protection:facility_new")
    check_access_matrix(world, url=url, expected=only(READERS), away=READERS)

    def data(_w: World) -> dict[str, Any]:
        return {
            "name": f"Albergue {next(_codes)}",
            "unit": world.municipality.pk,
            "operator": Operator.CIVIL_SOCIETY,
            "licence_number": "LIC-9",
            "capacity": 12,
            "min_age": 6,
            "max_age": 17,
        }

    check_access_matrix(
        world, url=url, method="post", data=data, expected=only(WRITERS), away=WRITERS, state=_rows(Facility)
    )
    assert Facility.objects.filter(unit=world.municipality, capacity=12).count() == 4


def test_facility_edit(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    url = reverse("protection:facility_edit", args=[facility.pk])
    check_access_matrix(world, url=url, expected=only(READERS), away=READERS)

    def data(_w: World) -> dict[str, Any]:
        facility.refresh_from_db()
        return {
            "name": "Casa Hogar Esperanza",
            "operator": Operator.PUBLIC,
            "licence_number": "LIC-2024-17",
            "capacity": 14,
            "min_age": 0,
            "max_age": 17,
            "is_active": "on",
            "version": facility.version,
        }

    check_access_matrix(
        world, url=url, method="post", data=data, expected=only(WRITERS), away=WRITERS, state=_rows(Facility)
    )
    facility.refresh_from_db()
    assert facility.capacity == 14


def test_facility_staffing(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    url = reverse("protection:facility_staffing", args=[facility.pk])
    check_access_matrix(world, url=url, expected=only(READERS), away=READERS)
    data = {"as_of": TODAY.isoformat(), "carers": 3, "professionals": 1}
    check_access_matrix(
        world, url=url, method="post", data=data, expected=only(WRITERS), away=WRITERS, state=_rows(FacilityStaffing)
    )
    assert FacilityStaffing.objects.filter(facility=facility, carers=3).count() == 4


def test_supervision_new_and_detail(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    standards = _standards(world)
    url = reverse("protection:supervision_new", args=[facility.pk])
    check_access_matrix(world, url=url, expected=only(READERS), away=READERS)
    data = {"visited_on": TODAY.isoformat(), "visitors": "Comisión estatal"}
    check_access_matrix(
        world, url=url, method="post", data=data, expected=only(WRITERS), away=WRITERS, state=_rows(SupervisionVisit)
    )
    visit = SupervisionVisit.objects.filter(facility=facility).order_by("id").first()
    assert visit is not None
    detail = reverse("protection:supervision_detail", args=[visit.pk])
    check_access_matrix(world, url=detail, expected=only(READERS), away=READERS)
    answers = {"do": "lista"} | {f"lista-result_{s.pk}": FindingResult.MET for s in standards}
    check_access_matrix(
        world,
        url=detail,
        method="post",
        data=answers,
        expected=only(WRITERS),
        away=WRITERS,
        state=_rows(SupervisionFinding),
    )
    assert SupervisionFinding.objects.filter(visit=visit, result=FindingResult.MET).count() == 3


def test_corrective_edit(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    _standards(world)
    visit = _visit(pw, facility)
    action = services.add_corrective_action(
        actor=act(pw.state_officer), visit=visit, description="Instalar buzón de quejas.", due_on=TODAY
    )
    url = reverse("protection:corrective_edit", args=[action.pk])
    check_access_matrix(world, url=url, expected=only(READERS), away=READERS)

    def data(_w: World) -> dict[str, Any]:
        action.refresh_from_db()
        return {"status": CorrectiveStatus.DONE, "done_on": TODAY.isoformat(), "version": action.version}

    check_access_matrix(
        world, url=url, method="post", data=data, expected=only(WRITERS), away=WRITERS, state=_rows(CorrectiveAction)
    )
    action.refresh_from_db()
    assert action.status == CorrectiveStatus.DONE


# --- Access matrices: foster families and campaigns --------------------------------------------------------------
def test_family_list_new_and_detail(world: World, pw: PWorld) -> None:
    family = _family(pw)
    check_access_matrix(world, url=reverse("protection:family_list"), expected=only(READERS), away=READERS)
    new = reverse("protection:family_new")
    check_access_matrix(world, url=new, expected=only(READERS), away=READERS)

    def data(_w: World) -> dict[str, Any]:
        return {
            "code": f"FN-{next(_codes):03}",
            "unit": world.municipality.pk,
            "type": FosterType.KINSHIP,
            "capacity": 1,
            "min_age": 0,
            "max_age": 17,
            "contact_name": "Familia Cruz",
            "applied_on": TODAY.isoformat(),
        }

    check_access_matrix(
        world, url=new, method="post", data=data, expected=only(WRITERS), away=WRITERS, state=_rows(FosterFamily)
    )
    assert FosterFamily.objects.filter(type=FosterType.KINSHIP).count() == 4
    check_access_matrix(
        world,
        url=reverse("protection:family_detail", args=[family.pk]),
        expected=only(READERS),
        away=READERS,
        personal=True,
    )


def test_family_move(world: World, pw: PWorld) -> None:
    family = _family(pw)
    services.record_training(
        actor=act(pw.officer), family=family, topic="Derechos de la niñez", held_on=TODAY, hours=Decimal("4")
    )
    nexts = {
        FosterStatus.APPLICANT: FosterStatus.EVALUATED,
        FosterStatus.EVALUATED: FosterStatus.TRAINED,
        FosterStatus.TRAINED: FosterStatus.APPROVED,
        FosterStatus.APPROVED: FosterStatus.PAUSED,
        FosterStatus.PAUSED: FosterStatus.APPROVED,
    }

    def data(_w: World) -> dict[str, Any]:
        family.refresh_from_db()
        return {
            "mover-to_status": nexts[FosterStatus(family.status)],
            "mover-on": TODAY.isoformat(),
            "mover-note": "Acordado en comité.",
            "mover-version": family.version,
        }

    check_access_matrix(
        world,
        url=reverse("protection:family_move", args=[family.pk]),
        method="post",
        data=data,
        expected=only(WRITERS),
        away=WRITERS,
        state=_rows(FosterFamily),
    )
    family.refresh_from_db()
    assert family.status == FosterStatus.PAUSED  # four moves, one per officer and supervisor
    assert family.status_changes.count() == 5


def test_family_training_and_support(world: World, pw: PWorld) -> None:
    family = _family(pw)
    check_access_matrix(
        world,
        url=reverse("protection:family_training", args=[family.pk]),
        method="post",
        data={"formacion-topic": "Crianza positiva", "formacion-held_on": TODAY.isoformat(), "formacion-hours": "6"},
        expected=only(WRITERS),
        away=WRITERS,
        state=_rows(FosterTraining),
    )
    assert FosterTraining.objects.filter(family=family).count() == 4
    check_access_matrix(
        world,
        url=reverse("protection:family_support", args=[family.pk]),
        method="post",
        data={"apoyo-kind": "psychological", "apoyo-given_on": TODAY.isoformat()},
        expected=only(WRITERS),
        away=WRITERS,
        state=_rows(FosterSupport),
    )
    assert FosterSupport.objects.filter(family=family).count() == 4


def test_campaign_list(world: World, pw: PWorld) -> None:
    url = reverse("protection:campaign_list")
    check_access_matrix(world, url=url, expected=only(READERS), away=READERS)
    data = {"name": "Familias que abrazan", "unit": world.region.pk, "start_on": TODAY.isoformat()}
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=only(WRITERS),
        away=WRITERS,
        state=_rows(RecruitmentCampaign),
    )
    assert RecruitmentCampaign.objects.filter(name="Familias que abrazan").count() == 4


# --- Access matrices: adopters ---------------------------------------------------------------------------------------
def test_adopter_list_new_detail_and_move(world: World, pw: PWorld) -> None:
    adopter = _adopter(pw)
    check_access_matrix(world, url=reverse("protection:adopter_list"), expected=only(READERS), away=READERS)
    new = reverse("protection:adopter_new")
    check_access_matrix(world, url=new, expected=only(READERS), away=READERS)

    def data(_w: World) -> dict[str, Any]:
        return {
            "code": f"AN-{next(_codes):03}",
            "unit": world.region.pk,
            "kind": AdoptionKind.NATIONAL,
            "applicant_names": "Pareja Solís",
            "applied_on": TODAY.isoformat(),
            "min_age": 0,
            "max_age": 6,
        }

    check_access_matrix(
        world, url=new, method="post", data=data, expected=only(WRITERS), away=WRITERS, state=_rows(ProspectiveAdopter)
    )
    assert ProspectiveAdopter.objects.filter(applicant_names="Pareja Solís").count() == 4
    check_access_matrix(
        world,
        url=reverse("protection:adopter_detail", args=[adopter.pk]),
        expected=only(READERS),
        away=READERS,
        personal=True,
    )
    nexts = {
        AdopterStatus.APPLIED: AdopterStatus.STUDY,
        AdopterStatus.STUDY: AdopterStatus.TRAINING,
        AdopterStatus.TRAINING: AdopterStatus.SUITABLE,
        AdopterStatus.SUITABLE: AdopterStatus.STUDY,
    }

    def move(_w: World) -> dict[str, Any]:
        adopter.refresh_from_db()
        return {
            "mover-to_status": nexts[AdopterStatus(adopter.status)],
            "mover-on": TODAY.isoformat(),
            "mover-version": adopter.version,
        }

    check_access_matrix(
        world,
        url=reverse("protection:adopter_move", args=[adopter.pk]),
        method="post",
        data=move,
        expected=only(WRITERS),
        away=WRITERS,
        state=_rows(ProspectiveAdopter),
    )
    adopter.refresh_from_db()
    assert adopter.status == AdopterStatus.STUDY  # applied → study → training → suitable → study again
    assert adopter.valid_until is None


# --- Another state ----------------------------------------------------------------------------------------------------
def test_an_officer_of_another_state_sees_none_of_the_resources(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    family = _family(pw)
    adopter = _adopter(pw)
    stranger = make_user("protection_officer.state_b", Role.PROTECTION_OFFICER, world.other_municipality.parent)
    client = login(Client(), stranger)
    for name, target in (("facility_detail", facility), ("family_detail", family), ("adopter_detail", adopter)):
        assert client.get(reverse(f"protection:{name}", args=[target.pk])).status_code == 404
    assert facility.name not in client.get(reverse("protection:facility_list")).content.decode()
    assert family.code not in client.get(reverse("protection:family_list")).content.decode()
    assert adopter.code not in client.get(reverse("protection:adopter_list")).content.decode()
    assert not AccessEvent.objects.filter(actor=stranger).exists()


# --- Facilities: what the pages say ----------------------------------------------------------------------------------
def test_the_list_shows_occupancy_ratio_last_visit_and_overdue_actions(world: World, pw: PWorld) -> None:
    facility = _facility(pw, capacity=4)
    _standards(world)
    _place_in(pw, facility, first_names="Valentina", paternal_surname="Zamora")
    visit = _visit(pw, facility)
    services.add_corrective_action(
        actor=act(pw.state_officer), visit=visit, description="Contratar cuidadora nocturna.", due_on=TODAY
    )
    with time_machine.travel(TODAY + dt.timedelta(days=3), tick=False):
        client = login(Client(), pw.officer)  # a municipal officer sees the state's centre
        page = client.get(reverse("protection:facility_list")).content.decode()
    assert "Casa Hogar Esperanza" in page
    assert percent(25) in page  # one child in four places
    assert escape(_("No staffing record")) in page
    assert visit.visited_on.strftime("%d/%m/%Y") in page
    assert 'class="badge warn">1<' in page  # one overdue corrective action
    assert "Valentina" not in page and "Zamora" not in page


def test_the_ratio_is_met_or_not_against_the_latest_staffing(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    for _n in range(9):
        _place_in(pw, facility)
    client = login(Client(), pw.state_officer)
    services.record_staffing(actor=act(pw.state_officer), facility=facility, as_of=TODAY, carers=1)
    assert escape(_("Ratio not met")) in client.get(reverse("protection:facility_list")).content.decode()
    services.record_staffing(actor=act(pw.state_officer), facility=facility, as_of=TODAY, carers=2)
    assert escape(_("Ratio met")) in client.get(reverse("protection:facility_list")).content.decode()


def test_the_list_does_not_grow_queries_with_facilities(world: World, pw: PWorld) -> None:
    client = login(Client(), pw.state_officer)

    def add(n: int) -> None:
        for _n in range(n):
            facility = _facility(pw, name=f"Centro {next(_codes)}")
            services.record_staffing(actor=act(pw.state_officer), facility=facility, as_of=TODAY, carers=2)

    assert_queries_do_not_grow(client, reverse("protection:facility_list"), add, ceiling=20)


def test_the_profile_counts_children_and_never_names_them(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    _place_in(pw, facility, first_names="Valentina", paternal_surname="Zamora", sex="female")
    _place_in(pw, facility, first_names="Mateo", paternal_surname="Quiroz", sex="male")
    page = login(Client(), pw.officer).get(reverse("protection:facility_detail", args=[facility.pk])).content.decode()
    for name in ("Valentina", "Zamora", "Mateo", "Quiroz"):
        assert name not in page
    assert escape(_("Less than 3 months")) in page
    assert escape(_("Occupancy by month")) in page


def test_capacity_below_the_children_living_there_is_refused(world: World, pw: PWorld) -> None:
    facility = _facility(pw, capacity=3)
    _place_in(pw, facility)
    _place_in(pw, facility)
    client = login(Client(), pw.state_officer)
    response = client.post(
        reverse("protection:facility_edit", args=[facility.pk]),
        {
            "name": facility.name,
            "operator": facility.operator,
            "licence_number": facility.licence_number,
            "capacity": 1,
            "min_age": 0,
            "max_age": 17,
            "is_active": "on",
            "version": facility.version,
        },
    )
    assert response.status_code == 200
    expected = ngettext(
        "The capacity cannot be lower than the %(count)s child living in the facility today.",
        "The capacity cannot be lower than the %(count)s children living in the facility today.",
        2,
    )
    assert escape(expected % {"count": 2}) in response.content.decode()
    facility.refresh_from_db()
    assert facility.capacity == 3


def test_a_stale_facility_edit_is_refused(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    stale = facility.version
    services.update_facility(actor=act(pw.state_officer), facility=facility, expected_version=stale, capacity=11)
    client = login(Client(), pw.officer)
    response = client.post(
        reverse("protection:facility_edit", args=[facility.pk]),
        {
            "name": "Casa Hogar Nueva Esperanza",
            "operator": Operator.PUBLIC,
            "licence_number": "LIC-2024-17",
            "capacity": 8,
            "min_age": 0,
            "max_age": 17,
            "is_active": "on",
            "version": stale,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert str(ConflictError.message).split(".")[0] in page
    assert "Casa Hogar Nueva Esperanza" in page  # what they typed stays
    facility.refresh_from_db()
    assert (facility.name, facility.capacity) == ("Casa Hogar Esperanza", 11)


def test_a_future_staffing_date_is_refused_in_spanish(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    client = login(Client(), pw.state_officer)
    response = client.post(
        reverse("protection:facility_staffing", args=[facility.pk]),
        {"as_of": (TODAY + dt.timedelta(days=2)).isoformat(), "carers": 2, "professionals": 0},
    )
    assert response.status_code == 200
    assert escape(_("The date cannot be in the future.")) in response.content.decode()
    assert not FacilityStaffing.objects.exists()


# --- Supervision: the checklist -------------------------------------------------------------------------------------
def test_the_checklist_groups_standards_and_refuses_a_not_met_without_note(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    pai, esc, que = _standards(world)
    visit = _visit(pw, facility)
    client = login(Client(), pw.state_officer)
    url = reverse("protection:supervision_detail", args=[visit.pk])
    page = client.get(url).content.decode()
    assert page.count('class="checklist-group"') == 2  # Atención, Derechos
    assert page.count('type="radio"') == 3 * 4  # met, partly, not met, not applicable per standard
    response = client.post(
        url,
        {
            "do": "lista",
            f"lista-result_{pai.pk}": FindingResult.MET,
            f"lista-result_{esc.pk}": FindingResult.NOT_MET,
            f"lista-note_{esc.pk}": "",
        },
    )
    assert response.status_code == 200
    assert escape(_("Write what was found: a standard not fully met needs a note.")) in response.content.decode()
    assert not SupervisionFinding.objects.filter(visit=visit).exists()  # nothing half-saved

    # Closing with a standard unanswered is refused; answered, the visit closes.
    client.post(
        url,
        {
            "do": "lista",
            f"lista-result_{pai.pk}": FindingResult.MET,
            f"lista-result_{esc.pk}": FindingResult.NOT_MET,
            f"lista-note_{esc.pk}": "Tres niñas sin inscripción.",
        },
    )
    visit.refresh_from_db()
    response = client.post(url, {"do": "cierre", "cierre-version": visit.version})
    assert response.status_code == 200
    missing = ngettext(
        "%(count)s standard of the checklist has no finding yet: answer it before closing the visit.",
        "%(count)s standards of the checklist have no finding yet: answer them before closing the visit.",
        1,
    )
    assert missing % {"count": 1} in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == SupervisionStatus.DRAFT
    client.post(url, {"do": "lista", f"lista-result_{que.pk}": FindingResult.NOT_APPLICABLE})
    visit.refresh_from_db()
    response = client.post(url, {"do": "cierre", "cierre-version": visit.version})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == SupervisionStatus.CLOSED
    page = client.get(url).content.decode()
    assert "Tres niñas sin inscripción." in page
    assert 'type="radio"' not in page  # a closed visit's findings no longer change


def test_a_corrective_action_is_added_from_the_visit(world: World, pw: PWorld) -> None:
    facility = _facility(pw)
    _pai, esc, _que = _standards(world)
    visit = _visit(pw, facility)
    finding = services.record_finding(
        actor=act(pw.state_officer), visit=visit, standard=esc, result=FindingResult.NOT_MET, note="Sin escuela."
    )
    client = login(Client(), pw.state_officer)
    url = reverse("protection:supervision_detail", args=[visit.pk])
    before = (TODAY - dt.timedelta(days=30)).isoformat()
    response = client.post(
        url, {"do": "correctiva", "correctiva-description": "Inscribir a las niñas.", "correctiva-due_on": before}
    )
    assert response.status_code == 200
    assert escape(_("The deadline cannot be before the visit.")) in response.content.decode()
    response = client.post(
        url,
        {
            "do": "correctiva",
            "correctiva-description": "Inscribir a las niñas.",
            "correctiva-due_on": TODAY.isoformat(),
            "correctiva-finding": finding.pk,
        },
    )
    assert response.status_code == 302
    assert CorrectiveAction.objects.get(visit=visit).finding == finding


# --- Foster families: the bank -----------------------------------------------------------------------------------
def test_the_bank_counts_the_pipeline_filters_and_shows_free_places(world: World, pw: PWorld) -> None:
    _approved_family(pw, code="FA-APR", capacity=3)
    _family(pw, code="FA-NUE", type=FosterType.PROFESSIONAL)
    client = login(Client(), pw.officer)
    page = client.get(reverse("protection:family_list")).content.decode()
    assert "FA-APR" in page and "FA-NUE" in page
    assert "Rosa Elena" not in page  # the contact is on the family's own page only
    assert ">3</td>" in page  # three free places in the approved family
    page = client.get(reverse("protection:family_list"), {"tipo": FosterType.PROFESSIONAL}).content.decode()
    assert "FA-NUE" in page and "FA-APR" not in page
    page = client.get(reverse("protection:family_list"), {"estado": FosterStatus.APPROVED}).content.decode()
    assert "FA-APR" in page and "FA-NUE" not in page


def test_the_family_page_logs_the_read_and_shows_its_history(world: World, pw: PWorld) -> None:
    family = _approved_family(pw)
    user = pw.officer
    before = AccessEvent.objects.filter(actor=user, target_type="protection.fosterfamily").count()
    page = login(Client(), user).get(reverse("protection:family_detail", args=[family.pk])).content.decode()
    assert "Rosa Elena Hernández" in page
    assert "Apego y trauma" in page
    assert AccessEvent.objects.filter(actor=user, target_type="protection.fosterfamily").count() == before + 1


def test_a_move_out_of_the_pipeline_is_refused_in_spanish(world: World, pw: PWorld) -> None:
    family = _family(pw)
    client = login(Client(), pw.officer)
    response = client.post(
        reverse("protection:family_move", args=[family.pk]),
        {
            "mover-to_status": FosterStatus.APPROVED,
            "mover-on": TODAY.isoformat(),
            "mover-version": family.version,
        },
        follow=True,
    )
    expected = _("A family cannot go from “%(from)s” to “%(to)s”.") % {
        "from": FosterStatus.APPLICANT.label,
        "to": FosterStatus.APPROVED.label,
    }
    assert escape(expected) in response.content.decode()
    family.refresh_from_db()
    assert family.status == FosterStatus.APPLICANT


def test_a_stale_family_move_is_refused(world: World, pw: PWorld) -> None:
    family = _family(pw)
    stale = family.version
    services.move_foster_family(
        actor=act(pw.officer), family=family, to_status=FosterStatus.EVALUATED, on=TODAY, expected_version=stale
    )
    client = login(Client(), pw.officer)
    response = client.post(
        reverse("protection:family_move", args=[family.pk]),
        {
            "mover-to_status": FosterStatus.CLOSED,
            "mover-on": TODAY.isoformat(),
            "mover-note": "x",
            "mover-version": stale,
        },
        follow=True,
    )
    assert str(ConflictError.message).split(".")[0] in response.content.decode()
    family.refresh_from_db()
    assert family.status == FosterStatus.EVALUATED


def test_campaigns_show_their_yield(world: World, pw: PWorld) -> None:
    campaign = services.create_campaign(
        actor=act(pw.officer), unit=world.municipality, name="Abre tu casa", start_on=TODAY - dt.timedelta(days=90)
    )
    _approved_family(pw, campaign=campaign)
    _family(pw, campaign=campaign)
    page = login(Client(), pw.state_officer).get(reverse("protection:campaign_list")).content.decode()
    assert "Abre tu casa" in page
    assert percent(50) in page  # one of the two families approved


# --- Adopters -----------------------------------------------------------------------------------------------------
def test_an_expired_suitability_is_marked(world: World, pw: PWorld) -> None:
    adopter = _adopter(pw)
    actor = act(pw.state_officer)
    on = TODAY - dt.timedelta(days=300)
    for status in (AdopterStatus.STUDY, AdopterStatus.TRAINING, AdopterStatus.SUITABLE):
        services.move_adopter(actor=actor, adopter=adopter, to_status=status, on=on)
    client = login(Client(), pw.state_officer)
    expired = escape(_("Expired: the applicants must be studied again"))
    assert expired not in client.get(reverse("protection:adopter_detail", args=[adopter.pk])).content.decode()
    with time_machine.travel(TODAY + dt.timedelta(days=800), tick=False):
        client = login(Client(), pw.state_officer)
        page = client.get(reverse("protection:adopter_detail", args=[adopter.pk])).content.decode()
        listing = client.get(reverse("protection:adopter_list")).content.decode()
    assert expired in page
    assert "Jorge Méndez" in page
    assert 'class="badge warn"' in listing
    assert "Jorge Méndez" not in listing  # names only on the application's own page


def test_an_international_application_without_country_is_refused(world: World, pw: PWorld) -> None:
    client = login(Client(), pw.state_officer)
    response = client.post(
        reverse("protection:adopter_new"),
        {
            "code": "INT-1",
            "unit": world.region.pk,
            "kind": AdoptionKind.INTERNATIONAL,
            "applicant_names": "Familia Dubois",
            "applied_on": TODAY.isoformat(),
            "min_age": 0,
            "max_age": 10,
        },
    )
    assert response.status_code == 200
    assert escape(_("An international application needs the applicants' country.")) in response.content.decode()
    assert not ProspectiveAdopter.objects.exists()
