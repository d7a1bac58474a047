from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ronda.core.roles import Role
from ronda.defenders.models import Activity, Defender, Defensoria, Event
from ronda.defenders.tests.conftest import DEFENDER_NAME, this_year_day
from ronda.defenders.tests.test_views import state
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

BASE = "/api/v1/defenders"
NONE = {r: 404 for r in Role.values}
DETAIL = dict(NONE, admin=200, coordinator=200, supervisor=200, defender=200)
EDITORS = dict(NONE, supervisor=200, defender=200)
CREATED = dict(NONE, supervisor=201, defender=201)


def test_list_defensorias_matrix(world: World, defensoria: Defensoria) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/defensorias",
        expected=DETAIL,
        api=True,
        away={"defender": 200, "coordinator": 200, "supervisor": 200},
    )


def test_list_is_scoped_and_names_nobody(
    client: Client, world: World, defensoria: Defensoria, other_defensoria: Defensoria, defender: Defender
) -> None:
    token = api_token(world.home["coordinator"])
    response = client.get(f"{BASE}/defensorias", HTTP_AUTHORIZATION=f"Bearer {token}")
    body = response.json()
    assert [d["id"] for d in body["results"]] == [defensoria.pk]
    assert DEFENDER_NAME not in response.content.decode()


def test_get_defensoria_matrix(world: World, defensoria: Defensoria) -> None:
    check_access_matrix(world, url=f"{BASE}/defensorias/{defensoria.pk}", expected=DETAIL, api=True)


def test_patch_defensoria_matrix(world: World, defensoria: Defensoria) -> None:
    def data(w: World) -> dict[str, Any]:
        return {"version": Defensoria.objects.get(pk=defensoria.pk).version, "opening_hours": "Lunes"}

    check_access_matrix(
        world,
        url=f"{BASE}/defensorias/{defensoria.pk}",
        method="patch",
        data=data,
        expected=EDITORS,
        api=True,
        state=state,
    )


def test_patch_conflict(client: Client, world: World, defensoria: Defensoria) -> None:
    token = api_token(world.home["supervisor"])
    url = f"{BASE}/defensorias/{defensoria.pk}"
    auth = f"Bearer {token}"

    def patch(body: dict[str, Any]) -> int:
        return client.patch(url, body, content_type="application/json", HTTP_AUTHORIZATION=auth).status_code

    assert patch({"version": 1, "name": "Nueva"}) == 200
    assert patch({"version": 1, "name": "Otra"}) == 409
    assert Defensoria.objects.get(pk=defensoria.pk).name == "Nueva"


def test_get_plan_matrix(world: World, defensoria: Defensoria, activity: Activity) -> None:
    year = timezone.localdate().year
    check_access_matrix(world, url=f"{BASE}/defensorias/{defensoria.pk}/plans/{year}", expected=DETAIL, api=True)


def test_create_activity_matrix(world: World, defensoria: Defensoria) -> None:
    data = {"component": "c2", "title": "Asamblea", "planned_on": this_year_day().isoformat(), "budget": "12.50"}
    check_access_matrix(
        world,
        url=f"{BASE}/defensorias/{defensoria.pk}/activities",
        method="post",
        data=data,
        expected=CREATED,
        api=True,
        state=state,
    )
    assert Activity.objects.filter(plan__defensoria=defensoria).count() == 2


def test_create_activity_outside_the_year_is_422(
    client: Client, world: World, defensoria: Defensoria, activity: Activity
) -> None:
    # The plan of the date's year is chosen: a date of a year not yet open opens that year's plan; a date
    # too far ahead is refused by the plan's year rule.
    token = api_token(world.home["defender"])
    data = {"component": "c2", "title": "Asamblea", "planned_on": f"{timezone.localdate().year + 5}-01-01"}
    response = client.post(
        f"{BASE}/defensorias/{defensoria.pk}/activities",
        data,
        HTTP_AUTHORIZATION=f"Bearer {token}",
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Activity.objects.count() == 1


def test_patch_activity_matrix(world: World, activity: Activity) -> None:
    def data(w: World) -> dict[str, Any]:
        return {
            "version": Activity.objects.get(pk=activity.pk).version,
            "status": "cancelled",
            "cancel_reason": "Lluvia",
        }

    check_access_matrix(
        world,
        url=f"{BASE}/activities/{activity.pk}",
        method="patch",
        data=data,
        expected=EDITORS,
        api=True,
        state=state,
    )


def test_list_events_matrix(world: World, defensoria: Defensoria, event: Event) -> None:
    check_access_matrix(world, url=f"{BASE}/defensorias/{defensoria.pk}/events", expected=DETAIL, api=True)


def test_create_event_matrix(world: World, defensoria: Defensoria) -> None:
    data = {
        "kind": "health_fair",
        "title": "Feria de salud",
        "held_on": this_year_day().isoformat(),
        "component": "c3",
        "held": True,
        "attendance": [{"sex": "f", "age_band": "0-5", "count": 3}],
    }
    check_access_matrix(
        world,
        url=f"{BASE}/defensorias/{defensoria.pk}/events",
        method="post",
        data=data,
        expected=CREATED,
        api=True,
        state=state,
    )
    assert Event.objects.filter(defensoria=defensoria).count() == 2


def test_patch_event_matrix(world: World, event: Event) -> None:
    def data(w: World) -> dict[str, Any]:
        return {
            "version": Event.objects.get(pk=event.pk).version,
            "attendance": [{"sex": "m", "age_band": "18+", "count": 1}],
        }

    check_access_matrix(
        world, url=f"{BASE}/events/{event.pk}", method="patch", data=data, expected=EDITORS, api=True, state=state
    )
    assert event.attendance.get(sex="m", age_band="18+").count == 1


def test_event_in_future_held_is_422(client: Client, world: World, defensoria: Defensoria) -> None:
    token = api_token(world.home["defender"])
    data = {
        "kind": "walk",
        "title": "Caminata",
        "held_on": f"{timezone.localdate().year + 1}-01-01",
        "component": "c5",
        "held": True,
    }
    response = client.post(
        f"{BASE}/defensorias/{defensoria.pk}/events",
        data,
        HTTP_AUTHORIZATION=f"Bearer {token}",
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Event.objects.exists()
