"""The protection file's services: opening (direct and from a community case), the one-open-file
rule, transfer, closing and reopening, diagnosis, rights, the restitution plan and its reviews, and
the sector focal point's update. Through the services, as the pages will call them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from ronda.cases import route
from ronda.cases.tests.factories import make_case
from ronda.core.errors import ConflictError
from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.roles import Role
from ronda.protection import policies
from ronda.protection.models import (
    ActionStatus,
    CareSetting,
    DiagnosisArea,
    FileClosingReason,
    FileStatus,
    FileTransfer,
    IntakeSource,
    Placement,
    PlanStatus,
    ProtectionAction,
    ProtectionFile,
    ProtectiveMeasure,
    RestitutionAction,
    RestitutionPlan,
    Right,
    RightStatus,
    Sector,
)
from ronda.protection.services import files
from ronda.protection.tests.factories import (
    TODAY,
    PWorld,
    act,
    make_child,
    make_file,
    measure_type,
    protection_world,
)
from ronda.territory.models import Institution
from ronda.testing import World

pytestmark = pytest.mark.django_db

SUMMARY = "La abuela informa que la niña duerme sola en la casa desde hace una semana."


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def _events(target: object, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type=target._meta.label_lower,  # type: ignore[attr-defined]
            target_id=str(target.pk),  # type: ignore[attr-defined]
            action=action,
        )
    )


def _plan_with_action(pw: PWorld, plan: RestitutionPlan | None = None) -> tuple[RestitutionPlan, RestitutionAction]:
    officer = act(pw.officer)
    if plan is None:
        plan = files.save_plan(actor=officer, file=make_file(pw), objective="Restituir el derecho a vivir en familia.")
    action = files.add_action(
        actor=officer,
        plan=plan,
        sector=Sector.HEALTH,
        description="Valoración pediátrica y esquema de vacunas.",
        owner="Centro de Salud A",
        due_on=TODAY + dt.timedelta(days=30),
        institution=pw.health_institution,
        right=Right.HEALTH,
    )
    return plan, action


def _approved(pw: PWorld) -> tuple[RestitutionPlan, RestitutionAction]:
    plan, action = _plan_with_action(pw)
    files.submit_plan(actor=act(pw.officer), plan=plan)
    plan = files.approve_plan(actor=act(pw.supervisor), plan=plan)
    action.refresh_from_db()
    return plan, action


# --- Opening -------------------------------------------------------------------------------------
def test_open_file_numbers_per_office_and_year_and_takes_the_office_seat(pw: PWorld) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 10, 15, tzinfo=dt.UTC)):
        first = make_file(pw, opened_on=None)
        second = make_file(pw, child=make_child(pw.world, first_names="Ana Lucía"), opened_on=None)
        state = make_file(pw, child=make_child(pw.world, first_names="Mateo"), office=pw.state_office, opened_on=None)
    assert (first.number, second.number, state.number) == ("DIF-2026-0001", "DIF-2026-0002", "PPNNA-2026-0001")
    assert first.opened_on == dt.date(2026, 3, 10)
    assert first.path == pw.world.municipality.path
    assert state.path == pw.world.region.path
    assert first.municipality == pw.world.municipality == state.municipality
    assert first.officer == pw.officer and state.officer == pw.state_officer
    assert first.status == FileStatus.OPEN


def test_the_opening_is_audited_without_the_intake_summary(pw: PWorld) -> None:
    file = make_file(pw, intake_summary=SUMMARY)
    (event,) = _events(file, ProtectionAction.FILE_OPENED)
    assert event.actor == pw.officer
    assert event.org_unit == pw.world.municipality
    assert event.changes["intake_summary"] == [None, "[redacted]"]
    assert event.changes["child_id"][1] == "[redacted]"
    assert "duerme sola" not in str(event.changes)


def test_a_child_has_one_open_file_and_the_refusal_names_it_only_to_who_sees_it(pw: PWorld) -> None:
    child = make_child(pw.world)
    state_file = make_file(pw, child=child, office=pw.state_office)
    # The state officer sees the state's file: the message gives its number.
    with pytest.raises(ValidationError) as exc:
        make_file(pw, child=child, office=pw.state_office)
    assert state_file.number in _messages(exc)["child"][0]
    # The municipal officer does not see the state office's file: only that one exists elsewhere.
    with pytest.raises(ValidationError) as exc:
        make_file(pw, child=child)
    assert "another office" in _messages(exc)["child"][0]
    assert state_file.number not in _messages(exc)["child"][0]
    assert ProtectionFile.objects.filter(child=child).count() == 1


def test_opening_checks_office_officer_and_dates(pw: PWorld) -> None:
    child = make_child(pw.world)
    officer = act(pw.officer)
    health = pw.health_institution

    def open_(**over: object) -> ProtectionFile:
        values: dict[str, object] = {
            "actor": officer,
            "child": child,
            "office": pw.municipal_office,
            "intake_source": IntakeSource.DIRECT_REPORT,
            **over,
        }
        return files.open_file(**values)  # type: ignore[arg-type]

    for office in (health, pw.state_office, pw.other_state_office):  # not a protection office / above / away
        with pytest.raises(ValidationError) as exc:
            open_(office=office)
        assert "office" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        open_(
            opened_on=TODAY + dt.timedelta(days=1),
            intake_source="rumour",
            officer=pw.world.away[Role.PROTECTION_OFFICER],
        )
    assert set(_messages(exc)) == {"opened_on", "intake_source", "officer"}
    assert child.birth_date is not None
    with pytest.raises(ValidationError) as exc:
        open_(opened_on=child.birth_date - dt.timedelta(days=1))
    assert "opened_on" in _messages(exc)
    # The state officer covers the municipality: they may name the municipal officer as the officer in charge.
    file = files.open_file(
        actor=act(pw.state_officer),
        child=child,
        office=pw.municipal_office,
        intake_source=IntakeSource.POLICE,
        officer=pw.officer,
    )
    assert file.officer == pw.officer


@pytest.mark.parametrize("role", [Role.ANALYST, Role.COORDINATOR, Role.AREA_FOCAL, Role.DEFENDER])
def test_other_roles_cannot_open_files(pw: PWorld, role: str) -> None:
    with pytest.raises(PermissionDenied):
        make_file(pw, by=pw.world.home[role])
    assert not ProtectionFile.objects.exists()


def test_the_child_search_finds_candidates_and_logs_each_one_shown(pw: PWorld) -> None:
    child = make_child(pw.world)
    make_child(pw.world, first_names="Rosa", paternal_surname="Tenesaca", maternal_surname="Guamán")
    found = files.find_children_for_file(
        act(pw.officer),
        first_names="Xiomara",
        surnames="Quizhpe Sarango",
        birth_date=child.birth_date,
        municipality=pw.world.municipality,
    )
    assert [c.child for c in found] == [child]
    logged = AccessEvent.objects.filter(target_type="cases.child", purpose=files.CHILD_SEARCH_PURPOSE)
    assert [(e.target_id, e.actor_id) for e in logged] == [(str(child.pk), pw.officer.pk)]
    # An officer of another municipality cannot search this one.
    with pytest.raises(PermissionDenied):
        files.find_children_for_file(
            act(pw.world.away[Role.PROTECTION_OFFICER]),
            first_names="Xiomara",
            surnames="Quizhpe",
            birth_date=None,
            municipality=pw.world.municipality,
        )
    assert logged.count() == 1


def _transferred_case(pw: PWorld, office: Institution):  # type: ignore[no-untyped-def]
    case = make_case(pw.world)
    return route.transfer_to_protection(
        actor=act(pw.world.home[Role.DEFENDER]),
        case=case,
        expected_version=case.version,
        institution=office,
        reason="Se requiere una medida de protección.",
        consent_to_sharing=True,
        consent_given_by="caregiver",
    )


def test_a_case_transferred_to_the_office_gives_one_file(pw: PWorld) -> None:
    case = _transferred_case(pw, pw.municipal_office)
    file = files.open_file_from_case(actor=act(pw.officer), case=case)
    assert (file.child_id, file.from_case_id, file.office) == (case.child_id, case.pk, pw.municipal_office)
    assert file.intake_source == IntakeSource.COMMUNITY_CASE
    with pytest.raises(ValidationError) as exc:
        files.open_file_from_case(actor=act(pw.officer), case=case)
    assert file.number in _messages(exc)["case"][0]
    assert ProtectionFile.objects.filter(from_case=case).count() == 1


def test_a_case_gives_a_file_only_where_it_was_transferred(pw: PWorld) -> None:
    untransferred = make_case(pw.world, child=make_child(pw.world, first_names="Ana"))
    with pytest.raises(ValidationError) as exc:
        files.open_file_from_case(actor=act(pw.officer), case=untransferred)
    assert "case" in _messages(exc)
    case = _transferred_case(pw, pw.municipal_office)
    # Another municipal office (the Junta) is not where the case went.
    with pytest.raises(ValidationError) as exc:
        files.open_file_from_case(actor=act(pw.officer), case=case, office=pw.world.institution)
    assert "office" in _messages(exc)
    # The away officer cannot hold files in this municipality's offices.
    with pytest.raises(ValidationError) as exc:
        files.open_file_from_case(actor=act(pw.world.away[Role.PROTECTION_OFFICER]), case=case)
    assert "office" in _messages(exc)
    # The state office, above the DIF the case went to, may take it.
    file = files.open_file_from_case(actor=act(pw.state_officer), case=case, office=pw.state_office)
    assert file.path == pw.world.region.path
    assert not ProtectionFile.objects.filter(from_case=untransferred).exists()


# --- Transfer ------------------------------------------------------------------------------------
def test_transfer_moves_the_file_and_the_old_office_loses_it(pw: PWorld) -> None:
    file = make_file(pw)
    municipal = act(pw.officer)
    transfer = files.transfer_file(
        actor=municipal,
        file=file,
        to_office=pw.state_office,
        to_officer=pw.state_officer,
        reason="El caso requiere la representación de la Procuraduría estatal.",
    )
    assert (transfer.from_office, transfer.to_office) == (pw.municipal_office, pw.state_office)
    assert (transfer.from_officer, transfer.to_officer, transfer.transferred_by) == (
        pw.officer,
        pw.state_officer,
        pw.officer,
    )
    file.refresh_from_db()
    assert (file.office, file.path, file.officer) == (pw.state_office, pw.world.region.path, pw.state_officer)
    (event,) = _events(file, ProtectionAction.FILE_TRANSFERRED)
    assert event.changes["path"] == [pw.world.municipality.path, pw.world.region.path]
    assert "Procuraduría estatal" not in str(_events(transfer, "create")[0].changes)
    with pytest.raises(Http404):
        policies.get_file(municipal, file.pk)
    assert policies.get_file(act(pw.state_officer), file.pk) == file
    # The municipal officer no longer works on it either.
    with pytest.raises(PermissionDenied):
        files.record_diagnosis(actor=municipal, file=file, area=DiagnosisArea.HEALTH, findings="Sana.")


def test_transfer_needs_a_protection_office_and_one_of_its_officers(pw: PWorld) -> None:
    file = make_file(pw)
    officer = act(pw.officer)
    cases = [
        (pw.health_institution, pw.officer, "to_office"),
        (pw.municipal_office, pw.officer, "to_office"),
        (pw.state_office, pw.officer, "to_officer"),  # the municipal officer does not work at the state
    ]
    for office, person, field in cases:
        with pytest.raises(ValidationError) as exc:
            files.transfer_file(actor=officer, file=file, to_office=office, to_officer=person, reason="Cambio.")
        assert field in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        files.transfer_file(
            actor=officer, file=file, to_office=pw.state_office, to_officer=pw.state_officer, reason=" "
        )
    assert "reason" in _messages(exc)
    assert not FileTransfer.objects.exists()


# --- Closing and reopening -----------------------------------------------------------------------
def test_closing_is_refused_while_a_measure_is_in_force_or_a_placement_is_current(pw: PWorld) -> None:
    file = make_file(pw)
    officer = act(pw.officer)
    # Rows written directly: the measures' and placements' own services are tested in their files.
    measure = ProtectiveMeasure.objects.create(
        file=file,
        type=measure_type(pw.world),
        issuing_authority="Procuraduría",
        issued_on=file.opened_on,
        legal_basis="LGDNNA art. 122",
        recorded_by=pw.officer,
    )
    placement = Placement.objects.create(
        file=file, setting=CareSetting.KINSHIP, start_on=file.opened_on, carer_name="Tía", recorded_by=pw.officer
    )
    with pytest.raises(ValidationError) as exc:
        files.close_file(actor=officer, file=file, reason=FileClosingReason.RIGHTS_RESTORED, note="")
    message = _messages(exc)["__all__"][0]
    assert "Acogimiento residencial" in message and "Extended-family (kinship) foster care" in message
    ProtectiveMeasure.objects.filter(pk=measure.pk).update(status="ended", ended_on=TODAY, end_reason="objective_met")
    with pytest.raises(ValidationError) as exc:
        files.close_file(actor=officer, file=file, reason=FileClosingReason.RIGHTS_RESTORED, note="")
    assert "Acogimiento" not in _messages(exc)["__all__"][0]
    Placement.objects.filter(pk=placement.pk).update(end_on=TODAY, end_reason="reintegration")
    # Back with the family of origin: not alternative care, it does not hold the file open.
    Placement.objects.create(
        file=file, setting=CareSetting.FAMILY_OF_ORIGIN, start_on=TODAY, carer_name="Madre", recorded_by=pw.officer
    )
    file.refresh_from_db()
    assert file.status == FileStatus.OPEN
    closed = files.close_file(actor=officer, file=file, reason=FileClosingReason.RIGHTS_RESTORED, note="Reintegrada.")
    assert (closed.status, closed.closed_on, closed.closing_reason) == (FileStatus.CLOSED, TODAY, "rights_restored")
    (event,) = _events(file, ProtectionAction.FILE_CLOSED)
    assert event.changes["closing_note"][1] == "[redacted]"


def test_closing_checks_reason_and_date(pw: PWorld) -> None:
    file = make_file(pw)
    officer = act(pw.officer)
    with pytest.raises(ValidationError) as exc:
        files.close_file(
            actor=officer, file=file, reason="bored", note="", closed_on=file.opened_on - dt.timedelta(days=1)
        )
    assert set(_messages(exc)) == {"reason", "closed_on"}
    with pytest.raises(ValidationError) as exc:
        files.close_file(actor=officer, file=file, reason=FileClosingReason.OTHER, note="  ")
    assert "note" in _messages(exc)
    with pytest.raises(PermissionDenied):
        files.close_file(actor=act(pw.world.away[Role.PROTECTION_OFFICER]), file=file, reason="adopted", note="")
    file.refresh_from_db()
    assert file.status == FileStatus.OPEN


def test_reopen_a_closed_file_unless_the_child_has_another_open_one(pw: PWorld) -> None:
    child = make_child(pw.world)
    file = make_file(pw, child=child)
    officer = act(pw.officer)
    files.close_file(actor=officer, file=file, reason=FileClosingReason.REINTEGRATED, note="")
    with pytest.raises(ValidationError):
        files.reopen_file(actor=officer, file=file, reason="")
    newer = make_file(pw, child=child, opened_on=TODAY)
    with pytest.raises(ValidationError) as exc:
        files.reopen_file(actor=officer, file=file, reason="Nueva denuncia de la escuela.")
    assert newer.number in _messages(exc)["__all__"][0]
    files.close_file(actor=officer, file=newer, reason=FileClosingReason.DUPLICATE, note="")
    reopened = files.reopen_file(actor=officer, file=file, reason="Nueva denuncia de la escuela.")
    assert (reopened.status, reopened.closed_on, reopened.closing_reason) == (FileStatus.OPEN, None, "")
    assert reopened.reopen_reason == "Nueva denuncia de la escuela."
    (event,) = _events(file, ProtectionAction.FILE_REOPENED)
    assert "escuela" not in str(event.changes)
    with pytest.raises(ValidationError):
        files.reopen_file(actor=officer, file=file, reason="Otra vez.")


def test_a_closed_file_takes_no_new_work(pw: PWorld) -> None:
    file = make_file(pw)
    officer = act(pw.officer)
    files.close_file(actor=officer, file=file, reason=FileClosingReason.CAME_OF_AGE, note="")
    with pytest.raises(ValidationError) as exc:
        files.record_diagnosis(actor=officer, file=file, area=DiagnosisArea.HEALTH, findings="Sana.")
    assert "__all__" in _messages(exc)
    with pytest.raises(ValidationError):
        files.save_plan(actor=officer, file=file, objective="Plan.")


# --- Diagnosis and rights ------------------------------------------------------------------------
def test_diagnosis_is_one_entry_per_area_updated_with_its_version(pw: PWorld) -> None:
    file = make_file(pw)
    officer = act(pw.officer)
    entry = files.record_diagnosis(
        actor=officer, file=file, area=DiagnosisArea.HEALTH, findings="Desnutrición leve.", needs="Nutrición."
    )
    assert (entry.assessed_on, entry.assessed_by) == (TODAY, pw.officer)
    # A second form loaded before the first save must not overwrite it.
    with pytest.raises(ConflictError):
        files.record_diagnosis(actor=officer, file=file, area=DiagnosisArea.HEALTH, findings="Sana.")
    updated = files.record_diagnosis(
        actor=officer,
        file=file,
        area=DiagnosisArea.HEALTH,
        findings="Recupera peso.",
        expected_version=entry.version,
        assessed_on=TODAY,
    )
    assert updated.pk == entry.pk and updated.findings == "Recupera peso."
    with pytest.raises(ConflictError):
        files.record_diagnosis(
            actor=officer, file=file, area=DiagnosisArea.HEALTH, findings="Otra.", expected_version=entry.version
        )
    (event,) = _events(entry, "update")
    assert event.changes["findings"] == ["[redacted]", "[redacted]"]
    with pytest.raises(ValidationError) as exc:
        files.record_diagnosis(
            actor=officer,
            file=file,
            area="astrology",
            findings="",
            assessed_on=file.opened_on - dt.timedelta(days=1),
        )
    assert set(_messages(exc)) == {"area", "findings", "assessed_on"}


def test_rights_are_set_per_right(pw: PWorld) -> None:
    file = make_file(pw)
    officer = act(pw.officer)
    row = files.set_right(actor=officer, file=file, right=Right.EDUCATION, status=RightStatus.RESTRICTED)
    again = files.set_right(
        actor=officer, file=file, right=Right.EDUCATION, status="restored", expected_version=row.version
    )
    assert again.pk == row.pk and again.status == "restored"
    with pytest.raises(ValidationError) as exc:
        files.set_right(actor=officer, file=file, right="flying", status="maybe")
    assert set(_messages(exc)) == {"right", "status"}
    with pytest.raises(PermissionDenied):
        files.set_right(actor=act(pw.world.away[Role.SUPERVISOR]), file=file, right=Right.HEALTH, status="restricted")


# --- The restitution plan ------------------------------------------------------------------------
def test_plan_goes_draft_submitted_approved_by_a_supervisor_over_the_file(pw: PWorld) -> None:
    file = make_file(pw)
    officer = act(pw.officer)
    plan = files.save_plan(actor=officer, file=file, objective="Restituir el derecho a vivir en familia.")
    with pytest.raises(ValidationError) as exc:
        files.submit_plan(actor=officer, plan=plan)
    assert "action" in _messages(exc)["__all__"][0]
    plan, _action = _plan_with_action(pw, plan)
    plan = files.submit_plan(actor=officer, plan=plan)
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_at is not None
    for someone in (officer, act(pw.world.away[Role.SUPERVISOR]), act(pw.state_officer)):
        with pytest.raises(PermissionDenied):
            files.approve_plan(actor=someone, plan=plan)
    # The state supervisor covers the municipal office's files.
    plan = files.approve_plan(actor=act(pw.state_supervisor), plan=plan)
    assert (plan.status, plan.approved_by) == (PlanStatus.APPROVED, pw.state_supervisor)
    assert len(_events(plan, ProtectionAction.PLAN_APPROVED)) == 1
    with pytest.raises(ValidationError):
        files.approve_plan(actor=act(pw.supervisor), plan=plan)


def test_a_returned_plan_carries_the_note_and_can_be_sent_again(pw: PWorld) -> None:
    plan, _action = _plan_with_action(pw)
    files.submit_plan(actor=act(pw.officer), plan=plan)
    with pytest.raises(ValidationError) as exc:
        files.return_plan(actor=act(pw.supervisor), plan=plan, note="")
    assert "note" in _messages(exc)
    plan = files.return_plan(actor=act(pw.supervisor), plan=plan, note="Falta la acción educativa.")
    assert (plan.status, plan.return_note) == (PlanStatus.RETURNED, "Falta la acción educativa.")
    (event,) = _events(plan, ProtectionAction.PLAN_RETURNED)
    assert "educativa" not in str(event.changes)
    assert files.submit_plan(actor=act(pw.officer), plan=plan).status == PlanStatus.SUBMITTED


def test_changing_an_approved_plans_actions_sends_it_back_to_draft(pw: PWorld) -> None:
    plan, action = _approved(pw)
    officer = act(pw.officer)
    # Progress (status, evidence) is the plan's execution: it stays approved.
    action = files.update_action(
        actor=officer, action=action, expected_version=action.version, status=ActionStatus.IN_PROGRESS
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    action = files.update_action(
        actor=officer, action=action, expected_version=action.version, due_on=TODAY + dt.timedelta(days=60)
    )
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == (PlanStatus.DRAFT, None)
    plan = files.approve_plan(
        actor=act(pw.supervisor), plan=files.submit_plan(actor=officer, plan=plan, expected_version=plan.version)
    )
    files.add_action(
        actor=officer,
        plan=plan,
        sector=Sector.EDUCATION,
        description="Inscripción en la escuela primaria.",
        owner="Supervisión escolar",
        due_on=TODAY + dt.timedelta(days=20),
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_actions_are_validated_and_concurrent_edits_conflict(pw: PWorld) -> None:
    plan, action = _plan_with_action(pw)
    officer = act(pw.officer)
    with pytest.raises(ValidationError) as exc:
        files.add_action(
            actor=officer,
            plan=plan,
            sector="astrology",
            description="",
            owner="",
            due_on=plan.file.opened_on - dt.timedelta(days=1),
            right="flying",
        )
    assert set(_messages(exc)) == {"sector", "description", "owner", "due_on", "right"}
    with pytest.raises(ValidationError) as exc:
        files.update_action(actor=officer, action=action, expected_version=action.version, status=ActionStatus.DONE)
    assert "evidence" in _messages(exc)
    loaded = action.version
    files.update_action(actor=officer, action=action, expected_version=loaded, owner="Dra. Pérez")
    with pytest.raises(ConflictError):
        files.update_action(actor=officer, action=action, expected_version=loaded, owner="Dr. Gómez")
    action.refresh_from_db()
    assert action.owner == "Dra. Pérez" and action.updated_by == pw.officer
    with pytest.raises(ValueError):
        files.update_action(actor=officer, action=action, expected_version=action.version, plan=plan)  # type: ignore[call-arg]


def test_plan_reviews_set_the_next_review_after_the_review(pw: PWorld) -> None:
    draft, _action = _plan_with_action(pw)
    officer = act(pw.officer)
    with pytest.raises(ValidationError) as exc:
        files.review_plan(actor=officer, plan=draft, reviewed_on=TODAY, summary="Avances.")
    assert "__all__" in _messages(exc)
    files.submit_plan(actor=officer, plan=draft)
    plan = files.approve_plan(actor=act(pw.supervisor), plan=draft)
    with pytest.raises(ValidationError) as exc:
        files.review_plan(
            actor=officer,
            plan=plan,
            reviewed_on=TODAY + dt.timedelta(days=1),
            summary="",
            next_review_on=TODAY,
        )
    assert set(_messages(exc)) == {"reviewed_on", "summary", "next_review_on"}
    with pytest.raises(ValidationError) as exc:
        files.review_plan(actor=officer, plan=plan, reviewed_on=TODAY, summary="Avances.", next_review_on=TODAY)
    assert "next_review_on" in _messages(exc)
    review = files.review_plan(
        actor=officer, plan=plan, reviewed_on=TODAY, summary="Avances.", next_review_on=TODAY + dt.timedelta(days=90)
    )
    plan.refresh_from_db()
    assert plan.next_review_on == review.next_review_on == TODAY + dt.timedelta(days=90)
    assert review.reviewed_by == pw.officer
    assert _events(review, "create")[0].changes["summary"] == [None, "[redacted]"]


# --- The sector focal point ----------------------------------------------------------------------
def test_the_focal_point_updates_status_and_evidence_of_their_institutions_action(pw: PWorld) -> None:
    plan, action = _approved(pw)
    other = files.add_action(
        actor=act(pw.officer),
        plan=plan,
        sector=Sector.EDUCATION,
        description="Inscripción escolar.",
        owner="Escuela",
        due_on=TODAY + dt.timedelta(days=10),
        institution=pw.world.institution,
    )
    focal = act(pw.health_focal)
    with pytest.raises(ValidationError) as exc:
        files.update_sector_action(
            actor=focal, action=action, status=ActionStatus.DONE, evidence="", expected_version=action.version
        )
    assert "evidence" in _messages(exc)
    updated = files.update_sector_action(
        actor=focal,
        action=action,
        status=ActionStatus.DONE,
        evidence="Cartilla de vacunación completa.",
        expected_version=action.version,
    )
    assert (updated.status, updated.updated_by, updated.description) == (
        ActionStatus.DONE,
        pw.health_focal,
        action.description,
    )
    (event,) = _events(action, "update")
    assert event.actor == pw.health_focal
    assert event.changes["evidence"][1] == "[redacted]"
    assert set(event.changes) == {"status", "evidence", "updated_by_id"}
    assert "Cartilla" not in str(event.changes)
    with pytest.raises(ConflictError):
        files.update_sector_action(
            actor=focal, action=action, status="in_progress", evidence="", expected_version=action.version
        )
    # Not their institution's action; and the officer is not a focal point.
    for someone, target in ((focal, other), (act(pw.officer), action)):
        with pytest.raises(PermissionDenied):
            files.update_sector_action(
                actor=someone, action=target, status="in_progress", evidence="", expected_version=target.version
            )
    other.refresh_from_db()
    assert other.status == ActionStatus.PENDING
