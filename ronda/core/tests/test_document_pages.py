"""core.document_pages and core.document_endpoints: the flow every domain's document pages and
endpoints share, on the kernel's own store with a real owner (an org unit, as in test_documents).

The domains' tests (coordination, planning) run the same flow through their routes, policies and
templates; here the kernel's part is checked alone: what the page is drawn with, what the service is
given, the message and the way back, and a refusal shown on the form with nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from ronda.accounts.selectors import active_memberships
from ronda.core import documents
from ronda.core.document_api import ActDocumentIn, NewVersionIn
from ronda.core.document_endpoints import created, listing, new_version
from ronda.core.document_forms import DetailsForm, DocumentForm
from ronda.core.document_pages import DocumentPages, details_initial, service_arguments
from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent, Document, DocumentVersion
from ronda.core.tenancy import Actor, actor_for
from ronda.core.tests.test_documents import pdf
from ronda.core.views_helpers import ActorRequest
from ronda.territory.models import OrgUnit
from ronda.testing import World

pytestmark = pytest.mark.django_db

BACK = "/back-to-the-owner/"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


class Drawn:
    """The domain's form page, as a probe: what it was asked to draw."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, Any, str, dict[str, Any]]] = []

    def __call__(self, request: ActorRequest, owner: OrgUnit, form: Any, heading: str, /, **extra: Any) -> HttpResponse:
        self.calls.append((owner, form, heading, extra))
        return HttpResponse("the form page")


def coordinator(world: World) -> Actor:
    user = world.home["coordinator"]
    return actor_for(user, active_memberships(user)[0])


def request(world: World, method: str = "get", data: dict[str, Any] | None = None) -> ActorRequest:
    made: Any = getattr(RequestFactory(), method)("/", data or {})
    made.actor = coordinator(world)
    made.user = made.actor.user
    made._messages = CookieStorage(made)
    return cast(ActorRequest, made)


def said(made: ActorRequest) -> list[str]:
    return [str(m) for m in get_messages(made)]


def pages() -> tuple[DocumentPages[OrgUnit], Drawn]:
    drawn = Drawn()
    return DocumentPages(back_url=lambda owner: BACK + str(owner.pk), form_page=drawn), drawn


def add_document(world: World, actor: Actor | None = None) -> Document:
    return documents.create_document(
        actor=actor or coordinator(world),
        owner=world.municipality,
        org_unit=world.municipality,
        kind="regulation",
        title="Reglamento interno",
        upload=pdf(),
    )


def store(world: World, actor: Actor) -> Any:
    """The domain's service, with the actor and the owner given (what a domain's view passes)."""
    return partial(
        documents.create_document, actor=actor, owner=world.municipality, org_unit=world.municipality, kind="regulation"
    )


def test_the_forms_fields_are_the_services_keywords() -> None:
    assert service_arguments({"title": "T", "version": 3}) == {"title": "T", "expected_version": 3}
    assert service_arguments({"title": "T"}) == {"title": "T"}


# --- Pages ---------------------------------------------------------------------------------------------
def test_an_upload_page_draws_the_domains_form_until_it_is_sent(world: World) -> None:
    doc_pages, drawn = pages()
    made = request(world)
    form = DocumentForm(None)
    response = doc_pages.upload(made, world.municipality, form, save=store(world, made.actor), heading="Upload it")
    assert response.content == b"the form page"
    assert drawn.calls == [(world.municipality, form, "Upload it", {})]
    assert not Document.objects.exists()


def test_a_sent_upload_is_saved_said_and_sent_back_to_the_owner(world: World) -> None:
    doc_pages, drawn = pages()
    data = {"title": "Reglamento interno", "reference": "Resolución 1", "note": "firmado", "upload": pdf()}
    made = request(world, "post", data)
    form = DocumentForm(made.POST, made.FILES)
    response = doc_pages.upload(made, world.municipality, form, save=store(world, made.actor), heading="Upload it")
    assert (response.status_code, response["Location"]) == (302, BACK + str(world.municipality.pk))
    assert said(made) == ["Document uploaded."] and drawn.calls == []
    document = Document.objects.get()
    assert (document.title, document.reference, document.created_by_id) == (
        "Reglamento interno",
        "Resolución 1",
        made.actor.user.pk,
    )
    assert document.current is not None and document.current.note == "firmado"


def test_a_refused_upload_comes_back_on_the_form_and_writes_nothing(world: World) -> None:
    doc_pages, drawn = pages()
    empty = SimpleUploadedFile("vacío.pdf", b"", content_type="application/pdf")
    made = request(world, "post", {"title": "Reglamento", "upload": empty})
    form = DocumentForm(made.POST, made.FILES)
    form.fields["upload"].allow_empty_file = True  # the service's own check is what is tested
    events = AuditEvent.objects.count()
    response = doc_pages.upload(made, world.municipality, form, save=store(world, made.actor), heading="Upload it")
    assert response.content == b"the form page" and said(made) == []
    assert [call[1] for call in drawn.calls] == [form]  # the same form, with the service's error on it
    assert form.errors["upload"] == ["vacío.pdf is empty."]
    assert not Document.objects.exists() and AuditEvent.objects.count() == events


