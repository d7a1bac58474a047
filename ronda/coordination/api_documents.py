"""The body's documents and the meetings' annexes in the JSON API (issue #13 item 3): list them with
their versions, upload a document or a new version (multipart/form-data), download any version.
Same policies (``policies_documents``) and services as the pages; forbidden and missing answer 404."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from ronda.coordination import policies, policies_documents
from ronda.coordination.services import documents as services
from ronda.core import documents
from ronda.core.api_schemas import READ_ERRORS, MessageOut
from ronda.core.document_api import (
    ActDocumentIn,
    AnnexIn,
    DocumentOut,
    DocumentPage,
    DocumentVersionOut,
    NewVersionIn,
    document_out,
    page_of,
)
from ronda.core.models import Document
from ronda.core.views_helpers import ApiRequest

router = Router(tags=["coordination"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
UPLOAD = (
    "Sent as `multipart/form-data`, the file in `upload`: a PDF, PNG or JPEG recognised by its content, "
    "up to `RONDA_UPLOAD_MAX_BYTES` (20 MB by default). A refused file writes nothing."
)


class BodyDocumentIn(ActDocumentIn):
    kind: Literal["decree", "resolution", "other_act", "regulation"] = Field(
        description="The founding act (decree, resolution or other act: number and date required) or the regulation"
    )


def _listed(owner: Any, document: Document) -> DocumentOut:
    found = [item for item in documents.documents_of(owner) if item.document.pk == document.pk]
    return document_out(found[0])


@router.get(
    "/bodies/{int:body_id}/documents",
    response={200: DocumentPage, **READ_ERRORS},
    summary="The body's founding act and internal regulation, with every version",
)
def list_body_documents(request: ApiRequest, body_id: int) -> Any:
    body = policies.get_body(request.actor, body_id)
    return page_of(documents.documents_of(body, kinds=services.BodyDocumentKind.values))


@router.post(
    "/bodies/{int:body_id}/documents",
    response={201: DocumentOut, **WRITE_ERRORS},
    summary="Upload the body's founding act or internal regulation (the coordinator)",
    description=UPLOAD,
)
def create_body_document(
    request: ApiRequest, body_id: int, payload: Form[BodyDocumentIn], upload: File[UploadedFile]
) -> Any:
    body = policies.get_body(request.actor, body_id)
    if not policies_documents.can_manage_body_documents(request.actor, body):
        raise Http404
    document = services.add_body_document(
        actor=request.actor,
        body=body,
        kind=payload.kind,
        title=payload.title,
        reference=payload.reference,
        dated=payload.dated,
        note=payload.note,
        upload=upload,
    )
    return Status(201, _listed(body, document))


@router.get(
    "/meetings/{int:meeting_id}/documents",
    response={200: DocumentPage, **READ_ERRORS},
    summary="The annexes of a meeting, with every version",
)
def list_meeting_documents(request: ApiRequest, meeting_id: int) -> Any:
    meeting = policies.get_meeting(request.actor, meeting_id)
    return page_of(documents.documents_of(meeting, kinds=[services.ANNEX]))


@router.post(
    "/meetings/{int:meeting_id}/documents",
    response={201: DocumentOut, **WRITE_ERRORS},
    summary="Upload an annex of a meeting (the coordinator, or a member presenting one of its items)",
    description=UPLOAD,
)
def create_meeting_annex(
    request: ApiRequest, meeting_id: int, payload: Form[AnnexIn], upload: File[UploadedFile]
) -> Any:
    meeting = policies_documents.get_meeting_for_annex(request.actor, meeting_id)
    document = services.add_meeting_annex(
        actor=request.actor, meeting=meeting, title=payload.title, note=payload.note, upload=upload
    )
    return Status(201, _listed(meeting, document))


@router.post(
    "/documents/{int:document_id}/versions",
    response={201: DocumentVersionOut, **WRITE_ERRORS},
    summary="Upload a new version of a document of the body or of a meeting (the earlier ones are kept)",
    description=UPLOAD,
)
def create_document_version(
    request: ApiRequest, document_id: int, payload: Form[NewVersionIn], upload: File[UploadedFile]
) -> Any:
    document, owner = policies_documents.get_document_for_edit(request.actor, document_id)
    version = services.add_document_version(
        actor=request.actor,
        owner=owner,
        document=document,
        upload=upload,
        note=payload.note,
        expected_version=payload.version,
    )
    return Status(201, version)


@router.get(
    "/document-versions/{int:version_id}/file",
    response={200: None, **READ_ERRORS},
    summary="Download one version of a document of the body or of a meeting",
)
def download_document_version(request: ApiRequest, version_id: int) -> Any:
    version = policies_documents.get_document_version(request.actor, version_id)
    return documents.version_response(request, version)
