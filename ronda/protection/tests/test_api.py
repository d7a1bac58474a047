"""The protection API (issue #12): every endpoint for every role, at home, away and anonymous, with
access events, keyset pages, conflicts and the services' refusals, through HTTP as a client would."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from ronda.accounts import services as account_services
from ronda.accounts.models import Membership
from ronda.cases import route
from ronda.cases.tests.factories import make_case
from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.roles import Role
from ronda.core.tests.cursor_walk import walk
from ronda.protection import policies, selectors
from ronda.protection.models import (
    AdoptionAssignment,
    CareSetting,
    CorrectiveAction,
    DiagnosisEntry,
    Facility,
    FacilityStaffing,
    FileRight,
    FosterFamily,
    FosterStatus,
    FosterSupport,
    FosterTraining,
    FosterType,
    Gatekeeping,
    MeasureReview,
    Operator,
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
from ronda.protection.services import files as file_services
from ronda.protection.services import measures
from ronda.protection.services import placements as placement_services
from ronda.protection.services import resources as resource_services
from ronda.protection.tests.factories import (
    TODAY,
    PWorld,
    act,
    approved,
    make_child,
    make_file,
    measure_type,
    protection_world,
)
from ronda.testing import World, api_token, assert_queries_do_not_grow, check_access_matrix

pytestmark = pytest.mark.django_db
API = "/api/v1/protection"
READERS = {"protection_officer": 200, "supervisor": 200}
INVALID = "La solicitud tiene campos no válidos."
_codes = itertools.count(1)


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


def both(status: int) -> dict[str, int]:
    return {"protection_officer": status, "supervisor": status}


def client_of(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")


def send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data, content_type="application/json")


def rows(model: Any) -> Callable[[], list[Any]]:
    fields = ("pk", "version") if hasattr(model, "version") else ("pk",)
    return lambda: sorted(model.objects.values_list(*fields))


def version(obj: Any) -> int:
    obj.refresh_from_db()
    return int(obj.version)


def fields_of(response: Any) -> set[str]:
    body = response.json()
    assert body["message"] == INVALID, body
    return {e["field"] for e in body["errors"]}


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


@pytest.fixture
def file(pw: PWorld) -> ProtectionFile:
    return make_file(pw)


def _plan_with_action(pw: PWorld, file: ProtectionFile) -> tuple[RestitutionPlan, RestitutionAction]:
    officer = act(pw.officer)
    plan = file_services.save_plan(actor=officer, file=file, objective="Que Xiomara vuelva a la escuela.")
    action = file_services.add_action(
        actor=officer,
        plan=plan,
        sector="health",
        description="Valoración pediátrica y esquema de vacunación",
        owner="Centro de Salud A",
        due_on=TODAY + dt.timedelta(days=20),
        institution=pw.health_institution,
    )
    return plan, action


def _gatekeeping(pw: PWorld, file: ProtectionFile, setting: str = CareSetting.RESIDENTIAL, **over: Any) -> Gatekeeping:
    fields: dict[str, Any] = {
        "decided_on": TODAY - dt.timedelta(days=12),
        "alternatives": ["family_support"],
        "alternatives_note": "La familia no aceptó el apoyo ofrecido.",
        "necessity": "Riesgo grave en el hogar.",
        "suitability": "El lugar atiende a niñas de su edad.",
        "decided_by": "Procuradora de Protección",
    }
    fields.update(over)
    return placement_services.record_gatekeeping(actor=act(pw.officer), file=file, setting=setting, **fields)


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
    return resource_services.register_facility(actor=act(pw.state_officer), **fields)


def _family(pw: PWorld, *, approved: bool = False) -> FosterFamily:
    actor = act(pw.officer)
    family = resource_services.register_foster_family(
        actor=actor,
        unit=pw.world.municipality,
        code=f"FA-{next(_codes):03}",
        type=FosterType.VOLUNTARY,
        contact_name="Rosa Elena Hernández",
        phone="246 555 0101",
        capacity=2,
        applied_on=TODAY - dt.timedelta(days=60),
    )
    if approved:
        on = TODAY - dt.timedelta(days=50)
        resource_services.move_foster_family(actor=actor, family=family, to_status=FosterStatus.EVALUATED, on=on)
        resource_services.record_training(actor=actor, family=family, topic="Apego", held_on=on, hours=Decimal("8"))
        resource_services.move_foster_family(actor=actor, family=family, to_status=FosterStatus.TRAINED, on=on)
        resource_services.move_foster_family(actor=actor, family=family, to_status=FosterStatus.APPROVED, on=on)
        family.refresh_from_db()
    return family


def _adopter(pw: PWorld, *, suitable: bool = False) -> ProspectiveAdopter:
    actor = act(pw.state_officer)
    adopter = resource_services.register_adopter(
        actor=actor,
        unit=pw.world.region,
        code=f"AD-{next(_codes):03}",
        kind="national",
        applicant_names="Jorge Méndez y Laura Ibarra",
        contact="laura@example.org",
        applied_on=TODAY - dt.timedelta(days=400),
    )
    if suitable:
        for status in ("study", "training", "suitable"):
            adopter = resource_services.move_adopter(
                actor=actor, adopter=adopter, to_status=status, on=TODAY - dt.timedelta(days=30)
            )
    return adopter


def _transferred_case(pw: PWorld) -> Any:
    world = pw.world
    case = make_case(world, child=make_child(world, first_names="Brayan", sex="male"))
    return route.transfer_to_protection(
        actor=act(world.home[Role.DEFENDER]),
        case=case,
        expected_version=case.version,
        institution=pw.municipal_office,
        reason="La familia no garantiza la protección: riesgo grave.",
        consent_to_sharing=True,
        consent_given_by="caregiver",
    )


# --- Files -----------------------------------------------------------------------------------------------
def test_the_file_list_logs_each_file_shown_filters_and_pages_by_cursor(pw: PWorld, file: ProtectionFile) -> None:
    world = pw.world
    check_access_matrix(world, url=f"{API}/files", api=True, expected=only(READERS), away=READERS)
    second = make_file(pw, child=make_child(world, first_names="Brayan", sex="male"))
    client = client_of(pw.officer)
    earlier = list(AccessEvent.objects.filter(actor=pw.officer).values_list("pk", flat=True))
    body = client.get(f"{API}/files").json()
    assert [r["id"] for r in body["results"]] == [second.pk, file.pk] and body["count"] == 2
    assert body["results"][1]["child_name"] == "Xiomara Belén Quizhpe Sarango"
    shown = AccessEvent.objects.filter(actor=pw.officer, purpose=policies.FILE_LIST_PURPOSE).exclude(pk__in=earlier)
    assert sorted(int(e.target_id) for e in shown) == sorted([file.pk, second.pk])
    assert [r["id"] for r in client.get(f"{API}/files", {"q": "brayan"}).json()["results"]] == [second.pk]
    assert client.get(f"{API}/files", {"status": "closed"}).json()["results"] == []
    assert client.get(f"{API}/files", {"estado": "open"}).status_code == 422
    # Keyset pages: the whole list, one file a page, and a forged cursor refused.
    page = client.get(f"{API}/files", {"cursor": "", "limit": "1"}).json()
    assert "count" not in page and [r["id"] for r in page["results"]] == [second.pk]
    following = client.get(page["next"]).json()
    assert [r["id"] for r in following["results"]] == [file.pk] and following["next"] is None
    assert client.get(f"{API}/files", {"cursor": page["next_cursor"] + "x", "limit": 1}).status_code == 400
    # The state office's officer sees the municipal files of the state; another municipality's does not.
    assert len(client_of(pw.state_officer).get(f"{API}/files").json()["results"]) == 2
    assert client_of(world.away[Role.PROTECTION_OFFICER]).get(f"{API}/files").json()["results"] == []


def test_the_file_record_with_its_parts(pw: PWorld, file: ProtectionFile) -> None:
    check_access_matrix(pw.world, url=f"{API}/files/{file.pk}", api=True, expected=only(READERS), personal=True)
    _plan_with_action(pw, file)
    kind = measure_type(pw.world)
    measures.record_measure(
        actor=act(pw.officer),
        file=file,
        type=kind,
        issuing_authority="Procuraduría de Protección",
        issued_on=TODAY - dt.timedelta(days=5),
        legal_basis="LGDNNA art. 122",
    )
    client = client_of(pw.supervisor)
    record = client.get(f"{API}/files/{file.pk}").json()
    assert record["number"] == file.number and record["intake_summary"].startswith("La abuela")
    assert record["plan"]["objective"].startswith("Que Xiomara") and len(record["plan"]["actions"]) == 1
    assert record["measures"][0]["type"] == "Acogimiento residencial"
    assert record["measures"][0]["ratification_due_on"] == str(TODAY + dt.timedelta(days=5))
    opened = AccessEvent.objects.filter(
        actor=pw.supervisor, target_type="protection.protectionfile", target_id=str(file.pk)
    )
    assert opened.filter(purpose=policies.FILE_RECORD_PURPOSE).exists()
    assert client.get(f"{API}/files/999999").json() == {"message": "No encontrado."}


def test_open_a_file_after_searching_the_child(pw: PWorld) -> None:
    world = pw.world
    found = make_child(world)
    search = {"first_names": "Xiomara", "surnames": "Quizhpe Sarango", "municipality_id": world.municipality.pk}
    check_access_matrix(
        world,
        url=f"{API}/child-search",
        method="post",
        api=True,
        data=search,
        expected=only(READERS),
        away=both(422),
    )
    candidates = send(client_of(pw.officer), "post", f"{API}/child-search", search).json()
    assert candidates[0]["child_id"] == found.pk and candidates[0]["name"] == "Xiomara Belén Quizhpe Sarango"

    def payload(w: World) -> dict[str, Any]:
        return {
            "child_id": make_child(w).pk,
            "office_id": pw.municipal_office.pk,
            "intake_source": "direct_report",
            "intake_summary": "Una vecina informa que la niña pasa las noches sola.",
        }

    check_access_matrix(
        world,
        url=f"{API}/files",
        method="post",
        api=True,
        data=payload,
        expected=only(both(201)),
        away=both(422),
        state=rows(ProtectionFile),
    )
    client = client_of(pw.officer)
    opened = send(client, "post", f"{API}/files", {**payload(world), "child_id": found.pk})
    assert opened.status_code == 201 and opened.json()["number"].startswith("DIF-")
    assert opened.json()["officer_id"] == pw.officer.pk and opened.json()["status"] == "open"
    again = send(client, "post", f"{API}/files", {**payload(world), "child_id": found.pk})
    assert again.status_code == 422 and opened.json()["number"] in str(again.json())
    bad = send(client, "post", f"{API}/files", {**payload(world), "intake_source": "rumor"})
    assert fields_of(bad) == {"intake_source"}
    other = send(client, "post", f"{API}/files", {**payload(world), "office_id": pw.other_state_office.pk})
    assert fields_of(other) == {"office_id"}
    assert send(client, "post", f"{API}/files", {**payload(world), "expediente": 1}).status_code == 422


def test_open_the_file_of_a_community_case_transferred_to_the_office(pw: PWorld) -> None:
    world = pw.world
    waiting = _transferred_case(pw)
    check_access_matrix(world, url=f"{API}/transferred-cases", api=True, expected=only(READERS), away=READERS)
    listed = client_of(pw.officer).get(f"{API}/transferred-cases").json()
    assert [c["id"] for c in listed] == [waiting.pk] and "description" not in listed[0]
    assert AccessEvent.objects.filter(actor=pw.officer, target_type="cases.case", target_id=str(waiting.pk)).exists()
    check_access_matrix(
        world,
        url=f"{API}/files/from-case",
        method="post",
        api=True,
        data=lambda _w: {"case_id": _transferred_case(pw).pk},
        expected=only(both(201)),
        state=rows(ProtectionFile),
    )
    opened = send(client_of(pw.officer), "post", f"{API}/files/from-case", {"case_id": waiting.pk}).json()
    assert opened["intake_source"] == "community_case" and opened["from_case_id"] == waiting.pk
    again = send(client_of(pw.officer), "post", f"{API}/files/from-case", {"case_id": waiting.pk})
    assert again.status_code == 404  # a case with its file no longer waits


def test_transfer_close_reopen_and_adoptability(pw: PWorld, file: ProtectionFile) -> None:
    world = pw.world
    closing = make_file(pw, child=make_child(world, first_names="Brayan", sex="male"))
    check_access_matrix(
        world,
        url=f"{API}/files/{closing.pk}/close",
        method="post",
        api=True,
        data=lambda _w: {"version": version(closing), "reason": "rights_restored"},
        expected=only({"protection_officer": 200, "supervisor": 422}),
        state=rows(ProtectionFile),
    )
    assert AuditEvent.objects.filter(action="file_closed", target_id=str(closing.pk)).exists()
    check_access_matrix(
        world,
        url=f"{API}/files/{closing.pk}/reopen",
        method="post",
        api=True,
        data=lambda _w: {"version": version(closing), "reason": "La niña volvió a quedar sola en casa."},
        expected=only({"protection_officer": 200, "supervisor": 422}),
        state=rows(ProtectionFile),
    )
    assert client_of(pw.officer).get(f"{API}/files/{closing.pk}").json()["status"] == "open"
    client = client_of(pw.officer)
    stale = send(client, "post", f"{API}/files/{closing.pk}/close", {"version": 1, "reason": "rights_restored"})
    assert stale.status_code == 409 and stale.json()["message"].startswith("Otra persona modificó")
    bad = send(client, "post", f"{API}/files/{closing.pk}/close", {"version": version(closing), "reason": "harto"})
    assert fields_of(bad) == {"reason"}
    check_access_matrix(
        world,
        url=f"{API}/files/{file.pk}/adoptability",
        method="post",
        api=True,
        data=lambda _w: {"version": version(file), "declared_on": str(TODAY), "ruling": "Juzgado 2.º Familiar 45/2026"},
        expected=only(both(200)),
        state=rows(ProtectionFile),
    )
    assert client.get(f"{API}/files/{file.pk}").json()["declared_adoptable_on"] == str(TODAY)
    # The transfer to the state office: afterwards the municipal supervisor no longer sees the file.
    check_access_matrix(
        world,
        url=f"{API}/files/{file.pk}/transfer",
        method="post",
        api=True,
        data=lambda _w: {
            "version": version(file),
            "to_office_id": pw.state_office.pk,
            "to_officer_id": pw.state_officer.pk,
            "reason": "El caso requiere la representación de la Procuraduría estatal.",
        },
        expected=only({"protection_officer": 200, "supervisor": 404}),
        state=rows(ProtectionFile),
    )
    moved = client_of(pw.state_officer).get(f"{API}/files/{file.pk}").json()
    assert moved["office_id"] == pw.state_office.pk and moved["officer_id"] == pw.state_officer.pk
    assert moved["transfers"][0]["from_office_id"] == pw.municipal_office.pk
    refused = send(
        client_of(pw.state_officer),
        "post",
        f"{API}/files/{file.pk}/transfer",
        {
            "version": version(file),
            "to_office_id": pw.other_state_office.pk,
            "to_officer_id": pw.officer.pk,
            "reason": "x",
        },
    )
    assert fields_of(refused) == {"to_office_id"}


# --- Diagnosis, rights, the restitution plan, the sectors ----------------------------------------------
def test_diagnosis_and_rights(pw: PWorld, file: ProtectionFile) -> None:
    def entry_version() -> int | None:
        entry = DiagnosisEntry.objects.filter(file=file, area="health").first()
        return entry.version if entry else None

    check_access_matrix(
        pw.world,
        url=f"{API}/files/{file.pk}/diagnosis",
        method="put",
        api=True,
        data=lambda _w: {"version": entry_version(), "area": "health", "findings": "Desnutrición leve."},
        expected=only(both(200)),
        state=rows(DiagnosisEntry),
    )
    assert DiagnosisEntry.objects.get(file=file, area="health").version == 2  # created, then a new assessment

    def right(_w: World) -> dict[str, Any]:
        row = FileRight.objects.filter(file=file, right="education").first()
        if row is None:
            return {"right": "education", "status": "restricted"}
        status = "violated" if row.status == "restricted" else "restricted"
        return {"version": row.version, "right": "education", "status": status}

    check_access_matrix(
        pw.world,
        url=f"{API}/files/{file.pk}/rights",
        method="put",
        api=True,
        data=right,
        expected=only(both(200)),
        state=rows(FileRight),
    )
    client = client_of(pw.officer)
    stale = send(
        client, "put", f"{API}/files/{file.pk}/rights", {"version": 1, "right": "education", "status": "restored"}
    )
    assert stale.status_code == 409
    bad = send(client, "put", f"{API}/files/{file.pk}/diagnosis", {"area": "astrology", "findings": ""})
    assert fields_of(bad) >= {"area", "findings"}
    record = client.get(f"{API}/files/{file.pk}").json()
    assert record["diagnosis"][0]["findings"] == "Desnutrición leve." and record["rights"][0]["status"] == "violated"


def test_the_restitution_plan_from_draft_to_review(pw: PWorld, file: ProtectionFile) -> None:
    world = pw.world
    url = f"{API}/files/{file.pk}/plan"
    check_access_matrix(world, url=url, api=True, expected=only(READERS), personal=True)
    assert client_of(pw.officer).get(url).json() is None
    no_plan = send(
        client_of(pw.officer),
        "post",
        f"{url}/actions",
        {"sector": "health", "description": "x", "owner": "y", "due_on": str(TODAY)},
    )
    assert fields_of(no_plan) == {"plan"}

    def plan_version() -> int | None:
        plan = RestitutionPlan.objects.filter(file=file).first()
        return plan.version if plan else None

    check_access_matrix(
        world,
        url=url,
        method="put",
        api=True,
        data=lambda _w: {"version": plan_version(), "objective": "Que Xiomara vuelva a la escuela."},
        expected=only(both(200)),
        state=rows(RestitutionPlan),
    )
    action = {
        "sector": "health",
        "description": "Valoración pediátrica",
        "owner": "Centro de Salud A",
        "due_on": str(TODAY + dt.timedelta(days=15)),
        "institution_id": pw.health_institution.pk,
        "right": "health",
    }
    check_access_matrix(
        world,
        url=f"{url}/actions",
        method="post",
        api=True,
        data=action,
        expected=only(both(201)),
        state=rows(RestitutionAction),
    )
    first = RestitutionAction.objects.filter(plan__file=file).order_by("id").first()
    assert first is not None and first.institution_id == pw.health_institution.pk
    check_access_matrix(
        world,
        url=f"{API}/plan-actions/{first.pk}",
        method="patch",
        api=True,
        data=lambda _w: {"version": version(first), "owner": "Dra. Pérez, Centro de Salud A"},
        expected=only(both(200)),
        state=rows(RestitutionAction),
    )
    client = client_of(pw.officer)
    nulled = send(client, "patch", f"{API}/plan-actions/{first.pk}", {"version": version(first), "owner": None})
    assert nulled.json()["errors"] == [{"field": "owner", "message": "Este campo no puede ser nulo."}]
    plan = RestitutionPlan.objects.get(file=file)
    check_access_matrix(
        world,
        url=f"{url}/submit",
        method="post",
        api=True,
        data=lambda _w: {"version": version(plan)},
        expected=only({"protection_officer": 200, "supervisor": 422}),
        state=rows(RestitutionPlan),
    )
    check_access_matrix(
        world,
        url=f"{url}/return",
        method="post",
        api=True,
        data=lambda _w: {"version": version(plan), "note": "Falta una acción del sector educación."},
        expected=only({"supervisor": 200}),
        state=rows(RestitutionPlan),
    )
    assert client.get(url).json()["status"] == "returned"
    file_services.submit_plan(actor=act(pw.officer), plan=plan)
    check_access_matrix(
        world,
        url=f"{url}/approve",
        method="post",
        api=True,
        data=lambda _w: {"version": version(plan)},
        expected=only({"supervisor": 200}),
        state=rows(RestitutionPlan),
    )
    review = {
        "reviewed_on": str(TODAY),
        "summary": "Asiste a clases.",
        "next_review_on": str(TODAY + dt.timedelta(days=90)),
    }
    check_access_matrix(
        world,
        url=f"{url}/reviews",
        method="post",
        api=True,
        data=review,
        expected=only(both(201)),
        state=rows(PlanReview),
    )
    shown = client.get(url).json()
    assert shown["status"] == "approved" and shown["approved_by_id"] == pw.supervisor.pk and len(shown["reviews"]) == 2
    early = send(client, "post", f"{url}/reviews", {**review, "next_review_on": str(TODAY - dt.timedelta(days=1))})
    assert fields_of(early) == {"next_review_on"}


def test_a_sector_focal_point_sees_and_reports_only_their_institutions_actions(
    pw: PWorld, file: ProtectionFile
) -> None:
    world = pw.world
    plan, action = _plan_with_action(pw, file)
    approved(plan)  # a draft's actions do not reach the sectors
    action.refresh_from_db()
    focal = world.home[Role.AREA_FOCAL]
    Membership.objects.filter(user=focal).update(institution=pw.health_institution)
    sector = {"area_focal": 200}
    check_access_matrix(world, url=f"{API}/sector-actions", api=True, expected=only(sector), personal=True)
    body = client_of(focal).get(f"{API}/sector-actions").json()
    assert [a["id"] for a in body] == [action.pk] and body[0]["file_number"] == file.number
    assert body[0]["initials"] == "X. Q. S." and "Xiomara" not in str(body)
    check_access_matrix(
        world,
        url=f"{API}/sector-actions/{action.pk}",
        method="patch",
        api=True,
        data=lambda _w: {"version": version(action), "status": "in_progress", "evidence": "Cita agendada."},
        expected=only(sector),
        state=rows(RestitutionAction),
    )
    client = client_of(focal)
    done = send(client, "patch", f"{API}/sector-actions/{action.pk}", {"version": version(action), "status": "done"})
    assert fields_of(done) == {"evidence"}
    # The focal point cannot read the file itself.
    assert client.get(f"{API}/files/{file.pk}").status_code == 404


# --- Measures -----------------------------------------------------------------------------------------------
def test_measures_reviews_ratification_and_end(pw: PWorld, file: ProtectionFile) -> None:
    world = pw.world
    kind = measure_type(world)
    measure_type(world, code="otra", country=world.other_country)
    everyone = {role: 200 for role in Role.values}
    check_access_matrix(world, url=f"{API}/measure-types", api=True, expected=everyone, away=200)
    assert [t["code"] for t in client_of(pw.officer).get(f"{API}/measure-types").json()] == ["cas"]
    measure = {
        "type_id": kind.pk,
        "issuing_authority": "Procuraduría de Protección",
        "issued_on": str(TODAY - dt.timedelta(days=5)),
        "legal_basis": "LGDNNA art. 122",
    }
    check_access_matrix(
        world,
        url=f"{API}/files/{file.pk}/measures",
        method="post",
        api=True,
        data=measure,
        expected=only(both(201)),
        state=rows(ProtectiveMeasure),
    )
    client = client_of(pw.officer)
    bad = send(
        client, "post", f"{API}/files/{file.pk}/measures", {**measure, "issued_on": str(TODAY - dt.timedelta(days=60))}
    )
    assert fields_of(bad) == {"issued_on"}
    first = ProtectiveMeasure.objects.filter(file=file).order_by("id").first()
    assert first is not None and first.next_review_on is not None
    check_access_matrix(
        world,
        url=f"{API}/measures/{first.pk}/reviews",
        method="post",
        api=True,
        data=lambda _w: {
            "version": version(first),
            "reviewed_on": str(TODAY),
            "outcome": "continue",
            "participants": "Procuradora, psicóloga, abuela",
            "child_heard": True,
            "child_opinion": "Quiere ver a su abuela los domingos.",
        },
        expected=only(both(201)),
        state=rows(MeasureReview),
    )
    unheard = send(
        client,
        "post",
        f"{API}/measures/{first.pk}/reviews",
        {
            "version": version(first),
            "reviewed_on": str(TODAY),
            "outcome": "continue",
            "participants": "x",
            "child_heard": True,
        },
    )
    assert fields_of(unheard) == {"child_opinion"}
    check_access_matrix(
        world,
        url=f"{API}/measures/{first.pk}/ratify",
        method="post",
        api=True,
        data=lambda _w: {"version": version(first), "ratified_on": str(TODAY), "ratified_by": "Juzgado 1.º Familiar"},
        expected=only({"protection_officer": 200, "supervisor": 422}),
        state=rows(ProtectiveMeasure),
    )
    check_access_matrix(
        world,
        url=f"{API}/measures/{first.pk}/end",
        method="post",
        api=True,
        data=lambda _w: {"version": version(first), "ended_on": str(TODAY), "end_reason": "objective_met"},
        expected=only({"protection_officer": 200, "supervisor": 422}),
        state=rows(ProtectiveMeasure),
    )
    shown = client.get(f"{API}/files/{file.pk}").json()["measures"]
    ended = next(m for m in shown if m["id"] == first.pk)
    assert ended["status"] == "ended" and ended["ratified_by"] == "Juzgado 1.º Familiar" and len(ended["reviews"]) == 2


# --- Gatekeeping and placements ------------------------------------------------------------------------
def test_gatekeeping_emergency_completion_and_the_exception_for_a_child_under_three(
    pw: PWorld, file: ProtectionFile
) -> None:
    world = pw.world
    record = {
        "setting": "residential",
        "decided_on": str(TODAY - dt.timedelta(days=2)),
        "alternatives": ["family_support", "kinship"],
        "alternatives_note": "La familia extensa no puede recibirla.",
        "necessity": "Riesgo inminente en el hogar.",
        "suitability": "El centro atiende su edad.",
        "decided_by": "Procuradora de Protección",
    }
    check_access_matrix(
        world,
        url=f"{API}/files/{file.pk}/gatekeepings",
        method="post",
        api=True,
        data=record,
        expected=only(both(201)),
        state=rows(Gatekeeping),
    )
    client = client_of(pw.officer)
    bad = send(client, "post", f"{API}/files/{file.pk}/gatekeepings", {**record, "alternatives": []})
    assert fields_of(bad) == {"alternatives"}
    check_access_matrix(
        world,
        url=f"{API}/files/{file.pk}/gatekeepings/emergency",
        method="post",
        api=True,
        data={"setting": "kinship", "entry_on": str(TODAY - dt.timedelta(days=1))},
        expected=only(both(201)),
        state=rows(Gatekeeping),
    )
    pending = Gatekeeping.objects.filter(file=file, status="pending").order_by("id").first()
    assert pending is not None and pending.due_on == TODAY + dt.timedelta(
        days=placement_services.gatekeeping_days() - 1
    )
    check_access_matrix(
        world,
        url=f"{API}/gatekeepings/{pending.pk}/complete",
        method="post",
        api=True,
        data=lambda _w: {k: v for k, v in record.items() if k != "setting"} | {"version": version(pending)},
        expected=only({"protection_officer": 200, "supervisor": 422}),
        state=rows(Gatekeeping),
    )
    baby_file = make_file(pw, child=make_child(world, first_names="Luz", birth_date=TODAY - dt.timedelta(days=400)))
    baby = _gatekeeping(pw, baby_file, under_three_justification="No hay familia de acogida disponible para lactantes.")
    check_access_matrix(
        world,
        url=f"{API}/gatekeepings/{baby.pk}/approve-exception",
        method="post",
        api=True,
        data=lambda _w: {"version": version(baby)},
        expected=only({"supervisor": 200}),
        state=rows(Gatekeeping),
    )
    assert Gatekeeping.objects.get(pk=baby.pk).exception_approved_by_id == pw.supervisor.pk


def test_placements_follow_up_visits_and_their_end(pw: PWorld, file: ProtectionFile) -> None:
    world = pw.world
    kinship = _gatekeeping(pw, file, CareSetting.KINSHIP)

    def placement(_w: World) -> dict[str, Any]:
        current = Placement.objects.filter(file=file, end_on__isnull=True).first()
        if current is None:
            return {
                "setting": "kinship",
                "start_on": str(TODAY - dt.timedelta(days=10)),
                "gatekeeping_id": kinship.pk,
                "carer_name": "Rosa Quizhpe (tía materna)",
                "contact_plan": "Visitas de la abuela los domingos.",
            }
        return {"setting": "family_of_origin", "start_on": str(TODAY - dt.timedelta(days=5))}

    check_access_matrix(
        world,
        url=f"{API}/files/{file.pk}/placements",
        method="post",
        api=True,
        data=placement,
        expected=only(both(201)),
        state=rows(Placement),
    )
    placed = list(Placement.objects.filter(file=file).order_by("start_on"))
    assert [p.setting for p in placed] == ["kinship", "family_of_origin"] and placed[0].end_reason == "reintegration"
    back = placed[1]
    check_access_matrix(
        world,
        url=f"{API}/placements/{back.pk}/follow-up-visits",
        method="post",
        api=True,
        data={"visited_on": str(TODAY), "findings": "La niña asiste a la escuela y come bien."},
        expected=only(both(201)),
        state=rows(ReintegrationVisit),
    )
    check_access_matrix(
        world,
        url=f"{API}/placements/{back.pk}/end",
        method="post",
        api=True,
        data=lambda _w: {"version": version(back), "end_on": str(TODAY), "end_reason": "came_of_age"},
        expected=only({"protection_officer": 200, "supervisor": 422}),
        state=rows(Placement),
    )
    client = client_of(pw.officer)
    record = client.get(f"{API}/files/{file.pk}").json()
    assert (
        len(record["placements"][0]["follow_up_visits"]) == 2 and record["placements"][0]["end_reason"] == "came_of_age"
    )
    # A residential placement needs its facility: the refusal names the field as sent.
    missing = send(
        client, "post", f"{API}/files/{file.pk}/placements", {"setting": "residential", "start_on": str(TODAY)}
    )
    assert "facility_id" in fields_of(missing)
    foreign = send(
        client,
        "post",
        f"{API}/files/{file.pk}/placements",
        {"setting": "residential", "start_on": str(TODAY), "facility_id": 999999},
    )
    assert fields_of(foreign) == {"facility_id"}


# --- Caseload and alerts ---------------------------------------------------------------------------------
def test_caseload_and_alerts(pw: PWorld) -> None:
    world = pw.world
    file = make_file(pw, opened_on=TODAY - dt.timedelta(days=150))
    measures.record_measure(
        actor=act(pw.officer),
        file=file,
        type=measure_type(world, is_urgent=False, ratification_days=None),
        issuing_authority="Procuraduría de Protección",
        issued_on=TODAY - dt.timedelta(days=120),
        legal_basis="LGDNNA art. 122",
    )
    check_access_matrix(world, url=f"{API}/caseload", api=True, expected=only(READERS), away=READERS)
    check_access_matrix(world, url=f"{API}/alerts", api=True, expected=only(READERS), away=READERS)
    client = client_of(pw.officer)
    row = client.get(f"{API}/caseload").json()[0]
    assert row["file"]["id"] == file.pk and row["review_overdue"] and row["needs_attention"]
    logged = AccessEvent.objects.filter(actor=pw.officer, purpose=selectors.CASELOAD_PURPOSE, target_id=str(file.pk))
    assert logged.exists()
    assert client.get(f"{API}/caseload", {"officer_id": pw.state_officer.pk}).json() == []
    kinds = [a["kind"] for a in client.get(f"{API}/alerts").json()]
    assert kinds == ["review_overdue"]
    assert client_of(world.away[Role.PROTECTION_OFFICER]).get(f"{API}/alerts").json() == []


# --- Facilities and their supervision ----------------------------------------------------------------------
def test_facilities_staffing_profile_and_supervision(pw: PWorld) -> None:
    world = pw.world
    home = _facility(pw)
    state = READERS  # resources are shared within the state: the neighbouring municipality's officers too
    check_access_matrix(world, url=f"{API}/facilities", api=True, expected=only(READERS), away=state)
    check_access_matrix(world, url=f"{API}/facilities/{home.pk}", api=True, expected=only(READERS), away=state)
    check_access_matrix(world, url=f"{API}/facilities/{home.pk}/profile", api=True, expected=only(READERS), away=state)
    new = {
        "unit_id": world.region.pk,
        "name": "Casa Hogar Luz",
        "operator": "public",
        "capacity": 8,
        "licence_number": "L-9",
    }
    check_access_matrix(
        world,
        url=f"{API}/facilities",
        method="post",
        api=True,
        data=new,
        expected=only(both(201)),
        away=both(201),
        state=rows(Facility),
    )
    client = client_of(pw.officer)
    foreign = send(client, "post", f"{API}/facilities", {**new, "unit_id": world.other_municipality.pk})
    assert fields_of(foreign) == {"unit_id"}
    check_access_matrix(
        world,
        url=f"{API}/facilities/{home.pk}",
        method="patch",
        api=True,
        data=lambda _w: {"version": version(home), "address": "Calle Hidalgo 12"},
        expected=only(both(200)),
        away=both(200),
        state=rows(Facility),
    )
    check_access_matrix(
        world,
        url=f"{API}/facilities/{home.pk}/staffing",
        method="post",
        api=True,
        data={"as_of": str(TODAY), "carers": 3, "professionals": 1},
        expected=only(both(201)),
        away=both(201),
        state=rows(FacilityStaffing),
    )
    shown = client.get(f"{API}/facilities/{home.pk}").json()
    assert shown["address"] == "Calle Hidalgo 12" and shown["ratio"]["carers"] == 3 and shown["occupancy"] == 0
    assert client.get(f"{API}/facilities/{home.pk}/profile").json()["free_places"] == 10
    listed = client.get(f"{API}/facilities", {"cursor": "", "limit": "1"}).json()
    assert [f["name"] for f in listed["results"]] == ["Casa Hogar Esperanza"] and listed["next"] is not None

    StandardItem.objects.create(country=world.country, code="PAI", text="Plan de atención individual", order=1)
    visits = f"{API}/facilities/{home.pk}/supervision-visits"
    visit_in = {"visited_on": str(TODAY - dt.timedelta(days=1)), "visitors": "Lic. Torres"}
    check_access_matrix(
        world,
        url=visits,
        method="post",
        api=True,
        data=visit_in,
        expected=only(both(201)),
        away=both(201),
        state=rows(SupervisionVisit),
    )
    check_access_matrix(world, url=visits, api=True, expected=only(READERS), away=state)
    visit = SupervisionVisit.objects.filter(facility=home).order_by("id").first()
    assert visit is not None
    check_access_matrix(world, url=f"{API}/supervision-visits/{visit.pk}", api=True, expected=only(READERS), away=state)
    standard = StandardItem.objects.get(code="PAI")
    check_access_matrix(
        world,
        url=f"{API}/supervision-visits/{visit.pk}/findings",
        method="post",
        api=True,
        data={"standard_id": standard.pk, "result": "partly", "note": "Faltan dos planes."},
        expected=only(both(200)),
        away=both(200),
        state=rows(SupervisionFinding),
    )
    finding = SupervisionFinding.objects.get(visit=visit)
    check_access_matrix(
        world,
        url=f"{API}/supervision-visits/{visit.pk}/corrective-actions",
        method="post",
        api=True,
        data={
            "description": "Elaborar los planes que faltan.",
            "due_on": str(TODAY + dt.timedelta(days=30)),
            "finding_id": finding.pk,
        },
        expected=only(both(201)),
        away=both(201),
        state=rows(CorrectiveAction),
    )
    corrective = CorrectiveAction.objects.filter(visit=visit).order_by("id").first()
    assert corrective is not None
    check_access_matrix(
        world,
        url=f"{API}/corrective-actions/{corrective.pk}",
        method="patch",
        api=True,
        data=lambda _w: {"version": version(corrective), "follow_up": "Se revisó el avance."},
        expected=only(both(200)),
        away=both(200),
        state=rows(CorrectiveAction),
    )
    check_access_matrix(
        world,
        url=f"{API}/supervision-visits/{visit.pk}/close",
        method="post",
        api=True,
        data=lambda _w: {"version": version(visit)},
        expected=only({"protection_officer": 200, "supervisor": 422}),
        away=both(422),
        state=rows(SupervisionVisit),
    )
    shown_visit = client.get(f"{API}/supervision-visits/{visit.pk}").json()
    assert shown_visit["status"] == "closed" and shown_visit["checklist"][0]["finding"]["result"] == "partly"
    assert len(shown_visit["corrective_actions"]) == 4
    unknown = send(
        client, "post", f"{API}/supervision-visits/{visit.pk}/findings", {"standard_id": 999999, "result": "met"}
    )
    assert fields_of(unknown) == {"standard_id"}


# --- Foster families and campaigns -------------------------------------------------------------------------
def test_campaigns_and_the_foster_family_bank(pw: PWorld, file: ProtectionFile) -> None:
    world = pw.world
    state = READERS
    check_access_matrix(
        world,
        url=f"{API}/campaigns",
        method="post",
        api=True,
        data={"unit_id": world.region.pk, "name": "Familias que abrazan 2026", "start_on": str(TODAY)},
        expected=only(both(201)),
        away=both(201),
        state=rows(RecruitmentCampaign),
    )
    check_access_matrix(world, url=f"{API}/campaigns", api=True, expected=only(READERS), away=state)
    campaign = RecruitmentCampaign.objects.order_by("id").first()
    assert campaign is not None

    def new_family(_w: World) -> dict[str, Any]:
        return {
            "unit_id": world.municipality.pk,
            "code": f"FA-{next(_codes):03}",
            "type": "voluntary",
            "contact_name": "Rosa Elena Hernández",
            "phone": "246 555 0101",
            "campaign_id": campaign.pk,
        }

    check_access_matrix(
        world,
        url=f"{API}/foster-families",
        method="post",
        api=True,
        data=new_family,
        expected=only(both(201)),
        away=both(201),
        state=rows(FosterFamily),
    )
    check_access_matrix(world, url=f"{API}/foster-families", api=True, expected=only(READERS), away=state)
    client = client_of(pw.officer)
    listed = client.get(f"{API}/foster-families").json()
    assert listed["count"] == 4 and "contact_name" not in listed["results"][0]
    yields = {c["id"]: c["families"] for c in client.get(f"{API}/campaigns").json()}
    assert yields[campaign.pk] == 4 and sum(yields.values()) == 4
    family = _family(pw, approved=True)
    url = f"{API}/foster-families/{family.pk}"
    check_access_matrix(world, url=url, api=True, expected=only(READERS), away=state, personal=True)
    assert client.get(url).json()["contact_name"] == "Rosa Elena Hernández"
    check_access_matrix(
        world,
        url=url,
        method="patch",
        api=True,
        data=lambda _w: {"version": version(family), "accepts_siblings": True},
        expected=only(both(200)),
        away=both(200),
        state=rows(FosterFamily),
    )

    def move(_w: World) -> dict[str, Any]:
        family.refresh_from_db()
        target = FosterStatus.APPROVED if family.status == FosterStatus.PAUSED else FosterStatus.PAUSED
        return {"version": family.version, "to_status": target, "on": str(TODAY), "note": "La familia se muda."}

    check_access_matrix(
        world,
        url=f"{url}/move",
        method="post",
        api=True,
        data=move,
        expected=only(both(200)),
        away=both(200),
        state=rows(FosterFamily),
    )
    check_access_matrix(
        world,
        url=f"{url}/trainings",
        method="post",
        api=True,
        data={"topic": "Duelo y pérdida", "held_on": str(TODAY), "hours": 4},
        expected=only(both(201)),
        away=both(201),
        state=rows(FosterTraining),
    )
    check_access_matrix(
        world,
        url=f"{url}/supports",
        method="post",
        api=True,
        data={"kind": "psychological", "given_on": str(TODAY), "note": "Acompañamiento tras la llegada."},
        expected=only(both(201)),
        away=both(201),
        state=rows(FosterSupport),
    )
    record = client.get(url).json()
    assert record["status"] == "approved" and len(record["trainings"]) == 5 and len(record["supports"]) == 4
    assert [c["to_status"] for c in record["status_changes"]][-4:] == ["paused", "approved", "paused", "approved"]
    stale = send(client, "post", f"{url}/move", {"version": 1, "to_status": "paused", "on": str(TODAY), "note": "x"})
    assert stale.status_code == 409
    skip = send(client, "post", f"{url}/move", {"version": version(family), "to_status": "applicant", "on": str(TODAY)})
    assert fields_of(skip) == {"to_status"}
    suggestions = f"{API}/files/{file.pk}/family-suggestions"
    check_access_matrix(world, url=suggestions, api=True, expected=only(READERS))
    found = client.get(suggestions).json()
    assert found[0]["family_id"] == family.pk and found[0]["blocking"] == [] and found[0]["free_places"] == 2


# --- Adopters and adoption assignments ---------------------------------------------------------------------
def test_adopters_and_adoption_assignments(pw: PWorld, file: ProtectionFile) -> None:
    world = pw.world
    state = READERS

    def new_adopter(_w: World) -> dict[str, Any]:
        return {
            "unit_id": world.region.pk,
            "code": f"AD-{next(_codes):03}",
            "kind": "national",
            "applicant_names": "Jorge Méndez y Laura Ibarra",
            "applied_on": str(TODAY - dt.timedelta(days=10)),
        }

    check_access_matrix(
        world,
        url=f"{API}/adopters",
        method="post",
        api=True,
        data=new_adopter,
        expected=only(both(201)),
        away=both(201),
        state=rows(ProspectiveAdopter),
    )
    check_access_matrix(world, url=f"{API}/adopters", api=True, expected=only(READERS), away=state)
    client = client_of(pw.officer)
    assert "applicant_names" not in client.get(f"{API}/adopters").json()["results"][0]
    adopter = _adopter(pw)
    url = f"{API}/adopters/{adopter.pk}"
    check_access_matrix(world, url=url, api=True, expected=only(READERS), away=state, personal=True)
    steps = {"applied": "study", "study": "training", "training": "suitable", "suitable": "study"}

    def move(_w: World) -> dict[str, Any]:
        adopter.refresh_from_db()
        return {"version": adopter.version, "to_status": steps[adopter.status], "on": str(TODAY)}

    check_access_matrix(
        world,
        url=f"{url}/move",
        method="post",
        api=True,
        data=move,
        expected=only(both(200)),
        away=both(200),
        state=rows(ProspectiveAdopter),
    )
    assert client.get(url).json()["status"] == "study"
    suitable = _adopter(pw, suitable=True)
    resource_services.declare_adoptable(
        actor=act(pw.officer), file=file, declared_on=TODAY - dt.timedelta(days=40), ruling="Juzgado 2.º 45/2026"
    )
    check_access_matrix(
        world,
        url=f"{API}/files/{file.pk}/adoption-assignments",
        method="post",
        api=True,
        data={"adopter_id": suitable.pk, "reasons": "Perfil compatible con la edad de la niña."},
        expected=only({"protection_officer": 201, "supervisor": 422}),
        state=rows(AdoptionAssignment),
    )
    assignment = AdoptionAssignment.objects.get(file=file)
    decisions = {"proposed": "accepted", "accepted": "withdrawn"}

    def decide(_w: World) -> dict[str, Any]:
        assignment.refresh_from_db()
        return {"version": assignment.version, "decision": decisions.get(assignment.status, "accepted")}

    check_access_matrix(
        world,
        url=f"{API}/adoption-assignments/{assignment.pk}/decision",
        method="post",
        api=True,
        data=decide,
        expected=only(both(200)),
        state=rows(AdoptionAssignment),
    )
    shown = client.get(f"{API}/adopters/{suitable.pk}").json()
    assert shown["assignments"][0]["status"] == "withdrawn" and shown["assignments"][0]["file_number"] == file.number
    assert AccessEvent.objects.filter(
        actor=pw.officer, target_type="protection.protectionfile", target_id=str(file.pk)
    ).exists()
    unfit = send(
        client, "post", f"{API}/files/{file.pk}/adoption-assignments", {"adopter_id": adopter.pk, "reasons": "x"}
    )
    assert fields_of(unfit) == {"adopter_id"}


def test_the_openapi_document_lists_every_protection_endpoint_with_a_summary() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        if path.startswith("/api/v1/protection/")
        for method, operation in methods.items()
    ]
    assert len(operations) >= 55
    assert all(operation.get("summary") for _path, _method, operation in operations)
    files = document["paths"]["/api/v1/protection/files"]["get"]
    assert {p["name"] for p in files["parameters"]} == {
        *("limit", "offset", "cursor", "status", "officer_id", "municipality_id", "q"),
    }


# --- Lists: flat query counts, and a cursor walk while files are opened ----------------------------------
def test_the_lists_take_the_same_queries_however_many_rows_they_show(pw: PWorld) -> None:
    world = pw.world
    client = client_of(pw.officer)
    names = itertools.count(1)

    def files(n: int) -> None:
        for _ in range(n):
            make_file(pw, child=make_child(world, first_names=f"Niña {next(names)}"))

    def facilities(n: int) -> None:
        for _ in range(n):
            _facility(pw, name=f"Casa Hogar {next(names)}")

    def families(n: int) -> None:
        for _ in range(n):
            _family(pw)

    def adopters(n: int) -> None:
        for _ in range(n):
            _adopter(pw)

    for url, add in (
        (f"{API}/files", files),
        (f"{API}/facilities", facilities),
        (f"{API}/foster-families", families),
        (f"{API}/adopters", adopters),
    ):
        assert_queries_do_not_grow(client, url, add, ceiling=16)
        assert_queries_do_not_grow(client, f"{url}?cursor=&limit=50", add, ceiling=16)


def test_a_cursor_walk_shows_every_file_once_while_files_are_opened(pw: PWorld) -> None:
    world = pw.world
    made = [make_file(pw, child=make_child(world, first_names=f"Niña {n}")) for n in range(5)]
    client = client_of(pw.officer)

    def open_one(page: int) -> None:
        make_file(pw, child=make_child(world, first_names=f"Nueva {page}"))

    seen = [row["id"] for row in walk(client, f"{API}/files", {}, limit=2, between=open_one)]
    # Newest first: files opened during the walk come before the cursor and are not shown twice.
    assert seen == sorted((f.pk for f in made), reverse=True)


def test_an_administrator_reads_a_file_only_in_break_glass_and_never_writes(pw: PWorld, file: ProtectionFile) -> None:
    admin = pw.world.home[Role.ADMIN]
    assert client_of(admin).get(f"{API}/files/{file.pk}").status_code == 404
    account_services.start_break_glass(
        actor=act(admin),
        org_unit=pw.world.municipality,
        reason="Orden judicial 123-2026, expediente urgente",
        minutes=15,
    )
    client = client_of(admin)
    assert client.get(f"{API}/files/{file.pk}").json()["number"] == file.number
    assert AccessEvent.objects.filter(
        actor=admin, target_id=str(file.pk), purpose=policies.FILE_RECORD_PURPOSE
    ).exists()
    refused = send(client, "post", f"{API}/files/{file.pk}/close", {"version": version(file), "reason": "duplicate"})
    assert refused.status_code == 404 and ProtectionFile.objects.get(pk=file.pk).status == "open"
