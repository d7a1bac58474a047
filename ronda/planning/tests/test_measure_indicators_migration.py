"""The data migration 0009: every measure indicator's latest value moves into the Tablero, without
loss, and comes back when the migration is reversed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ronda.core.tenancy import SYSTEM
from ronda.planning import contracts, rollup, services
from ronda.planning.models import LocalPlan, MeasureIndicator
from ronda.planning.tests.conftest import build_plan
from ronda.tablero import analytics
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import AggregateValue, DataElement, DataValue
from ronda.territory.models import Area, AreaKind
from ronda.testing import build_world

BEFORE = [("planning", "0008_catalogue_links")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_latest_values_move_into_the_tablero_and_back() -> None:
    world = build_world()
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    plan: LocalPlan = build_plan(world.municipality, world.area, education)
    m1, m2 = plan.measures.get(code="M-1"), plan.measures.get(code="M-2")
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("planning", "MeasureIndicator")
        measured = old.objects.create(
            measure_id=m1.pk,
            name="Controles de niño sano",
            unit="%",
            baseline=Decimal("40"),
            baseline_year=2024,
            target=Decimal("80"),
            latest_value=Decimal("52.25"),
            latest_on=dt.date(2026, 4, 15),
        )
        falling = old.objects.create(
            measure_id=m2.pk,
            name="Desnutrición",
            baseline=Decimal("20"),
            target=Decimal("10"),
            latest_value=Decimal("0"),
        )
        unmeasured = old.objects.create(measure_id=m2.pk, name="Sin medir", baseline=Decimal("1"))
        archived = old.objects.create(
            measure_id=m2.pk,
            name="Retirado",
            latest_value=Decimal("7"),
            latest_on=dt.date(2025, 2, 1),
            archived_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        )

        _migrate(_leaves())

        rows = {r.pk: r for r in MeasureIndicator._base_manager.select_related("catalogue_indicator")}
        assert rows[unmeasured.pk].catalogue_indicator is None  # free text until its first value
        for pk in (measured.pk, falling.pk, archived.pk):
            series = rows[pk].catalogue_indicator
            assert series is not None and series.owner_id == world.municipality.pk
            assert series.code == f"PLIA-MI-{pk}"
        series = rows[measured.pk].catalogue_indicator
        assert series is not None
        assert (series.name, series.unit, series.direction) == ("Controles de niño sano", "%", "up")
        assert getattr(rows[falling.pk].catalogue_indicator, "direction", None) == "down"
        value = DataValue.objects.get(org_unit=world.municipality, data_element__code=f"PLIA-MI-{measured.pk}")
        assert (value.value, value.period.iso, value.comment) == (Decimal("52.25"), "2026", "2026-04-15")
        # A zero is a figure here (zero is significant), and the date-less value sits in the plan's first year.
        zero = DataValue.objects.get(data_element__code=f"PLIA-MI-{falling.pk}")
        assert (zero.value, zero.period.iso) == (Decimal("0"), "2025")
        assert DataElement.objects.get(code=f"PLIA-MI-{falling.pk}").zero_is_significant
        # The aggregate cells are there: the Tablero reads the value for the municipality and up the tree.
        got = analytics.indicator_values([series], [world.municipality, world.region], [iso_periods.parse("2026")])
        assert [v.value for v in got] == [Decimal("52.25"), Decimal("52.25")]
        assert AggregateValue.objects.filter(data_element__code=f"PLIA-MI-{measured.pk}").count() == 3
        # What the reports read: the migrated value is the latest point of the series.
        by_pk = {r.pk: r for r in contracts.indicator_progress(plan)}
        assert (by_pk[measured.pk].latest_value, by_pk[measured.pk].latest_period) == (Decimal("52.25"), "2026")
        assert by_pk[measured.pk].progress_percent == rollup.quantize((Decimal("52.25") - 40) * 100 / (80 - 40))

        # A value recorded after the migration goes to the same series.
        services.record_indicator_value(
            actor=SYSTEM, indicator=rows[measured.pk], value=Decimal("60"), measured_on=dt.date(2026, 9, 1)
        )
        assert DataValue.objects.filter(data_element__code=f"PLIA-MI-{measured.pk}").count() == 1

        # Reversed: the latest value of each series is back on the row.
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("planning", "MeasureIndicator")
        back = {r.pk: r for r in old._base_manager.all()}
        assert (back[measured.pk].latest_value, back[measured.pk].latest_on) == (Decimal("60"), dt.date(2026, 9, 1))
        assert back[archived.pk].latest_value == Decimal("7") and back[unmeasured.pk].latest_value is None
    finally:
        _migrate(_leaves())
