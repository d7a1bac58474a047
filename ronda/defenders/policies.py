"""Who sees and changes what of the community defensorías. Views, API, selectors, contracts' callers
and services ask only this.

* The defensoría itself (service point, work plan, events and their attendance counts): the
  defenders of its community, the coordinator and the supervisor of its municipality, and
  administrators (who configure).
* The defenders' names and phones (adult volunteers' personal data): the same people except
  administrators (DOMAIN.md: admins see no personal data).
* The canton view (figures by defensoría, no names): also the technical secretariat and analysts.
* Changes: a defender in their own community; the supervisor anywhere in their municipality
  (the supervisor also opens a new defensoría). The coordinator reads.

Everybody else (area focal points, protection officers, evaluators) gets 404 everywhere.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404

from ronda.core.roles import Role
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.defenders.models import Activity, Attendance, Defender, Defensoria, Event, Training, WorkPlan
from ronda.territory.models import Level, OrgUnit

QS = TypeVar("QS", bound=QuerySet[Any])

DETAIL_READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.SUPERVISOR, Role.DEFENDER})
PERSONAL_READERS = frozenset({Role.COORDINATOR, Role.SUPERVISOR, Role.DEFENDER})
FIGURE_READERS = DETAIL_READERS | {Role.SECRETARIAT, Role.ANALYST}
EDITORS = frozenset({Role.SUPERVISOR, Role.DEFENDER})


def _scoped(queryset: QS, actor: Actor | None, unit_field: str) -> QS:
    if actor is None or actor.scope_path is None:
        return queryset.none()
    if actor.scope_path == "":
        return queryset
    return queryset.filter(**{f"{unit_field}__path__startswith": actor.scope_path})


# --- Reading ----------------------------------------------------------------------------------
def can_view_defensorias(actor: Actor | None) -> bool:
    return actor is not None and actor.role in DETAIL_READERS


def works_in_a_community(actor: Actor | None) -> bool:
    """A defender: their home page shows their own defensoría."""
    return actor is not None and actor.role == Role.DEFENDER


def can_view_figures(actor: Actor | None) -> bool:
    """The canton view: counts by defensoría, no names."""
    return actor is not None and actor.role in FIGURE_READERS


def can_view_defenders(actor: Actor | None, defensoria: Defensoria) -> bool:
    return actor is not None and actor.role in PERSONAL_READERS and actor.covers(defensoria.community)


def visible_defensorias(actor: Actor | None) -> QuerySet[Defensoria]:
    if not can_view_defensorias(actor):
        return Defensoria.objects.none()
    return _scoped(Defensoria.objects.select_related("community"), actor, "community")


def visible_defenders(actor: Actor | None) -> QuerySet[Defender]:
    if actor is None or actor.role not in PERSONAL_READERS:
        return Defender.objects.none()
    return _scoped(Defender.objects.select_related("defensoria__community"), actor, "defensoria__community")


def visible_trainings(actor: Actor | None) -> QuerySet[Training]:
    """A defender's trainings are read with the defender (same people)."""
    if actor is None or actor.role not in PERSONAL_READERS:
        return Training.objects.none()
    return _scoped(
        Training.objects.select_related("defender__defensoria__community"), actor, "defender__defensoria__community"
    )


def visible_attendance(actor: Actor | None) -> QuerySet[Attendance]:
    if not can_view_defensorias(actor):
        return Attendance.objects.none()
    return _scoped(Attendance.objects.all(), actor, "event__defensoria__community")


def visible_plans(actor: Actor | None) -> QuerySet[WorkPlan]:
    if not can_view_defensorias(actor):
        return WorkPlan.objects.none()
    return _scoped(WorkPlan.objects.select_related("defensoria__community"), actor, "defensoria__community")


def visible_activities(actor: Actor | None) -> QuerySet[Activity]:
    if not can_view_defensorias(actor):
        return Activity.objects.none()
    return _scoped(Activity.objects.select_related("plan__defensoria__community"), actor, "plan__defensoria__community")


def visible_events(actor: Actor | None) -> QuerySet[Event]:
    if not can_view_defensorias(actor):
        return Event.objects.none()
    return _scoped(Event.objects.select_related("defensoria__community", "activity"), actor, "defensoria__community")


