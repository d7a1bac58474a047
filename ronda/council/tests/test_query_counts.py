"""Children's council pages and API lists answer with a bounded number of queries, however many rows.

Each ceiling is what the page took when the test was written (SQLite / PostgreSQL), plus a margin:
an upper bound, not an exact count (see ``ronda.testing.assert_queries_do_not_grow``).
The member list shows children's personal data: its readers sign in with a verified second
factor (``ronda.testing.login``), and the page logs one access event per child, in one bulk insert.
"""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.council import services
from ronda.council.models import ChildrenCouncil, CouncilAgeBand, CouncilSession
from ronda.council.tests.conftest import days_ago
from ronda.territory.models import Area, AreaKind, Level
from ronda.testing import World, api_token, assert_queries_do_not_grow, login, make_unit

pytestmark = pytest.mark.django_db


def first_name(k: int) -> str:
    """A first name for the k-th child (the council refuses digits in a name)."""
    return "Niña" + "".join(chr(ord("a") + int(d)) for d in str(k))


class Rows:
    """What the council pages list: members (each in a community of their own), sessions,
    requests (routed to an area and raised at a session; odd ones to the home focal point's
    area, Salud, even ones to an area of their own; all overdue) and accountability sessions of
    the home council; and a council in another municipality of country A (what national readers
    compare)."""

    def __init__(self, world: World, council: ChildrenCouncil, session: CouncilSession) -> None:
        self.world = world
        self.council = council
        self.session = session
        self.numbers = itertools.count(1)

    def __call__(self, n: int) -> None:
        for _ in range(n):
            self.add(next(self.numbers))

    def add(self, k: int) -> None:
        w, council = self.world, self.council
        community = make_unit(f"A-M-C{k + 10}", Level.COMMUNITY, w.municipality, f"Comunidad {k}")
        services.add_member(
            actor=SYSTEM,
            council=council,
            first_name=first_name(k),
            age_band=CouncilAgeBand.AGE_13_15,
            community=community,
            guardian_consent_on=days_ago(60),
            joined_on=days_ago(50),
        )
        session = services.record_session(
            actor=SYSTEM, council=council, held_on=days_ago(40 + k), place=f"Escuela {k}", topics=f"Tema {k}"
        )
        area = Area.objects.create(org_unit=w.municipality, kind=AreaKind.CULTURE, name=f"Área {k}")
        services.create_request(
            actor=SYSTEM,
            council=council,
            title=f"Solicitud {k}",
            description="Pedimos un parque con juegos.",
            routed_area=w.area if k % 2 else area,
            session=session if k % 2 else self.session,  # the fixture's session: ten days ago
            received_on=days_ago(40 + k) if k % 2 else days_ago(9),
            due_on=days_ago(10 + k) if k % 2 else days_ago(1),
        )
        services.record_accountability_session(
            actor=SYSTEM, council=council, held_on=days_ago(5 + k), summary=f"Informe {k}", attendees=k
        )
        unit = make_unit(f"A-M{k + 10}", Level.MUNICIPALITY, w.region, f"Municipio {k}")
        other = services.create_council(actor=SYSTEM, org_unit=unit, name=f"Consejo {k}")
        services.create_request(
            actor=SYSTEM,
            council=other,
            title=f"Pedido {k}",
            description="Más luz en la plaza.",
            received_on=days_ago(3),
        )


@pytest.fixture
def rows(world: World, council: ChildrenCouncil, session: CouncilSession) -> Rows:
    return Rows(world, council, session)


# Measured when written, the same on SQLite and PostgreSQL: coordinator 16 (the council's dashboard),
# secretariat 7 (the comparison of councils). Ceiling: that plus 3.
OVERVIEW_CEILING = {Role.COORDINATOR: 19, Role.SECRETARIAT: 10}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SECRETARIAT])
def test_overview(client: Client, world: World, rows: Rows, role: str) -> None:
    # The coordinator sees their council's dashboard; a national reader compares every council.
    login(client, world.home[role])
    shows = ["Solicitud 4"] if role == Role.COORDINATOR else ["Consejo 4"]
    assert_queries_do_not_grow(
        client, reverse("council:overview"), rows, ceiling=OVERVIEW_CEILING[role], contains=shows
    )


# Measured when written, the same on SQLite and PostgreSQL: 8. Ceiling: that plus 3.
def test_member_list(client: Client, world: World, council: ChildrenCouncil, rows: Rows) -> None:
    user = world.home[Role.COORDINATOR]
    login(client, user)
    url = reverse("council:member_list")
    assert_queries_do_not_grow(client, url, rows, ceiling=11, contains=[first_name(4), "Comunidad 4"])
    # Flat, and still one access event per child shown (written in one bulk insert).
    logged = AccessEvent.objects.filter(actor=user).count()
    client.get(url)
    assert AccessEvent.objects.filter(actor=user).count() - logged == council.members.count() == 4


# Measured when written, the same on SQLite and PostgreSQL: coordinator 7, analyst 6. Ceiling: that plus 3.
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ANALYST])
def test_session_list(client: Client, world: World, rows: Rows, role: str) -> None:
    login(client, world.home[role])
    assert_queries_do_not_grow(client, reverse("council:session_list"), rows, ceiling=10, contains=["Escuela 4"])


# Measured when written, the same on SQLite and PostgreSQL: coordinator 9, area focal 7, secretariat 7.
# Ceiling: that plus 3.
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.AREA_FOCAL, Role.SECRETARIAT])
def test_request_list(client: Client, world: World, rows: Rows, role: str) -> None:
    login(client, world.home[role])
    shows = {Role.COORDINATOR: "Solicitud 4", Role.AREA_FOCAL: "Solicitud 3", Role.SECRETARIAT: "Pedido 4"}[role]
    assert_queries_do_not_grow(client, reverse("council:request_list"), rows, ceiling=12, contains=[shows])


# Measured when written, the same on SQLite and PostgreSQL: coordinator 7, analyst 6. Ceiling: that plus 3.
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ANALYST])
def test_accountability_list(client: Client, world: World, rows: Rows, role: str) -> None:
    login(client, world.home[role])
    url = reverse("council:accountability_list")
    assert_queries_do_not_grow(client, url, rows, ceiling=10, contains=["Informe 4"])


# Measured when written, the same on SQLite and PostgreSQL: coordinator 4, secretariat 4, admin 5. Ceiling:
# that plus 3.
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SECRETARIAT, Role.ADMIN])
def test_api_councils(client: Client, world: World, rows: Rows, role: str) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[role])}"}
    shows = ["Consejo de Ni"] if role == Role.COORDINATOR else ["Consejo 4"]
    assert_queries_do_not_grow(client, "/api/v1/council/councils", rows, ceiling=8, extra=auth, contains=shows)


# Measured when written, the same on SQLite and PostgreSQL: 3 for every role. Ceiling: that plus 3.
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.AREA_FOCAL, Role.SECRETARIAT])
def test_api_requests(client: Client, world: World, rows: Rows, role: str) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[role])}"}
    shows = {Role.COORDINATOR: "Solicitud 4", Role.AREA_FOCAL: "Solicitud 3", Role.SECRETARIAT: "Pedido 4"}[role]
    url = "/api/v1/council/requests?limit=100"
    assert_queries_do_not_grow(client, url, rows, ceiling=6, extra=auth, contains=[shows])
