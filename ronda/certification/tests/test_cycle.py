"""A municipality's recognition cycle, through the services: commitment, candidacy, the frozen
evidence, the secretariat's review and decision, the certificate and its public verification."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ronda.certification import evidence, services
from ronda.certification.models import (
    Certificate,
    Cycle,
    CycleStage,
    EvidenceStatus,
    Framework,
    Outcome,
    Requirement,
    SubmittedEvidence,
)
from ronda.certification.tests.conftest import committed, heard, pdf_bytes, person
from ronda.coordination import services as coordination_services
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.testing import World

pytestmark = pytest.mark.django_db


def upload_act(world: World, cycle: Cycle) -> None:
    requirement = Requirement.objects.get(framework=cycle.framework, code="acta")
    upload = SimpleUploadedFile("acta.pdf", pdf_bytes(), content_type="application/pdf")
    services.add_document(actor=person(world), cycle=cycle, requirement=requirement, title="Acta", upload=upload)


def submitted(world: World, cycle: Cycle) -> Cycle:
    committed(world, cycle)
    upload_act(world, cycle)
    services.submit(actor=person(world), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None)
    return Cycle.objects.get(pk=cycle.pk)


def in_review(world: World, cycle: Cycle) -> Cycle:
    submitted(world, cycle)
    return services.take_for_review(
        actor=person(world, "secretariat"), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None
    )


def judge_all(world: World, cycle: Cycle, value: str = "met") -> None:
    """Every mandatory requirement judged ``value``, and the children's council heard and weighed:
    what the decision waits for."""
    heard(world, cycle)
    for requirement in Requirement.objects.filter(framework=cycle.framework, mandatory=True):
        services.record_verdict(
            actor=person(world, "secretariat"),
            cycle=cycle,
            requirement_id=requirement.pk,
            value=value,
            comment="" if value == "met" else "Falta evidencia.",
        )


def test_the_commitment_is_checked_and_the_candidacy_needs_it(world: World, cycle: Cycle) -> None:
    actor = person(world)
    with pytest.raises(ValidationError) as refused:
        services.enter_candidacy(actor=actor, cycle=cycle, call=None, expected_version=None)
    assert "acuerdo del concejo" in str(refused.value)
    with pytest.raises(ValidationError) as dates:
        services.record_commitment(
            actor=actor,
            cycle=cycle,
            expected_version=None,
            resolution_on=dt.date(2026, 2, 1),
            agreement_signed_on=dt.date(2026, 1, 1),
            liaison_name="Laura",
        )
    assert "agreement_signed_on" in dates.value.message_dict
    cycle.refresh_from_db()
    assert cycle.resolution_on is None  # nothing half-written
    committed(world, cycle)
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.CANDIDACY


def test_one_cycle_in_progress_per_framework(world: World, cycle: Cycle, framework: Framework) -> None:
    with pytest.raises(ValidationError) as refused:
        services.start_cycle(actor=person(world), org_unit=world.municipality, framework=framework)
    assert "framework" in refused.value.message_dict


def test_a_framework_of_another_country_is_refused(world: World, framework: Framework) -> None:
    with pytest.raises(ValidationError) as refused:
        services.start_cycle(actor=SYSTEM, org_unit=world.other_municipality, framework=framework)
    assert "framework" in refused.value.message_dict


def test_another_municipality_cannot_prepare_it(world: World, cycle: Cycle) -> None:
    with pytest.raises(PermissionDenied):
        services.record_commitment(actor=person(world, away=True), cycle=cycle, expected_version=None, liaison_name="X")


def test_a_submission_without_the_mandatory_document_is_refused(world: World, cycle: Cycle) -> None:
    committed(world, cycle)
    with pytest.raises(ValidationError) as refused:
        services.submit(actor=person(world), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None)
    assert "acta" in str(refused.value)
    assert not SubmittedEvidence.objects.exists()
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.CANDIDACY


def test_submission_freezes_the_evidence_while_the_live_data_move_on(world: World, cycle: Cycle) -> None:
    submitted(world, cycle)
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.SUBMITTED
    submission = cycle.submissions.get()
    frozen = {item.requirement.code: item for item in evidence.frozen(submission)}
    assert frozen["mesa"].status == EvidenceStatus.NOT_MET  # no body yet
    assert frozen["acta"].status == EvidenceStatus.PROVIDED and frozen["acta"].document is not None
    assert frozen["resultados"].status == EvidenceStatus.FOR_REVIEW
    # The municipality sets up its body and holds a meeting: the live evidence changes …
    body = coordination_services.create_body(actor=SYSTEM, org_unit=world.municipality, name="Mesa de A")
    member = coordination_services.add_member(
        actor=SYSTEM,
        body=body,
        full_name="Alcaldesa",
        area=world.area,
        level="political",
        start_date=dt.date(2025, 1, 1),
        position="Alcaldesa",
    )
    meeting = coordination_services.schedule_meeting(
        actor=SYSTEM,
        body=body,
        kind="ordinary",
        mode="in_person",
        scheduled_at=timezone.now() - dt.timedelta(days=3),
        place="Sala",
    )
    coordination_services.update_meeting(actor=SYSTEM, meeting=meeting, expected_version=None, status="held")
    coordination_services.record_attendance(
        actor=SYSTEM, meeting=meeting, expected_version=None, statuses={member.pk: "present"}
    )
    live = {item.requirement.code: item for item in evidence.live(cycle)}
    assert live["mesa"].status == EvidenceStatus.MET
    assert live["mesa"].figures["meetings"] == 1 and live["mesa"].figures["with_political"] == 1
    # … the submitted snapshot does not.
    again = {item.requirement.code: item for item in evidence.frozen(submission)}
    assert again["mesa"].status == EvidenceStatus.NOT_MET and again["mesa"].figures["meetings"] == 0
    assert "no coordination body" in again["mesa"].summary or "no tiene instancia" in again["mesa"].summary
    assert "1 meeting held" in live["mesa"].summary or "1 reunión" in live["mesa"].summary


def test_review_verdicts_and_recognition_with_a_certificate(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    secretariat = person(world, "secretariat")
    cycle = Cycle.objects.get(pk=cycle.pk)
    category = cycle.framework.categories.get(code="oro")
    with pytest.raises(ValidationError) as unjudged:
        services.decide(
            actor=secretariat, cycle=cycle, outcome=Outcome.RECOGNISED, category=category, expected_version=None
        )
    assert "acuerdo" in str(unjudged.value)
    judge_all(world, cycle)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        services.decide(
            actor=secretariat, cycle=cycle, outcome=Outcome.RECOGNISED, category=category, expected_version=None
        )
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.DECIDED and cycle.is_recognised
    assert cycle.valid_until == services.add_months(cycle.decided_on, 36)
    certificate = Certificate.objects.get(cycle=cycle)
    check = services.verify(certificate.code.lower().replace("-", " "))
    assert check.status == services.VALID and check.municipality == "Municipio A" and check.category == "Sello de oro"
    assert services.verify(certificate.code, today=cycle.valid_until + dt.timedelta(days=1)).status == services.EXPIRED
    forged = ("Z" if certificate.code[0] != "Z" else "Y") + certificate.code[1:]
    assert services.verify(forged).status == services.UNKNOWN
    assert services.verify("nada").status == services.UNKNOWN
    services.revoke_certificate(actor=secretariat, certificate=certificate, reason="Datos falsos")
    assert services.verify(certificate.code).status == services.REVOKED
    actions = set(AuditEvent.objects.filter(org_unit=world.municipality).values_list("action", flat=True))
    assert {"cycle_submitted", "cycle_decided", "certificate_issued", "certificate_revoked"} <= actions


def test_recognition_is_refused_with_a_mandatory_requirement_not_met(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    cycle = Cycle.objects.get(pk=cycle.pk)
    judge_all(world, cycle, value="not_met")
    category = cycle.framework.categories.get(code="oro")
    with pytest.raises(ValidationError) as refused:
        services.decide(
            actor=person(world, "secretariat"),
            cycle=cycle,
            outcome=Outcome.RECOGNISED,
            category=category,
            expected_version=None,
        )
    assert "outcome" in refused.value.message_dict
    assert not Certificate.objects.exists()
    with pytest.raises(ValidationError) as no_reasons:
        services.decide(actor=person(world, "secretariat"), cycle=cycle, outcome=Outcome.NOT_YET, expected_version=None)
    assert "reasons" in no_reasons.value.message_dict
    services.decide(
        actor=person(world, "secretariat"),
        cycle=cycle,
        outcome=Outcome.NOT_YET,
        reasons="Falta el consejo.",
        expected_version=None,
    )
    assert Cycle.objects.get(pk=cycle.pk).outcome == Outcome.NOT_YET


def test_a_verdict_on_a_requirement_of_another_framework_is_refused(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    foreign = Requirement.objects.exclude(framework=cycle.framework).first()
    assert foreign is not None  # a shipped framework's
    with pytest.raises(ValidationError) as refused:
        services.record_verdict(
            actor=person(world, "secretariat"),
            cycle=Cycle.objects.get(pk=cycle.pk),
            requirement_id=foreign.pk,
            value="met",
        )
    assert "requirement" in refused.value.message_dict


def test_information_requested_answered_and_submitted_again(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    secretariat = person(world, "secretariat")
    request = services.request_information(
        actor=secretariat, cycle=Cycle.objects.get(pk=cycle.pk), text="Envíen el acta firmada.", expected_version=None
    )
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.INFO_REQUESTED
    with pytest.raises(ValidationError):
        services.submit(actor=person(world), cycle=cycle, expected_version=None)
    services.answer_information(
        actor=person(world), request=request, answer="Adjuntamos el acta.", expected_version=None
    )
    services.submit(actor=person(world), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None)
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.SUBMITTED
    assert list(cycle.submissions.values_list("number", flat=True)) == [1, 2]


def test_the_secretariat_of_another_country_cannot_review(world: World, cycle: Cycle) -> None:
    submitted(world, cycle)
    with pytest.raises(PermissionDenied):
        services.take_for_review(
            actor=person(world, "secretariat", away=True), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None
        )


def test_renewal_starts_a_new_cycle_on_the_latest_edition(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    cycle = Cycle.objects.get(pk=cycle.pk)
    judge_all(world, cycle)
    services.decide(
        actor=person(world, "secretariat"),
        cycle=cycle,
        outcome=Outcome.RECOGNISED,
        category=cycle.framework.categories.first(),
        expected_version=None,
    )
    renewal = services.renew(actor=person(world), cycle=Cycle.objects.get(pk=cycle.pk))
    assert renewal.renewal_of_id == cycle.pk and renewal.stage == CycleStage.COMMITMENT
