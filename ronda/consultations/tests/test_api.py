"""The consultations API for every role: lists (filters, pages), one record, create, change and delete
for the coordinator; what a record cites as far as the reader may see it; contacts null for
administrators and analysts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ronda.consultations.models import Consultation, SocialActor
from ronda.consultations.tests.conftest import CONTACT_NAME, Planning, days_ago, seat
from ronda.core.roles import Role
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

API = "/api/v1/consultations"
ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, area_focal=200, supervisor=200, analyst=200)
# A list answers every reader, away too (with what they may see: nothing of this municipality).
LIST_AWAY = {"secretariat": 200, "coordinator": 200, "area_focal": 200, "supervisor": 200, "analyst": 200}


def written() -> tuple[Any, ...]:
    return (
        Consultation.objects.count(),
        sum(Consultation.objects.values_list("version", flat=True)),
        SocialActor.objects.count(),
        sum(SocialActor.objects.values_list("version", flat=True)),
    )


def _get(user: Any, url: str) -> Any:
    token = api_token(user)
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def _send(user: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    token = api_token(user)
    return getattr(Client(), method)(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_consultation_routes(world: World, consultation: Consultation, home: Planning) -> None:
    check_access_matrix(world, url=f"{API}/consultations", expected=READERS, away=LIST_AWAY, api=True)
    check_access_matrix(world, url=f"{API}/consultations/{consultation.pk}", expected=READERS, api=True)
    body = {
        "municipality_id": world.municipality.pk,
        "held_on": days_ago(2).isoformat(),
        "title": "Encuesta a familias",
        "audience": "families",
        "method": "survey",
        "adults": 25,
        "summary": "Piden más horarios",
        "finding_ids": [home.finding.pk],
        "measure_ids": [home.measure.pk],
    }
    check_access_matrix(
        world,
        url=f"{API}/consultations",
        method="post",
        data=body,
        api=True,
        expected=dict(NONE, coordinator=201),
        state=written,
    )

    def patch(_world: World) -> dict[str, Any]:
        current = Consultation.objects.get(pk=consultation.pk)
        return {
            "version": current.version,
            "status": "answered",
            "response": "Se abrió un horario vespertino",
            "answered_on": days_ago(1).isoformat(),
        }

    check_access_matrix(
        world,
        url=f"{API}/consultations/{consultation.pk}",
        method="patch",
        data=patch,
        api=True,
        expected=dict(NONE, coordinator=200),
        state=written,
    )
    assert Consultation.objects.get(pk=consultation.pk).status == "answered"
    check_access_matrix(
        world,
        url=f"{API}/consultations/{consultation.pk}",
        method="delete",
        api=True,
        expected=dict(NONE, coordinator=204),
        state=written,
    )
    assert not Consultation.objects.filter(pk=consultation.pk).exists()


def test_actor_routes(world: World, social_actor: SocialActor) -> None:
    check_access_matrix(world, url=f"{API}/actors", expected=READERS, away=LIST_AWAY, api=True)
    check_access_matrix(world, url=f"{API}/actors/{social_actor.pk}", expected=READERS, api=True)
    body = {
        "municipality_id": world.municipality.pk,
        "name": "Radio comunitaria",
        "kind": "community",
        "interest": "medium",
        "influence": "high",
        "relationship": "to_engage",
    }
    check_access_matrix(
        world,
        url=f"{API}/actors",
        method="post",
        data=body,
        api=True,
        expected=dict(NONE, coordinator=201),
        state=written,
    )
    radio = SocialActor.objects.get(name="Radio comunitaria")

    def patch(_world: World) -> dict[str, Any]:
        return {"version": SocialActor.objects.get(pk=radio.pk).version, "relationship": "ally"}

    check_access_matrix(
        world,
        url=f"{API}/actors/{radio.pk}",
        method="patch",
        data=patch,
        api=True,
        expected=dict(NONE, coordinator=200),
        state=written,
    )
    check_access_matrix(
        world,
        url=f"{API}/actors/{radio.pk}",
        method="delete",
        api=True,
        expected=dict(NONE, coordinator=204),
        state=written,
    )
    assert list(SocialActor.objects.all()) == [social_actor]


def test_lists_filter_and_page(world: World, consultation: Consultation, other_consultation: Consultation) -> None:
    admin = world.home["admin"]
    everything = _get(admin, f"{API}/consultations").json()
    assert everything["count"] == 2
    only_home = _get(admin, f"{API}/consultations?municipality_id={world.municipality.pk}").json()
    assert [row["id"] for row in only_home["results"]] == [consultation.pk]
    assert _get(admin, f"{API}/consultations?audience=families").json()["count"] == 0
    first = _get(admin, f"{API}/consultations?limit=1&cursor=").json()
    assert len(first["results"]) == 1 and first["next_cursor"]
    second = _get(admin, f"{API}/consultations?limit=1&cursor={first['next_cursor']}").json()
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {consultation.pk, other_consultation.pk}
    assert _get(admin, f"{API}/consultations?colour=red").status_code == 422
    # The home coordinator lists their own only; another municipality's filter is a 404.
    coordinator = world.home["coordinator"]
    assert [r["id"] for r in _get(coordinator, f"{API}/consultations").json()["results"]] == [consultation.pk]
    assert _get(coordinator, f"{API}/consultations?municipality_id={world.other_municipality.pk}").status_code == 404


def test_a_record_cites_what_the_reader_may_see(world: World, consultation: Consultation, home: Planning) -> None:
    coordinator = _get(world.home["coordinator"], f"{API}/consultations/{consultation.pk}").json()
    assert (coordinator["finding_ids"], coordinator["measure_ids"]) == ([home.finding.pk], [home.measure.pk])
    assert (coordinator["children"], coordinator["total"]) == (18, 21)
    focal = _get(world.home["area_focal"], f"{API}/consultations/{consultation.pk}").json()
    assert (focal["finding_ids"], focal["measure_ids"]) == ([], [home.measure.pk])


def test_contacts_are_null_for_administrators_and_analysts(world: World, social_actor: SocialActor) -> None:
    for role, shown in (("coordinator", True), ("secretariat", True), ("admin", False), ("analyst", False)):
        row = _get(world.home[role], f"{API}/actors/{social_actor.pk}").json()
        assert (row["contact_name"] == CONTACT_NAME) == shown, role
        assert shown or (row["contact_phone"] is None and row["contact_email"] is None)
        listed = _get(world.home[role], f"{API}/actors").json()["results"][0]
        assert (listed["contact_name"] == CONTACT_NAME) == shown, role


def test_a_seat_reads_through_the_api(world: World, consultation: Consultation) -> None:
    officer = world.home["protection_officer"]
    assert _get(officer, f"{API}/consultations/{consultation.pk}").status_code == 404
    seat(world, officer)
    assert _get(officer, f"{API}/consultations/{consultation.pk}").status_code == 200


def test_bad_links_are_a_422_and_write_nothing(
    world: World, home: Planning, away: Planning, social_actor: SocialActor
) -> None:
    coordinator = world.home["coordinator"]
    body = {
        "municipality_id": world.municipality.pk,
        "held_on": days_ago(2).isoformat(),
        "title": "Encuesta",
        "audience": "school",
        "method": "survey",
        "adults": 5,
        "summary": "Dijeron algo",
    }
    before = written()
    for extra in (
        {"finding_ids": [away.finding.pk]},
        {"measure_ids": [away.measure.pk]},
        {"council_session_id": 999999},
        {"held_on": days_ago(-3).isoformat()},
        {"summary": "  "},
        {"adults": -1},
        {"colour": "red"},
    ):
        response = _send(coordinator, "post", f"{API}/consultations", {**body, **extra})
        assert response.status_code == 422, (extra, response.content)
    assert written() == before
    stale = _send(coordinator, "patch", f"{API}/actors/{social_actor.pk}", {"version": 99, "role": "Otro"})
    assert stale.status_code == 409


def test_the_schema_lists_the_endpoints(world: World) -> None:
    from ronda.api import api

    paths = api.get_openapi_schema()["paths"]
    assert {"get", "post"} <= set(paths[f"{API}/consultations"])
    assert {"get", "patch", "delete"} <= set(paths[f"{API}/actors/{{actor_id}}"])
