"""Convening a meeting (issue #13 item 2): invitees, the convocation e-mails with their .ics, the
answers, the e-mails when a convened meeting changes or is cancelled. The e-mails are read from the
outbox and delivered with Django's locmem backend; every .ics is parsed back with ``icalendar``."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from ronda.accounts.selectors import active_memberships
from ronda.coordination import notifications as coordination_kinds
from ronda.coordination import pdf, services
from ronda.coordination.models import (
    BodyMember,
    Meeting,
    MeetingInvitation,
    RsvpStatus,
)
from ronda.coordination.services import convocation
from ronda.coordination.tests.conftest import Coordination
from ronda.coordination.tests.test_views import db_state as coordination_state
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.notifications import delivery
from ronda.notifications import services as outbox
from ronda.notifications.models import EmailStatus, OutgoingEmail
from ronda.territory.models import OrgUnit
from ronda.testing import World

pytestmark = pytest.mark.django_db

ZONE = "America/Guayaquil"
GUEST_EMAIL = "lucia.paz@example.org"


def actor(user: Any) -> Any:
    return actor_for(user, active_memberships(user)[0], second_factor=True)


@dataclass
class Convened:
    meeting: Meeting
    with_email: BodyMember  # a member without a Ronda user, with an e-mail
    guest: MeetingInvitation


def coming_meeting(co: Coordination, days: int = 6) -> Meeting:
    meeting = services.schedule_meeting(
        actor=SYSTEM,
        body=co.body,
        kind="ordinary",
        mode="in_person",
        scheduled_at=timezone.now().replace(microsecond=0) + dt.timedelta(days=days),
        place="Sala del concejo",
        objectives="Aprobar la hoja de ruta del semestre.",
    )
    services.add_agenda_item(actor=SYSTEM, meeting=meeting, title="Hoja de ruta", presenter=co.focal_member)
    return meeting


def invite_everyone(world: World, co: Coordination, meeting: Meeting) -> Convened:
    OrgUnit.objects.filter(pk=world.country.pk).update(time_zone=ZONE)
    with_email = services.add_member(
        actor=SYSTEM,
        body=co.body,
        full_name="Rosa Sin Usuario",
        area=co.education,
        level="technical",
        position="Técnica",
        email="rosa@example.org",
        start_date=timezone.localdate() - dt.timedelta(days=30),
    )
    convocation.invite_members(
        actor=SYSTEM, meeting=meeting, members=[co.focal_member, co.coordinator_member, with_email]
    )
    guest = convocation.invite_guest(
        actor=SYSTEM, meeting=meeting, name="Lucía Paz", organisation="Fundación Semillas", email=GUEST_EMAIL
    )
    return Convened(meeting=meeting, with_email=with_email, guest=guest)


@pytest.fixture
def coming(co: Coordination) -> Meeting:
    return coming_meeting(co)


@pytest.fixture
def invited(world: World, co: Coordination, coming: Meeting) -> Convened:
    return invite_everyone(world, co, coming)


def db_state() -> tuple[Any, ...]:
    """The app's rows and versions, the invitations, the reminders sent and the outbox."""
    from django.db.models import Sum

    from ronda.coordination.models import ReminderSent

    return (
        *coordination_state(),
        MeetingInvitation.objects.count(),
        MeetingInvitation.objects.aggregate(v=Sum("version"))["v"],
        ReminderSent.objects.count(),
        OutgoingEmail.objects.count(),
    )


def deliver_all() -> None:
    delivery.retry_due(now=timezone.now() + dt.timedelta(seconds=1))


def calendar_of(message: Any) -> icalendar.Calendar:
    (_name, content, mimetype) = message.attachments[0]
    assert mimetype.startswith("text/calendar; method=")
    return icalendar.Calendar.from_ical(content)


def sent_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address]]


# --- Invitees -----------------------------------------------------------------------------------
def test_a_commission_expands_into_its_members_once(world: World, co: Coordination, coming: Meeting) -> None:
    commission = services.create_commission(
        actor=SYSTEM, body=co.body, name="Protección", members=[co.focal_member, *co.paper_members[:2]]
    )
    convocation.invite_members(actor=SYSTEM, meeting=coming, members=[co.focal_member])
    created = convocation.invite_members(actor=SYSTEM, meeting=coming, commission=commission)
    assert {i.member for i in created} == set(co.paper_members[:2])  # the focal point was already invited
    assert MeetingInvitation.objects.filter(meeting=coming).count() == 3
    assert AuditEvent.objects.filter(target_type="coordination.meetinginvitation", action="create").count() == 3


