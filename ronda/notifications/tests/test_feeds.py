"""Private calendar feeds: valid iCalendar read back with ``icalendar``, tokens hashed, revocation."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import actor_for
from ronda.notifications import services
from ronda.notifications.models import CalendarFeed, NotificationsAction
from ronda.notifications.tests.conftest import BODY_FEED, DEMO_FEED, MEETING_START, ZONE
from ronda.testing import World

pytestmark = pytest.mark.django_db

REVOKED = (
    "This calendar address was revoked by its owner and no longer works. "
    "Create a new one in Ronda, under My notifications."
)
UNKNOWN = "This calendar address does not exist. Check that you copied it whole, or create a new one in Ronda."


def _actor(world: World, role: str = Role.COORDINATOR) -> Any:
    user = world.home[role]
    return actor_for(user, user.memberships.get())


def _url(raw: str) -> str:
    return reverse("notifications:feed", args=[raw])


def test_the_feed_is_valid_icalendar_with_its_time_zone(world: World) -> None:
    actor = _actor(world)
    feed, raw = services.create_feed(actor=actor, kind=DEMO_FEED)
    response = Client().get(_url(raw))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "Mis reuniones"
    assert "METHOD" not in calendar  # a published feed, not an invitation
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [ZONE]
    meeting, training = calendar.walk("VEVENT")
    assert str(meeting["UID"]) == f"test.meeting-{actor.user.pk}@ronda"
    start, end = meeting["DTSTART"].dt, meeting["DTEND"].dt
    assert start.tzinfo.key == ZONE and start.replace(tzinfo=None) == MEETING_START
    assert start == MEETING_START.replace(tzinfo=zoneinfo.ZoneInfo(ZONE))
    assert start.astimezone(dt.UTC).hour == 14  # Guayaquil is UTC-5
    assert end - start == dt.timedelta(hours=2)
    assert str(meeting["SUMMARY"]) == "Sesión ordinaria de la mesa"
    assert str(meeting["LOCATION"]) == "Salón municipal"
    assert str(meeting["DESCRIPTION"]) == "Orden del día: acuerdos pendientes."
    assert str(meeting["ORGANIZER"]) == "mailto:secretaria@example.org"
    assert meeting["ORGANIZER"].params["CN"] == "Secretaría técnica"
    assert int(meeting["SEQUENCE"]) == 2
    assert meeting["DTSTAMP"].dt == dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC)
    assert training["DTSTART"].dt == dt.date(2026, 3, 10)  # all day: a date, no zone
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_only_the_hash_of_the_token_is_stored(world: World) -> None:
    feed, raw = services.create_feed(actor=_actor(world), kind=DEMO_FEED)
    assert raw.startswith(services.TOKEN_PREFIX) and len(raw) > 40
    stored = CalendarFeed.objects.filter(pk=feed.pk).values()[0]
    assert raw not in str(stored)
    assert stored["token_hash"] == services.hash_token(raw) and stored["prefix"] == raw[:10]
    created = AuditEvent.objects.get(action=NotificationsAction.FEED_CREATED, target_id=str(feed.pk))
    assert raw not in str(created.changes)


def test_a_revoked_token_answers_404_in_plain_words_and_is_audited(world: World) -> None:
    actor = _actor(world)
    feed, raw = services.create_feed(actor=actor, kind=DEMO_FEED)
    assert Client().get(_url(raw)).status_code == 200
    services.revoke_feed(actor=actor, feed=feed)
    with translation.override("es"):
        response = Client(HTTP_ACCEPT_LANGUAGE="es").get(_url(raw))
        expected = gettext(REVOKED)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().strip() == expected
    used = AuditEvent.objects.filter(action=NotificationsAction.FEED_REVOKED_USE, target_id=str(feed.pk))
    assert used.count() == 1
    assert used.get().actor_username == "anonymous" and used.get().ip_address == "127.0.0.1"
    assert AuditEvent.objects.filter(action=NotificationsAction.FEED_REVOKED, target_id=str(feed.pk)).count() == 1


def test_an_unknown_or_overlong_token_answers_404(world: World) -> None:
    services.create_feed(actor=_actor(world), kind=DEMO_FEED)
    for token in ("cal_" + "x" * 43, "x" * 500):
        with translation.override("es"):
            response = Client(HTTP_ACCEPT_LANGUAGE="es").get(_url(token))
            expected = gettext(UNKNOWN)
        assert response.status_code == 404 and response.content.decode().strip() == expected
    assert not AuditEvent.objects.filter(action=NotificationsAction.FEED_REVOKED_USE).exists()


def test_a_deactivated_persons_feed_stops_working(world: World) -> None:
    actor = _actor(world)
    _feed, raw = services.create_feed(actor=actor, kind=DEMO_FEED)
    actor.user.is_active = False
    actor.user.save(update_fields=["is_active"])
    assert Client().get(_url(raw)).status_code == 404


def test_a_feed_per_body_only_for_the_bodies_the_person_may_see(world: World) -> None:
    coordinator = _actor(world)
    feed, raw = services.create_feed(actor=coordinator, kind=BODY_FEED, object_id=1)
    (event,) = icalendar.Calendar.from_ical(Client().get(_url(raw)).content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Sesión de Mesa cantonal A"
    with pytest.raises(ValidationError):
        services.create_feed(actor=coordinator, kind=BODY_FEED, object_id=2)
    with pytest.raises(ValidationError):
        services.create_feed(actor=coordinator, kind=BODY_FEED)
    with pytest.raises(ValidationError):
        services.create_feed(actor=_actor(world, Role.ANALYST), kind=BODY_FEED, object_id=1)  # not their role
    with pytest.raises(ValidationError):
        services.create_feed(actor=coordinator, kind=DEMO_FEED, object_id=1)
    assert CalendarFeed.objects.filter(user=coordinator.user).count() == 1 and feed.object_id == 1


def test_nobody_revokes_someone_elses_feed(world: World) -> None:
    feed, _raw = services.create_feed(actor=_actor(world), kind=DEMO_FEED)
    with pytest.raises(PermissionDenied):
        services.revoke_feed(actor=_actor(world, Role.ADMIN), feed=feed)
    feed.refresh_from_db()
    assert feed.revoked_at is None
