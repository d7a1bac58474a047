"""Who sees and does what of a municipality's safeguarding. Views, API, selectors and services ask only this.

- The protocol and the code of conduct (their versions and files) and who the contacts are: every role
  of the municipality, since all of them work with children or with those who do: the coordinator,
  supervisors, the secretariat and analysts, area focal points, protection officers, and the
  defenders of its communities (who read their own municipality's). Administrators read them too.
- The register of signatures and the renewal interval: the coordinator, supervisors, the secretariat
  and analysts (and administrators): not area focal points, defenders or protection officers.
- Changes (documents, contacts, signatures, the interval): the municipality's coordinator.
- The confidential concerns: only the municipality's coordinator and its designated contacts, with the
  second factor verified (``Actor.may_read_personal_data``); an administrator only inside a break-glass
  grant. Everybody else gets 404, and their attempt is written to the audit trail
  (``SafeguardingAction.CONCERN_READ_REFUSED``). Every read is an access event (decision 0015: the
  policy call logs it, after the check). Contacts are chosen among the users who act in the
  municipality in a role that reads personal data with the second factor (``PERSONAL_DATA_ROLES``).

Other municipalities, and independent evaluators of certification: 404 everywhere.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.accounts.models import Membership, User
from ronda.core import audit
from ronda.core.roles import PERSONAL_DATA_ROLES, Role
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.core.views_helpers import id_param
from ronda.safeguarding.models import (
    Concern,
    SafeguardingAction,
    SafeguardingContact,
    SafeguardingDocument,
    SafeguardingSettings,
    Signature,
)
from ronda.territory.models import Area, Institution, Level, OrgUnit

QS = TypeVar("QS", bound=QuerySet[Any])

# Every role of a municipality; not an independent evaluator, who reads only the certification cycles
# assigned to them (issue #14) and nothing of the municipalities' safeguarding.
DOCUMENT_READERS = frozenset(Role.values) - {Role.EVALUATOR}
REGISTER_READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.SUPERVISOR, Role.SECRETARIAT, Role.ANALYST})
MANAGERS = frozenset({Role.COORDINATOR})
# Contacts read the concerns: they must be people who read personal data with the second factor.
CONTACT_ROLES = frozenset(PERSONAL_DATA_ROLES - {Role.ADMIN})

CONCERN_LIST_PURPOSE = "safeguarding concerns list"
CONCERN_PURPOSE = "safeguarding concern"


def _ancestor_paths(path: str) -> list[str]:
    """Every prefix of ``path`` that is a unit's path (the unit itself and the units above it)."""
    segments = [s for s in path.split(".") if s]
    return ["".join(f"{s}." for s in segments[:n]) for n in range(1, len(segments) + 1)]


def _municipality_filter(actor: Actor | None, field: str, *, upwards: bool) -> Q | None:
    """The municipalities the actor acts in: their subtree, and with ``upwards`` the municipality above
    a community (a defender's). None: nothing; an empty Q: everything."""
    if actor is None or actor.scope_path is None:
        return None
    scope = actor.scope_path
    if scope == "":
        return Q()
    path = f"{field}__path" if field else "path"
    condition = Q(**{f"{path}__startswith": scope})
    if upwards:
        condition |= Q(**{f"{path}__in": _ancestor_paths(scope)})
    return condition


def _scoped(queryset: QS, actor: Actor | None, roles: frozenset[str], field: str, *, upwards: bool = False) -> QS:
    if actor is None or actor.role not in roles:
        return queryset.none()
    condition = _municipality_filter(actor, field, upwards=upwards)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


# --- Reading ----------------------------------------------------------------------------------
def can_view_documents(actor: Actor | None) -> bool:
    return actor is not None and actor.role in DOCUMENT_READERS


def can_view_registers(actor: Actor | None) -> bool:
    return actor is not None and actor.role in REGISTER_READERS


def visible_municipalities(actor: Actor | None) -> QuerySet[OrgUnit]:
    """The municipalities whose protocol the actor may open."""
    units = OrgUnit.objects.filter(level=Level.MUNICIPALITY)
    if actor is None or actor.role not in DOCUMENT_READERS:
        return units.none()
    condition = _municipality_filter(actor, "", upwards=True)
    return units.none() if condition is None else units.filter(condition)


