"""Demo data of the consultations (issue #13 item 10): Loja (EC-1101) keeps a map of ten social
actors and has recorded four consultations — a school, families, the children's council (in one of
its sessions) and the associations of a parish — citing findings of its diagnosis and measures of its
plan where the planning demo loaded them.

Run after the territory, planning and council demos (``INSTALLED_APPS`` order). Idempotent: a
municipality with actors on its map is skipped. Dates are relative to today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ronda.consultations import policies, services
from ronda.consultations.models import SocialActor
from ronda.core.tenancy import SYSTEM
from ronda.territory.models import Level, OrgUnit

MUNICIPALITY = "EC-1101"

# (name, kind, role, interest, influence, relationship, contact name, phone, e-mail)
ACTORS = [
    (
        "Junta Cantonal de Protección de Derechos de Loja",
        "public",
        "Dicta medidas de protección y vigila la restitución de derechos.",
        "high",
        "high",
        "ally",
        "Dra. Carmen Ludeña",
        "07 257 0421",
        "junta.proteccion@loja.gob.ec",
    ),
    (
        "Distrito de Educación 11D01",
        "public",
        "Coordina las unidades educativas del cantón; abre las escuelas a los talleres.",
        "high",
        "high",
        "ally",
        "Lic. Jorge Cueva",
        "07 258 1100",
        "",
    ),
    (
        "Centro de Salud Tipo C Loja",
        "public",
        "Control de niño sano y vacunación; datos de desnutrición infantil.",
        "medium",
        "high",
        "collaborator",
        "",
        "07 257 3300",
        "",
    ),
    (
        "Unidad Educativa Bernardo Valdivieso",
        "school",
        "Gobierno estudiantil y docentes que acompañan las consultas a estudiantes.",
        "high",
        "medium",
        "ally",
        "Rectorado",
        "",
        "",
    ),
    (
        "Fundación Niñez y Familia del Sur",
        "ngo",
        "Acompaña a familias en situación de calle; talleres de crianza positiva.",
        "high",
        "low",
        "ally",
        "María José Paladines",
        "099 321 4455",
        "contacto@ninezyfamilia.example.org",
    ),
    (
        "Comité barrial de San Sebastián",
        "community",
        "Organiza a las familias del barrio; gestiona el parque y las fiestas.",
        "medium",
        "low",
        "neutral",
        "",
        "",
        "",
    ),
    (
        "Cámara de Comercio de Loja",
        "company",
        "Podría auspiciar espacios de juego y pasantías; aún no se ha sumado.",
        "low",
        "high",
        "to_engage",
        "",
        "07 257 0000",
        "",
    ),
    (
        "UNICEF Ecuador, oficina de campo",
        "cooperation",
        "Asistencia técnica para la certificación y el diagnóstico.",
        "medium",
        "medium",
        "collaborator",
        "",
        "",
        "",
    ),
    (
        "Pastoral Social de la Diócesis de Loja",
        "faith",
        "Comedores comunitarios y catequesis con niñas y niños de las parroquias rurales.",
        "medium",
        "medium",
        "neutral",
        "",
        "",
        "",
    ),
    (
        "Cooperativa de transporte urbano",
        "company",
        "Transporte escolar; ha objetado los controles de seguridad en las paradas.",
        "low",
        "medium",
        "resistant",
        "",
        "",
        "",
    ),
]


def _first(rows: list[Any], **match: str) -> list[Any]:
    for row in rows:
        if all(getattr(row, key) == value for key, value in match.items()):
            return [row]
    return rows[:1]


def load_demo() -> None:
    municipality = OrgUnit.objects.filter(code=MUNICIPALITY, level=Level.MUNICIPALITY).first()
    if municipality is None:
        return  # the territory demo has not been loaded
    if SocialActor.objects.filter(municipality=municipality).exists():
        return
    today = timezone.localdate()
    actors = {}
    for name, kind, role, interest, influence, relationship, contact, phone, email in ACTORS:
        actors[name] = services.record_actor(
            actor=SYSTEM,
            municipality=municipality,
            name=name,
            kind=kind,
            role=role,
            interest=interest,
            influence=influence,
            relationship=relationship,
            contact_name=contact,
            contact_phone=phone,
            contact_email=email,
        )
    findings = list(policies.citable_findings(SYSTEM, municipality).order_by("id"))
    measures = list(policies.citable_measures(SYSTEM, municipality).order_by("code", "id"))
    session = policies.citable_sessions(SYSTEM, municipality).filter(held_on__lte=today).order_by("-held_on").first()
    services.record_consultation(
        actor=SYSTEM,
        municipality=municipality,
        held_on=today - dt.timedelta(days=120),
        title="¿Cómo llegamos a la escuela?",
        audience="school",
        method="workshop",
        participants="Estudiantes de séptimo a décimo año y sus docentes tutores.",
        girls_12_17=34,
        boys_12_17=29,
        girls_6_11=12,
        boys_6_11=15,
        adults=6,
        summary=(
            "Piden veredas iluminadas y un cruce seguro frente a la escuela; dicen que los buses escolares "
            "los dejan lejos de la puerta y que en la parada no hay quién los cuide."
        ),
        response=(
            "La Dirección de Obras incluyó el cruce peatonal en el plan de 2026 y la Junta pidió a la "
            "cooperativa de transporte respetar las paradas acordadas."
        ),
        answered_by="Mesa Cantonal de Infancia",
        answered_on=today - dt.timedelta(days=60),
        status="answered",
        findings=_first(findings, goal_area="environment"),
        measures=measures[:1],
        actors=[actors["Unidad Educativa Bernardo Valdivieso"], actors["Distrito de Educación 11D01"]],
    )
    services.record_consultation(
        actor=SYSTEM,
        municipality=municipality,
        held_on=today - dt.timedelta(days=75),
        title="Crianza y cuidado en los primeros años",
        audience="families",
        method="survey",
        participants="Madres, padres y cuidadores de los centros de desarrollo infantil del cantón.",
        adults=148,
        summary=(
            "La mayoría pide más horarios en los centros de desarrollo infantil y controles de salud sin "
            "largas esperas; muchas familias no conocen la ruta para denunciar la violencia."
        ),
        findings=_first(findings, goal_area="services"),
        measures=measures[1:2],
        actors=[actors["Fundación Niñez y Familia del Sur"], actors["Centro de Salud Tipo C Loja"]],
    )
    services.record_consultation(
        actor=SYSTEM,
        municipality=municipality,
        held_on=session.held_on if session is not None else today - dt.timedelta(days=40),
        title="Espacios para jugar en los barrios",
        audience="children_council",
        method="assembly",
        participants="Consejeras y consejeros del Consejo Cantonal de Niñez y Adolescencia.",
        girls_6_11=4,
        boys_6_11=3,
        girls_12_17=5,
        boys_12_17=4,
        adults=2,
        summary=(
            "Proponen abrir las canchas de las escuelas los fines de semana y que los parques tengan "
            "juegos para niñas y niños con discapacidad."
        ),
        response="La Alcaldía respondió por escrito: se abrirán dos canchas piloto desde el próximo trimestre.",
        answered_by="Alcaldía de Loja",
        answered_on=today,
        status="closed",
        council_session=session,
        findings=_first(findings, goal_area="family"),
    )
    services.record_consultation(
        actor=SYSTEM,
        municipality=municipality,
        held_on=today - dt.timedelta(days=20),
        title="Seguridad en el barrio San Sebastián",
        audience="associations",
        method="assembly",
        participants="Directiva del comité barrial y vecinas y vecinos.",
        adults=41,
        summary="Reclaman iluminación en el parque y patrullajes a la salida de las escuelas.",
        actors=[actors["Comité barrial de San Sebastián"]],
    )
