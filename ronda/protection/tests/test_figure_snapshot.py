"""The kept figures of alternative care (``protection.figures``; decision 0026, "The figures'
snapshot"): one pass per country gives every unit the same counts as the read contracts asked unit by
unit, what is kept reads back as it was written, a page uses the kept counts while they are fresh and
counts again when they are not, and the periodic job keeps every unit of every country."""

from __future__ import annotations

import datetime as dt
import random
import statistics

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ronda.core.tenancy import SYSTEM
from ronda.protection import contracts, figures
from ronda.protection.models import CareSetting, FigureSnapshot, ProtectiveMeasure
from ronda.protection.services import measures
from ronda.protection.tests.factories import measure_type
from ronda.protection.tests.test_figures import DAY, Fixture, _file, _place, build, d
from ronda.territory.models import Level, OrgUnit
from ronda.testing import World

pytestmark = pytest.mark.django_db
START = dt.date(DAY.year, 1, 1)


@pytest.fixture
def fx(world: World) -> Fixture:
    fixture = build(world)
    kind = measure_type(world)
    for name, issued in (("ana", "2025-03-10"), ("eloy", "2025-01-10"), ("fito", "2026-01-05")):
        measures.record_measure(
            actor=SYSTEM,
            file=fixture.files[name],
            type=kind,
            issuing_authority="Procuraduría",
            issued_on=d(issued),
            legal_basis="LGDNNA art. 122",
        )
    return fixture


def _direct(unit: OrgUnit) -> figures.Counts:
    return figures.Counts(
        in_care=contracts.in_care_on(unit, DAY),
        stocks=tuple(contracts.care_by_month(unit, START, DAY)),
        entries=contracts.entries(unit, START, DAY, today=DAY),
        reintegrations=contracts.reintegrations(unit, START, DAY),
        reviews=contracts.measure_reviews(unit, DAY),
    )


def _same(kept: figures.Counts, direct: figures.Counts) -> None:
    a, b = kept.in_care, direct.in_care
    assert (a.residential, a.family_based, a.other, a.under_three_residential) == (
        b.residential,
        b.family_based,
        b.other,
        b.under_three_residential,
    )
    assert a.by_stay == b.by_stay
    assert a.median_stay_days == b.median_stay_days
    assert kept.stocks == direct.stocks
    assert kept.entries == direct.entries
    assert kept.reintegrations == direct.reintegrations
    assert kept.reviews == direct.reviews


def test_one_pass_gives_every_unit_the_counts_of_the_contracts(fx: Fixture) -> None:
    world = fx.pw.world
    counts = figures.compute(world.country, DAY.year, DAY)
    for unit in (world.municipality, fx.sibling, world.region, world.country):
        _same(counts[unit.pk], _direct(unit))
    # The hand-computed fixture, through the pass: four children in care in A-M, Fito in the sibling.
    assert counts[world.municipality.pk].in_care.total == 4
    assert counts[world.region.pk].in_care.residential == 3
    assert counts[world.region.pk].reviews.in_force == 3
    # Every unit down to the municipalities is there, those without a file too (with zeros).
    units = OrgUnit.objects.filter(path__startswith=world.country.path, level__lte=Level.MUNICIPALITY)
    assert set(counts) == set(units.values_list("pk", flat=True))
    empty = [pk for pk in counts if pk not in {world.municipality.pk, fx.sibling.pk, world.region.pk, world.country.pk}]
    assert all(counts[pk].in_care.total == 0 and counts[pk].entries.total == 0 for pk in empty)


def test_what_is_kept_reads_back_as_it_was_written(fx: Fixture) -> None:
    world = fx.pw.world
    counts = figures.compute(world.country, DAY.year, DAY)
    for each in counts.values():
        back = figures.decode(figures.encode(each), DAY)
        _same(back, each)
        assert back.in_care.stay_days == {}  # the rollups' histogram is not kept: the median is


