"""A demo kind of notification and two demo calendar feeds, registered for these tests only (no
domain is needed: notifications is generic infrastructure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import Http404

from ronda.core.roles import Role
from ronda.notifications import ics, kinds

DEMO_KIND = "notifications_test.reminder"
DEMO_DIGEST = "notifications_test.digest"
DEMO_FEED = "notifications_test.meetings"
BODY_FEED = "notifications_test.body"
ZONE = "America/Guayaquil"
MEETING_START = dt.datetime(2026, 3, 2, 9, 30)  # wall-clock time in ZONE
STAMP = dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC)
BODIES = {1: "Mesa cantonal A", 2: "Mesa cantonal B"}


def demo_events(user: Any, object_id: int | None) -> list[Any]:
    """Two events of the user: a meeting with times in Guayaquil, and an all-day day of training."""
    if not user.is_active:
        raise Http404
    meeting = ics.event(
        uid=ics.uid("test.meeting", user.pk),
        start=MEETING_START,
        end=MEETING_START + dt.timedelta(hours=2),
        time_zone=ZONE,
        summary="Sesión ordinaria de la mesa",
        location="Salón municipal",
        description="Orden del día: acuerdos pendientes.",
        organizer=("secretaria@example.org", "Secretaría técnica"),
        sequence=2,
        stamp=STAMP,
    )
    training = ics.event(
        uid=ics.uid("test.training", user.pk),
        start=dt.date(2026, 3, 10),
        end=dt.date(2026, 3, 11),
        summary="Jornada de formación",
        stamp=STAMP,
    )
    return [meeting, training]


def body_events(user: Any, object_id: int | None) -> list[Any]:
    if object_id not in BODIES:
        raise Http404
    return [
        ics.event(
            uid=ics.uid("test.body", object_id),
            start=dt.datetime(2026, 4, 1, 15, 0),
            time_zone=ZONE,
            summary=f"Sesión de {BODIES[object_id]}",
            stamp=STAMP,
        )
    ]


def coordinator_bodies(actor: Any) -> list[tuple[int, str]]:
    # Only body 1 is "visible" to a coordinator: a stand-in for a domain's policy.
    return [(1, BODIES[1])] if actor.role == Role.COORDINATOR else []


@pytest.fixture(autouse=True)
def demo_registry() -> Iterator[None]:
    kinds.register_kind(
        {
            "key": DEMO_KIND,
            "label": "Recordatorios de prueba",
            "description": "Avisos de una app de prueba.",
            "default": True,
            "roles": [],
        }
    )
    kinds.register_kind(
        {
            "key": DEMO_DIGEST,
            "label": "Resumen de prueba",
            "description": "Un resumen semanal de prueba.",
            "default": True,
            "roles": [Role.COORDINATOR],
            "digest": True,
        }
    )
    kinds.register_feed({"key": DEMO_FEED, "label": "Mis reuniones", "roles": [], "events": demo_events})
    kinds.register_feed(
        {
            "key": BODY_FEED,
            "label": "Reuniones de la mesa",
            "roles": [Role.COORDINATOR],
            "events": body_events,
            "objects": coordinator_bodies,
        }
    )
    yield
    for key in (DEMO_KIND, DEMO_DIGEST, DEMO_FEED, BODY_FEED):
        kinds.unregister(key)
