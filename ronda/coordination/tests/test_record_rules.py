"""The rules that keep the body's record possible: agreement dates, meetings that have not taken
place, members who left, and the home badges that count everything (issue 9, items 1, 2, 3, 8, 19)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.selectors import active_memberships
from ronda.coordination import contracts, services
from ronda.coordination.forms import AgendaItemForm, AgreementForm, MeetingForm
from ronda.coordination.models import (
    FULFILLED_LATE,
    FULFILLED_ON_TIME,
    AgendaItem,
    Agreement,
    Attendance,
    BodyMember,
    Meeting,
)
from ronda.coordination.selectors import body_summary, overdue_agreements_panel
from ronda.coordination.tests.conftest import Coordination
from ronda.coordination.tests.test_api import BASE, auth, call
from ronda.coordination.tests.test_views import agreement_data, db_state
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def adopted(co: Coordination) -> datetime.date:
    return timezone.localtime(co.meeting.scheduled_at).date()


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- Item 1: agreement dates --------------------------------------------------------------
def test_due_date_before_the_adopting_meeting_is_refused(world: World, co: Coordination) -> None:
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        services.create_agreement(
            actor=SYSTEM,
            body=co.body,
            meeting=co.meeting,
            text="Imposible",
            owner_area=co.education,
            due_date=adopted(co) - DAY,
        )
    assert "anterior a la reunión que adoptó" in errors_of(exc)["due_date"][0]
    assert db_state() == before
    # On the day of the meeting itself it is fine.
    same_day = services.create_agreement(
        actor=SYSTEM, body=co.body, meeting=co.meeting, text="Hoy", owner_area=co.education, due_date=adopted(co)
    )
    assert same_day.due_date == adopted(co)


def test_due_date_edit_before_adoption_is_refused(world: World, co: Coordination) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_agreement(
            actor=SYSTEM, agreement=co.agreement, expected_version=1, due_date=adopted(co) - 10 * DAY
        )
    assert "due_date" in errors_of(exc)
    assert Agreement.objects.get(pk=co.agreement.pk).version == 1


def test_completion_before_adoption_is_refused(world: World, co: Coordination) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_agreement(
            actor=SYSTEM, agreement=co.agreement, expected_version=1, status="done", completed_on=adopted(co) - DAY
        )
    assert "anterior a la reunión que adoptó" in errors_of(exc)["completed_on"][0]
    done = services.update_agreement(
        actor=SYSTEM, agreement=co.agreement, expected_version=1, status="done", completed_on=adopted(co)
    )
    assert done.completed_on == adopted(co) and done.fulfilled_on_time


def test_completion_date_only_for_a_fulfilled_agreement(world: World, co: Coordination) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_agreement(
            actor=SYSTEM,
            body=co.body,
            meeting=co.meeting,
            text="Pendiente con fecha",
            owner_area=co.education,
            due_date=timezone.localdate() + DAY,
            completed_on=timezone.localdate(),
        )
    assert "Solo un acuerdo cumplido" in errors_of(exc)["completed_on"][0]
    with pytest.raises(ValidationError):
        services.update_agreement(
            actor=SYSTEM, agreement=co.agreement, expected_version=1, completed_on=timezone.localdate()
        )


def test_reopening_keeps_working_with_the_recorded_date_sent_back(world: World, co: Coordination) -> None:
    """The status form shows the recorded date: sending it back with a new status is no error."""
    done = services.update_agreement(actor=SYSTEM, agreement=co.agreement, expected_version=1, status="done")
    reopened = services.update_agreement(
        actor=SYSTEM, agreement=done, expected_version=2, status="in_progress", completed_on=done.completed_on
    )
    assert reopened.completed_on is None and reopened.status == "in_progress"


def test_every_problem_with_the_dates_is_reported_at_once(world: World, co: Coordination) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_agreement(
            actor=SYSTEM,
            agreement=co.agreement,
            expected_version=1,
            status="done",
            due_date=adopted(co) - 2 * DAY,
            completed_on=adopted(co) - DAY,
        )
    assert set(errors_of(exc)) == {"due_date", "completed_on"}


def test_a_meeting_cannot_move_past_its_agreements(world: World, co: Coordination) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_meeting(
            actor=SYSTEM,
            meeting=co.meeting,
            expected_version=co.meeting.version,
            scheduled_at=co.meeting.scheduled_at + datetime.timedelta(days=45),
        )
    assert "scheduled_at" in errors_of(exc)


def _impossible_completion(co: Coordination) -> Agreement:
    """An agreement saved before the rules: fulfilled "on time" a year before it was adopted."""
    Agreement.objects.filter(pk=co.agreement.pk).update(status="done", completed_on=adopted(co) - 365 * DAY)
    return Agreement.objects.select_related("meeting").get(pk=co.agreement.pk)


def test_an_impossible_completion_is_never_on_time(world: World, co: Coordination) -> None:
    bad = _impossible_completion(co)
    assert not bad.fulfilled_on_time
    assert not Agreement.objects.filter(FULFILLED_ON_TIME, pk=bad.pk).exists()
    assert Agreement.objects.filter(FULFILLED_LATE, pk=bad.pk).exists()  # on time + late = fulfilled
    summary = body_summary(co.body)
    assert summary["done"] == 1 and summary["done_on_time"] == 0 and summary["on_time_rate"] == 0
    figures = contracts.agreement_figures(world.municipality, bad.due_date, bad.due_date)
    assert figures.due == 1 and figures.fulfilled_on_time == 0 and figures.fulfilled_late == 1


def test_old_bad_data_still_shows_and_can_be_followed_up(world: World, co: Coordination) -> None:
    Agreement.objects.filter(pk=co.agreement.pk).update(due_date=adopted(co) - 30 * DAY)
    client = login(Client(), world.home["coordinator"])
    assert client.get(reverse("coordination:agreement_detail", args=[co.agreement.pk])).status_code == 200
    assert client.get(reverse("coordination:agreement_edit", args=[co.agreement.pk])).status_code == 200
    assert client.get(reverse("coordination:agreement_list")).status_code == 200
    # The focal point changes only the status: the old due date does not stand in the way.
    focal = login(Client(), world.home["area_focal"])
    focal.post(
        reverse("coordination:agreement_status", args=[co.agreement.pk]), {"status": "in_progress", "version": 1}
    )
    assert Agreement.objects.get(pk=co.agreement.pk).status == "in_progress"


def test_the_agreement_form_refuses_impossible_dates(world: World, co: Coordination) -> None:
    client = login(Client(), world.home["coordinator"])
    before = Agreement.objects.count()
    data = {
        **agreement_data(co),
        "due_date": (adopted(co) - DAY).isoformat(),
        "completed_on": timezone.localdate().isoformat(),
    }
    response = client.post(reverse("coordination:agreement_create", args=[co.meeting.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "anterior a la reunión que adoptó" in errors["due_date"][0]
    assert "Solo un acuerdo cumplido" in errors["completed_on"][0]
    assert Agreement.objects.count() == before


def test_the_status_form_refuses_a_completion_before_adoption(world: World, co: Coordination) -> None:
    focal = login(Client(), world.home["area_focal"])
    url = reverse("coordination:agreement_status", args=[co.agreement.pk])
    focal.post(url, {"status": "done", "completed_on": (adopted(co) - DAY).isoformat(), "version": 1})
    assert Agreement.objects.get(pk=co.agreement.pk).status == "pending"


def test_the_api_refuses_impossible_dates(world: World, co: Coordination, client: Client) -> None:
    coordinator = auth(world.home["coordinator"])
    before = db_state()
    body = {
        "body_id": co.body.pk,
        "meeting_id": co.meeting.pk,
        "text": "Por API",
        "owner_area_id": co.education.pk,
        "due_date": (adopted(co) - DAY).isoformat(),
    }
    response = call(client, "post", f"{BASE}/agreements", coordinator, body)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "due_date"
    pending_done = {**body, "due_date": timezone.localdate().isoformat(), "completed_on": adopted(co).isoformat()}
    response = call(client, "post", f"{BASE}/agreements", coordinator, pending_done)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "completed_on"
    assert db_state() == before
    url = f"{BASE}/agreements/{co.agreement.pk}"
    early = {"version": 1, "status": "done", "completed_on": (adopted(co) - DAY).isoformat()}
    response = call(client, "patch", url, coordinator, early)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "completed_on"
    assert Agreement.objects.get(pk=co.agreement.pk).status == "pending"


# --- Item 2: a meeting in the future has not been held ----------------------------------------
def _future(co: Coordination) -> Meeting:
    return services.schedule_meeting(
        actor=SYSTEM,
        body=co.body,
        kind="ordinary",
        mode="in_person",
        scheduled_at=timezone.now() + 5 * DAY,
        place="Sala",
    )


def test_a_future_meeting_cannot_be_marked_held(world: World, co: Coordination) -> None:
    with pytest.raises(ValidationError) as exc:
        services.schedule_meeting(
            actor=SYSTEM,
            body=co.body,
            kind="ordinary",
            mode="in_person",
            scheduled_at=timezone.now() + DAY,
            place="Sala",
            status="held",
        )
    assert "status" in errors_of(exc)
    future = _future(co)
    with pytest.raises(ValidationError):
        services.update_meeting(actor=SYSTEM, meeting=future, expected_version=1, status="held")
    assert Meeting.objects.get(pk=future.pk).status == "scheduled"


def test_a_future_meeting_gets_no_attendance_nor_minutes(world: World, co: Coordination) -> None:
    future = _future(co)
    member = co.paper_members[0]
    with pytest.raises(ValidationError):
        services.record_attendance(actor=SYSTEM, meeting=future, expected_version=1, statuses={member.pk: "present"})
    assert not Attendance.objects.filter(meeting=future).exists()
    client = login(Client(), world.home["coordinator"])
    for name in ("attendance_edit", "minutes_edit"):
        response = client.get(reverse(f"coordination:{name}", args=[future.pk]))
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("coordination:meeting_detail", args=[future.pk])
        )
    page = client.get(reverse("coordination:meeting_detail", args=[future.pk])).content.decode()
    assert reverse("coordination:attendance_edit", args=[future.pk]) not in page
    # A past meeting still offers it.
    past = client.get(reverse("coordination:meeting_detail", args=[co.meeting.pk])).content.decode()
    assert reverse("coordination:attendance_edit", args=[co.meeting.pk]) in past


def test_meetings_held_count_only_past_ones(world: World, co: Coordination) -> None:
    future = _future(co)
    with time_machine.travel(timezone.now(), tick=False):
        baseline = body_summary(co.body)["held_this_year"]
        Meeting.objects.filter(pk=future.pk).update(status="held")  # saved before the rule
        assert body_summary(co.body)["held_this_year"] == baseline
    day = timezone.localtime(future.scheduled_at).date()
    assert contracts.body_activity(world.municipality, day, day).meetings_held == 0


def test_the_meeting_form_and_api_refuse_a_future_held_meeting(world: World, co: Coordination, client: Client) -> None:
    web = login(Client(), world.home["coordinator"])
    when = timezone.localtime() + 3 * DAY
    data = {"kind": "ordinary", "mode": "in_person", "scheduled_at": when.strftime("%Y-%m-%dT%H:%M")}
    before = Meeting.objects.count()
    response = web.post(reverse("coordination:meeting_create"), {**data, "place": "Sala", "status": "held"})
    assert response.status_code == 200 and "status" in response.context["form"].errors
    payload = {"body_id": co.body.pk, **data, "scheduled_at": when.isoformat(), "place": "Sala", "status": "held"}
    response = call(client, "post", f"{BASE}/meetings", world.home["coordinator"], payload)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"
    assert Meeting.objects.count() == before


# --- Item 19: the meeting form shows every error at once ------------------------------------
def test_the_meeting_form_reports_date_and_place_together(world: World, co: Coordination) -> None:
    form = MeetingForm(
        {"kind": "ordinary", "mode": "in_person", "scheduled_at": "not a date", "place": "", "status": "scheduled"},
        body=co.body,
    )
    assert not form.is_valid()
    assert {"scheduled_at", "place"} <= set(form.errors)
    web = login(Client(), world.home["coordinator"])
    response = web.post(
        reverse("coordination:meeting_create"),
        {"kind": "ordinary", "mode": "virtual", "scheduled_at": "", "link": "", "status": "scheduled"},
    )
    assert {"scheduled_at", "link"} <= set(response.context["form"].errors)


# --- Item 8: members who left the body ---------------------------------------------------------
def _leave(member: BodyMember, days_ago: int = 2) -> BodyMember:
    services.update_member(
        actor=SYSTEM, member=member, expected_version=member.version, end_date=timezone.localdate() - days_ago * DAY
    )
    return BodyMember.objects.get(pk=member.pk)


def test_members_who_left_are_not_offered(world: World, co: Coordination) -> None:
    gone = _leave(co.paper_members[0])
    future = _future(co)
    presenters = AgendaItemForm(meeting=future).fields["presenter"].queryset  # type: ignore[attr-defined]
    owners = AgreementForm(body=co.body).fields["owner_member"].queryset  # type: ignore[attr-defined]
    assert gone not in presenters and co.paper_members[1] in presenters
    assert gone not in owners and co.paper_members[1] in owners
    # A meeting held while they were still in the body may still name them.
    assert gone in AgendaItemForm(meeting=co.meeting).fields["presenter"].queryset  # type: ignore[attr-defined]
    # An agreement they already own keeps them offered, so that editing it does not fail.
    kept = AgreementForm(body=co.body, current_owner=gone).fields["owner_member"].queryset  # type: ignore[attr-defined]
    assert gone in kept


def test_members_who_left_are_refused_by_the_services(world: World, co: Coordination) -> None:
    gone = _leave(co.paper_members[0])
    future = _future(co)
    with pytest.raises(ValidationError) as exc:
        services.add_agenda_item(actor=SYSTEM, meeting=future, title="Informe", presenter=gone)
    assert "presenter" in errors_of(exc)
    assert not AgendaItem.objects.filter(meeting=future).exists()
    with pytest.raises(ValidationError) as exc:
        services.create_agreement(
            actor=SYSTEM,
            body=co.body,
            meeting=co.meeting,
            text="Con alguien que se fue",
            owner_member=gone,
            due_date=timezone.localdate() + DAY,
        )
    assert "ya no integra la mesa" in errors_of(exc)["owner_member"][0]


def test_an_agreement_owned_by_a_member_who_left_can_still_be_edited(world: World, co: Coordination) -> None:
    agreement = services.create_agreement(
        actor=SYSTEM,
        body=co.body,
        meeting=co.meeting,
        text="Antes de irse",
        owner_member=co.paper_members[0],
        due_date=timezone.localdate() + DAY,
    )
    _leave(co.paper_members[0])
    web = login(Client(), world.home["coordinator"])
    data: dict[str, Any] = {
        "text": "Antes de irse (corregido)",
        "owner_member": co.paper_members[0].pk,
        "due_date": agreement.due_date.isoformat(),
        "status": "pending",
        "version": 1,
    }
    response = web.post(reverse("coordination:agreement_edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).text == "Antes de irse (corregido)"


def test_the_api_refuses_a_member_who_left(world: World, co: Coordination, client: Client) -> None:
    gone = _leave(co.paper_members[0])
    body = {
        "body_id": co.body.pk,
        "meeting_id": co.meeting.pk,
        "text": "Por API",
        "owner_member_id": gone.pk,
        "due_date": timezone.localdate().isoformat(),
    }
    response = call(client, "post", f"{BASE}/agreements", world.home["coordinator"], body)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "owner_member"


# --- Item 3: the home badge counts every overdue agreement ---------------------------------------
def test_the_home_badge_counts_all_overdue_agreements(world: World, co: Coordination) -> None:
    today = timezone.localdate()
    for n in range(6):
        agreement = services.create_agreement(
            actor=SYSTEM, body=co.body, text=f"Atrasado {n}", owner_area=co.education, due_date=today + DAY
        )
        Agreement.objects.filter(pk=agreement.pk).update(due_date=today - (n + 1) * DAY)
    user = world.home["coordinator"]
    panel = overdue_agreements_panel(actor_for(user, active_memberships(user)[0]))
    assert len(panel["overdue_agreements"]) == 5 and panel["overdue_total"] == 6
    html = login(Client(), user).get("/").content.decode()
    assert '<span class="badge bad">6</span>' in html


# --- Item 20: "all present" --------------------------------------------------------------------
def test_the_rest_present_marks_everyone_not_marked(world: World, co: Coordination) -> None:
    web = login(Client(), world.home["coordinator"])
    absent = co.paper_members[0]
    url = reverse("coordination:attendance_edit", args=[co.meeting.pk])
    data = {"version": co.meeting.version, f"member_{absent.pk}": "absent", "rest_present": "1"}
    assert web.post(url, data).status_code == 302
    recorded = dict(Attendance.objects.filter(meeting=co.meeting).values_list("member_id", "status"))
    members = BodyMember.objects.filter(body=co.body).count()
    assert recorded[absent.pk] == "absent"
    assert len(recorded) == members and list(recorded.values()).count("present") == members - 1
    # Without the action, only what was chosen is recorded.
    later = Meeting.objects.get(pk=co.later_meeting.pk)
    url = reverse("coordination:attendance_edit", args=[later.pk])
    web.post(url, {"version": later.version, f"member_{absent.pk}": "excused"})
    assert dict(Attendance.objects.filter(meeting=later).values_list("member_id", "status")) == {absent.pk: "excused"}


def test_invited_guests_are_recorded_and_named_in_the_acta(world: World, co: Coordination) -> None:
    from ronda.coordination import pdf, selectors

    web = login(Client(), world.home["coordinator"])
    url = reverse("coordination:attendance_edit", args=[co.meeting.pk])
    guests = "  Ana Pérez,   UNICEF \n\nLuis Mora, MIES\n"
    assert web.post(url, {"version": co.meeting.version, "guests": guests}).status_code == 302
    meeting = Meeting.objects.get(pk=co.meeting.pk)
    assert meeting.guests == "Ana Pérez, UNICEF\nLuis Mora, MIES"
    html = pdf.render_minutes_html(selectors.meeting_record(Meeting.objects.all()).get(pk=meeting.pk))
    assert "Ana Pérez, UNICEF; Luis Mora, MIES." in html
    too_many = "\n".join(f"Invitado {n}" for n in range(61))
    response = web.post(url, {"version": meeting.version, "guests": too_many})
    assert response.status_code == 200 and "guests" in response.context["form"].errors
    assert Meeting.objects.get(pk=co.meeting.pk).guests == meeting.guests
