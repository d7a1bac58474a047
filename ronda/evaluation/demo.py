"""Demo data of the evaluation (issue #13 item 12): a participatory mid-term evaluation of Loja's
(EC-1101) plan, completed and published, with each strategic line assessed against its live progress
and four recommendations for the rest of the plan and the next one.

The demo has no earlier, finished plan: the mid-term evaluation leaves the plan in execution (only a
final or ex-post evaluation marks it evaluated). Run after the planning demo. Idempotent: a plan that
already has an evaluation is left alone. No report PDF: a report is made by a job for a person, and
the loader is the system (a coordinator asks for it on the evaluation's page).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.evaluation import services
from ronda.evaluation.models import Evaluation, EvaluationKind, Rating, Timing
from ronda.planning import contracts as planning_contracts

# The demo loader needs the plan row itself to attach the evaluation to (services take the model);
# the pages and the API reach it through planning.policies instead.
from ronda.planning.models import LocalPlan
from ronda.territory.models import Level, OrgUnit

MUNICIPALITY = "EC-1101"

COMMENTS: dict[str, str] = {
    Rating.ACHIEVED: "Las medidas de la línea avanzan según lo previsto y las familias reconocen los cambios.",
    Rating.PARTLY: "Hay avances, pero desiguales entre parroquias: las rurales reciben menos servicios.",
    Rating.NOT_ACHIEVED: "La línea está retrasada: faltan presupuesto ejecutado y coordinación entre áreas.",
}

RECOMMENDATIONS = [
    (
        "Llevar los servicios de la línea retrasada a las parroquias rurales",
        "Priorizar en el próximo año las parroquias rurales, con brigadas móviles y transporte.",
        "high",
        "services",
        "short",
    ),
    (
        "Ejecutar el presupuesto asignado antes del tercer trimestre",
        "Acordar con Hacienda un calendario de ejecución y revisarlo en cada sesión de la mesa.",
        "high",
        "equity",
        "short",
    ),
    (
        "Dar seguimiento en el consejo de niñez a las propuestas de los talleres",
        "Que el consejo reciba cada semestre la respuesta a lo que propusieron niñas, niños y adolescentes.",
        "medium",
        "participation",
        "medium",
    ),
    (
        "Medir el uso de los espacios de juego recuperados",
        "Añadir un indicador de uso de parques y canchas, con datos por sexo y edad.",
        "low",
        "family",
        "long",
    ),
]


def _rating(progress: Decimal | None) -> str:
    if progress is None or progress < Decimal("30"):
        return Rating.NOT_ACHIEVED
    return Rating.ACHIEVED if progress >= Decimal("70") else Rating.PARTLY


def load_demo() -> None:
    unit = OrgUnit.objects.filter(code=MUNICIPALITY, level=Level.MUNICIPALITY).first()
    if unit is None:
        return
    facts = planning_contracts.published_plan(unit)
    if facts is None:
        return  # the planning demo has not run
    plan = LocalPlan.objects.select_related("org_unit").get(pk=facts.pk)
    if Evaluation.objects.filter(plan_id=plan.pk).exists():
        return
    today = timezone.localdate()
    evaluation = services.create_evaluation(
        actor=SYSTEM,
        plan=plan,
        title=f"Evaluación intermedia participativa del plan de {unit.name}",
        kind=EvaluationKind.PARTICIPATORY,
        timing=Timing.MIDTERM,
        purpose="Saber si el plan avanza hacia sus objetivos a mitad de su periodo y corregir lo necesario.",
        questions=[
            "¿Avanzan las medidas al ritmo previsto?",
            "¿Llegan los servicios a las parroquias rurales?",
            "¿Qué opinan niñas, niños y adolescentes de lo que cambió?",
        ],
        starts_on=today - dt.timedelta(days=75),
        ends_on=today - dt.timedelta(days=30),
        evaluation_team="Dirección de Planificación y equipo técnico de la mesa cantonal",
        participants="Áreas municipales, junta cantonal de protección, unidades educativas y el consejo de niñez.",
        adult_participants=46,
        children_0_5=0,
        children_6_11=38,
        children_12_17=52,
        methodology="Revisión de los avances registrados, seis grupos focales y dos talleres con el consejo de niñez.",
        summary=(
            "A mitad de su periodo, el plan avanza en la mayoría de sus líneas. Las medidas de servicios "
            "esenciales llegan más a la zona urbana que a las parroquias rurales."
        ),
        conclusions=(
            "El plan es pertinente y la mesa cantonal lo sigue. Hace falta ejecutar antes el presupuesto y "
            "llevar los servicios a las parroquias rurales."
        ),
        lessons="Los talleres con niñas, niños y adolescentes dieron las propuestas más concretas.",
    )
    progress = planning_contracts.plan_progress(plan)
    items = []
    for line in progress.lines:
        rating = _rating(line.progress)
        items.append(services.AssessmentInput(rating=rating, comment=COMMENTS[rating], line_id=line.line.pk))
    services.save_assessments(actor=SYSTEM, evaluation=evaluation, items=items)
    for title, description, priority, goal_area, horizon in RECOMMENDATIONS:
        services.add_recommendation(
            actor=SYSTEM,
            evaluation=evaluation,
            title=title,
            description=description,
            priority=priority,
            goal_area=goal_area,
            horizon=horizon,
        )
    evaluation = services.complete_evaluation(actor=SYSTEM, evaluation=evaluation, expected_version=None)
    services.publish_evaluation(actor=SYSTEM, evaluation=evaluation, expected_version=None)
