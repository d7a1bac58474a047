from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.defenders import contracts, indicators, services
from ronda.defenders.models import Activity, ActivityStatus, Component, Defensoria, Event, EventKind, WorkPlan
from ronda.defenders.tests.conftest import this_year_day
from ronda.tablero import computed
from ronda.tablero import periods as iso_periods
from ronda.territory.models import OrgUnit
from ronda.testing import World

pytestmark = pytest.mark.django_db


def year_bounds() -> tuple[dt.date, dt.date]:
    year = timezone.localdate().year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@pytest.fixture
def busy(
    world: World, defensoria: Defensoria, other_defensoria: Defensoria, plan: WorkPlan, activity: Activity, event: Event
) -> None:
    """Home: one held event (16 people), one planned event, 3 activities (1 done, 1 cancelled, 1 planned).
    Away: one held event of 10 people that no home figure may count."""
    services.update_activity(actor=SYSTEM, activity=activity, expected_version=1, status=ActivityStatus.DONE)
    cancelled = services.add_activity(
        actor=SYSTEM, plan=plan, component=Component.HEALTH, title="Feria", planned_on=this_year_day()
    )
    services.update_activity(
        actor=SYSTEM, activity=cancelled, expected_version=1, status=ActivityStatus.CANCELLED, cancel_reason="Lluvia"
    )
    services.add_activity(
        actor=SYSTEM, plan=plan, component=Component.HEALTH, title="Charla", planned_on=this_year_day()
    )
    services.record_event(
        actor=SYSTEM,
        defensoria=defensoria,
        kind=EventKind.FORUM,
        title="Foro",
        held_on=this_year_day(),
        component=Component.COMMUNICATION,
        attendance={("m", "18+"): 30},
    )
    services.record_event(
        actor=SYSTEM,
        defensoria=other_defensoria,
        kind=EventKind.GAMES,
        title="Juegos",
        held_on=this_year_day(),
        component=Component.ORGANISATION,
        held=True,
        attendance={("m", "12-17"): 10},
    )


def test_event_figures_count_held_events_under_the_unit(world: World, busy: None) -> None:
    start, end = year_bounds()
    home = contracts.event_figures(world.municipality, start, end)
    assert home.events_held == 1
    assert home.people_reached == 16
    assert home.cell("f", "6-11") == 7 and home.cell("m", "12-17") == 0
    assert contracts.event_figures(world.other_municipality, start, end).people_reached == 10
    assert contracts.event_figures(world.country, start, end).events_held == 1


def test_plan_figures_by_component(world: World, busy: None) -> None:
    start, end = year_bounds()
    figures = contracts.plan_figures(world.community, start, end)
    assert figures.component(Component.TRAINING) == contracts.ComponentFigures(planned=1, done=1, cancelled=0)
    assert figures.component(Component.HEALTH) == contracts.ComponentFigures(planned=1, done=0, cancelled=1)
    assert figures.total.execution_rate == Decimal(50)
    assert contracts.plan_figures(world.other_municipality, start, end).total.planned == 0


def test_figures_by_community_in_constant_queries(
    world: World, busy: None, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        rows = contracts.figures_by_community(world.municipality, timezone.localdate().year)
    assert [r.name for r in rows] == ["Defensoría Comunitaria A"]
    assert rows[0].events.people_reached == 16
    assert rows[0].plan.total.execution_rate == Decimal(50)


def test_events_by_month(world: World, busy: None) -> None:
    month = this_year_day().month
    assert contracts.events_by_month(world.municipality, timezone.localdate().year) == {month: 1}


def test_computed_indicators_are_registered_and_compute(world: World, busy: None) -> None:
    codes = {i.code for i in indicators.COMPUTED}
    assert codes <= set(computed.registered())
    year = iso_periods.parse(str(timezone.localdate().year))

    def value(code: str, unit: OrgUnit) -> Decimal | None:
        provider = computed.get(code)
        assert provider is not None
        ratio = provider.value(unit, year)
        return None if ratio is None else ratio.value

    assert value("RONDA_DEFENSORIAS_EVENTOS", world.municipality) == 1
    assert value("RONDA_DEFENSORIAS_PERSONAS_ALCANZADAS", world.municipality) == 16
    assert value("RONDA_DEFENSORIAS_EJECUCION_PTA", world.municipality) == 50
    assert value("RONDA_DEFENSORIAS_EJECUCION_PTA", world.other_municipality) is None  # nothing planned there
