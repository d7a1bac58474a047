"""The body, its members and commissions."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from ronda.accounts.models import Membership, User
from ronda.coordination import limits, policies
from ronda.coordination.models import (
    BodyMember,
    Commission,
    CoordinationAction,
    CoordinationBody,
)
from ronda.coordination.services.common import full_clean, require, strip_strings
from ronda.core import audit, files
from ronda.core.errors import Errors, check_length
from ronda.core.models import AuditAction
from ronda.core.services import Diff, VersionedUpdate, check_editable, versioned_update
from ronda.core.tenancy import Acting, is_person
from ronda.territory.models import Area, Institution, Level, OrgUnit
from ronda.territory.selectors import institution_serves

if TYPE_CHECKING:
    from typing_extensions import Unpack


# --- The body ----------------------------------------------------------------------------
class BodyChanges(TypedDict, total=False):
    name: str
    established_on: datetime.date | None
    safeguarding_protocol: str


BODY_EDITABLE = tuple(BodyChanges.__annotations__)


@transaction.atomic
def create_body(
    *,
    actor: Acting,
    org_unit: OrgUnit,
    name: str,
    established_on: datetime.date | None = None,
    safeguarding_protocol: str = "",
) -> CoordinationBody:
    if is_person(actor):
        require(policies.can_create_body(actor, org_unit))
    if org_unit.level != Level.MUNICIPALITY:
        raise ValidationError({"org_unit": _("A coordination body belongs to a municipality.")})
    if CoordinationBody.objects.filter(org_unit=org_unit).exists():
        raise ValidationError({"org_unit": _("This municipality already has a coordination body.")})
    body = CoordinationBody(
        org_unit=org_unit,
        name=name.strip(),
        established_on=established_on,
        safeguarding_protocol=safeguarding_protocol.strip(),
    )
    errors = Errors()
    check_length(errors, "safeguarding_protocol", body.safeguarding_protocol, limits.PROTOCOL)
    errors.raise_if_any()
    full_clean(body)
    body.save()
    audit.record_create(actor=actor, target=body, org_unit=org_unit)
    return body


@transaction.atomic
def update_body(
    *,
    actor: Acting,
    body: CoordinationBody,
    expected_version: int | None,
    lead_areas: Iterable[Area] | None = None,
    **fields: Unpack[BodyChanges],
) -> CoordinationBody:
    """The body's own fields and, when given, its lead areas (areas of its municipality)."""
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    check_editable(fields, BODY_EDITABLE)
    changes = strip_strings(fields)
    errors = Errors()
    protocol = changes.get("safeguarding_protocol")
    if protocol is not None and protocol != body.safeguarding_protocol:  # an older, longer one stays until edited
        check_length(errors, "safeguarding_protocol", protocol, limits.PROTOCOL)
    chosen = list(lead_areas) if lead_areas is not None else None
    if chosen is not None and any(area.org_unit_id != body.org_unit_id for area in chosen):
        errors.add("lead_areas", _("Choose areas of the body's municipality."))
    errors.raise_if_any()
    update = VersionedUpdate(body, expected_version, state=_lead_areas)
    locked = update.apply(changes)
    full_clean(locked)
    if chosen is not None:
        locked.lead_areas.set(chosen)
    update.save(actor=actor, org_unit=body.org_unit)
    return locked


def _lead_areas(body: CoordinationBody) -> dict[str, Any]:
    return {"lead_areas": sorted(body.lead_areas.values_list("pk", flat=True))}


# The coat of arms: a real PNG or JPEG, small, re-encoded as PNG so that whatever else the upload
# carried (a polyglot, metadata) is not kept. It is read whole only after its size was checked.
ARMS_MAX_BYTES = 2 * 1024 * 1024
ARMS_MAX_SIDE = 4000
ARMS_STORED_SIDE = 600  # plenty for a 3 cm letterhead at print resolution


