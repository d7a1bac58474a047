"""A seat on the coordination body (issue #13): the body is shared with its members, whatever their
role — its meetings, agendas, approved minutes, calendar, members and agreements, the diagnosis and
the plan — and a member proposes agenda items that the coordinator accepts or declines. Staff without
a seat see nothing of it; a seat counts only where the person acts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.models import User
from ronda.coordination import policies, services
from ronda.coordination.models import AgendaItem, AgendaProposal, BodyMember, Meeting, MinutesStatus, ProposalStatus
from ronda.coordination.tests.conftest import Coordination, expect, unseat
from ronda.coordination.tests.test_views import db_state
from ronda.core import grants
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World, api_token, check_access_matrix, login

pytestmark = pytest.mark.django_db

BASE = "/api/v1/coordination"


def seat(co: Coordination, user: User, **over: Any) -> BodyMember:
    fields: dict[str, Any] = {
        "full_name": f"Miembro {user.username}",
        "level": "technical",
        "position": "Técnica",
        "area": co.education,
        "start_date": timezone.localdate() - datetime.timedelta(days=30),
        "user": user,
    }
    fields.update(over)
    return services.add_member(actor=SYSTEM, body=co.body, **fields)


def actor(user: User) -> Any:
    from ronda.accounts.selectors import active_memberships

    return actor_for(user, active_memberships(user)[0], second_factor=True)


@pytest.fixture
def coming(co: Coordination) -> Meeting:
    return services.schedule_meeting(
        actor=SYSTEM,
        body=co.body,
        kind="ordinary",
        mode="in_person",
        scheduled_at=timezone.now() + datetime.timedelta(days=6),
        place="Sala del concejo",
    )


def _get(user: User, url: str) -> int:
    return login(Client(), user).get(url).status_code


# --- Reading the body -------------------------------------------------------------------------------
def test_a_seat_opens_the_body_to_any_role_and_only_where_it_acts(world: World, co: Coordination) -> None:
    defender, away_coordinator = world.home["defender"], world.away["coordinator"]
    pages = [
        reverse("coordination:overview"),
        reverse("coordination:member_list"),
        reverse("coordination:meeting_list"),
        reverse("coordination:meeting_detail", args=[co.meeting.pk]),
        reverse("coordination:calendar", args=[timezone.localdate().year]),
        reverse("coordination:agreement_detail", args=[co.education_agreement.pk]),
    ]
    assert {_get(defender, url) for url in pages} == {404}
    seat(co, defender)
    assert {_get(defender, url) for url in pages} == {200}
    # A member linked to someone who now acts in another municipality (the service refuses such a
    # link; the person moved since): nothing here.
    BodyMember.objects.filter(pk=seat(co, world.home["analyst"]).pk).update(user=away_coordinator)
    assert policies.seats(actor(away_coordinator)) == ()
    assert _get(away_coordinator, reverse("coordination:member_list") + f"?mesa={co.body.pk}") == 404
    assert _get(away_coordinator, reverse("coordination:meeting_detail", args=[co.meeting.pk])) == 404


def test_a_seat_that_ended_or_has_not_begun_opens_nothing(world: World, co: Coordination) -> None:
    defender = world.home["defender"]
    member = seat(co, defender)
    url = reverse("coordination:meeting_list")
    assert _get(defender, url) == 200
    BodyMember.objects.filter(pk=member.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    assert _get(defender, url) == 404
    BodyMember.objects.filter(pk=member.pk).update(
        start_date=timezone.localdate() + datetime.timedelta(days=3), end_date=None
    )
    assert _get(defender, url) == 404


def test_the_seat_is_asked_once_per_actor(world: World, co: Coordination, django_assert_num_queries: Any) -> None:
    seat(co, world.home["defender"])
    someone = actor(world.home["defender"])
    with django_assert_num_queries(1):
        assert grants.paths(someone, grants.BODY_SEAT) == (world.municipality.path,)
        assert policies.seats(someone) == (world.municipality.path,)
        assert policies.can_open_body(someone)
    assert grants.paths(someone, "nobody registered this") == ()
    assert grants.paths(SYSTEM, grants.BODY_SEAT) == ()


def test_a_seat_reads_the_minutes_once_approved(world: World, co: Coordination) -> None:
    defender = world.home["defender"]
    seat(co, defender)
    services.save_minutes(actor=SYSTEM, meeting=co.meeting, expected_version=None, minutes_text="Texto del borrador.")
    co.meeting.refresh_from_db()
    assert co.meeting.minutes_status == MinutesStatus.DRAFT
    client = login(Client(), defender)
    page = client.get(reverse("coordination:meeting_detail", args=[co.meeting.pk])).content.decode()
    assert "Texto del borrador." not in page
    assert client.get(reverse("coordination:minutes_pdf", args=[co.meeting.pk])).status_code == 404
    token = api_token(defender)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(f"{BASE}/meetings/{co.meeting.pk}").json()["minutes_text"] == ""
    # The coordinator reads the draft.
    coordinator = login(Client(), world.home["coordinator"])
    assert (
        "Texto del borrador."
        in coordinator.get(reverse("coordination:meeting_detail", args=[co.meeting.pk])).content.decode()
    )
    # Approved at the later meeting: the seat reads it everywhere.
    services.approve_minutes(actor=SYSTEM, meeting=co.meeting, expected_version=None, approved_at=co.later_meeting)
    assert (
        "Texto del borrador."
        in client.get(reverse("coordination:meeting_detail", args=[co.meeting.pk])).content.decode()
    )
    assert client.get(reverse("coordination:minutes_pdf", args=[co.meeting.pk])).status_code == 200
    assert api.get(f"{BASE}/meetings/{co.meeting.pk}").json()["minutes_text"] == "Texto del borrador."


def test_a_seated_focal_point_reads_every_agreement_and_follows_up_only_their_areas(
    world: World, co: Coordination
) -> None:
    focal = login(Client(), world.home["area_focal"])
    assert focal.get(reverse("coordination:agreement_detail", args=[co.education_agreement.pk])).status_code == 200
    before = db_state()
    refused = focal.post(
        reverse("coordination:agreement_note", args=[co.education_agreement.pk]), {"text": "Nota ajena"}
    )
    assert refused.status_code == 404 and db_state() == before
    assert policies.can_follow_up_agreement(actor(world.home["area_focal"]), co.agreement)
    unseat(co)
    assert focal.get(reverse("coordination:agreement_detail", args=[co.education_agreement.pk])).status_code == 404


def test_a_seat_reads_the_diagnosis_and_the_plan_and_writes_nothing(world: World, co: Coordination) -> None:
    education = Area.objects.get(org_unit=world.municipality, kind=AreaKind.EDUCATION)
    plan = build_plan(world.municipality, world.area, education)
    assert plan.situation_analysis is not None
    defender = world.home["defender"]
    urls = [
        reverse("planning:plan_detail", args=[plan.pk]),
        reverse("planning:analysis_detail", args=[plan.situation_analysis.pk]),
    ]
    assert {_get(defender, url) for url in urls} == {404}
    seat(co, defender)
    assert {_get(defender, url) for url in urls} == {200}
    client = login(Client(), defender)
    assert client.get(reverse("planning:plan_edit", args=[plan.pk])).status_code == 404
    # The neighbouring municipality's plan stays closed.
    other = Area.objects.create(org_unit=world.other_municipality, kind=AreaKind.EDUCATION, name="Educación")
    other_plan = build_plan(world.other_municipality, world.other_area, other, prefix="B ")
    assert _get(defender, reverse("planning:plan_detail", args=[other_plan.pk])) == 404


# --- Proposing agenda items --------------------------------------------------------------------------
def test_a_member_proposes_and_the_coordinator_accepts(world: World, co: Coordination, coming: Meeting) -> None:
    focal = login(Client(), world.home["area_focal"])
    detail = reverse("coordination:meeting_detail", args=[coming.pk])
    assert reverse("coordination:agenda_propose", args=[coming.pk]) in focal.get(detail).content.decode()
    # No form for a meeting that took place.
    past = focal.get(reverse("coordination:meeting_detail", args=[co.meeting.pk])).content.decode()
    assert reverse("coordination:agenda_propose", args=[co.meeting.pk]) not in past
    response = focal.post(
        reverse("coordination:agenda_propose", args=[coming.pk]),
        {"title": "Brecha de vacunación en Motupe", "reason": "Los datos del trimestre."},
    )
    assert response.status_code == 302
    proposal = AgendaProposal.objects.get(meeting=coming)
    assert (proposal.proposed_by, proposal.status) == (co.focal_member, ProposalStatus.PROPOSED)
    assert AuditEvent.objects.filter(action="agenda_item_proposed", target_id=str(proposal.pk)).exists()
    coordinator = login(Client(), world.home["coordinator"])
    answered = coordinator.post(
        reverse("coordination:agenda_proposal_decide", args=[proposal.pk]),
        {f"proposal-{proposal.pk}-version": proposal.version, f"proposal-{proposal.pk}-decision": "accept"},
    )
    assert answered.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.agenda_item is not None
    item = AgendaItem.objects.get(meeting=coming)
    assert (item.title, item.presenter) == ("Brecha de vacunación en Motupe", co.focal_member)
    assert "Brecha de vacunación en Motupe" in focal.get(detail).content.decode()
    # Answered once: a second answer with the old version is refused, nothing changes.
    again = coordinator.post(
        reverse("coordination:agenda_proposal_decide", args=[proposal.pk]),
        {f"proposal-{proposal.pk}-version": 1, f"proposal-{proposal.pk}-decision": "decline"},
    )
    assert again.status_code == 302 and AgendaItem.objects.filter(meeting=coming).count() == 1


def test_declining_needs_an_answer_and_past_meetings_take_no_proposals(
    world: World, co: Coordination, coming: Meeting
) -> None:
    member = actor(world.home["area_focal"])
    proposal = services.propose_agenda_item(actor=member, meeting=coming, title="Tema")
    with pytest.raises(Exception, match=r"por qué|why"):
        services.decline_agenda_proposal(
            actor=actor(world.home["coordinator"]), proposal=proposal, expected_version=1, note=" "
        )
    declined = services.decline_agenda_proposal(
        actor=actor(world.home["coordinator"]), proposal=proposal, expected_version=1, note="Se verá en la próxima."
    )
    assert declined.status == ProposalStatus.DECLINED and not AgendaItem.objects.filter(meeting=coming).exists()
    # A meeting that took place: the page offers no form, the service refuses in Spanish.
    focal = login(Client(), world.home["area_focal"])
    before = db_state()
    refused = focal.post(reverse("coordination:agenda_propose", args=[co.meeting.pk]), {"title": "Tarde"})
    assert refused.status_code == 404 and db_state() == before
    with pytest.raises(Exception, match=r"ya se realizó|already taken place"):
        services.propose_agenda_item(actor=SYSTEM, meeting=co.meeting, title="Tarde")
    blank = focal.post(reverse("coordination:agenda_propose", args=[coming.pk]), {"title": "   "})
    assert blank.status_code == 302 and AgendaProposal.objects.filter(meeting=coming).count() == 1


def test_proposal_pages_matrix(world: World, co: Coordination, coming: Meeting) -> None:
    # Only a member with a seat proposes (the home focal point; the coordinator too: they sit on it).
    check_access_matrix(
        world,
        url=reverse("coordination:agenda_propose", args=[coming.pk]),
        method="post",
        data={"title": "Propuesta"},
        expected=expect(area_focal=302, coordinator=302),
    )
    proposal = AgendaProposal.objects.filter(meeting=coming).first()
    assert proposal is not None
    check_access_matrix(
        world,
        url=reverse("coordination:agenda_proposal_decide", args=[proposal.pk]),
        method="post",
        data=lambda w: {f"proposal-{proposal.pk}-decision": "decline"},  # no version: refused, nothing saved
        expected=expect(admin=302, coordinator=302),
        state=db_state,
    )


def test_proposal_api(world: World, co: Coordination, coming: Meeting) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/meetings/{coming.pk}/agenda-proposals",
        method="post",
        data={"title": "Por API"},
        expected=expect(area_focal=201, coordinator=201),
        api=True,
    )
    check_access_matrix(
        world,
        url=f"{BASE}/meetings/{coming.pk}/agenda-proposals",
        expected=expect(admin=200, secretariat=200, coordinator=200, analyst=200, supervisor=200, area_focal=200),
        api=True,
    )
    first = AgendaProposal.objects.filter(meeting=coming).order_by("id").first()
    assert first is not None
    check_access_matrix(
        world,
        url=f"{BASE}/agenda-proposals/{first.pk}/decision",
        method="post",
        data={"version": 99, "decision": "accept"},  # a stale version: 409, nothing saved
        expected=expect(admin=409, coordinator=409),
        api=True,
        state=db_state,
    )
    token = api_token(world.home["coordinator"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    accepted = api.post(
        f"{BASE}/agenda-proposals/{first.pk}/decision",
        {"version": first.version, "decision": "accept"},
        content_type="application/json",
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["agenda_item_id"] == AgendaItem.objects.get(meeting=coming).pk


# --- The body's calendar feed ---------------------------------------------------------------------------
def test_the_bodys_calendar_feed_follows_the_seat(world: World, co: Coordination, coming: Meeting) -> None:
    import icalendar

    from ronda.coordination.notifications import BODY_FEED
    from ronda.notifications import services as notifications

    focal = actor(world.home["area_focal"])
    _feed, raw = notifications.create_feed(actor=focal, kind=BODY_FEED, object_id=co.body.pk)
    url = reverse("notifications:feed", args=[raw])
    response = Client().get(url)  # a calendar program: no session, the token is the credential
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert f"coordination-meeting-{coming.pk}@ronda" in events
    event = events[f"coordination-meeting-{coming.pk}@ronda"]
    assert event.decoded("DTSTART") == coming.scheduled_at.replace(microsecond=0)
    assert str(event["LOCATION"]) == "Sala del concejo"
    assert int(event["SEQUENCE"]) == coming.version
    # Another municipality's body is not offered; a seat that ended empties the calendar.
    with pytest.raises(Exception, match=r"calendario|calendar"):
        notifications.create_feed(actor=focal, kind=BODY_FEED, object_id=co.other_body.pk)
    unseat(co)
    emptied = icalendar.Calendar.from_ical(Client().get(url).content)
    assert list(emptied.walk("VEVENT")) == []
