"""Demo data of the self-assessment and the pilots (issue #13 items 14 and 15): Loja (EC-1101) has a
programme team of four, two self-assessment rounds a year apart against the default checklist (the
second better, with gaps left), and one pilot project in its design stage for its most critical
improvement opportunity, accompanied by two mentors.

Run after the territory, accounts, Tablero and planning demos. Idempotent: a municipality with a
round is skipped. Dates are relative to today, so the demo always looks current.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ronda.accounts.models import User
from ronda.core.tenancy import SYSTEM
from ronda.improvement import services
from ronda.improvement.models import AssessmentRound, ProgrammeRole
from ronda.territory.models import Area, Level, OrgUnit

MUNICIPALITY = "EC-1101"

# (full name, role, area name or None, profile, e-mail, Ronda user or None, days in the team)
TEAM = [
    (
        "Carmen Jaramillo",
        ProgrammeRole.COORDINATOR,
        None,
        "Trabajadora social; coordina la mesa técnica cantonal.",
        "carmen.jaramillo@example.org",
        "coord.loja",
        420,
    ),
    (
        "Fernando Ochoa",
        ProgrammeRole.TECHNICAL,
        "Salud",
        "Médico familiar; controles de niño sano y nutrición.",
        "fernando.ochoa@example.org",
        "focal.loja",
        400,
    ),
    ("Gabriela Montaño", ProgrammeRole.TECHNICAL, "Educación", "Educadora inicial; CDI del cantón.", "", None, 390),
    ("Julio Paladines", ProgrammeRole.FACILITATOR, None, "Facilitador del programa; datos y tableros.", "", None, 380),
]

# Levels of the default criteria (by code) in the first and in the second round.
FIRST = {"E1": 1, "E2": 0, "D1": 1, "D2": 0, "P1": 0, "P2": 1, "C1": 2, "C2": 1, "Q1": 1, "Q2": 2, "L1": 1, "L2": 1}
SECOND = {"E1": 2, "E2": 1, "D1": 2, "D2": 1, "P1": 1, "P2": 1, "C1": 3, "C2": 2, "Q1": 1, "Q2": 2, "L1": 2, "L2": 2}
EVIDENCE = {
    "E1": "Resolución de conformación del equipo de primera infancia.",
    "D2": "Tablero de Gestión Social con indicadores definidos; carga de datos parcial.",
    "C1": "Actas de la mesa técnica cantonal con seguimiento de acuerdos.",
}


def _score(assessment: AssessmentRound, levels: dict[str, int]) -> None:
    criteria = services.scorable_criteria(assessment)
    services.record_scores(
        actor=SYSTEM,
        assessment=assessment,
        expected_version=None,
        scores={c: services.ScoreInput(levels[c.code], EVIDENCE.get(c.code, "")) for c in criteria if c.code in levels},
    )


def load_demo() -> None:
    municipality = OrgUnit.objects.filter(code=MUNICIPALITY, level=Level.MUNICIPALITY).first()
    if municipality is None:
        return  # the territory demo has not been loaded
    if AssessmentRound.objects.filter(municipality=municipality).exists():
        return
    today = timezone.localdate()
    areas = {a.name: a for a in Area.objects.filter(org_unit=municipality)}
    users = {u.username: u for u in User.objects.filter(username__in=[t[5] for t in TEAM if t[5]])}
    team = [
        services.add_member(
            actor=SYSTEM,
            municipality=municipality,
            full_name=name,
            programme_role=role,
            area=areas.get(area) if area else None,
            profile=profile,
            email=email,
            user=users.get(username) if username else None,
            from_date=today - dt.timedelta(days=days),
        )
        for name, role, area, profile, email, username, days in TEAM
    ]
    first = services.create_round(
        actor=SYSTEM,
        municipality=municipality,
        held_on=today - dt.timedelta(days=380),
        title=f"Autoevaluación {(today - dt.timedelta(days=380)).year}",
        participants=team[:3],
        other_participants="Dirección de Planificación; Hacienda municipal",
    )
    _score(first, FIRST)
    second = services.create_round(
        actor=SYSTEM,
        municipality=municipality,
        held_on=today - dt.timedelta(days=15),
        title=f"Autoevaluación {(today - dt.timedelta(days=15)).year}",
        participants=team,
        other_participants="Dirección de Planificación",
    )
    _score(second, SECOND)
    analysis = municipality.situation_analyses.order_by("-period_start", "-id").first()  # type: ignore[attr-defined]
    opportunity = analysis.opportunities.order_by("criticality", "id").first() if analysis is not None else None
    if opportunity is None:
        return  # the planning demo has not been loaded
    pilot = services.create_pilot(
        actor=SYSTEM,
        municipality=municipality,
        opportunity=opportunity,
        title="Visitas de crianza en los primeros mil días",
        summary="Prototipo co-diseñado con mentores: visitas domiciliarias de acompañamiento a la crianza para "
        "familias con niñas y niños de 0 a 3 años en dos parroquias rurales.",
        team=team[:3],
    )
    for name, organisation, expertise in (
        ("Elena Cabrera", "Universidad Técnica Particular de Loja", "Desarrollo infantil temprano"),
        ("Ricardo Aguirre", "Red de Innovación Local", "Diseño de políticas públicas y medición de impacto"),
    ):
        services.add_mentor(actor=SYSTEM, pilot=pilot, full_name=name, organisation=organisation, expertise=expertise)
    indicator = services.usable_indicators(municipality).filter(goal_area="services").first()
    if indicator is not None:
        services.link_result(
            actor=SYSTEM, pilot=pilot, indicator=indicator, expected_change="Mejora en las dos parroquias del piloto."
        )
