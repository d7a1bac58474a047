"""Which foster families of the bank could receive a child (issue #12, item 6).

``suggest_families`` looks at the families the actor sees (their state's bank) that are approved,
caring for a child or paused, and for each says why it fits (``reasons``) or why it cannot receive
this child now (``blocking``): no free place, an age outside its profile, a group of siblings it
does not take, a disability or a migrant profile it does not take. Families that can receive the
child come first, by score: the profile fits, the same municipality, the distance when both the
family's home and the child's community have coordinates.

It is an aid to the officer's decision, not the decision: the placement still needs its
gatekeeping record (``services.placements``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.core.tenancy import Acting, is_person
from ronda.protection import occupancy, policies
from ronda.protection.models import FosterFamily, FosterStatus, FosterType, ProtectionFile

# Families looked at: the others are still in the pipeline or left the bank.
CANDIDATE_STATUSES = (FosterStatus.APPROVED, FosterStatus.ACTIVE, FosterStatus.PAUSED)
MIGRANT_STATUSES = frozenset({"migrant", "refugee"})

SCORE_AGE = 30
SCORE_SAME_MUNICIPALITY = 25
SCORE_SIBLINGS = 20
SCORE_PROFILE = 15  # disability, migrant
SCORE_DISTANCE = 20  # at 0 km, down to 0 at DISTANCE_SPAN_KM
DISTANCE_SPAN_KM = 100.0
SCORE_NO_OTHER_CHILD = 5


@dataclass(frozen=True)
class Suggestion:
    family: FosterFamily
    score: int
    reasons: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    free_places: int = 0
    distance_km: float | None = None

    @property
    def is_available(self) -> bool:
        return not self.blocking


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _positions(coordinates: Any) -> Iterable[tuple[float, float]]:
    """Every [longitude, latitude] position inside GeoJSON coordinates, as (latitude, longitude)."""
    if (
        isinstance(coordinates, list | tuple)
        and len(coordinates) >= 2
        and all(isinstance(c, int | float) for c in coordinates[:2])
    ):
        yield (float(coordinates[1]), float(coordinates[0]))
        return
    if isinstance(coordinates, list | tuple):
        for part in coordinates:
            yield from _positions(part)


def geometry_centre(geometry: Any) -> tuple[float, float] | None:
    """A GeoJSON geometry's rough centre (the mean of its positions), as (latitude, longitude): good
    enough to rank families by distance, not to draw a map."""
    if not isinstance(geometry, dict):
        return None
    if geometry.get("type") == "Feature":
        return geometry_centre(geometry.get("geometry"))
    points = list(_positions(geometry.get("coordinates")))
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _child_place(file: ProtectionFile) -> tuple[float, float] | None:
    child = file.child
    return geometry_centre(child.community.geometry) or geometry_centre(file.municipality.geometry)


def _assess(
    family: FosterFamily,
    file: ProtectionFile,
    *,
    age: int | None,
    siblings: int,
    caring: int,
    place: tuple[float, float] | None,
) -> Suggestion:
    child = file.child
    reasons: list[str] = []
    blocking: list[str] = []
    score = 0
    if family.status == FosterStatus.PAUSED:
        blocking.append(_("The family is paused"))
    if family.type == FosterType.KINSHIP:
        blocking.append(_("An extended family: it cares only for its own relatives"))
    free = max(family.capacity - caring, 0)
    if free == 0:
        blocking.append(_("No places available"))
    else:
        reasons.append(ngettext("%(count)s place available", "%(count)s places available", free) % {"count": free})
    if caring == 0:
        score += SCORE_NO_OTHER_CHILD
    else:
        reasons.append(
            ngettext("Already cares for %(count)s child", "Already cares for %(count)s children", caring)
            % {"count": caring}
        )
    ages = {"min": family.min_age, "max": family.max_age}
    if age is None:
        reasons.append(_("The child's age is unknown: check it against the family's profile"))
    elif family.min_age <= age <= family.max_age:
        score += SCORE_AGE
        reasons.append(_("Takes children from %(min)s to %(max)s years old") % ages)
    else:
        blocking.append(_("Age outside the family's profile (from %(min)s to %(max)s years old)") % ages)
    if siblings > 0:
        group = siblings + 1
        if not family.accepts_siblings:
            blocking.append(_("Does not take groups of siblings"))
        elif free and free < group:
            blocking.append(
                ngettext(
                    "Not enough places for the group of siblings (%(count)s child)",
                    "Not enough places for the group of siblings (%(count)s children)",
                    group,
                )
                % {"count": group}
            )
        else:
            score += SCORE_SIBLINGS
            reasons.append(_("Can take the group of siblings together"))
    if child.disability and child.disability != "none":
        if family.accepts_disability:
            score += SCORE_PROFILE
            reasons.append(_("Takes children with disabilities"))
        else:
            blocking.append(_("Does not take children with disabilities"))
    if child.migrant_status in MIGRANT_STATUSES:
        if family.accepts_migrant:
            score += SCORE_PROFILE
            reasons.append(_("Takes migrant children"))
        else:
            blocking.append(_("Does not take migrant children"))
    if family.unit_id == file.municipality_id:
        score += SCORE_SAME_MUNICIPALITY
        reasons.append(_("Lives in the child's municipality"))
    km: float | None = None
    if place is not None and family.latitude is not None and family.longitude is not None:
        km = distance_km(place, (family.latitude, family.longitude))
        score += round(max(0.0, SCORE_DISTANCE * (1 - km / DISTANCE_SPAN_KM)))
        reasons.append(_("About %(km)s km away") % {"km": round(km)})
    return Suggestion(family=family, score=score, reasons=reasons, blocking=blocking, free_places=free, distance_km=km)


def suggest_families(
    actor: Acting,
    file: ProtectionFile,
    *,
    limit: int = 10,
    siblings: int = 0,
    day: dt.date | None = None,
    include_blocked: bool = True,
) -> list[Suggestion]:
    """The families of the actor's bank that could receive the file's child, best first (at most
    ``limit``), then, with ``include_blocked``, the families that cannot and why (at most ``limit``).
    ``siblings``: how many brothers and sisters should be placed with the child."""
    if is_person(actor) and not policies.can_work_on_file(actor, file):
        raise PermissionDenied
    day = day or timezone.localdate()
    families = policies.visible_foster_families(actor) if is_person(actor) else FosterFamily.objects.all()
    candidates = list(families.filter(status__in=CANDIDATE_STATUSES).order_by("code", "id"))
    caring = occupancy.occupancy_by_family([f.pk for f in candidates], day)
    age = file.child.age_on(day)
    place = _child_place(file)
    assessed = [
        _assess(family, file, age=age, siblings=max(siblings, 0), caring=caring[family.pk], place=place)
        for family in candidates
    ]
    assessed.sort(key=lambda s: (-s.score, s.family.code))
    available = [s for s in assessed if s.is_available][:limit]
    if not include_blocked:
        return available
    return available + [s for s in assessed if not s.is_available][:limit]
