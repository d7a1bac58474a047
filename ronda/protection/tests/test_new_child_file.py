"""A file for a child who was never registered (issue #12, item 1; decision 0026): a child who arrives
directly at the office (a police report, a hospital) is registered and gets their file in one step,
after the cases' duplicate check, from the page and from the API. Possible duplicates stop it until
the officer confirms a new child (each candidate shown is a logged read); any refusal leaves neither
the child nor the file; another state's community is refused; protection officers still do not
register children through the cases' own pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ronda.cases import policies as case_policies
from ronda.cases.models import Child
from ronda.cases.services import PossibleDuplicates
from ronda.core.audit import AuditAction
from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.roles import Role
from ronda.protection.models import IntakeSource, ProtectionAction, ProtectionFile
from ronda.protection.services import files as file_services
from ronda.protection.services.files import CHILD_SEARCH_PURPOSE
from ronda.protection.tests.factories import TODAY, PWorld, act, make_child, protection_world
from ronda.territory.models import OrgUnit
from ronda.testing import World, api_token, check_access_matrix, login, phone_browser

pytestmark = pytest.mark.django_db
API = "/api/v1/protection/files/new-child"
OFFICER, SUPERVISOR = Role.PROTECTION_OFFICER.value, Role.SUPERVISOR.value
SUMMARY = "La policía trae a la niña desde la terminal de autobuses; no sabe dónde vive su familia."


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


def _sibling_community() -> OrgUnit:
    """The community of the neighbouring municipality of the same state (build_world's "A-M2-C")."""
    return OrgUnit.objects.get(name="Comunidad vecina")


def _service_fields(pw: PWorld, **over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "first_names": "Renata",
        "paternal_surname": "Cuamatzi",
        "maternal_surname": "Xochitiotzin",
        "sex": "female",
        "estimated_age": 7,
        "community": pw.world.community,
        "office": pw.municipal_office,
        "intake_source": IntakeSource.POLICE,
        "intake_summary": SUMMARY,
        "opened_on": TODAY,
    }
    fields.update(over)
    return fields


def _written() -> tuple[int, int, int]:
    """What a refused request must leave as it was: children, files and audit rows."""
    return Child.objects.count(), ProtectionFile.objects.count(), AuditEvent.objects.count()


def _audit_of(target: Any) -> list[str]:
    meta = target._meta
    return list(
        AuditEvent.objects.filter(target_type=f"{meta.app_label}.{meta.model_name}", target_id=str(target.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- The policy ------------------------------------------------------------------------------------
def test_a_protection_officer_registers_children_only_where_they_open_files(pw: PWorld) -> None:
    world = pw.world
    officer = act(pw.officer)
    assert case_policies.can_register_child_in(officer, world.community)
    assert not case_policies.can_register_child_in(officer, _sibling_community())
    assert not case_policies.can_register_child_in(officer, world.other_community)
    assert not case_policies.can_register_child_in(officer, world.municipality)  # not a community
    assert not case_policies.can_register_child_in(act(pw.officer, second_factor=False), world.community)
    # The state office's officer: every community of the state, none of another state.
    state = act(pw.state_officer)
    assert case_policies.can_register_child_in(state, _sibling_community())
    assert not case_policies.can_register_child_in(state, world.other_community)
    # The cases' own pages and menus stay the community route's.
    assert not case_policies.can_register_children(officer)
    assert case_policies.registration_communities(officer).count() == 0
    assert case_policies.can_register_child_in(act(world.home[Role.DEFENDER]), world.community)
    assert not case_policies.can_register_child_in(act(world.home[Role.ANALYST]), world.community)


# --- The service -----------------------------------------------------------------------------------
def test_the_child_is_registered_and_the_file_opened_together(pw: PWorld) -> None:
    file = file_services.open_file_for_new_child(actor=act(pw.officer), confirmed_new=False, **_service_fields(pw))
    child = file.child
    assert (child.first_names, child.community, child.municipality) == (
        "Renata",
        pw.world.community,
        pw.world.municipality,
    )
    assert child.estimated_age == 7 and child.registered_by == pw.officer
    assert file.office == pw.municipal_office and file.officer == pw.officer and file.number.startswith("DIF-")
    assert file.intake_source == IntakeSource.POLICE and file.intake_summary == SUMMARY
    # Both writes are in the trail, filed at the office's seat (not the child's community: its
    # supervisors must not learn from the trail that a protection office took the child in).
    assert _audit_of(child) == [AuditAction.CREATE]
    assert _audit_of(file) == [ProtectionAction.FILE_OPENED]
    created = AuditEvent.objects.get(target_type="cases.child", target_id=str(child.pk))
    assert created.org_unit == pw.municipal_office.org_unit and created.actor == pw.officer
    assert "Renata" not in str(created.changes)  # personal values are redacted from the trail
    opened = AuditEvent.objects.get(target_type="protection.protectionfile", target_id=str(file.pk))
    assert opened.org_unit == pw.world.municipality


def test_possible_duplicates_stop_the_registration_until_confirmed(pw: PWorld) -> None:
    known = make_child(pw.world)
    fields = _service_fields(
        pw,
        first_names="Xiomara Belén",
        paternal_surname="Quizhpe",
        maternal_surname="Sarango",
        estimated_age=None,
        birth_date=known.birth_date,
    )
    before = _written()
    with pytest.raises(PossibleDuplicates) as stopped:
        file_services.open_file_for_new_child(actor=act(pw.officer), **fields)
    assert _written() == before
    shown = file_services.show_possible_duplicates(act(pw.officer), stopped.value)
    assert [c.child.pk for c in shown] == [known.pk]
    # Shown as the search shows them: a logged read, filed under the officer's own unit.
    event = AccessEvent.objects.get(actor=pw.officer, target_id=str(known.pk), purpose=CHILD_SEARCH_PURPOSE)
    assert event.org_unit_path == pw.world.municipality.path
    file = file_services.open_file_for_new_child(actor=act(pw.officer), confirmed_new=True, **fields)
    assert file.child.pk != known.pk
    assert Child.objects.filter(first_names="Xiomara Belén").count() == 2


def test_a_refused_opening_leaves_no_child(pw: PWorld) -> None:
    # The state officer chooses the municipal DIF for a child of the neighbouring municipality: the
    # child is registered first, then the opening is refused, and the registration goes with it.
    before = _written()
    with pytest.raises(ValidationError) as refused:
        file_services.open_file_for_new_child(
            actor=act(pw.state_officer), confirmed_new=True, **_service_fields(pw, community=_sibling_community())
        )
    assert set(refused.value.message_dict) == {"office"}
    assert _written() == before
    # The child's own errors come before anything is written, too.
    with pytest.raises(ValidationError) as refused:
        file_services.open_file_for_new_child(
            actor=act(pw.officer), confirmed_new=True, **_service_fields(pw, first_names="", sex="", estimated_age=None)
        )
    assert set(refused.value.message_dict) == {"first_names", "sex", "birth_date"}
    # An opening date before the child was born: refused by the opening, after the registration.
    with pytest.raises(ValidationError) as refused:
        file_services.open_file_for_new_child(
            actor=act(pw.officer),
            confirmed_new=True,
            **_service_fields(pw, estimated_age=None, birth_date=TODAY, opened_on=TODAY - dt.timedelta(days=3)),
        )
    assert set(refused.value.message_dict) == {"opened_on"}
    assert _written() == before


def test_only_communities_of_the_jurisdiction_and_only_file_workers(pw: PWorld, world: World) -> None:
    before = _written()
    for community in (world.other_community, _sibling_community()):
        with pytest.raises(ValidationError) as refused:
            file_services.open_file_for_new_child(
                actor=act(pw.officer), confirmed_new=True, **_service_fields(pw, community=community)
            )
        assert set(refused.value.message_dict) == {"community"}
    with pytest.raises(ValidationError) as refused:
        file_services.open_file_for_new_child(
            actor=act(pw.officer), confirmed_new=True, **_service_fields(pw, intake_source=IntakeSource.COMMUNITY_CASE)
        )
    assert set(refused.value.message_dict) == {"intake_source"}
    for role in (Role.DEFENDER, Role.ANALYST, Role.COORDINATOR):
        with pytest.raises(PermissionDenied):
            file_services.open_file_for_new_child(
                actor=act(world.home[role]), confirmed_new=True, **_service_fields(pw)
            )
    with pytest.raises(PermissionDenied):
        file_services.open_file_for_new_child(
            actor=act(pw.officer, second_factor=False), confirmed_new=True, **_service_fields(pw)
        )
    assert _written() == before
    assert [c.pk for c in file_services.new_child_communities(act(pw.officer))] == [world.community.pk]
    assert file_services.new_child_communities(act(world.home[Role.DEFENDER])).count() == 0


# --- The page --------------------------------------------------------------------------------------
def _search(pw: PWorld, **over: str) -> dict[str, str]:
    return {
        "first_names": "Renata",
        "surnames": "Cuamatzi Xochitiotzin",
        "municipality": str(pw.world.municipality.pk),
        **over,
    }


def _new_child_post(pw: PWorld, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        **_search(pw),
        "new-first_names": "Renata",
        "new-paternal_surname": "Cuamatzi",
        "new-maternal_surname": "Xochitiotzin",
        "new-sex": "female",
        "new-estimated_age": "7",
        "new-community": pw.world.community.pk,
        "new-office": pw.municipal_office.pk,
        "new-intake_source": IntakeSource.HEALTH,
        "new-intake_summary": SUMMARY,
    }
    data.update(over)
    return data


def test_the_page_registers_a_new_child_with_their_file(pw: PWorld) -> None:
    client = login(Client(), pw.officer)
    url = reverse("protection:file_new")
    page = client.get(url, _search(pw)).content.decode()
    assert "Registrar a una niña, niño o adolescente nuevo" in page
    # The form starts from what was searched, and offers the communities of the searched municipality.
    assert 'name="new-first_names" value="Renata"' in page
    assert 'name="new-paternal_surname" value="Cuamatzi"' in page
    assert "Comunidad A" in page and "Comunidad vecina" not in page and "Comunidad B" not in page
    # Asked only once candidates were shown.
    assert "Confirmo que es una niña, niño o adolescente nuevo" not in page
    assert "<legend>" in page and 'for="id_new-community"' in page
    response = client.post(url, _new_child_post(pw), follow=True)
    file = ProtectionFile.objects.get(child__first_names="Renata")
    assert response.redirect_chain[-1][0] == reverse("protection:file_detail", args=[file.pk])
    body = response.content.decode()
    assert f"Se registró a la niña, niño o adolescente y se abrió el expediente de protección {file.number}." in body
    assert file.intake_source == IntakeSource.HEALTH and file.child.registered_by == pw.officer
    assert _audit_of(file.child) == [AuditAction.CREATE] and _audit_of(file) == [ProtectionAction.FILE_OPENED]


def test_the_page_shows_the_possible_duplicates_then_registers_once_confirmed(pw: PWorld) -> None:
    known = make_child(pw.world)
    client = login(Client(), pw.officer)
    url = reverse("protection:file_new")
    data = _new_child_post(
        pw,
        **{
            "new-first_names": "Xiomara Belén",
            "new-paternal_surname": "Quizhpe",
            "new-maternal_surname": "Sarango",
            "new-estimated_age": "",
            "new-birth_date": known.birth_date.isoformat() if known.birth_date else "",
        },
    )
    before = _written()
    reads = AccessEvent.objects.filter(actor=pw.officer, target_id=str(known.pk), purpose=CHILD_SEARCH_PURPOSE).count()
    stopped = client.post(url, data)
    assert stopped.status_code == 200
    page = stopped.content.decode()
    assert "Es posible que este niño o niña ya tenga un registro" in page
    assert "Xiomara Belén Quizhpe Sarango" in page and "Comunidad A" in page
    assert "Confirmo que es una niña, niño o adolescente nuevo" in page
    assert 'name="new-confirmed_new"' in page and 'id="id_new-confirmed_new"' in page
    assert _written() == before
    # The candidate shown is a logged read (the search's own), even though nothing was registered.
    after = AccessEvent.objects.filter(actor=pw.officer, target_id=str(known.pk), purpose=CHILD_SEARCH_PURPOSE).count()
    assert after > reads
    response = client.post(url, {**data, "new-confirmed_new": "on"})
    assert response.status_code == 302
    assert Child.objects.filter(first_names="Xiomara Belén").count() == 2
    assert ProtectionFile.objects.get(child__first_names="Xiomara Belén").child.pk != known.pk


def test_the_page_keeps_what_was_typed_when_the_opening_is_refused(pw: PWorld) -> None:
    client = login(Client(), pw.state_officer)
    url = reverse("protection:file_new")
    sibling = _sibling_community()
    search = _search(pw, municipality=str(sibling.parent_id))
    page = client.get(url, search).content.decode()
    assert "Comunidad vecina" in page and "Comunidad A" not in page
    before = _written()
    data = _new_child_post(pw, **search, **{"new-community": sibling.pk, "new-confirmed_new": "on"})
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Esta oficina no tiene jurisdicción sobre el municipio donde vive la niña, niño o adolescente." in body
    assert 'id="id_new-office_error"' in body and 'value="Renata"' in body
    assert "Confirmo que es una niña, niño o adolescente nuevo" in body  # kept as sent
    assert _written() == before
    # A community outside the choices (another state's) is not a choice at all.
    other = client.post(url, {**data, "new-community": pw.world.other_community.pk, "new-office": pw.state_office.pk})
    assert other.status_code == 200 and 'id="id_new-community_error"' in other.content.decode()
    assert _written() == before
    # The same data with the state office: registered and opened.
    done = client.post(url, {**data, "new-office": pw.state_office.pk})
    assert done.status_code == 302
    file = ProtectionFile.objects.get(child__first_names="Renata")
    assert file.office == pw.state_office and file.child.community == sibling


def test_the_opening_page_with_the_new_child_form(world: World, pw: PWorld) -> None:
    # The page of every officer and supervisor (away too: their own jurisdiction); a new child's form
    # that the service refuses comes back and writes nothing for anyone.
    url = reverse("protection:file_new")
    workers = {OFFICER: 200, SUPERVISOR: 200}
    check_access_matrix(
        world,
        url=url + "?" + "&".join(f"{k}={v}" for k, v in _search(pw).items()),
        expected=only(workers),
        away=workers,
    )
    refused = _new_child_post(pw, **{"new-first_names": "", "new-sex": ""})
    check_access_matrix(
        world, url=url, method="post", data=refused, expected=only(workers), away=workers, state=_written
    )


# --- The API ---------------------------------------------------------------------------------------
def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")


def _post(client: Client, data: dict[str, Any]) -> Any:
    return client.post(API, data, content_type="application/json")


def _payload(pw: PWorld, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_names": "Renata",
        "paternal_surname": "Cuamatzi",
        "maternal_surname": "Xochitiotzin",
        "sex": "female",
        "estimated_age": 7,
        "community_id": pw.world.community.pk,
        "office_id": pw.municipal_office.pk,
        "intake_source": "police",
        "intake_summary": SUMMARY,
    }
    data.update(over)
    return data


def _fields_of(response: Any) -> set[str]:
    body = response.json()
    assert body["message"] == "La solicitud tiene campos no válidos.", body
    return {e["field"] for e in body["errors"]}


def test_api_access_matrix(world: World, pw: PWorld) -> None:
    def payload(w: World) -> dict[str, Any]:
        # Confirmed: each attempt that gets through registers one more child of the same name.
        return _payload(pw, confirmed_new=True)

    writers = {OFFICER: 201, SUPERVISOR: 201}
    # Away (the neighbouring municipality's officer and supervisor): the community is not theirs.
    check_access_matrix(
        world,
        url=API,
        method="post",
        api=True,
        data=payload,
        expected=only(writers),
        away={OFFICER: 422, SUPERVISOR: 422},
        state=_written,
    )


def test_api_registers_and_opens_then_reads_the_file(pw: PWorld) -> None:
    client = _client(pw.officer)
    response = _post(client, _payload(pw, caregiver_names=["Rosa Xochitiotzin"]))
    assert response.status_code == 201, response.json()
    body = response.json()
    file = ProtectionFile.objects.get(pk=body["id"])
    assert body["number"] == file.number and body["status"] == "open" and body["officer_id"] == pw.officer.pk
    assert file.child.first_names == "Renata" and file.child.community == pw.world.community
    assert file.intake_source == IntakeSource.POLICE
    assert _audit_of(file.child) == [AuditAction.CREATE] and _audit_of(file) == [ProtectionAction.FILE_OPENED]
    # The file returned is read through the policy: its opening is logged.
    assert AccessEvent.objects.filter(
        actor=pw.officer, target_type="protection.protectionfile", target_id=str(file.pk)
    ).exists()


def test_api_answers_409_with_the_candidates_then_registers_once_confirmed(pw: PWorld) -> None:
    known = make_child(pw.world)
    client = _client(pw.officer)
    data = _payload(
        pw,
        first_names="Xiomara Belén",
        paternal_surname="Quizhpe",
        maternal_surname="Sarango",
        estimated_age=None,
        birth_date=known.birth_date.isoformat() if known.birth_date else None,
    )
    before = _written()
    stopped = _post(client, data)
    assert stopped.status_code == 409
    body = stopped.json()
    assert "confirmed_new" in body["message"]
    assert [c["child_id"] for c in body["candidates"]] == [known.pk]
    assert body["candidates"][0]["name"] == "Xiomara Belén Quizhpe Sarango" and body["candidates"][0]["reasons"]
    assert _written() == before
    assert AccessEvent.objects.filter(actor=pw.officer, target_id=str(known.pk), purpose=CHILD_SEARCH_PURPOSE).exists()
    confirmed = _post(client, {**data, "confirmed_new": True})
    assert confirmed.status_code == 201
    assert Child.objects.filter(first_names="Xiomara Belén").count() == 2


def test_api_refusals_write_nothing(pw: PWorld, world: World) -> None:
    client, state, away = (_client(u) for u in (pw.officer, pw.state_officer, world.away[Role.PROTECTION_OFFICER]))
    before = _written()
    assert _fields_of(_post(client, _payload(pw, community_id=world.other_community.pk))) == {"community_id"}
    assert _fields_of(_post(client, _payload(pw, community_id=_sibling_community().pk))) == {"community_id"}
    assert _fields_of(_post(client, _payload(pw, community_id=999_999))) == {"community_id"}
    assert _fields_of(_post(client, _payload(pw, office_id=pw.other_state_office.pk))) == {"office_id"}
    assert _fields_of(_post(client, _payload(pw, officer_id=pw.state_supervisor.pk + 1000))) == {"officer_id"}
    assert _fields_of(_post(client, _payload(pw, intake_source="rumor"))) == {"intake_source"}
    assert _fields_of(_post(client, _payload(pw, first_names="", sex=""))) == {"first_names", "sex"}
    assert _post(client, _payload(pw, expediente=1)).status_code == 422
    # The state officer, the municipal DIF, a child of the neighbouring municipality: the child is
    # registered, the opening refused, and both are undone.
    refused = _post(state, _payload(pw, community_id=_sibling_community().pk, confirmed_new=True))
    assert _fields_of(refused) == {"office_id"}
    assert _written() == before
    # Another state's officer does not reach this state's communities.
    assert _fields_of(_post(away, _payload(pw))) == {"community_id"}
    assert _written() == before
    done = _post(state, _payload(pw, community_id=_sibling_community().pk, office_id=pw.state_office.pk))
    assert done.status_code == 201 and done.json()["number"].startswith("PPNNA-")


# --- In a phone's browser ----------------------------------------------------------------------------
WIDTH = 360


@pytest.fixture
def phone(live_server: Any) -> Iterator[Any]:
    yield from phone_browser(WIDTH)


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, (page.url, width)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_with_the_keyboard(phone: Any, live_server: Any, world: World) -> None:
    """At 360 px, with the keyboard only: the search, the new child's form, the candidates and the
    confirmation, then the new file's page. Nothing scrolls sideways."""
    pw = protection_world(world)
    make_child(world)
    client = login(Client(), pw.officer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    phone.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = phone.new_page()
    page.goto(live_server.url + reverse("protection:file_new"))
    page.get_by_label("Nombres").first.fill("Xiomara Belén")
    page.locator("[name=surnames]").fill("Quizhpe Sarango")
    page.locator("[name=municipality]").select_option(str(world.municipality.pk))
    page.locator("[name=surnames]").press("Enter")
    page.wait_for_url(re.compile(r"first_names="))
    _fits(page)
    # The labels name every field of the new child's form.
    page.get_by_label("Sexo").select_option("female")
    page.get_by_label("Edad estimada (años)").fill("9")
    page.get_by_label("Comunidad donde vive la niña, niño o adolescente").select_option(str(world.community.pk))
    page.get_by_label("Oficina de protección que lleva el expediente").last.select_option(str(pw.municipal_office.pk))
    page.get_by_label("Cómo llegó el caso").last.select_option(IntakeSource.HEALTH)
    page.get_by_role("button", name="Registrar y abrir el expediente").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("alert").filter(has_text="Xiomara Belén Quizhpe Sarango").count() == 1
    _fits(page)
    confirm = page.get_by_label("Confirmo que es una niña, niño o adolescente nuevo")
    confirm.focus()
    page.keyboard.press("Space")
    assert confirm.is_checked()
    page.get_by_role("button", name="Registrar y abrir el expediente").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/proteccion/expedientes/\d+/"))
    file = ProtectionFile.objects.get(child__estimated_age=9)
    assert file.number in page.content()
    _fits(page)
