"""The consultations, the map of social actors, their API lists and a measure's page answer in a number of
queries that does not grow with their rows."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse

from ronda.consultations import services
from ronda.consultations.tests.conftest import Planning, consultation_values
from ronda.core.tenancy import SYSTEM
from ronda.testing import World, api_token, assert_queries_do_not_grow, login

pytestmark = pytest.mark.django_db

_numbers = itertools.count()


def _add_consultations(world: World, home: Planning):  # type: ignore[no-untyped-def]
    def add(n: int) -> None:
        for _ in range(n):
            i = next(_numbers)
            actor = services.record_actor(
                actor=SYSTEM,
                municipality=world.municipality,
                name=f"Organización {i}",
                kind="ngo",
                interest=("high", "medium", "low")[i % 3],
                influence=("low", "medium", "high")[i % 3],
                relationship="ally",
                contact_name=f"Contacto {i}",
            )
            services.record_consultation(
                actor=SYSTEM,
                municipality=world.municipality,
                findings=[home.finding],
                measures=[home.measure, home.other_area_measure],
                actors=[actor],
                **consultation_values(title=f"Consulta {i}"),
            )

    return add


@pytest.mark.parametrize(
    "name", ["consultations:consultation_list", "consultations:actor_list", "consultations:actor_map"]
)
def test_the_pages(client: Client, world: World, home: Planning, name: str) -> None:
    login(client, world.home["coordinator"])
    assert_queries_do_not_grow(
        client, reverse(name, args=[world.municipality.pk]), _add_consultations(world, home), ceiling=20
    )


def test_the_measure_page_with_its_consultations(client: Client, world: World, home: Planning) -> None:
    login(client, world.home["coordinator"])
    add = _add_consultations(world, home)
    url = reverse("planning:measure_detail", args=[home.measure.pk])
    assert_queries_do_not_grow(client, url, add, ceiling=40, contains=["consulted-h"])


@pytest.mark.parametrize("path", ["consultations", "actors"])
def test_the_api_lists(client: Client, world: World, home: Planning, path: str) -> None:
    token = api_token(world.home["coordinator"])
    assert_queries_do_not_grow(
        client,
        f"/api/v1/consultations/{path}",
        _add_consultations(world, home),
        ceiling=20,
        extra={"HTTP_AUTHORIZATION": f"Bearer {token}"},
    )
