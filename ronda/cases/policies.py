"""Who reads which child (decision 0015; ``shared/DOMAIN.md`` "Roles"). Views, API, selectors and
services ask only this.

* a supervisor: every child of their municipality;
* a defender: the children they registered in their community and the children of the cases they
  own or are assigned to;
* an administrator: only inside an open break-glass grant;
* coordinators, focal points, analysts, the secretariat, protection officers (until their files
  exist): never.

Always with the verified second factor (``Actor.may_read_personal_data_at``). What a user may not read
answers 404, like what does not exist. Every record shown is logged: one access event per list row
(in bulk) and per opening, written here after the check, never by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ronda.cases.duplicates import words
from ronda.cases.models import Caregiver, Child, DuplicateReview, ReviewStatus
from ronda.core import audit
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, Shape, get_object_or_404_scoped
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import large_columns

CHILD_READERS = frozenset({Role.SUPERVISOR, Role.DEFENDER, Role.ADMIN})
# Who registers children: the community's defenders and the municipality's supervisors.
CHILD_REGISTRARS = frozenset({Role.SUPERVISOR, Role.DEFENDER})

CHILD_LIST_PURPOSE = "children list"
CHILD_RECORD_PURPOSE = "child record"
CAREGIVER_LIST_PURPOSE = "caregivers of a child"
CAREGIVER_RECORD_PURPOSE = "caregiver record"
DUPLICATE_PURPOSE = "duplicate check at registration"


def can_read_children(actor: Actor | None) -> bool:
    """The module-level check: a role that reads children, with the second factor (an administrator
    only inside a break-glass grant)."""
    if actor is None or actor.role not in CHILD_READERS or not actor.may_read_personal_data:
        return False
    return not actor.is_admin or actor.in_break_glass


def visible_children(actor: Actor | None) -> QuerySet[Child]:
    """The children this actor may read (not logged: for counts, guards and joins; show them through
    ``list_children`` or ``get_child``, which log the read)."""
    if actor is None or not can_read_children(actor):
        return Child.objects.none()
    scopes = actor.personal_data_scopes
    if not scopes:
        return Child.objects.none()
    condition = Q()
    for prefix in scopes:
        condition |= Q(community__path__startswith=prefix)
    children = (
        Child.objects.select_related("community", "municipality")
        .defer(*large_columns("community", "municipality"))
        .filter(condition)
    )
    if actor.is_admin:
        # Break-glass reads no child of a sensitive case: the case is masked for the administrator,
        # and the child's record would unmask it.
        from ronda.cases.models import Case

        children = children.exclude(Exists(Case.objects.filter(child=OuterRef("pk"), sensitive=True)))
    if actor.role == Role.DEFENDER:
        # The children they registered, and the children of the cases they own or are assigned to.
        from ronda.cases.models import Case
        from ronda.cases.policies_cases import works_on

        theirs = Case.objects.filter(works_on("", actor.user), child=OuterRef("pk"))
        children = children.filter(Q(registered_by=actor.user) | Q(Exists(theirs)))
    return children


def _log(actor: Actor, children: Iterable[Child], purpose: str) -> None:
    """One access event per child shown, in one insert per community (the unit the event is filed under)."""
    ordered = sorted(children, key=lambda c: c.community_id)
    for _community_id, group in groupby(ordered, key=lambda c: c.community_id):
        rows = list(group)
        audit.record_accesses(actor=actor, targets=rows, org_unit=rows[0].community, purpose=purpose)


def list_children(actor: Actor, *, search: str = "", before_id: int | None = None, limit: int = 25) -> list[Child]:
    """The children the actor may read, newest first, as shown on one page; one access event per row.

    ``search`` matches every word of it, accents and case aside, in the names and alias; ``before_id``
    is the keyset cursor (the last id of the page before).
    """
    children = visible_children(actor).filter(merged_into__isnull=True)
    for word in words(search)[:6]:
        children = children.filter(search_text__contains=word)
    if before_id is not None:
        children = children.filter(pk__lt=before_id)
    shown = list(children.order_by("-id")[:limit])
    _log(actor, shown, CHILD_LIST_PURPOSE)
    return shown


def get_child(actor: Actor, pk: object, *, shape: Shape[Child] | None = None) -> Child:
    """One child's record, or 404 for missing and forbidden alike; the read is logged after the check."""
    child = get_object_or_404_scoped(visible_children(actor), pk=pk, shape=shape)
    audit.record_access(actor=actor, target=child, org_unit=child.community, purpose=CHILD_RECORD_PURPOSE)
    return child


def can_edit_child(actor: Actor | None, child: Child) -> bool:
    """Who reads a child may correct it, except an administrator (break-glass is for reading)."""
    return actor is not None and actor.role in CHILD_REGISTRARS and visible_children(actor).filter(pk=child.pk).exists()


def get_child_for_edit(actor: Actor, pk: object) -> Child:
    """``get_child`` for someone who may change it (404 otherwise, before anything is logged)."""
    if actor.role not in CHILD_REGISTRARS:
        raise Http404
    return get_child(actor, pk)


def can_manage_merges(actor: Actor | None) -> bool:
    """Merging two records, and undoing it, is the municipality's supervisor's decision."""
    return actor is not None and actor.role == Role.SUPERVISOR and can_read_children(actor)