def municipalities_for_figures(actor: Actor | None) -> QuerySet[OrgUnit]:
    """The municipalities the actor may open the canton view of."""
    if not can_view_figures(actor):
        return OrgUnit.objects.none()
    units = OrgUnit.objects.filter(level=Level.MUNICIPALITY)
    assert actor is not None
    if actor.scope_path == "":
        return units
    scope = actor.scope_path or ""
    unit = actor.org_unit
    if unit is not None and unit.level > Level.MUNICIPALITY:
        # A defender compares their own canton's defensorías (figures only).
        return units.filter(pk=unit.parent_id) if unit.parent_id is not None else units.none()
    return units.filter(path__startswith=scope)


# --- Changing ---------------------------------------------------------------------------------
def can_edit_any(actor: Actor | None) -> bool:
    return actor is not None and actor.role in EDITORS


def can_edit(actor: Actor | None, defensoria: Defensoria) -> bool:
    """Change the defensoría, its defenders, work plans, activities and events."""
    return actor is not None and actor.role in EDITORS and actor.covers(defensoria.community)


def can_create_any_defensoria(actor: Actor | None) -> bool:
    return actor is not None and actor.role == Role.SUPERVISOR


def communities_without_defensoria(actor: Actor | None) -> QuerySet[OrgUnit]:
    """The communities where the actor may open a defensoría (those that have none yet)."""
    if not can_create_any_defensoria(actor):
        return OrgUnit.objects.none()
    units = OrgUnit.objects.filter(level=Level.COMMUNITY, defensoria__isnull=True)
    return _scoped(units, actor, "parent").order_by("name", "id")


def can_create_defensoria(actor: Actor | None, community: OrgUnit) -> bool:
    return (
        actor is not None
        and actor.role == Role.SUPERVISOR
        and community.level == Level.COMMUNITY
        and actor.covers(community)
    )


# --- One call per object: 404 for missing and forbidden alike ------------------------------------
def get_defensoria(actor: Actor, pk: object) -> Defensoria:
    return get_object_or_404_scoped(visible_defensorias(actor), pk=pk)


def get_defensoria_for_edit(actor: Actor, pk: object) -> Defensoria:
    defensoria = get_defensoria(actor, pk)
    if not can_edit(actor, defensoria):
        raise Http404
    return defensoria


def get_canton(actor: Actor, pk: object) -> OrgUnit:
    """A municipality whose defensorías the actor may compare (the canton view)."""
    return get_object_or_404_scoped(municipalities_for_figures(actor), pk=pk)


def get_plan(actor: Actor, pk: object) -> WorkPlan:
    return get_object_or_404_scoped(visible_plans(actor), pk=pk)


def get_plan_for_edit(actor: Actor, pk: object) -> WorkPlan:
    plan = get_plan(actor, pk)
    if not can_edit(actor, plan.defensoria):
        raise Http404
    return plan


def get_activity_for_edit(actor: Actor, pk: object) -> Activity:
    activity = get_object_or_404_scoped(visible_activities(actor), pk=pk)
    if not can_edit(actor, activity.plan.defensoria):
        raise Http404
    return activity


def activity_of_defensoria(actor: Actor, defensoria: Defensoria, pk: int) -> Activity | None:
    """An activity of ``defensoria``'s plans the actor sees, for an event to point to (None otherwise)."""
    return visible_activities(actor).filter(pk=pk, plan__defensoria=defensoria).first()


def get_defender_for_edit(actor: Actor, pk: object) -> Defender:
    defender = get_object_or_404_scoped(visible_defenders(actor), pk=pk)
    if not can_edit(actor, defender.defensoria):
        raise Http404
    return defender


def get_event(actor: Actor, pk: object) -> Event:
    return get_object_or_404_scoped(visible_events(actor), pk=pk)


def get_event_for_edit(actor: Actor, pk: object) -> Event:
    event = get_event(actor, pk)
    if not can_edit(actor, event.defensoria):
        raise Http404
    return event


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {
        "defenders.defensoria": visible_defensorias,
        "defenders.defender": visible_defenders,
        "defenders.training": visible_trainings,
        "defenders.attendance": visible_attendance,
        "defenders.workplan": visible_plans,
        "defenders.activity": visible_activities,
        "defenders.event": visible_events,
    }
