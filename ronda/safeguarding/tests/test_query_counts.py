"""The register, the concerns log and the trainings answer in a number of queries that does not grow with their rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.tenancy import SYSTEM
from ronda.safeguarding import services
from ronda.safeguarding.models import Employment, SafeguardingContact
from ronda.safeguarding.tests.conftest import days_ago
from ronda.testing import World, assert_queries_do_not_grow, login
from ronda.training import services as training_services

pytestmark = pytest.mark.django_db


def test_the_register(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])

    def add(n: int) -> None:
        for i in range(n):
            services.record_signature(
                actor=SYSTEM,
                municipality=world.municipality,
                full_name=f"Persona {i}",
                employment=Employment.STAFF,
                area=world.area,
                position="Cargo",
                signed_on=days_ago(400 - i),
            )

    assert_queries_do_not_grow(
        client, reverse("safeguarding:signature_list", args=[world.municipality.pk]), add, ceiling=20
    )


def test_the_concerns_log(client: Client, world: World, contact: SafeguardingContact) -> None:
    login(client, world.home["coordinator"])

    def add(n: int) -> None:
        for i in range(n):
            services.record_concern(
                actor=SYSTEM,
                municipality=world.municipality,
                raised_on=days_ago(i + 1),
                raised_by="Alguien",
                description="Inquietud",
                status="referred",
                referred_to=world.institution,
            )

    assert_queries_do_not_grow(
        client, reverse("safeguarding:concern_list", args=[world.municipality.pk]), add, ceiling=22
    )


def test_the_trainings(client: Client, world: World) -> None:
    login(client, world.home["supervisor"])

    def add(n: int) -> None:
        for i in range(n):
            training_services.record_training(
                actor=SYSTEM,
                municipality=world.municipality,
                held_on=days_ago(i + 1),
                topic="rights",
                hours=Decimal(2),
                trainer="UNICEF",
                attendance={world.area: training_services.Counts(1, 1, 0)},
            )

    assert_queries_do_not_grow(client, reverse("training:list", args=[world.municipality.pk]), add, ceiling=22)
