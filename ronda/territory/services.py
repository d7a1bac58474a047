"""Every write to the territory goes through here, audited in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.files import save_in_transaction
from ronda.core.services import VersionedUpdate, check_editable, event_by_new_value, versioned_update
from ronda.core.tenancy import Acting, Actor, is_person
from ronda.core.uploads import EXTENSIONS, JPEG, PNG, UploadRejected, check_upload
from ronda.territory import identity, policies
from ronda.territory.models import (
    Area,
    Institution,
    InstitutionService,
    Level,
    OrgUnit,
    TerritoryAction,
    path_segment,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack


class OrgUnitChanges(TypedDict, total=False):
    """What an edit of a unit may change (level, parent and path never change)."""

    code: str
    name: str
    is_active: bool
    geometry: dict[str, Any] | None
    child_population: dict[str, Any]
    currency: str
    time_zone: str


ORG_UNIT_EDITABLE = tuple(OrgUnitChanges.__annotations__)
# Switching a unit, an area or an institution off (or on again) is an event of its own in the trail.
_UNIT_EVENTS = event_by_new_value(
    "is_active", {False: TerritoryAction.ORG_UNIT_DEACTIVATED, True: TerritoryAction.ORG_UNIT_REACTIVATED}
)
_AREA_EVENTS = event_by_new_value(
    "is_active", {False: TerritoryAction.AREA_DEACTIVATED, True: TerritoryAction.AREA_REACTIVATED}
)
_INSTITUTION_EVENTS = event_by_new_value(
    "is_active", {False: TerritoryAction.INSTITUTION_DEACTIVATED, True: TerritoryAction.INSTITUTION_REACTIVATED}
)


def _check_parent(errors: Errors, parent: OrgUnit | None, level: int) -> None:
    if level == Level.COUNTRY:
        if parent is not None:
            errors.add("parent", _("A country cannot have a parent."))
    elif parent is None:
        errors.add("parent", _("This level needs a parent unit."))
    elif parent.level != level - 1:
        errors.add(
            "parent",
            _("The parent of a %(level)s must be a %(parent_level)s.")
            % {"level": Level(level).label.lower(), "parent_level": Level(level - 1).label.lower()},
        )


def _check_code_free(errors: Errors, code: str, exclude_pk: int | None = None) -> None:
    qs = OrgUnit.objects.filter(code=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        errors.add("code", _("Another unit already uses the code %(code)s.") % {"code": code})


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
    currency: str = "",
    time_zone: str = "",
) -> OrgUnit:
    """Create a unit. ``actor`` None is the system (demo loader); people are checked by policy."""
    if is_person(actor) and not policies.can_create_child(actor, parent, level):
        raise PermissionDenied
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("Code and name are required."))
    errors = Errors()
    _check_parent(errors, parent, level)
    _check_code_free(errors, code)
    errors.raise_if_any()
    unit = OrgUnit(
        code=code,
        name=name,
        level=level,
        parent=parent,
        geometry=geometry,
        child_population=child_population or {},
        currency=currency.strip().upper(),
        time_zone=time_zone.strip(),
    )
    unit.full_clean(exclude=["path", "parent", "code"], validate_unique=False, validate_constraints=False)
    unit.save()
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path)
    audit.record_create(actor=actor, target=unit, org_unit=unit)
    return unit


@transaction.atomic
def update_org_unit(
    *, actor: Actor, unit: OrgUnit, expected_version: int | None, **fields: Unpack[OrgUnitChanges]
) -> OrgUnit:
    if not policies.can_edit_org_unit(actor, unit):
        raise PermissionDenied
    check_editable(fields, ORG_UNIT_EDITABLE)
    changes: dict[str, Any] = {**fields}
    if "code" in changes:
        changes["code"] = str(changes["code"]).strip()
    if "currency" in changes:
        changes["currency"] = str(changes["currency"]).strip().upper()

    def validate(locked: OrgUnit) -> None:
        errors = Errors()
        if "code" in changes:
            _check_code_free(errors, changes["code"], exclude_pk=locked.pk)
        errors.raise_if_any()
        locked.full_clean(exclude=["path", "parent"])

    return versioned_update(
        actor=actor,
        instance=unit,
        expected_version=expected_version,
        changes=changes,
        org_unit=unit,
        action=_UNIT_EVENTS,
        validate=validate,
    )


@transaction.atomic
def set_identity(
    *,
    actor: Acting,
    unit: OrgUnit,
    expected_version: int | None,
    official_name: str,
    colour: str,
    coat_of_arms: File[Any] | None = None,
    remove_coat_of_arms: bool = False,
) -> OrgUnit:
    """A municipality's official name, colour and coat of arms (``territory.identity``)."""
    if is_person(actor) and not policies.can_edit_identity(actor, unit):
        raise PermissionDenied
    errors = Errors()
    if unit.level != Level.MUNICIPALITY:
        errors.add("__all__", _("Only a municipality has a coat of arms and a colour in Ronda."))
    official_name = (official_name or "").strip()
    check_length(errors, "official_name", official_name, 255)
    colour = (colour or "").strip().lower()
    if colour and (problem := identity.colour_error(colour)):
        errors.add("colour", problem)
    kind = None
    if coat_of_arms is not None:
        name = PurePath(coat_of_arms.name or "escudo").name
        try:
            kind = check_upload(coat_of_arms, name=name, accepted=(PNG, JPEG))
        except UploadRejected as exc:
            errors.add("coat_of_arms", exc.message)
        else:
            if problem := identity.image_error(coat_of_arms, name=name):
                errors.add("coat_of_arms", problem)
    errors.raise_if_any()
    update = VersionedUpdate(unit, expected_version)
    locked = update.instance
    old_file = locked.coat_of_arms.name
    # Applied first, so that the trail compares the stored file with the new one.
    update.apply({"official_name": official_name, "colour": colour, "coat_of_arms": old_file})
    if coat_of_arms is not None and kind is not None:
        save_in_transaction(locked.coat_of_arms, f"escudo{EXTENSIONS[kind]}", coat_of_arms)
    elif remove_coat_of_arms:
        update.apply({"coat_of_arms": ""})
    update.save(actor=actor, org_unit=locked)
    if old_file and old_file != locked.coat_of_arms.name:
        storage = locked.coat_of_arms.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return locked