def _arms_png(upload: Any) -> bytes:
    from io import BytesIO

    from PIL import Image, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is None or size > ARMS_MAX_BYTES:
        raise ValidationError(
            {"coat_of_arms": _("The image is too large: at most %(mb)d MB.") % {"mb": ARMS_MAX_BYTES // (1024 * 1024)}}
        )
    upload.seek(0)
    data = upload.read(ARMS_MAX_BYTES + 1)
    not_an_image = ValidationError({"coat_of_arms": _("Upload the coat of arms as a PNG or JPEG image.")})
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG"):
                raise not_an_image
            if max(probe.size) > ARMS_MAX_SIDE:
                raise ValidationError(
                    {"coat_of_arms": _("The image is too large: at most %(px)d pixels a side.") % {"px": ARMS_MAX_SIDE}}
                )
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image.load()
            image.thumbnail((ARMS_STORED_SIDE, ARMS_STORED_SIDE))
            out = BytesIO()
            image.convert("RGBA").save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    return out.getvalue()


@transaction.atomic
def set_coat_of_arms(
    *, actor: Acting, body: CoordinationBody, expected_version: int | None, upload: Any | None
) -> CoordinationBody:
    """Store the municipality's coat of arms for the body's documents (``upload`` None removes it)."""
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    png = _arms_png(upload) if upload is not None else None
    update = VersionedUpdate(body, expected_version)
    locked = update.instance
    old = locked.coat_of_arms
    name = ""
    if png is not None:
        # A fresh name per upload; the file is removed again if the transaction rolls back.
        name = default_storage.save(f"coordination/arms/{locked.pk}/{uuid.uuid4().hex}.png", ContentFile(png))
        files.keep_on_commit(default_storage, name)
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    update.apply({"coat_of_arms": name})
    update.save(actor=actor, org_unit=locked.org_unit)
    return locked


# --- Members -----------------------------------------------------------------------------
class MemberFields(TypedDict, total=False):
    full_name: str
    area: Area | None
    institution: Institution | None
    level: str
    position: str
    email: str
    phone: str
    user: User | None
    start_date: datetime.date
    end_date: datetime.date | None


MEMBER_EDITABLE = tuple(MemberFields.__annotations__)


def linkable_users(body: CoordinationBody) -> Any:
    """Ronda users with an active membership in the body's municipality (or below it)."""
    holders = Membership.objects.active().filter(org_unit__path__startswith=body.org_unit.path).values("user_id")
    return User.objects.filter(is_active=True, pk__in=holders).order_by("last_name", "first_name", "username")


def _validate_member(member: BodyMember) -> None:
    body = member.body
    errors = Errors()
    if member.area is not None and member.area.org_unit_id != body.org_unit_id:
        errors.add("area", _("Choose an area of this municipality."))
    if member.institution is not None and not institution_serves(member.institution, body.org_unit):
        errors.add("institution", _("Choose an institution that serves this municipality."))
    if member.area is None and member.institution is None:
        errors.add("area", _("Say which area or institution the member represents."))
    if member.end_date is not None and member.end_date < member.start_date:
        errors.add("end_date", _("The end date cannot be before the start date."))
    if member.user is not None:
        if not linkable_users(body).filter(pk=member.user.pk).exists():
            errors.add("user", _("This user does not work in this municipality."))
        elif BodyMember.objects.filter(body=body, user=member.user).exclude(pk=member.pk).exists():
            errors.add("user", _("This user is already linked to another member of the body."))
    errors.raise_if_any()


def _validate_member_edit(member: BodyMember) -> None:
    full_clean(member)
    _validate_member(member)


def _member_event(changes: Diff) -> str:
    """A member whose "member until" date is set has left the body."""
    old, new = changes.get("end_date", (None, None))
    return CoordinationAction.MEMBER_LEFT if old is None and new is not None else AuditAction.UPDATE


@transaction.atomic
def add_member(*, actor: Acting, body: CoordinationBody, **fields: Unpack[MemberFields]) -> BodyMember:
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    check_editable(fields, MEMBER_EDITABLE)
    member = BodyMember(body=body, **strip_strings(fields))
    _validate_member_edit(member)
    member.save()
    audit.record_create(actor=actor, target=member, org_unit=body.org_unit)
    return member


@transaction.atomic
def update_member(
    *, actor: Acting, member: BodyMember, expected_version: int | None, **fields: Unpack[MemberFields]
) -> BodyMember:
    if is_person(actor):
        require(policies.can_manage_body(actor, member.body))
    check_editable(fields, MEMBER_EDITABLE)
    return versioned_update(
        actor=actor,
        instance=member,
        expected_version=expected_version,
        changes=strip_strings(fields),
        org_unit=member.body.org_unit,
        action=_member_event,
        validate=_validate_member_edit,
    )


# --- Commissions -------------------------------------------------------------------------
def _commission_members(commission: Commission) -> dict[str, Any]:
    return {"members": sorted(commission.members.values_list("pk", flat=True))}


def _commission_state(commission: Commission) -> dict[str, Any]:
    return {**audit.snapshot(commission, ("name", "purpose")), **_commission_members(commission)}


def _validate_commission(commission: Commission, members: list[BodyMember], *, purpose_before: str = "") -> None:
    errors = Errors()
    if commission.purpose != purpose_before:  # an older, longer purpose stays until somebody edits it
        check_length(errors, "purpose", commission.purpose, limits.PURPOSE)
    clash = Commission.objects.filter(body_id=commission.body_id, name__iexact=commission.name)
    if clash.exclude(pk=commission.pk).exists():
        errors.add("name", _("The body already has a commission with that name."))
    if any(m.body_id != commission.body_id for m in members):
        errors.add("members", _("Choose members of this body."))
    errors.raise_if_any()


@transaction.atomic
def create_commission(
    *, actor: Acting, body: CoordinationBody, name: str, purpose: str = "", members: Iterable[BodyMember] = ()
) -> Commission:
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    chosen = list(members)
    commission = Commission(body=body, name=name.strip(), purpose=purpose.strip())
    full_clean(commission)
    _validate_commission(commission, chosen)
    commission.save()
    commission.members.set(chosen)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=commission,
        org_unit=body.org_unit,
        changes=audit.diff({}, _commission_state(commission)),
    )
    return commission


@transaction.atomic
def update_commission(
    *,
    actor: Acting,
    commission: Commission,
    expected_version: int | None,
    name: str,
    purpose: str,
    members: Iterable[BodyMember],
) -> Commission:
    if is_person(actor):
        require(policies.can_manage_body(actor, commission.body))
    chosen = list(members)
    update = VersionedUpdate(commission, expected_version, state=_commission_members)
    purpose_before = update.instance.purpose
    locked = update.apply({"name": name.strip(), "purpose": purpose.strip()})
    full_clean(locked)
    _validate_commission(locked, chosen, purpose_before=purpose_before)
    locked.members.set(chosen)
    update.save(actor=actor, org_unit=commission.body.org_unit)
    return locked
