"""Who sees what of the children's council. Views, API, selectors and services ask only this.

Council members are children, so visibility comes in three rings:

* the member list (first names): administrators, and the coordinator of the municipality;
* the council without names (overview with counts by age band, sessions, requests,
  accountability sessions): also the technical secretariat, analysts and the municipality's
  supervisors, read only;
* the requests routed to one area: the focal point of that area, read only, and nothing
  else of the council.

Everybody else (defenders, protection officers) gets 404 everywhere.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.core import audit
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.council.models import (
    AccountabilitySession,
    ChildrenCouncil,
    CouncilMember,
    CouncilRequest,
    CouncilRequestQuerySet,
    CouncilSession,
)
from ronda.territory.models import Area, Level, OrgUnit

QS = TypeVar("QS", bound=QuerySet[Any])

# Roles that see the council without names.
COUNCIL_READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.SECRETARIAT, Role.ANALYST, Role.SUPERVISOR})
# Roles that see the children's first names and write.
COUNCIL_MANAGERS = frozenset({Role.ADMIN, Role.COORDINATOR})
# Roles that see (some) requests.
REQUEST_READERS = COUNCIL_READERS | {Role.AREA_FOCAL}


def _scoped(queryset: QS, actor: Actor | None, unit_field: str) -> QS:
    """``queryset`` limited to the actor's subtree, through the org unit at ``unit_field``."""
    if actor is None or actor.scope_path is None:
        return queryset.none()
    if actor.scope_path == "":
        return queryset
    return queryset.filter(**{f"{unit_field}__path__startswith": actor.scope_path})


# --- The council (no names) -----------------------------------------------------------
def can_view_councils(actor: Actor | None) -> bool:
    return actor is not None and actor.role in COUNCIL_READERS


def visible_councils(actor: Actor | None) -> QuerySet[ChildrenCouncil]:
    if not can_view_councils(actor):
        return ChildrenCouncil.objects.none()
    return _scoped(ChildrenCouncil.objects.select_related("org_unit"), actor, "org_unit")


def visible_sessions(actor: Actor | None) -> QuerySet[CouncilSession]:
    if not can_view_councils(actor):
        return CouncilSession.objects.none()
    return _scoped(CouncilSession.objects.select_related("council__org_unit"), actor, "council__org_unit")


def visible_accountability_sessions(actor: Actor | None) -> QuerySet[AccountabilitySession]:
    if not can_view_councils(actor):
        return AccountabilitySession.objects.none()
    return _scoped(AccountabilitySession.objects.select_related("council__org_unit"), actor, "council__org_unit")


def can_create_council(actor: Actor | None, unit: OrgUnit | None = None) -> bool:
    """Admins anywhere; a coordinator for their own municipality. ``unit`` None: "in general"."""
    if actor is None or actor.role not in COUNCIL_MANAGERS:
        return False
    if unit is None:
        return True
    return unit.level == Level.MUNICIPALITY and actor.covers(unit)


def can_manage_council(actor: Actor | None, council: ChildrenCouncil) -> bool:
    """Edit the council, its members, sessions, requests and accountability sessions."""
    return actor is not None and actor.role in COUNCIL_MANAGERS and actor.covers(council.org_unit)


def can_manage_any_council(actor: Actor | None) -> bool:
    return actor is not None and actor.role in COUNCIL_MANAGERS


# --- Members (children's first names) --------------------------------------------------
# A child's personal record: a council manager with a verified second factor, inside their own
# municipality; an administrator only inside an open break-glass grant. Every read is logged,
# one access event per member shown, by the functions below (never by the caller).
MEMBER_LIST_PURPOSE = "council member list"
MEMBER_RECORD_PURPOSE = "council member record"


def can_view_members(actor: Actor | None) -> bool:
    """Personal data of children: a council manager, and only with a verified second factor."""
    if actor is None or actor.role not in COUNCIL_MANAGERS or not actor.may_read_personal_data:
        return False
    return not actor.is_admin or actor.in_break_glass


def can_manage_members(actor: Actor | None) -> bool:
    """The module-level check of the pages that change members: the same people who see them, since
    only council managers do (which council each may change follows in ``get_member_for_edit``)."""
    return can_view_members(actor) and can_manage_any_council(actor)


def can_view_members_of(actor: Actor | None, council: ChildrenCouncil) -> bool:
    return can_view_members(actor) and actor is not None and actor.may_read_personal_data_at(council.org_unit.path)


def visible_members(actor: Actor | None) -> QuerySet[CouncilMember]:
    """The members this actor may read (not logged: for counts and guards; show them through
    ``list_members`` or ``get_member``, which log the read)."""
    if actor is None or not can_view_members(actor):
        return CouncilMember.objects.none()
    scopes = actor.personal_data_scopes
    if not scopes:
        return CouncilMember.objects.none()
    condition = Q()
    for prefix in scopes:
        condition |= Q(council__org_unit__path__startswith=prefix)
    return CouncilMember.objects.select_related("council__org_unit", "community").filter(condition)


