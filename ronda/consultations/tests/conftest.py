"""Consultation fixtures: the home municipality (A-M) with a diagnosis (a finding), a plan (a measure of
the focal point's area and one of another area), a children's council with a session, a social actor
and a consultation citing the finding and the measure; the other country's municipality (B-M) with a
diagnosis, a plan and a consultation of its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from ronda.accounts.models import User
from ronda.accounts.selectors import active_memberships
from ronda.consultations import services
from ronda.consultations.models import Consultation, SocialActor
from ronda.coordination import services as coordination_services
from ronda.coordination.models import BodyMember
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.council import services as council_services
from ronda.council.models import CouncilSession
from ronda.planning import services as planning_services
from ronda.planning.models import Finding, Measure
from ronda.territory.models import Area, AreaKind, OrgUnit
from ronda.testing import World

# Distinctive texts, so a test can assert where they appear.
SAID = "Piden una cancha iluminada junto a la escuela"
CONTACT_NAME = "Rosario Quizhpe"
CONTACT_PHONE = "099 555 0101"
CONTACT_EMAIL = "rosario.quizhpe@example.org"


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def as_actor(user: User) -> Actor:
    return actor_for(user, active_memberships(user)[0], second_factor=True)


@dataclass
class Planning:
    finding: Finding
    measure: Measure
    other_area_measure: Measure


def build_planning(unit: OrgUnit, area: Area, prefix: str = "") -> Planning:
    analysis = planning_services.create_analysis(
        actor=SYSTEM,
        org_unit=unit,
        title=f"{prefix}Diagnóstico",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    finding = planning_services.add_finding(
        actor=SYSTEM, analysis=analysis, goal_area="environment", text=f"{prefix}Faltan cruces seguros"
    )
    plan = planning_services.create_plan(
        actor=SYSTEM,
        org_unit=unit,
        title=f"{prefix}Plan local",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2028, 12, 31),
        situation_analysis=analysis,
    )
    line = planning_services.create_line(actor=SYSTEM, plan=plan, title="Entorno seguro", goal_area="environment")
    objective = planning_services.create_objective(actor=SYSTEM, line=line, title="Caminos seguros")
    other = Area.objects.create(org_unit=unit, kind=AreaKind.EDUCATION, name="Educación")
    measures = []
    for code, measure_area in (("M-1", area), ("M-2", other)):
        measures.append(
            planning_services.create_measure(
                actor=SYSTEM,
                plan=plan,
                objective=objective,
                code=code,
                title=f"{prefix}Medida {code}",
                responsible_area=measure_area,
                horizon="short",
                start_date=dt.date(2025, 2, 1),
                end_date=dt.date(2026, 12, 31),
                budgets=[planning_services.BudgetLine(2025, Decimal("1000"), Decimal("0"))],
            )
        )
    return Planning(finding=finding, measure=measures[0], other_area_measure=measures[1])


@pytest.fixture
def home(world: World) -> Planning:
    return build_planning(world.municipality, world.area)


@pytest.fixture
def away(world: World) -> Planning:
    return build_planning(world.other_municipality, world.other_area, prefix="B ")


@pytest.fixture
def session(world: World) -> CouncilSession:
    council = council_services.create_council(actor=SYSTEM, org_unit=world.municipality, name="Consejo A")
    return council_services.record_session(
        actor=SYSTEM, council=council, held_on=days_ago(20), topics="Espacios de juego", attendees=12
    )


@pytest.fixture
def social_actor(world: World) -> SocialActor:
    return services.record_actor(
        actor=SYSTEM,
        municipality=world.municipality,
        name="Fundación Caminos",
        kind="ngo",
        interest="high",
        influence="medium",
        relationship="ally",
        contact_name=CONTACT_NAME,
        contact_phone=CONTACT_PHONE,
        contact_email=CONTACT_EMAIL,
    )


def consultation_values(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "held_on": days_ago(30),
        "title": "Camino a la escuela",
        "audience": "school",
        "method": "workshop",
        "participants": "Estudiantes de la escuela A",
        "girls_6_11": 10,
        "boys_6_11": 8,
        "adults": 3,
        "summary": SAID,
    }
    values.update(over)
    return values


@pytest.fixture
def consultation(world: World, home: Planning, social_actor: SocialActor) -> Consultation:
    return services.record_consultation(
        actor=SYSTEM,
        municipality=world.municipality,
        findings=[home.finding],
        measures=[home.measure],
        actors=[social_actor],
        **consultation_values(),
    )


@pytest.fixture
def other_consultation(world: World, away: Planning) -> Consultation:
    return services.record_consultation(
        actor=SYSTEM,
        municipality=world.other_municipality,
        findings=[away.finding],
        measures=[away.measure],
        **consultation_values(title="Consulta B", summary="Otra cosa"),
    )


def seat(world: World, user: User) -> BodyMember:
    """``user`` sits on the home municipality's coordination body (any role)."""
    from ronda.coordination.models import CoordinationBody

    body = CoordinationBody.objects.filter(org_unit=world.municipality).first()
    if body is None:
        body = coordination_services.create_body(actor=SYSTEM, org_unit=world.municipality, name="Mesa A")
    return coordination_services.add_member(
        actor=SYSTEM,
        body=body,
        full_name=f"Miembro {user.username}",
        level="technical",
        position="Técnica",
        area=world.area,
        start_date=days_ago(30),
        user=user,
    )
