"""Political backing and leadership of the body (issue #13 item 9): the mayor's office as an area kind,
the body's lead areas ("motor interno"), attendance by level, and the alert when no political-level
member attended a meeting in the last 12 months."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.coordination import contracts, services
from ronda.coordination.models import MeetingStatus
from ronda.coordination.tests.conftest import Coordination
from ronda.coordination.tests.test_views import db_state
from ronda.core.tenancy import SYSTEM
from ronda.territory import services as territory_services
from ronda.territory.models import Area, AreaKind
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def _held_with(co: Coordination, statuses: dict[int, str]) -> None:
    services.update_meeting(actor=SYSTEM, meeting=co.meeting, expected_version=None, status=MeetingStatus.HELD)
    services.record_attendance(actor=SYSTEM, meeting=co.meeting, expected_version=None, statuses=statuses)


def test_the_mayors_office_is_an_area_kind_named_in_spanish() -> None:
    with translation.override("es"):
        assert str(AreaKind.MAYORS_OFFICE.label) == "Alcaldía"
    with translation.override("en"):
        assert str(AreaKind.MAYORS_OFFICE.label) == "Mayor's office"


def test_attendance_by_level_and_the_alert(world: World, co: Coordination) -> None:
    unit = world.municipality
    assert contracts.lacks_political_backing(unit) and contracts.last_political_attendance(unit) is None
    # The focal point (technical) attends alone: still no political backing.
    _held_with(co, {co.focal_member.pk: "present", co.coordinator_member.pk: "absent"})
    day = co.meeting.scheduled_at.date()
    activity = contracts.body_activity(unit, day, day)
    assert (activity.political_present, activity.technical_present, activity.meetings_with_political) == (0, 1, 0)
    assert contracts.lacks_political_backing(unit)
    coordinator = login(Client(), world.home["coordinator"])
    page = coordinator.get(reverse("coordination:overview")).content.decode()
    assert "en los últimos 12 meses" in page
    # The councillor (political level) attends: the alert goes, the figures count them.
    services.record_attendance(
        actor=SYSTEM, meeting=co.meeting, expected_version=None, statuses={co.coordinator_member.pk: "present"}
    )
    activity = contracts.body_activity(unit, day, day)
    assert (activity.political_present, activity.technical_present, activity.meetings_with_political) == (1, 1, 1)
    assert contracts.last_political_attendance(unit) is not None
    assert not contracts.lacks_political_backing(unit)
    assert "en los últimos 12 meses" not in coordinator.get(reverse("coordination:overview")).content.decode()
    # A year and a day later, it is missing again.
    assert contracts.lacks_political_backing(unit, today=day + datetime.timedelta(days=367))
    assert contracts.lacks_political_backing(world.other_municipality)


def test_lead_areas_of_the_body_from_the_edit_page(world: World, co: Coordination) -> None:
    mayor = territory_services.create_area(
        actor=SYSTEM, org_unit=world.municipality, kind=AreaKind.MAYORS_OFFICE, name="Alcaldía"
    )
    coordinator = login(Client(), world.home["coordinator"])
    url = reverse("coordination:body_edit") + f"?mesa={co.body.pk}"
    data = {"name": co.body.name, "version": co.body.version, "lead_areas": [mayor.pk, world.area.pk]}
    assert coordinator.post(url, data).status_code == 302
    co.body.refresh_from_db()
    assert set(co.body.lead_areas.all()) == {mayor, world.area}
    assert "Alcaldía" in coordinator.get(reverse("coordination:overview")).content.decode()
    # Another municipality's area is not a choice: refused, nothing changes.
    before = db_state()
    refused = coordinator.post(url, {**data, "version": co.body.version, "lead_areas": [world.other_area.pk]})
    assert refused.status_code == 200 and db_state() == before
    with pytest.raises(Exception, match=r"municipio|municipality"):
        services.update_body(actor=SYSTEM, body=co.body, expected_version=None, lead_areas=[world.other_area])
    assert set(Area.objects.filter(pk__in=co.body.lead_areas.values("pk"))) == {mayor, world.area}
