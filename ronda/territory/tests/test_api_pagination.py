"""Org units by cursor (keyset pagination), the deprecated parameter names, and the shared filter."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.tests.cursor_walk import cursor_of, first_page_url, walk, walk_by_offset
from ronda.territory.models import Level, OrgUnit
from ronda.testing import World, api_token, login, make_unit

pytestmark = pytest.mark.django_db
URL = "/api/v1/org-units"


def auth(world: World, role: str = "admin") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[role])}"}


def paths(codes: list[str]) -> list[str]:
    by_code = dict(OrgUnit.objects.values_list("code", "path"))
    return [by_code[c] for c in codes]


def test_walking_by_cursor_returns_every_unit_once_in_tree_order_while_units_are_added(
    client: Client, world: World
) -> None:
    headers = auth(world)
    before = set(OrgUnit.objects.values_list("code", flat=True))
    added: dict[str, str] = {}

    def add_units(page: int) -> None:
        # Pages of three in tree order: A, A-R, A-M | A-M-C, A-M2, A-M2-C | B … After the second page the
        # whole subtree of A-M is behind the walk and B-M ahead of it: one new community in each.
        if page == 2:
            added["behind"] = make_unit("A-M-C9", Level.COMMUNITY, world.municipality, "Detrás").code
            added["ahead"] = make_unit("B-M-C9", Level.COMMUNITY, world.other_municipality, "Delante").code

    codes = [u["code"] for u in walk(client, URL, headers, limit=3, between=add_units)]
    assert len(codes) == len(set(codes))  # no unit twice
    assert paths(codes) == sorted(paths(codes))  # in tree order
    assert before <= set(codes)  # every unit there when the walk began
    assert added["ahead"] in codes and added["behind"] not in codes


def test_offset_pages_show_a_unit_twice_when_one_is_added_behind(client: Client, world: World) -> None:
    # What the cursor avoids: the same walk by offset shifts under the client.
    headers = auth(world)
    numbers = iter(range(5))

    def add_behind(page: int) -> None:
        make_unit(f"A-M-C{next(numbers)}", Level.COMMUNITY, world.municipality, "Comunidad nueva")

    codes = [u["code"] for u in walk_by_offset(client, URL, headers, limit=3, between=add_behind)]
    assert len(codes) > len(set(codes))


def test_cursor_pages_keep_the_filters_and_the_scope(client: Client, world: World) -> None:
    for number in range(5):
        make_unit(f"A-M-X{number}", Level.COMMUNITY, world.municipality, f"San Pedro {number}")
    headers = auth(world, "coordinator")
    url = f"{URL}?within_id={world.municipality.pk}&level=4&q=pedro"
    codes = [u["code"] for u in walk(client, url, headers, limit=2)]
    assert codes == [f"A-M-X{n}" for n in range(5)]
    offset_page = client.get(url + "&limit=500", **headers).json()
    assert [u["code"] for u in offset_page["results"]] == codes and offset_page["count"] == 5
    # The same rows as the offset list of the whole scope, in the same order.
    everything = client.get(f"{URL}?limit=500", **headers).json()["results"]
    assert walk(client, URL, headers, limit=3) == everything


def test_the_last_page_has_no_next(client: Client, world: World) -> None:
    body = client.get(first_page_url(URL, 500), **auth(world)).json()
    assert len(body["results"]) == 10 and body["next"] is None and body["next_cursor"] is None
    exact = client.get(first_page_url(URL, 10), **auth(world)).json()
    assert len(exact["results"]) == 10 and exact["next"] is None  # not a last, empty page


def test_next_link_keeps_the_query_and_drops_nothing_else(client: Client, world: World) -> None:
    body = client.get(f"{URL}?level=4&cursor=&limit=1", **auth(world)).json()
    assert body["next"].startswith(f"{URL}?level=4&cursor=") and body["next"].endswith("&limit=1")
    assert body["next_cursor"] in body["next"].replace("%3A", ":")


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_tampered_cursor_is_a_400_in_the_request_language(client: Client, world: World, language: str) -> None:
    headers = auth(world)
    cursor = cursor_of(client, URL, headers)
    value, _, signature = cursor.partition(":")
    for bad in (value + "A:" + signature, value + ":" + signature[:-2], "x", cursor[:-1], "🙂"):
        response = client.get(f"{URL}?cursor={bad}", HTTP_ACCEPT_LANGUAGE=language, **headers)
        assert response.status_code == 400, bad
        expected = {
            "es": "El cursor no es válido para esta lista: vuelva a empezar desde la primera página.",
            "en": "The cursor is not valid for this list: start again from the first page.",
        }[language]
        assert response.json() == {"message": expected}


def test_a_cursor_is_good_only_for_its_list_and_its_filters(client: Client, world: World) -> None:
    headers = auth(world)
    cursor = cursor_of(client, URL, headers)
    assert client.get(f"{URL}?cursor={cursor}", **headers).status_code == 200
    assert client.get(f"{URL}?cursor={cursor}&limit=7", **headers).status_code == 200  # the page size may change
    assert client.get(f"{URL}?cursor={cursor}&level=4", **headers).status_code == 400  # other filters
    for other in ("/api/v1/coordination/meetings", "/api/v1/planning/measures", "/api/v1/council/requests"):
        assert client.get(f"{other}?cursor={cursor}", **headers).status_code == 400, other


def test_a_cursor_with_an_offset_is_a_422(client: Client, world: World) -> None:
    headers = auth(world)
    response = client.get(f"{URL}?cursor=&offset=0", **headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "offset", "message": "Envíe offset o cursor, no ambos."}]


def test_a_cursor_page_does_not_count(client: Client, world: World) -> None:
    # ``walk`` fails on a COUNT query; an admin's first page by offset counts in the same query.
    assert len(walk(client, URL, auth(world), limit=4)) == 10


@pytest.mark.parametrize(("old", "new"), [("parent", "parent_id"), ("within", "within_id")])
def test_deprecated_parameter_names_still_work(client: Client, world: World, old: str, new: str) -> None:
    headers = auth(world)
    unit = world.municipality.pk

    def codes(query: str) -> list[str]:
        response = client.get(f"{URL}?{query}", **headers)
        assert response.status_code == 200, response.content
        return [u["code"] for u in response.json()["results"]]

    assert codes(f"{new}={unit}") == codes(f"{old}={unit}") != []
    assert codes(f"{new}={unit}&{old}={unit}") == codes(f"{new}={unit}")
    conflict = client.get(f"{URL}?{new}={unit}&{old}={world.region.pk}", **headers)
    assert conflict.status_code == 422 and [e["field"] for e in conflict.json()["errors"]] == [old]


def test_deprecated_and_new_names_give_the_same_cursor(client: Client, world: World) -> None:
    headers = auth(world)
    cursor = cursor_of(client, f"{URL}?within={world.region.pk}", headers)
    assert client.get(f"{URL}?within_id={world.region.pk}&cursor={cursor}", **headers).status_code == 200


def test_page_and_api_search_alike(client: Client, world: World) -> None:
    # One filter (selectors.filter_org_units) for the unit page's children and the API: spaces around
    # the text are ignored by both.
    make_unit("A-M-Z", Level.COMMUNITY, world.municipality, "Zamora Huayco")
    headers = auth(world, "coordinator")
    api = client.get(f"{URL}?parent_id={world.municipality.pk}&q=%20zamora%20", **headers).json()["results"]
    assert [u["code"] for u in api] == ["A-M-Z"]
    login(client, world.home["coordinator"])
    page = client.get(reverse("territory:unit_detail", args=[world.municipality.pk]), {"q": " zamora "})
    assert [child.code for child in page.context["page"]] == ["A-M-Z"]


def test_cursor_list_queries_do_not_grow(client: Client, world: World) -> None:
    from ronda.testing import assert_queries_do_not_grow

    numbers = iter(range(100))

    def add(n: int) -> Any:
        for _ in range(n):
            k = next(numbers)
            make_unit(f"A-M-Q{k}", Level.COMMUNITY, world.municipality, f"Q {k}")

    url = f"{URL}?within_id={world.municipality.pk}&cursor=&limit=500"
    assert_queries_do_not_grow(client, url, add, ceiling=4, extra=auth(world, "coordinator"), contains=["A-M-Q"])
