"""Due and missing: periods past their due date, counted by state over the whole scope (not capped
at what the page previews), and the page's queries do not grow with the data sets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ronda.accounts.selectors import active_memberships
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.tablero import entry, services
from ronda.tablero import periods as iso_periods
from ronda.tablero.tests.entry_catalogue import Catalogue, make_catalogue
from ronda.territory.models import Level
from ronda.testing import World, assert_queries_do_not_grow, login

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 20)


@pytest.fixture
def cat(world: World) -> Catalogue:
    return make_catalogue(world, today=TODAY)


def _actor(world: World, role: str):
    user = world.home[role]
    return actor_for(user, active_memberships(user)[0])


def _setup(world: World, cat: Catalogue) -> None:
    may, april, march = (iso_periods.parse(p) for p in ("202605", "202604", "202603"))
    services.save_values(
        actor=SYSTEM,
        values=[services.ValueInput(cat.attended, cat.female, world.municipality, may.iso, "2")],
        today=TODAY,
    )
    for period in (april, march):
        entry.submit_period(actor=SYSTEM, data_set=cat.health, org_unit=world.municipality, period=period, today=TODAY)
    entry.approve_period(actor=SYSTEM, data_set=cat.health, org_unit=world.municipality, period=march)


def test_due_periods_are_those_past_their_due_date() -> None:
    class DataSetLike:
        period_type = iso_periods.PeriodType.MONTHLY
        due_days = 15

    found = [p.iso for p in entry.due_periods(DataSetLike(), TODAY)]  # type: ignore[arg-type]
    assert found[0] == "202605" and found[-1] == "202506" and len(found) == 12


def test_counts_by_state_for_the_coordinator(world: World, cat: Catalogue) -> None:
    _setup(world, cat)
    summaries = {s.data_set.code: s for s in entry.due_and_missing(_actor(world, Role.COORDINATOR), TODAY)}
    assert summaries["ATENCION"].counts == {
        entry.Missing.NO_VALUES: 9,
        entry.Missing.NOT_SUBMITTED: 1,
        entry.Missing.NOT_APPROVED: 1,
    }
    assert summaries["ESCUELA"].counts[entry.Missing.NO_VALUES] == 12
    first = summaries["ATENCION"].rows[0]
    assert (first.period.iso, first.state, first.due) == ("202605", entry.Missing.NOT_SUBMITTED, dt.date(2026, 6, 15))


def test_the_secretariat_counts_its_whole_subtree_beyond_the_preview(world: World, cat: Catalogue) -> None:
    _setup(world, cat)
    summaries = {s.data_set.code: s for s in entry.due_and_missing(_actor(world, Role.SECRETARIAT), TODAY, preview=5)}
    health = summaries["ATENCION"]
    # Two municipalities × twelve periods, three of them entered, submitted or approved.
    assert health.counts[entry.Missing.NO_VALUES] == 21
    assert health.total == 23
    assert len(health.rows) == 5


def test_a_focal_point_sees_only_its_area_data_sets(world: World, cat: Catalogue) -> None:
    codes = [s.data_set.code for s in entry.due_and_missing(_actor(world, Role.AREA_FOCAL), TODAY)]
    assert codes == ["ATENCION"]


def test_the_page_links_to_the_form_and_its_queries_do_not_grow(world: World, cat: Catalogue) -> None:
    client = login(Client(), world.home[Role.SECRETARIAT])
    page = client.get(reverse("tablero:entry_due")).content.decode()
    assert (
        reverse("tablero:entry_form", args=[cat.health.pk, world.municipality.pk, "202605"]).rsplit("/", 2)[0] in page
    )
    made: list[int] = []

    def add_rows(n: int) -> None:
        for _ in range(n):
            made.append(1)
            element = services.create_data_element(
                actor=SYSTEM,
                owner=world.country,
                code=f"DUE{len(made)}",
                name=f"Elemento {len(made)}",
                value_type="INTEGER_ZERO_OR_POSITIVE",
                aggregation_type="SUM",
            )
            data_set = services.create_data_set(
                actor=SYSTEM,
                owner=world.country,
                code=f"DS{len(made)}",
                name=f"Conjunto adicional {len(made)}",
                period_type=iso_periods.PeriodType.QUARTERLY,
                level=Level.MUNICIPALITY,
                data_elements=[element],
            )
            period = iso_periods.of_type(data_set.period_type, dt.date.today()).previous().previous()
            services.save_values(
                actor=SYSTEM, values=[services.ValueInput(element, cat.default, world.municipality, period.iso, "1")]
            )
            entry.submit_period(actor=SYSTEM, data_set=data_set, org_unit=world.municipality, period=period)

    assert_queries_do_not_grow(
        client, reverse("tablero:entry_due"), add_rows, ceiling=25, contains=["Conjunto adicional 4"]
    )
