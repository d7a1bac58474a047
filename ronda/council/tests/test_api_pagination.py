"""Council requests by cursor, the filters the request page and the API share
(``selectors.filter_requests``), and the new reference names with their deprecated aliases, in the
query and in the bodies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.tenancy import SYSTEM
from ronda.core.tests.cursor_walk import cursor_of, walk
from ronda.council import services
from ronda.council.models import ChildrenCouncil, CouncilRequest, CouncilSession
from ronda.council.tests.conftest import days_ago
from ronda.council.tests.test_query_counts import Rows
from ronda.territory.models import Area
from ronda.testing import World, api_token, assert_queries_do_not_grow, login

pytestmark = pytest.mark.django_db
BASE = "/api/v1/council"


def auth(world: World, role: str = "coordinator") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[role])}"}


def new_request(council: ChildrenCouncil, days: int, title: str = "Solicitud", **fields: Any) -> CouncilRequest:
    return services.create_request(
        actor=SYSTEM, council=council, title=title, description="Pedimos juegos.", received_on=days_ago(days), **fields
    )


def ids(client: Client, url: str, headers: dict[str, str]) -> list[int]:
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_requests_by_cursor_every_request_once_in_order_while_requests_are_added(
    client: Client, world: World, council: ChildrenCouncil, council_request: CouncilRequest
) -> None:
    for _ in range(6):
        new_request(council, 20)  # six received on one day: the id breaks the tie
    behind: list[int] = []

    def add(page: int) -> None:
        behind.append(new_request(council, 0, "Hoy").pk)  # the latest first: behind the walk
        new_request(council, 300 + page, "Antigua")  # older than all: ahead of it

    headers = auth(world)
    walked = [r["id"] for r in walk(client, f"{BASE}/requests", headers, limit=2, between=add)]
    listed = ids(client, f"{BASE}/requests?limit=200", headers)
    assert walked == [pk for pk in listed if pk not in behind] and len(set(walked)) == len(walked)


def test_a_cursor_is_good_for_its_filters_only(
    client: Client, world: World, council: ChildrenCouncil, council_request: CouncilRequest
) -> None:
    new_request(council, 30)
    headers = auth(world)
    cursor = cursor_of(client, f"{BASE}/requests?council_id={council.pk}", headers)
    assert client.get(f"{BASE}/requests?council={council.pk}&cursor={cursor}", **headers).status_code == 200
    assert client.get(f"{BASE}/requests?cursor={cursor}", **headers).status_code == 400
    assert (
        client.get(f"{BASE}/requests?council_id={council.pk}&kind=request&cursor={cursor}", **headers).status_code
        == 400
    )


def test_page_and_api_filter_requests_alike(
    client: Client,
    world: World,
    council: ChildrenCouncil,
    session: CouncilSession,
    council_request: CouncilRequest,
    hidden_request: CouncilRequest,
    education: Area,
) -> None:
    late = new_request(council, 60, "Parque con juegos", routed_area=world.area, kind="proposal")
    answered = new_request(council, 40, "Bebederos", routed_area=education)
    services.transition_request(
        actor=SYSTEM,
        council_request=answered,
        expected_version=None,
        status="accepted",
        answer="Sí, en enero.",
        on=days_ago(1),
    )
    headers = auth(world)
    login(client, world.home["coordinator"])
    cases = [  # the page's Spanish parameters, the API's
        ({"estado": "abiertas"}, "status_group=open"),
        ({"estado": "respondidas"}, "status_group=answered"),
        ({"estado": "accepted"}, "status=accepted"),
        ({"vencidas": "1"}, "overdue=true"),
        ({"area": world.area.pk}, f"routed_area_id={world.area.pk}"),
        ({"tipo": "proposal"}, "kind=proposal"),
        ({"sesion": session.pk}, f"session_id={session.pk}"),
        ({"q": " juegos "}, "q=%20juegos%20"),
        ({"q": "BEBEDEROS"}, "q=BEBEDEROS"),
    ]
    for page_query, api_query in cases:
        page = client.get(reverse("council:request_list"), {"consejo": council.pk, **page_query}).context["page"]
        api = ids(client, f"{BASE}/requests?council_id={council.pk}&{api_query}", headers)
        assert [r.pk for r in page] == api != [], page_query
    assert ids(client, f"{BASE}/requests?overdue=true", headers) == [late.pk]
    assert ids(client, f"{BASE}/requests?status_group=answered", headers) == [answered.pk]


@pytest.mark.parametrize("query", ["status_group=all", "kind=complaint", "session_id=0", "q=" + "x" * 101])
def test_new_filters_validate(client: Client, world: World, council: ChildrenCouncil, query: str) -> None:
    response = client.get(f"{BASE}/requests?{query}", **auth(world))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == query.split("=")[0]


@pytest.mark.parametrize(("old", "new"), [("council", "council_id"), ("area", "routed_area_id")])
def test_old_and_new_filter_names(
    client: Client,
    world: World,
    council: ChildrenCouncil,
    other_council: ChildrenCouncil,
    council_request: CouncilRequest,
    hidden_request: CouncilRequest,
    education: Area,
    old: str,
    new: str,
) -> None:
    headers = auth(world, "admin")
    value, other = (council.pk, other_council.pk) if new == "council_id" else (world.area.pk, education.pk)
    new_request(other_council, 3)
    assert ids(client, f"{BASE}/requests?{new}={value}", headers) == ids(
        client, f"{BASE}/requests?{old}={value}", headers
    )
    assert ids(client, f"{BASE}/requests?{new}={value}", headers) != ids(client, f"{BASE}/requests", headers)
    conflict = client.get(f"{BASE}/requests?{new}={value}&{old}={other}", **headers)
    assert conflict.status_code == 422 and [e["field"] for e in conflict.json()["errors"]] == [old]


def test_bodies_take_the_new_names(
    client: Client, world: World, council: ChildrenCouncil, session: CouncilSession, education: Area
) -> None:
    headers = auth(world, "admin")
    body = {
        "council_id": council.pk,
        "title": "Juegos inclusivos",
        "description": "Columpios para todos.",
        "routed_area_id": world.area.pk,
        "session_id": session.pk,
        "received_on": days_ago(1).isoformat(),
    }
    created = client.post(f"{BASE}/requests", body, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["council_id"], data["routed_area_id"], data["session_id"]) == (council.pk, world.area.pk, session.pk)
    url = f"{BASE}/requests/{data['id']}"
    moved = client.patch(
        url, {"version": 1, "routed_area_id": education.pk}, content_type="application/json", **headers
    )
    assert moved.status_code == 200 and moved.json()["routed_area_id"] == education.pk
    cleared = client.patch(url, {"version": 2, "session_id": None}, content_type="application/json", **headers)
    assert cleared.status_code == 200 and cleared.json()["session_id"] is None
    assert cleared.json()["routed_area_id"] == education.pk  # untouched


@pytest.mark.parametrize(("old", "new"), [("routed_area", "routed_area_id"), ("session", "session_id")])
def test_an_error_names_the_field_as_it_was_sent(
    client: Client, world: World, council: ChildrenCouncil, session: CouncilSession, old: str, new: str
) -> None:
    headers = auth(world)
    body = {"title": "T", "description": "D", "received_on": days_ago(1).isoformat()}
    for name in (old, new):
        response = client.post(f"{BASE}/requests", {**body, name: 999999}, content_type="application/json", **headers)
        assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == [name]
    both = client.post(
        f"{BASE}/requests", {**body, old: session.pk, new: 999999}, content_type="application/json", **headers
    )
    assert both.status_code == 422 and [e["field"] for e in both.json()["errors"]] == [old]
    assert not CouncilRequest.objects.exists()


def test_cursor_pages_do_not_grow_in_queries(
    client: Client, world: World, council: ChildrenCouncil, session: CouncilSession
) -> None:
    rows = Rows(world, council, session)
    url = f"{BASE}/requests?cursor=&limit=100"
    assert_queries_do_not_grow(client, url, rows, ceiling=8, extra=auth(world), contains=["Solicitud 4"])
