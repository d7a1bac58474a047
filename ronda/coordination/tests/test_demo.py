"""The demo loader: a year of work for Loja and San José, idempotent."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.models import User
from ronda.coordination import demo, selectors
from ronda.coordination.models import (
    Agreement,
    AgreementStatus,
    BodyMember,
    Commission,
    CoordinationBody,
    Meeting,
    MinutesStatus,
    QuestionnaireResponse,
)
from ronda.core.models import AuditEvent
from ronda.portal import demo as core_demo
from ronda.testing import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db: None) -> None:
    core_demo.load_demo()
    demo.load_demo()


@pytest.mark.parametrize("code", ["EC-1101", "CR-101"])
def test_demo_body(loaded: None, code: str) -> None:
    body = CoordinationBody.objects.get(org_unit__code=code)
    today = timezone.localdate()
    members = BodyMember.objects.filter(body=body)
    active = [m for m in members if m.is_active_on(today)]
    assert len({m.area_id for m in active if m.area_id}) >= 8
    assert {m.level for m in active} == {"political", "technical"}
    assert any(not m.is_active_on(today) for m in members)  # one former member
    assert Commission.objects.filter(body=body).count() == 2

    meetings = list(Meeting.objects.filter(body=body, scheduled_at__lte=timezone.now()).order_by("scheduled_at"))
    assert len(meetings) == 6
    assert {m.kind for m in meetings} == {"ordinary", "extraordinary", "urgent"}
    assert {m.mode for m in meetings} == {"in_person", "virtual"}
    assert (timezone.now() - meetings[0].scheduled_at).days <= 366
    for earlier, later in itertools.pairwise(meetings):
        assert earlier.minutes_status == MinutesStatus.APPROVED and earlier.minutes_approved_at == later
    assert meetings[-1].minutes_status == MinutesStatus.DRAFT
    for meeting in meetings:
        assert meeting.agenda.count() >= 3 and meeting.attendance.count() >= 8
        assert 2 <= meeting.agreements.count() <= 4
    assert selectors.next_meeting(body) is not None

    agreements = Agreement.objects.filter(body=body)
    assert agreements.overdue().count() >= 3
    done = [a for a in agreements if a.status == AgreementStatus.DONE]
    assert any(a.fulfilled_on_time for a in done) and any(not a.fulfilled_on_time for a in done)
    assert agreements.filter(status=AgreementStatus.PENDING, due_date__gte=today).exists()

    # Last year's round is closed and shows its results; this year's is open and shows none yet.
    closed, open_ = body.questionnaire_rounds.get(is_closed=True), body.questionnaire_rounds.get(is_closed=False)
    assert selectors.questionnaire_results(closed)["visible"]
    assert QuestionnaireResponse.objects.filter(round=open_).count() >= 1
    assert not selectors.questionnaire_results(open_)["visible"]
    # Paper answers come from members without a Ronda user: demo users can still answer on screen.
    assert not open_.receipts.filter(member__user__isnull=False).exists()


def test_demo_links_demo_users_and_is_idempotent(loaded: None) -> None:
    assert BodyMember.objects.filter(user=User.objects.get(username="focal.loja")).exists()
    assert BodyMember.objects.filter(user=User.objects.get(username="coord.sanjose")).exists()
    counts = (Meeting.objects.count(), Agreement.objects.count(), AuditEvent.objects.count())
    demo.load_demo()
    assert (Meeting.objects.count(), Agreement.objects.count(), AuditEvent.objects.count()) == counts


def test_demo_pages_render(loaded: None) -> None:
    """Every page of the demo, as the Loja coordinator and the Loja focal point."""
    client = login(Client(), User.objects.get(username="coord.loja"))
    body = CoordinationBody.objects.get(org_unit__code="EC-1101")
    meeting = Meeting.objects.filter(body=body).order_by("-scheduled_at")[1]
    agreement = Agreement.objects.filter(body=body).overdue().first()
    assert agreement is not None
    round_ = body.questionnaire_rounds.get(is_closed=False)
    closed_round = body.questionnaire_rounds.get(is_closed=True)
    urls = [
        reverse("coordination:overview"),
        reverse("coordination:member_list"),
        reverse("coordination:meeting_list"),
        reverse("coordination:meeting_detail", args=[meeting.pk]),
        reverse("coordination:calendar", args=[timezone.localdate().year]),
        reverse("coordination:agreement_list"),
        reverse("coordination:agreement_detail", args=[agreement.pk]),
        reverse("coordination:round_list"),
        reverse("coordination:round_detail", args=[round_.pk]),
        reverse("coordination:round_detail", args=[closed_round.pk]),
        reverse("coordination:round_answer", args=[round_.pk]),
        reverse("coordination:minutes_pdf", args=[meeting.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    # focal.loja sits on the body (Fernando Ochoa, Director de Salud): the body's agreements and members.
    focal = login(Client(), User.objects.get(username="focal.loja"))
    page = focal.get(reverse("coordination:agreement_list")).content.decode()
    assert "Salud" in page and "Obras Públicas" in page
    assert focal.get(reverse("coordination:member_list")).status_code == 200
