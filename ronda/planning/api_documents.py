"""The approved plan's document in the JSON API (issue #13 item 3): read it with its versions, upload
it or a new version (multipart/form-data), download any version. Same policies
(``policies_documents``) and services as the pages; forbidden and missing answer 404. The answers
are the kernel's (``core.document_endpoints``), shared with the other domains' documents."""

from __future__ import annotations

from functools import partial
from typing import Any

from ninja import File, Form, Router, UploadedFile

from ronda.core import documents
from ronda.core.api_schemas import READ_ERRORS
from ronda.core.document_api import ActDocumentIn, DocumentOut, DocumentPage, DocumentVersionOut, NewVersionIn
from ronda.core.document_endpoints import UPLOAD, WRITE_ERRORS, created, listing, new_version
from ronda.core.views_helpers import ApiRequest
from ronda.planning import policies, policies_documents
from ronda.planning.services import documents as services

router = Router(tags=["planning"])


@router.get(
    "/plans/{int:plan_id}/documents",
    response={200: DocumentPage, **READ_ERRORS},
    summary="The approved plan's document, with every version (none before it is uploaded)",
)
def list_plan_documents(request: ApiRequest, plan_id: int) -> Any:
    plan = policies.get_plan(request.actor, plan_id)
    return listing(plan, kinds=[services.APPROVED_PLAN])


@router.post(
    "/plans/{int:plan_id}/documents",
    response={201: DocumentOut, **WRITE_ERRORS},
    summary="Upload the approved plan's document (the plan's managers, once the plan is approved)",
    description=UPLOAD,
)
def create_plan_document(
    request: ApiRequest, plan_id: int, payload: Form[ActDocumentIn], upload: File[UploadedFile]
) -> Any:
    plan = policies_documents.get_plan_for_document(request.actor, plan_id)
    return created(plan, partial(services.add_plan_document, actor=request.actor, plan=plan), payload, upload)


@router.post(
    "/plan-documents/{int:document_id}/versions",
    response={201: DocumentVersionOut, **WRITE_ERRORS},
    summary="Upload a new version of the approved plan's document (the earlier ones are kept)",
    description=UPLOAD,
)
def create_plan_document_version(
    request: ApiRequest, document_id: int, payload: Form[NewVersionIn], upload: File[UploadedFile]
) -> Any:
    document, plan = policies_documents.get_document_for_edit(request.actor, document_id)
    save = partial(services.add_plan_document_version, actor=request.actor, plan=plan, document=document)
    return new_version(save, payload, upload)


@router.get(
    "/plan-document-versions/{int:version_id}/file",
    response={200: None, **READ_ERRORS},
    summary="Download one version of the approved plan's document",
)
def download_plan_document_version(request: ApiRequest, version_id: int) -> Any:
    version = policies_documents.get_document_version(request.actor, version_id)
    return documents.version_response(request, version)
