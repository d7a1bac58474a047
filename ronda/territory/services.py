"""Every write to the territory goes through here, audited in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.services import lock_for_update
from ronda.core.tenancy import Acting, Actor, is_person
from ronda.territory import policies
from ronda.territory.models import Area, Institution, InstitutionService, Level, OrgUnit, path_segment

ORG_UNIT_EDITABLE = ("code", "name", "is_active", "geometry", "child_population")


def _check_parent(parent: OrgUnit | None, level: int) -> None:
    if level == Level.COUNTRY:
        if parent is not None:
            raise ValidationError({"parent": _("A country cannot have a parent.")})
        return
    if parent is None:
        raise ValidationError({"parent": _("This level needs a parent unit.")})
    if parent.level != level - 1:
        raise ValidationError(
            {
                "parent": _("The parent of a %(level)s must be a %(parent_level)s.")
                % {"level": Level(level).label.lower(), "parent_level": Level(level - 1).label.lower()}
            }
        )


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    qs = OrgUnit.objects.filter(code=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"code": _("Another unit already uses the code %(code)s.") % {"code": code}})


@transaction.atomic
def create_org_unit(
    *,
    actor: Acting,
    code: str,
    name: str,
    level: int,
    parent: OrgUnit | None,
    geometry: dict[str, Any] | None = None,
    child_population: dict[str, Any] | None = None,
) -> OrgUnit:
    """Create a unit. ``actor`` None is the system (demo loader); people are checked by policy."""
    if is_person(actor) and not policies.can_create_child(actor, parent, level):
        raise PermissionDenied
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("Code and name are required."))
    _check_parent(parent, level)
    _check_code_free(code)
    unit = OrgUnit.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        geometry=geometry,
        child_population=child_population or {},
    )
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path)
    audit.record_create(actor=actor, target=unit, org_unit=unit)
    return unit


@transaction.atomic
def update_org_unit(*, actor: Actor, unit: OrgUnit, expected_version: int | None, **fields: Any) -> OrgUnit:
    if not policies.can_edit_org_unit(actor, unit):
        raise PermissionDenied
    unknown = set(fields) - set(ORG_UNIT_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = lock_for_update(unit, expected_version)
    before = audit.snapshot(locked, ORG_UNIT_EDITABLE)
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip()
        _check_code_free(fields["code"], exclude_pk=locked.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["path", "parent"])
    locked.version += 1
    locked.save()
    audit.record_update(actor=actor, target=locked, org_unit=locked, before=before)
    return locked


# --- Areas ----------------------------------------------------------------------------
AREA_EDITABLE = ("kind", "name", "is_active")


@transaction.atomic
def create_area(*, actor: Acting, org_unit: OrgUnit, kind: str, name: str) -> Area:
    if is_person(actor) and not policies.can_edit_areas_of(actor, org_unit):
        raise PermissionDenied
    if org_unit.level != Level.MUNICIPALITY:
        raise ValidationError({"org_unit": _("Areas belong to a municipality.")})
    name = name.strip()
    if Area.objects.filter(org_unit=org_unit, name__iexact=name).exists():
        raise ValidationError({"name": _("This municipality already has an area with that name.")})
    area = Area(org_unit=org_unit, kind=kind, name=name)
    area.full_clean()
    area.save()
    audit.record_create(actor=actor, target=area, org_unit=org_unit)
    return area


@transaction.atomic
def update_area(*, actor: Actor, area: Area, expected_version: int | None, **fields: Any) -> Area:
    if not policies.can_edit_areas_of(actor, area.org_unit):
        raise PermissionDenied
    locked = lock_for_update(area, expected_version)
    before = audit.snapshot(locked, AREA_EDITABLE)
    for name in AREA_EDITABLE:
        if name in fields:
            setattr(locked, name, fields[name])
    if Area.objects.filter(org_unit_id=locked.org_unit_id, name__iexact=locked.name).exclude(pk=locked.pk).exists():
        raise ValidationError({"name": _("This municipality already has an area with that name.")})
    locked.full_clean()
    locked.version += 1
    locked.save()
    audit.record_update(actor=actor, target=locked, org_unit=area.org_unit, before=before)
    return locked


# --- Institutions ---------------------------------------------------------------------
INSTITUTION_EDITABLE = ("name", "acronym", "kind", "address", "phone", "email", "website", "opening_hours", "is_active")


def _institution_state(institution: Institution) -> dict[str, Any]:
    state = audit.snapshot(institution, (*INSTITUTION_EDITABLE, "org_unit_id"))
    state["jurisdiction"] = sorted(institution.jurisdiction.values_list("pk", flat=True))
    state["services"] = sorted(institution.services.values_list("name", flat=True))
    return state


def _set_services(institution: Institution, names: Iterable[str]) -> None:
    wanted = {n.strip() for n in names if n.strip()}
    institution.services.exclude(name__in=wanted).delete()
    existing = set(institution.services.values_list("name", flat=True))
    InstitutionService.objects.bulk_create(
        [InstitutionService(institution=institution, name=n) for n in sorted(wanted - existing)]
    )


@transaction.atomic
def create_institution(
    *,
    actor: Acting,
    seat: OrgUnit,
    jurisdiction: Iterable[OrgUnit] = (),
    services: Iterable[str] = (),
    **fields: Any,
) -> Institution:
    if is_person(actor) and not policies.can_create_institution(actor, seat):
        raise PermissionDenied
    institution = Institution(org_unit=seat, **{k: v for k, v in fields.items() if k in INSTITUTION_EDITABLE})
    institution.full_clean()
    institution.save()
    institution.jurisdiction.set(list(jurisdiction) or [seat])
    _set_services(institution, services)
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        target=institution,
        org_unit=seat,
        changes=audit.diff({}, _institution_state(institution)),
    )
    return institution


@transaction.atomic
def update_institution(
    *,
    actor: Actor,
    institution: Institution,
    expected_version: int | None,
    jurisdiction: Iterable[OrgUnit] | None = None,
    services: Iterable[str] | None = None,
    **fields: Any,
) -> Institution:
    if not policies.can_edit_institution(actor, institution):
        raise PermissionDenied
    locked = lock_for_update(institution, expected_version)
    before = _institution_state(locked)
    for name in INSTITUTION_EDITABLE:
        if name in fields:
            setattr(locked, name, fields[name])
    locked.full_clean()
    locked.version += 1
    locked.save()
    if jurisdiction is not None:
        locked.jurisdiction.set(list(jurisdiction) or [locked.org_unit])
    if services is not None:
        _set_services(locked, services)
    changes = audit.diff(before, _institution_state(locked))
    if changes:
        audit.record(
            actor=actor, action=audit.AuditAction.UPDATE, target=locked, org_unit=locked.org_unit, changes=changes
        )
    return locked
