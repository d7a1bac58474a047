"""Issue #8 item 2: an app adds an audit action without a core migration."""

from __future__ import annotations

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from ronda.core import audit, audit_actions
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


class CaseActions(models.TextChoices):
    REFERRAL_SENT = "referral_sent", "Derivación enviada"


def test_a_domain_registers_its_own_action_and_the_trail_names_it(world: World) -> None:
    audit_actions.register(CaseActions)
    event = audit.record(
        actor=SYSTEM, action=CaseActions.REFERRAL_SENT, target=world.community, org_unit=world.community
    )
    assert AuditEvent.objects.get(pk=event.pk).get_action_display() == "Derivación enviada"
    client = login(Client(), world.home["admin"])
    page = client.get(reverse("core:audit"), {"action": "referral_sent"})
    assert [e.pk for e in page.context["page"]] == [event.pk]  # the filter knows the new action
    assert "Derivación enviada" in page.content.decode()


def test_the_same_action_cannot_mean_two_things() -> None:
    class Clash(models.TextChoices):
        CREATE = "create", "Algo distinto"

    with pytest.raises(ValueError, match="registered twice"):
        audit_actions.register(Clash)


def test_an_unregistered_action_shows_its_stored_name() -> None:
    assert audit_actions.label("never_registered") == "never_registered"
