"""Council fixtures: a council in the home municipality (A-M) and one in another country (B-M)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.council import services
from ronda.council.models import (
    AccountabilitySession,
    ChildrenCouncil,
    CouncilAgeBand,
    CouncilMember,
    CouncilRequest,
    CouncilSession,
)
from ronda.territory.models import Area, AreaKind
from ronda.testing import World

# Distinctive first names, so a test can assert they appear nowhere else.
MEMBER_NAMES = ("Xiomara", "Brayan")


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def noon(day: dt.date) -> dt.datetime:
    """Midday of ``day`` in the project's time zone, for time-machine travel."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def council(world: World) -> ChildrenCouncil:
    return services.create_council(actor=SYSTEM, org_unit=world.municipality, name="Consejo de Niñez A")


@pytest.fixture
def other_council(world: World) -> ChildrenCouncil:
    return services.create_council(actor=SYSTEM, org_unit=world.other_municipality, name="Consejo de Niñez B")


@pytest.fixture
def education(world: World) -> Area:
    """A second area of the home municipality: the focal point of Salud must not see its requests."""
    return Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")


@pytest.fixture
def members(world: World, council: ChildrenCouncil) -> list[CouncilMember]:
    return [
        services.add_member(
            actor=SYSTEM,
            council=council,
            first_name=name,
            age_band=CouncilAgeBand.AGE_10_12 if i == 0 else CouncilAgeBand.AGE_13_15,
            community=world.community,
            guardian_consent_on=days_ago(100),
            joined_on=days_ago(90),
        )
        for i, name in enumerate(MEMBER_NAMES)
    ]


@pytest.fixture
def member(members: list[CouncilMember]) -> CouncilMember:
    return members[0]


@pytest.fixture
def session(council: ChildrenCouncil) -> CouncilSession:
    return services.record_session(
        actor=SYSTEM,
        council=council,
        held_on=days_ago(10),
        place="Casa comunal",
        topics="Parques y juegos",
        attendees=8,
    )


@pytest.fixture
def council_request(world: World, council: ChildrenCouncil, session: CouncilSession) -> CouncilRequest:
    """Routed to the home area (Salud): the home focal point sees it."""
    return services.create_request(
        actor=SYSTEM,
        council=council,
        title="Agua en las canchas",
        description="Pedimos bebederos de agua en las canchas del parque.",
        routed_area=world.area,
        session=session,
        received_on=days_ago(5),
    )


@pytest.fixture
def hidden_request(council: ChildrenCouncil, education: Area) -> CouncilRequest:
    """Routed to another area: the home focal point must not see it."""
    return services.create_request(
        actor=SYSTEM,
        council=council,
        title="Más libros en la biblioteca",
        description="Queremos más libros de aventuras.",
        routed_area=education,
        received_on=days_ago(5),
    )


@pytest.fixture
def accountability(council: ChildrenCouncil) -> AccountabilitySession:
    return services.record_accountability_session(
        actor=SYSTEM,
        council=council,
        held_on=days_ago(3),
        summary="La mesa informó sobre los bebederos.",
        children_questions="¿Cuándo estarán listos?",
        attendees=9,
    )
