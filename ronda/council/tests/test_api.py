from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.council import services
from ronda.council.models import ChildrenCouncil, CouncilMember, CouncilRequest
from ronda.council.tests.conftest import MEMBER_NAMES, days_ago
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
# Supervisors read the council of their municipality without the children's names.
READERS = dict(NONE, admin=200, coordinator=200, secretariat=200, analyst=200, supervisor=200)
REQUEST_READERS = dict(READERS, area_focal=200)
BASE = "/api/v1/council"


def auth(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def state(pk: int) -> Any:
    return (
        CouncilRequest.objects.values_list("status", "title", "version").get(pk=pk),
        CouncilRequest.objects.count(),
        AuditEvent.objects.filter(target_type="council.councilrequest").count(),
    )


# --- Access matrices ----------------------------------------------------------------------------
def test_councils_matrix(world: World, council: ChildrenCouncil) -> None:
    away = {"secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200}
    check_access_matrix(world, url=f"{BASE}/councils", expected=READERS, api=True, away=away)


def test_request_list_matrix(world: World, council_request: CouncilRequest) -> None:
    away = {"secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200, "area_focal": 200}
    check_access_matrix(world, url=f"{BASE}/requests", expected=REQUEST_READERS, api=True, away=away)
    check_access_matrix(
        world, url=f"{BASE}/requests?council={council_request.council_id}", expected=REQUEST_READERS, api=True
    )


def test_request_detail_matrix(world: World, council_request: CouncilRequest, hidden_request: CouncilRequest) -> None:
    check_access_matrix(world, url=f"{BASE}/requests/{council_request.pk}", expected=REQUEST_READERS, api=True)
    check_access_matrix(world, url=f"{BASE}/requests/{hidden_request.pk}", expected=READERS, api=True)


def test_request_create_matrix(world: World, council: ChildrenCouncil) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/requests",
        method="post",
        data=lambda w: {
            "council": council.pk,
            "title": "Juegos inclusivos",
            "description": "Columpios para todos.",
            "routed_area": w.area.pk,
            "received_on": days_ago(1).isoformat(),
        },
        expected=dict(NONE, admin=201, coordinator=201),
        api=True,
        state=lambda: (CouncilRequest.objects.count(), AuditEvent.objects.count()),
    )
    assert CouncilRequest.objects.count() == 2


def test_request_update_matrix(world: World, council_request: CouncilRequest) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/requests/{council_request.pk}",
        method="patch",
        data=lambda w: {"title": "Agua para todos", "version": CouncilRequest.objects.get().version},
        expected=dict(NONE, admin=200, coordinator=200),
        api=True,
        state=lambda: state(council_request.pk),
    )
    assert CouncilRequest.objects.get().title == "Agua para todos"


def test_request_transition_matrix(world: World, council_request: CouncilRequest) -> None:
    def data(w: World) -> dict[str, Any]:
        current = CouncilRequest.objects.get(pk=council_request.pk)
        return {"status": services.allowed_transitions(current)[0], "answer": "¡Sí!", "version": current.version}

    check_access_matrix(
        world,
        url=f"{BASE}/requests/{council_request.pk}/transition",
        method="post",
        data=data,
        expected=dict(NONE, admin=200, coordinator=200),
        api=True,
        state=lambda: state(council_request.pk),
    )
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "accepted"


# --- Behaviour ------------------------------------------------------------------------------------
def test_list_filters_and_scope(
    client: Client,
    world: World,
    council: ChildrenCouncil,
    other_council: ChildrenCouncil,
    council_request: CouncilRequest,
    hidden_request: CouncilRequest,
) -> None:
    late = services.create_request(
        actor=SYSTEM,
        council=council,
        title="Atrasado",
        description="D",
        routed_area=world.area,
        received_on=days_ago(40),
    )
    services.create_request(
        actor=SYSTEM, council=other_council, title="Otro país", description="D", received_on=days_ago(40)
    )
    headers = auth(world.home["coordinator"])

    def ids(query: str = "") -> list[int]:
        response = client.get(f"{BASE}/requests{query}", **headers)
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert sorted(ids()) == sorted([council_request.pk, hidden_request.pk, late.pk])
    assert ids("?overdue=true") == [late.pk]
    assert late.pk not in ids("?overdue=false")
    assert sorted(ids(f"?area={world.area.pk}")) == sorted([council_request.pk, late.pk])
    assert ids("?status=received&limit=1&offset=0") and len(ids("?status=received&limit=1")) == 1
    assert ids("?status=implemented") == []
    focal = client.get(f"{BASE}/requests", **auth(world.home["area_focal"])).json()
    assert {r["id"] for r in focal["results"]} == {council_request.pk, late.pk}
    body = client.get(f"{BASE}/requests/{late.pk}", **headers).json()
    assert body["is_overdue"] is True and body["routed_area_name"] == "Salud"
    assert body["allowed_transitions"] == ["under_study", "accepted", "partly_accepted", "rejected"]
    assert client.get(f"{BASE}/requests?council={other_council.pk}", **headers).status_code == 404


@pytest.mark.parametrize("query", ["status=lost", "overdue=maybe", "limit=0", "limit=1000", "bogus=1", "area=x"])
def test_invalid_filters_422(client: Client, world: World, council: ChildrenCouncil, query: str) -> None:
    response = client.get(f"{BASE}/requests?{query}", **auth(world.home["coordinator"]))
    assert response.status_code == 422
    assert response.json()["errors"]


def test_councils_list_has_counts_not_members(
    client: Client, world: World, council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    response = client.get(f"{BASE}/councils", **auth(world.home["analyst"]))
    [row] = response.json()["results"]
    assert row["id"] == council.pk and row["active_members"] == 2
    assert not any(name in response.content.decode() for name in MEMBER_NAMES)
    assert client.get(f"{BASE}/councils?x=1", **auth(world.home["analyst"])).status_code == 422


def test_members_are_not_in_the_api(client: Client, world: World, members: list[CouncilMember]) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    council_paths = [p for p in schema["paths"] if p.startswith(BASE)]
    assert council_paths and not any("member" in p or "miembro" in p for p in council_paths)
    assert client.get(f"{BASE}/members", **auth(world.home["admin"])).status_code == 404


def test_create_defaults_to_own_council_and_computes_due(
    client: Client, world: World, council: ChildrenCouncil
) -> None:
    received = days_ago(3)
    response = client.post(
        f"{BASE}/requests",
        {"title": "Luces", "description": "Más luz.", "received_on": received.isoformat(), "kind": "proposal"},
        content_type="application/json",
        **auth(world.home["coordinator"]),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["council_id"] == council.pk and body["kind"] == "proposal"
    assert body["due_on"] == (received + dt.timedelta(days=30)).isoformat()
    assert body["status"] == "received" and body["version"] == 1


def test_admin_must_name_the_council(client: Client, world: World, council: ChildrenCouncil) -> None:
    response = client.post(
        f"{BASE}/requests",
        {"title": "T", "description": "D", "received_on": days_ago(1).isoformat()},
        content_type="application/json",
        **auth(world.home["admin"]),
    )
    assert response.status_code == 422
    # Named neither way: the error names the field by its name under the naming rule (docs/api.md).
    assert response.json()["errors"][0]["field"] == "council_id"
    assert not CouncilRequest.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "T", "description": "D", "received_on": "2020-01-01", "surprise": 1}, "surprise"),
        ({"title": "T", "description": "D"}, "received_on"),
        ({"title": "", "description": "D", "received_on": "2020-01-01"}, "title"),
        ({"title": "T", "description": "D", "received_on": "2020-01-01", "due_on": "2019-01-01"}, "due_on"),
        ({"title": "T", "description": "D", "received_on": "2020-01-01", "routed_area": 999999}, "routed_area"),
        ({"title": "T", "description": "D", "received_on": "2020-01-01", "kind": "complaint"}, "kind"),
    ],
)
def test_create_validation_422_writes_nothing(
    client: Client, world: World, council: ChildrenCouncil, body: dict[str, Any], field: str
) -> None:
    response = client.post(f"{BASE}/requests", body, content_type="application/json", **auth(world.home["coordinator"]))
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not CouncilRequest.objects.exists()


