"""The overview page and the pilots API answer in a number of queries that does not grow with the rows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.tenancy import SYSTEM
from ronda.improvement import services
from ronda.improvement.tests.conftest import Scene, days_ago, score_round
from ronda.testing import World, api_token, assert_queries_do_not_grow, login

pytestmark = pytest.mark.django_db


def _add(world: World, scene: Scene):  # type: ignore[no-untyped-def]
    def add(n: int) -> None:
        for i in range(n):
            assessment = services.create_round(
                actor=SYSTEM, municipality=world.municipality, held_on=days_ago(20 + i), title=f"R{i}"
            )
            score_round(assessment, {"E1": 1, "L2": 3})
            member = services.add_member(
                actor=SYSTEM,
                municipality=world.municipality,
                full_name=f"Persona {i}",
                programme_role="technical",
                from_date=days_ago(5),
            )
            pilot = services.create_pilot(
                actor=SYSTEM,
                municipality=world.municipality,
                opportunity=scene.opportunity,
                title=f"Piloto {i}",
                team=[member],
            )
            services.add_mentor(actor=SYSTEM, pilot=pilot, full_name=f"Mentora {i}")

    return add


def test_overview(client: Client, world: World, scene: Scene) -> None:
    login(client, world.home["coordinator"])
    url = reverse("improvement:overview", args=[world.municipality.pk])
    assert_queries_do_not_grow(client, url, _add(world, scene), ceiling=30)


def test_pilots_api(client: Client, world: World, scene: Scene) -> None:
    url = f"/api/v1/improvement/municipalities/{world.municipality.pk}/pilots"
    token = api_token(world.home["coordinator"])
    assert_queries_do_not_grow(
        client, url, _add(world, scene), ceiling=30, extra={"HTTP_AUTHORIZATION": f"Bearer {token}"}
    )
