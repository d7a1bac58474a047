"""The minutes (acta) as a PDF."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.coordination import pdf, selectors, services
from ronda.coordination.models import Meeting
from ronda.coordination.tests.conftest import Coordination
from ronda.core.tenancy import SYSTEM
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(co: Coordination) -> Meeting:
    services.record_attendance(
        actor=SYSTEM,
        meeting=co.meeting,
        expected_version=None,
        statuses={co.focal_member.pk: "present", co.coordinator_member.pk: "excused", co.paper_members[0].pk: "absent"},
    )
    services.save_minutes(
        actor=SYSTEM, meeting=co.meeting, expected_version=None, minutes_text="Se revisó la campaña de vacunación."
    )
    return selectors.meeting_record(Meeting.objects.all()).get(pk=co.meeting.pk)


def test_context_has_attendees_agenda_and_agreements(co: Coordination, held: Meeting) -> None:
    context = pdf.minutes_context(held)
    assert context["municipality"] == co.body.org_unit
    assert context["attendees"] == [co.focal_member]
    assert context["excused"] == [co.coordinator_member] and context["absent"] == [co.paper_members[0]]
    assert [a.pk for a in context["agreements"]] == [co.agreement.pk, co.education_agreement.pk]
    assert [i.title for i in context["agenda"]] == ["Bienvenida", "Seguimiento de acuerdos", "Varios"]
    assert context["is_draft"]


def test_html_shows_the_formal_record(world: World, co: Coordination, held: Meeting) -> None:
    html = pdf.render_minutes_html(held)
    for text in (
        world.municipality.name,
        co.body.name,
        "Fabiola Salud",
        "Directora de Salud",
        "Se revisó la campaña de vacunación.",
        "Campaña de vacunación en escuelas",
        "Censo de deserción escolar",
        "Carlos Coordinador",  # owner member of an agreement
        "Educación",  # owner area
    ):
        assert text in html, text
    assert co.agreement.due_date.strftime("%Y") in html


def test_pdf_download(world: World, co: Coordination, held: Meeting) -> None:
    response = login(Client(), world.home["analyst"]).get(reverse("coordination:minutes_pdf", args=[co.meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localtime(co.meeting.scheduled_at).date().isoformat()
    assert f'filename="acta-municipio-a-{day}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000


def test_approved_minutes_say_where(co: Coordination, held: Meeting) -> None:
    services.approve_minutes(actor=SYSTEM, meeting=held, expected_version=None, approved_at=co.later_meeting)
    meeting = selectors.meeting_record(Meeting.objects.all()).get(pk=co.meeting.pk)
    context = pdf.minutes_context(meeting)
    assert not context["is_draft"] and context["approved_at"] == co.later_meeting
    assert pdf.render_minutes_pdf(meeting).startswith(b"%PDF")


def test_pdf_of_a_meeting_without_anything(co: Coordination) -> None:
    empty = services.schedule_meeting(
        actor=SYSTEM,
        body=co.body,
        kind="extraordinary",
        mode="virtual",
        link="https://meet.example.org/x",
        scheduled_at=timezone.now() + datetime.timedelta(days=2),
    )
    meeting = selectors.meeting_record(Meeting.objects.all()).get(pk=empty.pk)
    assert pdf.render_minutes_pdf(meeting).startswith(b"%PDF")
