"""Demo data of the defensorías (seed 003): the 24 community defensorías of Loja (EC-1101), 60
volunteer defenders with their trainings, this year's work plans with an activity per component,
and the events held so far with their attendance.

Run after the territory and accounts demos (the communities, and ``defensor.motupe``, the defender
of Motupe, who is the first defender of its defensoría). Idempotent: a community that already has
a defensoría is skipped. Dates are relative to today, so the demo always looks current.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ronda.accounts.models import User
from ronda.core.tenancy import SYSTEM
from ronda.defenders import services
from ronda.defenders.models import ActivityStatus, Component, Defensoria, EventKind
from ronda.territory.models import Level, OrgUnit

MUNICIPALITY = "EC-1101"
MOTUPE_DEFENDER = "defensor.motupe"
DEFENDERS = 60

FIRST_NAMES_F = ["María", "Rosa", "Carmen", "Luz", "Gladys", "Mercedes", "Narcisa", "Blanca", "Fanny", "Jenny"]
FIRST_NAMES_M = ["José", "Luis", "Segundo", "Manuel", "Ángel", "Jorge", "Vicente", "Byron", "Franklin", "Édgar"]
SURNAMES = [
    "Jaramillo",
    "Ochoa",
    "Castillo",
    "Armijos",
    "Quizhpe",
    "Sarango",
    "Guamán",
    "Torres",
    "Valarezo",
    "Cueva",
    "Chamba",
    "Ordóñez",
    "Riofrío",
    "Sánchez",
    "Vivanco",
    "Paccha",
]
TRAININGS = [
    ("Derechos de la niñez y adolescencia", 16),
    ("Ruta de atención ante vulneración de derechos", 8),
    ("Mediación comunitaria", 12),
    ("Primeros auxilios psicológicos", 6),
]
# One activity per component: (component, title, month, budget in USD).
ACTIVITIES = [
    (Component.TRAINING, "Taller de derechos para familias", 2, Decimal("120.00")),
    (Component.ORGANISATION, "Asamblea de la defensoría y elección de directiva", 3, Decimal("40.00")),
    (Component.HEALTH, "Feria de salud familiar y comunitaria", 5, Decimal("250.00")),
    (Component.LIVELIHOODS, "Huerto comunitario con familias", 7, Decimal("180.00")),
    (Component.COMMUNICATION, "Caminata por el buen trato", 9, Decimal("60.00")),
]
# The events held of each defensoría: (kind, title, component, activity index, days ago, attendance)
EVENTS = [
    (
        EventKind.TRAINING,
        "Taller de buen trato",
        Component.TRAINING,
        0,
        200,
        {("f", "18+"): 14, ("m", "18+"): 6, ("f", "12-17"): 4, ("m", "12-17"): 3},
    ),
    (
        EventKind.GAMES,
        "Juegos tradicionales",
        Component.COMMUNICATION,
        None,
        120,
        {("f", "6-11"): 12, ("m", "6-11"): 15, ("f", "0-5"): 3, ("m", "0-5"): 4, ("f", "18+"): 5},
    ),
    (
        EventKind.HEALTH_FAIR,
        "Feria de salud",
        Component.HEALTH,
        2,
        60,
        {("f", "18+"): 20, ("m", "18+"): 9, ("f", "0-5"): 8, ("m", "0-5"): 7, ("f", "6-11"): 5},
    ),
]


def _day_of_year(year: int, month: int, day: int = 15) -> dt.date:
    return dt.date(year, month, day)


def _defender_names(count: int) -> list[tuple[str, str]]:
    """(full name, sex) for ``count`` volunteers, deterministic, two surnames as in Ecuador."""
    names = []
    for i in range(count):
        female = i % 3 != 2  # most community defenders are women
        first = (FIRST_NAMES_F if female else FIRST_NAMES_M)[i % 10]
        surnames = f"{SURNAMES[i % len(SURNAMES)]} {SURNAMES[(i * 7 + 3) % len(SURNAMES)]}"
        names.append((f"{first} {surnames}", "f" if female else "m"))
    return names


def load_demo() -> None:
    municipality = OrgUnit.objects.filter(code=MUNICIPALITY, level=Level.MUNICIPALITY).first()
    if municipality is None:
        return  # the territory demo has not been loaded
    communities = list(OrgUnit.objects.filter(parent=municipality, level=Level.COMMUNITY).order_by("code"))
    if not communities:
        return
    today = timezone.localdate()
    names = iter(_defender_names(DEFENDERS))
    per_community = [DEFENDERS // len(communities)] * len(communities)
    for i in range(DEFENDERS % len(communities)):
        per_community[i] += 1
    motupe_user = User.objects.filter(username=MOTUPE_DEFENDER).first()
    for index, community in enumerate(communities):
        if Defensoria.objects.filter(community=community).exists():
            for _ in range(per_community[index]):
                next(names, None)
            continue
        defensoria = services.create_defensoria(
            actor=SYSTEM,
            community=community,
            name=f"Defensoría Comunitaria de {community.name}",
            address=f"Casa comunal de {community.name}",
            opening_hours="Sábados de 9:00 a 12:00" if index % 2 else "Miércoles de 16:00 a 18:00",
        )
        for n in range(per_community[index]):
            full_name, sex = next(names)
            user = motupe_user if community.code == f"{MUNICIPALITY}-01" and n == 0 else None
            if user is not None:
                full_name, sex = user.get_full_name() or full_name, "m"
            defender = services.add_defender(
                actor=SYSTEM,
                defensoria=defensoria,
                full_name=full_name,
                sex=sex,
                phone=f"09{(index * 7 + n) % 10}{index:03d}{n:04d}",
                since=today - dt.timedelta(days=300 + 40 * n + 10 * index),
                user=user,
            )
            for name, hours in TRAININGS[: 1 + (n + index) % 3]:
                taken = max(defender.since, today - dt.timedelta(days=250 - 30 * n))
                services.add_training(actor=SYSTEM, defender=defender, name=name, taken_on=taken, hours=hours)
        plan = services.create_plan(actor=SYSTEM, defensoria=defensoria, year=today.year)
        activities = []
        for a_index, (component, title, month, budget) in enumerate(ACTIVITIES):
            planned_on = _day_of_year(today.year, month)
            activity = services.add_activity(
                actor=SYSTEM,
                plan=plan,
                component=component,
                title=title,
                planned_on=planned_on,
                responsible="Directiva de la defensoría",
                budget=budget,
            )
            if planned_on <= today:
                if (index + a_index) % 7 == 3:
                    activity = services.update_activity(
                        actor=SYSTEM,
                        activity=activity,
                        expected_version=activity.version,
                        status=ActivityStatus.CANCELLED,
                        cancel_reason="Temporada de lluvias: se reprogramará",
                    )
                elif (index + a_index) % 5 != 4:
                    activity = services.update_activity(
                        actor=SYSTEM, activity=activity, expected_version=activity.version, status=ActivityStatus.DONE
                    )
            activities.append(activity)
        for kind, title, component, activity_index, days_ago, attendance in EVENTS:
            held_on = today - dt.timedelta(days=days_ago - index)
            linked = activities[activity_index] if activity_index is not None else None
            services.record_event(
                actor=SYSTEM,
                defensoria=defensoria,
                kind=kind,
                title=title,
                held_on=held_on,
                component=component,
                place=f"Casa comunal de {community.name}",
                activity=linked,
                held=True,
                attendance={cell: count + (index % 4) for cell, count in attendance.items()},
            )
        # And one coming up, scheduled (not held yet).
        services.record_event(
            actor=SYSTEM,
            defensoria=defensoria,
            kind=EventKind.ASSEMBLY,
            title="Asamblea comunitaria",
            held_on=today + dt.timedelta(days=10 + index),
            component=Component.ORGANISATION,
            place=f"Casa comunal de {community.name}",
        )
