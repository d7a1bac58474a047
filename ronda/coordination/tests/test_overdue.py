"""Overdue agreements: the clock decides (time-machine), the badge shows, the home widget lists them."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.selectors import active_memberships
from ronda.coordination import services
from ronda.coordination.models import Agreement
from ronda.coordination.selectors import overdue_agreements_for
from ronda.coordination.tests.conftest import Coordination, unseat
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def actor(world: World, role: str) -> Actor:
    user = world.home[role]
    return actor_for(user, active_memberships(user)[0])


def later(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_an_agreement_becomes_overdue_the_day_after_its_due_date(world: World, co: Coordination) -> None:
    due = co.agreement.due_date  # today + 30
    with time_machine.travel(later(30), tick=False):
        assert timezone.localdate() == due
        assert not Agreement.objects.get(pk=co.agreement.pk).is_overdue
        assert co.agreement not in Agreement.objects.overdue()
    with time_machine.travel(later(31), tick=False):
        agreement = Agreement.objects.get(pk=co.agreement.pk)
        assert agreement.is_overdue
        assert agreement in Agreement.objects.overdue()
        assert overdue_agreements_for(actor(world, "coordinator")) == [agreement]


def test_fulfilled_or_cancelled_agreements_are_never_overdue(world: World, co: Coordination) -> None:
    services.update_agreement(actor=SYSTEM, agreement=co.agreement, expected_version=1, status="done")
    services.update_agreement(actor=SYSTEM, agreement=co.education_agreement, expected_version=1, status="cancelled")
    with time_machine.travel(later(365), tick=False):
        assert not Agreement.objects.filter(body=co.body).overdue().exists()
        assert overdue_agreements_for(actor(world, "coordinator")) == []


def test_late_fulfilment_is_not_on_time(world: World, co: Coordination) -> None:
    with time_machine.travel(later(40), tick=False):
        late = services.update_agreement(actor=SYSTEM, agreement=co.agreement, expected_version=1, status="done")
        assert late.completed_on > late.due_date and not late.fulfilled_on_time
    on_time = services.update_agreement(
        actor=SYSTEM, agreement=co.education_agreement, expected_version=1, status="done"
    )
    assert on_time.fulfilled_on_time


def test_overdue_selector_respects_scope_and_limit(world: World, co: Coordination) -> None:
    today = timezone.localdate()
    for n in range(6):
        services.create_agreement(
            actor=SYSTEM,
            body=co.body,
            text=f"Atrasado {n}",
            owner_area=co.education,
            due_date=today - datetime.timedelta(days=10 - n),
        )
    services.create_agreement(
        actor=SYSTEM,
        body=co.body,
        text="Salud atrasado",
        owner_area=world.area,
        due_date=today - datetime.timedelta(days=1),
    )
    coordinator = overdue_agreements_for(actor(world, "coordinator"))
    assert [a.text for a in coordinator] == [f"Atrasado {n}" for n in range(5)]  # oldest first, five by default
    assert len(overdue_agreements_for(actor(world, "coordinator"), limit=10)) == 7
    assert len(overdue_agreements_for(actor(world, "area_focal"), limit=10)) == 7  # a seat: the body's
    unseat(co)
    assert [a.text for a in overdue_agreements_for(actor(world, "area_focal"))] == ["Salud atrasado"]
    assert overdue_agreements_for(actor(world, "defender")) == []
    assert overdue_agreements_for(None) == []
    assert {a.text for a in overdue_agreements_for(actor(world, "admin"), limit=20)} >= {"Acuerdo de B"}


def test_home_partial_renders_badges_and_links(world: World, co: Coordination) -> None:
    with time_machine.travel(later(31), tick=False):
        items = overdue_agreements_for(actor(world, "coordinator"))
        html = render_to_string(
            "coordination/partials/home_overdue.html", {"overdue_agreements": items, "overdue_total": len(items)}
        )
    assert "Campaña de vacunación en escuelas" in html
    assert reverse("coordination:agreement_detail", args=[co.agreement.pk]) in html
    assert 'class="badge bad"' in html and "?overdue=1" in html
    assert render_to_string("coordination/partials/home_overdue.html", {"overdue_agreements": []}).strip() == ""


def test_overdue_badge_and_filter_on_pages(world: World, co: Coordination) -> None:
    with time_machine.travel(later(31), tick=True):
        client = login(Client(), world.home["coordinator"])  # sessions expire: sign in on the day
        listing = client.get(reverse("coordination:agreement_list") + "?overdue=1").content.decode()
        assert "Campaña de vacunación en escuelas" in listing and "Censo de deserción escolar" not in listing
        assert "is-overdue" in listing
        detail = client.get(reverse("coordination:agreement_detail", args=[co.agreement.pk])).content.decode()
        assert 'class="badge bad"' in detail
        overview = client.get(reverse("coordination:overview")).content.decode()
        assert "stat alert" in overview


def test_list_filters_by_area_and_status(world: World, co: Coordination) -> None:
    client = login(Client(), world.home["coordinator"])
    url = reverse("coordination:agreement_list")
    by_area = client.get(url, {"area": co.education.pk}).content.decode()
    assert "Censo de deserción escolar" in by_area and "Campaña de vacunación" not in by_area
    services.update_agreement(actor=SYSTEM, agreement=co.agreement, expected_version=1, status="in_progress")
    by_status = client.get(url, {"status": "in_progress"}, HTTP_HX_REQUEST="true")
    html = by_status.content.decode()
    assert "Campaña de vacunación" in html and "Censo" not in html and "<html" not in html  # htmx partial


def test_focal_point_list_shows_only_own_area(world: World, co: Coordination) -> None:
    unseat(co)  # without a seat on the body
    client = login(Client(), world.home["area_focal"])
    page = client.get(reverse("coordination:agreement_list")).content.decode()
    assert "Campaña de vacunación" in page and "Censo de deserción" not in page and "Acuerdo de B" not in page
    # Asking for another area's agreements gives nothing either.
    page = client.get(reverse("coordination:agreement_list"), {"area": co.education.pk}).content.decode()
    assert "Censo de deserción" not in page
    # No tabs into the rest of the body's business.
    assert reverse("coordination:member_list") not in page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_do_not_grow_queries_with_rows(world: World, co: Coordination) -> None:
    """No N+1: the same number of queries for a few rows and for many."""
    client = login(Client(), world.home["coordinator"])
    urls = [
        reverse("coordination:agreement_list"),
        reverse("coordination:meeting_list"),
        reverse("coordination:member_list"),
        reverse("coordination:overview"),
        reverse("coordination:calendar", args=[timezone.localdate().year]),
        reverse("coordination:meeting_detail", args=[co.meeting.pk]),
    ]
    client.get(urls[0])  # the first page after signing in also saves the session (idle expiry)
    before = [_queries(client, url) for url in urls]
    today = timezone.localdate()
    for n in range(8):
        member = services.add_member(
            actor=SYSTEM,
            body=co.body,
            full_name=f"Miembro {n}",
            area=co.education,
            level="technical",
            position="Técnico",
            start_date=today - datetime.timedelta(days=30),
        )
        meeting = services.schedule_meeting(
            actor=SYSTEM,
            body=co.body,
            kind="ordinary",
            mode="in_person",
            place="Sala",
            scheduled_at=timezone.now() - datetime.timedelta(days=2, hours=n),
        )
        services.create_agreement(
            actor=SYSTEM,
            body=co.body,
            meeting=None,  # due before co.meeting (a week ago) for the larger n
            text=f"Acuerdo {n}",
            owner_area=co.education,
            owner_member=member,
            due_date=today - datetime.timedelta(days=n + 1),
        )
        services.add_agreement_note(actor=SYSTEM, agreement=co.agreement, text="nota", author=world.home["coordinator"])
        services.record_attendance(
            actor=SYSTEM, meeting=co.meeting, expected_version=None, statuses={member.pk: "present"}
        )
        services.add_agenda_item(actor=SYSTEM, meeting=meeting, title="Punto", presenter=member)
    after = [_queries(client, url) for url in urls]
    assert after == before, list(zip(urls, before, after, strict=True))
