"""Public accountability pages and reports answer with a bounded number of queries, however large the plan.

Each ceiling is what the page took when the test was written (SQLite / PostgreSQL), plus a margin:
an upper bound, not an exact count (see ``ronda.testing.assert_queries_do_not_grow``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.council import services as council_services
from ronda.council.models import ChildrenCouncil, RequestStatus
from ronda.planning import services as planning_services
from ronda.planning.models import LocalPlan, Measure
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind, Level
from ronda.testing import World, assert_queries_do_not_grow, login, make_unit

pytestmark = pytest.mark.django_db

CHANGE = planning_services.ChangeRecord(what="Ampliación", why="Nuevo diagnóstico", approved_by="Concejo Municipal")


class Rows:
    """What the public pages and the reports list: in the home municipality's approved plan, a line,
    an objective and a measure with budgets and a progress report; answered requests of its
    children's council (routed to an area); elsewhere in country A, a municipality with an approved
    plan of its own (one more entry in the public index and in the list of reports)."""

    def __init__(self, world: World, plan: LocalPlan, council: ChildrenCouncil) -> None:
        self.world = world
        self.plan = plan
        self.council = council
        self.numbers = itertools.count(1)

    def __call__(self, n: int) -> None:
        for _ in range(n):
            self.add(next(self.numbers))

    def add(self, k: int) -> None:
        w, plan = self.world, self.plan
        area = Area.objects.create(org_unit=w.municipality, kind=AreaKind.CULTURE, name=f"Área {k}")
        line = planning_services.create_line(
            actor=SYSTEM, plan=plan, title=f"Línea {k}", goal_area="participation", change=CHANGE
        )
        objective = planning_services.create_objective(actor=SYSTEM, line=line, title=f"Objetivo {k}", change=CHANGE)
        measure = planning_services.create_measure(
            actor=SYSTEM,
            plan=plan,
            objective=objective,
            code=f"K-{k}",
            title=f"Medida {k}",
            responsible_area=area,
            horizon="short",
            start_date=dt.date(2025, 3, 1),
            end_date=dt.date(2026, 12, 31),
            budgets=[planning_services.BudgetLine(2025, Decimal("500"), Decimal("50"))],
            change=CHANGE,
        )
        planning_services.record_progress(
            actor=SYSTEM,
            measure=Measure.objects.get(pk=measure.pk),
            expected_version=None,
            percent=Decimal(10 * k),
            justification=f"Avance {k}",
            reported_on=timezone.localdate(),
        )
        request = council_services.create_request(
            actor=SYSTEM,
            council=self.council,
            title=f"Solicitud {k}",
            description="Pedimos un parque con juegos.",
            routed_area=area,
            received_on=timezone.localdate() - dt.timedelta(days=20),
        )
        council_services.transition_request(
            actor=SYSTEM,
            council_request=request,
            expected_version=None,
            status=RequestStatus.ACCEPTED,
            answer=f"Respuesta {k}: el parque estará listo en marzo.",
        )
        unit = make_unit(f"A-M{k + 10}", Level.MUNICIPALITY, w.region, f"Municipio {k}")
        health = Area.objects.create(org_unit=unit, kind=AreaKind.HEALTH, name="Salud")
        schools = Area.objects.create(org_unit=unit, kind=AreaKind.EDUCATION, name="Educación")
        build_plan(unit, health, schools, prefix=f"Municipio {k}: ")


@pytest.fixture
def plan(world: World) -> LocalPlan:
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    return build_plan(world.municipality, world.area, education)


@pytest.fixture
def rows(world: World, plan: LocalPlan) -> Rows:
    council = council_services.create_council(actor=SYSTEM, org_unit=world.municipality, name="Consejo de Niñez A")
    return Rows(world, plan, council)


# --- Public pages: anonymous visitors --------------------------------------------------------------


# Measured when written, the same on SQLite and PostgreSQL: 2; 6 with each municipality's region,
# country and plan progress (planning.contracts.plan_progress_by_unit). Ceiling: that plus 3.
def test_public_index(client: Client, rows: Rows) -> None:
    url = reverse("accountability:public_index")
    assert_queries_do_not_grow(client, url, rows, ceiling=9, contains=["Municipio 4"])


# Measured when written, the same on SQLite and PostgreSQL: 7. Ceiling: that plus 3, and one query
# each for the municipal budget totals and the policy instruments (issue #13 item 13), and one each
# for the measures answering the council's requests, the approved plan's document and the published
# evaluations (issue #13 items 11, 3, 12): measured 14, ceiling 15.
def test_public_plan(client: Client, world: World, rows: Rows) -> None:
    url = reverse("accountability:public_plan", args=[world.municipality.code])
    assert_queries_do_not_grow(client, url, rows, ceiling=15, contains=["Objetivo 4", "Respuesta 4"])


# Measured when written, the same on SQLite and PostgreSQL: 7. Ceiling: that plus 3.
def test_public_children(client: Client, world: World, rows: Rows) -> None:
    url = reverse("accountability:public_children", args=[world.municipality.code])
    assert_queries_do_not_grow(client, url, rows, ceiling=10, contains=["Respuesta 4"])


# Measured when written, the same on SQLite and PostgreSQL: 11. Ceiling: that plus 3, and one query
# each for the municipal budget totals and the policy instruments (issue #13 item 13).
def test_public_plan_signed_in(client: Client, world: World, rows: Rows) -> None:
    # A signed-in visitor gets the same page with their menus: still flat.
    login(client, world.home[Role.COORDINATOR])
    url = reverse("accountability:public_plan", args=[world.municipality.code])
    # Plus the links, the plan's document and the evaluations of issue #13 (measured 18).
    assert_queries_do_not_grow(client, url, rows, ceiling=19, contains=["Objetivo 4"])


# --- Reports: plan readers -------------------------------------------------------------------------


# Measured when written, the same on SQLite and PostgreSQL: coordinator 5, secretariat 4, admin 6. Ceiling:
# that plus 3.
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SECRETARIAT, Role.ADMIN])
def test_report_list(client: Client, world: World, rows: Rows, role: str) -> None:
    login(client, world.home[role])
    shows = ["Plan local"] if role == Role.COORDINATOR else ["Municipio 4: Plan local"]
    assert_queries_do_not_grow(client, reverse("accountability:report_list"), rows, ceiling=9, contains=shows)


# Measured when written, the same on SQLite and PostgreSQL: 6. Ceiling: that plus 3.
def test_report_plan(client: Client, world: World, plan: LocalPlan, rows: Rows) -> None:
    login(client, world.home[Role.COORDINATOR])
    url = reverse("accountability:report_plan", args=[plan.pk])
    assert_queries_do_not_grow(client, url, rows, ceiling=9)
