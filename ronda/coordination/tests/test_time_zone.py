"""Deadlines are the municipality's: Loja's "today" is Loja's, whatever the server's clock says."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from ronda.coordination.tests.conftest import Coordination
from ronda.territory.models import OrgUnit
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

LOJA = zoneinfo.ZoneInfo("America/Guayaquil")


def _overdue_list(world: World) -> str:
    client = login(Client(), world.home["coordinator"])  # signed in on the day: sessions expire
    return client.get(reverse("coordination:agreement_list") + "?overdue=1").content.decode()


@override_settings(TIME_ZONE="UTC")
@pytest.mark.parametrize(("zone", "overdue"), [("America/Guayaquil", False), ("", True)])
def test_an_agreement_due_today_in_loja_at_2330_is_not_overdue(
    world: World, co: Coordination, zone: str, overdue: bool
) -> None:
    OrgUnit.objects.filter(pk=world.country.pk).update(time_zone=zone)
    late_evening = dt.datetime.combine(co.agreement.due_date, dt.time(23, 30), tzinfo=LOJA)
    assert late_evening.astimezone(dt.UTC).date() > co.agreement.due_date  # tomorrow on the server
    with time_machine.travel(late_evening, tick=True):
        listing = _overdue_list(world)
    # In Loja it is still the due date; only a server-clock "today" (no zone for the country) says late.
    assert ("Campaña de vacunación en escuelas" in listing) is overdue


@override_settings(TIME_ZONE="UTC")
@pytest.mark.parametrize(("zone", "overdue"), [("America/Guayaquil", False), ("", True)])
def test_the_api_also_answers_in_the_municipality_s_zone(
    world: World, co: Coordination, zone: str, overdue: bool
) -> None:
    from django.utils import timezone

    from ronda.testing import api_token

    OrgUnit.objects.filter(pk=world.country.pk).update(time_zone=zone)
    late_evening = dt.datetime.combine(co.agreement.due_date, dt.time(23, 30), tzinfo=LOJA)
    with time_machine.travel(late_evening, tick=True):
        token = api_token(world.home["coordinator"])
        response = Client().get("/api/v1/coordination/agreements?overdue=true", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    texts = [a["text"] for a in response.json()["results"]]
    assert ("Campaña de vacunación en escuelas" in texts) is overdue
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated when the response left