def test_invitee_errors_are_spanish_and_write_nothing(world: World, co: Coordination, coming: Meeting) -> None:
    before = db_state()
    with translation.override("es"):
        for kwargs, field, words in [
            ({"name": "Sin correo", "email": ""}, "guest_email", r"correo|e-mail"),
            ({"name": "Mal correo", "email": "no-es-correo"}, "guest_email", r"válid|valid"),
            ({"name": "", "email": "x@example.org"}, "guest_name", r"nombre|name"),
        ]:
            with pytest.raises(ValidationError) as exc:
                convocation.invite_guest(actor=SYSTEM, meeting=coming, **kwargs)
            assert re.search(words, " ".join(exc.value.message_dict[field]).lower()), exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            convocation.invite_members(actor=SYSTEM, meeting=coming, members=[])
        assert re.search(r"miembro|member", str(exc.value).lower())
        other = BodyMember.objects.filter(body=co.other_body).first()
        assert other is not None
        with pytest.raises(ValidationError) as exc:
            convocation.invite_members(actor=SYSTEM, meeting=coming, members=[co.focal_member, other])
        assert re.search(r"de esta mesa|of this body", str(exc.value))
        # A meeting that took place calls nobody.
        with pytest.raises(ValidationError, match=r"ya se realizó|already taken place"):
            convocation.invite_members(actor=SYSTEM, meeting=co.meeting, members=[co.focal_member])
    assert db_state() == before
    assert not MeetingInvitation.objects.exists()
    convocation.invite_guest(actor=SYSTEM, meeting=coming, name="Lucía", email=GUEST_EMAIL)
    with (
        translation.override("es"),
        pytest.raises(ValidationError, match=r"Ya hay una persona invitada con este correo"),
    ):
        convocation.invite_guest(actor=SYSTEM, meeting=coming, name="Otra", email=GUEST_EMAIL.upper())


def test_the_guests_name_and_email_never_enter_the_trail(invited: Convened) -> None:
    event = AuditEvent.objects.get(
        target_type="coordination.meetinginvitation", target_id=str(invited.guest.pk), action="create"
    )
    trail = str(event.changes)
    assert GUEST_EMAIL not in trail and "Lucía Paz" not in trail and "Fundación Semillas" in trail


def test_only_the_coordinator_invites(world: World, co: Coordination, coming: Meeting) -> None:
    focal = actor(world.home["area_focal"])
    with pytest.raises(PermissionDenied):
        convocation.invite_members(actor=focal, meeting=coming, members=[co.focal_member])
    with pytest.raises(PermissionDenied):
        convocation.send_convocation(actor=focal, meeting=coming)
    with pytest.raises(TypeError):
        convocation.invite_members(actor=None, meeting=coming, members=[co.focal_member])  # type: ignore[arg-type]
    convocation.invite_members(actor=actor(world.home["coordinator"]), meeting=coming, members=[co.focal_member])


