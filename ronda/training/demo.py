"""Demo data of the staff trainings (issue #13 item 5): Loja (EC-1101) trained its staff four times
in the last year, with attendance by area and sex.

Run after the territory demo (the municipality and its areas). Idempotent: a municipality with
trainings is skipped. Dates are relative to today.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.territory.models import Area, Level, OrgUnit
from ronda.training import services
from ronda.training.models import Topic, TrainingSession

MUNICIPALITY = "EC-1101"

# (days ago, topic, subject, hours, trainer, {area name: (women, men, other)})
TRAININGS = [
    (
        300,
        Topic.RIGHTS,
        "Enfoque de derechos en el servicio municipal",
        "8",
        "UNICEF Ecuador",
        {"Niñez y Adolescencia": (6, 2, 0), "Educación": (5, 3, 0), "Salud": (4, 1, 0)},
    ),
    (
        200,
        Topic.PROTECTION,
        "Ruta de protección ante violencia",
        "6",
        "Junta Cantonal de Protección de Derechos",
        {"Niñez y Adolescencia": (5, 2, 0), "Deportes y Recreación": (2, 6, 0), "Cultura": (3, 2, 1)},
    ),
    (
        120,
        Topic.PARTICIPATION,
        "Consulta a niñas, niños y adolescentes",
        "4",
        "Consejo Cantonal de la Niñez",
        {"Desarrollo Social": (4, 2, 0), "Educación": (6, 1, 0)},
    ),
    (
        30,
        Topic.OTHER,
        "Protocolo de salvaguarda y código de conducta",
        "3",
        "Ana Torres, psicóloga",
        {"Obras Públicas": (1, 7, 0), "Salud": (5, 2, 0), "Deportes y Recreación": (1, 4, 0)},
    ),
]


def load_demo() -> None:
    municipality = OrgUnit.objects.filter(code=MUNICIPALITY, level=Level.MUNICIPALITY).first()
    if municipality is None or TrainingSession.objects.filter(municipality=municipality).exists():
        return
    today = timezone.localdate()
    areas = {a.name: a for a in Area.objects.filter(org_unit=municipality)}
    for days, topic, subject, hours, trainer, attendance in TRAININGS:
        services.record_training(
            actor=SYSTEM,
            municipality=municipality,
            held_on=today - dt.timedelta(days=days),
            topic=topic,
            topic_detail=subject,
            hours=Decimal(hours),
            trainer=trainer,
            attendance={areas[name]: services.Counts(*counts) for name, counts in attendance.items() if name in areas},
        )
