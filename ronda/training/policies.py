"""Who sees and changes the staff trainings of a municipality. Views, API, selectors and services ask only this.

- Read: the coordinator, supervisors, the technical secretariat, analysts and area focal points of the
  municipality (or above it), and administrators.
- Change: the municipality's coordinator.
- Defenders and protection officers: nothing (404), as for everybody else; other municipalities: 404.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404

from ronda.core.roles import Role
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.territory.models import Area, Level, OrgUnit
from ronda.training.models import AreaAttendance, TrainingSession

QS = TypeVar("QS", bound=QuerySet[Any])

READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.SUPERVISOR, Role.SECRETARIAT, Role.ANALYST, Role.AREA_FOCAL})
MANAGERS = frozenset({Role.COORDINATOR})


def _scoped(queryset: QS, actor: Actor | None, path_field: str) -> QS:
    if actor is None or actor.role not in READERS or actor.scope_path is None:
        return queryset.none()
    if actor.scope_path == "":
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": actor.scope_path})


def can_view_trainings(actor: Actor | None) -> bool:
    return actor is not None and actor.role in READERS


def visible_municipalities(actor: Actor | None) -> QuerySet[OrgUnit]:
    return _scoped(OrgUnit.objects.filter(level=Level.MUNICIPALITY), actor, "path")


def visible_trainings(actor: Actor | None) -> QuerySet[TrainingSession]:
    return _scoped(TrainingSession.objects.select_related("municipality"), actor, "municipality__path")


def visible_attendance(actor: Actor | None) -> QuerySet[AreaAttendance]:
    return _scoped(AreaAttendance.objects.select_related("area"), actor, "training__municipality__path")


def can_manage_any(actor: Actor | None) -> bool:
    return actor is not None and actor.role in MANAGERS


def can_manage(actor: Actor | None, municipality: OrgUnit) -> bool:
    return can_manage_any(actor) and actor is not None and actor.covers(municipality)


def get_municipality(actor: Actor, pk: object) -> OrgUnit:
    return get_object_or_404_scoped(visible_municipalities(actor), pk=pk)


def get_municipality_for_edit(actor: Actor, pk: object) -> OrgUnit:
    municipality = get_municipality(actor, pk)
    if not can_manage(actor, municipality):
        raise Http404
    return municipality


def get_training(actor: Actor, pk: object) -> TrainingSession:
    return get_object_or_404_scoped(visible_trainings(actor), pk=pk)


def get_training_for_edit(actor: Actor, pk: object) -> TrainingSession:
    training = get_training(actor, pk)
    if not can_manage(actor, training.municipality):
        raise Http404
    return training


def attendance_areas(municipality: OrgUnit) -> QuerySet[Area]:
    """The areas a training of ``municipality`` may count attendees of: its active areas (the caller
    reached the municipality through ``get_municipality_for_edit``)."""
    return Area.objects.filter(org_unit=municipality, is_active=True)


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {"training.trainingsession": visible_trainings, "training.areaattendance": visible_attendance}