def list_merged_records(actor: Actor, child: Child) -> list[Child]:
    """The records merged into ``child`` (its history), logged as shown."""
    shown = list(visible_children(actor).filter(merged_into=child).order_by("id"))
    _log(actor, shown, CHILD_RECORD_PURPOSE)
    return shown


# --- Registration -----------------------------------------------------------------------------
def can_register_children(actor: Actor | None) -> bool:
    return actor is not None and actor.role in CHILD_REGISTRARS and actor.may_read_personal_data


def can_register_child_in(actor: Actor | None, community: OrgUnit | None) -> bool:
    """A defender in their community; a supervisor in any community of their municipality; a
    protection officer in any community of their subtree.

    The protection officer registers only through a direct intake (decision 0026): a child who
    reaches the Procuraduría without a community case (a police report, a hospital) gets their one
    record, after the same duplicate check, together with their file
    (``protection.services.files.open_file_for_new_child``). They are not in ``CHILD_REGISTRARS``:
    the children's own pages and menus, and the edits of a record, stay the community route's."""
    if actor is None or community is None or community.level != Level.COMMUNITY:
        return False
    if not (can_register_children(actor) or (actor.role == Role.PROTECTION_OFFICER and actor.may_read_personal_data)):
        return False
    return actor.may_read_personal_data_at(community.path)


def registration_communities(actor: Actor | None) -> QuerySet[OrgUnit]:
    """The communities the actor may register a child in (the form's choices)."""
    if actor is None or not can_register_children(actor) or actor.scope_path is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(level=Level.COMMUNITY, path__startswith=actor.scope_path).order_by("name")


# --- Caregivers -------------------------------------------------------------------------------
def visible_caregivers(actor: Actor | None) -> QuerySet[Caregiver]:
    """The caregivers of the children the actor may read (read through their own policy, decision 0015)."""
    return Caregiver.objects.filter(child__in=visible_children(actor)).select_related("child__community")


def list_caregivers(actor: Actor, child: Child) -> list[Caregiver]:
    """The caregivers of ``child`` (already reached through ``get_child``), logged one by one."""
    # With those of the records merged into this one: a merge keeps them where they were.
    shown = list(
        visible_caregivers(actor)
        .filter(Q(child=child) | Q(child__merged_into=child))
        .order_by("-is_main_caregiver", "id")
    )
    audit.record_accesses(actor=actor, targets=shown, org_unit=child.community, purpose=CAREGIVER_LIST_PURPOSE)
    return shown


def get_caregiver_for_edit(actor: Actor, pk: object) -> Caregiver:
    if actor.role not in CHILD_REGISTRARS:
        raise Http404
    caregiver = get_object_or_404_scoped(visible_caregivers(actor), pk=pk)
    audit.record_access(
        actor=actor, target=caregiver, org_unit=caregiver.child.community, purpose=CAREGIVER_RECORD_PURPOSE
    )
    return caregiver


# --- Duplicates -------------------------------------------------------------------------------
def readable_ids(actor: Actor, children: Iterable[Child]) -> set[int]:
    """Which of ``children`` (candidates found for the whole municipality) the actor may read."""
    ids = [c.pk for c in children]
    return set(visible_children(actor).filter(pk__in=ids).values_list("pk", flat=True))


def log_candidates_shown(actor: Actor, children: Iterable[Child]) -> None:
    """Candidates shown with their names are reads of their records."""
    _log(actor, children, DUPLICATE_PURPOSE)


def visible_reviews(actor: Actor | None) -> QuerySet[DuplicateReview]:
    """Requests to review a possible duplicate: the municipality's supervisors see them."""
    if actor is None or actor.role != Role.SUPERVISOR or actor.scope_path is None:
        return DuplicateReview.objects.none()
    return DuplicateReview.objects.filter(municipality__path__startswith=actor.scope_path)


def open_reviews(actor: Actor | None) -> QuerySet[DuplicateReview]:
    return visible_reviews(actor).filter(status=ReviewStatus.OPEN)


def can_manage_duplicate_reviews(actor: Actor | None) -> bool:
    return actor is not None and actor.role == Role.SUPERVISOR and can_read_children(actor)


REVIEW_PURPOSE = "duplicate review"


def list_reviews(actor: Actor, *, limit: int = 50) -> list[DuplicateReview]:
    """The open requests of the supervisor's municipality, with the children they name (which the
    supervisor reads: one access event per child shown)."""
    if not can_manage_duplicate_reviews(actor):
        return []
    readable = visible_children(actor)
    reviews = list(
        open_reviews(actor)
        .filter(candidate__in=readable)
        .select_related("candidate__community", "new_child__community", "requested_by")
        .order_by("-created_at", "-id")[:limit]
    )
    shown = {r.candidate.pk: r.candidate for r in reviews}
    shown.update({r.new_child.pk: r.new_child for r in reviews if r.new_child is not None})
    _log(actor, shown.values(), REVIEW_PURPOSE)
    return reviews


def get_review_for_edit(actor: Actor, pk: object) -> DuplicateReview:
    if not can_manage_duplicate_reviews(actor):
        raise Http404
    return get_object_or_404_scoped(open_reviews(actor).select_related("candidate__community"), pk=pk)


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {
        "cases.child": visible_children,
        "cases.caregiver": visible_caregivers,
        "cases.duplicatereview": visible_reviews,
    }
