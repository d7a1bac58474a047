from __future__ import annotations

import pytest

from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

ROLES = ["admin", "secretariat", "coordinator", "area_focal", "defender", "protection_officer", "supervisor", "analyst"]
# An independent evaluator (#14) reaches no org unit by territory.
NOT_EVALUATOR = {"evaluator": 404}


def test_org_unit_detail_matrix(world: World) -> None:
    check_access_matrix(
        world,
        url=lambda w: f"/api/v1/org-units/{w.community.pk}",
        expected={**{r: 200 for r in ROLES}, **NOT_EVALUATOR},
        api=True,
    )


def test_municipality_detail_hidden_from_defender(world: World) -> None:
    expected = {**{r: 200 for r in ROLES}, **NOT_EVALUATOR}
    expected["defender"] = 404
    check_access_matrix(world, url=lambda w: f"/api/v1/org-units/{w.municipality.pk}", expected=expected, api=True)


def test_list_is_scoped_and_filtered(client, world: World) -> None:
    token = api_token(world.home["coordinator"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    everything = client.get("/api/v1/org-units?limit=500", **auth).json()
    codes = {u["code"] for u in everything["results"]}
    assert codes == {"A-M", "A-M-C"}
    assert everything["count"] == 2
    communities = client.get(f"/api/v1/org-units?level=4&parent={world.municipality.pk}", **auth).json()
    assert [u["code"] for u in communities["results"]] == ["A-M-C"]
    outside = client.get(f"/api/v1/org-units?within={world.other_municipality.pk}", **auth)
    assert outside.status_code == 404


def test_within_lists_subtree_for_admin(client, world: World) -> None:
    token = api_token(world.home["admin"])
    data = client.get(
        f"/api/v1/org-units?within={world.region.pk}&level=4", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert {u["code"] for u in data["results"]} == {"A-M-C", "A-M2-C"}


@pytest.mark.parametrize("query", ["level=9", "level=abc", "limit=0", "limit=100000", "offset=-1", "bogus=1"])
def test_invalid_filters_422_with_field(client, world: World, query: str) -> None:
    token = api_token(world.home["admin"])
    response = client.get(f"/api/v1/org-units?{query}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    body = response.json()
    assert body["message"]
    assert body["errors"] and all(e["field"] and e["message"] for e in body["errors"])


def test_unknown_id_and_bad_path_are_json_404(client, world: World) -> None:
    token = api_token(world.home["admin"])
    for url in ["/api/v1/org-units/999999", "/api/v1/org-units/abc"]:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["message"]


def test_count_is_the_whole_result_whatever_the_page(client, world: World) -> None:
    token = api_token(world.home["admin"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    first = client.get("/api/v1/org-units?limit=2", **auth).json()
    assert first["count"] == 10 and len(first["results"]) == 2
    beyond = client.get("/api/v1/org-units?limit=2&offset=50", **auth).json()
    assert beyond["count"] == 10 and beyond["results"] == []
    codes = [u["code"] for u in client.get("/api/v1/org-units?limit=500", **auth).json()["results"]]
    from ronda.territory.models import OrgUnit

    paths = dict(OrgUnit.objects.values_list("code", "path"))
    assert [paths[c] for c in codes] == sorted(paths.values())  # every unit, in tree (path) order


def test_within_own_unit_and_within_a_unit_outside_scope(client, world: World) -> None:
    token = api_token(world.home["coordinator"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    own = client.get(f"/api/v1/org-units?within={world.municipality.pk}", **auth).json()
    assert {u["code"] for u in own["results"]} == {"A-M", "A-M-C"}
    # The region above the coordinator exists, but it is outside their scope: 404, nothing listed.
    assert client.get(f"/api/v1/org-units?within={world.region.pk}", **auth).status_code == 404
    defender = api_token(world.home["defender"])
    mine = client.get(f"/api/v1/org-units?within={world.community.pk}", HTTP_AUTHORIZATION=f"Bearer {defender}").json()
    assert [u["code"] for u in mine["results"]] == ["A-M-C"]
