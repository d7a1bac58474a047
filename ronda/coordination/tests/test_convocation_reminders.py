"""Reminders before a convened meeting (issue #13 item 2): due once per meeting and offset even when
the job runs twice, never for a cancelled or past meeting, and the body's choice of days is checked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from ronda.coordination import notifications as coordination_kinds
from ronda.coordination import services
from ronda.coordination.models import CoordinationBody, Meeting, MeetingInvitation, ReminderSent, RsvpStatus
from ronda.coordination.services import convocation
from ronda.coordination.tests.conftest import Coordination
from ronda.coordination.tests.test_convocation import (
    Convened,
    actor,
    coming_meeting,
    db_state,
    invite_everyone,
)
from ronda.core import schedule
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.notifications.models import OutgoingEmail
from ronda.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def coming(co: Coordination) -> Meeting:
    return coming_meeting(co)


@pytest.fixture
def invited(world: World, co: Coordination, coming: Meeting) -> Convened:
    return invite_everyone(world, co, coming)


MINUTE = dt.timedelta(minutes=1)


def reminders() -> Any:
    return OutgoingEmail.objects.filter(kind=coordination_kinds.KIND_REMINDER)


def run_job(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return convocation.send_due_reminders()


def test_each_reminder_is_sent_once_even_when_the_job_runs_twice(co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    start = meeting.scheduled_at
    assert run_job(start - dt.timedelta(days=3) - MINUTE) == 0  # not yet
    assert run_job(start - dt.timedelta(days=3) + MINUTE) == 4
    assert run_job(start - dt.timedelta(days=3) + 2 * MINUTE) == 0  # the job ran again: nothing more
    assert run_job(start - dt.timedelta(days=1) + MINUTE) == 4
    assert run_job(start - dt.timedelta(days=1) + 15 * MINUTE) == 0
    assert run_job(start + MINUTE) == 0  # past: nothing
    assert reminders().count() == 8
    assert set(ReminderSent.objects.filter(meeting=meeting).values_list("days_before", flat=True)) == {3, 1}
    body = reminders().filter(address=invited.guest.guest_email).order_by("created_at").first()
    assert body is not None
    assert re.search(r"Recordatorio|Reminder", body.subject) and re.search(r"3 (días|days)", body.body)


def test_a_job_that_was_down_sends_one_reminder_not_two(co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    # No run between three days before and the day before: both are due, each invitee gets one e-mail.
    assert run_job(meeting.scheduled_at - dt.timedelta(days=1) + MINUTE) == 4
    assert ReminderSent.objects.filter(meeting=meeting).count() == 2
    assert all(re.search(r"1 (día|day)\b", e.body) for e in reminders())


def test_reminders_a_rival_run_claimed_are_not_sent_again(co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    for days in (3, 1):
        ReminderSent.objects.create(meeting=meeting, days_before=days)
    assert run_job(meeting.scheduled_at - dt.timedelta(days=1) + MINUTE) == 0
    assert not reminders().exists()


def test_no_reminder_for_a_cancelled_meeting_nor_for_who_declined(
    world: World, co: Coordination, invited: Convened
) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    declined = MeetingInvitation.objects.get(meeting=meeting, member=co.focal_member)
    convocation.answer_invitation(actor=actor(world.home["area_focal"]), invitation=declined, answer=RsvpStatus.NO)
    assert run_job(meeting.scheduled_at - dt.timedelta(days=3) + MINUTE) == 3
    assert not reminders().filter(recipient=world.home["area_focal"]).exists()
    meeting.refresh_from_db()
    services.update_meeting(actor=SYSTEM, meeting=meeting, expected_version=None, status="cancelled")
    assert run_job(meeting.scheduled_at - dt.timedelta(days=1) + MINUTE) == 0
    assert not ReminderSent.objects.filter(meeting=meeting, days_before=1).exists()


def test_a_reminder_whose_moment_passed_before_the_convocation_is_not_sent(co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    # Convened two days before the meeting: the three-day reminder is moot, the one-day one is sent.
    with time_machine.travel(meeting.scheduled_at - dt.timedelta(days=2), tick=False):
        convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    assert run_job(meeting.scheduled_at - dt.timedelta(days=2) + MINUTE) == 0
    assert ReminderSent.objects.filter(meeting=meeting, days_before=3).exists()  # claimed, not sent
    assert run_job(meeting.scheduled_at - dt.timedelta(days=1) + MINUTE) == 4


def test_a_meeting_never_convened_gets_no_reminder(co: Coordination, invited: Convened) -> None:
    assert run_job(invited.meeting.scheduled_at - dt.timedelta(days=1) + MINUTE) == 0
    assert not ReminderSent.objects.exists()


def test_the_bodys_reminder_days_are_checked(world: World, co: Coordination) -> None:
    body = CoordinationBody.objects.get(pk=co.body.pk)
    assert body.reminder_days == [3, 1]
    coordinator = actor(world.home["coordinator"])
    before = db_state()
    for days in ([0], [31], [7, 5, 3, 2, 1]):
        with translation.override("es"), pytest.raises(ValidationError) as exc:
            services_set(coordinator, body, days)
        assert re.search(r"recordatorios|reminders", str(exc.value))
    assert db_state() == before
    saved = services_set(coordinator, body, [1, 7, 1])
    assert saved.reminder_days == [7, 1]
    assert AuditEvent.objects.filter(action="meeting_reminders_changed", target_id=str(body.pk)).exists()
    assert services_set(coordinator, saved, []).reminder_days == []


def services_set(actor_: Any, body: CoordinationBody, days: list[int]) -> CoordinationBody:
    with transaction.atomic():
        return convocation.set_reminder_days(actor=actor_, body=body, expected_version=None, days=days)


def test_the_job_is_declared_every_15_minutes() -> None:
    from ronda.coordination import schedules

    jobs = {job.name: job for job in schedule.registry.jobs()}
    job = jobs["coordination.meeting_reminders"]
    assert job.every == dt.timedelta(minutes=15)
    assert job.task is schedules.send_meeting_reminders
