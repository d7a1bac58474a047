"""Plan and public pages name a municipality; they never read its map shape or its child population
(JSON columns that can weigh megabytes): no query selects them, nor loads them afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ronda.accountability.tests.test_accountability import make_plan
from ronda.planning.models import LocalPlan
from ronda.territory.models import OrgUnit
from ronda.territory.selectors import LARGE_COLUMNS, municipality_by_code
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

SHAPE = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
POPULATION = {"female": {"0-5": 100}, "male": {"0-5": 90}}


def heavy_columns_read(get: Callable[[], Any]) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = get()
    table = OrgUnit._meta.db_table
    named = [f'"{table}"."{column}"' for column in LARGE_COLUMNS]
    return response, [q["sql"] for q in queries.captured_queries if any(n in q["sql"] for n in named)]


@pytest.fixture
def planned(world: World) -> LocalPlan:
    OrgUnit.objects.filter(pk__in=[world.municipality.pk, world.region.pk]).update(
        geometry=SHAPE, child_population=POPULATION
    )
    return make_plan(world)


@pytest.mark.parametrize(
    "page", ["/publico/", "/publico/{code}/", "/publico/{code}/ninos/", "/tablero/publico/{code}/"]
)
def test_public_pages_never_read_the_large_columns(world: World, planned: LocalPlan, page: str) -> None:
    url = page.format(code=world.municipality.code)
    response, heavy = heavy_columns_read(lambda: Client().get(url))
    assert response.status_code == 200
    assert heavy == []
    if "{code}" in page:
        assert world.municipality.name in response.content.decode()


def test_the_public_plan_page_shows_the_plan(world: World, planned: LocalPlan) -> None:
    response, heavy = heavy_columns_read(lambda: Client().get(f"/publico/{world.municipality.code}/"))
    assert heavy == [] and planned.title in response.content.decode()


def test_plan_pages_never_read_the_large_columns(world: World, planned: LocalPlan) -> None:
    client = login(Client(), world.home["coordinator"])
    measure = planned.measures.first()
    assert measure is not None
    for url in ("/plan/planes/", f"/plan/planes/{planned.pk}/", f"/plan/medidas/{measure.pk}/"):
        response, heavy = heavy_columns_read(lambda url=url: client.get(url))
        assert response.status_code == 200, url
        assert heavy == [], url
        assert planned.title in response.content.decode()


def test_the_columns_are_deferred_not_lost(world: World, planned: LocalPlan) -> None:
    # A caller that does want them gets them (one more query), as a map page would.
    unit = municipality_by_code(world.municipality.code)
    assert unit is not None
    _unit, heavy = heavy_columns_read(lambda: (unit.geometry, unit.child_population))
    assert len(heavy) == 2
    assert unit.geometry == SHAPE and unit.child_population == POPULATION
