"""The recognition cycle's reminders (issue #14 item 2): a call closing, a recognition expiring and
expired, an evaluator's report due and late — each to the right people, once, in their language."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from ronda.certification import reminders, services
from ronda.certification.models import Assignment, Certificate, Cycle, ReminderSent
from ronda.certification.notifications import KIND_DEADLINES
from ronda.certification.tests.conftest import committed, person
from ronda.certification.tests.test_cycle import in_review, judge_all
from ronda.core.tenancy import SYSTEM
from ronda.notifications.models import OutgoingEmail
from ronda.testing import World

pytestmark = pytest.mark.django_db


def sent(**filters: object) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=KIND_DEADLINES, **filters).order_by("pk"))


def test_a_call_closing_reminds_the_municipality_whose_candidacy_is_not_in(world: World, cycle: Cycle) -> None:
    today = timezone.localdate()
    call = services.open_call(
        actor=SYSTEM,
        framework=cycle.framework,
        org_unit=world.country,
        title="Convocatoria 2027",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=14),
    )
    committed(world, cycle)  # the candidacy entered without the call: not reminded
    Cycle.objects.filter(pk=cycle.pk).update(call=call)
    assert reminders.send_due_reminders(today) == 1
    (email,) = sent()
    assert email.recipient == world.home["coordinator"]
    assert "Municipio A" in email.body and f"/certificacion/ciclos/{cycle.pk}/" in email.body
    assert reminders.send_due_reminders(today) == 0  # once
    assert reminders.send_due_reminders(today + dt.timedelta(days=1)) == 0  # 13 days: no reminder
    assert reminders.send_due_reminders(today + dt.timedelta(days=11)) == 1  # 3 days before
    # Nobody of another municipality or country hears of it.
    assert {e.recipient for e in sent()} == {world.home["coordinator"]}


def _recognise(world: World, cycle: Cycle) -> Certificate:
    in_review(world, cycle)
    cycle = Cycle.objects.get(pk=cycle.pk)
    judge_all(world, cycle)
    services.decide(
        actor=person(world, "secretariat"),
        cycle=cycle,
        outcome="recognised",
        category=cycle.framework.categories.first(),
        expected_version=None,
    )
    return Certificate.objects.get(cycle=cycle)


def test_a_recognition_expiring_and_expired_reminds_the_municipality_and_its_secretariat(
    world: World, cycle: Cycle
) -> None:
    certificate = _recognise(world, cycle)
    until = certificate.valid_until
    assert reminders.send_due_reminders(until - dt.timedelta(days=91)) == 0
    assert reminders.send_due_reminders(until - dt.timedelta(days=90)) == 2
    recipients = {e.recipient for e in sent()}
    assert recipients == {world.home["coordinator"], world.home["secretariat"]}  # not the other country's
    assert reminders.send_due_reminders(until - dt.timedelta(days=90)) == 0
    assert reminders.send_due_reminders(until - dt.timedelta(days=30)) == 2
    assert reminders.send_due_reminders(until + dt.timedelta(days=1)) == 2
    assert sent()[-1].subject == "El reconocimiento de Municipio A ha vencido"
    assert ReminderSent.objects.count() == 3


def test_a_revoked_certificate_is_not_reminded(world: World, cycle: Cycle) -> None:
    certificate = _recognise(world, cycle)
    services.revoke_certificate(actor=person(world, "secretariat"), certificate=certificate, reason="Datos falsos")
    assert reminders.send_due_reminders(certificate.valid_until - dt.timedelta(days=30)) == 0


def test_an_evaluators_report_due_and_late(world: World, cycle: Cycle) -> None:
    reviewing = in_review(world, cycle)
    due = timezone.localdate() + dt.timedelta(days=10)
    assignment = services.assign_evaluator(
        actor=person(world, "secretariat"), cycle=reviewing, evaluator=world.home["evaluator"], due_on=due
    )
    assert reminders.send_due_reminders(due - dt.timedelta(days=3)) == 1
    (email,) = sent()
    assert email.recipient == world.home["evaluator"]
    assert f"/certificacion/evaluaciones/{assignment.pk}/" in email.body
    assert reminders.send_due_reminders(due + dt.timedelta(days=1)) == 1  # late
    Assignment.objects.filter(pk=assignment.pk).update(submitted_at=timezone.now())
    ReminderSent.objects.all().delete()
    assert reminders.send_due_reminders(due + dt.timedelta(days=1)) == 0  # in: nothing to remind


def test_the_text_is_in_each_recipients_language(world: World, cycle: Cycle) -> None:
    certificate = _recognise(world, cycle)
    secretariat = world.home["secretariat"]
    secretariat.language = "en"
    secretariat.save(update_fields=["language"])
    with time_machine.travel(timezone.now()):
        reminders.send_due_reminders(certificate.valid_until - dt.timedelta(days=30))
    by_person = {e.recipient: e for e in sent()}
    assert by_person[secretariat].subject.startswith("The recognition of Municipio A expires on")
    assert by_person[world.home["coordinator"]].subject.startswith("El reconocimiento de Municipio A vence el")
