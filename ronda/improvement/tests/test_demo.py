"""The demo: Loja gets a team of four, two rounds a year apart and a pilot in its design stage."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from ronda.accounts.models import User
from ronda.improvement import contracts
from ronda.improvement.demo import load_demo as load_improvement_demo
from ronda.improvement.models import AssessmentRound, Mentor, PilotProject, Score, TeamMember
from ronda.portal.demo import load_demo as load_site_demo
from ronda.territory.models import OrgUnit
from ronda.testing import login

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (AssessmentRound, Score, TeamMember, PilotProject, Mentor))


def test_demo_loads_loja_and_is_idempotent(client: Client, media_root: Path) -> None:
    load_site_demo()  # every app's loader, this one included (portal.registry)
    loja = OrgUnit.objects.get(code="EC-1101")
    rounds = list(AssessmentRound.objects.filter(municipality=loja).order_by("held_on"))
    assert len(rounds) == 2 and 360 <= (rounds[1].held_on - rounds[0].held_on).days <= 370
    facts = contracts.self_assessment_facts(loja)
    assert facts is not None and facts.change is not None and facts.change > 0 and facts.latest.gaps > 0
    assert TeamMember.objects.filter(municipality=loja).count() == 4
    assert contracts.pilot_figures(loja)["design"] == 1
    assert Mentor.objects.filter(pilot__municipality=loja).count() == 2
    before = counts()
    load_improvement_demo()
    assert counts() == before

    login(client, User.objects.get(username="coord.loja"))
    pilot = PilotProject.objects.get(municipality=loja)
    analysis = pilot.opportunity.analysis
    for url in (
        reverse("improvement:overview", args=[loja.pk]),
        reverse("improvement:comparison", args=[loja.pk]),
        reverse("improvement:round_detail", args=[rounds[1].pk]),
        reverse("improvement:pilot_detail", args=[pilot.pk]),
        reverse("improvement:team", args=[loja.pk]),
    ):
        assert client.get(url).status_code == 200, url
    comparison = client.get(reverse("improvement:comparison", args=[loja.pk])).content.decode()
    assert "<svg" in comparison and rounds[0].title in comparison
    diagnosis = client.get(reverse("planning:analysis_detail", args=[analysis.pk])).content.decode()
    assert reverse("improvement:overview", args=[loja.pk]) in diagnosis
    home = client.get("/").content.decode()
    assert reverse("improvement:overview", args=[loja.pk]) in home
