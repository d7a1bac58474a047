"""The kernel's document store: documents of a domain's objects, each upload kept as a version.

The kernel knows no domain, so it decides nothing about who may do what. A domain's service asks
its own policy first (the body's coordinator, the plan's managers), then calls these with the
owner object it already checked and the org unit its audit events belong to::

    errors = Errors()
    if kind not in BodyDocumentKind.values:
        errors.add("kind", _("Choose one of the options."))
    document = documents.create_document(
        actor=actor, owner=body, org_unit=body.org_unit, kind=kind, title=title, upload=upload, errors=errors
    )

Every problem is collected (the domain's own and the kernel's: an empty title, a file of the wrong
type or too large) and raised together before anything is written. An upload is checked by its
content (``core.uploads``), its SHA-256 recorded, and its bytes stored under a random name with the
transaction that records them (``core.files``): a refused or rolled-back upload leaves no row and
no file. A new upload of a document adds a version under the document's row lock, so two uploads at
once get numbers 2 and 3, never two 2s; ``expected_version`` (the document as the form showed it)
refuses an upload that did not see the other one (``ConflictError``).

Reading: ``documents_of(owner)`` lists an owner's documents with all their versions in one query;
``versions_of(*owners)`` and ``documents_in(*owners)`` narrow the store to the owners a policy
returns, for the domain's ``get_…`` lookups. ``version_response`` serves a file the domain's view
has checked, always as an attachment. Domains register their owners' policies
(``register_owner``), which the audit trail uses to decide who reads a document's events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.files import private_file_response, save_in_transaction
from ronda.core.models_documents import Document, DocumentVersion
from ronda.core.services import VersionedUpdate, lock_for_update
from ronda.core.tenancy import Acting, is_person
from ronda.core.uploads import ACCEPTED, EXTENSIONS, UploadRejected, check_upload

if TYPE_CHECKING:
    from ronda.core.tenancy import Actor
    from ronda.territory.models import OrgUnit

TITLE_LIMIT = 200
REFERENCE_LIMIT = 255
NOTE_LIMIT = 500
KIND_LIMIT = 40
_HASH_CHUNK = 64 * 1024
# What the trail records of a document and of a version (the stored file's name is random and says nothing).
DOCUMENT_AUDITED = ("owner_type_id", "owner_id", "kind", "title", "reference", "dated")
VERSION_AUDITED = ("document_id", "number", "original_name", "content_type", "size", "sha256", "note")


class DocumentAction(models.TextChoices):
    ADDED = "document_added", pgettext_lazy("audit action", "Document added")
    VERSION_ADDED = "document_version_added", pgettext_lazy("audit action", "Document version uploaded")
    EDITED = "document_edited", pgettext_lazy("audit action", "Document details changed")


# --- Checking an upload ------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: what a version records of it."""

    upload: Any
    name: str
    content_type: str
    size: int
    sha256: str


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def _sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    while chunk := upload.read(_HASH_CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def display_name(name: str, content_type: str) -> str:
    """The name shown and sent with a download: no folders, no quotes, the extension of the real type."""
    base = PurePath(str(name or "").replace("\\", "/")).name.strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')[:200] or _("document")
    extension = EXTENSIONS[content_type]
    if not base.lower().endswith((extension, ".jpeg") if content_type == "image/jpeg" else (extension,)):
        base = f"{base}{extension}"
    return base


def check_file(errors: Errors, field: str, upload: Any, *, accepted: tuple[str, ...] = ACCEPTED) -> CheckedFile | None:
    """The upload as a version would record it, or None with the problem under ``field``: no file, an
    empty one, one larger than ``RONDA_UPLOAD_MAX_BYTES``, or one that is not really of an accepted type."""
    if upload is None:
        errors.add(field, _("Choose a file."))
        return None
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name or _("file")
    size = _size(upload)
    limit = settings.RONDA_UPLOAD_MAX_BYTES
    if size > limit:
        errors.add(field, _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": limit // (1024 * 1024)})
        return None
    if size == 0:
        errors.add(field, _("%(name)s is empty.") % {"name": name})
        return None
    try:
        content_type = check_upload(upload, name=name, accepted=accepted)
    except UploadRejected as rejected:
        errors.add(field, rejected.message)
        return None
    return CheckedFile(upload, display_name(name, content_type), content_type, size, _sha256(upload))


def _text(errors: Errors, field: str, value: str | None, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    else:
        check_length(errors, field, text, limit)
    return text


def _act_date(errors: Errors, value: dt.date | None) -> None:
    if value is not None and value > timezone.localdate():
        errors.add("dated", _("The date cannot be in the future."))


def _check_kind(kind: str) -> None:
    if not kind or len(kind) > KIND_LIMIT:
        raise ValueError(f"a document kind is a short name chosen by the domain, not {kind!r}")


# --- Writing -----------------------------------------------------------------------------------
def _store_version(
    *, actor: Acting, document: Document, number: int, checked: CheckedFile, note: str, org_unit: OrgUnit | None
) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        note=note,
        uploaded_by=actor.user if is_person(actor) else None,
    )
    # Stored now, and removed again if this transaction rolls back (core.files, decision 0016).
    save_in_transaction(version.file, "documento", File(checked.upload))
    version.save()
    audit.record(
        actor=actor,
        action=DocumentAction.VERSION_ADDED,
        target=version,
        org_unit=org_unit,
        changes=audit.diff({}, audit.snapshot(version, VERSION_AUDITED)),
    )
    return version


@transaction.atomic
def create_document(
    *,
    actor: Acting,
    owner: models.Model,
    org_unit: OrgUnit | None,
    kind: str,
    title: str,
    upload: Any,
    reference: str = "",
    dated: dt.date | None = None,
    note: str = "",
    errors: Errors | None = None,
) -> Document:
    """A new document of ``owner`` with its first version. ``errors`` may already hold the domain's
    own problems: all are raised together, before anything is written."""
    is_person(actor)  # a forgotten actor (None) raises before anything else
    _check_kind(kind)
    errors = errors if errors is not None else Errors()
    title = _text(errors, "title", title, TITLE_LIMIT, required=True)
    reference = _text(errors, "reference", reference, REFERENCE_LIMIT)
    note = _text(errors, "note", note, NOTE_LIMIT)
    _act_date(errors, dated)
    checked = check_file(errors, "upload", upload)
    errors.raise_if_any()
    assert checked is not None
    document = Document.objects.create(
        owner=owner,
        kind=kind,
        title=title,
        reference=reference,
        dated=dated,
        created_by=actor.user if is_person(actor) else None,
    )
    audit.record(
        actor=actor,
        action=DocumentAction.ADDED,
        target=document,
        org_unit=org_unit,
        changes=audit.diff({}, audit.snapshot(document, DOCUMENT_AUDITED)),
    )
    version = _store_version(actor=actor, document=document, number=1, checked=checked, note=note, org_unit=org_unit)
    document.current = version
    document.save(update_fields=["current", "updated_at"])
    return document


@transaction.atomic
def add_version(
    *,
    actor: Acting,
    document: Document,
    org_unit: OrgUnit | None,
    upload: Any,
    expected_version: int | None,
    note: str = "",
    errors: Errors | None = None,
) -> DocumentVersion:
    """The next version of ``document``; the earlier ones stay downloadable. ``expected_version`` is
    the document's ``version`` as the form showed it (None: no check, the API's choice)."""
    is_person(actor)
    errors = errors if errors is not None else Errors()
    note = _text(errors, "note", note, NOTE_LIMIT)
    checked = check_file(errors, "upload", upload)
    errors.raise_if_any()
    assert checked is not None
    # The row lock orders two uploads of the same document; the version check refuses a stale form.
    locked = lock_for_update(document, expected_version)
    latest = DocumentVersion.objects.filter(document=locked).aggregate(n=Max("number"))["n"] or 0
    version = _store_version(
        actor=actor, document=locked, number=latest + 1, checked=checked, note=note, org_unit=org_unit
    )
    locked.current = version
    locked.version += 1
    locked.save(update_fields=["current", "version", "updated_at"])
    document.current, document.version = version, locked.version
    return version


class DocumentChanges(TypedDict, total=False):
    kind: str
    title: str
    reference: str
    dated: dt.date | None


@transaction.atomic
def update_document(
    *,
    actor: Acting,
    document: Document,
    org_unit: OrgUnit | None,
    expected_version: int | None,
    changes: DocumentChanges,
    errors: Errors | None = None,
) -> Document:
    """Change what a document says of itself (its kind, title, act number and date), never its files."""
    is_person(actor)
    errors = errors if errors is not None else Errors()
    values: dict[str, Any] = dict(changes)
    if "kind" in values:
        _check_kind(values["kind"])
    if "title" in values:
        values["title"] = _text(errors, "title", values["title"], TITLE_LIMIT, required=True)
    if "reference" in values:
        values["reference"] = _text(errors, "reference", values["reference"], REFERENCE_LIMIT)
    if "dated" in values:
        _act_date(errors, values["dated"])
    errors.raise_if_any()
    update = VersionedUpdate(document, expected_version)
    update.apply(values)
    update.save(actor=actor, org_unit=org_unit, action=DocumentAction.EDITED)
    return update.instance


# --- Reading -----------------------------------------------------------------------------------
def _owner_q(model: type[models.Model], prefix: str = "") -> Q:
    opts = model._meta
    # Through the join, not ContentType.objects.get_for_model: no query of its own, cached or not.
    return Q(**{f"{prefix}owner_type__app_label": opts.app_label, f"{prefix}owner_type__model": opts.model_name})


def _owners_q(owners: Collection[QuerySet[Any]], prefix: str = "") -> Q:
    condition = Q(pk__in=[])
    for queryset in owners:
        condition |= _owner_q(queryset.model, prefix) & Q(**{f"{prefix}owner_id__in": queryset.values("pk")})
    return condition


def documents_in(*owners: QuerySet[Any]) -> QuerySet[Document]:
    """The documents whose owner is in one of ``owners`` (the querysets a domain's policy returns)."""
    return Document.objects.filter(_owners_q(owners))


def versions_of(*owners: QuerySet[Any]) -> QuerySet[DocumentVersion]:
    """The versions of the documents whose owner is in one of ``owners``."""
    return DocumentVersion.objects.select_related("document").filter(_owners_q(owners, "document__"))


@dataclass(frozen=True)
class Listed:
    """A document with its versions, newest first (``current`` is the first)."""

    document: Document
    versions: list[DocumentVersion]

    @property
    def current(self) -> DocumentVersion:
        return self.versions[0]

    @property
    def earlier(self) -> list[DocumentVersion]:
        return self.versions[1:]


def documents_of(owner: models.Model, *, kinds: Collection[str] | None = None) -> list[Listed]:
    """``owner``'s documents (of ``kinds``, or all), each with every version: one query, however many."""
    versions = (
        DocumentVersion.objects.select_related("document", "uploaded_by")
        .filter(_owner_q(type(owner), "document__"), document__owner_id=owner.pk)
        .order_by("document__kind", "document__title", "document_id", "-number")
    )
    if kinds is not None:
        versions = versions.filter(document__kind__in=list(kinds))
    listed: dict[int, list[DocumentVersion]] = {}
    documents: dict[int, Document] = {}
    for version in versions:
        documents.setdefault(version.document_id, version.document)
        version.document = documents[version.document_id]  # one object per document
        listed.setdefault(version.document_id, []).append(version)
    return [Listed(documents[pk], rows) for pk, rows in listed.items()]


def version_response(request: HttpRequest | None, version: DocumentVersion) -> HttpResponseBase:
    """The file of a version the caller's policy let through: always a download, never shown inline."""
    response = private_file_response(request, version.file, version.original_name, content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Who reads a document's audit events -------------------------------------------------------
Visible = Callable[["Actor"], QuerySet[Any]]
_OWNERS: dict[str, Visible] = {}


def register_owner(model: type[models.Model], visible: Visible) -> None:
    """A domain names the policy that returns the owners of its documents (in its ``AppConfig.ready``)."""
    _OWNERS[model._meta.label_lower] = visible


def visible_documents(actor: Actor) -> QuerySet[Document]:
    """The documents whose owner the actor may see in its own domain (an unregistered owner: nobody)."""
    owners = [visible(actor) for visible in _OWNERS.values()]
    return documents_in(*[qs for qs in owners if not qs.query.is_empty()])


def visible_versions(actor: Actor) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(document__in=visible_documents(actor))