def visible_documents(actor: Actor | None) -> QuerySet[SafeguardingDocument]:
    return _scoped(
        SafeguardingDocument.objects.select_related("municipality"),
        actor,
        DOCUMENT_READERS,
        "municipality",
        upwards=True,
    )


def visible_contacts(actor: Actor | None) -> QuerySet[SafeguardingContact]:
    """Who the contacts are is part of the protocol: whoever reads the protocol knows whom to call."""
    return _scoped(
        SafeguardingContact.objects.select_related("user", "municipality"),
        actor,
        DOCUMENT_READERS,
        "municipality",
        upwards=True,
    )


def visible_settings(actor: Actor | None) -> QuerySet[SafeguardingSettings]:
    return _scoped(SafeguardingSettings.objects.all(), actor, REGISTER_READERS, "municipality")


def visible_signatures(actor: Actor | None) -> QuerySet[Signature]:
    return _scoped(Signature.objects.select_related("area", "recorded_by"), actor, REGISTER_READERS, "municipality")


def can_view_registers_of(actor: Actor | None, municipality: OrgUnit) -> bool:
    return can_view_registers(actor) and actor is not None and actor.covers(municipality)


# --- The concerns: the coordinator and the designated contacts only -------------------------------
def _contact_municipality_ids(actor: Actor) -> QuerySet[Any]:
    return SafeguardingContact.objects.filter(user=actor.user, active=True).values("municipality_id")


def visible_concerns(actor: Actor | None) -> QuerySet[Concern]:
    """The concerns this actor may read. Not for listing on its own: read them through
    ``concerns_of`` or ``get_concern``, which write the access events."""
    queryset = Concern.objects.select_related("municipality", "referred_to", "recorded_by")
    if actor is None or not actor.may_read_personal_data or actor.scope_path is None:
        return queryset.none()
    if actor.is_admin:
        paths = actor.break_glass_paths
        if not paths:
            return queryset.none()
        condition = Q()
        for path in paths:
            condition |= Q(municipality__path__startswith=path)
        return queryset.filter(condition)
    scoped = queryset.filter(municipality__path__startswith=actor.scope_path)
    if actor.role == Role.COORDINATOR:
        return scoped
    return scoped.filter(municipality_id__in=_contact_municipality_ids(actor))


def can_read_concerns(actor: Actor | None, municipality: OrgUnit) -> bool:
    if actor is None or not actor.may_read_personal_data_at(municipality.path):
        return False
    if actor.is_admin:
        return True  # inside a break-glass grant (``may_read_personal_data_at``)
    if actor.role == Role.COORDINATOR:
        return True
    return SafeguardingContact.objects.filter(municipality=municipality, user=actor.user, active=True).exists()


def refuse_concern_read(actor: Actor, *, municipality: OrgUnit, concern: Concern | None = None) -> None:
    """Write the refused attempt to the trail (in the municipality's, where its supervisor sees it)."""
    audit.record(
        actor=actor,
        action=SafeguardingAction.CONCERN_READ_REFUSED,
        target=concern,
        org_unit=municipality,
        changes={"municipality": municipality.pk},
    )


def concerns_of(actor: Actor, municipality: OrgUnit, *, purpose: str = CONCERN_LIST_PURPOSE) -> list[Concern]:
    """The municipality's concerns, the latest first, one access event per concern shown; 404 (and the
    refusal in the trail) for anyone else."""
    if not can_read_concerns(actor, municipality):
        refuse_concern_read(actor, municipality=municipality)
        raise Http404
    rows = list(visible_concerns(actor).filter(municipality=municipality).order_by("-raised_on", "-id")[:500])
    if rows:
        audit.record_accesses(actor=actor, targets=rows, org_unit=municipality, purpose=purpose)
    return rows


def _concern_or_refuse(actor: Actor, pk: object) -> Concern:
    try:
        return get_object_or_404_scoped(visible_concerns(actor), pk=pk)
    except Http404:
        number = _as_id(pk)
        existing = Concern.objects.select_related("municipality").filter(pk=number).first() if number else None
        if existing is not None:
            refuse_concern_read(actor, municipality=existing.municipality, concern=existing)
        raise


