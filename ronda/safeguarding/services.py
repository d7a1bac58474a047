"""Every write to a municipality's safeguarding goes through here, audited in the same transaction.

``SYSTEM`` is Ronda itself (the demo loader); people are checked against ``policies``. Errors are
collected (``core.errors.Errors``) and raised together before anything is written; edits lock the row
and compare its version (``core.services.VersionedUpdate``, decision 0009). Uploaded documents are
checked by their content (``core.uploads``) and stored with the transaction that records them
(``core.files``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.accounts.models import User
from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.files import save_in_transaction
from ronda.core.services import VersionedUpdate, check_editable, event_by_new_value
from ronda.core.tenancy import Acting, is_person
from ronda.core.uploads import EXTENSIONS, UploadRejected, check_upload
from ronda.safeguarding import policies
from ronda.safeguarding.models import (
    DEFAULT_RENEWAL_MONTHS,
    Concern,
    ConcernStatus,
    DocumentKind,
    Employment,
    SafeguardingAction,
    SafeguardingContact,
    SafeguardingDocument,
    SafeguardingSettings,
    Signature,
)
from ronda.territory.models import Area, Institution, Level, OrgUnit

if TYPE_CHECKING:
    from typing_extensions import Unpack

MAX_RENEWAL_MONTHS = 120
TEXT_LIMIT = 5000


def _today() -> dt.date:
    return timezone.localdate()


def _person(actor: Acting) -> User | None:
    return actor.user if is_person(actor) else None


def _require_manager(actor: Acting, municipality: OrgUnit) -> None:
    if is_person(actor) and not policies.can_manage(actor, municipality):
        raise PermissionDenied


def _require_concern_reader(actor: Acting, municipality: OrgUnit) -> None:
    if is_person(actor) and not policies.can_read_concerns(actor, municipality):
        raise PermissionDenied


def _text(errors: Errors, field: str, value: str | None, *, required: bool = False, limit: int = 255) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    else:
        check_length(errors, field, text, limit)
    return text


def _not_future(errors: Errors, field: str, value: dt.date | None) -> None:
    if value is None:
        errors.add(field, _("This field is required."))
    elif value > _today():
        errors.add(field, _("The date cannot be in the future."))


def _municipality(errors: Errors, municipality: OrgUnit) -> None:
    if municipality.level != Level.MUNICIPALITY:
        errors.add("__all__", _("Safeguarding is kept per municipality."))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` on (the last day of the month when it has fewer days: 31 Jan + 1 → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- The renewal interval -------------------------------------------------------------------------
def renewal_months(municipality: OrgUnit) -> int:
    found = SafeguardingSettings.objects.filter(municipality=municipality).values_list("renewal_months", flat=True)
    return next(iter(found), DEFAULT_RENEWAL_MONTHS)


@transaction.atomic
def set_renewal_interval(
    *, actor: Acting, municipality: OrgUnit, months: int, expected_version: int | None
) -> SafeguardingSettings:
    """How often a signature must be renewed, in months. Signatures already recorded keep their date."""
    _require_manager(actor, municipality)
    errors = Errors()
    _municipality(errors, municipality)
    if months is None or not 1 <= months <= MAX_RENEWAL_MONTHS:
        errors.add("months", _("Write a number of months between 1 and %(max)d.") % {"max": MAX_RENEWAL_MONTHS})
    errors.raise_if_any()
    current = SafeguardingSettings.objects.filter(municipality=municipality).first()
    if current is None:
        current = SafeguardingSettings.objects.create(municipality=municipality, renewal_months=months)
        audit.record_create(actor=actor, target=current, org_unit=municipality)
        return current
    update = VersionedUpdate(current, expected_version)
    update.apply({"renewal_months": months})
    update.save(actor=actor, org_unit=municipality)
    return update.instance


# --- The protocol and the code of conduct ---------------------------------------------------------
def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def check_file(errors: Errors, field: str, upload: Any) -> tuple[str, str, int]:
    """(display name, content type, size) of a PDF, PNG or JPEG that really is one (``core.uploads``),
    within ``RONDA_UPLOAD_MAX_BYTES``; the problem under ``field`` otherwise."""
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name or _("file")
    size = _size(upload)
    limit = settings.RONDA_UPLOAD_MAX_BYTES
    if size > limit:
        errors.add(field, _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": limit // (1024 * 1024)})
        return name, "", size
    if size == 0:
        errors.add(field, _("%(name)s is empty.") % {"name": name})
        return name, "", size
    try:
        content_type = check_upload(upload, name=name)
    except UploadRejected as rejected:
        errors.add(field, rejected.message)
        return name, "", size
    stem = PurePath(name).stem[:200] or "documento"
    return f"{stem}{EXTENSIONS[content_type]}", content_type, size


@transaction.atomic
def record_document(
    *,
    actor: Acting,
    municipality: OrgUnit,
    kind: str,
    edition: str,
    approved_on: dt.date,
    approving_act: str,
    upload: Any,
) -> SafeguardingDocument:
    """A new approved version of the protocol or the code of conduct, with its document. The latest
    approved version is the current one; the earlier ones are kept."""
    _require_manager(actor, municipality)
    errors = Errors()
    _municipality(errors, municipality)
    if kind not in DocumentKind.values:
        errors.add("kind", _("Choose one of the options."))
    edition = _text(errors, "edition", edition, required=True, limit=40)
    approving_act = _text(errors, "approving_act", approving_act, required=True)
    _not_future(errors, "approved_on", approved_on)
    if edition and SafeguardingDocument.objects.filter(municipality=municipality, kind=kind, edition=edition).exists():
        errors.add("edition", _("This version is already recorded."))
    name, content_type, size = "", "", 0
    if upload is None:
        errors.add("upload", _("Choose a file."))
    else:
        name, content_type, size = check_file(errors, "upload", upload)
    errors.raise_if_any()
    document = SafeguardingDocument(
        municipality=municipality,
        kind=kind,
        edition=edition,
        approved_on=approved_on,
        approving_act=approving_act,
        original_name=name,
        content_type=content_type,
        size=size,
        recorded_by=_person(actor),
    )
    # Stored now, and removed again if this transaction rolls back (core.files, decision 0016).
    save_in_transaction(document.file, "documento", File(upload))
    document.save()
    # The stored file's name stays out of the trail: it is random and says nothing.
    changes = audit.diff({}, audit.snapshot(document))
    changes.pop("file", None)
    audit.record(
        actor=actor,
        action=SafeguardingAction.DOCUMENT_APPROVED,
        target=document,
        org_unit=municipality,
        changes=changes,
    )
    return document


# --- Contacts ---------------------------------------------------------------------------------------
@transaction.atomic
def designate_contact(
    *, actor: Acting, municipality: OrgUnit, user: User | None, protocol_role: str
) -> SafeguardingContact:
    _require_manager(actor, municipality)
    errors = Errors()
    _municipality(errors, municipality)
    protocol_role = _text(errors, "protocol_role", protocol_role, required=True, limit=200)
    if user is None or not policies.can_designate(user, municipality):
        errors.add("user", _("Choose a user who acts in this municipality and reads personal data."))
    elif SafeguardingContact.objects.filter(municipality=municipality, user=user, active=True).exists():
        errors.add("user", _("This user is already a safeguarding contact."))
    errors.raise_if_any()
    assert user is not None
    contact = SafeguardingContact.objects.create(municipality=municipality, user=user, protocol_role=protocol_role)
    audit.record_create(actor=actor, target=contact, org_unit=municipality)
    return contact


@transaction.atomic
def end_contact(*, actor: Acting, contact: SafeguardingContact, expected_version: int | None) -> SafeguardingContact:
    """The contact no longer reads the concerns (the row is kept, inactive)."""
    _require_manager(actor, contact.municipality)
    update = VersionedUpdate(contact, expected_version)
    update.apply({"active": False})
    update.save(actor=actor, org_unit=contact.municipality, action=SafeguardingAction.CONTACT_ENDED)
    return update.instance


# --- The register of signatures ----------------------------------------------------------------------
class SignatureChanges(TypedDict, total=False):
    full_name: str
    employment: str
    area: Area | None
    company: str
    position: str
    signed_on: dt.date
    renewal_due: dt.date | None


SIGNATURE_EDITABLE = tuple(SignatureChanges.__annotations__)


def _signature_errors(municipality: OrgUnit, values: dict[str, Any]) -> Errors:
    errors = Errors()
    values["full_name"] = _text(errors, "full_name", values.get("full_name"), required=True, limit=200)
    values["position"] = _text(errors, "position", values.get("position"), required=True, limit=200)
    values["company"] = _text(errors, "company", values.get("company"), limit=200)
    employment = values.get("employment")
    area = values.get("area")
    if employment not in Employment.values:
        errors.add("employment", _("Choose one of the options."))
    elif employment == Employment.STAFF:
        values["company"] = ""
        if area is None:
            errors.add("area", _("Choose the area of the municipality they work in."))
    elif not values["company"]:
        errors.add("company", _("Write the name of the company they work for."))
    if area is not None and area.org_unit_id != municipality.pk:
        errors.add("area", _("Choose an area of this municipality."))
    signed_on = values.get("signed_on")
    _not_future(errors, "signed_on", signed_on)
    if signed_on is not None and values.get("renewal_due") is None:
        values["renewal_due"] = add_months(signed_on, renewal_months(municipality))
    renewal_due = values.get("renewal_due")
    if signed_on is not None and renewal_due is not None and renewal_due <= signed_on:
        errors.add("renewal_due", _("The renewal must fall after the date of signing."))
    return errors


@transaction.atomic
def record_signature(
    *,
    actor: Acting,
    municipality: OrgUnit,
    full_name: str,
    employment: str,
    position: str,
    signed_on: dt.date,
    area: Area | None = None,
    company: str = "",
    renewal_due: dt.date | None = None,
) -> Signature:
    """Someone who works directly with children signed the protocol. Without ``renewal_due``, it falls
    after the municipality's renewal interval (a year unless it set another)."""
    _require_manager(actor, municipality)
    values: dict[str, Any] = {
        "full_name": full_name,
        "employment": employment,
        "area": area,
        "company": company,
        "position": position,
        "signed_on": signed_on,
        "renewal_due": renewal_due,
    }
    errors = _signature_errors(municipality, values)
    _municipality(errors, municipality)
    errors.raise_if_any()
    signature = Signature.objects.create(municipality=municipality, recorded_by=_person(actor), **values)
    audit.record_create(actor=actor, target=signature, org_unit=municipality)
    return signature