def list_members(
    actor: Actor, council: ChildrenCouncil, *, current_on: Any = None, former: bool = False
) -> list[CouncilMember]:
    """The members of ``council`` the actor may read, as shown; one access event per member."""
    if not can_view_members_of(actor, council):
        return []
    members = visible_members(actor).filter(council=council)
    if current_on is not None:
        current = Q(left_on__isnull=True) | Q(left_on__gte=current_on)
        members = members.exclude(current) if former else members.filter(current)
    shown = list(members.order_by("first_name", "id"))
    audit.record_accesses(actor=actor, targets=shown, org_unit=council.org_unit, purpose=MEMBER_LIST_PURPOSE)
    return shown


def get_member(actor: Actor, pk: object) -> CouncilMember:
    """One member's record, or 404 for missing and forbidden alike; the read is logged after the check."""
    member = get_object_or_404_scoped(visible_members(actor), pk=pk)
    audit.record_access(actor=actor, target=member, org_unit=member.council.org_unit, purpose=MEMBER_RECORD_PURPOSE)
    return member


def get_member_for_edit(actor: Actor, pk: object) -> CouncilMember:
    """``get_member`` for a manager who may change it (404 otherwise, before anything is logged)."""
    member = get_object_or_404_scoped(visible_members(actor), pk=pk)
    if not can_manage_council(actor, member.council):
        raise Http404
    audit.record_access(actor=actor, target=member, org_unit=member.council.org_unit, purpose=MEMBER_RECORD_PURPOSE)
    return member


# --- Requests and proposals ------------------------------------------------------------
def can_view_requests(actor: Actor | None) -> bool:
    if actor is None or actor.role not in REQUEST_READERS:
        return False
    return actor.role != Role.AREA_FOCAL or actor.area_id is not None


def visible_requests(actor: Actor | None) -> CouncilRequestQuerySet:
    if actor is None or not can_view_requests(actor):
        return CouncilRequest.objects.none()
    qs = _scoped(
        CouncilRequest.objects.select_related("council__org_unit", "routed_area", "session"),
        actor,
        "council__org_unit",
    )
    if actor.role == Role.AREA_FOCAL:
        # A focal point sees what was routed to their own area, nothing else of the council.
        qs = qs.filter(routed_area_id=actor.area_id)
    return qs


def councils_for_requests(actor: Actor | None) -> QuerySet[ChildrenCouncil]:
    """The councils whose requests the actor may list (to filter by council, or to show its name)."""
    if actor is None or not can_view_requests(actor):
        return ChildrenCouncil.objects.none()
    if actor.role == Role.AREA_FOCAL:
        return _scoped(ChildrenCouncil.objects.select_related("org_unit"), actor, "org_unit")
    return visible_councils(actor)


def can_manage_request(actor: Actor | None, council_request: CouncilRequest) -> bool:
    return can_manage_council(actor, council_request.council)


# --- One call per object: 404 for missing and forbidden alike (decisions 0005, 0015) ---------
# Pages and API reach a record only through these (members: ``get_member`` above, which logs).
# ``get_<thing>_for_edit`` also checks the write permission and answers 404 when it is refused.
def get_council(actor: Actor, pk: object) -> ChildrenCouncil:
    return get_object_or_404_scoped(visible_councils(actor), pk=pk)


def get_council_of_requests(actor: Actor, pk: object) -> ChildrenCouncil:
    """A council whose requests the actor may list (an area focal point too, who sees nothing else of it)."""
    return get_object_or_404_scoped(councils_for_requests(actor), pk=pk)


def get_session_for_edit(actor: Actor, pk: object) -> CouncilSession:
    session = get_object_or_404_scoped(visible_sessions(actor), pk=pk)
    if not can_manage_council(actor, session.council):
        raise Http404
    return session


def get_accountability_session_for_edit(actor: Actor, pk: object) -> AccountabilitySession:
    session = get_object_or_404_scoped(visible_accountability_sessions(actor), pk=pk)
    if not can_manage_council(actor, session.council):
        raise Http404
    return session


def get_request(actor: Actor, pk: object) -> CouncilRequest:
    return get_object_or_404_scoped(visible_requests(actor), pk=pk)


def get_request_for_edit(actor: Actor, pk: object) -> CouncilRequest:
    council_request = get_request(actor, pk)
    if not can_manage_request(actor, council_request):
        raise Http404
    return council_request


# --- What a request of a council may point to (the API checks the ids it is sent) ------------------
def areas_of(council: ChildrenCouncil) -> QuerySet[Area]:
    """The areas of the council's municipality, where its requests are routed."""
    return Area.objects.filter(org_unit=council.org_unit)


def sessions_of(council: ChildrenCouncil) -> QuerySet[CouncilSession]:
    return CouncilSession.objects.filter(council=council)


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {
        "council.childrencouncil": visible_councils,
        "council.councilmember": visible_members,
        "council.councilsession": visible_sessions,
        "council.councilrequest": visible_requests,
        "council.accountabilitysession": visible_accountability_sessions,
    }
