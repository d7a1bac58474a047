"""The demo: Loja gets its protocol, six signatures (one overdue), two concerns and four trainings."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.models import User
from ronda.portal.demo import load_demo as load_site_demo
from ronda.safeguarding import contracts
from ronda.safeguarding.demo import load_demo as load_safeguarding_demo
from ronda.safeguarding.models import Concern, SafeguardingDocument, Signature
from ronda.territory.models import OrgUnit
from ronda.testing import login
from ronda.training import contracts as training_contracts
from ronda.training.demo import load_demo as load_training_demo
from ronda.training.models import TrainingSession

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        SafeguardingDocument.objects.count(),
        Signature.objects.count(),
        Concern.objects.count(),
        TrainingSession.objects.count(),
    )


def test_demo_loads_loja_and_is_idempotent(client: Client, media_root: Path) -> None:
    load_site_demo()  # every app's loader, these included (portal.registry)
    loja = OrgUnit.objects.get(code="EC-1101")
    today = timezone.localdate()
    facts = contracts.protocol_facts(loja)
    assert facts.protocol is not None and facts.protocol.edition == "2026-1"
    assert contracts.signature_figures(loja, today) == contracts.SignatureFigures(in_force=5, overdue=1)
    assert Concern.objects.filter(municipality=loja).count() == 2
    assert TrainingSession.objects.filter(municipality=loja).count() == 4
    assert training_contracts.areas_trained(loja, today).trained > 0
    before = counts()
    load_safeguarding_demo()
    load_training_demo()
    assert counts() == before
    # The demo's coordinator opens the pages.
    login(client, User.objects.get(username="coord.loja"))
    for url in (
        reverse("safeguarding:overview", args=[loja.pk]),
        reverse("safeguarding:concern_list", args=[loja.pk]),
        reverse("training:list", args=[loja.pk]),
    ):
        assert client.get(url).status_code == 200, url