@transaction.atomic
def update_signature(
    *, actor: Acting, signature: Signature, expected_version: int | None, **changes: Unpack[SignatureChanges]
) -> Signature:
    """Correct a signature, or record its renewal (a new ``signed_on``; ``renewal_due`` None computes it)."""
    municipality = signature.municipality
    _require_manager(actor, municipality)
    check_editable(changes, SIGNATURE_EDITABLE)
    update = VersionedUpdate(signature, expected_version)
    values = {name: changes.get(name, getattr(update.instance, name)) for name in SIGNATURE_EDITABLE}
    if "signed_on" in changes and "renewal_due" not in changes:
        values["renewal_due"] = None
    _signature_errors(municipality, values).raise_if_any()
    update.apply(values)
    update.save(actor=actor, org_unit=municipality)
    return update.instance


# --- The confidential concerns ---------------------------------------------------------------------
class ConcernChanges(TypedDict, total=False):
    raised_on: dt.date
    raised_by: str
    description: str
    concerned: str
    actions: str
    status: str
    referred_to: Institution | None


CONCERN_EDITABLE = tuple(ConcernChanges.__annotations__)
CONCERN_EVENTS = event_by_new_value("status", {ConcernStatus.CLOSED: SafeguardingAction.CONCERN_CLOSED})


