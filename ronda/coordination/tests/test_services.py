"""Services: policy checks, validation (nothing saved on error), audit events, optimistic locking."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from ronda.accounts.selectors import active_memberships
from ronda.coordination import services
from ronda.coordination.models import (
    AgendaItem,
    Agreement,
    AgreementNote,
    AgreementStatus,
    Attendance,
    BodyMember,
    CoordinationAction,
    CoordinationBody,
    Meeting,
    MinutesStatus,
)
from ronda.coordination.tests.conftest import Coordination
from ronda.core import audit_actions
from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.testing import World

pytestmark = pytest.mark.django_db


def actor(world: World, role: str, away: bool = False) -> Actor:
    user = (world.away if away else world.home)[role]
    return actor_for(user, active_memberships(user)[0])


def events(target: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type=target._meta.label_lower,  # type: ignore[attr-defined]
            target_id=str(target.pk),  # type: ignore[attr-defined]
        ).order_by("id")
    )


# --- Body and members ------------------------------------------------------------------
def test_create_body_audited_and_one_per_municipality(world: World) -> None:
    coordinator = actor(world, "coordinator")
    body = services.create_body(actor=coordinator, org_unit=world.municipality, name="  Mesa  ")
    assert body.name == "Mesa"
    [event] = events(body)
    assert event.action == "create" and event.actor_username == "coordinator.home"
    assert event.org_unit_path == world.municipality.path
    with pytest.raises(ValidationError) as exc:
        services.create_body(actor=coordinator, org_unit=world.municipality, name="Otra")
    assert "org_unit" in exc.value.message_dict
    assert CoordinationBody.objects.count() == 1


def test_create_body_policy_and_level(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_body(actor=actor(world, "analyst"), org_unit=world.municipality, name="Mesa")
    with pytest.raises(PermissionDenied):
        services.create_body(actor=actor(world, "coordinator", away=True), org_unit=world.municipality, name="Mesa")
    with pytest.raises(ValidationError):
        services.create_body(actor=SYSTEM, org_unit=world.community, name="Mesa")
    assert not CoordinationBody.objects.exists()


def test_member_validation_nothing_saved(world: World, co: Coordination) -> None:
    before = (BodyMember.objects.count(), AuditEvent.objects.count())
    base = {"full_name": "X", "level": "technical", "position": "P", "start_date": timezone.localdate()}
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.add_member(actor=SYSTEM, body=co.body, area=world.other_area, **base)
    assert exc.value.message_dict["area"] == ["Choose an area of this municipality."]
    with pytest.raises(ValidationError) as exc:
        services.add_member(actor=SYSTEM, body=co.body, **base)  # neither area nor institution
    assert "area" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_member(
            actor=SYSTEM,
            body=co.body,
            area=world.area,
            **{**base, "end_date": base["start_date"] - datetime.timedelta(days=1)},
        )
    assert "end_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a user from another country cannot be linked
        services.add_member(actor=SYSTEM, body=co.body, area=world.area, user=world.away["analyst"], **base)
    assert "user" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # one member per user
        services.add_member(actor=SYSTEM, body=co.body, area=world.area, user=world.home["coordinator"], **base)
    assert "user" in exc.value.message_dict
    assert (BodyMember.objects.count(), AuditEvent.objects.count()) == before


def test_member_institution_must_serve_municipality(world: World, co: Coordination) -> None:
    base = {"full_name": "X", "level": "technical", "position": "P", "start_date": timezone.localdate()}
    member = services.add_member(actor=SYSTEM, body=co.body, institution=world.institution, **base)
    assert member.institution == world.institution
    with pytest.raises(ValidationError) as exc:
        services.add_member(actor=SYSTEM, body=co.body, institution=world.other_institution, **base)
    assert "institution" in exc.value.message_dict


def test_update_member_conflict_and_audit(world: World, co: Coordination) -> None:
    coordinator = actor(world, "coordinator")
    member = co.paper_members[0]
    services.update_member(actor=coordinator, member=member, expected_version=1, position="Jefa")
    with pytest.raises(ConflictError):
        services.update_member(actor=coordinator, member=member, expected_version=1, position="Otra cosa")
    member.refresh_from_db()
    assert member.position == "Jefa" and member.version == 2
    update = events(member)[-1]
    assert update.action == "update" and update.changes == {"position": ["Técnica", "Jefa"]}
    with pytest.raises(PermissionDenied):
        services.update_member(actor=actor(world, "analyst"), member=member, expected_version=2, position="Z")


def test_commission_unique_name_and_members_of_body(world: World, co: Coordination) -> None:
    commission = services.create_commission(actor=SYSTEM, body=co.body, name="Protección", members=[co.focal_member])
    assert events(commission)[0].changes["members"] == [None, [co.focal_member.pk]]
    with pytest.raises(ValidationError):
        services.create_commission(actor=SYSTEM, body=co.body, name="protección")
    other_member = BodyMember.objects.get(body=co.other_body)
    with pytest.raises(ValidationError):
        services.update_commission(
            actor=SYSTEM, commission=commission, expected_version=1, name="P", purpose="", members=[other_member]
        )


# --- Meetings --------------------------------------------------------------------------
def test_meeting_needs_place_or_link(world: World, co: Coordination) -> None:
    when = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        services.schedule_meeting(actor=SYSTEM, body=co.body, kind="ordinary", mode="in_person", scheduled_at=when)
    assert "place" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.schedule_meeting(actor=SYSTEM, body=co.body, kind="urgent", mode="virtual", scheduled_at=when)
    assert "link" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.schedule_meeting(
            actor=SYSTEM, body=co.body, kind="weekly", mode="virtual", scheduled_at=when, link="https://x.org"
        )
    assert Meeting.objects.filter(body=co.body).count() == 2


def test_meeting_update_conflict(world: World, co: Coordination) -> None:
    coordinator = actor(world, "coordinator")
    services.update_meeting(actor=coordinator, meeting=co.meeting, expected_version=1, place="Sala 2")
    with pytest.raises(ConflictError):
        services.update_meeting(actor=coordinator, meeting=co.meeting, expected_version=1, place="Sala 3")
    assert Meeting.objects.get(pk=co.meeting.pk).place == "Sala 2"


def test_agenda_numbering_and_audit(world: World, co: Coordination) -> None:
    coordinator = actor(world, "coordinator")
    item = services.add_agenda_item(actor=coordinator, meeting=co.meeting, title="Nuevo", minutes_allotted=20)
    assert item.order == 4 and events(item)[0].action == "create"
    item_pk = item.pk
    services.remove_agenda_item(actor=coordinator, item=item)
    assert not AgendaItem.objects.filter(pk=item_pk).exists()
    trail = AuditEvent.objects.filter(target_type="coordination.agendaitem", target_id=str(item_pk))
    assert list(trail.order_by("id").values_list("action", flat=True)) == ["create", "delete"]
    with pytest.raises(ValidationError):
        services.add_agenda_item(actor=coordinator, meeting=co.meeting, title="x", minutes_allotted=0)
    with pytest.raises(PermissionDenied):
        services.add_agenda_item(actor=actor(world, "secretariat"), meeting=co.meeting, title="x")


def test_attendance_recorded_with_diff(world: World, co: Coordination) -> None:
    meeting = services.record_attendance(
        actor=actor(world, "coordinator"),
        meeting=co.meeting,
        expected_version=1,
        statuses={co.focal_member.pk: "present", co.coordinator_member.pk: "excused"},
    )
    assert meeting.version == 2
    assert Attendance.objects.filter(meeting=co.meeting).count() == 2
    last = events(co.meeting)[-1]
    assert last.changes["attendance"][1] == {
        str(co.focal_member.pk): "present",
        str(co.coordinator_member.pk): "excused",
    }
    other = BodyMember.objects.get(body=co.other_body)
    with pytest.raises(ValidationError):
        services.record_attendance(actor=SYSTEM, meeting=co.meeting, expected_version=2, statuses={other.pk: "present"})
    with pytest.raises(ConflictError):
        services.record_attendance(actor=SYSTEM, meeting=co.meeting, expected_version=1, statuses={})


def test_minutes_draft_then_approved_at_a_later_meeting(world: World, co: Coordination) -> None:
    coordinator = actor(world, "coordinator")
    meeting = services.save_minutes(actor=coordinator, meeting=co.meeting, expected_version=1, minutes_text="Se habló.")
    assert (meeting.minutes_status, meeting.status) == (MinutesStatus.DRAFT, "held")
    # Not at the same meeting, not at an earlier one, not at a meeting of another body.
    for wrong in (meeting, co.other_meeting):
        with pytest.raises(ValidationError):
            services.approve_minutes(actor=coordinator, meeting=meeting, expected_version=2, approved_at=wrong)
    future = services.schedule_meeting(
        actor=SYSTEM,
        body=co.body,
        kind="ordinary",
        mode="virtual",
        link="https://x.org",
        scheduled_at=timezone.now() + datetime.timedelta(days=5),
    )
    with pytest.raises(ValidationError):  # it has not taken place yet
        services.approve_minutes(actor=coordinator, meeting=meeting, expected_version=2, approved_at=future)
    meeting = services.approve_minutes(
        actor=coordinator, meeting=meeting, expected_version=2, approved_at=co.later_meeting
    )
    assert meeting.minutes_status == MinutesStatus.APPROVED
    assert meeting.minutes_approved_at == co.later_meeting
    assert events(meeting)[-1].changes == {
        "minutes_approved_at_id": [None, co.later_meeting.pk],
        "minutes_number": [None, 1],  # the first acta of the body's series for the year
        "minutes_status": ["draft", "approved"],
        "minutes_year": [None, timezone.localtime(co.meeting.scheduled_at).year],
    }
    # An approved record is frozen.
    with pytest.raises(ValidationError):
        services.save_minutes(actor=coordinator, meeting=meeting, expected_version=3, minutes_text="Cambio")
    with pytest.raises(ValidationError):
        services.add_agenda_item(actor=coordinator, meeting=meeting, title="Tarde")
    with pytest.raises(ValidationError):
        services.record_attendance(actor=coordinator, meeting=meeting, expected_version=3, statuses={})
    with pytest.raises(ValidationError):  # nor can a meeting with approved minutes be cancelled afterwards
        services.update_meeting(actor=coordinator, meeting=meeting, expected_version=3, status="cancelled")


def test_minutes_only_after_the_meeting(world: World, co: Coordination) -> None:
    future = services.schedule_meeting(
        actor=SYSTEM,
        body=co.body,
        kind="ordinary",
        mode="in_person",
        place="Sala",
        scheduled_at=timezone.now() + datetime.timedelta(hours=2),
    )
    with pytest.raises(ValidationError):
        services.save_minutes(actor=SYSTEM, meeting=future, expected_version=1, minutes_text="Adelantado")
    with pytest.raises(ValidationError):
        services.save_minutes(actor=SYSTEM, meeting=co.meeting, expected_version=1, minutes_text="   ")


# --- Agreements ------------------------------------------------------------------------
def test_agreement_without_owner_is_refused_and_nothing_saved(world: World, co: Coordination) -> None:
    before = (Agreement.objects.count(), AuditEvent.objects.count())
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.create_agreement(
            actor=actor(world, "coordinator"),
            body=co.body,
            meeting=co.meeting,
            text="Sin responsable",
            due_date=timezone.localdate(),
        )
    assert exc.value.message_dict == {"owner_area": ["Give the agreement an owner: an area, a member or both."]}
    assert (Agreement.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(ValidationError):  # removing the only owner is refused too
        services.update_agreement(actor=SYSTEM, agreement=co.agreement, expected_version=1, owner_area=None)
    assert Agreement.objects.get(pk=co.agreement.pk).owner_area == world.area


def test_agreement_owners_belong_to_the_body(world: World, co: Coordination) -> None:
    other_member = BodyMember.objects.get(body=co.other_body)
    due = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.create_agreement(actor=SYSTEM, body=co.body, text="x", due_date=due, owner_area=world.other_area)
    assert "owner_area" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_agreement(actor=SYSTEM, body=co.body, text="x", due_date=due, owner_member=other_member)
    assert "owner_member" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_agreement(
            actor=SYSTEM, body=co.body, text="x", due_date=due, owner_area=world.area, meeting=co.other_meeting
        )
    assert "meeting" in exc.value.message_dict


def test_agreement_create_audited(world: World, co: Coordination) -> None:
    agreement = services.create_agreement(
        actor=actor(world, "admin"),
        body=co.body,
        text="Acuerdo",
        due_date=timezone.localdate(),
        owner_member=co.focal_member,
    )
    [event] = events(agreement)
    assert event.changes["owner_member_id"] == [None, co.focal_member.pk]
    assert event.org_unit_path == world.municipality.path


def test_concurrent_agreement_edit_conflicts(world: World, co: Coordination) -> None:
    coordinator, focal = actor(world, "coordinator"), actor(world, "area_focal")
    # Both loaded version 1; the focal point saves first.
    services.update_agreement(actor=focal, agreement=co.agreement, expected_version=1, status="in_progress")
    with pytest.raises(ConflictError):
        services.update_agreement(actor=coordinator, agreement=co.agreement, expected_version=1, status="cancelled")
    fresh = Agreement.objects.get(pk=co.agreement.pk)
    assert (fresh.status, fresh.version) == ("in_progress", 2)


def test_focal_point_changes_only_status_of_own_area(world: World, co: Coordination) -> None:
    focal = actor(world, "area_focal")
    updated = services.update_agreement(actor=focal, agreement=co.agreement, expected_version=1, status="done")
    assert updated.completed_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.update_agreement(actor=focal, agreement=co.agreement, expected_version=2, text="Otro texto")
    with pytest.raises(PermissionDenied):
        services.update_agreement(actor=focal, agreement=co.education_agreement, expected_version=1, status="done")
    with pytest.raises(PermissionDenied):
        services.update_agreement(
            actor=actor(world, "area_focal", away=True), agreement=co.agreement, expected_version=2, status="pending"
        )
    for role in ("analyst", "secretariat", "supervisor", "defender"):
        with pytest.raises(PermissionDenied):
            services.update_agreement(
                actor=actor(world, role), agreement=co.agreement, expected_version=2, status="pending"
            )


def test_completion_date_follows_status(world: World, co: Coordination) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    done = services.update_agreement(
        actor=SYSTEM, agreement=co.agreement, expected_version=1, status="done", completed_on=yesterday
    )
    assert done.completed_on == yesterday and done.fulfilled_on_time
    reopened = services.update_agreement(actor=SYSTEM, agreement=done, expected_version=2, status="in_progress")
    assert reopened.completed_on is None
    with pytest.raises(ValidationError) as exc:
        services.update_agreement(
            actor=SYSTEM,
            agreement=reopened,
            expected_version=3,
            status=AgreementStatus.DONE,
            completed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "completed_on" in exc.value.message_dict


def test_notes(world: World, co: Coordination) -> None:
    focal = actor(world, "area_focal")
    note = services.add_agreement_note(actor=focal, agreement=co.agreement, text="Avance del 50 %")
    assert note.author == world.home["area_focal"] and events(note)[0].action == "create"
    with pytest.raises(ValidationError):
        services.add_agreement_note(actor=focal, agreement=co.agreement, text="  ")
    with pytest.raises(PermissionDenied):
        services.add_agreement_note(actor=focal, agreement=co.education_agreement, text="No es mío")
    with pytest.raises(PermissionDenied):
        services.add_agreement_note(actor=actor(world, "analyst"), agreement=co.agreement, text="Solo lectura")
    assert AgreementNote.objects.count() == 1


# --- Domain events in the trail (issue #8 item 4) -----------------------------------------
def actions(target: object) -> list[str]:
    return [e.action for e in events(target)]


def test_coordination_actions_are_registered_with_the_trail() -> None:
    assert all(audit_actions.known(value) for value in CoordinationAction.values)
    with translation.override("en"):
        assert audit_actions.label("minutes_approved") == "Minutes approved"


def test_a_meeting_keeps_its_story_in_domain_events(world: World, co: Coordination) -> None:
    coordinator = actor(world, "coordinator")
    meeting = services.update_meeting(actor=coordinator, meeting=co.meeting, expected_version=1, place="Sala 2")
    meeting = services.record_attendance(
        actor=coordinator, meeting=meeting, expected_version=2, statuses={co.focal_member.pk: "present"}
    )
    meeting = services.save_minutes(actor=coordinator, meeting=meeting, expected_version=3, minutes_text="Se habló.")
    meeting = services.approve_minutes(
        actor=coordinator, meeting=meeting, expected_version=4, approved_at=co.later_meeting
    )
    # A plain edit stays an update; each step of the meeting's record is an event of its own.
    assert actions(co.meeting)[-4:] == ["update", "attendance_recorded", "minutes_written", "minutes_approved"]
    minutes = events(co.meeting)[-2]
    assert minutes.changes["minutes_status"] == ["none", "draft"] and minutes.changes["status"] == ["scheduled", "held"]
    services.update_meeting(actor=coordinator, meeting=co.later_meeting, expected_version=1, status="cancelled")
    assert actions(co.later_meeting)[-1] == "meeting_cancelled"


def test_agreement_status_changes_are_domain_events(world: World, co: Coordination) -> None:
    focal, coordinator = actor(world, "area_focal"), actor(world, "coordinator")
    agreement = services.update_agreement(actor=focal, agreement=co.agreement, expected_version=1, status="in_progress")
    agreement = services.update_agreement(actor=focal, agreement=agreement, expected_version=2, status="done")
    agreement = services.update_agreement(actor=coordinator, agreement=agreement, expected_version=3, text="Otro")
    services.update_agreement(actor=coordinator, agreement=agreement, expected_version=4, status="cancelled")
    assert actions(co.agreement)[-4:] == [
        "agreement_status_changed",
        "agreement_completed",
        "update",
        "agreement_cancelled",
    ]
    fulfilled = events(co.agreement)[-3]
    assert fulfilled.changes["status"] == ["in_progress", "done"]
    assert fulfilled.changes["completed_on"] == [None, timezone.localdate().isoformat()]


def test_a_member_leaving_the_body_is_a_domain_event(world: World, co: Coordination) -> None:
    coordinator = actor(world, "coordinator")
    member = co.paper_members[0]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    member = services.update_member(actor=coordinator, member=member, expected_version=1, end_date=yesterday)
    services.update_member(actor=coordinator, member=member, expected_version=2, position="Asesora")
    assert actions(member)[-2:] == ["body_member_left", "update"]
    assert events(member)[-2].changes == {"end_date": [None, yesterday.isoformat()]}


def test_closing_a_questionnaire_round_is_a_domain_event(world: World, co: Coordination) -> None:
    closed = services.close_round(actor=actor(world, "coordinator"), round_=co.round, expected_version=1)
    assert closed.is_closed and closed.version == 2
    [*_, event] = events(co.round)
    assert event.action == "questionnaire_closed" and event.changes == {"is_closed": [False, True]}
