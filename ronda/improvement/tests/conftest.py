"""Improvement fixtures: in the home municipality (A-M) an open diagnosis with one opportunity, a
draft plan with one objective, a programme team member, a round scored against the default
checklist (the data migration's), a pilot project and a catalogue indicator of country A."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.improvement import services
from ronda.improvement.models import AssessmentRound, Criterion, PilotProject, TeamMember
from ronda.planning import services as planning
from ronda.planning.models import ImprovementOpportunity, LocalPlan, Objective, SituationAnalysis
from ronda.tablero import services as tablero
from ronda.tablero.models import Indicator, ValueType
from ronda.territory.models import OrgUnit
from ronda.testing import World


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Files the site demo uploads (other apps' documents) land in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def open_analysis(unit: OrgUnit, title: str = "Diagnóstico") -> SituationAnalysis:
    today = timezone.localdate()
    return planning.create_analysis(
        actor=SYSTEM,
        org_unit=unit,
        title=title,
        period_start=today - dt.timedelta(days=100),
        period_end=today + dt.timedelta(days=100),
    )


def opportunity_of(analysis: SituationAnalysis, title: str = "Controles de niño sano") -> ImprovementOpportunity:
    return planning.create_opportunity(
        actor=SYSTEM, analysis=analysis, title=title, goal_area="services", criticality="high", horizon="short"
    )


def catalogue_indicator(owner: OrgUnit, code: str = "IND1") -> Indicator:
    element = tablero.create_data_element(
        actor=SYSTEM,
        owner=owner,
        code=f"{code}_N",
        name=f"Elemento {code}",
        value_type=ValueType.NUMBER,
        aggregation_type="LAST",
    )
    return tablero.create_indicator(
        actor=SYSTEM,
        owner=owner,
        code=code,
        name=f"Tasa {code}",
        numerator="#{" + element.uid + "}",
        direction="up",
    )


def criterion(code: str) -> Criterion:
    return Criterion.objects.get(municipality=None, code=code, retired_on=None)


def score_round(assessment: AssessmentRound, levels: dict[str, int]) -> AssessmentRound:
    return services.record_scores(
        actor=SYSTEM,
        assessment=assessment,
        expected_version=None,
        scores={criterion(code): services.ScoreInput(level) for code, level in levels.items()},
    )


@dataclass
class Scene:
    analysis: SituationAnalysis
    opportunity: ImprovementOpportunity
    plan: LocalPlan
    objective: Objective
    member: TeamMember
    round: AssessmentRound
    pilot: PilotProject
    indicator: Indicator


@pytest.fixture
def scene(world: World) -> Scene:
    analysis = open_analysis(world.municipality)
    opportunity = opportunity_of(analysis)
    today = timezone.localdate()
    plan = planning.create_plan(
        actor=SYSTEM,
        org_unit=world.municipality,
        title="Plan local 2027-2030",
        period_start=dt.date(today.year + 1, 1, 1),
        period_end=dt.date(today.year + 4, 12, 31),
    )
    line = planning.create_line(actor=SYSTEM, plan=plan, title="Servicios esenciales", goal_area="services")
    objective = planning.create_objective(actor=SYSTEM, line=line, title="Mejorar la primera infancia")
    member = services.add_member(
        actor=SYSTEM,
        municipality=world.municipality,
        full_name="Carmen Jaramillo",
        programme_role="coordinator",
        email="carmen@example.org",
        from_date=days_ago(300),
    )
    assessment = services.create_round(
        actor=SYSTEM, municipality=world.municipality, held_on=days_ago(10), title="Ronda 1", participants=[member]
    )
    score_round(assessment, {"E1": 0, "E2": 3, "D1": 1, "D2": 2})
    pilot = services.create_pilot(
        actor=SYSTEM, municipality=world.municipality, opportunity=opportunity, title="Piloto", team=[member]
    )
    return Scene(
        analysis=analysis,
        opportunity=opportunity,
        plan=plan,
        objective=objective,
        member=member,
        round=AssessmentRound.objects.get(pk=assessment.pk),
        pilot=pilot,
        indicator=catalogue_indicator(world.country),
    )
