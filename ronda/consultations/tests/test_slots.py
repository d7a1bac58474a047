"""The consultations on planning's and coordination's pages (``core.slots``): shown to whoever may read
them, through this app's policy, never to anyone else; one panel per page, not a query per finding."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from ronda.accounts.selectors import active_memberships
from ronda.consultations import slots
from ronda.consultations.models import Consultation
from ronda.consultations.tests.conftest import Planning, seat
from ronda.core.tenancy import actor_for
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def _request_as(world: World, user_key: str, *, away: bool = False) -> object:
    user = (world.away if away else world.home)[user_key]
    request = RequestFactory().get("/")
    request.user = user
    request.actor = actor_for(user, active_memberships(user)[0], second_factor=True)  # type: ignore[attr-defined]
    return request


def test_the_measure_page_lists_the_consultations_citing_it(
    world: World, consultation: Consultation, home: Planning
) -> None:
    url = reverse("planning:measure_detail", args=[home.measure.pk])
    for role in ("coordinator", "area_focal", "supervisor", "analyst", "admin"):
        page = login(Client(), world.home[role]).get(url).content.decode()
        assert consultation.title in page, role
        assert reverse("consultations:consultation_detail", args=[consultation.pk]) in page, role
    # A measure nobody cites shows no panel at all.
    other = login(Client(), world.home["coordinator"]).get(
        reverse("planning:measure_detail", args=[home.other_area_measure.pk])
    )
    assert "consulted-h" not in other.content.decode()


def test_the_contribution_asks_this_app_s_policy_again(
    world: World, consultation: Consultation, home: Planning
) -> None:
    """The measure's page may be opened by someone the consultations refuse: the contribution shows
    them nothing (called directly with the measure the page would have given it)."""
    for key, away in (("coordinator", True), ("defender", False), ("protection_officer", False)):
        request = _request_as(world, key, away=away)
        assert slots.consultations_citing_measure(request, home.measure) == "", key  # type: ignore[arg-type]
        analysis = home.finding.analysis
        assert slots.consultations_citing_findings(request, analysis) == "", key  # type: ignore[arg-type]
    reader = _request_as(world, "supervisor")
    assert consultation.title in slots.consultations_citing_measure(reader, home.measure)  # type: ignore[arg-type]
    # A seat reads the consultations like the plan, whatever the role.
    seat(world, world.home["defender"])
    seated = _request_as(world, "defender")
    assert consultation.title in slots.consultations_citing_measure(seated, home.measure)  # type: ignore[arg-type]


def test_the_diagnosis_page_lists_the_cited_findings(world: World, consultation: Consultation, home: Planning) -> None:
    url = reverse("planning:analysis_detail", args=[home.finding.analysis_id])
    page = login(Client(), world.home["coordinator"]).get(url).content.decode()
    panel = page.split('id="consulted-h"', 1)[1].split("</section>", 1)[0]
    assert consultation.title in panel and home.finding.text in panel
    assert reverse("consultations:actor_map", args=[world.municipality.pk]) in panel


def test_the_diagnosis_panel_costs_the_same_whatever_the_findings(
    world: World, consultation: Consultation, home: Planning
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ronda.consultations import services
    from ronda.consultations.tests.conftest import consultation_values
    from ronda.core.tenancy import SYSTEM
    from ronda.planning import services as planning_services

    request = _request_as(world, "coordinator")
    analysis = home.finding.analysis
    with CaptureQueriesContext(connection) as one:
        slots.consultations_citing_findings(request, analysis)  # type: ignore[arg-type]
    for n in range(3):
        finding = planning_services.add_finding(actor=SYSTEM, analysis=analysis, goal_area="family", text=f"H{n}")
        services.record_consultation(
            actor=SYSTEM, municipality=world.municipality, findings=[finding], **consultation_values(title=f"C{n}")
        )
    request = _request_as(world, "coordinator")
    with CaptureQueriesContext(connection) as four:
        html = slots.consultations_citing_findings(request, analysis)  # type: ignore[arg-type]
    assert "C2" in html and "H2" in html
    assert len(four) == len(one)


def test_the_body_page_links_the_consultations_for_its_readers(world: World, consultation: Consultation) -> None:
    from ronda.coordination import services as coordination_services
    from ronda.core.tenancy import SYSTEM

    coordination_services.create_body(actor=SYSTEM, org_unit=world.municipality, name="Mesa A")
    link = reverse("consultations:consultation_list", args=[world.municipality.pk])
    for role in ("coordinator", "supervisor", "analyst"):
        page = login(Client(), world.home[role]).get(reverse("coordination:overview")).content.decode()
        assert link in page, role
