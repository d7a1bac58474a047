"""Territory lists answer with a bounded number of queries, however many units, areas or institutions.

Each ceiling is what the page took when the test was written (SQLite / PostgreSQL), plus a margin:
an upper bound, not an exact count (see ``ronda.testing.assert_queries_do_not_grow``).
"""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.territory import services
from ronda.territory.models import AreaKind, Level
from ronda.testing import World, api_token, assert_queries_do_not_grow, login, make_unit

pytestmark = pytest.mark.django_db


class Rows:
    """Communities under the home municipality (each with a place below it), areas of the
    municipality, institutions seated there with a service, and countries (each with a region)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.numbers = itertools.count(1)

    def __call__(self, n: int) -> None:
        w = self.world
        for _ in range(n):
            k = next(self.numbers)
            community = make_unit(f"A-M-C{k}", Level.COMMUNITY, w.municipality, f"Comunidad {k}")
            country = make_unit(f"P{k}", Level.COUNTRY, None, f"País {k}")
            make_unit(f"P{k}-R", Level.REGION, country, f"Región {k}")
            services.create_area(actor=SYSTEM, org_unit=w.municipality, kind=AreaKind.EDUCATION, name=f"Área {k}")
            services.create_institution(
                actor=SYSTEM,
                seat=w.municipality,
                jurisdiction=[w.municipality, community],
                services=[f"Servicio {k}", "Orientación"],
                name=f"Institución {k}",
                kind="health",
            )


# Measured when written, the same on SQLite and PostgreSQL: 7. Ceiling: that plus 3.
def test_browse_countries(client: Client, world: World) -> None:
    # Only an administrator sees a list here; everyone else is sent to their own unit.
    login(client, world.home[Role.ADMIN])
    assert_queries_do_not_grow(client, reverse("territory:browse"), Rows(world), ceiling=10, contains=["País 4"])


# Measured when written, the same on SQLite and PostgreSQL: coordinator 9, admin 10. Ceiling: that plus 3.
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_unit_detail_children_and_areas(client: Client, world: World, role: str) -> None:
    login(client, world.home[role])
    url = reverse("territory:unit_detail", args=[world.municipality.pk])
    assert_queries_do_not_grow(client, url, Rows(world), ceiling=13, contains=["Comunidad 4", "Área 4"])


# Measured when written, the same on SQLite and PostgreSQL: coordinator 7, area focal 6, admin 8. Ceiling:
# that plus 3.
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.AREA_FOCAL, Role.ADMIN])
def test_area_list(client: Client, world: World, role: str) -> None:
    login(client, world.home[role])
    assert_queries_do_not_grow(client, reverse("territory:area_list"), Rows(world), ceiling=11, contains=["Área 4"])


# Measured when written, the same on SQLite and PostgreSQL: defender 7, coordinator 7, admin 8. Ceiling: that
# plus 3.
@pytest.mark.parametrize("role", [Role.DEFENDER, Role.COORDINATOR, Role.ADMIN])
def test_institution_list(client: Client, world: World, role: str) -> None:
    login(client, world.home[role])
    url = reverse("territory:institution_list")
    assert_queries_do_not_grow(client, url, Rows(world), ceiling=11, contains=["Institución 4", "Servicio 4"])


# Measured when written, the same on SQLite and PostgreSQL: coordinator 2, admin 4. Ceiling: that plus 3.
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_api_org_units(client: Client, world: World, role: str) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[role])}"}
    url = f"/api/v1/org-units?within={world.municipality.pk}&limit=500"
    assert_queries_do_not_grow(client, url, Rows(world), ceiling=7, extra=auth, contains=["A-M-C4"])