def _concern_errors(municipality: OrgUnit, values: dict[str, Any]) -> Errors:
    errors = Errors()
    _not_future(errors, "raised_on", values.get("raised_on"))
    values["raised_by"] = _text(errors, "raised_by", values.get("raised_by"), required=True, limit=200)
    values["description"] = _text(errors, "description", values.get("description"), required=True, limit=TEXT_LIMIT)
    values["concerned"] = _text(errors, "concerned", values.get("concerned"), limit=500)
    values["actions"] = _text(errors, "actions", values.get("actions"), limit=TEXT_LIMIT)
    status = values.get("status")
    if status not in ConcernStatus.values:
        errors.add("status", _("Choose one of the options."))
    referred_to = values.get("referred_to")
    if status == ConcernStatus.REFERRED and referred_to is None:
        errors.add("referred_to", _("Choose the institution the concern was referred to."))
    if referred_to is not None and not referred_to.jurisdiction.filter(pk=municipality.pk).exists():
        errors.add("referred_to", _("Choose an institution that serves this municipality."))
    return errors


@transaction.atomic
def record_concern(
    *,
    actor: Acting,
    municipality: OrgUnit,
    raised_on: dt.date,
    raised_by: str,
    description: str,
    concerned: str = "",
    actions: str = "",
    status: str = ConcernStatus.OPEN,
    referred_to: Institution | None = None,
) -> Concern:
    _require_concern_reader(actor, municipality)
    values: dict[str, Any] = {
        "raised_on": raised_on,
        "raised_by": raised_by,
        "description": description,
        "concerned": concerned,
        "actions": actions,
        "status": status,
        "referred_to": referred_to,
    }
    errors = _concern_errors(municipality, values)
    _municipality(errors, municipality)
    errors.raise_if_any()
    concern = Concern.objects.create(municipality=municipality, recorded_by=_person(actor), **values)
    audit.record_create(actor=actor, target=concern, org_unit=municipality)
    return concern


@transaction.atomic
def update_concern(
    *, actor: Acting, concern: Concern, expected_version: int | None, **changes: Unpack[ConcernChanges]
) -> Concern:
    municipality = concern.municipality
    _require_concern_reader(actor, municipality)
    check_editable(changes, CONCERN_EDITABLE)
    update = VersionedUpdate(concern, expected_version)
    values = {name: changes.get(name, getattr(update.instance, name)) for name in CONCERN_EDITABLE}
    _concern_errors(municipality, values).raise_if_any()
    update.apply(values)
    update.save(actor=actor, org_unit=municipality, action=CONCERN_EVENTS)
    return update.instance