# --- Areas ----------------------------------------------------------------------------
class AreaChanges(TypedDict, total=False):
    kind: str
    name: str
    is_active: bool


AREA_EDITABLE = tuple(AreaChanges.__annotations__)


@transaction.atomic
def create_area(*, actor: Acting, org_unit: OrgUnit, kind: str, name: str) -> Area:
    if is_person(actor) and not policies.can_edit_areas_of(actor, org_unit):
        raise PermissionDenied
    errors = Errors()
    if org_unit.level != Level.MUNICIPALITY:
        errors.add("org_unit", _("Areas belong to a municipality."))
    name = name.strip()
    if Area.objects.filter(org_unit=org_unit, name__iexact=name).exists():
        errors.add("name", _("This municipality already has an area with that name."))
    errors.raise_if_any()
    area = Area(org_unit=org_unit, kind=kind, name=name)
    area.full_clean()
    area.save()
    audit.record_create(actor=actor, target=area, org_unit=org_unit)
    return area


@transaction.atomic
def update_area(*, actor: Actor, area: Area, expected_version: int | None, **fields: Unpack[AreaChanges]) -> Area:
    if not policies.can_edit_areas_of(actor, area.org_unit):
        raise PermissionDenied
    check_editable(fields, AREA_EDITABLE)

    def validate(locked: Area) -> None:
        same_name = Area.objects.filter(org_unit_id=locked.org_unit_id, name__iexact=locked.name)
        if same_name.exclude(pk=locked.pk).exists():
            raise ValidationError({"name": _("This municipality already has an area with that name.")})
        locked.full_clean()

    return versioned_update(
        actor=actor,
        instance=area,
        expected_version=expected_version,
        changes=fields,
        org_unit=area.org_unit,
        action=_AREA_EVENTS,
        validate=validate,
    )


# --- Institutions ---------------------------------------------------------------------
class InstitutionFields(TypedDict, total=False):
    """An institution's own fields (its seat, jurisdiction and services are passed apart)."""

    name: str
    acronym: str
    kind: str
    address: str
    phone: str
    email: str
    website: str
    opening_hours: str
    is_active: bool


INSTITUTION_EDITABLE = tuple(InstitutionFields.__annotations__)


def _institution_links(institution: Institution) -> dict[str, Any]:
    return {
        "jurisdiction": sorted(institution.jurisdiction.values_list("pk", flat=True)),
        "services": sorted(institution.services.values_list("name", flat=True)),
    }


def _institution_state(institution: Institution) -> dict[str, Any]:
    return {**audit.snapshot(institution, (*INSTITUTION_EDITABLE, "org_unit_id")), **_institution_links(institution)}


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
    **fields: Unpack[InstitutionFields],
) -> Institution:
    if is_person(actor) and not policies.can_create_institution(actor, seat):
        raise PermissionDenied
    check_editable(fields, INSTITUTION_EDITABLE)
    institution = Institution(org_unit=seat, **fields)
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
    **fields: Unpack[InstitutionFields],
) -> Institution:
    if not policies.can_edit_institution(actor, institution):
        raise PermissionDenied
    check_editable(fields, INSTITUTION_EDITABLE)
    update = VersionedUpdate(institution, expected_version, state=_institution_links)
    locked = update.apply(fields)
    locked.full_clean()
    if jurisdiction is not None:
        locked.jurisdiction.set(list(jurisdiction) or [locked.org_unit])
    if services is not None:
        _set_services(locked, services)
    update.save(
        actor=actor,
        org_unit=locked.org_unit,
        action=_INSTITUTION_EVENTS,
    )
    return locked
