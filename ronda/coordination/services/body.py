"""The body, its members and commissions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ronda.accounts.models import Membership, User
from ronda.coordination import policies
from ronda.coordination.models import (
    BodyMember,
    Commission,
    CoordinationBody,
)
from ronda.coordination.services.common import full_clean, require, strip_strings
from ronda.core import audit
from ronda.core.models import AuditAction
from ronda.core.services import lock_for_update
from ronda.core.tenancy import Acting, is_person
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import institution_serves

# --- The body ----------------------------------------------------------------------------
BODY_EDITABLE = ("name", "established_on", "safeguarding_protocol")


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
    full_clean(body)
    body.save()
    audit.record_create(actor=actor, target=body, org_unit=org_unit)
    return body


@transaction.atomic
def update_body(
    *, actor: Acting, body: CoordinationBody, expected_version: int | None, **fields: Any
) -> CoordinationBody:
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    locked = lock_for_update(body, expected_version)
    before = audit.snapshot(locked, BODY_EDITABLE)
    for name in BODY_EDITABLE:
        if name in fields:
            value = fields[name]
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
    full_clean(locked)
    locked.version += 1
    locked.save()
    audit.record_update(actor=actor, target=locked, org_unit=body.org_unit, before=before)
    return locked


# --- Members -----------------------------------------------------------------------------
MEMBER_EDITABLE = (
    "full_name",
    "area",
    "institution",
    "level",
    "position",
    "email",
    "phone",
    "user",
    "start_date",
    "end_date",
)
MEMBER_AUDITED = tuple(f"{n}_id" if n in {"area", "institution", "user"} else n for n in MEMBER_EDITABLE)


def linkable_users(body: CoordinationBody) -> Any:
    """Ronda users with an active membership in the body's municipality (or below it)."""
    holders = Membership.objects.active().filter(org_unit__path__startswith=body.org_unit.path).values("user_id")
    return User.objects.filter(is_active=True, pk__in=holders).order_by("last_name", "first_name", "username")


def _validate_member(member: BodyMember) -> None:
    body = member.body
    errors: dict[str, str] = {}
    if member.area is not None and member.area.org_unit_id != body.org_unit_id:
        errors["area"] = _("Choose an area of this municipality.")
    if member.institution is not None and not institution_serves(member.institution, body.org_unit):
        errors["institution"] = _("Choose an institution that serves this municipality.")
    if member.area is None and member.institution is None:
        errors["area"] = _("Say which area or institution the member represents.")
    if member.end_date is not None and member.end_date < member.start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if member.user is not None:
        if not linkable_users(body).filter(pk=member.user.pk).exists():
            errors["user"] = _("This user does not work in this municipality.")
        elif BodyMember.objects.filter(body=body, user=member.user).exclude(pk=member.pk).exists():
            errors["user"] = _("This user is already linked to another member of the body.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_member(*, actor: Acting, body: CoordinationBody, **fields: Any) -> BodyMember:
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    unknown = set(fields) - set(MEMBER_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    member = BodyMember(body=body, **strip_strings(fields))
    full_clean(member)
    _validate_member(member)
    member.save()
    audit.record_create(actor=actor, target=member, org_unit=body.org_unit)
    return member


@transaction.atomic
def update_member(*, actor: Acting, member: BodyMember, expected_version: int | None, **fields: Any) -> BodyMember:
    if is_person(actor):
        require(policies.can_manage_body(actor, member.body))
    unknown = set(fields) - set(MEMBER_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = lock_for_update(member, expected_version)
    before = audit.snapshot(locked, MEMBER_AUDITED)
    for name, value in strip_strings(fields).items():
        setattr(locked, name, value)
    full_clean(locked)
    _validate_member(locked)
    locked.version += 1
    locked.save()
    audit.record_update(actor=actor, target=locked, org_unit=member.body.org_unit, before=before)
    return locked


# --- Commissions -------------------------------------------------------------------------
def _commission_state(commission: Commission) -> dict[str, Any]:
    state = audit.snapshot(commission, ("name", "purpose"))
    state["members"] = sorted(commission.members.values_list("pk", flat=True))
    return state


def _validate_commission(commission: Commission, members: list[BodyMember]) -> None:
    errors: dict[str, str] = {}
    clash = Commission.objects.filter(body_id=commission.body_id, name__iexact=commission.name)
    if clash.exclude(pk=commission.pk).exists():
        errors["name"] = _("The body already has a commission with that name.")
    if any(m.body_id != commission.body_id for m in members):
        errors["members"] = _("Choose members of this body.")
    if errors:
        raise ValidationError(errors)


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
    locked = lock_for_update(commission, expected_version)
    before = _commission_state(locked)
    locked.name, locked.purpose = name.strip(), purpose.strip()
    full_clean(locked)
    _validate_commission(locked, chosen)
    locked.version += 1
    locked.save()
    locked.members.set(chosen)
    changes = audit.diff(before, _commission_state(locked))
    if changes:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, target=locked, org_unit=commission.body.org_unit, changes=changes
        )
    return locked
