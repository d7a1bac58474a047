"""Defensoría fixtures: one in the home community (A-M-C) and one in another country's (B-M-C)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.defenders import services
from ronda.defenders.models import Activity, Component, Defender, Defensoria, Event, EventKind, WorkPlan
from ronda.testing import World

# A distinctive name, so a test can assert it appears nowhere it must not.
DEFENDER_NAME = "Rosalba Quizhpe"


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def this_year_day(month: int = 1, day: int = 1) -> dt.date:
    """A day of this year that is not in the future (the first of January at the latest today)."""
    today = timezone.localdate()
    return min(dt.date(today.year, month, day), today)


@pytest.fixture
def defensoria(world: World) -> Defensoria:
    return services.create_defensoria(
        actor=SYSTEM,
        community=world.community,
        name="Defensoría Comunitaria A",
        address="Casa comunal, calle principal",
        opening_hours="Sábados 9:00-12:00",
    )


@pytest.fixture
def other_defensoria(world: World) -> Defensoria:
    return services.create_defensoria(actor=SYSTEM, community=world.other_community, name="Defensoría B")


@pytest.fixture
def defender(world: World, defensoria: Defensoria) -> Defender:
    return services.add_defender(
        actor=SYSTEM,
        defensoria=defensoria,
        full_name=DEFENDER_NAME,
        sex="f",
        phone="0991234567",
        since=days_ago(400),
        user=world.home["defender"],
    )


@pytest.fixture
def plan(defensoria: Defensoria) -> WorkPlan:
    return services.create_plan(actor=SYSTEM, defensoria=defensoria, year=timezone.localdate().year)


@pytest.fixture
def activity(plan: WorkPlan) -> Activity:
    return services.add_activity(
        actor=SYSTEM,
        plan=plan,
        component=Component.TRAINING,
        title="Taller de derechos",
        planned_on=this_year_day(1, 10),
        responsible="Comité de la defensoría",
        budget=Decimal("150.00"),
    )


@pytest.fixture
def event(defensoria: Defensoria, activity: Activity) -> Event:
    return services.record_event(
        actor=SYSTEM,
        defensoria=defensoria,
        kind=EventKind.TRAINING,
        title="Taller de buen trato",
        held_on=this_year_day(1, 10),
        component=Component.TRAINING,
        place="Casa comunal",
        activity=activity,
        held=True,
        attendance={("f", "6-11"): 7, ("m", "6-11"): 5, ("f", "18+"): 4},
    )
