"""What the JSON API says of the document store (``core.documents``): the schemas every domain's
document endpoints share, and the forms of an upload (multipart/form-data)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from ronda.core import documents
from ronda.core.api_schemas import MAX_ID, StrictSchema


class DocumentVersionOut(Schema):
    id: int = Field(description="Download it from the owner's `document-versions/{id}/file`")
    number: int = Field(description="1 for the first upload, then 2, 3 …")
    original_name: str
    content_type: str = Field(description="As recognised from the content: application/pdf, image/png or image/jpeg")
    size: int = Field(description="In bytes")
    sha256: str
    note: str
    uploaded_at: dt.datetime


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    reference: str = Field(description="The number of the act")
    dated: dt.date | None = Field(description="The date of the act")
    version: int = Field(description="Send it with a new upload: a stale one answers 409")
    versions: list[DocumentVersionOut] = Field(description="Newest first: the first is the current one")


class DocumentPage(Schema):
    count: int
    results: list[DocumentOut]


class AnnexIn(StrictSchema):
    title: str = Field(min_length=1, max_length=documents.TITLE_LIMIT)
    note: str = Field(default="", max_length=documents.NOTE_LIMIT)


class ActDocumentIn(AnnexIn):
    reference: str = Field(default="", max_length=documents.REFERENCE_LIMIT, description="The number of the act")
    dated: dt.date | None = Field(default=None, description="The date of the act")


class NewVersionIn(StrictSchema):
    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The document's version you read (a stale one answers 409)"
    )
    note: str = Field(default="", max_length=documents.NOTE_LIMIT)


def document_out(listed: documents.Listed) -> DocumentOut:
    document = listed.document
    return DocumentOut(
        id=document.pk,
        kind=document.kind,
        title=document.title,
        reference=document.reference,
        dated=document.dated,
        version=document.version,
        versions=[DocumentVersionOut.model_validate(v, from_attributes=True) for v in listed.versions],
    )


def page_of(listed: list[documents.Listed]) -> DocumentPage:
    return DocumentPage(count=len(listed), results=[document_out(item) for item in listed])
