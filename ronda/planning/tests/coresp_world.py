"""What the tests of co-responsibility, validation and alerts share (imported by those three files).

In the home plan (planning/tests/conftest.py): M-1 answered by Salud (the home focal point's area),
M-2 by Educación, here with Salud and the institution "Junta A" as co-responsible. People besides
``world.home``: the focal point of Educación (M-2's responsible area), the focal point of Junta A (a
focal membership naming the institution; the membership constraint still asks for an area: Deportes,
which answers for nothing), and the focal point of an unrelated area (Cultura).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from ronda.accounts.models import Membership, User
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, actor_for
from ronda.planning.models import LocalPlan, Measure
from ronda.territory.models import Area, AreaKind
from ronda.testing import PASSWORD, World, login, make_user

# A Monday in the plan period (2025–2028), after both measures started (2025-02-01).
TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)  # 04:00 in Costa Rica (settings.TIME_ZONE)


@pytest.fixture
def at_today() -> Iterator[Any]:
    with translation.override("en"), time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def act(user: User) -> Actor:
    # As a request's actor: its membership with the unit, area and institution already read.
    membership = user.memberships.select_related("org_unit", "area", "institution").get()
    return actor_for(user, membership, second_factor=True)


@dataclass
class People:
    co_area: User  # world.home area focal point (Salud): co-responsible for M-2, responsible for M-1
    institution: User  # Junta A's focal point
    unrelated: User  # Cultura's focal point
    responsible: User  # Educación's focal point (M-2's responsible area)


@pytest.fixture
def shared(plan: LocalPlan, world: World) -> Measure:
    """M-2 of Educación, with Salud and Junta A co-responsible."""
    measure = plan.measures.get(code="M-2")
    measure.co_areas.add(world.area)
    measure.co_institutions.add(world.institution)
    return measure


@pytest.fixture
def people(world: World, education: Area) -> People:
    sports = Area.objects.create(org_unit=world.municipality, kind=AreaKind.SPORTS, name="Deportes")
    culture = Area.objects.create(org_unit=world.municipality, kind=AreaKind.CULTURE, name="Cultura")
    institution = User.objects.create_user(username="junta.focal", password=PASSWORD, email="junta@example.org")
    Membership.objects.create(
        user=institution, role=Role.AREA_FOCAL, org_unit=world.municipality, area=sports, institution=world.institution
    )
    return People(
        co_area=world.home[Role.AREA_FOCAL],
        institution=institution,
        unrelated=make_user("cultura.focal", Role.AREA_FOCAL, world.municipality, culture),
        responsible=make_user("educacion.focal", Role.AREA_FOCAL, world.municipality, education),
    )


def status_as(user: User, method: str, url: str, data: dict[str, Any] | None = None) -> int:
    client = login(Client(), user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return int(response.status_code)
