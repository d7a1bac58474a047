"""The demo municipalities show some indicators on their public Tablero page (a citizen opening it
finds figures, not an empty page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ronda.tablero import demo
from ronda.tablero.models import PublishedIndicator
from ronda.territory import demo as territory_demo
from ronda.territory.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_indicators_once_and_the_public_page_shows_them(client: Client) -> None:
    territory_demo.load_demo()
    demo.load_demo(months=2, today=dt.date(2026, 12, 1))
    loja = OrgUnit.objects.get(code="EC-1101")
    published = list(PublishedIndicator.objects.filter(org_unit=loja).order_by("sort_order"))
    assert [p.indicator.code for p in published] == [c for c in demo.PUBLISHED]
    demo.load_demo(months=2, today=dt.date(2026, 12, 1))
    assert PublishedIndicator.objects.filter(org_unit=loja).count() == len(published)
    page = client.get(f"/tablero/publico/{loja.code}/")
    assert page.status_code == 200
    assert published[0].indicator.name in page.content.decode()
