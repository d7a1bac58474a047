"""The secretariat's home compares its municipalities' plans (#9 item 22): from the read contracts
only, in a bounded number of queries, sortable without JavaScript, in a table that scrolls in its box."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ronda.coordination import contracts as coordination_contracts
from ronda.coordination import services as coordination_services
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.council import contracts as council_contracts
from ronda.council import services as council_services
from ronda.planning import contracts as planning_contracts
from ronda.planning import services as planning_services
from ronda.planning.models import LocalPlan
from ronda.planning.tests.conftest import build_plan
from ronda.portal.comparison import compare_municipalities, parse_sort
from ronda.territory.models import Area, AreaKind, Level, OrgUnit
from ronda.territory.selectors import UnitRef
from ronda.testing import World, assert_queries_do_not_grow, login, make_unit

pytestmark = pytest.mark.django_db

_NUMBERS = itertools.count(1)


def _secretariat(world: World):  # type: ignore[no-untyped-def]
    from ronda.accounts.selectors import active_memberships

    user = world.home["secretariat"]
    return actor_for(user, active_memberships(user)[0])


def _municipality_with_plan(world: World, *, progress: int | None, overdue: int = 0) -> OrgUnit:
    n = next(_NUMBERS)
    unit = make_unit(f"A-X{n}", Level.MUNICIPALITY, world.region, f"Municipio {n:03d}")
    health = Area.objects.create(org_unit=unit, kind=AreaKind.HEALTH, name="Salud")
    education = Area.objects.create(org_unit=unit, kind=AreaKind.EDUCATION, name="Educación")
    plan = build_plan(unit, health, education, prefix=f"{n} ")
    if progress is not None:
        for measure in plan.measures.all():
            planning_services.record_progress(
                actor=SYSTEM, measure=measure, expected_version=None, percent=progress, justification="Avance"
            )
    if overdue:
        body = coordination_services.create_body(actor=SYSTEM, org_unit=unit, name=f"Mesa {n}")
        for k in range(overdue):
            coordination_services.create_agreement(
                actor=SYSTEM,
                body=body,
                text=f"Acuerdo {k}",
                owner_area=health,
                due_date=timezone.localdate() - dt.timedelta(days=3),
            )
    return unit


def test_bulk_progress_rolls_up_as_the_plan_page_does(world: World) -> None:
    unit = _municipality_with_plan(world, progress=40)
    plan = LocalPlan.objects.get(org_unit=unit)
    summary = planning_contracts.plan_progress_by_unit([unit])[unit.path]
    assert summary.progress == planning_contracts.plan_progress(plan).progress == Decimal("40.00")
    assert summary.measure_count == 2
    assert summary.plan.pk == plan.pk
    # 2025 budget: 1000 + 3000 planned, 100 + 100 executed.
    assert (summary.budget.planned, summary.budget.executed) == (Decimal("4000"), Decimal("200"))
    assert summary.budget.execution_rate == Decimal("5.00")
    assert planning_contracts.plan_progress_by_unit([world.municipality]) == {}  # no plan there yet


def test_bulk_figures_count_only_each_municipalitys_own(world: World) -> None:
    home = _municipality_with_plan(world, progress=None, overdue=2)
    quiet = _municipality_with_plan(world, progress=None)
    units = [UnitRef(pk=u.pk, code=u.code, name=u.name, path=u.path) for u in (home, quiet)]
    assert coordination_contracts.overdue_agreements_by_unit(units) == {home.path: 2, quiet.path: 0}
    council = council_services.create_council(
        actor=SYSTEM, org_unit=home, name="Consejo", established_on=timezone.localdate() - dt.timedelta(days=400)
    )
    request = council_services.create_request(
        actor=SYSTEM,
        council=council,
        title="Más parques",
        description="Queremos parques.",
        routed_area=Area.objects.get(org_unit=home, kind=AreaKind.HEALTH),
        received_on=timezone.localdate() - dt.timedelta(days=10),
    )
    council_services.transition_request(
        actor=SYSTEM,
        council_request=request,
        expected_version=None,
        status="accepted",
        answer="Sí, haremos un parque.",
        on=timezone.localdate() - dt.timedelta(days=2),
    )
    today = timezone.localdate()
    figures = council_contracts.request_figures_by_unit(units, today - dt.timedelta(days=365), today)
    assert set(figures) == {home.path}
    assert figures[home.path] == council_contracts.request_figures(home, today - dt.timedelta(days=365), today)
    assert figures[home.path].on_time_percent == 100


def test_the_table_compares_and_sorts(client: Client, world: World) -> None:
    slow = _municipality_with_plan(world, progress=10, overdue=3)
    fast = _municipality_with_plan(world, progress=90)
    login(client, world.home["secretariat"])
    html = client.get("/").content.decode()
    assert '<div class="table-wrap" role="region"' in html  # scrolls in its own box on a phone
    assert "<caption" in html
    assert "No plan yet" in html or "Sin plan todavía" in html  # world.municipality has none
    assert 'href="?sort=progress#comparison"' in html
    names = re.findall(r'<th scope="row">([^<]+)', client.get("/?sort=-progress").content.decode())
    assert names.index(fast.name) < names.index(slow.name)
    names = re.findall(r'<th scope="row">([^<]+)', client.get("/?sort=progress").content.decode())
    assert names.index(slow.name) < names.index(fast.name)
    assert names[-2:] == sorted([world.municipality.name, "Municipio vecino"])  # no plan: always last
    by_overdue = compare_municipalities(_secretariat(world), sort="-overdue").rows
    assert by_overdue[0].unit.pk == slow.pk and by_overdue[0].overdue_agreements == 3


def test_only_municipalities_in_scope(world: World) -> None:
    _municipality_with_plan(world, progress=10)
    shown = {r.unit.pk for r in compare_municipalities(_secretariat(world)).rows}
    assert world.other_municipality.pk not in shown
    assert world.municipality.pk in shown


def test_a_bad_sort_falls_back_to_the_name() -> None:
    assert parse_sort("-progress") == ("progress", True)
    assert parse_sort("password") == ("name", False)
    assert parse_sort(None) == ("name", False)


def test_the_comparison_does_not_query_per_municipality(client: Client, world: World) -> None:
    login(client, world.home["secretariat"])

    def add(n: int) -> None:
        for _ in range(n):
            _municipality_with_plan(world, progress=30, overdue=1)

    add_rows: Callable[[int], None] = add
    assert_queries_do_not_grow(client, "/?sort=-progress", add_rows, ceiling=30, rows=4)