# --- The convocation ------------------------------------------------------------------------------
def test_the_convocation_emails_each_invitee_with_an_invitation(
    world: World, co: Coordination, invited: Convened, django_capture_on_commit_callbacks: Any
) -> None:
    coordinator = actor(world.home["coordinator"])
    meeting = invited.meeting
    with django_capture_on_commit_callbacks(execute=True):
        sent = convocation.send_convocation(actor=coordinator, meeting=meeting, base_url="https://ronda.example.org/")
    assert sent == 4
    meeting.refresh_from_db()
    assert meeting.convened_at is not None and meeting.version >= 2
    assert AuditEvent.objects.filter(action="meeting_convened", target_id=str(meeting.pk)).count() == 1
    emails = OutgoingEmail.objects.filter(kind=coordination_kinds.KIND_CONVOCATION)
    assert emails.count() == 4 and {e.status for e in emails} == {EmailStatus.SENT}
    # Members with a Ronda user are written to as that user; the others at the address given.
    assert {e.recipient for e in emails if e.recipient} == {world.home["area_focal"], world.home["coordinator"]}
    assert {e.address for e in emails if e.recipient is None} == {"rosa@example.org", GUEST_EMAIL}
    assert len(mail.outbox) == 4
    (guest_message,) = sent_to(GUEST_EMAIL)
    assert re.match(r"Convocatoria|Convocation", guest_message.subject) and co.body.name in guest_message.subject
    assert "Aprobar la hoja de ruta del semestre." in guest_message.body
    assert "1. Hoja de ruta" in guest_message.body
    assert "https://ronda.example.org/mesa/convocatoria/inv_" in guest_message.body
    assert ZONE in guest_message.body  # the time is the municipality's
    local = timezone.localtime(meeting.scheduled_at, zoneinfo.ZoneInfo(ZONE))
    assert f"{local:%H:%M}" in guest_message.body
    cal = calendar_of(guest_message)
    assert str(cal["METHOD"]) == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"coordination-meeting-{meeting.pk}@ronda"
    assert int(str(event["SEQUENCE"])) == meeting.version
    assert event["DTSTART"].params["TZID"] == ZONE
    assert event.decoded("DTSTART") == meeting.scheduled_at
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == [f"mailto:{GUEST_EMAIL}"]  # only the recipient, never the others
    assert str(event["ORGANIZER"]).startswith("mailto:")
    # A member is sent to the meeting's page, not a token.
    (focal_message,) = sent_to(world.home["area_focal"].email)
    assert f"/mesa/reuniones/{meeting.pk}/" in focal_message.body and "/convocatoria/" not in focal_message.body
    invited.guest.refresh_from_db()
    assert invited.guest.sent_at is not None and invited.guest.token_hash
    guest_event = AuditEvent.objects.filter(target_id=str(invited.guest.pk), action="update").get()
    assert invited.guest.token_hash not in str(guest_event.changes)


