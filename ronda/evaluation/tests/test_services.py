"""The evaluation's services: each rule, each refusal (with nothing half-written), the plan marked
evaluated through planning, and recommendations carried to the next diagnosis."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.evaluation import services
from ronda.evaluation.models import Assessment, Evaluation, EvaluationStatus, Recommendation
from ronda.evaluation.tests.conftest import (
    CONCLUSIONS,
    SUMMARY,
    completed,
    make_evaluation,
    person,
    published,
    recommend,
)
from ronda.planning import contracts as planning_contracts
from ronda.planning.models import ImprovementOpportunity, LocalPlan, PlanStatus, SituationAnalysis
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    # The messages are compared with their msgids; their Spanish is the catalogue's.
    with translation.override("en"):
        yield


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return (
        [m for ms in exc.value.message_dict.values() for m in ms]
        if hasattr(exc.value, "error_dict")
        else exc.value.messages
    )


def test_create_writes_the_evaluation_and_its_audit_event(world: World, plan: LocalPlan) -> None:
    evaluation = services.create_evaluation(
        actor=person(world),
        plan=plan,
        title="  Evaluación final  ",
        kind="external",
        timing="final",
        external_firm="Consultora Andina",
        questions=["¿Se cumplieron las metas?", "  ", "¿Qué aprendimos?"],
        children_12_17=15,
    )
    assert evaluation.title == "Evaluación final"
    assert evaluation.questions == ["¿Se cumplieron las metas?", "¿Qué aprendimos?"]
    assert evaluation.org_unit == world.municipality and evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.created_by == world.home["coordinator"]
    event = AuditEvent.objects.get(target_type="evaluation.evaluation", target_id=str(evaluation.pk))
    assert event.org_unit_id == world.municipality.pk


def test_a_plan_still_in_draft_is_refused(world: World) -> None:
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    draft = build_plan(world.municipality, world.area, education, approve=False)
    with pytest.raises(ValidationError) as exc:
        make_evaluation(draft)
    assert "A plan still in draft cannot be evaluated: it must be approved first." in messages(exc)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": " "}, "title", "This field is required."),
        ({"kind": "secret"}, "kind", "Choose one of the options."),
        ({"kind": "external"}, "external_firm", "An external or mixed evaluation needs the name of the external firm."),
        (
            {"starts_on": dt.date(2027, 5, 1), "ends_on": dt.date(2027, 4, 1)},
            "ends_on",
            "The fieldwork cannot end before it starts.",
        ),
        ({"questions": [f"¿Pregunta {n}?" for n in range(31)]}, "questions", "Write at most 30 questions."),
        ({"children_6_11": -1}, "children_6_11", "Enter a number between 0 and 100000."),
    ],
)
def test_create_refuses_bad_input(
    world: World, plan: LocalPlan, changes: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {"title": "Evaluación", "kind": "internal", "timing": "midterm", **changes}
    with pytest.raises(ValidationError) as exc:
        services.create_evaluation(actor=person(world), plan=plan, **values)
    assert message in exc.value.message_dict[field]
    assert not Evaluation.objects.exists()


def test_one_final_evaluation_per_plan(world: World, plan: LocalPlan) -> None:
    make_evaluation(plan, timing="final")
    with pytest.raises(ValidationError) as exc:
        make_evaluation(plan, timing="final")
    assert exc.value.message_dict["timing"] == ["This plan already has a final evaluation."]
    make_evaluation(plan, timing="ex_post")  # an ex-post one may follow
    assert Evaluation.objects.count() == 2


def test_only_the_plans_managers_write(world: World, plan: LocalPlan, evaluation: Evaluation) -> None:
    for actor in (person(world, "supervisor"), person(world, "analyst"), person(world, "coordinator", away=True)):
        with pytest.raises(PermissionDenied):
            make_evaluation_as(actor, plan)
        with pytest.raises(PermissionDenied):
            services.update_evaluation(actor=actor, evaluation=evaluation, expected_version=1, title="Otro")
    services.update_evaluation(actor=person(world, "admin"), evaluation=evaluation, expected_version=1, title="Otro")
    evaluation.refresh_from_db()
    assert (evaluation.title, evaluation.version) == ("Otro", 2)


def make_evaluation_as(actor: Any, plan: LocalPlan) -> Evaluation:
    return services.create_evaluation(actor=actor, plan=plan, title="E", kind="internal", timing="midterm")


def test_completing_a_midterm_evaluation_leaves_the_plan_in_execution(world: World, evaluation: Evaluation) -> None:
    done = services.complete_evaluation(actor=person(world), evaluation=evaluation, expected_version=1)
    assert done.status == EvaluationStatus.COMPLETED and done.completed_on is not None
    evaluation.plan.refresh_from_db()
    assert evaluation.plan.status == PlanStatus.IN_EXECUTION
    assert AuditEvent.objects.filter(action="evaluation_completed", target_id=str(evaluation.pk)).count() == 1


def test_completing_the_final_evaluation_marks_the_plan_evaluated(world: World, plan: LocalPlan) -> None:
    final = make_evaluation(plan, timing="final", title="Evaluación final")
    services.complete_evaluation(actor=person(world), evaluation=final, expected_version=final.version)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.EVALUATED
    # Through planning's own status service: its event, in the same municipality's trail.
    event = AuditEvent.objects.get(action="plan_evaluated", target_type="planning.localplan", target_id=str(plan.pk))
    assert event.actor_id == world.home["coordinator"].pk
    # The plan is closed now; an ex-post evaluation may still come, and leaves it evaluated.
    ex_post = completed(make_evaluation(plan, timing="ex_post", title="Ex post"))
    assert ex_post.status == EvaluationStatus.COMPLETED
    plan.refresh_from_db()
    assert plan.status == PlanStatus.EVALUATED


def test_the_final_evaluation_of_a_plan_not_in_execution_is_refused_and_nothing_changes(world: World) -> None:
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    approved = build_plan(world.municipality, world.area, education)  # approved, not in execution
    final = make_evaluation(approved, timing="final")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.complete_evaluation(actor=person(world), evaluation=final, expected_version=1)
    assert "start its execution first" in " ".join(messages(exc))
    final.refresh_from_db()
    approved.refresh_from_db()
    assert (final.status, final.version, approved.status) == (EvaluationStatus.DRAFT, 1, PlanStatus.APPROVED)
    assert AuditEvent.objects.count() == events


def test_completing_needs_the_narrative_and_happens_once(world: World, plan: LocalPlan) -> None:
    bare = services.create_evaluation(actor=SYSTEM, plan=plan, title="Sin texto", kind="internal", timing="midterm")
    with pytest.raises(ValidationError) as exc:
        services.complete_evaluation(actor=SYSTEM, evaluation=bare, expected_version=None)
    assert set(exc.value.message_dict) == {"summary", "conclusions"}
    services.update_evaluation(
        actor=SYSTEM, evaluation=bare, expected_version=None, summary=SUMMARY, conclusions=CONCLUSIONS
    )
    done = completed(bare)
    with pytest.raises(ValidationError) as again:
        services.complete_evaluation(actor=SYSTEM, evaluation=done, expected_version=None)
    assert again.value.message_dict["status"] == ["This evaluation is already completed."]
    with pytest.raises(ValidationError):
        services.update_evaluation(actor=SYSTEM, evaluation=done, expected_version=None, title="Cambio")


def test_publishing_needs_a_completed_evaluation(world: World, evaluation: Evaluation) -> None:
    with pytest.raises(ValidationError) as exc:
        services.publish_evaluation(actor=person(world), evaluation=evaluation, expected_version=1)
    assert exc.value.message_dict["status"] == ["Only a completed evaluation can be published."]
    done = published(evaluation)
    assert done.status == EvaluationStatus.PUBLISHED and done.published_on is not None


def test_assessments_of_lines_and_objectives(world: World, plan: LocalPlan, evaluation: Evaluation) -> None:
    progress = planning_contracts.plan_progress(plan)
    line = progress.lines[0].line.pk
    objective = progress.lines[0].objectives[0].objective.pk
    items = [
        services.AssessmentInput(rating="partly", comment="Avance desigual", line_id=line),
        services.AssessmentInput(rating="achieved", objective_id=objective),
    ]
    services.save_assessments(actor=person(world), evaluation=evaluation, items=items)
    assert Assessment.objects.count() == 2
    # Changed, then removed with an empty rating.
    services.save_assessments(
        actor=person(world),
        evaluation=evaluation,
        items=[
            services.AssessmentInput(rating="not_achieved", line_id=line),
            services.AssessmentInput("", objective_id=objective),
        ],
    )
    assert list(Assessment.objects.values_list("rating", "line_id")) == [("not_achieved", line)]


def test_assessments_refuse_lines_of_another_plan_and_write_nothing(
    world: World, evaluation: Evaluation, other_plan: LocalPlan
) -> None:
    progress = planning_contracts.plan_progress(evaluation.plan)
    foreign = planning_contracts.plan_progress(other_plan).lines[0].line.pk
    items = [
        services.AssessmentInput(rating="achieved", line_id=progress.lines[0].line.pk),
        services.AssessmentInput(rating="achieved", line_id=foreign),
    ]
    with pytest.raises(ValidationError) as exc:
        services.save_assessments(actor=person(world), evaluation=evaluation, items=items)
    assert "Assess a strategic line or an objective of the plan." in messages(exc)
    with pytest.raises(ValidationError) as unrated:
        services.save_assessments(
            actor=person(world),
            evaluation=evaluation,
            items=[services.AssessmentInput("", comment="Sin nota", line_id=progress.lines[0].line.pk)],
        )
    assert "Choose a rating for the comment." in messages(unrated)
    assert not Assessment.objects.exists()


def test_recommendation_rules(world: World, evaluation: Evaluation) -> None:
    with pytest.raises(ValidationError) as exc:
        services.add_recommendation(
            actor=person(world),
            evaluation=evaluation,
            title="",
            priority="urgent",
            goal_area="services",
            area=world.other_area,
        )
    assert set(exc.value.message_dict) == {"title", "priority", "area"}
    assert not Recommendation.objects.exists()
    made = services.add_recommendation(
        actor=person(world),
        evaluation=evaluation,
        title="Más brigadas",
        priority="low",
        goal_area="family",
        area=world.area,
    )
    assert made.area == world.area


def test_recommendations_become_opportunities_of_the_next_diagnosis(
    world: World, evaluation: Evaluation, next_analysis: SituationAnalysis
) -> None:
    first, second = recommend(evaluation), recommend(evaluation, "Ejecutar el presupuesto a tiempo")
    completed(evaluation)
    created = services.carry_recommendations(
        actor=person(world), evaluation=evaluation, analysis=next_analysis, recommendations=[first, second]
    )
    assert [o.analysis_id for o in created] == [next_analysis.pk] * 2
    opportunity = ImprovementOpportunity.objects.get(title=first.title)
    assert (opportunity.criticality, opportunity.goal_area, opportunity.horizon) == ("high", "services", "short")
    assert evaluation.title in opportunity.description
    first.refresh_from_db()
    assert first.carried_to == opportunity
    assert AuditEvent.objects.filter(action="evaluation_carried").count() == 2
    assert AuditEvent.objects.filter(target_type="planning.improvementopportunity", action="create").count() >= 2


def test_carrying_is_all_or_nothing(world: World, evaluation: Evaluation, next_analysis: SituationAnalysis) -> None:
    first, second = recommend(evaluation), recommend(evaluation, "Otra")
    with pytest.raises(ValidationError) as draft:
        services.carry_recommendations(
            actor=SYSTEM, evaluation=evaluation, analysis=next_analysis, recommendations=[first]
        )
    assert "Complete the evaluation before carrying its recommendations to the next plan." in messages(draft)
    completed(evaluation)
    services.carry_recommendations(actor=SYSTEM, evaluation=evaluation, analysis=next_analysis, recommendations=[first])
    before = (ImprovementOpportunity.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as again:
        services.carry_recommendations(
            actor=SYSTEM, evaluation=evaluation, analysis=next_analysis, recommendations=[second, first]
        )
    assert again.value.message_dict["recommendations"] == [
        "Some of these recommendations were already carried to a diagnosis."
    ]
    assert (ImprovementOpportunity.objects.count(), AuditEvent.objects.count()) == before
    second.refresh_from_db()
    assert second.carried_to is None


def test_carrying_refuses_the_plans_own_diagnosis_and_another_municipality(
    world: World, evaluation: Evaluation, other_plan: LocalPlan
) -> None:
    rec = recommend(evaluation)
    completed(evaluation)
    own = evaluation.plan.situation_analysis
    with pytest.raises(ValidationError) as exc:
        services.carry_recommendations(actor=SYSTEM, evaluation=evaluation, analysis=own, recommendations=[rec])
    assert exc.value.message_dict["analysis"] == ["Choose a diagnosis made after the evaluated plan started."]
    with pytest.raises(ValidationError) as away:
        services.carry_recommendations(
            actor=SYSTEM, evaluation=evaluation, analysis=other_plan.situation_analysis, recommendations=[rec]
        )
    assert away.value.message_dict["analysis"] == ["Choose a diagnosis of the same municipality."]
    assert ImprovementOpportunity.objects.count() == 2  # the two plans' fixtures' own


def test_a_failing_opportunity_undoes_the_carry(
    world: World, evaluation: Evaluation, next_analysis: SituationAnalysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = recommend(evaluation), recommend(evaluation, "Otra")
    completed(evaluation)
    real = services.planning_services.create_opportunity
    calls: list[int] = []

    def fail_second(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError({"title": "refused by planning"})
        return real(**kwargs)

    monkeypatch.setattr(services.planning_services, "create_opportunity", fail_second)
    before = (ImprovementOpportunity.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError):
        services.carry_recommendations(
            actor=SYSTEM, evaluation=evaluation, analysis=next_analysis, recommendations=[first, second]
        )
    assert (ImprovementOpportunity.objects.count(), AuditEvent.objects.count()) == before
    assert not Recommendation.objects.filter(carried_to__isnull=False).exists()


def test_the_demo_publishes_a_midterm_evaluation_and_leaves_the_plan_in_execution(world: World) -> None:
    from ronda.evaluation import demo
    from ronda.evaluation.tests.conftest import in_execution
    from ronda.territory.models import Level
    from ronda.testing import make_unit

    loja = make_unit(demo.MUNICIPALITY, Level.MUNICIPALITY, world.region, "Loja")
    health = Area.objects.create(org_unit=loja, kind=AreaKind.HEALTH, name="Salud")
    education = Area.objects.create(org_unit=loja, kind=AreaKind.EDUCATION, name="Educación")
    plan = in_execution(build_plan(loja, health, education))
    demo.load_demo()
    demo.load_demo()  # idempotent
    evaluation = Evaluation.objects.get(plan=plan)
    assert evaluation.status == EvaluationStatus.PUBLISHED and evaluation.children_total == 90
    assert Assessment.objects.filter(evaluation=evaluation).count() == len(planning_contracts.plan_progress(plan).lines)
    assert Recommendation.objects.filter(evaluation=evaluation).count() == len(demo.RECOMMENDATIONS)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_EXECUTION