def _as_id(pk: object) -> int | None:
    return id_param(str(pk)) if isinstance(pk, int | str) else None


def get_concern(actor: Actor, pk: object, *, purpose: str = CONCERN_PURPOSE) -> Concern:
    """One concern, and its access event; 404 (and the refusal in the trail) for anyone else."""
    concern = _concern_or_refuse(actor, pk)
    audit.record_access(actor=actor, target=concern, org_unit=concern.municipality, purpose=purpose)
    return concern


# --- Changing ---------------------------------------------------------------------------------
def can_manage_any(actor: Actor | None) -> bool:
    return actor is not None and actor.role in MANAGERS and not actor.is_read_only


def can_manage(actor: Actor | None, municipality: OrgUnit) -> bool:
    return can_manage_any(actor) and actor is not None and actor.covers(municipality)


def can_designate(user: User, municipality: OrgUnit) -> bool:
    """A user may be a contact when they act in the municipality in a role that reads personal data."""
    return eligible_contacts(municipality).filter(pk=user.pk).exists()


def eligible_contacts(municipality: OrgUnit) -> QuerySet[User]:
    """Users acting in (or above) the municipality in a role that reads personal data with the second factor."""
    memberships = Membership.objects.active().filter(
        role__in=CONTACT_ROLES, org_unit__path__in=_ancestor_paths(municipality.path)
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by(
        "last_name", "first_name", "id"
    )


# --- One call per object: 404 for missing and forbidden alike ------------------------------------
def get_municipality(actor: Actor, pk: object) -> OrgUnit:
    return get_object_or_404_scoped(visible_municipalities(actor), pk=pk)


def get_register_municipality(actor: Actor, pk: object) -> OrgUnit:
    municipality = get_municipality(actor, pk)
    if not can_view_registers_of(actor, municipality):
        raise Http404
    return municipality


def get_municipality_for_edit(actor: Actor, pk: object) -> OrgUnit:
    municipality = get_municipality(actor, pk)
    if not can_manage(actor, municipality):
        raise Http404
    return municipality


def get_concern_municipality(actor: Actor, pk: object) -> OrgUnit:
    """The municipality whose concerns the actor opens: 404 (and the refusal in the trail) for others."""
    number = _as_id(pk)
    municipality = OrgUnit.objects.filter(level=Level.MUNICIPALITY, pk=number).first() if number else None
    if municipality is None:
        raise Http404
    if not can_read_concerns(actor, municipality):
        refuse_concern_read(actor, municipality=municipality)
        raise Http404
    return municipality


def area_of(municipality: OrgUnit, pk: int) -> Area | None:
    """An active area of the municipality (a signature's), or None."""
    return Area.objects.filter(org_unit=municipality, is_active=True, pk=pk).first()


def institution_serving(municipality: OrgUnit, pk: int) -> Institution | None:
    """An institution whose jurisdiction covers the municipality (a concern's referral), or None."""
    return Institution.objects.filter(jurisdiction=municipality, pk=pk).first()


def get_document(actor: Actor, pk: object) -> SafeguardingDocument:
    return get_object_or_404_scoped(visible_documents(actor), pk=pk)


def get_signature_for_edit(actor: Actor, pk: object) -> Signature:
    signature = get_object_or_404_scoped(visible_signatures(actor), pk=pk)
    if not can_manage(actor, signature.municipality):
        raise Http404
    return signature


def get_contact_for_edit(actor: Actor, pk: object) -> SafeguardingContact:
    contact = get_object_or_404_scoped(visible_contacts(actor), pk=pk)
    if not can_manage(actor, contact.municipality):
        raise Http404
    return contact


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {
        "safeguarding.safeguardingsettings": visible_settings,
        "safeguarding.safeguardingdocument": visible_documents,
        "safeguarding.safeguardingcontact": visible_contacts,
        "safeguarding.signature": visible_signatures,
        "safeguarding.concern": visible_concerns,
    }