def test_create_rejects_area_of_another_municipality(client: Client, world: World, council: ChildrenCouncil) -> None:
    response = client.post(
        f"{BASE}/requests",
        {"title": "T", "description": "D", "received_on": days_ago(1).isoformat(), "routed_area": world.other_area.pk},
        content_type="application/json",
        **auth(world.home["coordinator"]),
    )
    assert response.status_code == 422
    assert not CouncilRequest.objects.exists()


def test_update_conflict_409(client: Client, world: World, council_request: CouncilRequest) -> None:
    headers = auth(world.home["coordinator"])
    url = f"{BASE}/requests/{council_request.pk}"
    first = client.patch(url, {"title": "Uno", "version": 1}, content_type="application/json", **headers)
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.patch(url, {"title": "Dos", "version": 1}, content_type="application/json", **headers)
    assert second.status_code == 409 and second.json()["message"]
    assert CouncilRequest.objects.get(pk=council_request.pk).title == "Uno"
    missing = client.patch(url, {"title": "Tres"}, content_type="application/json", **headers)
    assert missing.status_code == 422


def test_update_nullable_fields(client: Client, world: World, council_request: CouncilRequest) -> None:
    headers = auth(world.home["coordinator"])
    url = f"{BASE}/requests/{council_request.pk}"
    cleared = client.patch(url, {"session": None, "version": 1}, content_type="application/json", **headers)
    assert cleared.status_code == 200 and cleared.json()["session_id"] is None
    assert cleared.json()["routed_area_id"] == world.area.pk  # untouched fields stay
    bad = client.patch(url, {"title": None, "version": 2}, content_type="application/json", **headers)
    assert bad.status_code == 422


