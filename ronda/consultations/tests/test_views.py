"""Every consultation page for every role, at home, away and anonymous; seats; the contacts hidden from
administrators and analysts; what the pages show of the plan, as far as the reader may see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ronda.consultations.models import Consultation, SocialActor
from ronda.consultations.tests.conftest import (
    CONTACT_NAME,
    CONTACT_PHONE,
    SAID,
    Planning,
    days_ago,
    seat,
)
from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, area_focal=200, supervisor=200, analyst=200)
COORDINATOR = dict(NONE, coordinator=200)
COORDINATOR_WRITES = dict(NONE, coordinator=302)


def written() -> tuple[Any, ...]:
    return (
        Consultation.objects.count(),
        sum(Consultation.objects.values_list("version", flat=True)),
        Consultation.findings.through.objects.count(),
        SocialActor.objects.count(),
        sum(SocialActor.objects.values_list("version", flat=True)),
    )


def test_index(world: World) -> None:
    # One municipality in scope: straight to its consultations; the administrator and the secretariat choose.
    readers_away = {"secretariat": 302, "coordinator": 302, "area_focal": 302, "supervisor": 302, "analyst": 302}
    check_access_matrix(
        world,
        url=reverse("consultations:index"),
        expected=dict(NONE, admin=200, secretariat=200, coordinator=302, area_focal=302, supervisor=302, analyst=302),
        away=readers_away,
    )


def test_reading_pages(world: World, consultation: Consultation) -> None:
    unit = world.municipality.pk
    for url in (
        reverse("consultations:consultation_list", args=[unit]),
        reverse("consultations:consultation_list", args=[unit]) + "?audience=school&year=2026",
        reverse("consultations:consultation_detail", args=[consultation.pk]),
        reverse("consultations:actor_map", args=[unit]),
        reverse("consultations:actor_list", args=[unit]),
    ):
        check_access_matrix(world, url=url, expected=READERS)


def test_consultation_create(world: World, home: Planning, social_actor: SocialActor) -> None:
    url = reverse("consultations:consultation_create", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    data = {
        "held_on": days_ago(3).isoformat(),
        "title": "Parques",
        "audience": "families",
        "method": "survey",
        "adults": 40,
        "girls_0_5": 0,
        "summary": "Piden sombra en los parques",
        "status": "held",
        "findings": [home.finding.pk],
        "measures": [home.measure.pk],
        "actors": [social_actor.pk],
    }
    check_access_matrix(world, url=url, method="post", data=data, expected=COORDINATOR_WRITES, state=written)
    created = Consultation.objects.get()
    assert (created.adults, created.recorded_by) == (40, world.home["coordinator"])
    assert list(created.findings.all()) == [home.finding]


def test_consultation_edit_and_delete(world: World, consultation: Consultation) -> None:
    url = reverse("consultations:consultation_edit", args=[consultation.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)

    def answered(_world: World) -> dict[str, Any]:
        current = Consultation.objects.get(pk=consultation.pk)
        return {
            "held_on": current.held_on.isoformat(),
            "title": current.title,
            "audience": current.audience,
            "method": current.method,
            "girls_6_11": current.girls_6_11,
            "boys_6_11": current.boys_6_11,
            "adults": current.adults,
            "summary": current.summary,
            "response": "Se pintó el cruce",
            "answered_by": "Obras",
            "answered_on": days_ago(1).isoformat(),
            "status": "answered",
            "version": current.version,
        }

    check_access_matrix(world, url=url, method="post", data=answered, expected=COORDINATOR_WRITES, state=written)
    updated = Consultation.objects.get(pk=consultation.pk)
    assert (updated.status, updated.version, updated.findings.count()) == ("answered", 2, 0)
    check_access_matrix(
        world,
        url=reverse("consultations:consultation_delete", args=[consultation.pk]),
        method="post",
        expected=COORDINATOR_WRITES,
        state=written,
    )
    assert not Consultation.objects.exists()


def test_actor_create_edit_and_delete(world: World, social_actor: SocialActor) -> None:
    create = reverse("consultations:actor_create", args=[world.municipality.pk])
    check_access_matrix(world, url=create, expected=COORDINATOR)
    data = {"name": "Club de leones", "kind": "community", "interest": "low", "influence": "medium"}
    data |= {"relationship": "to_engage", "active": "on"}
    check_access_matrix(world, url=create, method="post", data=data, expected=COORDINATOR_WRITES, state=written)
    club = SocialActor.objects.get(name="Club de leones")
    edit = reverse("consultations:actor_edit", args=[club.pk])
    check_access_matrix(world, url=edit, expected=COORDINATOR)

    def changed(_world: World) -> dict[str, Any]:
        current = SocialActor.objects.get(pk=club.pk)
        return {**data, "relationship": "ally", "version": current.version}

    check_access_matrix(world, url=edit, method="post", data=changed, expected=COORDINATOR_WRITES, state=written)
    assert SocialActor.objects.get(pk=club.pk).relationship == "ally"
    check_access_matrix(
        world,
        url=reverse("consultations:actor_delete", args=[club.pk]),
        method="post",
        expected=COORDINATOR_WRITES,
        state=written,
    )
    assert list(SocialActor.objects.all()) == [social_actor]


def test_an_actor_who_took_part_is_not_deleted_and_the_page_says_why(
    client: Client, world: World, consultation: Consultation, social_actor: SocialActor
) -> None:
    login(client, world.home["coordinator"])
    response = client.post(reverse("consultations:actor_delete", args=[social_actor.pk]), follow=True)
    assert response.status_code == 200
    assert SocialActor.objects.filter(pk=social_actor.pk).exists()
    assert "participó en consultas" in response.content.decode() or "took part in consultations" in (
        response.content.decode()
    )


def test_a_refused_form_shows_the_errors_and_writes_nothing(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    before = written()
    response = client.post(
        reverse("consultations:consultation_create", args=[world.municipality.pk]),
        {"held_on": days_ago(-2).isoformat(), "title": "X", "audience": "school", "method": "survey", "summary": ""},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    assert written() == before
    assert response.context["form"].errors


def test_a_seat_reads_whatever_the_role_and_only_its_municipality(
    world: World, consultation: Consultation, social_actor: SocialActor
) -> None:
    defender = world.home["defender"]
    pages = [
        reverse("consultations:consultation_list", args=[world.municipality.pk]),
        reverse("consultations:consultation_detail", args=[consultation.pk]),
        reverse("consultations:actor_map", args=[world.municipality.pk]),
        reverse("consultations:actor_list", args=[world.municipality.pk]),
    ]
    client = login(Client(), defender)
    assert {client.get(url).status_code for url in pages} == {404}
    seat(world, defender)
    client = login(Client(), defender)
    assert {client.get(url).status_code for url in pages} == {200}
    # Reading is all a seat gives: the forms stay the coordinator's.
    assert client.get(reverse("consultations:consultation_edit", args=[consultation.pk])).status_code == 404
    assert CONTACT_NAME in client.get(pages[-1]).content.decode()


def test_contacts_are_hidden_from_administrators_and_analysts(world: World, social_actor: SocialActor) -> None:
    url = reverse("consultations:actor_list", args=[world.municipality.pk])
    for role, shown in (("coordinator", True), ("supervisor", True), ("area_focal", True), ("admin", False)):
        page = login(Client(), world.home[role]).get(url).content.decode()
        assert (CONTACT_NAME in page and CONTACT_PHONE in page) == shown, role
        assert social_actor.name in page
    page = login(Client(), world.home["analyst"]).get(url).content.decode()
    assert CONTACT_NAME not in page and social_actor.name in page


def test_the_map_puts_each_actor_in_its_cell(client: Client, world: World, social_actor: SocialActor) -> None:
    login(client, world.home["area_focal"])
    response = client.get(reverse("consultations:actor_map", args=[world.municipality.pk]))
    rows = response.context["rows"]
    assert [row.interest for row in rows] == ["high", "medium", "low"]
    cells = {(cell.interest, cell.influence): cell.actors for row in rows for cell in row.cells}
    assert cells[("high", "medium")] == [social_actor]
    assert sum(len(actors) for actors in cells.values()) == 1
    assert 'class="actor-grid responsive"' in response.content.decode()


def test_a_focal_point_sees_only_what_planning_shows_them(
    client: Client, world: World, home: Planning, social_actor: SocialActor
) -> None:
    from ronda.consultations import services
    from ronda.consultations.tests.conftest import consultation_values
    from ronda.core.tenancy import SYSTEM

    consultation = services.record_consultation(
        actor=SYSTEM,
        municipality=world.municipality,
        findings=[home.finding],
        measures=[home.measure, home.other_area_measure],
        **consultation_values(),
    )
    url = reverse("consultations:consultation_detail", args=[consultation.pk])
    focal = login(Client(), world.home["area_focal"]).get(url).content.decode()
    assert home.measure.title in focal and home.other_area_measure.title not in focal
    assert home.finding.text not in focal
    coordinator = login(Client(), world.home["coordinator"]).get(url).content.decode()
    assert home.measure.title in coordinator and home.other_area_measure.title in coordinator
    assert home.finding.text in coordinator and SAID in coordinator