def test_a_page_reads_kept_counts_while_fresh_and_counts_again_when_stale(fx: Fixture) -> None:
    world = fx.pw.world
    units = [world.municipality, world.region, world.country, fx.sibling]
    with override_settings(RONDA_PROTECTION_FIGURES_TTL=900), time_machine.travel("2026-06-15 12:00Z", tick=False):
        first = figures.counts_for(units, DAY.year, DAY)
        assert FigureSnapshot.objects.filter(year=DAY.year, day=DAY).count() >= len(units)
        # A child enters care after the pass: the kept counts do not see them yet.
        _place(_file(fx.pw, "Gabi", birth=d("2014-04-04")), CareSetting.KINSHIP, "2026-06-01")
        with CaptureQueriesContext(connection) as ctx:
            kept = figures.counts_for(units, DAY.year, DAY)
        assert len(ctx.captured_queries) == 1
        assert kept.computed_at == first.computed_at
        assert kept.counts[world.municipality.pk].in_care.total == 4
    with override_settings(RONDA_PROTECTION_FIGURES_TTL=900), time_machine.travel("2026-06-15 12:16Z", tick=False):
        again = figures.counts_for(units, DAY.year, DAY)
        assert again.computed_at > first.computed_at
        assert again.counts[world.municipality.pk].in_care.total == 5
        assert again.counts[world.country.pk].in_care.total == 6


def test_without_a_lifetime_every_page_counts(fx: Fixture) -> None:
    world = fx.pw.world
    figures.counts_for([world.municipality], DAY.year, DAY)
    _place(_file(fx.pw, "Gabi", birth=d("2014-04-04")), CareSetting.KINSHIP, "2026-06-01")
    assert figures.counts_for([world.municipality], DAY.year, DAY).counts[world.municipality.pk].in_care.total == 5


def test_the_periodic_job_keeps_every_unit_of_every_country(fx: Fixture) -> None:
    world = fx.pw.world
    with time_machine.travel("2026-06-15 12:00Z", tick=False):
        from ronda.protection.schedules import refresh_figures

        refresh_figures.call()
    units = OrgUnit.objects.filter(level__lte=Level.MUNICIPALITY)
    kept = FigureSnapshot.objects.filter(year=2026)
    assert kept.count() == units.count()
    assert set(kept.values_list("day", flat=True)) == {DAY}
    row = kept.get(unit=world.municipality)
    assert figures.decode(row.counts, DAY).in_care.total == 4
    # The measures are counted where the child lives.
    assert figures.decode(kept.get(unit=fx.sibling).counts, DAY).reviews.in_force == 1
    assert ProtectiveMeasure.objects.count() == 3


def test_the_median_of_a_histogram_is_the_median_of_its_values() -> None:
    rng = random.Random(12)  # noqa: S311 - test data, not a secret
    for size in range(1, 60):
        values = [rng.randint(0, 40) for _ in range(size)]
        histogram: dict[int, int] = {}
        for value in values:
            histogram[value] = histogram.get(value, 0) + 1
        assert contracts.histogram_median(histogram) == statistics.median(values)
    assert contracts.histogram_median({}) is None


def test_the_review_threshold_agrees_with_the_calendar() -> None:
    # Up to date on ``day`` when add_months(last, months) >= day: the threshold is the earliest such ``last``.
    for day in (dt.date(2026, 3, 31), dt.date(2026, 2, 28), dt.date(2024, 2, 29), dt.date(2026, 1, 1)):
        for months in (1, 2, 3, 6, 12):
            threshold = contracts.review_threshold(day, months)
            assert contracts.add_months(threshold, months) >= day
            assert contracts.add_months(threshold - dt.timedelta(days=1), months) < day


def test_a_familys_suppression_is_kept_for_the_counts_of_one_pass(fx: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.cache import cache

    from ronda.protection.views import dashboard

    world = fx.pw.world
    cache.clear()
    below = [fx.sibling.pk, world.municipality.pk]
    counts = figures.compute(world.country, DAY.year, DAY)
    months = [contracts.month_key(dt.date(DAY.year, m, 1)) for m in range(1, DAY.month + 1)]
    calls: list[int] = []
    real = dashboard.family_suppression

    def counting(*args: object) -> dashboard.Family:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard, "family_suppression", counting)
    first = dashboard.kept_family_suppression(world.region.pk, below, counts, months, (2026, "pass-1"))
    again = dashboard.kept_family_suppression(world.region.pk, below, counts, months, (2026, "pass-1"))
    assert first == again == real(world.region.pk, below, counts, months)
    assert len(calls) == 1
    # Another pass's counts are suppressed again.
    dashboard.kept_family_suppression(world.region.pk, below, counts, months, (2026, "pass-2"))
    assert len(calls) == 2
