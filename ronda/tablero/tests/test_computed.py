"""Computed indicators (issue #10 item 7): the domains publish theirs through one registry, the
Tablero keeps a catalogue entry per country and asks the provider — so a computed figure reaches
the analytics like a typed one, a region's ratio from the region's parts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ronda.coordination.contracts import agreement_figures
from ronda.coordination.models import Agreement, AgreementStatus
from ronda.coordination.tests.conftest import build_coordination
from ronda.tablero import analytics, computed
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import Indicator
from ronda.testing import World

pytestmark = pytest.mark.django_db

EXPECTED = {
    "RONDA_PLAN_EJECUCION_PRESUPUESTO",
    "RONDA_PLAN_AVANCE",
    "RONDA_ACUERDOS_A_TIEMPO",
    "RONDA_REUNIONES",
    "RONDA_CONSEJO_RESPUESTAS_A_TIEMPO",
}


def test_the_domains_indicators_are_found_without_the_tablero_importing_them() -> None:
    assert set(computed.registered()) >= EXPECTED


def test_each_country_gets_one_catalogue_entry_per_computed_indicator_once(world: World) -> None:
    first = computed.ensure_indicators(world.country)
    again = computed.ensure_indicators(world.country)
    assert [i.pk for i in first] == [i.pk for i in again]
    assert set(Indicator.objects.filter(owner=world.country).values_list("computed_by", flat=True)) >= EXPECTED


def test_agreements_on_time_of_a_region_come_from_its_parts(world: World) -> None:
    co = build_coordination(world)
    today = timezone.localdate()
    Agreement.objects.filter(body=co.body).delete()
    rows = [
        (AgreementStatus.DONE, today - dt.timedelta(days=12)),  # on time
        (AgreementStatus.DONE, today - dt.timedelta(days=12)),  # on time
        (AgreementStatus.DONE, today - dt.timedelta(days=2)),  # late
        (AgreementStatus.PENDING, None),  # overdue
    ]
    for status, done in rows:
        Agreement.objects.create(
            body=co.body,
            text="x",
            owner_area=world.area,
            due_date=today - dt.timedelta(days=10),
            status=status,
            completed_on=done,
        )
    indicator = next(i for i in computed.ensure_indicators(world.country) if i.computed_by == "RONDA_ACUERDOS_A_TIEMPO")
    year = iso_periods.of_type(iso_periods.PeriodType.YEARLY, today - dt.timedelta(days=10))
    got = {
        v.org_unit_id: v for v in analytics.indicator_values([indicator], [world.municipality, world.region], [year])
    }
    assert got[world.municipality.pk].value == Decimal(50)  # 2 of 4
    assert (got[world.municipality.pk].numerator, got[world.municipality.pk].denominator) == (2, 4)
    assert got[world.region.pk].value == Decimal(50)  # the region holds only this body
    # The other country's body counts its own agreements only.
    (other,) = analytics.indicator_values([indicator], [world.other_municipality], [year])
    theirs = agreement_figures(world.other_municipality, year.start, year.end)
    assert (other.numerator, other.denominator) == (
        (theirs.fulfilled_on_time, theirs.due) if theirs.due else (None, None)
    )


def test_a_provider_answers_only_for_its_period_types(world: World) -> None:
    indicator = next(
        i for i in computed.ensure_indicators(world.country) if i.computed_by == "RONDA_PLAN_EJECUCION_PRESUPUESTO"
    )
    month = iso_periods.parse("202403")
    (value,) = analytics.indicator_values([indicator], [world.municipality], [month])
    assert value.value is None  # a budget is yearly: no monthly figure is invented
