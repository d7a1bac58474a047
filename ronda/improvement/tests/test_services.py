"""The services' rules, each refusal in Spanish with nothing half-written, and the figures computed
from the scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.improvement import contracts, selectors, services
from ronda.improvement.models import (
    AssessmentRound,
    Criterion,
    Dimension,
    ImprovementAction,
    PilotProject,
    PilotResult,
    PilotStage,
    ProposedMeasure,
    Score,
    StageKind,
)
from ronda.improvement.tests.conftest import (
    Scene,
    catalogue_indicator,
    criterion,
    days_ago,
    open_analysis,
    opportunity_of,
    score_round,
)
from ronda.planning.models import ImprovementOpportunity, Measure
from ronda.testing import World

pytestmark = pytest.mark.django_db


def spanish(message: str, **params: object) -> str:
    with translation.override("es"):
        text = gettext(message)
    return text % params if params else text


def refused(call, **kwargs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with translation.override("es"), pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


def written() -> tuple[int, ...]:
    return (
        AuditEvent.objects.count(),
        ImprovementOpportunity.objects.count(),
        Measure.objects.count(),
        Score.objects.exclude(opportunity=None).count(),
        ProposedMeasure.objects.count(),
    )


def test_the_default_checklist_is_loaded_by_the_migration() -> None:
    assert list(Dimension.objects.values_list("code", flat=True)) == [
        "team",
        "data",
        "budget",
        "coordination",
        "participation",
        "planning",
    ]
    criteria = Criterion.objects.filter(municipality=None)
    assert criteria.count() == 12 and all(all(text for _, text in c.levels) for c in criteria)


def expected_percent(levels: list[int]) -> Decimal:
    # The definition, written out: points over three per criterion, in per cent with one decimal.
    return (Decimal(sum(levels)) * 100 / (3 * len(levels))).quantize(Decimal("0.1"))


def test_the_comparison_is_computed_from_the_scores(world: World) -> None:
    first_levels = {"E1": 0, "E2": 1, "D1": 2, "Q1": 3, "Q2": 1}
    second_levels = {"E1": 2, "E2": 2, "D1": 3, "D2": 1, "Q1": 3}
    first = services.create_round(actor=SYSTEM, municipality=world.municipality, held_on=days_ago(400), title="A")
    second = services.create_round(actor=SYSTEM, municipality=world.municipality, held_on=days_ago(30), title="B")
    score_round(first, first_levels)
    score_round(second, second_levels)
    other = services.create_round(actor=SYSTEM, municipality=world.other_municipality, held_on=days_ago(5), title="C")
    score_round(other, {"E1": 3})

    compared = selectors.summaries(
        list(AssessmentRound.objects.filter(municipality=world.municipality).order_by("held_on"))
    )
    assert [s.round.title for s in compared] == ["A", "B"]
    for summary, levels in zip(compared, (first_levels, second_levels), strict=True):
        assert summary.overall == expected_percent(list(levels.values()))
        assert summary.gaps == sum(1 for v in levels.values() if v < 2)
        by_code = {d.dimension.code: d for d in summary.dimensions}
        for dimension, prefix in (("team", "E"), ("data", "D"), ("participation", "Q")):
            values = [v for k, v in levels.items() if k.startswith(prefix)]
            assert by_code[dimension].percent == expected_percent(values)
            assert by_code[dimension].scored == len(values)
        assert by_code["budget"].percent is None and by_code["budget"].scored == 0
    rows = selectors.comparison_rows(compared)
    assert [r[0].code for r in rows][:2] == ["team", "data"]
    assert rows[0][1] == [expected_percent([0, 1]), expected_percent([2, 2])]

    facts = contracts.self_assessment_facts(world.municipality)
    assert facts is not None and facts.latest.held_on == days_ago(30)
    assert facts.change == expected_percent(list(second_levels.values())) - expected_percent(
        list(first_levels.values())
    )


def test_a_score_out_of_range_is_refused_in_spanish(world: World, scene: Scene) -> None:
    before = written(), list(Score.objects.values_list("criterion_id", "level"))
    e1 = criterion("E1")
    errors = refused(
        services.record_scores,
        actor=SYSTEM,
        assessment=scene.round,
        expected_version=None,
        scores={e1: services.ScoreInput(7), criterion("D1"): services.ScoreInput(3)},
    )
    assert errors == {f"level_{e1.pk}": [spanish("Choose a level from 0 to %(max)d.", max=3)]}
    assert (written(), list(Score.objects.values_list("criterion_id", "level"))) == before


def test_a_round_dated_in_the_future_is_refused_in_spanish(world: World) -> None:
    errors = refused(
        services.create_round,
        actor=SYSTEM,
        municipality=world.municipality,
        held_on=timezone.localdate() + dt.timedelta(days=1),
        title="Ronda",
    )
    assert errors == {"held_on": [spanish("A self-assessment round cannot be dated in the future.")]}
    assert not AssessmentRound.objects.exists()


def test_a_pilot_for_an_opportunity_of_another_municipality_is_refused(world: World) -> None:
    foreign = opportunity_of(open_analysis(world.other_municipality))
    errors = refused(
        services.create_pilot, actor=SYSTEM, municipality=world.municipality, opportunity=foreign, title="Piloto"
    )
    assert errors == {"opportunity": [spanish("Choose an improvement opportunity of this municipality's diagnosis.")]}
    assert not PilotProject.objects.exists() and not PilotStage.objects.exists()


def test_a_pilot_starts_in_its_design_stage(scene: Scene) -> None:
    stages = list(scene.pilot.stages.order_by("id").values_list("kind", "status"))
    assert stages == [
        ("design", "in_progress"),
        ("prototype", "pending"),
        ("implementation", "pending"),
        ("results", "pending"),
    ]
    assert contracts.pilot_figures(scene.pilot.municipality) == {
        StageKind.DESIGN: 1,
        StageKind.PROTOTYPE: 0,
        StageKind.IMPLEMENTATION: 0,
        StageKind.RESULTS: 0,
    }
    design = scene.pilot.stages.get(kind="design")
    services.update_stage(actor=SYSTEM, stage=design, expected_version=design.version, status="done")
    assert contracts.pilot_figures(scene.pilot.municipality)[StageKind.PROTOTYPE] == 1


def _gap(scene: Scene) -> Score:
    return Score.objects.get(round=scene.round, criterion=criterion("E1"))  # level 0


def test_a_gap_becomes_exactly_one_opportunity_of_the_open_diagnosis(world: World, scene: Scene) -> None:
    gap = _gap(scene)
    before = ImprovementOpportunity.objects.count()
    opportunity = services.gap_to_opportunity(actor=SYSTEM, score=gap)
    assert ImprovementOpportunity.objects.count() == before + 1
    assert (opportunity.analysis_id, opportunity.criticality, opportunity.horizon, opportunity.goal_area) == (
        scene.analysis.pk,
        "high",
        "short",
        "services",
    )
    assert Score.objects.get(pk=gap.pk).opportunity_id == opportunity.pk
    assert AuditEvent.objects.filter(action=ImprovementAction.GAP_TO_OPPORTUNITY, target_id=str(gap.pk)).count() == 1

    state = written()
    errors = refused(services.gap_to_opportunity, actor=SYSTEM, score=gap)
    assert errors == {"__all__": [spanish("This gap is already an improvement opportunity of the diagnosis.")]}
    assert written() == state


def test_a_level_at_the_threshold_is_not_a_gap(scene: Scene) -> None:
    not_gap = Score.objects.get(round=scene.round, criterion=criterion("D2"))  # level 2
    state = written()
    errors = refused(services.gap_to_opportunity, actor=SYSTEM, score=not_gap)
    assert errors == {"__all__": [spanish("Only a criterion scored below %(level)d is a gap.", level=2)]}
    assert written() == state


def test_without_an_open_diagnosis_the_gap_is_refused_and_nothing_written(world: World, scene: Scene) -> None:
    scene.analysis.period_end = days_ago(1)
    scene.analysis.period_start = days_ago(200)
    scene.analysis.save()
    state = written()
    errors = refused(services.gap_to_opportunity, actor=SYSTEM, score=_gap(scene))
    message = spanish(
        "%(municipality)s has no open diagnosis: create one in the plan module first.", municipality="Municipio A"
    )
    assert errors == {"__all__": [message]}
    assert written() == state


def test_a_revised_criterion_keeps_the_old_wording_in_old_rounds(world: World) -> None:
    dimension = Dimension.objects.get(code="data")
    own = services.add_criterion(
        actor=SYSTEM, municipality=world.municipality, dimension=dimension, title="Padrón", levels=["a", "b", "c", "d"]
    )
    assessment = services.create_round(actor=SYSTEM, municipality=world.municipality, held_on=days_ago(3), title="R")
    services.record_scores(
        actor=SYSTEM, assessment=assessment, expected_version=None, scores={own: services.ScoreInput(1)}
    )
    revised = services.revise_criterion(
        actor=SYSTEM, criterion=own, title="Padrón nominal", levels=["w", "x", "y", "z"]
    )
    assert revised.replaces_id == own.pk
    assert own.pk in [c.pk for c in services.scorable_criteria(assessment)]
    assert revised.pk not in [c.pk for c in services.scorable_criteria(assessment)]
    assert revised.pk in [c.pk for c in services.criteria_for(world.municipality)]
    assert own.pk not in [c.pk for c in services.criteria_for(world.municipality)]
    assert [s.level_description for s in Score.objects.filter(round=assessment)] == ["b"]
    assert own.pk not in [c.pk for c in services.criteria_for(world.other_municipality)]
    errors = refused(services.revise_criterion, actor=SYSTEM, criterion=own, title="Otra", levels=["1", "2", "3", "4"])
    assert errors == {"__all__": [spanish("This criterion was already revised or retired.")]}


def test_the_pilot_is_proposed_as_draft_measures_all_or_nothing(world: World, scene: Scene) -> None:
    year = scene.plan.period_start.year
    measures = services.propose_measures(
        actor=SYSTEM,
        pilot=scene.pilot,
        plan=scene.plan,
        objective=scene.objective,
        responsible_area=world.area,
        start_date=dt.date(year, 3, 1),
        end_date=dt.date(year + 1, 12, 31),
        titles=["Visitas de crianza", "", "Formación de facilitadoras"],
    )
    assert [(m.title, m.plan_id, m.source_opportunity_id, m.status) for m in measures] == [
        ("Visitas de crianza", scene.plan.pk, scene.opportunity.pk, "not_started"),
        ("Formación de facilitadoras", scene.plan.pk, scene.opportunity.pk, "not_started"),
    ]
    assert ProposedMeasure.objects.filter(pilot=scene.pilot).count() == 2

    state = written()
    # The second measure's dates lie outside the plan: planning refuses it, and the first is undone too.
    with pytest.raises(ValidationError) as caught:
        services.propose_measures(
            actor=SYSTEM,
            pilot=scene.pilot,
            plan=scene.plan,
            objective=scene.objective,
            responsible_area=world.area,
            start_date=dt.date(year, 3, 1),
            end_date=dt.date(year + 9, 12, 31),
            titles=["Una", "Dos"],
        )
    assert "end_date" in caught.value.message_dict
    assert written() == state


def test_an_approved_plan_takes_no_proposal(world: World, scene: Scene) -> None:
    from ronda.planning import services as planning

    year = scene.plan.period_start.year
    services.propose_measures(  # a plan needs a measure before it is approved
        actor=SYSTEM,
        pilot=scene.pilot,
        plan=scene.plan,
        objective=scene.objective,
        responsible_area=world.area,
        start_date=dt.date(year, 3, 1),
        end_date=dt.date(year, 12, 31),
        titles=["Primera"],
    )
    planning.change_plan_status(
        actor=SYSTEM,
        plan=scene.plan,
        expected_version=None,
        status="approved",
        approved_on=days_ago(1),
        approved_by="Concejo",
        approval_reference="R-1",
    )
    scene.plan.refresh_from_db()
    state = written()
    errors = refused(
        services.propose_measures,
        actor=SYSTEM,
        pilot=scene.pilot,
        plan=scene.plan,
        objective=scene.objective,
        responsible_area=world.area,
        start_date=scene.plan.period_start,
        end_date=scene.plan.period_end,
        titles=["Una"],
    )
    assert errors == {"plan": [spanish("Measures are proposed to a draft plan: this plan is already approved.")]}
    assert written() == state


def test_a_result_follows_an_indicator_of_the_municipality_or_its_country(world: World, scene: Scene) -> None:
    services.link_result(actor=SYSTEM, pilot=scene.pilot, indicator=scene.indicator, expected_change="Más controles")
    foreign = catalogue_indicator(world.other_country, "OTRO")
    errors = refused(services.link_result, actor=SYSTEM, pilot=scene.pilot, indicator=foreign)
    assert errors == {
        "indicator": [spanish("Choose an indicator of this municipality's catalogue or of its country's.")]
    }
    errors = refused(services.link_result, actor=SYSTEM, pilot=scene.pilot, indicator=scene.indicator)
    assert errors == {"indicator": [spanish("This indicator already follows a result of the pilot.")]}
    assert PilotResult.objects.count() == 1


def test_team_members_are_checked(world: World) -> None:
    errors = refused(
        services.add_member,
        actor=SYSTEM,
        municipality=world.municipality,
        full_name="",
        programme_role="jefe",
        area=world.other_area,
        email="no-es-un-correo",
        from_date=days_ago(1),
        to_date=days_ago(5),
    )
    assert set(errors) == {"full_name", "programme_role", "area", "email", "to_date"}
    assert errors["email"] == [spanish("Enter a valid e-mail address.")]


def test_personal_fields_stay_out_of_the_trail(world: World, scene: Scene) -> None:
    event = AuditEvent.objects.get(target_type="improvement.teammember", target_id=str(scene.member.pk))
    assert "Carmen" not in str(event.changes) and "carmen@" not in str(event.changes)
