from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.models import User
from ronda.defenders import contracts
from ronda.defenders.demo import load_demo as load_defenders_demo
from ronda.defenders.models import Activity, Defender, Defensoria, Event, WorkPlan
from ronda.portal.demo import load_demo as load_site_demo
from ronda.territory.models import OrgUnit
from ronda.testing import login

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Defensoria.objects.count(),
        Defender.objects.count(),
        WorkPlan.objects.count(),
        Activity.objects.count(),
        Event.objects.count(),
    )


def test_demo_loads_loja_and_is_idempotent(client: Client) -> None:
    load_site_demo()  # every app's loader, this one included (portal.registry)
    loja = OrgUnit.objects.get(code="EC-1101")
    assert Defensoria.objects.filter(community__parent=loja).count() == 24
    assert Defender.objects.count() == 60
    assert WorkPlan.objects.filter(year=timezone.localdate().year).count() == 24
    motupe = Defensoria.objects.get(community__code="EC-1101-01")
    diego = User.objects.get(username="defensor.motupe")
    assert motupe.defenders.filter(user=diego).exists()
    before = counts()
    load_defenders_demo()
    assert counts() == before
    today = timezone.localdate()
    assert contracts.event_figures(loja, today.replace(year=today.year - 1), today).people_reached > 0
    login(client, diego)
    response = client.get(reverse("defenders:index"), follow=True)
    assert response.status_code == 200
    assert response.context["defensoria"] == motupe
