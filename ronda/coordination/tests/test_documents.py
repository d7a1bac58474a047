"""The body's documents (founding act, internal regulation) and the meetings' annexes (issue #13
item 3): every page and API route for every role at home, away and anonymous; the services' rules
and their errors; versions kept; nothing written by a refused request."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from ronda.accounts.selectors import active_memberships
from ronda.coordination import services as coordination_services
from ronda.coordination.models import MeetingStatus
from ronda.coordination.services import documents as services
from ronda.coordination.tests.conftest import READ, SEATED, Coordination, expect, unseat
from ronda.core.models import AuditEvent, Document, DocumentVersion
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

MANAGERS = expect(admin=200, coordinator=200)
PRESENTERS = expect(admin=200, coordinator=200, area_focal=200)  # the home focal point presents at co.meeting


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def pdf(name: str = "acta.pdf") -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def person(world: World, role: str) -> Actor:
    user = world.home[role]
    return actor_for(user, active_memberships(user)[0])


def written() -> tuple[Any, ...]:
    return (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        sum(Document.objects.values_list("version", flat=True)),
        tuple(Document.objects.order_by("pk").values_list("title", flat=True)),
    )


def founding_act(co: Coordination) -> Document:
    return services.add_body_document(
        actor=SYSTEM,
        body=co.body,
        kind="decree",
        title="Decreto de creación de la mesa",
        reference="Decreto 045-2024",
        dated=timezone.localdate(),
        upload=pdf("decreto.pdf"),
    )


def annex(co: Coordination, actor: Any = SYSTEM) -> Document:
    return services.add_meeting_annex(actor=actor, meeting=co.meeting, title="Informe de salud", upload=pdf())


def version_of(document: Document) -> dict[str, Any]:
    """A new version's form, with the document's version as it is now."""
    return {
        "upload": pdf("nueva.pdf"),
        "note": "Copia firmada",
        "version": Document.objects.get(pk=document.pk).version,
    }


# --- Pages ---------------------------------------------------------------------------------------
def test_the_sections_show_the_documents_to_the_bodys_readers(world: World, co: Coordination) -> None:
    act = founding_act(co)
    services.add_document_version(
        actor=SYSTEM, owner=co.body, document=act, upload=pdf("decreto-firmado.pdf"), expected_version=None
    )
    annex(co)
    overview = reverse("coordination:overview") + f"?mesa={co.body.pk}"
    meeting = reverse("coordination:meeting_detail", args=[co.meeting.pk])
    for role in ("coordinator", "supervisor", "area_focal"):
        client = login(Client(), world.home[role])
        page = client.get(overview).content.decode()
        assert "Decreto de creación de la mesa" in page and "decreto-firmado.pdf" in page and "Decreto 045-2024" in page
        assert ("documentos/nuevo/" in page) is (role == "coordinator")
        assert ("/version/" in page) is (role == "coordinator")
        page = client.get(meeting).content.decode()
        assert "Informe de salud" in page
        # The focal point presents at this meeting: they add annexes too.
        assert ("anexos/nuevo/" in page) is (role in ("coordinator", "area_focal"))


def test_body_document_create(world: World, co: Coordination) -> None:
    url = reverse("coordination:body_document_create") + f"?mesa={co.body.pk}"
    check_access_matrix(world, url=url, expected=MANAGERS)

    def data(_world: World) -> dict[str, Any]:
        # The administrator uploads the regulation, then the coordinator the founding act.
        taken = Document.objects.filter(kind="regulation").exists()
        return {
            "kind": "decree" if taken else "regulation",
            "title": "Decreto" if taken else "Reglamento interno",
            "reference": "Decreto 1",
            "dated": timezone.localdate().isoformat(),
            "upload": pdf(),
        }

    check_access_matrix(
        world, url=url, method="post", data=data, expected=expect(admin=302, coordinator=302), state=written
    )
    assert sorted(Document.objects.values_list("kind", flat=True)) == ["decree", "regulation"]
    assert Document.objects.get(kind="decree").created_by == world.home["coordinator"]


def test_annex_create(world: World, co: Coordination) -> None:
    url = reverse("coordination:annex_create", args=[co.meeting.pk])
    check_access_matrix(world, url=url, expected=PRESENTERS)
    data = lambda _world: {"title": "Presentación", "upload": pdf()}  # noqa: E731
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=expect(admin=302, coordinator=302, area_focal=302),
        state=written,
    )
    assert Document.objects.filter(kind="annex").count() == 3
    # At a meeting where they present nothing, the focal point is a reader only.
    other = reverse("coordination:annex_create", args=[co.later_meeting.pk])
    check_access_matrix(world, url=other, expected=MANAGERS)


def test_document_version_create_and_edit_of_the_bodys_document(world: World, co: Coordination) -> None:
    act = founding_act(co)
    url = reverse("coordination:document_version_create", args=[act.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda _w: version_of(act),
        expected=expect(admin=302, coordinator=302),
        state=written,
    )
    assert list(DocumentVersion.objects.filter(document=act).values_list("number", flat=True)) == [3, 2, 1]

    edit = reverse("coordination:document_edit", args=[act.pk])
    check_access_matrix(world, url=edit, expected=MANAGERS)

    def details(_world: World) -> dict[str, Any]:
        current = Document.objects.get(pk=act.pk)
        return {
            "kind": "resolution",
            "title": f"Resolución de creación {current.version}",
            "reference": "Resolución 7",
            "dated": timezone.localdate().isoformat(),
            "version": current.version,
        }

    check_access_matrix(
        world, url=edit, method="post", data=details, expected=expect(admin=302, coordinator=302), state=written
    )
    act.refresh_from_db()
    assert (act.kind, act.reference) == ("resolution", "Resolución 7")


def test_a_presenter_revises_their_own_annex_not_the_coordinators(world: World, co: Coordination) -> None:
    own = annex(co, actor=person(world, "area_focal"))
    theirs = annex(co)
    for name in ("coordination:document_version_create", "coordination:document_edit"):
        check_access_matrix(world, url=reverse(name, args=[own.pk]), expected=PRESENTERS)
        check_access_matrix(world, url=reverse(name, args=[theirs.pk]), expected=MANAGERS)
    check_access_matrix(
        world,
        url=reverse("coordination:document_edit", args=[own.pk]),
        method="post",
        data=lambda _w: {"title": "Informe revisado", "version": Document.objects.get(pk=own.pk).version},
        expected=expect(admin=302, coordinator=302, area_focal=302),
        state=written,
    )


def test_document_download(world: World, co: Coordination) -> None:
    act = founding_act(co)
    paper = annex(co)
    assert act.current is not None and paper.current is not None
    for version in (act.current, paper.current):
        check_access_matrix(world, url=reverse("coordination:document_download", args=[version.pk]), expected=SEATED)
    other = services.add_meeting_annex(actor=SYSTEM, meeting=co.other_meeting, title="Anexo de B", upload=pdf())
    assert other.current is not None
    check_access_matrix(
        world,
        url=reverse("coordination:document_download", args=[other.current.pk]),
        expected=expect(admin=200),
        away={"secretariat": 200, "analyst": 200},  # country B's readers
    )
    # A focal point without a seat reads nothing of the body.
    unseat(co)
    check_access_matrix(world, url=reverse("coordination:document_download", args=[act.current.pk]), expected=READ)


def test_the_download_is_an_attachment_that_is_not_sniffed(world: World, co: Coordination) -> None:
    act = founding_act(co)
    assert act.current is not None
    client = login(Client(), world.home["area_focal"])
    response = client.get(reverse("coordination:document_download", args=[act.current.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="decreto.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_a_bad_file_comes_back_on_the_form_and_writes_nothing(world: World, co: Coordination, media_root: Path) -> None:
    client = login(Client(), world.home["coordinator"])
    url = reverse("coordination:body_document_create") + f"?mesa={co.body.pk}"
    fake = SimpleUploadedFile("reglamento.pdf", b"<html>no</html>", content_type="application/pdf")
    response = client.post(url, {"kind": "regulation", "title": "Reglamento", "upload": fake})
    assert response.status_code == 200
    assert "reglamento.pdf no es una foto (JPEG o PNG) ni un documento PDF." in response.content.decode()
    assert written() == (0, 0, 0, ())
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


# --- API ----------------------------------------------------------------------------------------
def test_api_lists_and_downloads(world: World, co: Coordination) -> None:
    act = founding_act(co)
    paper = annex(co)
    assert act.current is not None
    check_access_matrix(world, url=f"/api/v1/coordination/bodies/{co.body.pk}/documents", expected=SEATED, api=True)
    check_access_matrix(
        world, url=f"/api/v1/coordination/meetings/{co.meeting.pk}/documents", expected=SEATED, api=True
    )
    check_access_matrix(
        world, url=f"/api/v1/coordination/document-versions/{act.current.pk}/file", expected=SEATED, api=True
    )
    client = Client()
    from ronda.testing import api_token

    token = api_token(world.home["supervisor"])
    body = client.get(
        f"/api/v1/coordination/meetings/{co.meeting.pk}/documents", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert body["count"] == 1 and body["results"][0]["title"] == "Informe de salud"
    assert body["results"][0]["versions"][0]["number"] == 1 and paper.current is not None
    assert body["results"][0]["versions"][0]["sha256"] == paper.current.sha256


def test_api_uploads(world: World, co: Coordination) -> None:
    def body_document(_world: World) -> dict[str, Any]:
        taken = Document.objects.filter(kind="regulation").exists()
        kind = "other_act" if taken else "regulation"
        return {"kind": kind, "title": "Acta", "reference": "Acta 3", "dated": "2024-05-01", "upload": pdf()}

    check_access_matrix(
        world,
        url=f"/api/v1/coordination/bodies/{co.body.pk}/documents",
        method="post",
        data=body_document,
        multipart=True,
        api=True,
        expected=expect(admin=201, coordinator=201),
        state=written,
    )
    check_access_matrix(
        world,
        url=f"/api/v1/coordination/meetings/{co.meeting.pk}/documents",
        method="post",
        data=lambda _w: {"title": "Anexo", "upload": pdf()},
        multipart=True,
        api=True,
        expected=expect(admin=201, coordinator=201, area_focal=201),
        state=written,
    )
    act = Document.objects.get(kind="regulation")
    check_access_matrix(
        world,
        url=f"/api/v1/coordination/documents/{act.pk}/versions",
        method="post",
        data=lambda _w: {"upload": pdf(), "note": "Reformado"},
        multipart=True,
        api=True,
        expected=expect(admin=201, coordinator=201),
        state=written,
    )
    assert list(act.versions.values_list("number", flat=True)) == [3, 2, 1]


def test_api_refuses_a_bad_file_and_a_stale_version(world: World, co: Coordination) -> None:
    from ronda.testing import api_token

    act = founding_act(co)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home['coordinator'])}"}
    client = Client()
    fake = SimpleUploadedFile("decreto.pdf", b"%PDF-1.4 nada", content_type="application/pdf")
    url = f"/api/v1/coordination/documents/{act.pk}/versions"
    response = client.post(url, {"upload": fake}, **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "upload", "message": "decreto.pdf no es un documento PDF válido."}]
    response = client.post(url, {"upload": pdf(), "version": act.version + 5}, **auth)
    assert response.status_code == 409
    assert written()[:2] == (1, 1)
    response = client.post(url, {"upload": pdf(), "version": act.version}, **auth)
    assert response.status_code == 201 and response.json()["number"] == 2


# --- Services ------------------------------------------------------------------------------------
def test_a_founding_act_needs_its_number_and_date_and_comes_once(world: World, co: Coordination) -> None:
    coordinator = person(world, "coordinator")
    with translation.override("es"):
        with pytest.raises(ValidationError) as refused:
            services.add_body_document(
                actor=coordinator, body=co.body, kind="resolution", title="Resolución", upload=pdf()
            )
        assert refused.value.message_dict == {
            "reference": [gettext("Give the number of the act.")],
            "dated": [gettext("Give the date of the act.")],
        }
        founding_act(co)
        with pytest.raises(ValidationError) as refused:
            services.add_body_document(
                actor=coordinator,
                body=co.body,
                kind="other_act",
                title="Otra acta",
                reference="Acta 1",
                dated=timezone.localdate(),
                upload=pdf(),
            )
        assert refused.value.message_dict == {
            "kind": [gettext("The body already has its founding act: upload a new version of it.")]
        }
        services.add_body_document(actor=coordinator, body=co.body, kind="regulation", title="Reglamento", upload=pdf())
        with pytest.raises(ValidationError) as refused:
            services.add_body_document(actor=coordinator, body=co.body, kind="regulation", title="Otro", upload=pdf())
        assert refused.value.message_dict == {
            "kind": [gettext("The body already has its internal regulation: upload a new version of it.")]
        }
        with pytest.raises(ValidationError) as refused:
            services.add_body_document(actor=coordinator, body=co.body, kind="minutes", title="Acta", upload=None)
        assert refused.value.message_dict == {"kind": ["Elija una de las opciones."], "upload": ["Elija un archivo."]}
    assert Document.objects.count() == 2 and DocumentVersion.objects.count() == 2
    event = AuditEvent.objects.filter(action="document_added", actor=world.home["coordinator"]).get()
    assert event.org_unit_path == world.municipality.path


def test_who_may_upload_what(world: World, co: Coordination) -> None:
    with pytest.raises(PermissionDenied):
        services.add_body_document(
            actor=person(world, "supervisor"), body=co.body, kind="regulation", title="Reglamento", upload=pdf()
        )
    with pytest.raises(PermissionDenied):
        services.add_body_document(
            actor=person(world, "area_focal"), body=co.body, kind="regulation", title="Reglamento", upload=pdf()
        )
    # The focal point presents at co.meeting, not at co.later_meeting.
    focal = person(world, "area_focal")
    own = annex(co, actor=focal)
    with pytest.raises(PermissionDenied):
        services.add_meeting_annex(actor=focal, meeting=co.later_meeting, title="Anexo", upload=pdf())
    theirs = annex(co)
    with pytest.raises(PermissionDenied):
        services.add_document_version(
            actor=focal, owner=co.meeting, document=theirs, upload=pdf(), expected_version=None
        )
    services.add_document_version(actor=focal, owner=co.meeting, document=own, upload=pdf(), expected_version=None)
    # Once the minutes are approved, the record is closed to the presenters (not to the coordinator).
    meeting = coordination_services.save_minutes(
        actor=SYSTEM, meeting=co.meeting, expected_version=None, minutes_text="Acta"
    )
    coordination_services.approve_minutes(
        actor=SYSTEM, meeting=meeting, expected_version=None, approved_at=co.later_meeting
    )
    meeting.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.add_meeting_annex(actor=focal, meeting=meeting, title="Tarde", upload=pdf())
    services.add_meeting_annex(actor=person(world, "coordinator"), meeting=meeting, title="Acta firmada", upload=pdf())
    assert Document.objects.filter(kind="annex").count() == 3
    assert DocumentVersion.objects.filter(document=own).count() == 2


def test_a_cancelled_meeting_takes_annexes_from_the_coordinator_only(world: World, co: Coordination) -> None:
    from ronda.coordination.models import Meeting

    Meeting.objects.filter(pk=co.meeting.pk).update(status=MeetingStatus.CANCELLED)
    meeting = Meeting.objects.select_related("body__org_unit").get(pk=co.meeting.pk)
    with pytest.raises(PermissionDenied):
        services.add_meeting_annex(actor=person(world, "area_focal"), meeting=meeting, title="Anexo", upload=pdf())
    services.add_meeting_annex(actor=person(world, "coordinator"), meeting=meeting, title="Anexo", upload=pdf())


def test_editing_keeps_a_founding_act_a_founding_act(world: World, co: Coordination) -> None:
    act = founding_act(co)
    coordinator = person(world, "coordinator")
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        services.edit_document(
            actor=coordinator,
            owner=co.body,
            document=act,
            expected_version=act.version,
            title="Reglamento",
            kind="regulation",
        )
    assert refused.value.message_dict == {"kind": ["Elija una de las opciones."]}
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        services.edit_document(
            actor=coordinator, owner=co.body, document=act, expected_version=act.version, title="Decreto", reference=""
        )
    assert refused.value.message_dict == {
        "reference": [gettext("Give the number of the act.")],
        "dated": [gettext("Give the date of the act.")],
    }
    act.refresh_from_db()
    assert act.title == "Decreto de creación de la mesa" and act.version == 1
    with pytest.raises(ValueError, match="does not belong"):
        services.edit_document(actor=SYSTEM, owner=co.other_body, document=act, expected_version=None, title="Otro")
