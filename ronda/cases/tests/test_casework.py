"""The work on a case (casework): each rule, refused in Spanish with nothing half-written."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from ronda.cases import casework, route
from ronda.cases.models import (
    ActionStatus,
    Case,
    CaseAction,
    CaseAttachment,
    CasePlan,
    CaseViolation,
    Fulfilment,
    MediationAgreement,
    PlanAction,
    PlanStatus,
    Priority,
    Referral,
    ReferralStatus,
    Task,
    Visit,
    VisitStatus,
)
from ronda.cases.tests.factories import TODAY, act, make_case
from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.territory.models import Institution, InstitutionKind, InstitutionService
from ronda.testing import World, make_user

pytestmark = pytest.mark.django_db
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def spanish():  # type: ignore[no-untyped-def]
    with translation.override("es"):
        yield


def _defender(world: World):  # type: ignore[no-untyped-def]
    return act(world.home[Role.DEFENDER])


def _supervisor(world: World):  # type: ignore[no-untyped-def]
    return act(world.home[Role.SUPERVISOR])


def es(msgid: str) -> str:
    """The message as the person reads it (the Spanish of /tmp/i18n_casework.json once merged)."""
    return gettext(msgid)


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def _closed(world: World) -> Case:
    case = make_case(world)
    return route.move_case(
        actor=_supervisor(world),
        case=case,
        expected_version=case.version,
        to_state="closed",
        closing_reason="restored",
    )


# --- Visits ------------------------------------------------------------------------------------
def test_a_visit_is_planned_then_done_and_dates_the_first_visit(world: World) -> None:
    case = make_case(world, registered_on=TODAY - dt.timedelta(days=5), facts_date=TODAY - dt.timedelta(days=6))
    visit = casework.plan_visit(actor=_defender(world), case=case, planned_for=TODAY)
    done = casework.record_visit(
        actor=_defender(world),
        visit=visit,
        expected_version=visit.version,
        done_on=YESTERDAY,
        findings="La abuela cuida a la niña por la tarde.",
    )
    assert done.status == VisitStatus.DONE and done.visited_by == world.home[Role.DEFENDER]
    case.refresh_from_db()
    assert case.first_visit_on == YESTERDAY
    # The first-visit task that opening the case set is done by the visit; other tasks are not.
    first = case.tasks.get(purpose="first_visit")
    assert first.done_at is not None and first.done_by == world.home[Role.DEFENDER]


def test_visit_dates_and_findings(world: World) -> None:
    case = make_case(world, registered_on=TODAY - dt.timedelta(days=2), facts_date=TODAY - dt.timedelta(days=3))
    with pytest.raises(ValidationError) as exc:
        casework.plan_visit(actor=_defender(world), case=case, planned_for=TODAY - dt.timedelta(days=3))
    assert _messages(exc)["planned_for"] == [es("A visit cannot be planned before the case was registered.")]
    visit = casework.plan_visit(actor=_defender(world), case=case, planned_for=TODAY)
    with pytest.raises(ValidationError) as exc:
        casework.record_visit(
            actor=_defender(world), visit=visit, expected_version=visit.version, done_on=TOMORROW, findings=" "
        )
    assert _messages(exc)["done_on"] == [es("The date cannot be in the future.")]
    assert _messages(exc)["findings"] == [es("Write what was found at the visit.")]
    with pytest.raises(ValidationError) as exc:
        casework.record_visit(
            actor=_defender(world),
            visit=visit,
            expected_version=visit.version,
            done_on=TODAY - dt.timedelta(days=3),
            findings="x",
        )
    assert _messages(exc)["done_on"] == [es("The date cannot be before the case was registered.")]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and visit.findings == ""


def test_a_stale_visit_form_is_a_conflict(world: World) -> None:
    case = make_case(world)
    visit = casework.plan_visit(actor=_defender(world), case=case, planned_for=TODAY)
    casework.cancel_visit(actor=_defender(world), visit=visit, expected_version=visit.version)
    with pytest.raises(ConflictError):
        casework.record_visit(
            actor=_defender(world), visit=visit, expected_version=visit.version, done_on=TODAY, findings="x"
        )


def test_only_who_works_on_the_case_writes(world: World) -> None:
    case = make_case(world)
    other = make_user("otra.defensora", Role.DEFENDER, world.community)
    for user in (other, world.home[Role.COORDINATOR], world.away[Role.SUPERVISOR]):
        with pytest.raises(PermissionDenied):
            casework.add_note(actor=act(user), case=case, text="Nota")
    assert not case.notes.exists()
    # The municipality's supervisor works on every case of it.
    casework.add_note(actor=_supervisor(world), case=case, text="Revisado")


def test_a_closed_case_takes_notes_but_no_new_work(world: World) -> None:
    case = _closed(world)
    with pytest.raises(ValidationError) as exc:
        casework.plan_visit(actor=_supervisor(world), case=case, planned_for=TODAY)
    assert _messages(exc)["__all__"] == [es("The case is closed: reopen it to record new work on it.")]
    with pytest.raises(ValidationError):
        casework.add_task(actor=_supervisor(world), case=case, title="Llamar", due_on=TODAY)
    assert not Visit.objects.filter(case=case).exists()
    assert casework.add_note(actor=_supervisor(world), case=case, text="La familia llamó.").pk


# --- The plan ----------------------------------------------------------------------------------
def test_the_plan_is_approved_and_changing_it_sends_it_back_to_draft(world: World) -> None:
    case = make_case(world)
    plan = casework.save_plan(actor=_defender(world), case=case, expected_version=None, goal="Que vuelva a la escuela")
    with pytest.raises(ValidationError) as exc:
        casework.submit_plan(actor=_defender(world), plan=plan, expected_version=plan.version)
    assert _messages(exc)["__all__"] == [es("Add at least one action to the plan before sending it.")]
    action = casework.add_plan_action(
        actor=_defender(world), plan=plan, description="Matrícula", responsible="Madre", due_on=TODAY
    )
    plan.refresh_from_db()
    plan = casework.submit_plan(actor=_defender(world), plan=plan, expected_version=plan.version)
    with pytest.raises(PermissionDenied):
        casework.decide_plan(actor=_defender(world), plan=plan, expected_version=plan.version, approve=True)
    with pytest.raises(ValidationError) as exc:
        casework.decide_plan(actor=_supervisor(world), plan=plan, expected_version=plan.version, approve=False)
    assert "comment" in _messages(exc)
    plan = casework.decide_plan(actor=_supervisor(world), plan=plan, expected_version=plan.version, approve=True)
    assert plan.status == PlanStatus.APPROVED
    assert AuditEvent.objects.filter(action=CaseAction.PLAN_APPROVED).count() == 1
    # Marking an action done is carrying the plan out: it stays approved.
    action = casework.update_plan_action(
        actor=_defender(world), action=action, expected_version=action.version, status=ActionStatus.DONE
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    casework.update_plan_action(actor=_defender(world), action=action, expected_version=action.version, due_on=TOMORROW)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.decided_by is None


def test_plan_action_dates(world: World) -> None:
    case = make_case(world, registered_on=YESTERDAY, facts_date=YESTERDAY)
    plan = casework.save_plan(actor=_defender(world), case=case, expected_version=None, goal="Meta")
    with pytest.raises(ValidationError) as exc:
        casework.add_plan_action(
            actor=_defender(world),
            plan=plan,
            description="",
            responsible="",
            due_on=TODAY,
            starts_on=TOMORROW,
        )
    errors = _messages(exc)
    assert errors["due_on"] == [es("The action cannot be due before it starts.")]
    assert set(errors) == {"description", "responsible", "due_on"}
    with pytest.raises(ValidationError) as exc:
        casework.add_plan_action(
            actor=_defender(world), plan=plan, description="a", responsible="b", due_on=TODAY - dt.timedelta(days=5)
        )
    assert _messages(exc)["due_on"] == [es("The action cannot be due before the case was registered.")]
    assert not PlanAction.objects.exists()


def test_returning_a_plan_keeps_the_comment(world: World) -> None:
    case = make_case(world)
    plan = casework.save_plan(actor=_defender(world), case=case, expected_version=None, goal="Meta")
    casework.add_plan_action(actor=_defender(world), plan=plan, description="a", responsible="b", due_on=TODAY)
    plan.refresh_from_db()
    plan = casework.submit_plan(actor=_defender(world), plan=plan, expected_version=plan.version)
    plan = casework.decide_plan(
        actor=_supervisor(world), plan=plan, expected_version=plan.version, approve=False, comment="Faltan fechas"
    )
    assert plan.status == PlanStatus.RETURNED and plan.supervisor_comment == "Faltan fechas"
    with pytest.raises(ConflictError):
        casework.save_plan(actor=_defender(world), case=case, expected_version=plan.version - 1, goal="Otra")
    assert CasePlan.objects.get(case=case).goal == "Meta"


# --- Mediation ---------------------------------------------------------------------------------
def test_a_mediation_with_agreements_and_their_checks(world: World) -> None:
    case = make_case(world, registered_on=TODAY - dt.timedelta(days=4), facts_date=TODAY - dt.timedelta(days=5))
    with pytest.raises(ValidationError) as exc:
        casework.record_mediation(
            actor=_defender(world),
            case=case,
            held_on=TOMORROW,
            participants="",
            agreements=[("", None), ("Llevarla a la escuela", YESTERDAY - dt.timedelta(days=10))],
        )
    errors = _messages(exc)
    assert errors["held_on"] == [es("The date cannot be in the future.")]
    assert "participants" in errors and len(errors["agreements"]) == 2
    assert not MediationAgreement.objects.exists()
    mediation = casework.record_mediation(
        actor=_defender(world),
        case=case,
        held_on=YESTERDAY,
        participants="Madre, padre, defensora",
        agreements=[("Llevarla a la escuela cada día", TODAY + dt.timedelta(days=30))],
    )
    agreement = mediation.agreements.get()
    with pytest.raises(ValidationError) as exc:
        casework.check_agreement(
            actor=_defender(world),
            agreement=agreement,
            expected_version=agreement.version,
            fulfilment=Fulfilment.PENDING,
            checked_on=TODAY - dt.timedelta(days=3),
        )
    assert _messages(exc)["checked_on"] == [es("The check cannot be before the session.")]
    checked = casework.check_agreement(
        actor=_defender(world),
        agreement=agreement,
        expected_version=agreement.version,
        fulfilment=Fulfilment.PARTLY,
        checked_on=TODAY,
    )
    assert checked.fulfilment == Fulfilment.PARTLY and checked.checked_on == TODAY
    extra = casework.add_agreement(actor=_defender(world), mediation=mediation, text="Visitas semanales")
    assert extra.due_on is None


# --- Referrals ---------------------------------------------------------------------------------
def _refer(world: World, case: Case, actor, **over):  # type: ignore[no-untyped-def]
    fields: dict[str, Any] = {
        "institution": world.institution,
        "reason": "Violencia física denunciada por la vecina.",
        "consent_to_services": True,
        "consent_to_sharing": True,
        "consent_given_by": "caregiver",
    }
    fields.update(over)
    return casework.refer_case(actor=actor, case=case, **fields)


def test_a_referral_fulfils_the_mandatory_referral_and_dates_the_first_one(world: World) -> None:
    case = make_case(world, types=("neglect", "physical"))
    referral = _refer(world, case, _defender(world))
    obligation = CaseViolation.objects.get(case=case, violation_type__code="physical")
    assert obligation.referral == referral
    assert CaseViolation.objects.get(case=case, violation_type__code="neglect").referral is None
    case.refresh_from_db()
    assert case.first_referral_on == TODAY
    assert AuditEvent.objects.filter(action=CaseAction.REFERRAL_SENT, target_id=str(referral.pk)).exists()


def test_the_institution_must_serve_the_case_and_offer_the_service(world: World) -> None:
    case = make_case(world)
    service = InstitutionService.objects.create(institution=world.other_institution, name="Otro")
    inactive = Institution.objects.create(
        name="Cerrada", kind=InstitutionKind.NGO, org_unit=world.municipality, is_active=False
    )
    for institution in (world.other_institution, inactive):
        with pytest.raises(ValidationError) as exc:
            _refer(world, case, _defender(world), institution=institution)
        assert "institution" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        _refer(world, case, _defender(world), service=service)
    assert _messages(exc)["service"] == [es("Choose a service of the chosen institution.")]
    # A national body seated in the country serves every municipality of it.
    national = Institution.objects.create(name="Fiscalía", kind=InstitutionKind.PROSECUTOR, org_unit=world.country)
    national.jurisdiction.set([world.country])
    assert _refer(world, case, _defender(world), institution=national).pk
    assert Referral.objects.count() == 1


def test_without_consent_only_a_supervisor_refers_with_a_reason(world: World) -> None:
    case = make_case(world)
    with pytest.raises(ValidationError) as exc:
        _refer(world, case, _defender(world), consent_to_sharing=False)
    assert "consent_to_sharing" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        _refer(world, case, _supervisor(world), consent_to_services=False, override_reason="Urgente")
    assert "override_reason" in _messages(exc)
    assert not Referral.objects.exists()
    referral = _refer(
        world,
        case,
        _supervisor(world),
        consent_to_services=False,
        consent_given_by="",
        override_reason="La madre es la presunta agresora y se niega.",
    )
    assert referral.consent_override_by == world.home[Role.SUPERVISOR]
    event = AuditEvent.objects.get(action=CaseAction.CONSENT_OVERRIDDEN)
    assert event.target_id == str(referral.pk)
    # The reason itself is personal: never in the trail.
    assert "agresora" not in str(AuditEvent.objects.filter(target_id=str(referral.pk)).values_list("changes"))


def test_with_consent_who_gave_it_is_required(world: World) -> None:
    case = make_case(world)
    with pytest.raises(ValidationError) as exc:
        _refer(world, case, _defender(world), consent_given_by="")
    assert _messages(exc)["consent_given_by"] == [es("Say who gave the consent.")]


def test_the_referral_status_route_and_feedback(world: World) -> None:
    case = make_case(world)
    referral = _refer(world, case, _defender(world))
    with pytest.raises(ValidationError) as exc:
        casework.update_referral(
            actor=_defender(world),
            referral=referral,
            expected_version=referral.version,
            status=ReferralStatus.CLOSED,
            feedback_on=TODAY,
        )
    assert "status" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        casework.update_referral(
            actor=_defender(world),
            referral=referral,
            expected_version=referral.version,
            status=ReferralStatus.REJECTED,
        )
    assert set(_messages(exc)) == {"feedback", "feedback_on"}
    referral = casework.update_referral(
        actor=_defender(world),
        referral=referral,
        expected_version=referral.version,
        status=ReferralStatus.ACCEPTED,
        feedback="Atención psicológica desde el lunes.",
        feedback_on=TODAY,
    )
    assert referral.status == ReferralStatus.ACCEPTED and referral.feedback_on == TODAY
    with pytest.raises(ConflictError):
        casework.update_referral(
            actor=_defender(world),
            referral=referral,
            expected_version=referral.version - 1,
            status=ReferralStatus.CLOSED,
            feedback="x",
            feedback_on=TODAY,
        )


# --- Tasks, flags, notes -------------------------------------------------------------------------
def test_tasks_go_to_who_works_on_the_case_with_the_risk_priority(world: World) -> None:
    case = make_case(world, risk="high")
    coordinator = world.home[Role.COORDINATOR]
    with pytest.raises(ValidationError) as exc:
        casework.add_task(actor=_defender(world), case=case, title="", due_on=None, assigned_to=coordinator)
    assert set(_messages(exc)) == {"title", "due_on", "assigned_to"}
    task = casework.add_task(
        actor=_defender(world),
        case=case,
        title="Llamar a la escuela",
        due_on=TODAY,
        assigned_to=world.home[Role.SUPERVISOR],
    )
    assert task.priority == Priority.HIGH
    task = casework.complete_task(actor=_defender(world), task=task, expected_version=task.version)
    assert task.done_at is not None and task.done_by == world.home[Role.DEFENDER]
    with pytest.raises(ValidationError):
        casework.complete_task(actor=_defender(world), task=task, expected_version=task.version)
    task = casework.reopen_task(actor=_defender(world), task=task, expected_version=task.version)
    assert task.done_at is None
    assert Task.objects.filter(case=case).count() == 2  # the first visit's task, and this one


def test_flags_are_removed_with_a_reason(world: World) -> None:
    case = make_case(world)
    with pytest.raises(ValidationError):
        casework.raise_flag(actor=_defender(world), case=case, kind="nope", message="")
    flag = casework.raise_flag(actor=_defender(world), case=case, kind="safety", message="Adulto agresivo en casa")
    with pytest.raises(ValidationError) as exc:
        casework.remove_flag(actor=_defender(world), flag=flag, reason=" ")
    assert _messages(exc)["reason"] == [es("Say why the warning is removed.")]
    flag = casework.remove_flag(actor=_defender(world), flag=flag, reason="Se mudó")
    assert flag.removed_at is not None and flag.removal_reason == "Se mudó"


# --- Attachments ---------------------------------------------------------------------------------
def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_attachment_is_checked_stored_and_removed(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = make_case(world)
    with override_settings(MEDIA_ROOT=tmp_path):
        upload = SimpleUploadedFile("informe escuela.png", _png(), content_type="image/png")
        attachment = casework.attach_file(actor=_defender(world), case=case, upload=upload, kind="document")
        assert attachment.content_type == "image/png" and attachment.original_name == "informe escuela.png"
        assert attachment.file.storage.exists(attachment.file.name)
        casework.remove_attachment(actor=_defender(world), attachment=attachment)
        assert not CaseAttachment.objects.exists()


def test_a_wrong_or_too_large_upload_is_refused(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = make_case(world)
    with override_settings(MEDIA_ROOT=tmp_path, RONDA_CASE_ATTACHMENT_MAX_MB=1):
        fake = SimpleUploadedFile("informe.pdf", b"<html>no</html>", content_type="application/pdf")
        with pytest.raises(ValidationError) as exc:
            casework.attach_file(actor=_defender(world), case=case, upload=fake, kind="document")
        assert _messages(exc)["upload"] == [
            es("%(name)s is not a photo (JPEG or PNG) or a PDF document.") % {"name": "informe.pdf"}
        ]
        big = SimpleUploadedFile("grande.png", _png() + b"\0" * (1024 * 1024), content_type="image/png")
        with pytest.raises(ValidationError) as exc:
            casework.attach_file(actor=_defender(world), case=case, upload=big, kind="document")
        assert "1 MB" in _messages(exc)["upload"][0]
    assert not CaseAttachment.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_a_second_first_save_of_the_plan_is_a_conflict(world: World) -> None:
    case = make_case(world)
    casework.save_plan(actor=_defender(world), case=case, expected_version=None, goal="La de la defensora")
    with pytest.raises(ConflictError):
        casework.save_plan(actor=_supervisor(world), case=case, expected_version=None, goal="La del supervisor")
    assert CasePlan.objects.get(case=case).goal == "La de la defensora"
