"""Issue #8 item 3: the facts the coordination body publishes (``coordination.contracts``) are
defined once, say of every row what the model's own properties say of it, and keep to their unit's
subtree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ronda.coordination import selectors
from ronda.coordination.contracts import BodyActivity, BodyFacts, agreement_figures, body_activity, body_facts
from ronda.coordination.models import (
    Agreement,
    AgreementStatus,
    Attendance,
    AttendanceStatus,
    BodyMember,
    CoordinationBody,
    Meeting,
    MeetingStatus,
    MinutesStatus,
)
from ronda.coordination.tests.conftest import build_coordination
from ronda.testing import World

pytestmark = pytest.mark.django_db


def test_figures_agree_with_each_agreement(world: World) -> None:
    co = build_coordination(world)
    today = timezone.localdate()
    rows = [
        (today - dt.timedelta(days=10), AgreementStatus.DONE, today - dt.timedelta(days=12)),  # on time
        (today - dt.timedelta(days=10), AgreementStatus.DONE, today - dt.timedelta(days=2)),  # late
        (today - dt.timedelta(days=3), AgreementStatus.PENDING, None),  # overdue
        (today - dt.timedelta(days=3), AgreementStatus.IN_PROGRESS, None),  # overdue
        (today + dt.timedelta(days=3), AgreementStatus.PENDING, None),  # not due yet
        (today - dt.timedelta(days=5), AgreementStatus.CANCELLED, None),
    ]
    Agreement.objects.filter(body=co.body).delete()
    for due, status, done in rows:
        Agreement.objects.create(
            body=co.body, text="x", owner_area=world.area, due_date=due, status=status, completed_on=done
        )
    figures = agreement_figures(world.municipality, today - dt.timedelta(days=30), today + dt.timedelta(days=30))
    assert (
        figures.due,
        figures.fulfilled_on_time,
        figures.fulfilled_late,
        figures.open_overdue,
        figures.open_not_due,
        figures.cancelled,
    ) == (6, 1, 1, 2, 1, 1)
    assert figures.on_time_percent == 17
    every = list(Agreement.objects.filter(body=co.body))
    assert figures.fulfilled_on_time == sum(a.fulfilled_on_time for a in every)
    assert (
        figures.open_overdue
        == sum(a.is_overdue for a in every)
        == Agreement.objects.filter(body=co.body).overdue().count()
    )
    # The other country's body has an overdue agreement in the same window: it is not counted above (6).
    assert Agreement.objects.exclude(body=co.body).overdue().exists()


def test_region_figures_sum_their_municipalities_and_nothing_else(world: World) -> None:
    co = build_coordination(world)
    today = timezone.localdate()
    window = (today - dt.timedelta(days=30), today + dt.timedelta(days=90))
    home = agreement_figures(world.municipality, *window)
    assert home.due == 2 and home.open_not_due == 2  # the two agreements of the home body
    assert agreement_figures(world.region, *window) == home
    assert agreement_figures(world.country, *window) == home
    away = agreement_figures(world.other_municipality, *window)
    assert (away.due, away.open_overdue) == (1, 1)  # only the other country's body
    assert agreement_figures(world.community, *window).due == 0
    assert co.other_agreement.is_overdue


def test_body_summary_counts_with_the_same_definitions(world: World) -> None:
    co = build_coordination(world)
    today = timezone.localdate()
    Agreement.objects.create(
        body=co.body,
        text="Tarde",
        owner_area=world.area,
        due_date=today - dt.timedelta(days=9),
        status=AgreementStatus.DONE,
        completed_on=today - dt.timedelta(days=2),
    )
    Agreement.objects.create(
        body=co.body,
        text="A tiempo",
        owner_area=world.area,
        due_date=today - dt.timedelta(days=9),
        status=AgreementStatus.DONE,
        completed_on=today - dt.timedelta(days=12),
    )
    Agreement.objects.create(body=co.body, text="Vencido", owner_area=world.area, due_date=today - dt.timedelta(days=1))
    summary = selectors.body_summary(co.body)
    every = list(Agreement.objects.filter(body=co.body))
    figures = agreement_figures(world.municipality, today - dt.timedelta(days=400), today + dt.timedelta(days=400))
    assert summary["overdue"] == figures.open_overdue == sum(a.is_overdue for a in every) == 1
    assert summary["done_on_time"] == figures.fulfilled_on_time == sum(a.fulfilled_on_time for a in every) == 1
    assert summary["done"] == figures.fulfilled_on_time + figures.fulfilled_late == 2
    assert summary["open"] == figures.open_overdue + figures.open_not_due == 3
    assert summary["on_time_rate"] == 50


def test_bodies_with_agreement_counts(world: World) -> None:
    co = build_coordination(world)
    Agreement.objects.create(
        body=co.body, text="Vencido", owner_area=world.area, due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    Agreement.objects.filter(pk=co.education_agreement.pk).update(status=AgreementStatus.CANCELLED)
    rows = {
        b.pk: (b.open_agreements, b.overdue_agreements)
        for b in selectors.with_agreement_counts(CoordinationBody.objects.all())
    }
    assert rows == {co.body.pk: (2, 1), co.other_body.pk: (1, 1)}
    assert rows[co.body.pk][0] == Agreement.objects.filter(body=co.body).open().count()
    assert rows[co.body.pk][1] == Agreement.objects.filter(body=co.body).overdue().count()


def test_body_facts_and_activity(world: World) -> None:
    co = build_coordination(world)
    today = timezone.localdate()
    facts = body_facts(world.municipality)
    assert (facts.exists, facts.name, facts.active_members, facts.commissions) == (True, "Mesa técnica de A", 6, 0)
    assert not facts.has_safeguarding_protocol
    CoordinationBody.objects.filter(pk=co.body.pk).update(safeguarding_protocol="Protocolo")
    BodyMember.objects.filter(pk=co.paper_members[0].pk).update(end_date=today - dt.timedelta(days=1))
    facts = body_facts(world.municipality)
    assert facts.has_safeguarding_protocol and facts.active_members == 5
    assert body_facts(world.municipality, on=today - dt.timedelta(days=2)).active_members == 6
    assert body_facts(world.region) == BodyFacts(exists=False)  # a body belongs to a municipality
    assert body_facts(world.other_municipality).active_members == 1

    Meeting.objects.filter(pk__in=[co.meeting.pk, co.other_meeting.pk]).update(
        status=MeetingStatus.HELD, minutes_status=MinutesStatus.APPROVED
    )
    Meeting.objects.filter(pk=co.later_meeting.pk).update(status=MeetingStatus.HELD)
    for member, status in [
        (co.focal_member, AttendanceStatus.PRESENT),
        (co.coordinator_member, AttendanceStatus.PRESENT),
        (co.paper_members[1], AttendanceStatus.ABSENT),
    ]:
        Attendance.objects.create(meeting=co.meeting, member=member, status=status)
    week = (today - dt.timedelta(days=8), today)
    activity = body_activity(world.municipality, *week)
    assert activity == BodyActivity(
        meetings_held=2,
        ordinary=1,
        extraordinary=0,
        urgent=1,
        minutes_approved=1,
        attendance_rate=67,
        # The councillor (political) and the focal point (technical) were present at one meeting.
        political_present=1,
        technical_present=1,
        meetings_with_political=1,
    )
    assert body_activity(world.region, *week) == activity  # the other country's meeting is not counted
    assert body_activity(world.municipality, today - dt.timedelta(days=3), today).meetings_held == 1
    away = body_activity(world.other_municipality, *week)
    assert (away.meetings_held, away.attendance_rate) == (1, None)