def test_sending_again_sends_only_to_the_new_unless_asked(world: World, co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    assert convocation.send_convocation(actor=SYSTEM, meeting=meeting) == 4
    with (
        translation.override("es"),
        pytest.raises(ValidationError, match=r"Todas las personas convocadas|Every invitee"),
    ):
        convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    convocation.invite_guest(actor=SYSTEM, meeting=meeting, name="Nuevo", email="nuevo@example.org")
    assert convocation.send_convocation(actor=SYSTEM, meeting=meeting) == 1
    assert convocation.send_convocation(actor=SYSTEM, meeting=meeting, again=True) == 5


def test_nobody_invited_or_a_past_meeting_is_refused_in_spanish(
    world: World, co: Coordination, coming: Meeting
) -> None:
    before = db_state()
    with translation.override("es"):
        with pytest.raises(ValidationError, match=r"Invite primero|Invite members or guests first"):
            convocation.send_convocation(actor=SYSTEM, meeting=coming)
        with pytest.raises(ValidationError, match=r"ya se realizó|already taken place"):
            convocation.send_convocation(actor=SYSTEM, meeting=co.meeting)
    assert db_state() == before


def test_a_person_who_turned_convocations_off_is_recorded_as_skipped(
    world: World, co: Coordination, invited: Convened
) -> None:
    focal = world.home["area_focal"]
    outbox.set_preferences(actor=actor(focal), choices={coordination_kinds.KIND_CONVOCATION: False})
    convocation.send_convocation(actor=SYSTEM, meeting=invited.meeting)
    skipped = OutgoingEmail.objects.get(recipient=focal, kind=coordination_kinds.KIND_CONVOCATION)
    assert skipped.status == EmailStatus.SKIPPED and skipped.body == ""
    deliver_all()
    assert sent_to(focal.email) == [] and len(mail.outbox) == 3


def test_a_failed_convocation_writes_nothing_and_sends_nothing(
    world: World, co: Coordination, invited: Convened, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    calls = {"n": 0}
    real = outbox.queue_email

    def failing(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the outbox broke halfway")
        return real(**kwargs)

    monkeypatch.setattr(outbox, "queue_email", failing)
    before = db_state()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        convocation.send_convocation(actor=SYSTEM, meeting=invited.meeting)
    assert db_state() == before
    assert not OutgoingEmail.objects.exists() and mail.outbox == []
    invited.meeting.refresh_from_db()
    assert invited.meeting.convened_at is None


# --- Answers --------------------------------------------------------------------------------------
def test_a_member_answers_their_own_invitation(world: World, co: Coordination, invited: Convened) -> None:
    focal = actor(world.home["area_focal"])
    own = MeetingInvitation.objects.get(meeting=invited.meeting, member=co.focal_member)
    answered = convocation.answer_invitation(actor=focal, invitation=own, answer=RsvpStatus.MAYBE)
    assert answered.rsvp == RsvpStatus.MAYBE and answered.rsvp_at is not None
    assert AuditEvent.objects.filter(action="invitation_answered", target_id=str(own.pk)).exists()
    someone_elses = MeetingInvitation.objects.get(meeting=invited.meeting, member=co.coordinator_member)
    with pytest.raises(PermissionDenied):
        convocation.answer_invitation(actor=focal, invitation=someone_elses, answer=RsvpStatus.YES)
    with translation.override("es"), pytest.raises(ValidationError, match=r"asistirá|will attend"):
        convocation.answer_invitation(actor=focal, invitation=own, answer="perhaps")


# --- Changes and cancellation --------------------------------------------------------------------
def test_changes_before_the_convocation_email_nobody(world: World, co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    services.update_meeting(actor=SYSTEM, meeting=meeting, expected_version=None, place="Otra sala")
    services.add_agenda_item(actor=SYSTEM, meeting=meeting, title="Varios")
    assert not OutgoingEmail.objects.exists()


def test_a_new_date_emails_the_updated_invitation_with_a_higher_sequence(
    world: World, co: Coordination, invited: Convened
) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    deliver_all()
    first_sequence = int(str(calendar_of(sent_to(GUEST_EMAIL)[0]).walk("VEVENT")[0]["SEQUENCE"]))
    mail.outbox.clear()
    meeting.refresh_from_db()
    later = meeting.scheduled_at + dt.timedelta(days=1)
    services.update_meeting(
        actor=actor(world.home["coordinator"]), meeting=meeting, expected_version=meeting.version, scheduled_at=later
    )
    deliver_all()
    assert len(mail.outbox) == 4
    (message,) = sent_to(GUEST_EMAIL)
    assert re.search(r"cambi|changed", message.subject.lower())
    (event,) = calendar_of(message).walk("VEVENT")
    assert str(calendar_of(message)["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"coordination-meeting-{meeting.pk}@ronda"
    assert int(str(event["SEQUENCE"])) > first_sequence
    assert event.decoded("DTSTART") == later
    # A change the invitees need not hear of: the kind of meeting is not news (no e-mail more).
    mail.outbox.clear()
    meeting.refresh_from_db()
    services.update_meeting(actor=SYSTEM, meeting=meeting, expected_version=None, kind="extraordinary")
    assert OutgoingEmail.objects.filter(kind=coordination_kinds.KIND_CHANGED).count() == 4


def test_agenda_changes_email_the_invitees(world: World, co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    meeting.refresh_from_db()
    version = meeting.version
    item = services.add_agenda_item(actor=SYSTEM, meeting=meeting, title="Presupuesto de niñez")
    changed = OutgoingEmail.objects.filter(kind=coordination_kinds.KIND_CHANGED)
    assert changed.count() == 4
    meeting.refresh_from_db()
    assert meeting.version == version + 1
    deliver_all()
    assert "Presupuesto de niñez" in sent_to(GUEST_EMAIL)[-1].body
    services.remove_agenda_item(actor=SYSTEM, item=item)
    assert changed.count() == 8


def test_an_accepted_proposal_emails_the_invitees_once(world: World, co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    proposal = services.propose_agenda_item(actor=actor(world.home["area_focal"]), meeting=meeting, title="Brecha")
    services.accept_agenda_proposal(actor=actor(world.home["coordinator"]), proposal=proposal, expected_version=1)
    assert OutgoingEmail.objects.filter(kind=coordination_kinds.KIND_CHANGED).count() == 4


def test_a_cancellation_sends_cancel_with_the_same_uid(world: World, co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    deliver_all()
    mail.outbox.clear()
    meeting.refresh_from_db()
    services.update_meeting(actor=SYSTEM, meeting=meeting, expected_version=meeting.version, status="cancelled")
    deliver_all()
    assert OutgoingEmail.objects.filter(kind=coordination_kinds.KIND_CANCELLED).count() == 4
    (message,) = sent_to(GUEST_EMAIL)
    cal = calendar_of(message)
    assert str(cal["METHOD"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    meeting.refresh_from_db()
    assert str(event["UID"]) == f"coordination-meeting-{meeting.pk}@ronda"
    assert int(str(event["SEQUENCE"])) == meeting.version and str(event["STATUS"]) == "CANCELLED"
    # Edits of a cancelled meeting are not announced again.
    services.update_meeting(actor=SYSTEM, meeting=meeting, expected_version=None, place="Sala 2")
    assert OutgoingEmail.objects.filter(kind=coordination_kinds.KIND_CANCELLED).count() == 4
    assert not OutgoingEmail.objects.filter(kind=coordination_kinds.KIND_CHANGED).exists()


def test_removing_a_convened_invitee_tells_them(world: World, co: Coordination, invited: Convened) -> None:
    convocation.send_convocation(actor=SYSTEM, meeting=invited.meeting)
    convocation.remove_invitation(actor=SYSTEM, invitation=invited.guest)
    deliver_all()
    (message,) = [m for m in sent_to(GUEST_EMAIL) if str(calendar_of(m)["METHOD"]) == "CANCEL"]
    assert re.search(r"ya no|no longer", message.body.lower())
    assert not MeetingInvitation.objects.filter(pk=invited.guest.pk).exists()


# --- Attendance and the documents ------------------------------------------------------------------
def test_guests_attendance_is_recorded_and_shown_in_the_minutes(
    world: World, co: Coordination, invited: Convened
) -> None:
    meeting = invited.meeting
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=timezone.now() - dt.timedelta(hours=3))
    meeting.refresh_from_db()
    services.record_attendance(
        actor=SYSTEM, meeting=meeting, expected_version=None, statuses={}, guests_attended={invited.guest.pk: True}
    )
    invited.guest.refresh_from_db()
    assert invited.guest.attended is True
    event = AuditEvent.objects.filter(action="attendance_recorded", target_id=str(meeting.pk)).get()
    assert event.changes["guests_attended"][1] == {str(invited.guest.pk): True}
    with (
        translation.override("es"),
        pytest.raises(ValidationError, match=r"invitad[oa]s a esta reunión|invited to this"),
    ):
        services.record_attendance(
            actor=SYSTEM, meeting=meeting, expected_version=None, statuses={}, guests_attended={999999: True}
        )
    meeting = Meeting.objects.get(pk=meeting.pk)
    html = pdf.render_minutes_html(meeting)
    assert "Lucía Paz" in html and "Fundación Semillas" in html
    assert "Aprobar la hoja de ruta del semestre." in html


def test_the_notice_shows_the_objectives_and_the_invited_guests(invited: Convened) -> None:
    meeting = Meeting.objects.get(pk=invited.meeting.pk)
    assert pdf.is_notice(meeting)
    html = pdf.render_minutes_html(meeting)
    assert "Aprobar la hoja de ruta del semestre." in html and "Lucía Paz" in html and GUEST_EMAIL not in html


# --- "My meetings" -----------------------------------------------------------------------------
def test_my_meetings_feed_has_the_bodies_meetings_and_the_invitations(
    world: World, co: Coordination, invited: Convened
) -> None:
    from django.test import Client
    from django.urls import reverse

    focal = world.home["area_focal"]
    _feed, raw = outbox.create_feed(actor=actor(focal), kind=coordination_kinds.MY_FEED)
    url = reverse("notifications:feed", args=[raw])
    events = icalendar.Calendar.from_ical(Client().get(url).content).walk("VEVENT")
    uids = {str(e["UID"]) for e in events}
    assert f"coordination-meeting-{invited.meeting.pk}@ronda" in uids
    assert f"coordination-meeting-{co.meeting.pk}@ronda" in uids
    assert f"coordination-meeting-{co.other_meeting.pk}@ronda" not in uids
    # The seat ends: the body's other meetings leave the calendar, the invitation stays.
    BodyMember.objects.filter(pk=co.focal_member.pk).update(end_date=timezone.localdate() - dt.timedelta(days=1))
    events = icalendar.Calendar.from_ical(Client().get(url).content).walk("VEVENT")
    assert {str(e["UID"]) for e in events} == {f"coordination-meeting-{invited.meeting.pk}@ronda"}
    # A person invited nowhere, with no body: an empty calendar.
    _feed, other = outbox.create_feed(actor=actor(world.home["defender"]), kind=coordination_kinds.MY_FEED)
    assert (
        icalendar.Calendar.from_ical(Client().get(reverse("notifications:feed", args=[other])).content).walk("VEVENT")
        == []
    )
