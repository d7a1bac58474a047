"""The figures of alternative care (issue #12 item 8): the read contracts against a hand-computed
fixture (a few placements with known dates), the Tablero's computed indicators and their small-count
suppression, and the state dashboard (who reads it, what it shows, that it names nobody).

The fixture writes the placements, gatekeeping records and care resources as rows with the dates it
needs (the figures are under test here, not the services that check those dates); the files and the
measures go through the services.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from ronda.accounts.models import User
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.protection import contracts, indicators
from ronda.protection.models import (
    CareSetting,
    Facility,
    FosterFamily,
    FosterStatus,
    FosterStatusChange,
    FosterType,
    Gatekeeping,
    GatekeepingStatus,
    MeasureEndReason,
    Operator,
    Placement,
    PlacementEndReason,
    ProtectionFile,
    ProtectiveMeasure,
    ReviewOutcome,
    SupervisionVisit,
)
from ronda.protection.services import measures
from ronda.protection.tests.factories import PWorld, make_child, make_file, measure_type, protection_world
from ronda.tablero import computed
from ronda.tablero.periods import of_type
from ronda.territory.models import OrgUnit
from ronda.testing import World, assert_queries_do_not_grow, check_access_matrix, login, make_unit

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 15)  # "today" of the fixture
OPENED = dt.date(2024, 1, 2)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass
class Fixture:
    pw: PWorld
    cas: Facility
    family: FosterFamily
    sibling: OrgUnit
    files: dict[str, ProtectionFile]


def _file(pw: PWorld, name: str, *, birth: dt.date, community: OrgUnit | None = None) -> ProtectionFile:
    world = pw.world
    child = make_child(world, first_names=name, birth_date=birth, community=community or world.community)
    opened_on = max(OPENED, birth)
    if community is not None and not community.path.startswith(world.municipality.path):
        return make_file(pw, child=child, office=pw.state_office, opened_on=opened_on)
    return make_file(pw, child=child, opened_on=opened_on)


def _place(
    file: ProtectionFile,
    setting: str,
    start: str,
    end: str | None = None,
    reason: str = "",
    *,
    gatekeeping: Gatekeeping | None = None,
    facility: Facility | None = None,
    family: FosterFamily | None = None,
) -> Placement:
    start_on = d(start)
    return Placement.objects.create(
        file=file,
        setting=setting,
        start_on=start_on,
        end_on=d(end) if end else None,
        end_reason=reason,
        gatekeeping=gatekeeping,
        facility=facility,
        foster_family=family,
        age_on_entry=file.child.age_on(start_on),
        recorded_by=file.officer,
    )


def _gatekeeping(file: ProtectionFile, setting: str, *, decided: str | None, due: str | None = None) -> Gatekeeping:
    return Gatekeeping.objects.create(
        file=file,
        setting=setting,
        status=GatekeepingStatus.COMPLETE if decided else GatekeepingStatus.PENDING,
        emergency=due is not None,
        due_on=d(due) if due else None,
        decided_on=d(decided) if decided else None,
        decided_by="Procuraduría" if decided else "",
        recorded_by=file.officer,
    )


def _facility(unit: OrgUnit, name: str, **over: object) -> Facility:
    fields: dict[str, object] = {"unit": unit, "path": unit.path, "name": name, "operator": Operator.PUBLIC}
    fields.update(over)
    fields.setdefault("capacity", 40)
    return Facility.objects.create(**fields)


def _family(unit: OrgUnit, code: str, status: str, capacity: int, since: str = "2025-01-01") -> FosterFamily:
    return FosterFamily.objects.create(
        code=code,
        unit=unit,
        path=unit.path,
        type=FosterType.VOLUNTARY,
        status=status,
        status_since=d(since),
        capacity=capacity,
        contact_name="Familia Hernández Cuahutle",
    )


def build(world: World) -> Fixture:
    """Five children of A-M and one of its sibling municipality, counted on 2026-06-15:

    - Ana: CAS from 2025-03-10 (gatekeeping complete on 03-05), moved to foster family F1 on
      2025-09-01: in care since 2025-03-10 (15 months: "1-2y"), family-based.
    - Beto (born 2024-05-01): CAS from 2026-02-01 after an emergency, record due 02-04 and completed
      02-03 (in time): residential, under three, in care 4.5 months ("3-6m").
    - Carla: CAS from 2025-05-01 (no record), back to her family on 2026-03-15 (a reintegration).
    - Dora: kinship care from 2026-04-01, record completed 04-10 (late): family-based, "0-3m".
    - Eloy: CAS since 2024-01-10 (no record): residential, "2y+".
    - Fito (sibling municipality A-M2): CAS from 2026-01-05.
    """
    pw = protection_world(world)
    sibling = world.region.children.exclude(pk=world.municipality.pk).get()
    cas = _facility(world.municipality, "CAS Municipal")
    family = _family(world.municipality, "F1", FosterStatus.ACTIVE, 2)
    files = {
        "ana": _file(pw, "Ana", birth=d("2017-02-01")),
        "beto": _file(pw, "Beto", birth=d("2024-05-01")),
        "carla": _file(pw, "Carla", birth=d("2015-07-20")),
        "dora": _file(pw, "Dora", birth=d("2012-11-11")),
        "eloy": _file(pw, "Eloy", birth=d("2010-01-30")),
        "fito": _file(pw, "Fito", birth=d("2013-03-03"), community=sibling.children.get()),
    }
    ana, beto, carla, dora, eloy, fito = files.values()
    residential = CareSetting.RESIDENTIAL
    _place(ana, residential, "2025-03-10", "2025-09-01", PlacementEndReason.MOVED, facility=cas,
           gatekeeping=_gatekeeping(ana, residential, decided="2025-03-05"))  # fmt: skip
    _place(ana, CareSetting.VOLUNTARY_FOSTER, "2025-09-01", family=family)
    _place(beto, residential, "2026-02-01", facility=cas,
           gatekeeping=_gatekeeping(beto, residential, decided="2026-02-03", due="2026-02-04"))  # fmt: skip
    _place(carla, residential, "2025-05-01", "2026-03-15", PlacementEndReason.REINTEGRATION, facility=cas)
    _place(carla, CareSetting.FAMILY_OF_ORIGIN, "2026-03-15")
    _place(dora, CareSetting.KINSHIP, "2026-04-01",
           gatekeeping=_gatekeeping(dora, CareSetting.KINSHIP, decided="2026-04-10"))  # fmt: skip
    _place(eloy, residential, "2024-01-10", facility=cas)
    _place(fito, residential, "2026-01-05", facility=_facility(sibling, "CAS vecino"))
    return Fixture(pw=pw, cas=cas, family=family, sibling=sibling, files=files)


@pytest.fixture
def fx(world: World) -> Fixture:
    return build(world)


# --- The contracts ------------------------------------------------------------------------------
def test_children_in_care_on_a_day(fx: Fixture) -> None:
    world = fx.pw.world
    care = contracts.in_care_on(world.municipality, DAY)
    assert (care.residential, care.family_based, care.other, care.total) == (2, 2, 0, 4)
    assert care.under_three_residential == 1
    assert care.by_stay == {"0-3m": 1, "3-6m": 1, "6-12m": 0, "1-2y": 1, "2y+": 1}
    stays = sorted((DAY - d(day)).days for day in ("2025-03-10", "2026-02-01", "2026-04-01", "2024-01-10"))
    assert care.median_stay_days == (stays[1] + stays[2]) / 2
    # The region counts Fito too; the other country counts nobody.
    assert contracts.in_care_on(world.region, DAY).residential == 3
    assert contracts.in_care_on(world.other_country, DAY).total == 0
    # The day a move happens counts the child once, in the new setting.
    moved = contracts.in_care_on(world.municipality, d("2025-09-01"))
    assert (moved.residential, moved.family_based) == (2, 1)  # Carla and Eloy; Ana with F1


def test_breakdown_by_sub_unit_adds_up(fx: Fixture) -> None:
    world = fx.pw.world
    care = contracts.in_care_on(world.region, DAY, breakdown=True)
    assert care.by_part == {world.municipality.pk: (2, 2), fx.sibling.pk: (0, 1)}


def test_children_in_residential_care_at_the_end_of_each_month(fx: Fixture) -> None:
    months = contracts.care_by_month(fx.pw.world.municipality, d("2026-01-01"), DAY)
    assert [(m.month, m.residential, m.under_three_residential, m.in_care) for m in months] == [
        ("2026-01", 2, 0, 3),  # Carla and Eloy in the CAS; Ana with F1
        ("2026-02", 3, 1, 4),  # Beto arrives
        ("2026-03", 2, 1, 3),  # Carla goes home on the 15th
        ("2026-04", 2, 1, 4),  # Dora with her aunt
        ("2026-05", 2, 1, 4),
        ("2026-06", 2, 1, 4),
    ]
    assert months[-1].day == DAY


def test_entries_into_care_and_their_gatekeeping(fx: Fixture) -> None:
    world = fx.pw.world
    this_year = contracts.entries(world.municipality, d("2026-01-01"), DAY)
    assert (this_year.total, this_year.by_month) == (2, {"2026-02": 1, "2026-04": 1})  # Beto and Dora
    assert (this_year.emergency_in_time, this_year.late, this_year.complete_at_entry) == (1, 1, 0)
    last_year = contracts.entries(world.municipality, d("2025-01-01"), d("2025-12-31"))
    # Ana's move to F1 is not an entry; Carla had no record.
    assert (last_year.total, last_year.complete_at_entry, last_year.missing) == (2, 1, 1)
    assert contracts.entries_count(world.region, d("2026-01-01"), DAY) == 3


def test_a_pending_emergency_record_has_no_verdict_until_it_is_due(fx: Fixture) -> None:
    world = fx.pw.world
    file = _file(fx.pw, "Gala", birth=d("2016-01-01"))
    _place(file, CareSetting.RESIDENTIAL, "2026-06-14", facility=fx.cas,
           gatekeeping=_gatekeeping(file, CareSetting.RESIDENTIAL, decided=None, due="2026-06-17"))  # fmt: skip
    on_time = contracts.entries(world.municipality, d("2026-06-01"), DAY, today=DAY)
    assert (on_time.total, on_time.pending_not_due, on_time.decided) == (1, 1, 0)  # Gala: no verdict yet
    overdue = contracts.entries(world.municipality, d("2026-06-01"), DAY, today=d("2026-06-20"))
    assert (overdue.pending_not_due, overdue.late) == (0, 1)


def test_reintegrations(fx: Fixture) -> None:
    world = fx.pw.world
    assert contracts.reintegrations(world.municipality, d("2026-01-01"), DAY) == {"2026-03": 1}
    assert contracts.reintegrations_count(world.municipality, d("2025-01-01"), d("2025-12-31")) == 0


def test_measures_in_force_with_their_review_up_to_date(fx: Fixture) -> None:
    world = fx.pw.world
    kind = measure_type(world)

    def measure(name: str, issued: str, months: int = 3) -> ProtectiveMeasure:
        return measures.record_measure(
            actor=SYSTEM,
            file=fx.files[name],
            type=kind,
            issuing_authority="Procuraduría Municipal",
            issued_on=d(issued),
            legal_basis="LGDNNA art. 122",
            review_interval_months=months,
        )

    ana = measure("ana", "2025-03-10")
    measures.review_measure(
        actor=SYSTEM,
        measure=ana,
        reviewed_on=d("2026-04-01"),
        outcome=ReviewOutcome.CONTINUE,
        participants="Procuradora, familia de acogida",
        child_heard=True,
        child_opinion="Quiere seguir con la familia.",
    )
    measure("eloy", "2025-01-10")  # never reviewed: overdue since 2025-04-10
    measure("beto", "2026-02-01", months=6)  # due 2026-08-01
    carla = measure("carla", "2025-05-01")
    measures.end_measure(
        actor=SYSTEM,
        measure=carla,
        ended_on=d("2026-01-01"),
        end_reason=MeasureEndReason.OBJECTIVE_MET,
    )
    now = contracts.measure_reviews(world.municipality, DAY)
    assert (now.in_force, now.up_to_date, now.overdue) == (3, 2, 1)
    # Read from the review rows: before Ana's review, hers was overdue too.
    before = contracts.measure_reviews(world.municipality, d("2026-03-01"))
    assert (before.in_force, before.up_to_date) == (3, 1)


def test_foster_places_follow_the_status_history(fx: Fixture) -> None:
    world = fx.pw.world
    _family(world.municipality, "F2", FosterStatus.APPLICANT, 1)
    closed = _family(world.municipality, "F3", FosterStatus.CLOSED, 3, since="2026-05-01")
    for on, status in (("2025-01-01", FosterStatus.APPROVED), ("2026-05-01", FosterStatus.CLOSED)):
        FosterStatusChange.objects.create(family=closed, to_status=status, changed_on=d(on), changed_by=fx.pw.officer)
    now = contracts.foster_places(world.municipality, DAY)
    assert (now.families, now.capacity, now.placed, now.available) == (1, 2, 1, 1)  # F1 cares for Ana
    march = contracts.foster_places(world.municipality, d("2026-03-01"))
    assert (march.families, march.capacity, march.available) == (2, 5, 4)  # F3 was approved then


def test_facilities_supervised_in_the_last_twelve_months(fx: Fixture) -> None:
    world = fx.pw.world
    old = _facility(world.municipality, "CAS antiguo")
    _facility(world.municipality, "CAS cerrado", closed_on=d("2026-01-01"), is_active=False)
    for facility, on in ((fx.cas, "2025-12-01"), (old, "2025-05-01")):
        SupervisionVisit.objects.create(
            facility=facility, visited_on=d(on), visitors="Procuraduría", recorded_by=fx.pw.officer
        )
    supervision = contracts.facilities_supervised(world.municipality, DAY)
    assert (supervision.facilities, supervision.supervised) == (2, 1)


def test_child_population(fx: Fixture) -> None:
    world = fx.pw.world
    OrgUnit.objects.filter(pk=world.municipality.pk).update(
        child_population={"female": {"0-5": 300, "6-11": 200}, "male": {"0-5": 280, "6-11": 220}}
    )
    assert contracts.child_population(world.municipality) == 1000
    assert contracts.child_population(world.other_municipality) is None


def test_the_stay_bands_and_calendar_months() -> None:
    assert contracts.add_months(d("2026-01-31"), 1) == d("2026-02-28")
    assert contracts.add_months(d("2026-03-15"), -12) == d("2025-03-15")
    assert contracts.stay_band(d("2026-03-15"), d("2026-06-14")) == "0-3m"
    assert contracts.stay_band(d("2026-03-15"), d("2026-06-15")) == "3-6m"
    assert contracts.stay_band(d("2024-06-15"), d("2026-06-15")) == "2y+"


# --- The computed indicators ----------------------------------------------------------------------
def _more_in_residential_care(fx: Fixture, community: OrgUnit, n: int, prefix: str) -> None:
    for i in range(n):
        file = _file(fx.pw, f"{prefix} {i}", birth=d("2014-01-01"), community=community)
        facility = fx.cas if community.path.startswith(fx.pw.world.municipality.path) else None
        _place(file, CareSetting.RESIDENTIAL, "2026-01-10",
               facility=facility or _facility(community.parent or community, f"CAS {prefix} {i}"),
               gatekeeping=_gatekeeping(file, CareSetting.RESIDENTIAL, decided="2026-01-09"))  # fmt: skip


def value(ratio: computed.Ratio | None) -> Decimal | None:
    return ratio.value if ratio is not None else None


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_computed_indicators_are_registered_and_count_the_subtree(fx: Fixture) -> None:
    world = fx.pw.world
    registry = computed.registered()
    for item in indicators.COMPUTED:
        assert registry[item.code] is item and item.goal_area == indicators.PROTECTION
    _more_in_residential_care(fx, world.community, 5, "Niño")
    OrgUnit.objects.filter(pk=world.municipality.pk).update(child_population={"female": {"0-5": 5000}})
    year = of_type("Yearly", DAY)
    # 7 in the CAS (Beto, Eloy and five more); A-M2's 1 is hidden, so A-M is hidden as its complement.
    assert indicators.children_in_residential_care(world.municipality, year) is None
    assert value(indicators.children_in_residential_care(world.region, year)) == Decimal(8)
    # Entries in 2026: Beto, Dora and the five: 7 per 5,000 children.
    assert value(indicators.entry_rate(world.municipality, year)) is None  # complement of A-M2's 1
    third = make_unit("A-M3", world.municipality.level, world.region, "Municipio tercero")
    _more_in_residential_care(fx, make_unit("A-M3-C", world.community.level, third, "Comunidad tercera"), 9, "Tercero")
    # Now A-M2's complement is the smallest shown: A-M (7) stays hidden, A-M3 (9) is shown.
    assert indicators.children_in_residential_care(world.municipality, year) is None
    assert value(indicators.children_in_residential_care(third, year)) == Decimal(9)
    # Family-based over family-based and residential: 2 of 9 in A-M is small, hidden.
    assert indicators.family_based_share(world.municipality, year) is None
    # Shares of the region: 2 family-based of 19: small, hidden; facilities are resources: shown.
    assert indicators.family_based_share(world.region, year) is None
    assert indicators.median_stay_months(world.region, year) is not None
    assert value(indicators.foster_places_available(world.municipality, year)) == Decimal(1)
    # Monthly periods for stocks, yearly only for flows.
    month = of_type("Monthly", DAY)
    assert registry["RONDA_PROTECCION_NNA_CAS"].value(world.region, month) is not None
    assert registry["RONDA_PROTECCION_REINTEGRACIONES"].value(world.region, month) is None
    # A period that has not started has no figure.
    assert indicators.children_in_residential_care(world.region, of_type("Yearly", d("2027-03-01"))) is None


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_computed_shares_and_rates_with_enough_children(fx: Fixture) -> None:
    world = fx.pw.world
    _more_in_residential_care(fx, world.community, 6, "Niño")
    for i in range(5):
        file = _file(fx.pw, f"Acogida {i}", birth=d("2015-01-01"))
        _place(file, CareSetting.KINSHIP, "2026-05-02",
               gatekeeping=_gatekeeping(file, CareSetting.KINSHIP, decided="2026-05-01"))  # fmt: skip
    OrgUnit.objects.filter(pk=world.region.pk).update(child_population={"female": {"0-5": 10_000}})
    year = of_type("Yearly", DAY)
    # The region: residential Beto, Eloy, Fito + 6 = 9; family-based Ana, Dora + 5 = 7.
    assert value(indicators.family_based_share(world.region, year)) == Decimal(7) / Decimal(16) * 100
    # Entries 2026 in the region: Beto, Dora, Fito, 6 and 5 = 14 per 10,000 children.
    assert value(indicators.entry_rate(world.region, year)) == Decimal(140)
    # Gatekeeping: complete at entry 11, Beto's emergency in time 1; Dora late, Fito none: 12 of 14.
    assert indicators.entries_with_gatekeeping(world.region, year) is None  # 2 without: small
    median = indicators.median_stay_months(world.region, year)
    assert median is not None and median.value is not None and median.value > 0


# --- The dashboard ----------------------------------------------------------------------------------
DASHBOARD_READERS = {"protection_officer": 200, "supervisor": 200, "analyst": 200, "secretariat": 200}


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


def test_dashboard_access_matrix(fx: Fixture) -> None:
    check_access_matrix(
        fx.pw.world, url=reverse("protection:dashboard"), expected=only(DASHBOARD_READERS), away=DASHBOARD_READERS
    )


def test_dashboard_refuses_every_method_but_get(fx: Fixture) -> None:
    for method in ("post", "put", "delete"):
        check_access_matrix(
            fx.pw.world,
            url=reverse("protection:dashboard"),
            method=method,
            expected={role: 405 for role in Role.values},
            away=405,
            anonymous=405,
        )


def _page(user: User, **params: int) -> str:
    response = login(Client(), user).get(reverse("protection:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_dashboard_names_nobody_hides_small_counts_and_logs_no_read(fx: Fixture) -> None:
    world = fx.pw.world
    officer = fx.pw.state_officer
    content = _page(officer)
    assert "Cifras del cuidado alternativo" in content
    assert "Región A" in content
    for name in ("Ana", "Beto", "Carla", "Dora", "Eloy", "Fito", "Xiomara", fx.files["ana"].number):
        assert name not in content
    assert "&lt;5" in content  # three children in a CAS in the region
    assert "<svg" in content and "<table" in content
    assert not AccessEvent.objects.filter(actor=officer).exists()
    # The municipal officer reads the municipality's figures, and may not choose the region.
    municipal = _page(fx.pw.officer, unidad=world.region.pk)
    assert "Municipio A" in municipal and "Municipio vecino" not in municipal


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_dashboard_queries_do_not_grow_with_the_children(fx: Fixture) -> None:
    world = fx.pw.world
    added = iter(range(100))

    def add_rows(n: int) -> None:
        for _i in range(n):
            k = next(added)
            file = _file(fx.pw, f"Extra {k}", birth=d("2012-01-01"))
            gate = _gatekeeping(file, CareSetting.RESIDENTIAL, decided="2026-03-01")
            _place(file, CareSetting.RESIDENTIAL, "2026-03-02", "2026-05-02", PlacementEndReason.MOVED,
                   facility=fx.cas, gatekeeping=gate)  # fmt: skip
            _place(file, CareSetting.KINSHIP, "2026-05-02",
                   gatekeeping=_gatekeeping(file, CareSetting.KINSHIP, decided="2026-05-01"))  # fmt: skip

    client = login(Client(), fx.pw.state_officer)
    assert_queries_do_not_grow(
        client, f"{reverse('protection:dashboard')}?unidad={world.region.pk}", add_rows, ceiling=40
    )


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_dashboard_shows_figures_of_enough_children(fx: Fixture) -> None:
    world = fx.pw.world
    _more_in_residential_care(fx, world.community, 6, "Niño")
    # Five more in the sibling municipality: A-M2's figures are not small, so they hide none of A-M's.
    _more_in_residential_care(fx, fx.sibling.children.get(), 5, "Vecino")
    content = _page(fx.pw.state_supervisor, unidad=world.municipality.pk, anio=2026)
    assert "Municipio A" in content and "Municipio vecino</th>" not in content  # no breakdown below
    # A-M on the day: Ana and Dora in a family (<5), Beto, Eloy and six more in the CAS (8): the 8
    # is hidden as the complement of the 2, the total of 10 is shown.
    assert re.search(r"<td>\s*10\s*</td>", content) and ">x</abbr>" in content
    # The end of January: Carla, Eloy and the six (8), shown (A-M2 had Fito and the five: 6).
    assert re.search(r"<td>\s*8\s*</td>", content)