def test_transition_through_the_api(client: Client, world: World, council_request: CouncilRequest) -> None:
    headers = auth(world.home["coordinator"])
    url = f"{BASE}/requests/{council_request.pk}/transition"

    def post(body: dict[str, Any]) -> Any:
        return client.post(url, body, content_type="application/json", **headers)

    invalid = post({"status": "implemented", "version": 1})
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "status"
    no_answer = post({"status": "accepted", "version": 1})
    assert no_answer.status_code == 422 and no_answer.json()["errors"][0]["field"] == "answer"
    answered = post({"status": "accepted", "answer": "¡Sí! Lo haremos.", "version": 1, "on": days_ago(1).isoformat()})
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert body["status"] == "accepted" and body["answered_on"] == days_ago(1).isoformat()
    assert body["answered_on_time"] is True and body["allowed_transitions"] == ["implemented"]
    assert post({"status": "implemented", "version": 1}).status_code == 409
    assert post({"status": "closed", "version": 2}).status_code == 422
    done = post({"status": "implemented", "version": 2})
    assert done.status_code == 200 and done.json()["implemented_on"]


def test_unknown_request_is_json_404(client: Client, world: World) -> None:
    for url in (f"{BASE}/requests/999999", f"{BASE}/requests/abc"):
        response = client.get(url, **auth(world.home["admin"]))
        assert response.status_code == 404
        assert response.json()["message"]


def test_api_refuses_a_members_name_unless_confirmed(
    client: Client, world: World, council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    name = members[0].first_name
    body = {"title": "Parque", "description": f"{name} pidió columpios", "received_on": days_ago(1).isoformat()}
    refused = client.post(f"{BASE}/requests", body, content_type="application/json", **auth(world.home["coordinator"]))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "description"
    assert not CouncilRequest.objects.exists()
    confirmed = client.post(
        f"{BASE}/requests",
        {**body, "confirm_no_names": True},
        content_type="application/json",
        **auth(world.home["coordinator"]),
    )
    assert confirmed.status_code == 201


def test_ids_beyond_64_bits_and_empty_titles_are_422(client: Client, world: World, council: ChildrenCouncil) -> None:
    headers = auth(world.home["coordinator"])
    for query in ("council=99999999999999999999999", "area=-99999999999999999999999"):
        assert client.get(f"/api/v1/council/requests?{query}", **headers).status_code == 422
    body = {"kind": "request", "title": "", "description": "", "received_on": "2026-03-01"}
    response = client.post("/api/v1/council/requests", body, content_type="application/json", **headers)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"title", "description"}
    assert "vacío" in response.json()["errors"][0]["message"]


def test_an_answer_with_warnings_needs_confirm(client: Client, world: World, council_request: CouncilRequest) -> None:
    headers = auth(world.home["coordinator"])
    url = f"{BASE}/requests/{council_request.pk}/transition"
    jargon = "La DIS del GAD coordinará con el MSP y el MINEDUC las acciones conforme al POA."
    body = {"status": "accepted", "answer": jargon, "version": 1}
    refused = client.post(url, body, content_type="application/json", **headers)
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert errors[0]["field"] == "answer" and any("MINEDUC" in e["message"] for e in errors)
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "received"
    confirmed = client.post(url, {**body, "confirm": True}, content_type="application/json", **headers)
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["answer"] == jargon
    # A later edit of the published answer follows the same rule.
    patch_url = f"{BASE}/requests/{council_request.pk}"
    edit = {"answer": jargon + " Y el MIES.", "version": 2}
    assert client.patch(patch_url, edit, content_type="application/json", **headers).status_code == 422
    edited = client.patch(patch_url, {**edit, "confirm": True}, content_type="application/json", **headers)
    assert edited.status_code == 200, edited.content
