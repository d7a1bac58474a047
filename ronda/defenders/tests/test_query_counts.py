"""The defensoría page and the canton view take as many queries for many rows as for a few."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.tenancy import SYSTEM
from ronda.defenders import services
from ronda.defenders.models import Component, Defensoria, EventKind
from ronda.defenders.tests.conftest import days_ago, this_year_day
from ronda.territory.models import Level
from ronda.testing import World, assert_queries_do_not_grow, login, make_unit

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


def test_defensoria_page_does_not_grow(client: Client, world: World, defensoria: Defensoria) -> None:
    services.create_plan(actor=SYSTEM, defensoria=defensoria, year=this_year_day().year)

    def add_rows(n: int) -> None:
        for _ in range(n):
            i = next(_numbers)
            defender = services.add_defender(
                actor=SYSTEM, defensoria=defensoria, full_name=f"Voluntaria {i}", sex="f", since=days_ago(30)
            )
            services.add_training(actor=SYSTEM, defender=defender, name="Derechos", taken_on=days_ago(3), hours=4)
            services.record_event(
                actor=SYSTEM,
                defensoria=defensoria,
                kind=EventKind.FORUM,
                title=f"Foro {i}",
                held_on=this_year_day(),
                component=Component.COMMUNICATION,
                held=True,
                attendance={("f", "6-11"): i},
            )

    login(client, world.home["supervisor"])
    assert_queries_do_not_grow(
        client, reverse("defenders:detail", args=[defensoria.pk]), add_rows, ceiling=30, contains=["Foro"]
    )


def test_canton_view_does_not_grow(client: Client, world: World) -> None:
    def add_rows(n: int) -> None:
        for _ in range(n):
            i = next(_numbers)
            community = make_unit(f"A-M-Q{i}", Level.COMMUNITY, world.municipality, f"Barrio {i}")
            defensoria = services.create_defensoria(actor=SYSTEM, community=community, name=f"Defensoría {i}")
            plan = services.create_plan(actor=SYSTEM, defensoria=defensoria, year=this_year_day().year)
            services.add_activity(
                actor=SYSTEM, plan=plan, component=Component.HEALTH, title="Feria", planned_on=this_year_day()
            )
            services.record_event(
                actor=SYSTEM,
                defensoria=defensoria,
                kind=EventKind.HEALTH_FAIR,
                title="Feria",
                held_on=this_year_day(),
                component=Component.HEALTH,
                held=True,
                attendance={("m", "18+"): 3},
            )

    login(client, world.home["analyst"])
    assert_queries_do_not_grow(
        client, reverse("defenders:canton", args=[world.municipality.pk]), add_rows, ceiling=25, contains=["Defensoría"]
    )
