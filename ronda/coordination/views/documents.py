"""The body's documents (founding act, internal regulation) and the meetings' annexes: uploading a
document, a new version of it, correcting what it says, and downloading any version.

The lists are sections of the body's overview and of the meeting page
(``templatetags/coordination_documents.py``); these are the pages behind their links. Every
lookup is ``policies_documents``: 404 for missing and forbidden alike. The flow of each page (the
form, the service, the message, back to the owner) is the kernel's ``core.document_pages``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ronda.coordination import policies, policies_documents
from ronda.coordination.forms_documents import AnnexForm, BodyDocumentDetailsForm, BodyDocumentForm
from ronda.coordination.models import CoordinationBody, Meeting
from ronda.coordination.services import documents as services
from ronda.coordination.views.common import body_context, resolve_body
from ronda.core import documents
from ronda.core.document_pages import DocumentPages, details_initial
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor

Owner = CoordinationBody | Meeting


def _owner_url(owner: Owner) -> str:
    if isinstance(owner, CoordinationBody):
        return reverse("coordination:overview") + f"?mesa={owner.pk}#documents"
    return reverse("coordination:meeting_detail", args=[owner.pk]) + "#annexes"


def _body_of(owner: Owner) -> CoordinationBody:
    return owner if isinstance(owner, CoordinationBody) else owner.body


def _form_page(request: ActorRequest, owner: Owner, form: Any, heading: str, **extra: Any) -> HttpResponse:
    context = {
        **body_context(_body_of(owner), get_actor(request)),
        "form": form,
        "heading": heading,
        "owner": owner,
        "meeting": owner if isinstance(owner, Meeting) else None,
        "cancel_url": _owner_url(owner),
        "multipart": "upload" in form.fields,
        **extra,
    }
    return render(request, "coordination/document_form.html", context)


PAGES = DocumentPages(back_url=_owner_url, form_page=_form_page)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
@once_per_submission
def body_document_create(request: ActorRequest) -> HttpResponse:
    """The founding act or the internal regulation of the body (``?mesa=``), with its first file."""
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None or not policies_documents.can_manage_body_documents(actor, body):
        raise Http404
    form = BodyDocumentForm(request.POST or None, request.FILES or None)
    save = partial(services.add_body_document, actor=actor, body=body)
    return PAGES.upload(request, body, form, save=save, heading=_("Upload a document of the body"))


@require_http_methods(["GET", "POST"])
@actor_required(policies_documents.can_edit_some_documents)
@once_per_submission
def annex_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies_documents.get_meeting_for_annex(actor, pk)
    form = AnnexForm(request.POST or None, request.FILES or None)
    save = partial(services.add_meeting_annex, actor=actor, meeting=meeting)
    return PAGES.upload(request, meeting, form, save=save, heading=_("Upload an annex of the meeting"))


@require_http_methods(["GET", "POST"])
@actor_required(policies_documents.can_edit_some_documents)
@once_per_submission
def document_version_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    document, owner = policies_documents.get_document_for_edit(actor, pk)
    save = partial(services.add_document_version, actor=actor, owner=owner, document=document)
    return PAGES.new_version(request, owner, document, save=save)


@require_http_methods(["GET", "POST"])
@actor_required(policies_documents.can_edit_some_documents)
def document_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    document, owner = policies_documents.get_document_for_edit(actor, pk)
    form = BodyDocumentDetailsForm(
        request.POST or None,
        initial=details_initial(document),
        founding=document.kind in services.FOUNDING_KINDS,
        with_act=document.kind != services.ANNEX,
    )
    save = partial(services.edit_document, actor=actor, owner=owner, document=document)
    return PAGES.edit(request, owner, document, form, save=save)


@require_GET
@actor_required(policies_documents.can_read_some_documents)
def document_download(request: ActorRequest, pk: int) -> HttpResponseBase:
    """Any version of a document, for whoever sees its body or its meeting: never at a public address."""
    version = policies_documents.get_document_version(get_actor(request), pk)
    return documents.version_response(request, version)
