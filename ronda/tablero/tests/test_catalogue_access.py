"""Who reaches every catalogue page and endpoint: everyone in scope reads, the secretariat manages
the national catalogue, a coordinator the municipality's additions; the rest answers 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ronda.core.roles import Role
from ronda.tablero.models import CategoryOptionCombo, DataElement, Indicator
from ronda.tablero.tests.catalogue_world import Catalogue, build_catalogue, new_code
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
# Every reader of the Tablero; an evaluator reads only their certification assignments (404 here).
ALL = dict.fromkeys(ROLES, 200) | {"evaluator": 404}
NONE = dict.fromkeys(ROLES, 404)
NATIONAL_MANAGERS = dict(NONE, admin=200, secretariat=200)
LOCAL_MANAGERS = dict(NONE, admin=200, coordinator=200)
CREATORS = dict(NONE, admin=200, secretariat=200, coordinator=200)
# Away users in country A (the sibling municipality) read the national catalogue of A.
NATIONAL_AWAY = {"secretariat": 404, "analyst": 404, **dict.fromkeys(("coordinator", "area_focal", "defender"), 200)}
NATIONAL_AWAY |= {"protection_officer": 200, "supervisor": 200}
# A municipal addition is read in the municipality (a community's defender does not see it).
LOCAL_READERS = dict(ALL, defender=404)
KINDS = ("elementos", "indicadores", "conjuntos", "categorias", "desagregaciones")
API = "/api/v1/tablero"


@pytest.fixture
def cat(world: World) -> Catalogue:
    return build_catalogue(world)


def _objects(cat: Catalogue) -> dict[str, Any]:
    return {
        "elementos": cat.element,
        "indicadores": cat.indicator,
        "conjuntos": cat.data_set,
        "categorias": cat.sex,
        "desagregaciones": cat.combo,
    }


# --- Pages ----------------------------------------------------------------------------------
def test_the_index_and_lists_are_read_by_everyone_in_scope(world: World, cat: Catalogue) -> None:
    check_access_matrix(world, url=reverse("tablero:catalogue"), expected=ALL, away=ALL)
    for kind in KINDS:
        check_access_matrix(world, url=reverse("tablero:catalogue_list", args=[kind]), expected=ALL, away=ALL)


def test_details_follow_the_owner(world: World, cat: Catalogue) -> None:
    for kind, obj in _objects(cat).items():
        url = reverse("tablero:catalogue_detail", args=[kind, obj.pk])
        check_access_matrix(world, url=url, expected=ALL, away=NATIONAL_AWAY)
    url = reverse("tablero:catalogue_detail", args=["elementos", cat.local.pk])
    check_access_matrix(world, url=url, expected=LOCAL_READERS)


def test_create_pages_for_those_who_manage_a_catalogue(world: World, cat: Catalogue) -> None:
    for kind in KINDS:
        url = reverse("tablero:catalogue_create", args=[kind])
        check_access_matrix(world, url=url, expected=CREATORS, away={"secretariat": 200, "coordinator": 200})


def test_create_post(world: World, cat: Catalogue) -> None:
    def data(_w: World) -> dict[str, Any]:
        return {
            "owner": world.country.pk,
            "code": new_code(),
            "name": "Nuevo",
            "value_type": "INTEGER",
            "aggregation_type": "SUM",
        }

    check_access_matrix(
        world,
        url=reverse("tablero:catalogue_create", args=["elementos"]),
        method="post",
        data=data,
        expected=dict(NONE, admin=302, secretariat=302, coordinator=302),
        away={"secretariat": 302, "coordinator": 302},
        state=lambda: DataElement.objects.count(),
    )


def test_edit_pages_follow_the_owner(world: World, cat: Catalogue) -> None:
    for kind, obj in _objects(cat).items():
        url = reverse("tablero:catalogue_edit", args=[kind, obj.pk])
        check_access_matrix(world, url=url, expected=NATIONAL_MANAGERS)
    url = reverse("tablero:catalogue_edit", args=["elementos", cat.local.pk])
    check_access_matrix(world, url=url, expected=LOCAL_MANAGERS)


def test_edit_and_archive_posts(world: World, cat: Catalogue) -> None:
    def edit(_w: World) -> dict[str, Any]:
        element = DataElement.objects.get(pk=cat.element.pk)
        return {
            "code": "VAC",
            "name": "Vacunados",
            "value_type": "INTEGER_ZERO_OR_POSITIVE",
            "aggregation_type": "SUM",
            "category_combo": cat.combo.pk,
            "version": element.version,
        }

    def state() -> tuple[str, int]:
        element = DataElement.objects.get(pk=cat.element.pk)
        return element.name, element.version

    expected = dict(NONE, admin=302, secretariat=302)
    url = reverse("tablero:catalogue_edit", args=["elementos", cat.element.pk])
    check_access_matrix(world, url=url, method="post", data=edit, expected=expected, state=state)
    url = reverse("tablero:catalogue_archive", args=["elementos", cat.element.pk])

    def archive(_w: World) -> dict[str, Any]:
        return {"version": DataElement.objects.get(pk=cat.element.pk).version, "archived": "on"}

    check_access_matrix(world, url=url, method="post", data=archive, expected=expected, state=state)


def test_the_formula_check(world: World, cat: Catalogue) -> None:
    url = reverse("tablero:catalogue_formula_check") + "?numerator=%23%7BVAC%7D"
    check_access_matrix(world, url=url, expected=CREATORS, away={"secretariat": 200, "coordinator": 200})


# --- API ------------------------------------------------------------------------------------
ENDPOINTS = ("data-elements", "indicators", "data-sets", "categories", "category-combos", "option-combos")


def _api_objects(cat: Catalogue) -> dict[str, int]:
    return {
        "data-elements": cat.element.pk,
        "indicators": cat.indicator.pk,
        "data-sets": cat.data_set.pk,
        "categories": cat.sex.pk,
        "category-combos": cat.combo.pk,
        "option-combos": CategoryOptionCombo.objects.filter(combo=cat.combo).first().pk,  # type: ignore[union-attr]
    }


def test_api_lists_and_details(world: World, cat: Catalogue) -> None:
    for endpoint in ENDPOINTS:
        check_access_matrix(world, url=f"{API}/{endpoint}", expected=ALL, api=True, away=ALL)
    for endpoint, pk in _api_objects(cat).items():
        check_access_matrix(world, url=f"{API}/{endpoint}/{pk}", expected=ALL, api=True, away=NATIONAL_AWAY)
    check_access_matrix(world, url=f"{API}/data-elements/{cat.local.pk}", expected=LOCAL_READERS, api=True)


def _bodies(world: World, cat: Catalogue) -> dict[str, Any]:
    return {
        "data-elements": lambda _w: {
            "code": new_code(),
            "name": "N",
            "value_type": "NUMBER",
            "aggregation_type": "SUM",
        },
        "indicators": lambda _w: {
            "code": new_code(),
            "name": "I",
            "direction": "up",
            "formula": {"numerator": "#{VAC}"},
        },
        "data-sets": lambda _w: {
            "code": new_code(),
            "name": "D",
            "period_type": "Monthly",
            "level": 3,
            "data_element_ids": [cat.element.pk],
        },
        "categories": lambda _w: {"code": new_code(), "name": "C", "options": [{"code": "A", "name": "A"}]},
        "category-combos": lambda _w: {"code": new_code(), "name": "K", "category_ids": [cat.sex.pk]},
    }


def test_api_creates(world: World, cat: Catalogue) -> None:
    # An administrator names the catalogue (owner_id): without it, a 422.
    expected = dict(NONE, admin=422, secretariat=201, coordinator=201)
    for endpoint, body in _bodies(world, cat).items():
        # Country B's secretariat cannot use country A's elements and categories: 422 on their ids.
        uses_a = endpoint in ("data-sets", "category-combos")
        check_access_matrix(
            world,
            url=f"{API}/{endpoint}",
            method="post",
            data=body,
            api=True,
            expected=expected,
            away={"secretariat": 422 if uses_a else 201, "coordinator": 201},
        )


def test_api_updates(world: World, cat: Catalogue) -> None:
    objects = _api_objects(cat)
    models = {
        "data-elements": type(cat.element),
        "indicators": Indicator,
        "data-sets": type(cat.data_set),
        "categories": type(cat.sex),
        "category-combos": type(cat.combo),
    }
    for endpoint, model in models.items():
        pk = objects[endpoint]

        def body(_w: World, model: Any = model, pk: int = pk) -> dict[str, Any]:
            return {"version": model.objects.get(pk=pk).version, "description": new_code("texto ")}

        check_access_matrix(
            world,
            url=f"{API}/{endpoint}/{pk}",
            method="patch",
            data=body,
            api=True,
            expected=dict(NONE, admin=200, secretariat=200),
            state=lambda model=model, pk=pk: model.objects.get(pk=pk).version,
        )
    option = cat.sex.options.get(code="F")

    def option_body(_w: World) -> dict[str, Any]:
        return {"version": type(option).objects.get(pk=option.pk).version, "sort_order": 3}

    check_access_matrix(
        world,
        url=f"{API}/categories/{cat.sex.pk}/options/{option.pk}",
        method="patch",
        data=option_body,
        api=True,
        expected=dict(NONE, admin=200, secretariat=200),
    )
    local = cat.local

    def local_body(_w: World) -> dict[str, Any]:
        return {"version": DataElement.objects.get(pk=local.pk).version, "name": new_code("Local ")}

    check_access_matrix(
        world,
        url=f"{API}/data-elements/{local.pk}",
        method="patch",
        data=local_body,
        api=True,
        expected=LOCAL_MANAGERS,
    )
