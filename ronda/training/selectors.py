"""What the training pages and the API read, always through ``policies``."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ronda.core.tenancy import Actor
from ronda.territory.models import Area, OrgUnit
from ronda.training import policies
from ronda.training.models import TrainingSession


def trainings_of(actor: Actor, municipality: OrgUnit) -> QuerySet[TrainingSession]:
    """The municipality's trainings, the latest first, with their attendance by area."""
    return (
        policies.visible_trainings(actor)
        .filter(municipality=municipality)
        .prefetch_related(Prefetch("attendance", queryset=policies.visible_attendance(actor).order_by("area__name")))
        .order_by("-held_on", "-id")
    )


def areas_of(municipality: OrgUnit) -> list[Area]:
    return list(policies.attendance_areas(municipality).order_by("name"))
