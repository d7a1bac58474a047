"""``GET /api/metadata``: the scoped catalogue in DHIS2's metadata export shape."""

from __future__ import annotations

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.tablero import services
from ronda.tablero.models import AggregationType, ValueType
from ronda.tablero.tests.dhis2_catalogue import basic, build
from ronda.testing import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"


@pytest.fixture
def cat(world):
    return build(world)


def metadata(user, query=""):
    return Client().get(f"{BASE}/metadata{query}", **basic(user.username))


def test_everything_by_default_with_every_field_and_the_system_block(cat):
    response = metadata(cat.world.home[Role.COORDINATOR])
    assert response.status_code == 200
    body = response.json()
    assert body["system"]["version"] == "2.40.4"
    for resource in ("dataElements", "indicators", "dataSets", "categoryCombos", "organisationUnits"):
        assert resource in body
    elements = {e["code"]: e for e in body["dataElements"]}
    assert set(elements) == {"VAC", "CASOS"}  # country B's element is not in scope
    assert elements["CASOS"]["categoryCombo"] == {"id": cat.combo.uid}
    assert elements["VAC"]["valueType"] == "INTEGER_ZERO_OR_POSITIVE"
    # The same object as the resource endpoint's single read.
    single = Client().get(f"{BASE}/dataElements/{cat.vac.uid}", **basic(cat.world.home[Role.COORDINATOR].username))
    assert elements["VAC"] == single.json()


def test_resource_flags_choose_and_fields_shape(cat):
    user = cat.world.home[Role.COORDINATOR]
    body = metadata(user, "?dataElements=true&indicators=true&fields=id,code").json()
    assert set(body) == {"system", "dataElements", "indicators"}
    assert sorted(body["dataElements"], key=lambda e: e["code"]) == [
        {"id": cat.cases.uid, "code": "CASOS"},
        {"id": cat.vac.uid, "code": "VAC"},
    ]
    assert body["indicators"] == [{"id": cat.rate.uid, "code": "TASA"}]
    # A resource's own fields beat the general ones; false leaves a resource out.
    body = metadata(user, "?dataSets=true&dataElements=true&dataElements:fields=name&fields=id").json()
    assert body["dataSets"] == [{"id": cat.data_set.uid}]
    assert {"name": cat.vac.name} in body["dataElements"]
    body = metadata(user, "?organisationUnits=false&categoryOptions=false").json()
    assert "organisationUnits" not in body and "categoryOptions" not in body and "dataElements" in body


def test_filters_and_order(cat):
    user = cat.world.home[Role.COORDINATOR]
    body = metadata(user, "?dataElements=true&dataElements:filter=code:eq:VAC&fields=code").json()
    assert body["dataElements"] == [{"code": "VAC"}]
    body = metadata(user, "?dataElements=true&fields=code&order=code:desc").json()
    assert [e["code"] for e in body["dataElements"]] == ["VAC", "CASOS"]


def test_scope_another_country_sees_its_own_catalogue(cat):
    away = cat.world.away[Role.SECRETARIAT]  # country B
    body = metadata(away, "?dataElements=true&organisationUnits=true&fields=code").json()
    assert body["dataElements"] == [{"code": "B_ELEM"}]
    assert {u["code"] for u in body["organisationUnits"]} <= {"B", "B-R", "B-M", "B-M-C"}
    assert body["organisationUnits"]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("?fields=id[", 400, "E7651"),
        ("?dataElements=true&filter=code:zz:1", 409, "E2035"),
        ("?dataElements=true&dataElements:filter=nonsense", 409, "E2014"),
        ("?order=code:sideways", 409, "E2015"),
    ],
)
def test_bad_parameters_are_web_messages(cat, query, status, code):
    response = metadata(cat.world.home[Role.COORDINATOR], query)
    assert response.status_code == status and response.json()["errorCode"] == code


def test_anonymous_is_401(cat):
    assert Client().get(f"{BASE}/metadata").status_code == 401


def test_the_export_does_not_grow_in_queries(cat):
    user = cat.world.home[Role.COORDINATOR]
    made = iter(range(100))

    def add(count):
        for _ in range(count):
            number = next(made)
            services.create_data_element(
                actor=SYSTEM,
                owner=cat.world.country,
                code=f"EXTRA{number}",
                name=f"Extra {number}",
                value_type=ValueType.INTEGER,
                aggregation_type=AggregationType.SUM,
            )

    assert_queries_do_not_grow(
        Client(), f"{BASE}/metadata", add, ceiling=30, extra=basic(user.username), contains=["EXTRA"]
    )
