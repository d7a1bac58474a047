"""The minutes (acta) as a PDF."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.coordination import pdf, selectors, services
from ronda.coordination.models import BodyMember, CoordinationBody, Meeting
from ronda.coordination.tests.conftest import Coordination
from ronda.core.models import AuditEvent
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


# --- An acta a Concejo would file (issue 9, item 16) ------------------------------------------------
def _minutes(co: Coordination, meeting: Meeting, **extra: object) -> Meeting:
    services.save_minutes(actor=SYSTEM, meeting=meeting, expected_version=None, minutes_text="Se trató.", **extra)
    return Meeting.objects.get(pk=meeting.pk)


def test_the_acta_number_is_given_on_approval_one_series_per_body_and_year(co: Coordination, held: Meeting) -> None:
    assert held.minutes_number is None and held.minutes_reference == ""
    assert str(_("Minutes no. — (given when the minutes are approved)")) in pdf.render_minutes_html(held)
    now = timezone.now()
    earlier = services.schedule_meeting(
        actor=SYSTEM,
        body=co.body,
        kind="ordinary",
        mode="in_person",
        place="Sala",
        scheduled_at=now - datetime.timedelta(days=9),
    )
    earlier = _minutes(co, earlier)
    first = services.approve_minutes(actor=SYSTEM, meeting=held, expected_version=None, approved_at=co.later_meeting)
    second = services.approve_minutes(
        actor=SYSTEM, meeting=earlier, expected_version=None, approved_at=co.later_meeting
    )
    year = timezone.localtime(held.scheduled_at).year
    assert (first.minutes_year, first.minutes_number) == (year, 1)
    assert (second.minutes_year, second.minutes_number) == (
        timezone.localtime(earlier.scheduled_at).year,
        2 if timezone.localtime(earlier.scheduled_at).year == year else 1,
    )
    other = _minutes(co, co.other_meeting)
    later_b = services.schedule_meeting(
        actor=SYSTEM,
        body=co.other_body,
        kind="ordinary",
        mode="in_person",
        place="Sala B",
        scheduled_at=now - datetime.timedelta(hours=1),
    )
    other = services.approve_minutes(actor=SYSTEM, meeting=other, expected_version=None, approved_at=later_b)
    assert other.minutes_number == 1  # each body has its own series
    html = pdf.render_minutes_html(selectors.meeting_record(Meeting.objects.all()).get(pk=held.pk))
    assert f"{first.minutes_number}-{year}" in html


def test_times_quorum_and_signatories(co: Coordination) -> None:
    services.record_attendance(
        actor=SYSTEM,
        meeting=co.meeting,
        expected_version=None,
        statuses={co.focal_member.pk: "present", co.coordinator_member.pk: "present", co.paper_members[0].pk: "absent"},
    )
    with pytest.raises(ValidationError) as exc:
        _minutes(co, co.meeting, started_at=datetime.time(10, 0), ended_at=datetime.time(9, 0))
    assert "ended_at" in exc.value.message_dict
    meeting = _minutes(
        co,
        co.meeting,
        started_at=datetime.time(9, 5),
        ended_at=datetime.time(11, 40),
        chaired_by=co.coordinator_member,
        recorded_by=co.focal_member,
    )
    html = pdf.render_minutes_html(selectors.meeting_record(Meeting.objects.all()).get(pk=meeting.pk))
    members = len(selectors.attendance_rows(meeting))
    quorum = ngettext(
        "%(present)s of %(members)s member present.", "%(present)s of %(members)s members present.", members
    )
    assert quorum % {"present": 2, "members": members} in html
    assert "09:05" in html and "11:40" in html
    signatures = html[html.index('class="signatures"') :]
    assert "Carlos Coordinador" in signatures and "Concejal" in signatures
    assert "Fabiola Salud" in signatures and "Directora de Salud" in signatures
    assert str(_("Chair of the meeting")) in signatures and str(_("Secretary of the meeting")) in signatures


def test_a_signatory_must_belong_to_the_body_that_day(co: Coordination) -> None:
    outsider = BodyMember.objects.filter(body=co.other_body).first()
    with pytest.raises(ValidationError) as exc:
        _minutes(co, co.meeting, chaired_by=outsider)
    assert "chaired_by" in exc.value.message_dict


def test_the_minutes_form_records_times_and_signatories(world: World, co: Coordination) -> None:
    client = login(Client(), world.home["coordinator"])
    url = reverse("coordination:minutes_edit", args=[co.meeting.pk])
    data = {
        "version": co.meeting.version,
        "minutes_text": "Se trató la campaña.",
        "started_at": "09:00",
        "ended_at": "10:30",
        "chaired_by": co.coordinator_member.pk,
        "recorded_by": co.focal_member.pk,
    }
    assert client.post(url, data).status_code == 302
    meeting = Meeting.objects.get(pk=co.meeting.pk)
    assert meeting.started_at == datetime.time(9, 0) and meeting.ended_at == datetime.time(10, 30)
    assert meeting.chaired_by == co.coordinator_member and meeting.recorded_by == co.focal_member


def test_a_scheduled_meeting_gets_a_notice_not_empty_minutes(world: World, co: Coordination) -> None:
    future = services.schedule_meeting(
        actor=SYSTEM,
        body=co.body,
        kind="ordinary",
        mode="virtual",
        link="https://meet.example.org/mesa",
        scheduled_at=timezone.now() + datetime.timedelta(days=4),
    )
    services.add_agenda_item(actor=SYSTEM, meeting=future, title="Presupuesto infantil", presenter=co.focal_member)
    meeting = selectors.meeting_record(Meeting.objects.all()).get(pk=future.pk)
    html = pdf.render_minutes_html(meeting)
    assert str(_("Notice of meeting")) in html and str(_("Minutes of the meeting")) not in html
    for text in ("https://meet.example.org/mesa", "Presupuesto infantil", "Fabiola Salud", "Persona 1"):
        assert text in html, text
    # A meeting whose date has passed gets its (draft) minutes, even before anyone wrote them.
    past = selectors.meeting_record(Meeting.objects.all()).get(pk=co.meeting.pk)
    assert past.status == "scheduled" and not pdf.is_notice(past)
    assert str(_("Minutes of the meeting")) in pdf.render_minutes_html(past)
    response = login(Client(), world.home["coordinator"]).get(reverse("coordination:minutes_pdf", args=[future.pk]))
    assert response.content.startswith(b"%PDF") and 'filename="convocatoria-' in response["Content-Disposition"]


def _page_texts(content: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.mark.parametrize("paragraphs", [20, 24, 28, 32])
def test_the_signatures_never_stand_alone_on_a_page(co: Coordination, paragraphs: int) -> None:
    """Whatever the length of the discussion, the page with the signatures also has the approval text."""
    text = "\n\n".join(f"Punto {n}: se discutió el seguimiento de los acuerdos anteriores." for n in range(paragraphs))
    services.save_minutes(
        actor=SYSTEM,
        meeting=co.meeting,
        expected_version=None,
        minutes_text=text,
        chaired_by=co.coordinator_member,
        recorded_by=co.focal_member,
    )
    meeting = selectors.meeting_record(Meeting.objects.all()).get(pk=co.meeting.pk)
    pages = _page_texts(pdf.render_minutes_pdf(meeting))
    # No attendance recorded: the chair's position ("Concejal") is printed only under a signature line.
    with_signatures = [n for n, page in enumerate(pages) if "Concejal" in page]
    assert len(with_signatures) == 1
    page = pages[with_signatures[0]]
    approval = str(_("These minutes are a draft. They will be submitted for approval at the next meeting of the body."))
    assert approval.split()[0] in page and "Carlos Coordinador" in page, (len(pages), page)


# --- The letterhead's coat of arms ----------------------------------------------------------------
def _image(fmt: str, size: tuple[int, int] = (80, 100)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 90, 40)).save(out, format=fmt)
    return out.getvalue()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_the_coordinator_uploads_the_coat_of_arms(world: World, co: Coordination, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = login(Client(), world.home["coordinator"])
    url = reverse("coordination:body_arms") + f"?mesa={co.body.pk}"
    response = client.post(url, {"version": co.body.version, "coat_of_arms": _upload("escudo.jpg", _image("JPEG"))})
    assert response.status_code == 302
    body = CoordinationBody.objects.get(pk=co.body.pk)
    assert body.coat_of_arms.endswith(".png") and body.version == co.body.version + 1
    with default_storage.open(body.coat_of_arms, "rb") as stored:
        assert stored.read().startswith(b"\x89PNG")  # re-encoded: nothing of the upload is kept as is
    assert AuditEvent.objects.filter(target_id=str(body.pk), changes__coat_of_arms__1=body.coat_of_arms).exists()
    held = _minutes(co, co.meeting)
    html = pdf.render_minutes_html(selectors.meeting_record(Meeting.objects.all()).get(pk=held.pk))
    assert 'class="arms" src="data:image/png;base64,' in html
    assert pdf.render_minutes_pdf(selectors.meeting_record(Meeting.objects.all()).get(pk=held.pk)).startswith(b"%PDF")


@pytest.mark.parametrize(
    "data",
    [
        b"%PNG not really an image",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a PNG signature and nothing behind it
        b"GIF89a" + b"\x00" * 40,
        "gif",
    ],
)
def test_only_a_real_png_or_jpeg_is_accepted(co: Coordination, settings: Any, tmp_path: Any, data: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    content = _image("GIF") if data == "gif" else data
    with pytest.raises(ValidationError) as exc:
        services.set_coat_of_arms(actor=SYSTEM, body=co.body, expected_version=None, upload=_upload("e.png", content))
    assert "coat_of_arms" in exc.value.message_dict
    assert not CoordinationBody.objects.get(pk=co.body.pk).coat_of_arms
    assert not any(tmp_path.rglob("*.png"))


def test_a_huge_coat_of_arms_is_refused_before_it_is_read(co: Coordination) -> None:
    from ronda.coordination.services.body import ARMS_MAX_BYTES, ARMS_MAX_SIDE

    big = _upload("e.png", b"\x00" * (ARMS_MAX_BYTES + 1))
    with pytest.raises(ValidationError):
        services.set_coat_of_arms(actor=SYSTEM, body=co.body, expected_version=None, upload=big)
    wide = _upload("e.png", _image("PNG", (ARMS_MAX_SIDE + 1, 10)))
    with pytest.raises(ValidationError):
        services.set_coat_of_arms(actor=SYSTEM, body=co.body, expected_version=None, upload=wide)


def test_the_coat_of_arms_upload_is_for_the_coordinator_only(world: World, co: Coordination) -> None:
    url = reverse("coordination:body_arms") + f"?mesa={co.body.pk}"
    for role in ("analyst", "area_focal"):
        response = login(Client(), world.home[role]).post(
            url, {"version": co.body.version, "coat_of_arms": _upload("e.png", _image("PNG"))}
        )
        assert response.status_code == 404
    assert not CoordinationBody.objects.get(pk=co.body.pk).coat_of_arms
