"""Who sees and changes a municipality's consultations and its map of social actors. Views, API,
selectors, slots and services ask only this.

- Change: the municipality's coordinator.
- Read: the coordinator, area focal points and supervisors of the municipality, the technical
  secretariat and analysts in their subtree, and administrators; and whoever sits on the
  municipality's coordination body, whatever their role (``core.grants.BODY_SEAT``, as the plan).
- The contact person of a social actor (name, phone, e-mail): every reader but administrators and
  analysts, who read the map without them.
- Defenders and protection officers without a seat, and other municipalities: 404.

What a consultation cites must be visible to whoever links it: findings and measures through
``planning.policies``, the council session through ``council.policies``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.consultations.models import Consultation, SocialActor
from ronda.core import grants
from ronda.core.roles import Role
from ronda.core.tenancy import Acting, Actor, Shape, get_object_or_404_scoped
from ronda.council import policies as council_policies
from ronda.council.models import CouncilSession
from ronda.planning import policies as planning_policies
from ronda.planning.models import Finding, Measure
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import large_columns

QS = TypeVar("QS", bound=QuerySet[Any])

READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.AREA_FOCAL, Role.SUPERVISOR, Role.SECRETARIAT, Role.ANALYST})
MANAGERS = frozenset({Role.COORDINATOR})
# They read the map without the contact persons.
WITHOUT_CONTACTS = frozenset({Role.ADMIN, Role.ANALYST})


def _seats(actor: Actor | None) -> tuple[str, ...]:
    """The municipalities whose coordination body the actor sits on (provided by coordination)."""
    return grants.paths(actor, grants.BODY_SEAT)


def _condition(actor: Actor | None, path: str) -> Q | None:
    """Where the actor reads, on the org-unit path at ``path``: None for nowhere, an empty Q for everywhere."""
    if actor is None or actor.scope_path is None:
        return None
    condition: Q | None = None
    if actor.role in READERS:
        if actor.scope_path == "":
            return Q()
        condition = Q(**{f"{path}__startswith": actor.scope_path})
    seats = _seats(actor)
    if seats:
        seated = Q(**{f"{path}__in": seats})
        condition = seated if condition is None else condition | seated
    return condition


def _scoped(queryset: QS, actor: Actor | None, path: str) -> QS:
    condition = _condition(actor, path)
    return queryset.none() if condition is None else queryset.filter(condition)


# --- Reading ----------------------------------------------------------------------------------
def can_use_consultations(actor: Actor | None) -> bool:
    """The module-level check of every page: the readers' roles, and whoever sits on a body."""
    if actor is None or actor.scope_path is None:
        return False
    return actor.role in READERS or bool(_seats(actor))


def visible_municipalities(actor: Actor | None) -> QuerySet[OrgUnit]:
    return _scoped(OrgUnit.objects.filter(level=Level.MUNICIPALITY), actor, "path")


def can_read_in(actor: Actor | None, municipality: OrgUnit) -> bool:
    """Whether the actor reads the consultations and the map of ``municipality`` (for the slots, which
    receive an object the page already checked against its own policy)."""
    if actor is None or actor.scope_path is None:
        return False
    if actor.role in READERS and actor.covers(municipality):
        return True
    return municipality.path in _seats(actor)


def visible_consultations(actor: Actor | None) -> QuerySet[Consultation]:
    # Pages show the municipality's name, never its map or population (``territory.LARGE_COLUMNS``).
    queryset = Consultation.objects.select_related("municipality", "council_session").defer(
        *large_columns("municipality")
    )
    return _scoped(queryset, actor, "municipality__path")


def visible_actors(actor: Actor | None) -> QuerySet[SocialActor]:
    queryset = SocialActor.objects.select_related("municipality").defer(*large_columns("municipality"))
    return _scoped(queryset, actor, "municipality__path")


def can_read_contacts(actor: Actor | None) -> bool:
    """A social actor's contact person (the object reached through ``visible_actors``)."""
    return actor is not None and actor.role not in WITHOUT_CONTACTS


# --- Changing ---------------------------------------------------------------------------------
def can_manage_any(actor: Actor | None) -> bool:
    return actor is not None and actor.role in MANAGERS and not actor.is_read_only


def can_manage(actor: Actor | None, municipality: OrgUnit) -> bool:
    return (
        can_manage_any(actor)
        and actor is not None
        and municipality.level == Level.MUNICIPALITY
        and actor.covers(municipality)
    )


# --- What a consultation may cite ---------------------------------------------------------------
def citable_findings(actor: Acting, municipality: OrgUnit) -> QuerySet[Finding]:
    """The findings of the municipality's diagnoses that ``actor`` may see (all of them for SYSTEM)."""
    if isinstance(actor, Actor):
        findings = planning_policies.visible_findings(actor)
    else:
        findings = Finding.objects.select_related("analysis__org_unit")
    return findings.filter(analysis__org_unit=municipality)


def citable_measures(actor: Acting, municipality: OrgUnit) -> QuerySet[Measure]:
    if isinstance(actor, Actor):
        measures = planning_policies.visible_measures(actor)
    else:
        measures = Measure.objects.select_related("plan__org_unit")
    return measures.filter(plan__org_unit=municipality)


def citable_sessions(actor: Acting, municipality: OrgUnit) -> QuerySet[CouncilSession]:
    """The sessions of the municipality's children's council that ``actor`` may see."""
    if isinstance(actor, Actor):
        sessions = council_policies.visible_sessions(actor)
    else:
        sessions = CouncilSession.objects.select_related("council__org_unit")
    return sessions.filter(council__org_unit=municipality)


def actors_of(municipality: OrgUnit) -> QuerySet[SocialActor]:
    """The social actors a consultation of ``municipality`` may name (the caller reached it through
    ``get_municipality_for_edit``)."""
    return SocialActor.objects.filter(municipality=municipality)


# --- One call per object: 404 for missing and forbidden alike ------------------------------------
def get_municipality(actor: Actor, pk: object) -> OrgUnit:
    return get_object_or_404_scoped(visible_municipalities(actor), pk=pk)


def get_municipality_for_edit(actor: Actor, pk: object) -> OrgUnit:
    municipality = get_municipality(actor, pk)
    if not can_manage(actor, municipality):
        raise Http404
    return municipality


def get_consultation(actor: Actor, pk: object, *, shape: Shape[Consultation] | None = None) -> Consultation:
    return get_object_or_404_scoped(visible_consultations(actor), shape=shape, pk=pk)


def get_consultation_for_edit(actor: Actor, pk: object) -> Consultation:
    consultation = get_consultation(actor, pk)
    if not can_manage(actor, consultation.municipality):
        raise Http404
    return consultation


def get_actor(actor: Actor, pk: object) -> SocialActor:
    return get_object_or_404_scoped(visible_actors(actor), pk=pk)


def get_actor_for_edit(actor: Actor, pk: object) -> SocialActor:
    social_actor = get_actor(actor, pk)
    if not can_manage(actor, social_actor.municipality):
        raise Http404
    return social_actor


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {"consultations.consultation": visible_consultations, "consultations.socialactor": visible_actors}
