"""The planning services: validation (nothing saved on error), audit events, conflicts, policies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ronda.core import audit_actions
from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.planning import services
from ronda.planning.demo import tiny_jpeg, tiny_pdf, tiny_png
from ronda.planning.models import (
    Evidence,
    LocalPlan,
    Measure,
    MeasureBudget,
    MeasureStatus,
    PlanChange,
    PlanningAction,
    PlanStatus,
    ProgressUpdate,
)
from ronda.planning.tests.conftest import build_plan
from ronda.testing import World

pytestmark = pytest.mark.django_db

PDF = tiny_pdf()
JPEG = tiny_jpeg()


def actor(world: World, role: str, home: bool = True):  # type: ignore[no-untyped-def]
    user = (world.home if home else world.away)[role]
    return actor_for(user, user.memberships.first())


def snapshot(measure: Measure) -> tuple:
    measure.refresh_from_db()
    return (
        measure.progress,
        measure.version,
        measure.progress_justification,
        ProgressUpdate.objects.count(),
        Evidence.objects.count(),
        AuditEvent.objects.count(),
    )


def files_on_disk(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


# --- Progress -----------------------------------------------------------------------------------
@pytest.mark.parametrize("percent", [Decimal("-1"), Decimal("100.01"), "abc", Decimal("12.345")])
def test_progress_outside_0_100_is_refused_and_nothing_saved(world: World, measure: Measure, percent) -> None:
    before = snapshot(measure)
    with pytest.raises(ValidationError) as exc:
        services.record_progress(
            actor=actor(world, "area_focal"),
            measure=measure,
            expected_version=measure.version,
            percent=percent,
            justification="Avance",
        )
    assert "percent" in exc.value.message_dict
    assert snapshot(measure) == before


def test_justification_is_required(world: World, measure: Measure) -> None:
    with pytest.raises(ValidationError) as exc:
        services.record_progress(
            actor=actor(world, "area_focal"), measure=measure, expected_version=1, percent=10, justification="  "
        )
    assert "justification" in exc.value.message_dict


def test_focal_point_records_progress_with_evidence_and_audit(world: World, measure: Measure, media_root: Path) -> None:
    focal = actor(world, "area_focal")
    files = [
        SimpleUploadedFile("foto.png", tiny_png(), content_type="application/octet-stream"),
        SimpleUploadedFile("../../acta.PDF", PDF, content_type="image/png"),
        SimpleUploadedFile("brigada.jpeg", JPEG),
    ]
    update = services.record_progress(
        actor=focal,
        measure=measure,
        expected_version=measure.version,
        percent=Decimal("35.5"),
        justification="Brigada móvil en tres comunidades.",
        files=files,
    )
    measure.refresh_from_db()
    assert measure.progress == Decimal("35.50")
    assert measure.progress_justification == "Brigada móvil en tres comunidades."
    assert measure.progress_updated_on == update.reported_on
    assert measure.version == 2
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert update.author == world.home["area_focal"]
    evidence = {e.original_name: e for e in update.evidence.all()}
    # The type comes from the bytes, never from the browser or the name.
    assert evidence["foto.png"].content_type == "image/png"
    assert evidence["acta.PDF"].content_type == "application/pdf"
    assert evidence["brigada.jpeg"].content_type == "image/jpeg"
    assert len(files_on_disk(media_root)) == 3
    assert all("foto" not in e.file.name for e in evidence.values())  # stored under random names
    events = AuditEvent.objects.filter(actor_username="area_focal.home")
    assert events.filter(action="create", target_type="planning.progressupdate").count() == 1
    assert events.filter(action="create", target_type="planning.evidence").count() == 3
    update_event = events.get(action="progress_recorded", target_type="planning.measure")
    assert update_event.changes["progress"] == ["0.00", "35.50"]
    assert update_event.changes["status"] == ["not_started", "in_progress"]


def test_evidence_of_wrong_type_is_refused_and_nothing_saved(world: World, measure: Measure, media_root: Path) -> None:
    before = snapshot(measure)
    files = [
        SimpleUploadedFile("ok.png", tiny_png()),
        SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
    ]
    with pytest.raises(ValidationError) as exc:
        services.record_progress(
            actor=actor(world, "coordinator"),
            measure=measure,
            expected_version=measure.version,
            percent=20,
            justification="Con evidencia",
            files=files,
        )
    assert "virus.pdf" in " ".join(exc.value.message_dict["evidence"])
    assert snapshot(measure) == before
    assert files_on_disk(media_root) == []


def test_a_text_file_that_starts_like_a_pdf_is_refused(world: World, measure: Measure, media_root: Path) -> None:
    before = snapshot(measure)
    fake = b"%PDF-1.4 this is just a text file\n"
    assert len(fake) == 34
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.record_progress(
            actor=actor(world, "coordinator"),
            measure=measure,
            expected_version=measure.version,
            percent=20,
            justification="Acta",
            files=[SimpleUploadedFile("acta.pdf", fake, content_type="application/pdf")],
        )
    assert exc.value.message_dict["evidence"] == ["acta.pdf is not a valid PDF document."]
    assert snapshot(measure) == before
    assert files_on_disk(media_root) == []


def test_evidence_over_20_mb_is_refused(world: World, measure: Measure, settings, media_root: Path) -> None:
    assert settings.RONDA_UPLOAD_MAX_BYTES == 20 * 1024 * 1024
    big = SimpleUploadedFile("grande.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024 - 4))
    before = snapshot(measure)
    with pytest.raises(ValidationError) as exc:
        services.record_progress(
            actor=actor(world, "coordinator"),
            measure=measure,
            expected_version=measure.version,
            percent=20,
            justification="Archivo grande",
            files=[big],
        )
    assert "grande.pdf" in exc.value.message_dict["evidence"][0]
    assert snapshot(measure) == before
    assert files_on_disk(media_root) == []


def test_stale_version_is_a_conflict_not_an_overwrite(world: World, measure: Measure) -> None:
    stale = measure.version
    services.record_progress(
        actor=actor(world, "area_focal"), measure=measure, expected_version=stale, percent=30, justification="Primera"
    )
    before = snapshot(measure)
    with pytest.raises(ConflictError):
        services.record_progress(
            actor=actor(world, "coordinator"), measure=measure, expected_version=stale, percent=60, justification="Otra"
        )
    assert snapshot(measure) == before
    assert measure.progress == Decimal("30.00")


def test_focal_point_of_another_area_or_municipality_cannot_record(
    world: World, other_area_measure: Measure, other_plan: LocalPlan
) -> None:
    with pytest.raises(PermissionDenied):
        services.record_progress(
            actor=actor(world, "area_focal"),
            measure=other_area_measure,
            expected_version=None,
            percent=10,
            justification="x",
        )
    with pytest.raises(PermissionDenied):
        services.record_progress(
            actor=actor(world, "analyst"),
            measure=other_area_measure,
            expected_version=None,
            percent=10,
            justification="x",
        )
    foreign = other_plan.measures.get(code="M-1")
    with pytest.raises(PermissionDenied):
        services.record_progress(
            actor=actor(world, "coordinator"), measure=foreign, expected_version=None, percent=10, justification="x"
        )
    assert ProgressUpdate.objects.count() == 0


def test_no_progress_on_a_draft_plan_nor_a_cancelled_measure(world: World, education) -> None:
    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    measure = draft.measures.get(code="M-1")
    with pytest.raises(ValidationError) as exc:
        services.record_progress(actor=SYSTEM, measure=measure, expected_version=None, percent=10, justification="x")
    assert "__all__" in exc.value.message_dict


def test_late_report_joins_history_without_replacing_current_progress(world: World, measure: Measure) -> None:
    with time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)):
        services.record_progress(actor=SYSTEM, measure=measure, expected_version=None, percent=50, justification="Mayo")
        services.record_progress(
            actor=SYSTEM,
            measure=measure,
            expected_version=None,
            percent=40,
            justification="Abril (tarde)",
            reported_on=dt.date(2026, 4, 30),
        )
        with pytest.raises(ValidationError):
            services.record_progress(
                actor=SYSTEM,
                measure=measure,
                expected_version=None,
                percent=40,
                justification="futuro",
                reported_on=dt.date(2026, 6, 1),
            )
    measure.refresh_from_db()
    assert measure.progress == Decimal("50.00") and measure.progress_justification == "Mayo"
    assert list(measure.updates.values_list("percent", flat=True)) == [Decimal("50.00"), Decimal("40.00")]
    # The late report changed nothing of the measure: no event for it, but its version moved on.
    assert measure.version == 3
    trail = AuditEvent.objects.filter(target_type="planning.measure", target_id=str(measure.pk))
    assert list(trail.values_list("action", flat=True)) == ["create", "progress_recorded"]


def test_reaching_100_completes_the_measure(world: World, measure: Measure) -> None:
    services.record_progress(actor=SYSTEM, measure=measure, expected_version=None, percent=100, justification="Hecho")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.COMPLETED


# --- Measures -------------------------------------------------------------------------------------
def _measure_kwargs(plan: LocalPlan, world: World, **overrides):  # type: ignore[no-untyped-def]
    objective = plan.lines.get().objectives.get()
    kwargs = {
        "plan": plan,
        "objective": objective,
        "title": "Nueva medida",
        "responsible_area": world.area,
        "horizon": "medium",
        "start_date": dt.date(2025, 6, 1),
        "end_date": dt.date(2026, 6, 30),
    }
    kwargs.update(overrides)
    return kwargs


def test_measure_dates_must_lie_inside_the_plan_period(world: World, plan: LocalPlan) -> None:
    before = (Measure.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.create_measure(
            actor=actor(world, "coordinator"),
            change=services.ChangeRecord(why="x", approved_by="y"),
            **_measure_kwargs(plan, world, start_date=dt.date(2024, 12, 1), end_date=dt.date(2029, 1, 31)),
        )
    errors = exc.value.message_dict
    assert "start_date" in errors and "end_date" in errors
    assert "01/01/2025" in errors["start_date"][0]
    assert (Measure.objects.count(), AuditEvent.objects.count()) == before


def test_negative_executed_budget_and_years_outside_the_period_are_refused(world: World, plan: LocalPlan) -> None:
    measure = plan.measures.get(code="M-1")
    before = (list(MeasureBudget.objects.values_list("year", "planned", "executed")), measure.version)
    with pytest.raises(ValidationError) as exc:
        services.update_measure(
            actor=actor(world, "coordinator"),
            measure=measure,
            expected_version=measure.version,
            budgets=[
                services.BudgetLine(2025, Decimal("1000"), Decimal("-5")),
                services.BudgetLine(2030, Decimal("10"), Decimal("0")),
            ],
        )
    errors = exc.value.message_dict
    assert "executed_2025" in errors and "planned_2030" in errors
    measure.refresh_from_db()
    assert (list(MeasureBudget.objects.values_list("year", "planned", "executed")), measure.version) == before


def test_changes_after_approval_need_a_change_record(world: World, plan: LocalPlan) -> None:
    coordinator = actor(world, "coordinator")
    measure = plan.measures.get(code="M-1")
    with pytest.raises(ValidationError) as exc:
        services.update_measure(
            actor=coordinator, measure=measure, expected_version=measure.version, end_date=dt.date(2027, 6, 30)
        )
    assert {"change_why", "change_approved_by"} <= set(exc.value.message_dict)
    measure.refresh_from_db()
    assert measure.end_date == dt.date(2026, 12, 31) and PlanChange.objects.count() == 0

    updated = services.update_measure(
        actor=coordinator,
        measure=measure,
        expected_version=measure.version,
        end_date=dt.date(2027, 6, 30),
        budgets=[services.BudgetLine(2025, Decimal("1500"), Decimal("100"))],
        change=services.ChangeRecord(why="Retraso en la contratación", approved_by="Mesa técnica, acta 3"),
    )
    assert updated.end_date == dt.date(2027, 6, 30) and updated.version == measure.version + 1
    change = PlanChange.objects.get()
    assert change.plan == plan and change.measure == measure and change.recorded_by == world.home["coordinator"]
    assert "2025" in change.what and change.why == "Retraso en la contratación"
    assert AuditEvent.objects.filter(target_type="planning.planchange", action="create").count() == 1
    event = AuditEvent.objects.filter(target_type="planning.measure", action="update").latest("id")
    assert event.changes["end_date"] == ["2026-12-31", "2027-06-30"]


def test_execution_data_needs_no_change_record(world: World, plan: LocalPlan) -> None:
    measure = plan.measures.get(code="M-1")
    services.update_measure(
        actor=actor(world, "coordinator"),
        measure=measure,
        expected_version=measure.version,
        status=MeasureStatus.DELAYED,
        budgets=[services.BudgetLine(2025, Decimal("1000"), Decimal("900"))],
    )
    assert PlanChange.objects.count() == 0
    assert MeasureBudget.objects.get(measure=measure, year=2025).executed == Decimal("900")


def test_update_measure_conflict_and_read_only_roles(world: World, plan: LocalPlan) -> None:
    measure = plan.measures.get(code="M-1")
    with pytest.raises(ConflictError):
        services.update_measure(actor=actor(world, "coordinator"), measure=measure, expected_version=99, title="X")
    for role in ("analyst", "secretariat", "area_focal"):
        with pytest.raises(PermissionDenied):
            services.update_measure(actor=actor(world, role), measure=measure, expected_version=1, title="X")
    with pytest.raises(PermissionDenied):
        services.update_measure(
            actor=actor(world, "coordinator", home=False), measure=measure, expected_version=1, title="X"
        )
    measure.refresh_from_db()
    assert measure.title == "Medida M-1"


def test_responsible_area_must_be_of_the_municipality(world: World, plan: LocalPlan) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_measure(
            actor=SYSTEM,
            change=services.ChangeRecord(why="x", approved_by="y"),
            **_measure_kwargs(plan, world, responsible_area=world.other_area),
        )
    assert "responsible_area" in exc.value.message_dict


def test_measure_traceable_to_its_opportunity_both_ways(plan: LocalPlan) -> None:
    measure = plan.measures.get(code="M-1")
    opportunity = measure.source_opportunity
    assert opportunity is not None
    assert list(opportunity.measures.all()) == [measure]


# --- Plan status ---------------------------------------------------------------------------------
def test_plan_moves_only_forward_one_step_with_an_approval_record(world: World, education) -> None:
    coordinator = actor(world, "coordinator")
    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    for status in (PlanStatus.IN_EXECUTION, PlanStatus.EVALUATED, PlanStatus.DRAFT):
        with pytest.raises(ValidationError):
            services.change_plan_status(actor=coordinator, plan=draft, expected_version=draft.version, status=status)
    with pytest.raises(ValidationError) as exc:
        services.change_plan_status(
            actor=coordinator, plan=draft, expected_version=draft.version, status=PlanStatus.APPROVED
        )
    assert {"approved_on", "approved_by", "approval_reference"} <= set(exc.value.message_dict)
    approved = services.change_plan_status(
        actor=coordinator,
        plan=draft,
        expected_version=draft.version,
        status=PlanStatus.APPROVED,
        approved_on=dt.date(2025, 2, 1),
        approved_by="Concejo Municipal",
        approval_reference="Resolución 7",
    )
    assert approved.status == PlanStatus.APPROVED and approved.approval_reference == "Resolución 7"
    event = AuditEvent.objects.filter(target_type="planning.localplan", action="plan_approved").get()
    assert event.changes["status"] == ["draft", "approved"]
    assert event.changes["approval_reference"] == ["", "Resolución 7"]
    with pytest.raises(ValidationError):
        services.change_plan_status(
            actor=coordinator, plan=approved, expected_version=approved.version, status=PlanStatus.DRAFT
        )
    with pytest.raises(ConflictError):
        services.change_plan_status(
            actor=coordinator, plan=approved, expected_version=1, status=PlanStatus.IN_EXECUTION
        )
    with pytest.raises(PermissionDenied):
        services.change_plan_status(
            actor=actor(world, "analyst"), plan=approved, expected_version=None, status=PlanStatus.IN_EXECUTION
        )


def test_plan_period_must_keep_its_measures(world: World, plan: LocalPlan) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_plan(
            actor=actor(world, "coordinator"),
            plan=plan,
            expected_version=plan.version,
            title=plan.title,
            period_start=dt.date(2026, 1, 1),
            period_end=plan.period_end,
            weighting=plan.weighting,
            situation_analysis=plan.situation_analysis,
            change=services.ChangeRecord(why="x", approved_by="y"),
        )
    assert "period_start" in exc.value.message_dict


def test_weighting_change_after_approval_is_recorded(world: World, plan: LocalPlan) -> None:
    services.update_plan(
        actor=actor(world, "coordinator"),
        plan=plan,
        expected_version=plan.version,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        weighting="equal",
        situation_analysis=plan.situation_analysis,
        change=services.ChangeRecord(why="Presupuestos aún no asignados", approved_by="Mesa técnica"),
    )
    assert PlanChange.objects.get(plan=plan, measure=None).why == "Presupuestos aún no asignados"


def test_evaluated_plan_is_closed(world: World, plan: LocalPlan) -> None:
    for status in (PlanStatus.IN_EXECUTION, PlanStatus.EVALUATED):
        plan = services.change_plan_status(actor=SYSTEM, plan=plan, expected_version=None, status=status)
    objective = plan.lines.get().objectives.get()
    with pytest.raises(PermissionDenied):
        services.create_measure(actor=actor(world, "coordinator"), **_measure_kwargs(plan, world, objective=objective))
    measure = plan.measures.get(code="M-1")
    with pytest.raises(ValidationError):
        services.record_progress(actor=SYSTEM, measure=measure, expected_version=None, percent=5, justification="x")


# --- Diagnosis --------------------------------------------------------------------------------------
def test_diagnosis_writes_are_validated_and_audited(world: World) -> None:
    coordinator = actor(world, "coordinator")
    analysis = services.create_analysis(
        actor=coordinator,
        org_unit=world.municipality,
        title="Diagnóstico 2024",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    assert AuditEvent.objects.filter(target_type="planning.situationanalysis", action="create").count() == 1
    with pytest.raises(ValidationError) as exc:
        services.create_opportunity(
            actor=coordinator, analysis=analysis, title="", goal_area="x", criticality="urgent", horizon="never"
        )
    assert {"title", "goal_area", "criticality", "horizon"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        services.add_workshop(
            actor=coordinator, analysis=analysis, held_on=dt.date(2024, 3, 1), title="Taller", children_6_11=-3
        )
    with pytest.raises(PermissionDenied):
        services.add_finding(actor=actor(world, "analyst"), analysis=analysis, goal_area="equity", text="x")
    with pytest.raises(PermissionDenied):
        services.create_analysis(
            actor=coordinator,
            org_unit=world.other_municipality,
            title="Ajeno",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
        )
    opportunity = services.create_opportunity(
        actor=coordinator,
        analysis=analysis,
        title="Baja cobertura",
        goal_area="services",
        criticality="high",
        horizon="short",
    )
    with pytest.raises(ConflictError):
        services.update_opportunity(
            actor=coordinator,
            opportunity=opportunity,
            expected_version=5,
            title="Otra",
            goal_area="services",
            criticality="low",
            horizon="long",
        )
    updated = services.update_opportunity(
        actor=coordinator,
        opportunity=opportunity,
        expected_version=1,
        title="Baja cobertura",
        goal_area="services",
        criticality="medium",
        horizon="short",
    )
    assert updated.version == 2
    event = AuditEvent.objects.filter(target_type="planning.improvementopportunity", action="update").get()
    assert event.changes == {"criticality": ["high", "medium"]}


# --- Domain events in the trail (issue #8 item 4) -----------------------------------------------
def test_planning_actions_are_registered_with_the_trail() -> None:
    assert all(audit_actions.known(value) for value in PlanningAction.values)
    with translation.override("en"):
        assert audit_actions.label("plan_approved") == "Plan approved"


def test_each_step_of_a_plan_is_its_own_event(world: World, plan: LocalPlan) -> None:
    coordinator = actor(world, "coordinator")
    in_execution = services.change_plan_status(
        actor=coordinator, plan=plan, expected_version=plan.version, status=PlanStatus.IN_EXECUTION
    )
    services.change_plan_status(
        actor=coordinator, plan=in_execution, expected_version=in_execution.version, status=PlanStatus.EVALUATED
    )
    trail = AuditEvent.objects.filter(target_type="planning.localplan", target_id=str(plan.pk)).order_by("id")
    assert list(trail.values_list("action", flat=True))[-3:] == ["plan_approved", "plan_in_execution", "plan_evaluated"]
    assert trail.last().changes == {"status": ["in_execution", "evaluated"]}  # type: ignore[union-attr]


def test_cancelling_a_measure_is_a_domain_event(world: World, plan: LocalPlan, measure: Measure) -> None:
    services.update_measure(
        actor=actor(world, "coordinator"),
        measure=measure,
        expected_version=measure.version,
        status=MeasureStatus.CANCELLED,
        change=services.ChangeRecord(why="Sin financiamiento", approved_by="Concejo Municipal"),
    )
    event = AuditEvent.objects.filter(target_type="planning.measure", target_id=str(measure.pk)).latest("id")
    assert event.action == "measure_cancelled" and event.changes == {"status": ["not_started", "cancelled"]}
    assert PlanChange.objects.get(measure=measure).why == "Sin financiamiento"


def test_indicator_values_and_milestones_are_domain_events(world: World, plan: LocalPlan, measure: Measure) -> None:
    coordinator = actor(world, "coordinator")
    change = services.ChangeRecord(why="Seguimiento", approved_by="Mesa técnica")
    indicator = services.add_indicator(actor=coordinator, measure=measure, name="Controles", change=change)
    milestone = services.add_milestone(
        actor=coordinator, measure=measure, title="Primera jornada", due_on=dt.date(2025, 6, 1), change=change
    )
    services.record_indicator_value(
        actor=coordinator, indicator=indicator, value=Decimal("12"), measured_on=dt.date(2025, 5, 1)
    )
    services.complete_milestone(actor=coordinator, milestone=milestone, done_on=dt.date(2025, 5, 20))

    def last(target: object) -> AuditEvent:
        return AuditEvent.objects.filter(
            target_type=target._meta.label_lower,  # type: ignore[attr-defined]
            target_id=str(target.pk),  # type: ignore[attr-defined]
        ).latest("id")

    recorded, reached = last(indicator), last(milestone)
    assert recorded.action == "indicator_value_recorded"
    assert recorded.changes == {"value": "12", "measured_on": "2025-05-01", "period": "2025"}
    assert reached.action == "milestone_reached" and reached.changes == {"done_on": [None, "2025-05-20"]}
