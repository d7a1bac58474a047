"""Evaluation fixtures: the home municipality's plan (A-M, in execution) with a later diagnosis for
the next plan, a draft mid-term evaluation of it, and the other country's plan (B-M) with its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ronda.accounts.selectors import active_memberships
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.evaluation import services
from ronda.evaluation.models import Evaluation, Recommendation
from ronda.planning import services as planning_services
from ronda.planning.models import LocalPlan, PlanStatus, SituationAnalysis
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World

# Distinctive texts, so a test can find them (or assert they are absent).
SUMMARY = "El plan avanza en la mayoría de sus líneas, con niñas y niños de las parroquias."
CONCLUSIONS = "Hace falta ejecutar antes el presupuesto asignado a educación."


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return Path(settings.MEDIA_ROOT)


def person(world: World, role: str = "coordinator", *, away: bool = False) -> Actor:
    user = (world.away if away else world.home)[role]
    return actor_for(user, active_memberships(user)[0], second_factor=True)


def in_execution(plan: LocalPlan) -> LocalPlan:
    planning_services.change_plan_status(actor=SYSTEM, plan=plan, expected_version=None, status=PlanStatus.IN_EXECUTION)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def plan(world: World) -> LocalPlan:
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    return in_execution(build_plan(world.municipality, world.area, education))


@pytest.fixture
def other_plan(world: World) -> LocalPlan:
    education = Area.objects.create(org_unit=world.other_municipality, kind=AreaKind.EDUCATION, name="Educación")
    return in_execution(build_plan(world.other_municipality, world.other_area, education, prefix="B "))


@pytest.fixture
def next_analysis(world: World, plan: LocalPlan) -> SituationAnalysis:
    """The diagnosis of the next plan, made in the evaluated plan's last year."""
    return planning_services.create_analysis(
        actor=SYSTEM,
        org_unit=world.municipality,
        title="Diagnóstico para el próximo plan",
        period_start=dt.date(2028, 1, 1),
        period_end=dt.date(2028, 12, 31),
    )


def make_evaluation(plan: LocalPlan, *, timing: str = "midterm", title: str = "Evaluación intermedia") -> Evaluation:
    return services.create_evaluation(
        actor=SYSTEM,
        plan=plan,
        title=title,
        kind="participatory",
        timing=timing,
        purpose="Saber si el plan avanza.",
        questions=["¿Avanzan las medidas?", "¿Qué opinan las niñas y los niños?"],
        adult_participants=20,
        children_6_11=12,
        children_12_17=9,
        summary=SUMMARY,
        conclusions=CONCLUSIONS,
    )


@pytest.fixture
def evaluation(plan: LocalPlan) -> Evaluation:
    return make_evaluation(plan)


@pytest.fixture
def other_evaluation(other_plan: LocalPlan) -> Evaluation:
    return make_evaluation(other_plan, title="Evaluación B")


def recommend(evaluation: Evaluation, title: str = "Llevar los servicios a las parroquias rurales") -> Recommendation:
    return services.add_recommendation(
        actor=SYSTEM, evaluation=evaluation, title=title, priority="high", goal_area="services", horizon="short"
    )


def completed(evaluation: Evaluation) -> Evaluation:
    return services.complete_evaluation(actor=SYSTEM, evaluation=evaluation, expected_version=None)


def published(evaluation: Evaluation) -> Evaluation:
    evaluation.refresh_from_db()
    if evaluation.is_draft:
        evaluation = completed(evaluation)
    return services.publish_evaluation(actor=SYSTEM, evaluation=evaluation, expected_version=None)
