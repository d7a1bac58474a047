"""``manage.py tablero_verify``: the aggregates recomputed from the values; differences reported and repaired."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from ronda.core.models import AuditEvent
from ronda.tablero import selectors, verify
from ronda.tablero.models import AggregateValue, Period
from ronda.tablero.tests.dhis2_catalogue import build, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(world):
    cat = build(world)
    # Values at three levels, several months, two combinations, two countries.
    save(cat, cat.vac, cat.default, world.community, "202401", 3)
    save(cat, cat.vac, cat.default, world.community, "202402", 5)
    save(cat, cat.vac, cat.default, world.municipality, "202402", 7)
    save(cat, cat.vac, cat.default, world.municipality, "202406", 11)
    save(cat, cat.vac, cat.default, world.region, "202403", 2)
    save(cat, cat.cases, cat.female, world.community, "202403", 2)
    save(cat, cat.cases, cat.male, world.community, "202403", 4)
    save(cat, cat.cases, cat.male, world.community, "202311", 9)
    save(cat, cat.other, cat.other.category_combo.option_combos.get(), world.other_community, "202401", 6)
    # A change and a deletion, so that the aggregates went through updates, not only inserts.
    save(cat, cat.vac, cat.default, world.community, "202401", 4)
    save(cat, cat.cases, cat.male, world.community, "202311", None)
    return cat


def run(*args):
    out = io.StringIO()
    call_command("tablero_verify", *args, stdout=out)
    return out.getvalue()


def cell(cat, element, coc, unit, iso):
    return AggregateValue.objects.get(data_element=element, option_combo=coc, org_unit=unit, period__iso=iso)


def test_aggregates_kept_by_the_writes_verify_clean(cat):
    output = run()
    assert "A: 7 values" in output and "0 cells differ" in output
    assert "B: 1 values" in output
    report = verify.verify_country(cat.world.country)
    assert report.different == 0 and report.cells > 0


def test_a_corrupted_aggregate_is_reported_and_fix_repairs_it(cat):
    world = cat.world
    target = cell(cat, cat.vac, cat.default, world.region, "2024Q1")
    expected = selectors.from_values(element_id=cat.vac.pk, unit_path=world.region.path, period=target.period)
    AggregateValue.objects.filter(pk=target.pk).update(total=target.total + 100, last_total=0)
    # Another cell lost, one invented.
    cell(cat, cat.cases, cat.male, world.country, "2024").delete()
    AggregateValue.objects.create(
        data_element=cat.cases,
        option_combo=cat.female,
        org_unit=world.municipality,
        period=Period.objects.get(iso="202311"),
        total=8,
        count=1,
        last_total=8,
        minimum=8,
        maximum=8,
    )
    with pytest.raises(CommandError, match="3 aggregate cells differ"):
        run("--country", "A")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("tablero_verify", "--country", "A", stdout=out)
    text = out.getvalue()
    assert "wrong: element VAC / default, unit A-R, period 2024Q1" in text
    assert "missing: element CASOS / M, unit A, period 2024" in text
    assert "extra: element CASOS / F, unit A-M, period 202311" in text
    assert "A: 7 values" in text and "3 cells differ" in text

    fixed = run("--country", "A", "--fix")
    assert "3 cells rewritten" in fixed
    repaired = cell(cat, cat.vac, cat.default, world.region, "2024Q1")
    assert (repaired.total, repaired.count, repaired.last_total) == (
        expected.total,
        expected.count,
        expected.last_total,
    )
    assert (repaired.minimum, repaired.maximum) == (expected.minimum, expected.maximum)
    restored = cell(cat, cat.cases, cat.male, world.country, "2024")
    assert (restored.total, restored.count) == (4, 1)
    assert not AggregateValue.objects.filter(
        data_element=cat.cases, option_combo=cat.female, period__iso="202311"
    ).exists()
    assert "0 cells differ" in run("--country", "A")
    event = AuditEvent.objects.filter(target_id=str(world.country.pk), action="update").latest("created_at")
    assert event.actor is None and event.actor_username == "system"
    assert event.changes == {"aggregate_cells_repaired": [3, 0]}


def test_the_other_country_is_untouched_and_a_clean_fix_is_not_audited(cat):
    world = cat.world
    bad = cell(cat, cat.vac, cat.default, world.country, "202401")
    AggregateValue.objects.filter(pk=bad.pk).update(count=99)
    before = AuditEvent.objects.count()
    assert "0 cells rewritten" in run("--country", "B", "--fix")
    assert AuditEvent.objects.count() == before
    assert cell(cat, cat.vac, cat.default, world.country, "202401").count == 99


def test_small_read_chunks_give_the_same_answer(cat, monkeypatch):
    monkeypatch.setattr(verify, "CHUNK_ROWS", 1)
    changed = AggregateValue.objects.filter(org_unit=cat.world.municipality, period__iso="2024S1").update(maximum=1000)
    assert changed == 3  # VAC, CASOS F, CASOS M
    report = verify.verify_country(cat.world.country)
    assert {(d.key[2], d.key[3], d.kind) for d in report.differences} == {
        (cat.world.municipality.pk, "2024S1", "wrong")
    }
    assert report.different == changed


def test_an_unknown_country_is_an_error(cat):
    with pytest.raises(CommandError, match="No country"):
        run("--country", "ZZ")


def test_rebuilt_from_nothing_the_cells_match_the_oracle(cat):
    world = cat.world
    save(cat, cat.vac, cat.default, world.country, "202405", 8)  # a value at the country itself
    AggregateValue.objects.all().delete()
    report = verify.verify_country(world.country, fix=True)
    assert report.different == report.fixed > 0
    assert {d.kind for d in report.differences} == {"missing"}
    assert verify.verify_country(world.country).different == 0
    # A community keeps no stored cells: its figures are read from its values.
    assert not AggregateValue.objects.filter(org_unit=world.community).exists()
    for iso in ("202401", "202402", "2024Q1", "2024S1", "2024"):
        period = Period.objects.get(iso=iso)
        oracle = selectors.from_values(element_id=cat.vac.pk, unit_path=world.community.path, period=period)
        read = selectors.cells(element_ids=[cat.vac.pk], unit_ids=[world.community.pk], period_ids=[period.pk])
        got = read.get((cat.vac.pk, world.community.pk, period.pk))
        if oracle.count == 0:
            assert got is None
        else:
            assert got == oracle, iso
    for unit in (world.country, world.region, world.municipality):
        for iso in ("202401", "202402", "2024Q1", "2024S1", "2024"):
            period = Period.objects.get(iso=iso)
            oracle = selectors.from_values(element_id=cat.vac.pk, unit_path=unit.path, period=period)
            stored = AggregateValue.objects.filter(
                data_element=cat.vac, option_combo=cat.default, org_unit=unit, period=period
            ).first()
            if oracle.count == 0:
                assert stored is None
                continue
            assert stored is not None, (unit.code, iso)
            assert (stored.total, stored.count, stored.last_total, stored.minimum, stored.maximum) == (
                oracle.total,
                oracle.count,
                oracle.last_total,
                oracle.minimum,
                oracle.maximum,
            ), (unit.code, iso)


def test_two_queries_per_unit_whatever_the_number_of_values(cat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = cat.world
    units = 6  # country A's units

    with CaptureQueriesContext(connection) as before:
        verify.verify_country(world.country)
    for month in range(1, 13):
        save(cat, cat.cases, cat.female, world.community, f"2025{month:02d}", month)
        save(cat, cat.cases, cat.male, world.municipality, f"2025{month:02d}", month)
    with CaptureQueriesContext(connection) as after:
        report = verify.verify_country(world.country)
    assert report.different == 0 and report.units == units
    assert len(after.captured_queries) == len(before.captured_queries) <= 2 * units + 4


def test_a_stored_cell_of_a_community_is_extra_and_the_fix_removes_it(cat):
    world = cat.world
    period = Period.objects.get(iso="2024")
    AggregateValue.objects.create(
        data_element=cat.vac, option_combo=cat.default, org_unit=world.community, period=period, total=5, count=1
    )
    report = verify.verify_country(world.country)
    assert [(d.key[2], d.key[3], d.kind) for d in report.differences] == [(world.community.pk, "2024", "extra")]
    verify.verify_country(world.country, fix=True)
    assert not AggregateValue.objects.filter(org_unit=world.community).exists()
    assert verify.verify_country(world.country).different == 0
