"""The body's documents and the meetings' annexes in the JSON API (issue #13 item 3): list them with
their versions, upload a document or a new version (multipart/form-data), download any version.
Same policies (``policies_documents``) and services as the pages; forbidden and missing answer 404.
The answers are the kernel's (``core.document_endpoints``), shared with the other domains' documents."""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from django.http import Http404
from ninja import File, Form, Router, UploadedFile
from pydantic import Field

from ronda.coordination import policies, policies_documents
from ronda.coordination.services import documents as services
from ronda.core import documents
from ronda.core.api_schemas import READ_ERRORS
from ronda.core.document_api import ActDocumentIn, AnnexIn, DocumentOut, DocumentPage, DocumentVersionOut, NewVersionIn
from ronda.core.document_endpoints import UPLOAD, WRITE_ERRORS, created, listing, new_version
from ronda.core.views_helpers import ApiRequest

router = Router(tags=["coordination"])


class BodyDocumentIn(ActDocumentIn):
    kind: Literal["decree", "resolution", "other_act", "regulation"] = Field(
        description="The founding act (decree, resolution or other act: number and date required) or the regulation"
    )


@router.get(
    "/bodies/{int:body_id}/documents",
    response={200: DocumentPage, **READ_ERRORS},
    summary="The body's founding act and internal regulation, with every version",
)
def list_body_documents(request: ApiRequest, body_id: int) -> Any:
    body = policies.get_body(request.actor, body_id)
    return listing(body, kinds=services.BodyDocumentKind.values)


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
    return created(body, partial(services.add_body_document, actor=request.actor, body=body), payload, upload)


@router.get(
    "/meetings/{int:meeting_id}/documents",
    response={200: DocumentPage, **READ_ERRORS},
    summary="The annexes of a meeting, with every version",
)
def list_meeting_documents(request: ApiRequest, meeting_id: int) -> Any:
    meeting = policies.get_meeting(request.actor, meeting_id)
    return listing(meeting, kinds=[services.ANNEX])


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
    save = partial(services.add_meeting_annex, actor=request.actor, meeting=meeting)
    return created(meeting, save, payload, upload)


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
    save = partial(services.add_document_version, actor=request.actor, owner=owner, document=document)
    return new_version(save, payload, upload)


@router.get(
    "/document-versions/{int:version_id}/file",
    response={200: None, **READ_ERRORS},
    summary="Download one version of a document of the body or of a meeting",
)
def download_document_version(request: ApiRequest, version_id: int) -> Any:
    version = policies_documents.get_document_version(request.actor, version_id)
    return documents.version_response(request, version)
