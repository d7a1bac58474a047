"""The access matrix of every page of the coordination body (GET, and every POST with state=)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.coordination import services
from ronda.coordination.models import (
    AgendaItem,
    Agreement,
    AgreementNote,
    Attendance,
    BodyMember,
    Commission,
    CoordinationBody,
    Meeting,
    QuestionnaireReceipt,
    QuestionnaireResponse,
    QuestionnaireRound,
)
from ronda.coordination.questionnaire import ITEM_KEYS
from ronda.coordination.tests.conftest import READ, SEATED, Coordination, expect, unseat
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

MANAGERS_GET = expect(admin=200, coordinator=200)
MANAGERS_POST = expect(admin=302, coordinator=302)


def db_state() -> tuple[Any, ...]:
    """Row counts and the sum of versions of everything in the app, plus the audit trail."""
    versioned = (CoordinationBody, BodyMember, Commission, Meeting, Agreement, QuestionnaireRound)
    return (
        *(m.objects.count() for m in (*versioned, AgendaItem, Attendance, AgreementNote)),
        *(m.objects.aggregate(v=Sum("version"))["v"] for m in versioned),
        QuestionnaireResponse.objects.count(),
        QuestionnaireReceipt.objects.count(),
        AuditEvent.objects.count(),
    )


def mesa(name: str, co: Coordination, *args: Any) -> str:
    return reverse(f"coordination:{name}", args=args) + f"?mesa={co.body.pk}"


# --- Body ------------------------------------------------------------------------------
def test_overview_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=mesa("overview", co), expected=SEATED)


def test_overview_without_body_choice(world: World, co: Coordination) -> None:
    # Without ?mesa= each reader lands on their own body; a neighbouring coordinator on the set-up form.
    check_access_matrix(
        world,
        url=reverse("coordination:overview"),
        expected=SEATED,
        away={"coordinator": 200, "secretariat": 200, "analyst": 200, "supervisor": 200},
    )


def test_body_create_matrix(world: World, co: Coordination) -> None:
    # Home already has a body (form error, 200); the neighbouring coordinator sets theirs up (302).
    check_access_matrix(
        world,
        url=reverse("coordination:body_create"),
        method="post",
        data={"name": "Mesa técnica"},
        expected=expect(coordinator=200),
        away={"coordinator": 302},
        state=db_state,
    )


def test_body_edit_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=mesa("body_edit", co), expected=MANAGERS_GET)
    check_access_matrix(
        world,
        url=mesa("body_edit", co),
        method="post",
        data=lambda w: {"name": "Mesa renombrada", "version": CoordinationBody.objects.get(pk=co.body.pk).version},
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_body_arms_matrix(world: World, co: Coordination) -> None:
    # No image chosen: managers see the form again with its error (200), nothing is written; every
    # other role, and every manager elsewhere, gets 404 before the form is read.
    check_access_matrix(
        world,
        url=mesa("body_arms", co),
        method="post",
        data=lambda w: {"version": CoordinationBody.objects.get(pk=co.body.pk).version},
        expected=MANAGERS_GET,
        state=db_state,
    )


def test_member_list_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=mesa("member_list", co), expected=SEATED)


def member_data(co: Coordination, version: int | None = None) -> dict[str, Any]:
    data = {
        "full_name": "Nueva Persona",
        "level": "technical",
        "position": "Técnica",
        "area": co.education.pk,
        "start_date": "2025-01-01",
    }
    if version is not None:
        data["version"] = version
    return data


def test_member_create_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=mesa("member_create", co), expected=MANAGERS_GET)
    check_access_matrix(
        world,
        url=mesa("member_create", co),
        method="post",
        data=member_data(co),
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_member_edit_matrix(world: World, co: Coordination) -> None:
    url = reverse("coordination:member_edit", args=[co.paper_members[0].pk])
    check_access_matrix(world, url=url, expected=MANAGERS_GET)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: member_data(co, BodyMember.objects.get(pk=co.paper_members[0].pk).version),
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_commission_create_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=mesa("commission_create", co), expected=MANAGERS_GET)
    names = iter(["Comisión 1", "Comisión 2"])
    check_access_matrix(
        world,
        url=mesa("commission_create", co),
        method="post",
        data=lambda w: {"name": next(names, "Comisión X"), "members": [co.focal_member.pk]},
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_commission_edit_matrix(world: World, co: Coordination) -> None:
    commission = services.create_commission(actor=SYSTEM, body=co.body, name="Protección")
    url = reverse("coordination:commission_edit", args=[commission.pk])
    check_access_matrix(world, url=url, expected=MANAGERS_GET)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: {
            "name": "Protección integral",
            "members": [co.focal_member.pk],
            "version": Commission.objects.get(pk=commission.pk).version,
        },
        expected=MANAGERS_POST,
        state=db_state,
    )


# --- Meetings --------------------------------------------------------------------------
def test_meeting_list_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=mesa("meeting_list", co), expected=SEATED)


def test_calendar_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=mesa("calendar", co, timezone.localdate().year), expected=SEATED)
    check_access_matrix(
        world, url=mesa("calendar_current", co), expected=expect(**{r: 302 for r in SEATED if SEATED[r] == 200})
    )


def meeting_data(version: int | None = None) -> dict[str, Any]:
    when = timezone.localtime() + datetime.timedelta(days=10)
    data: dict[str, Any] = {
        "kind": "ordinary",
        "mode": "in_person",
        "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"),
        "place": "Sala",
        "status": "scheduled",
    }
    if version is not None:
        data["version"] = version
    return data


def test_meeting_create_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=mesa("meeting_create", co), expected=MANAGERS_GET)
    check_access_matrix(
        world,
        url=mesa("meeting_create", co),
        method="post",
        data=meeting_data(),
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_meeting_detail_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=reverse("coordination:meeting_detail", args=[co.meeting.pk]), expected=SEATED)
    unseat(co)
    check_access_matrix(world, url=reverse("coordination:meeting_detail", args=[co.meeting.pk]), expected=READ)


def test_meeting_edit_matrix(world: World, co: Coordination) -> None:
    url = reverse("coordination:meeting_edit", args=[co.later_meeting.pk])
    check_access_matrix(world, url=url, expected=MANAGERS_GET)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: meeting_data(Meeting.objects.get(pk=co.later_meeting.pk).version),
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_agenda_add_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=reverse("coordination:agenda_add", args=[co.meeting.pk]),
        method="post",
        data={"title": "Punto nuevo", "minutes_allotted": 10},
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_agenda_remove_matrix(world: World, co: Coordination) -> None:
    # Each allowed attempt removes the first remaining item (the fixture has three).
    check_access_matrix(
        world,
        url=reverse("coordination:agenda_remove", args=[co.meeting.pk]),
        method="post",
        data=lambda w: {"item": AgendaItem.objects.filter(meeting=co.meeting).order_by("order").first().pk},  # type: ignore[union-attr]
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_attendance_matrix(world: World, co: Coordination) -> None:
    url = reverse("coordination:attendance_edit", args=[co.meeting.pk])
    check_access_matrix(world, url=url, expected=MANAGERS_GET)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: {
            f"member_{co.focal_member.pk}": "present",
            "version": Meeting.objects.get(pk=co.meeting.pk).version,
        },
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_minutes_edit_matrix(world: World, co: Coordination) -> None:
    url = reverse("coordination:minutes_edit", args=[co.meeting.pk])
    check_access_matrix(world, url=url, expected=MANAGERS_GET)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: {"minutes_text": "Se trató…", "version": Meeting.objects.get(pk=co.meeting.pk).version},
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_minutes_approve_matrix(world: World, co: Coordination) -> None:
    services.save_minutes(actor=SYSTEM, meeting=co.meeting, expected_version=None, minutes_text="Acta")
    check_access_matrix(
        world,
        url=reverse("coordination:minutes_approve", args=[co.meeting.pk]),
        method="post",
        data=lambda w: {
            "approved_at": co.later_meeting.pk,
            "version": Meeting.objects.get(pk=co.meeting.pk).version,
        },
        expected=MANAGERS_POST,
        state=db_state,
    )
    assert Meeting.objects.get(pk=co.meeting.pk).minutes_approved_at_id == co.later_meeting.pk


def test_minutes_pdf_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=reverse("coordination:minutes_pdf", args=[co.meeting.pk]), expected=READ)


# --- Agreements ------------------------------------------------------------------------
AGREEMENT_READERS = expect(admin=200, secretariat=200, coordinator=200, analyst=200, supervisor=200, area_focal=200)
FOLLOW_UP_POST = expect(admin=302, coordinator=302, area_focal=302)


def test_agreement_list_matrix(world: World, co: Coordination) -> None:
    # Every role that reads agreements gets its own (possibly empty) list, at home and away.
    check_access_matrix(
        world,
        url=reverse("coordination:agreement_list"),
        expected=AGREEMENT_READERS,
        away={r: 200 for r in ("secretariat", "coordinator", "analyst", "supervisor", "area_focal")},
    )


def test_agreement_list_with_body_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=mesa("agreement_list", co), expected=AGREEMENT_READERS, away={"area_focal": 200})


def test_agreement_detail_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world, url=reverse("coordination:agreement_detail", args=[co.agreement.pk]), expected=AGREEMENT_READERS
    )


def test_other_area_agreement_hidden_from_focal(world: World, co: Coordination) -> None:
    unseat(co)  # a focal point without a seat on the body: their own area's agreements only
    check_access_matrix(
        world, url=reverse("coordination:agreement_detail", args=[co.education_agreement.pk]), expected=READ
    )


def agreement_data(co: Coordination, version: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": "Acuerdo nuevo",
        "owner_area": co.education.pk,
        "due_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "status": "pending",
    }
    if version is not None:
        data["version"] = version
    return data


def test_agreement_create_matrix(world: World, co: Coordination) -> None:
    url = reverse("coordination:agreement_create", args=[co.meeting.pk])
    check_access_matrix(world, url=url, expected=MANAGERS_GET)
    check_access_matrix(world, url=url, method="post", data=agreement_data(co), expected=MANAGERS_POST, state=db_state)


def test_agreement_edit_matrix(world: World, co: Coordination) -> None:
    url = reverse("coordination:agreement_edit", args=[co.agreement.pk])
    check_access_matrix(world, url=url, expected=MANAGERS_GET)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: {
            **agreement_data(co, Agreement.objects.get(pk=co.agreement.pk).version),
            "owner_area": world.area.pk,
        },
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_agreement_status_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=reverse("coordination:agreement_status", args=[co.agreement.pk]),
        method="post",
        data=lambda w: {"status": "in_progress", "version": Agreement.objects.get(pk=co.agreement.pk).version},
        expected=FOLLOW_UP_POST,
        state=db_state,
    )


def test_agreement_status_of_other_area_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=reverse("coordination:agreement_status", args=[co.education_agreement.pk]),
        method="post",
        data=lambda w: {
            "status": "in_progress",
            "version": Agreement.objects.get(pk=co.education_agreement.pk).version,
        },
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_agreement_note_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=reverse("coordination:agreement_note", args=[co.agreement.pk]),
        method="post",
        data={"text": "Avance: se compraron las vacunas."},
        expected=FOLLOW_UP_POST,
        state=db_state,
    )
    assert AgreementNote.objects.filter(agreement=co.agreement).count() == 3


# --- Questionnaire ---------------------------------------------------------------------
def test_round_list_matrix(world: World, co: Coordination) -> None:
    # Members of the body (the home coordinator and focal point are linked) and readers.
    check_access_matrix(world, url=mesa("round_list", co), expected=dict(READ, area_focal=200))


def test_round_open_matrix(world: World, co: Coordination) -> None:
    services.close_round(actor=SYSTEM, round_=co.round, expected_version=None)
    check_access_matrix(
        world,
        url=mesa("round_open", co),
        method="post",
        data={"title": "Segunda ronda"},
        expected=MANAGERS_POST,
        state=db_state,
    )
    # The first allowed attempt opened it; the second was refused because one round is open.
    assert QuestionnaireRound.objects.filter(body=co.body, is_closed=False).count() == 1


def test_round_detail_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=reverse("coordination:round_detail", args=[co.round.pk]), expected=READ)


def test_round_close_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=reverse("coordination:round_close", args=[co.round.pk]),
        method="post",
        data=lambda w: {"version": QuestionnaireRound.objects.get(pk=co.round.pk).version},
        expected=MANAGERS_POST,
        state=db_state,
    )


def test_round_answer_matrix(world: World, co: Coordination) -> None:
    # Only members of the body may answer, whatever their role: here the linked coordinator and focal point.
    url = reverse("coordination:round_answer", args=[co.round.pk])
    check_access_matrix(world, url=url, expected=expect(coordinator=200, area_focal=200))
    answers = dict.fromkeys(ITEM_KEYS, "4")
    check_access_matrix(
        world, url=url, method="post", data=answers, expected=expect(coordinator=200, area_focal=200), state=db_state
    )
    assert QuestionnaireResponse.objects.filter(round=co.round).count() == 2
    assert QuestionnaireReceipt.objects.filter(round=co.round).count() == 2


# --- Behaviour of the pages ------------------------------------------------------------
def test_stale_edit_is_a_form_error_not_an_overwrite(world: World, co: Coordination) -> None:
    services.update_agreement(actor=SYSTEM, agreement=co.agreement, expected_version=1, status="in_progress")
    client = login(Client(), world.home["coordinator"])
    response = client.post(
        reverse("coordination:agreement_edit", args=[co.agreement.pk]),
        {**agreement_data(co, version=1), "owner_area": world.area.pk, "text": "Texto pisado"},
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert Agreement.objects.get(pk=co.agreement.pk).text == "Campaña de vacunación en escuelas"
    # The same for the focal point's status form: a message, nothing changed.
    focal = login(Client(), world.home["area_focal"])
    focal.post(reverse("coordination:agreement_status", args=[co.agreement.pk]), {"status": "done", "version": 1})
    assert Agreement.objects.get(pk=co.agreement.pk).status == "in_progress"


def test_agreement_form_without_owner_shows_error(world: World, co: Coordination) -> None:
    client = login(Client(), world.home["coordinator"])
    before = Agreement.objects.count()
    response = client.post(
        reverse("coordination:agreement_create", args=[co.meeting.pk]), {**agreement_data(co), "owner_area": ""}
    )
    assert response.status_code == 200 and "has-error" in response.content.decode()
    assert Agreement.objects.count() == before


def test_agenda_htmx_returns_the_partial(world: World, co: Coordination) -> None:
    client = login(Client(), world.home["coordinator"])
    response = client.post(
        reverse("coordination:agenda_add", args=[co.meeting.pk]),
        {"title": "Punto por htmx", "minutes_allotted": 5},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Punto por htmx" in html and "<html" not in html
    empty = client.post(reverse("coordination:agenda_add", args=[co.meeting.pk]), {"title": ""}, HTTP_HX_REQUEST="true")
    assert "field-error" in empty.content.decode()


def test_setup_form_for_a_coordinator_without_body(world: World) -> None:
    client = login(Client(), world.home["coordinator"])
    page = client.get(reverse("coordination:overview"))
    assert page.status_code == 200 and reverse("coordination:body_create") in page.content.decode()
    response = client.post(reverse("coordination:body_create"), {"name": "Mesa técnica de A"})
    body = CoordinationBody.objects.get(org_unit=world.municipality)
    assert response.status_code == 302 and response["Location"].endswith(f"?mesa={body.pk}")
