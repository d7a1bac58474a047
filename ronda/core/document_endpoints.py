"""The JSON API of the document store (``core.documents``) that every domain's document endpoints share.

A domain keeps its router, its routes (their paths, summaries and payload schemas: ``document_api``),
the lookups through its policy (404 for missing and forbidden alike) and its services. The answers
are the same for every owner, here::

    @router.post("/things/{int:thing_id}/documents", response={201: DocumentOut, **WRITE_ERRORS}, description=UPLOAD)
    def create_thing_document(request, thing_id: int, payload: Form[ActDocumentIn], upload: File[UploadedFile]):
        thing = policies.get_thing_for_document(request.actor, thing_id)
        return created(thing, partial(services.add_thing_document, actor=request.actor, thing=thing), payload, upload)

The payload schemas (``document_api``) name their fields as the services name their keywords, except
``version``, which the services call ``expected_version``. A service's refusal is answered by the
API's error handlers (422 for a bad file, 409 for a stale version), before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.db import models
from ninja import Schema, Status

from ronda.core import documents
from ronda.core.api_schemas import READ_ERRORS, MessageOut
from ronda.core.document_api import DocumentOut, DocumentPage, NewVersionIn, document_out, page_of
from ronda.core.models_documents import Document, DocumentVersion

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
UPLOAD = (
    "Sent as `multipart/form-data`, the file in `upload`: a PDF, PNG or JPEG recognised by its content, "
    "up to `RONDA_UPLOAD_MAX_BYTES` (20 MB by default). A refused file writes nothing."
)


def listing(owner: models.Model, *, kinds: Collection[str]) -> DocumentPage:
    """``owner``'s documents of ``kinds``, each with every version (one query)."""
    return page_of(documents.documents_of(owner, kinds=kinds))


def listed(owner: models.Model, document: Document) -> DocumentOut:
    """One document of ``owner`` as the API shows it, with its versions."""
    found = [item for item in documents.documents_of(owner) if item.document.pk == document.pk]
    return document_out(found[0])


def created(owner: models.Model, save: Callable[..., Document], payload: Schema, upload: Any) -> Status[DocumentOut]:
    """A new document of ``owner``: ``save`` is the domain's service, given the payload's fields and the file."""
    document = save(**payload.model_dump(), upload=upload)
    return Status(201, listed(owner, document))


def new_version(save: Callable[..., DocumentVersion], payload: NewVersionIn, upload: Any) -> Status[DocumentVersion]:
    """The next version of a document (its schema is ``DocumentVersionOut``), against the version read."""
    version = save(upload=upload, note=payload.note, expected_version=payload.version)
    return Status(201, version)
