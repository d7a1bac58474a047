"""The catalogue in the JSON API: strict bodies, ``*_id`` references, ``uid`` and ``code`` in every
answer, versions (409), audited writes, formula versions, and lists whose queries do not grow."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.tablero import services
from ronda.tablero.models import DataElement, Indicator, IndicatorFormula
from ronda.tablero.tests.catalogue_world import Catalogue, add_elements, build_catalogue, new_code
from ronda.testing import World, api_token, assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

API = "/api/v1/tablero"
CONFLICT = "Otra persona modificó este registro mientras usted lo editaba."


@pytest.fixture
def cat(world: World) -> Catalogue:
    return build_catalogue(world)


class Api:
    def __init__(self, world: World, role: str) -> None:
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[role])}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"{API}{path}", params, **self.auth)

    def send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        return getattr(self.client, method)(
            f"{API}{path}", json.dumps(body), content_type="application/json", **self.auth
        )


def test_create_and_edit_an_element_audited(world: World, cat: Catalogue) -> None:
    api = Api(world, "coordinator")
    response = api.send(
        "post",
        "/data-elements",
        {
            "code": "TALLER",
            "name": "Talleres",
            "value_type": "INTEGER",
            "aggregation_type": "SUM",
            "category_combo_id": cat.combo.pk,
            "goal_area": "participation",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_id"] == world.municipality.pk and not body["is_national"]
    assert body["category_combo_id"] == cat.combo.pk and body["category_combo_uid"] == cat.combo.uid
    assert len(body["uid"]) == 11 and body["code"] == "TALLER" and body["version"] == 1
    element = DataElement.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(target_type="tablero.dataelement", target_id=str(element.pk), action="create")
    updated = api.send("patch", f"/data-elements/{element.pk}", {"version": 1, "name": "Talleres realizados"})
    assert updated.status_code == 200 and updated.json()["version"] == 2
    event = AuditEvent.objects.filter(target_id=str(element.pk), action="update").get()
    assert event.changes == {"name": ["Talleres", "Talleres realizados"]}
    stale = api.send("patch", f"/data-elements/{element.pk}", {"version": 1, "name": "Otro"})
    assert stale.status_code == 409 and stale.json()["message"].startswith(CONFLICT)
    archived = api.send("patch", f"/data-elements/{element.pk}", {"version": 2, "is_archived": True})
    assert archived.status_code == 200 and archived.json()["is_archived"]
    assert {r["code"] for r in api.get("/data-elements").json()["results"]} == {"VAC", "LOC"}
    listed = api.get("/data-elements", include_archived="true").json()["results"]
    assert {r["code"] for r in listed} == {"VAC", "TALLER", "LOC"}


def test_strict_bodies_and_codes(world: World, cat: Catalogue) -> None:
    api = Api(world, "coordinator")
    unknown = api.send(
        "post", "/data-elements", {"code": "X", "name": "X", "value_type": "NUMBER", "aggregation_type": "SUM", "x": 1}
    )
    assert unknown.status_code == 422
    national = api.send(
        "post", "/data-elements", {"code": "VAC", "name": "X", "value_type": "NUMBER", "aggregation_type": "SUM"}
    )
    assert national.status_code == 422
    assert [e["field"] for e in national.json()["errors"]] == ["code"]
    assert not DataElement.objects.filter(owner=world.municipality, code="VAC").exists()


def test_formula_versions_through_the_api(world: World, cat: Catalogue) -> None:
    api = Api(world, "secretariat")
    wrong = api.send(
        "post",
        "/indicators",
        {"code": "MAL", "name": "Mal", "direction": "up", "formula": {"numerator": "#{VAC} +"}},
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == [{"field": "formula.numerator", "message": "La fórmula termina antes de tiempo."}]
    assert not Indicator.objects.filter(code="MAL").exists()
    changed = api.send(
        "patch",
        f"/indicators/{cat.indicator.pk}",
        {"version": 1, "formula": {"numerator": "#{VAC} * 2", "denominator": "100", "valid_from": "2026-01-01"}},
    )
    assert changed.status_code == 200, changed.content
    formulas = changed.json()["formulas"]
    assert [(f["numerator"], f["valid_from"]) for f in formulas] == [
        ("#{VAC} * 2", "2026-01-01"),
        ("#{VAC}", formulas[1]["valid_from"]),
    ]
    assert IndicatorFormula.objects.filter(indicator=cat.indicator).count() == 2
    undated = api.send(
        "patch", f"/indicators/{cat.indicator.pk}", {"version": 2, "formula": {"numerator": "#{VAC} * 3"}}
    )
    assert undated.status_code == 422 and undated.json()["errors"][0]["field"] == "formula.valid_from"


def test_lists_filter_and_option_combos_are_read_only(world: World, cat: Catalogue) -> None:
    api = Api(world, "coordinator")
    assert [r["code"] for r in api.get("/data-elements", scope="municipal").json()["results"]] == ["LOC"]
    assert [r["code"] for r in api.get("/data-elements", owner_id=world.country.pk).json()["results"]] == ["VAC"]
    assert [r["code"] for r in api.get("/data-elements", goal_area="services").json()["results"]] == ["VAC"]
    assert api.get("/data-elements", nope="1").status_code == 422
    combos = api.get("/option-combos", category_combo_id=cat.combo.pk).json()
    assert combos["count"] == 2 and {r["category_combo_uid"] for r in combos["results"]} == {cat.combo.uid}
    combo = api.get(f"/category-combos/{cat.combo.pk}").json()
    assert combo["category_ids"] == [cat.sex.pk] and len(combo["option_combos"]) == 2
    assert api.send("post", "/option-combos", {}).status_code == 405
    cursor = api.get("/indicators", cursor="").json()
    assert cursor["next_cursor"] is None and [r["code"] for r in cursor["results"]] == ["IVAC"]


def test_a_used_combo_cannot_change_categories(world: World, cat: Catalogue) -> None:
    api = Api(world, "secretariat")
    age = api.send("post", "/categories", {"code": "EDAD", "name": "Edad", "options": [{"code": "A", "name": "0–5"}]})
    assert age.status_code == 201
    refused = api.send(
        "patch", f"/category-combos/{cat.combo.pk}", {"version": 1, "category_ids": [cat.sex.pk, age.json()["id"]]}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "categories"


@pytest.mark.parametrize(
    "endpoint", ["data-elements", "indicators", "data-sets", "categories", "category-combos", "option-combos"]
)
def test_api_lists_do_not_grow_in_queries(world: World, cat: Catalogue, endpoint: str) -> None:
    api = Api(world, "coordinator")

    def add(n: int) -> None:
        if endpoint == "data-elements":
            add_elements(world, n, cat.combo)
            return
        for _ in range(n):
            code = new_code("K")
            if endpoint == "indicators":
                services.create_indicator(
                    actor=SYSTEM, owner=world.country, code=code, name=code, numerator="#{VAC}", direction="up"
                )
            elif endpoint == "data-sets":
                services.create_data_set(
                    actor=SYSTEM,
                    owner=world.country,
                    code=code,
                    name=code,
                    period_type="Monthly",
                    level=3,
                    data_elements=[cat.element],
                )
            elif endpoint == "categories":
                services.create_category(
                    actor=SYSTEM, owner=world.country, code=code, name=code, options=[("A", "A"), ("B", "B")]
                )
            else:  # a combination, and with it its option combinations
                services.create_category_combo(
                    actor=SYSTEM, owner=world.country, code=code, name=code, categories=[cat.sex]
                )

    assert_queries_do_not_grow(api.client, f"{API}/{endpoint}", add, ceiling=15, extra=api.auth)


def test_an_administrator_names_the_catalogue(world: World, cat: Catalogue) -> None:
    api = Api(world, "admin")
    body = {"code": "ADM", "name": "Del administrador", "value_type": "NUMBER", "aggregation_type": "SUM"}
    missing = api.send("post", "/data-elements", body)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "owner_id"
    created = api.send("post", "/data-elements", dict(body, owner_id=world.other_country.pk))
    assert created.status_code == 201 and created.json()["owner_id"] == world.other_country.pk
    # A coordinator may not name another catalogue than its own: 404, nothing written.
    coordinator = Api(world, "coordinator")
    refused = coordinator.send("post", "/data-elements", dict(body, code="ADM2", owner_id=world.country.pk))
    assert refused.status_code == 404 and not DataElement.objects.filter(code="ADM2").exists()
    # The default disaggregation is listed, and is nobody's to change.
    combos = api.get("/category-combos").json()["results"]
    default = next(c for c in combos if c["is_default"])
    assert default["uid"] == "bjDvmb4bfuf" and default["owner_id"] is None
    assert api.send("patch", f"/category-combos/{default['id']}", {"version": 1, "name": "X"}).status_code == 404
