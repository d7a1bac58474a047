"""The kernel's document store (issue #13 item 3): documents of any object, every upload a version,
the same checks as evidence, audited with the write, and nothing left behind by a refused or
rolled-back upload (no row, no file)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone, translation

from ronda.accounts.selectors import active_memberships
from ronda.core import documents
from ronda.core.errors import ConflictError, Errors
from ronda.core.models import AuditEvent, Document, DocumentVersion
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf(name: str = "Reglamento interno.pdf", pages: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(pages), content_type="application/pdf")


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def coordinator(world: World) -> Actor:
    user = world.home["coordinator"]
    return actor_for(user, active_memberships(user)[0])


def create(world: World, **overrides: object) -> Document:
    values: dict[str, object] = {
        "actor": coordinator(world),
        "owner": world.municipality,
        "org_unit": world.municipality,
        "kind": "regulation",
        "title": "Reglamento interno",
        "reference": "Resolución 12-2026",
        "dated": timezone.localdate(),
        "upload": pdf(),
    }
    values.update(overrides)
    return documents.create_document(**values)  # type: ignore[arg-type]


def test_a_document_is_stored_with_its_first_version_and_audited(world: World, media_root: Path) -> None:
    upload = pdf("C:\\Users\\ana\\Reglamento interno.pdf")
    content = upload.read()
    upload.seek(0)
    document = create(world, upload=upload)

    version = DocumentVersion.objects.get()
    assert document.current == version and version.number == 1
    assert document.owner == world.municipality and document.kind == "regulation"
    assert version.original_name == "Reglamento interno.pdf"  # no folders of the sender's machine
    assert version.content_type == "application/pdf" and version.size == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.uploaded_by == world.home["coordinator"]
    # A random storage name: the uploaded name never reaches the disk.
    assert version.file.name.startswith("documents/") and "Reglamento" not in version.file.name
    assert (media_root / version.file.name).read_bytes() == content

    events = AuditEvent.objects.order_by("id")
    assert [e.action for e in events] == ["document_added", "document_version_added"]
    assert all(e.org_unit_path == world.municipality.path for e in events)
    assert events[0].changes["title"] == [None, "Reglamento interno"]
    assert events[1].changes["sha256"] == [None, version.sha256]
    assert "file" not in events[1].changes  # the random name says nothing


def test_a_new_upload_adds_a_version_and_keeps_the_old_one(world: World, media_root: Path) -> None:
    document = create(world)
    first = document.current
    assert first is not None
    version = documents.add_version(
        actor=coordinator(world),
        document=document,
        org_unit=world.municipality,
        upload=pdf("Reglamento reformado.pdf", pages=2),
        expected_version=document.version,
        note="Reforma de 2027",
    )
    document.refresh_from_db()
    assert version.number == 2 and document.current == version and document.version == 2
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    assert (media_root / first.file.name).exists() and (media_root / version.file.name).exists()
    assert version.note == "Reforma de 2027"
    assert AuditEvent.objects.filter(action="document_version_added").count() == 2


def test_a_stale_form_is_a_conflict_and_leaves_nothing(world: World, media_root: Path) -> None:
    document = create(world)
    documents.add_version(
        actor=SYSTEM, document=document, org_unit=None, upload=pdf(), expected_version=document.version
    )
    before = (DocumentVersion.objects.count(), len(stored_files(media_root)), AuditEvent.objects.count())
    with pytest.raises(ConflictError):
        documents.add_version(
            actor=coordinator(world), document=document, org_unit=None, upload=pdf(), expected_version=1
        )
    assert (DocumentVersion.objects.count(), len(stored_files(media_root)), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Elija un archivo."),
        (SimpleUploadedFile("acta.pdf", b"", content_type="application/pdf"), "acta.pdf está vacío."),
        (
            SimpleUploadedFile("acta.pdf", b"%PDF-1.4 no soy un PDF", content_type="application/pdf"),
            "acta.pdf no es un documento PDF válido.",
        ),
        (
            SimpleUploadedFile("acta.docx", b"PK\x03\x04 a Word file", content_type="application/pdf"),
            "acta.docx no es una foto (JPEG o PNG) ni un documento PDF.",
        ),
    ],
    ids=["no file", "empty", "not a pdf", "wrong type"],
)
def test_a_bad_upload_is_refused_in_spanish_and_writes_nothing(
    world: World, media_root: Path, upload: SimpleUploadedFile | None, message: str
) -> None:
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        create(world, upload=upload)
    assert refused.value.message_dict == {"upload": [message]}
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not AuditEvent.objects.exists() and stored_files(media_root) == []


def test_a_file_too_large_is_refused(world: World, media_root: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RONDA_UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("acta.pdf", b"%PDF-" + b"0" * (1024 * 1024), content_type="application/pdf")
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        create(world, upload=big)
    assert refused.value.message_dict == {"upload": ["acta.pdf pesa más de 1 MB."]}
    assert not Document.objects.exists() and stored_files(media_root) == []


def test_every_problem_is_raised_at_once_with_the_domains_own(world: World, media_root: Path) -> None:
    errors = Errors()
    errors.add("kind", "Elija una de las opciones.")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        create(world, title="  ", dated=tomorrow, upload=None, errors=errors)
    assert refused.value.message_dict == {
        "kind": ["Elija una de las opciones."],
        "title": ["Este campo es obligatorio."],
        "dated": ["La fecha no puede ser futura."],
        "upload": ["Elija un archivo."],
    }
    assert not Document.objects.exists() and stored_files(media_root) == []


def test_a_rolled_back_upload_leaves_no_file(world: World, media_root: Path) -> None:
    class Later(Exception):
        pass

    with pytest.raises(Later), transaction.atomic():
        create(world)
        assert len(stored_files(media_root)) == 1  # written with the transaction …
        raise Later  # … which a later step of the caller refuses
    assert stored_files(media_root) == []  # … and gone with it
    assert not Document.objects.exists() and not AuditEvent.objects.exists()


def test_a_forgotten_actor_is_an_error(world: World) -> None:
    with pytest.raises(TypeError, match="never None"):
        create(world, actor=None)
    assert not Document.objects.exists()


def test_details_change_with_optimistic_locking(world: World) -> None:
    document = create(world)
    documents.update_document(
        actor=coordinator(world),
        document=document,
        org_unit=world.municipality,
        expected_version=document.version,
        changes={"title": "Reglamento de la mesa", "reference": "Resolución 13-2026"},
    )
    document.refresh_from_db()
    assert (document.title, document.reference, document.version) == ("Reglamento de la mesa", "Resolución 13-2026", 2)
    event = AuditEvent.objects.get(action="document_edited")
    assert event.changes["title"] == ["Reglamento interno", "Reglamento de la mesa"]
    with pytest.raises(ConflictError):
        documents.update_document(
            actor=coordinator(world),
            document=document,
            org_unit=None,
            expected_version=1,
            changes={"title": "Otro"},
        )
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        documents.update_document(
            actor=coordinator(world), document=document, org_unit=None, expected_version=2, changes={"title": ""}
        )
    assert refused.value.message_dict == {"title": ["Este campo es obligatorio."]}
    document.refresh_from_db()
    assert document.title == "Reglamento de la mesa"


def test_an_owners_documents_come_with_every_version_in_one_query(
    world: World,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    first = create(world, title="A. Reglamento")
    second = create(world, kind="decree", title="B. Decreto")
    for _ in range(3):
        documents.add_version(actor=SYSTEM, document=second, org_unit=None, upload=pdf(), expected_version=None)
    create(world, owner=world.other_municipality, title="Otro municipio")
    with django_assert_num_queries(1):
        listed = documents.documents_of(world.municipality)
        shown = [(item.document.title, [v.number for v in item.versions], item.current.uploaded_by) for item in listed]
    assert [(title, numbers) for title, numbers, _who in shown] == [
        ("B. Decreto", [4, 3, 2, 1]),
        ("A. Reglamento", [1]),
    ]
    assert [item.document.pk for item in documents.documents_of(world.municipality, kinds=["regulation"])] == [first.pk]


def test_the_store_is_narrowed_to_the_owners_a_policy_returns(world: World) -> None:
    from ronda.territory.models import OrgUnit

    mine = create(world)
    create(world, owner=world.other_municipality)
    assert list(documents.documents_in(OrgUnit.objects.filter(pk=world.municipality.pk))) == [mine]
    assert list(documents.versions_of(OrgUnit.objects.filter(pk=world.municipality.pk))) == [mine.current]
    assert not documents.documents_in(OrgUnit.objects.none()).exists()
    assert not documents.documents_in().exists()


def test_a_version_is_served_as_a_download_never_inline(world: World) -> None:
    document = create(world)
    assert document.current is not None
    response = documents.version_response(RequestFactory().get("/"), document.current)
    assert response["Content-Disposition"] == 'attachment; filename="Reglamento interno.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_document_events_are_read_through_the_owners_policy(world: World) -> None:
    from ronda.coordination import services as coordination_services
    from ronda.core import audit_readers

    body = coordination_services.create_body(actor=SYSTEM, org_unit=world.municipality, name="Mesa")
    document = create(world, owner=body)
    readers = audit_readers.registered()
    home = coordinator(world)
    away_user = world.away["coordinator"]
    away = actor_for(away_user, active_memberships(away_user)[0])
    assert list(readers["core.document"](home)) == [document]
    assert list(readers["core.documentversion"](home)) == [document.current]
    assert not readers["core.document"](away).exists()
    # An owner no domain registered is hidden from everyone (fail closed).
    create(world, title="De una unidad territorial")
    assert list(readers["core.document"](home)) == [document]
