"""Fixtures of the planning tests: a plan in the home municipality and one in another country."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.models import LocalPlan, Measure, PlanStatus, SituationAnalysis

# The fixtures of the co-responsibility, validation and alerts tests (issue #13 items 6–8).
from ronda.planning.tests.coresp_world import at_today, people, shared  # noqa: F401
from ronda.territory.models import Area, AreaKind
from ronda.testing import World


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Evidence files of a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


PERIOD = (dt.date(2025, 1, 1), dt.date(2028, 12, 31))


def build_plan(unit, area: Area, other_area: Area, *, approve: bool = True, prefix: str = "") -> LocalPlan:
    """A plan with one line, one objective and two measures: one of ``area``, one of ``other_area``."""
    analysis = services.create_analysis(
        actor=SYSTEM,
        org_unit=unit,
        title=f"{prefix}Diagnóstico",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    opportunity = services.create_opportunity(
        actor=SYSTEM,
        analysis=analysis,
        title=f"{prefix}Control de niño sano",
        goal_area="services",
        criticality="high",
        horizon="short",
    )
    plan = services.create_plan(
        actor=SYSTEM,
        org_unit=unit,
        title=f"{prefix}Plan local",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        situation_analysis=analysis,
    )
    line = services.create_line(actor=SYSTEM, plan=plan, title="Servicios esenciales", goal_area="services")
    objective = services.create_objective(actor=SYSTEM, line=line, title="Mejorar la salud infantil")
    for code, measure_area, amount in (("M-1", area, "1000"), ("M-2", other_area, "3000")):
        services.create_measure(
            actor=SYSTEM,
            plan=plan,
            objective=objective,
            code=code,
            title=f"Medida {code}",
            responsible_area=measure_area,
            horizon="short",
            start_date=dt.date(2025, 2, 1),
            end_date=dt.date(2026, 12, 31),
            source_opportunity=opportunity if code == "M-1" else None,
            budgets=[services.BudgetLine(2025, Decimal(amount), Decimal("100"))],
        )
    if approve:
        services.change_plan_status(
            actor=SYSTEM,
            plan=plan,
            expected_version=None,
            status=PlanStatus.APPROVED,
            approved_on=dt.date(2025, 3, 1),
            approved_by="Concejo Municipal",
            approval_reference="Resolución 1",
        )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def education(world: World) -> Area:
    return Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")


@pytest.fixture
def plan(world: World, education: Area) -> LocalPlan:
    return build_plan(world.municipality, world.area, education)


@pytest.fixture
def other_plan(world: World) -> LocalPlan:
    other_education = Area.objects.create(org_unit=world.other_municipality, kind=AreaKind.EDUCATION, name="Educación")
    return build_plan(world.other_municipality, world.other_area, other_education, prefix="B ")


@pytest.fixture
def measure(plan: LocalPlan) -> Measure:
    """The measure of the focal point's own area (Salud)."""
    return plan.measures.get(code="M-1")


@pytest.fixture
def other_area_measure(plan: LocalPlan) -> Measure:
    return plan.measures.get(code="M-2")


@pytest.fixture
def analysis(plan: LocalPlan) -> SituationAnalysis:
    assert plan.situation_analysis is not None
    return plan.situation_analysis