def test_a_new_version_page_starts_from_the_version_shown_and_says_its_number(world: World) -> None:
    document = add_document(world)
    doc_pages, drawn = pages()
    made = request(world)

    def save(**kwargs: Any) -> DocumentVersion:
        return documents.add_version(actor=made.actor, document=document, org_unit=world.municipality, **kwargs)

    doc_pages.new_version(made, world.municipality, document, save=save)
    [(owner, form, heading, extra)] = drawn.calls
    assert (owner, heading, extra) == (world.municipality, "New version of Reglamento interno", {"document": document})
    assert form.initial == {"version": document.version}

    sent = request(world, "post", {"upload": pdf(), "note": "corregido", "version": document.version})
    response = doc_pages.new_version(sent, world.municipality, document, save=save)
    assert response.status_code == 302 and said(sent) == ["Document uploaded (version 2)."]
    assert list(DocumentVersion.objects.order_by("number").values_list("number", "note")) == [(1, ""), (2, "corregido")]


def test_a_stale_new_version_is_refused_on_the_form(world: World) -> None:
    document = add_document(world)
    stale = document.version
    documents.add_version(
        actor=coordinator(world), document=document, org_unit=world.municipality, upload=pdf(), expected_version=None
    )
    doc_pages, drawn = pages()
    sent = request(world, "post", {"upload": pdf(), "version": stale})

    def save(**kwargs: Any) -> DocumentVersion:
        return documents.add_version(actor=sent.actor, document=document, org_unit=world.municipality, **kwargs)

    response = doc_pages.new_version(sent, world.municipality, document, save=save)
    assert response.content == b"the form page" and said(sent) == []
    [(_owner, form, _heading, _extra)] = drawn.calls
    assert form.non_field_errors()  # the conflict, said on the form
    assert DocumentVersion.objects.count() == 2


def test_the_details_page_starts_from_the_document_and_saves_its_changes(world: World) -> None:
    document = add_document(world)
    doc_pages, drawn = pages()

    def save(**kwargs: Any) -> Document:
        expected = kwargs.pop("expected_version")
        changes = cast(documents.DocumentChanges, kwargs)
        return documents.update_document(
            actor=sent.actor, document=document, org_unit=world.municipality, expected_version=expected, changes=changes
        )

    assert details_initial(document) == {
        "kind": "regulation",
        "title": "Reglamento interno",
        "reference": "",
        "dated": None,
        "version": document.version,
    }
    shown = request(world)
    doc_pages.edit(shown, world.municipality, document, DetailsForm(None, initial=details_initial(document)), save=save)
    assert drawn.calls[0][2:] == ("Edit the details of Reglamento interno", {"document": document})

    sent = request(world, "post", {"title": "Reglamento reformado", "reference": "R-2", "version": document.version})
    form = DetailsForm(sent.POST, initial=details_initial(document))
    response = doc_pages.edit(sent, world.municipality, document, form, save=save)
    assert response.status_code == 302 and said(sent) == ["Changes saved."]
    document.refresh_from_db()
    assert (document.title, document.reference) == ("Reglamento reformado", "R-2")


# --- Endpoints -----------------------------------------------------------------------------------------
def test_an_uploaded_document_is_answered_201_with_its_versions(world: World) -> None:
    actor = coordinator(world)
    payload = ActDocumentIn(title="Reglamento interno", reference="Resolución 1", note="firmado")
    answer = created(world.municipality, store(world, actor), payload, pdf())
    assert answer.status_code == 201
    document = Document.objects.get()
    assert (answer.value.id, answer.value.title, answer.value.reference) == (
        document.pk,
        "Reglamento interno",
        "Resolución 1",
    )
    assert [(v.number, v.note) for v in answer.value.versions] == [(1, "firmado")]


def test_a_new_version_is_answered_201_and_a_stale_one_refused(world: World) -> None:
    document = add_document(world)
    actor = coordinator(world)
    save = partial(documents.add_version, actor=actor, document=document, org_unit=world.municipality)
    answer = new_version(save, NewVersionIn(version=document.version, note="corregido"), pdf())
    assert (answer.status_code, answer.value.number, answer.value.note) == (201, 2, "corregido")
    with pytest.raises(ConflictError):
        new_version(save, NewVersionIn(version=1), pdf())
    assert DocumentVersion.objects.count() == 2


def test_a_listing_shows_only_the_kinds_asked_for(world: World) -> None:
    add_document(world)
    documents.create_document(
        actor=coordinator(world),
        owner=world.municipality,
        org_unit=world.municipality,
        kind="annex",
        title="Anexo",
        upload=pdf(),
    )
    assert [d.title for d in listing(world.municipality, kinds=["regulation"]).results] == ["Reglamento interno"]
    assert listing(world.municipality, kinds=["regulation", "annex"]).count == 2
