"""The figures the consultations publish for reports and certification."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ronda.consultations import contracts, services
from ronda.consultations.tests.conftest import consultation_values, days_ago
from ronda.core.tenancy import SYSTEM
from ronda.testing import World

pytestmark = pytest.mark.django_db


def test_figures_by_audience_and_year_and_children_consulted(world: World) -> None:
    services.record_consultation(actor=SYSTEM, municipality=world.municipality, **consultation_values())
    services.record_consultation(
        actor=SYSTEM,
        municipality=world.municipality,
        **consultation_values(
            audience="children_council",
            girls_6_11=0,
            boys_6_11=0,
            girls_12_17=6,
            boys_12_17=4,
            adults=1,
            status="answered",
            response="Se abrió la cancha",
            answered_on=days_ago(1),
        ),
    )
    services.record_consultation(
        actor=SYSTEM,
        municipality=world.other_municipality,
        **consultation_values(girls_0_5=50, held_on=days_ago(400)),
    )
    rows = contracts.consultations_by_audience_and_year(world.municipality)
    assert [(r.year, r.audience, r.consultations, r.answered, r.children, r.adults) for r in rows] == [
        (days_ago(30).year, "school", 1, 0, 18, 3),
        (days_ago(30).year, "children_council", 1, 1, 10, 1),
    ]
    children = contracts.children_consulted(world.municipality)
    assert (children.girls, children.boys, children.total) == (16, 12, 28)
    assert children.by_age_band == {"0-5": 0, "6-11": 18, "12-17": 10}
    facts = contracts.consultation_facts(world.municipality, start=days_ago(60), end=days_ago(0))
    assert (facts.held, facts.answered, facts.share_answered, facts.with_children_council) == (2, 1, Decimal("50.0"), 1)
    assert (facts.children, facts.adults) == (28, 4)
    # A region counts its municipalities; a period without consultations counts nothing.
    assert contracts.consultation_facts(world.country).held == 2
    empty = contracts.consultation_facts(world.municipality, start=days_ago(10), end=days_ago(5))
    assert (empty.held, empty.share_answered, empty.children) == (0, None, 0)


def test_actor_figures(world: World) -> None:
    for name, kind, relationship, active in (
        ("A", "ngo", "ally", True),
        ("B", "ngo", "to_engage", True),
        ("C", "school", "ally", True),
        ("D", "company", "resistant", False),
    ):
        services.record_actor(
            actor=SYSTEM,
            municipality=world.municipality,
            name=name,
            kind=kind,
            interest="high",
            influence="low",
            relationship=relationship,
            active=active,
        )
    figures = contracts.actor_figures(world.municipality)
    assert figures.active == 3
    assert figures.by_kind == {"ngo": 2, "school": 1}
    assert figures.by_relationship == {"ally": 2, "to_engage": 1}
