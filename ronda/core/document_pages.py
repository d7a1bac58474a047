"""The pages of the document store (``core.documents``) that every domain's document pages share.

A domain keeps what is its own: the routes and their decorators (``actor_required`` with its policy,
``once_per_submission``), the lookups through its policy (404 for missing and forbidden alike, made
in the view itself so that the view says what it fetches), its services, its forms' subclasses and
its template. What is left is the same flow for every owner, here::

    PAGES = DocumentPages(back_url=_owner_url, form_page=_form_page)

    def document_version_create(request, pk):
        actor = get_actor(request)
        document, owner = policies.get_document_for_edit(actor, pk)
        save = functools.partial(services.add_document_version, actor=actor, owner=owner, document=document)
        return PAGES.new_version(request, owner, document, save=save)

``save`` is the domain's service with the actor, the owner and the document already given: the
kernel's forms (``core.document_forms``) name their fields as the services name their keywords,
except the hidden ``version``, which the services call ``expected_version``. A service's refusal
comes back on the form (``service_errors_on``); a success says so and goes back to the owner's page.
Downloads are ``documents.version_response``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ronda.core.document_forms import NewVersionForm
from ronda.core.models_documents import Document, DocumentVersion
from ronda.core.views_helpers import ActorRequest, service_errors_on

OwnerT = TypeVar("OwnerT")
# The domain's page around a document form, its template: ``(request, owner, form, heading, **extra)``,
# ``extra`` being ``document=`` on the pages of an existing document.
FormPage = Callable[..., HttpResponse]


def service_arguments(data: Mapping[str, Any]) -> dict[str, Any]:
    """A kernel form's cleaned data as the services' keywords (the hidden ``version`` is ``expected_version``)."""
    arguments = dict(data)
    if "version" in arguments:
        arguments["expected_version"] = arguments.pop("version")
    return arguments


def details_initial(document: Document) -> dict[str, Any]:
    """What a details form starts from: the document as it is now, and the version it was read at."""
    return {
        "kind": document.kind,
        "title": document.title,
        "reference": document.reference,
        "dated": document.dated,
        "version": document.version,
    }


@dataclass(frozen=True)
class DocumentPages(Generic[OwnerT]):
    """One domain's document pages: the page each goes back to and the template of its forms."""

    back_url: Callable[[OwnerT], str]
    form_page: FormPage

    def _saved(
        self, request: ActorRequest, owner: OwnerT, form: Any, save: Callable[..., Any], success: Callable[[Any], str]
    ) -> HttpResponse | None:
        """A valid POST saved, said and sent back to the owner's page; None to show the form (again)."""
        if request.method == "POST" and form.is_valid():
            with service_errors_on(form):
                saved = save(**service_arguments(form.cleaned_data))
                messages.success(request, success(saved))
                return redirect(self.back_url(owner))
        return None

    def upload(
        self, request: ActorRequest, owner: OwnerT, form: Any, *, save: Callable[..., Document], heading: str
    ) -> HttpResponse:
        """A new document of ``owner`` with its first file: ``form``'s fields are ``save``'s keywords."""
        done = self._saved(request, owner, form, save, lambda _document: _("Document uploaded."))
        if done is not None:
            return done
        return self.form_page(request, owner, form, heading)

    def new_version(
        self, request: ActorRequest, owner: OwnerT, document: Document, *, save: Callable[..., DocumentVersion]
    ) -> HttpResponse:
        """The next file of ``document``, against the version the form was shown at."""
        form = NewVersionForm(request.POST or None, request.FILES or None, initial={"version": document.version})
        done = self._saved(
            request,
            owner,
            form,
            save,
            lambda version: _("Document uploaded (version %(number)s).") % {"number": version.number},
        )
        if done is not None:
            return done
        heading = _("New version of %(title)s") % {"title": document.title}
        return self.form_page(request, owner, form, heading, document=document)

    def edit(
        self, request: ActorRequest, owner: OwnerT, document: Document, form: Any, *, save: Callable[..., Document]
    ) -> HttpResponse:
        """What ``document`` says of itself (``form`` starts from ``details_initial``), never its files."""
        done = self._saved(request, owner, form, save, lambda _document: _("Changes saved."))
        if done is not None:
            return done
        heading = _("Edit the details of %(title)s") % {"title": document.title}
        return self.form_page(request, owner, form, heading, document=document)
