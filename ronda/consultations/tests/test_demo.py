"""The demo: Loja gets ten social actors and four consultations citing its diagnosis and plan."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ronda.accounts.models import User
from ronda.consultations import contracts
from ronda.consultations.demo import load_demo
from ronda.consultations.models import Consultation, SocialActor
from ronda.portal.demo import load_demo as load_site_demo
from ronda.territory.models import OrgUnit
from ronda.testing import login

pytestmark = pytest.mark.django_db


def test_demo_loads_loja_and_is_idempotent(client: Client, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    load_site_demo()  # every app's loader, this one included (portal.registry)
    loja = OrgUnit.objects.get(code="EC-1101")
    assert SocialActor.objects.filter(municipality=loja).count() == 10
    consultations = Consultation.objects.filter(municipality=loja)
    assert consultations.count() == 4
    assert consultations.filter(findings__isnull=False).distinct().count() >= 1
    assert consultations.filter(measures__isnull=False).distinct().count() >= 1
    council = consultations.get(audience="children_council")
    assert council.council_session is not None and council.status == "closed"
    assert contracts.consultation_facts(loja).children > 0
    load_demo()
    assert (Consultation.objects.count(), SocialActor.objects.count()) == (4, 10)
    coordinator = User.objects.filter(memberships__role="coordinator", memberships__org_unit=loja).first()
    assert coordinator is not None
    login(client, coordinator)
    page = client.get(reverse("consultations:actor_map", args=[loja.pk]))
    assert page.status_code == 200 and "Junta Cantonal" in page.content.decode()
