"""The evidence rules against hand-built data, and the promise that evidence holds no person's data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from ronda.certification import rules
from ronda.core.tenancy import SYSTEM
from ronda.council import services as council_services
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World

pytestmark = pytest.mark.django_db


def run(key: str, world: World, params: dict | None = None, **commitment: object) -> tuple[bool, dict]:
    context = rules.Context(unit=world.municipality, day=timezone.localdate(), commitment=commitment)
    found = rules.get(key)
    assert found is not None
    return found.evaluate(context, params or {})


def test_months_before_keeps_the_day_or_the_months_last() -> None:
    assert rules.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert rules.months_before(dt.date(2026, 1, 15), 12) == dt.date(2025, 1, 15)
    assert rules.months_before(dt.date(2026, 1, 15), -13) == dt.date(2027, 2, 15)


def test_commitment(world: World) -> None:
    met, figures = run(
        "cycle.commitment", world, resolution_on=dt.date(2026, 1, 1), agreement_signed_on=None, liaison_name="Ana"
    )
    assert not met and figures == {"resolution": True, "signed": False, "liaison": True}
    met, _ = run(
        "cycle.commitment",
        world,
        resolution_on=dt.date(2026, 1, 1),
        agreement_signed_on=dt.date(2026, 1, 2),
        liaison_name="Ana",
    )
    assert met


def test_plan_with_budget_and_previous_plan_evaluated(world: World) -> None:
    assert run("planning.plan_with_budget", world) == (False, {"plan": False})
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    build_plan(world.municipality, world.area, education)
    met, figures = run("planning.plan_with_budget", world)
    assert met and figures["measures"] == 2 and figures["planned"] == "4000.00"
    assert run("planning.previous_plan_evaluated", world)[0] is False
    text = rules.describe("planning.plan_with_budget", figures, {})
    assert "2" in text and "4000.00" in text


def test_council_active_needs_installation_sessions_and_answers(world: World) -> None:
    assert run("council.active", world) == (False, {"installed": False})
    council = council_services.create_council(
        actor=SYSTEM,
        org_unit=world.municipality,
        name="Consejo",
        established_on=timezone.localdate() - dt.timedelta(days=300),
    )
    met, figures = run("council.active", world, {"min_sessions": 1})
    assert not met and figures["sessions"] == 0
    council_services.record_session(
        actor=SYSTEM,
        council=council,
        held_on=timezone.localdate() - dt.timedelta(days=20),
        place="Casa",
        topics="Parques",
        attendees=9,
    )
    met, figures = run("council.active", world, {"min_sessions": 1})
    assert met and figures["sessions"] == 1
    assert not run("council.active", world, {"min_sessions": 2})[0]
    # A share of answers on time is asked, and nothing was answered: not met.
    assert not run("council.active", world, {"min_sessions": 1, "min_on_time_percent": 50})[0]


def test_indicators_reported_by_the_size_of_the_municipality(world: World) -> None:
    met, figures = run("tablero.indicators_reported", world, {"min_small": 0})
    assert met and figures["elements"] == 0 and figures["needed"] == 0
    world.municipality.child_population = {"female": {"0-5": 30_000}, "male": {"0-5": 30_000}}
    world.municipality.save(update_fields=["child_population"])
    met, figures = run("tablero.indicators_reported", world, {"min_small": 0, "min_large": 3})
    assert not met and figures["needed"] == 3 and figures["children"] == 60_000


def test_rules_without_data_are_not_met_and_say_why(world: World) -> None:
    for key in (
        "coordination.body_meets",
        "planning.diagnosis",
        "planning.policy_instrument",
        "safeguarding.protocol",
        "accountability.periodic_report",
        "accountability.situation_report",
        "consultations.children_consulted",
        "improvement.self_assessment",
    ):
        met, figures = run(key, world)
        assert not met, key
        assert rules.describe(key, figures, {}), key


def test_evidence_never_holds_a_childs_name(world: World) -> None:
    council = council_services.create_council(
        actor=SYSTEM,
        org_unit=world.municipality,
        name="Consejo",
        established_on=timezone.localdate() - dt.timedelta(days=300),
    )
    council_services.add_member(
        actor=SYSTEM,
        council=council,
        first_name="Xiomara",
        age_band="13-15",
        community=world.community,
        guardian_consent_on=timezone.localdate() - dt.timedelta(days=100),
        joined_on=timezone.localdate() - dt.timedelta(days=90),
    )
    context = rules.Context(unit=world.municipality, day=timezone.localdate())
    for key, rule in rules.RULES.items():
        _met, figures = rule.evaluate(context, {})
        assert "Xiomara" not in json.dumps(figures, default=str), key
