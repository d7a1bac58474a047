"""The body's documents and the meetings' annexes (issue #13 item 3), kept in the kernel's store.

The body has one founding act (a decree, a resolution or another act, with its number and date) and
one internal regulation; a meeting has any number of annexes. A new upload of a document is its
next version: the earlier ones stay. The rules of who may do it are ``policies_documents``; the
store, the checks of the file and the audit events are ``core.documents``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ronda.coordination import policies_documents
from ronda.coordination.models import CoordinationBody, Meeting
from ronda.core import documents
from ronda.core.errors import Errors
from ronda.core.models import Document, DocumentVersion
from ronda.core.tenancy import Acting, is_person


class BodyDocumentKind(models.TextChoices):
    DECREE = "decree", pgettext_lazy("founding act", "Decree")
    RESOLUTION = "resolution", pgettext_lazy("founding act", "Resolution")
    OTHER_ACT = "other_act", pgettext_lazy("founding act", "Other act")
    REGULATION = "regulation", gettext_lazy("Internal regulation")


FOUNDING_KINDS = (BodyDocumentKind.DECREE, BodyDocumentKind.RESOLUTION, BodyDocumentKind.OTHER_ACT)
ANNEX = "annex"

Owner = CoordinationBody | Meeting


def _require_body_manager(actor: Acting, body: CoordinationBody) -> None:
    if is_person(actor) and not policies_documents.can_manage_body_documents(actor, body):
        raise PermissionDenied


def _require_annex_author(actor: Acting, meeting: Meeting) -> None:
    if is_person(actor) and not policies_documents.can_add_annex(actor, meeting):
        raise PermissionDenied


def _require_reviser(actor: Acting, owner: Owner, document: Document) -> None:
    if is_person(actor) and not policies_documents.can_revise(actor, owner, document):
        raise PermissionDenied


def _org_unit(owner: Owner) -> Any:
    return owner.org_unit if isinstance(owner, CoordinationBody) else owner.body.org_unit


def _belongs(owner: Owner, document: Document) -> None:
    """A document given with another owner is a caller's mistake, never the user's."""
    if document.owner_id != owner.pk or document.owner_type.model_class() is not type(owner):
        raise ValueError("the document does not belong to this owner")


def _founding_act_details(errors: Errors, kind: str, reference: str, dated: dt.date | None) -> None:
    if kind in FOUNDING_KINDS:
        if not (reference or "").strip():
            errors.add("reference", _("Give the number of the act."))
        if dated is None:
            errors.add("dated", _("Give the date of the act."))


def _taken(body: CoordinationBody, kind: str) -> str | None:
    """Why the body cannot take another document of ``kind`` (it has one: a new upload is its version)."""
    kinds = FOUNDING_KINDS if kind in FOUNDING_KINDS else (kind,)
    if not documents.documents_in(CoordinationBody.objects.filter(pk=body.pk)).filter(kind__in=kinds).exists():
        return None
    if kind in FOUNDING_KINDS:
        return _("The body already has its founding act: upload a new version of it.")
    return _("The body already has its internal regulation: upload a new version of it.")


@transaction.atomic
def add_body_document(
    *,
    actor: Acting,
    body: CoordinationBody,
    kind: str,
    title: str,
    upload: Any,
    reference: str = "",
    dated: dt.date | None = None,
    note: str = "",
) -> Document:
    """The body's founding act or internal regulation, with its first version."""
    _require_body_manager(actor, body)
    errors = Errors()
    if kind not in BodyDocumentKind.values:
        errors.add("kind", _("Choose one of the options."))
    else:
        _founding_act_details(errors, kind, reference, dated)
        taken = _taken(body, kind)
        if taken:
            errors.add("kind", taken)
    return documents.create_document(
        actor=actor,
        owner=body,
        org_unit=body.org_unit,
        kind=kind if kind in BodyDocumentKind.values else "-",
        title=title,
        reference=reference,
        dated=dated,
        upload=upload,
        note=note,
        errors=errors,
    )


@transaction.atomic
def add_meeting_annex(*, actor: Acting, meeting: Meeting, title: str, upload: Any, note: str = "") -> Document:
    """An annex of a meeting (a presentation, a report, the signed attendance sheet)."""
    _require_annex_author(actor, meeting)
    return documents.create_document(
        actor=actor,
        owner=meeting,
        org_unit=meeting.body.org_unit,
        kind=ANNEX,
        title=title,
        upload=upload,
        note=note,
    )


@transaction.atomic
def add_document_version(
    *, actor: Acting, owner: Owner, document: Document, upload: Any, expected_version: int | None, note: str = ""
) -> DocumentVersion:
    """The next version of a document of the body or of a meeting; the earlier ones are kept."""
    _require_reviser(actor, owner, document)
    _belongs(owner, document)
    return documents.add_version(
        actor=actor,
        document=document,
        org_unit=_org_unit(owner),
        upload=upload,
        expected_version=expected_version,
        note=note,
    )


@transaction.atomic
def edit_document(
    *,
    actor: Acting,
    owner: Owner,
    document: Document,
    expected_version: int | None,
    title: str,
    kind: str | None = None,
    reference: str = "",
    dated: dt.date | None = None,
) -> Document:
    """What a document says of itself. A founding act may be corrected into another kind of act
    (a decree recorded as a resolution); an annex has only its title."""
    _require_reviser(actor, owner, document)
    _belongs(owner, document)
    errors = Errors()
    changes: documents.DocumentChanges = {"title": title}
    if document.kind != ANNEX:
        new_kind = kind or document.kind
        if new_kind != document.kind and not (new_kind in FOUNDING_KINDS and document.kind in FOUNDING_KINDS):
            errors.add("kind", _("Choose one of the options."))
        else:
            _founding_act_details(errors, new_kind, reference, dated)
            changes.update({"kind": new_kind, "reference": reference, "dated": dated})
    return documents.update_document(
        actor=actor,
        document=document,
        org_unit=_org_unit(owner),
        expected_version=expected_version,
        changes=changes,
        errors=errors,
    )
