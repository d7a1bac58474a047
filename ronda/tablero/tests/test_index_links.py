"""The Tablero's home links each part for whoever may open it: the coordinator finds the page that
chooses the published figures; an analyst, who publishes nothing, does not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ronda.testing import World, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "shown"), [("coordinator", True), ("analyst", False), ("area_focal", False)])
def test_the_publication_page_is_linked_for_the_coordinator_only(
    client: Client, world: World, role: str, shown: bool
) -> None:
    login(client, world.home[role])
    page = client.get(reverse("tablero:index"))
    assert page.status_code == 200
    assert (f'href="{reverse("tablero:publication")}"' in page.content.decode()) is shown
