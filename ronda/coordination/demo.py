"""Demo coordination bodies for Loja (EC-1101) and San José (CR-101), written through the services.

Idempotent: a municipality that already has a body is left alone. Dates are relative to today,
so the demo always shows a year of work: six meetings (minutes approved at the next one, the
latest still in draft), agreements fulfilled on time, late, overdue and still open, and one
questionnaire round. Needs ``ronda.portal.demo.load_demo()`` first (areas, institutions, users).

The questionnaire answers are honest about where they come from: they are transcriptions of
paper questionnaires (``services.record_paper_response``) of members who have no Ronda user.
The members linked to demo users (coord.loja, focal.loja, tecnico.loja, coord.sanjose) have not
answered, so whoever tries the demo can answer the round on screen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ronda.accounts.models import User
from ronda.coordination import services
from ronda.coordination.models import (
    AgreementStatus,
    AttendanceStatus,
    BodyMember,
    CoordinationBody,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    MemberLevel,
    QuestionnaireRound,
)
from ronda.coordination.questionnaire import ITEM_KEYS
from ronda.core.tenancy import SYSTEM
from ronda.territory.models import Area, Institution, OrgUnit

P, T = MemberLevel.POLITICAL, MemberLevel.TECHNICAL


@dataclass(frozen=True)
class Place:
    code: str
    body_name: str
    hall: str
    coordinator: str  # username of the demo coordinator, author of the follow-up notes
    institution: str
    # (full name, area name or None for the institution, level, position, username or "")
    members: tuple[tuple[str, str | None, str, str, str], ...]
    former: tuple[str, str, str, str]  # a member who left the body


LOJA = Place(
    code="EC-1101",
    body_name="Mesa Técnica Cantonal de Niñez y Adolescencia de Loja",
    hall="Sala de sesiones del Concejo Municipal de Loja",
    coordinator="coord.loja",
    institution="Junta Cantonal de Protección de Derechos de Loja",
    members=(
        ("Carmen Jaramillo", "Niñez y Adolescencia", T, "Coordinadora de la Mesa Técnica", "coord.loja"),
        ("Luis Torres Valdivieso", "Niñez y Adolescencia", P, "Concejal presidente de la Comisión de Niñez", ""),
        ("Fernando Ochoa", "Salud", T, "Director de Salud", "focal.loja"),
        ("Tomás Ríos", "Planificación", T, "Técnico de planificación", "tecnico.loja"),
        ("Jorge Bailón", "Desarrollo Social", P, "Concejal delegado de Desarrollo Social", ""),
        ("María Elena Castillo", "Educación", T, "Jefa de Educación", ""),
        ("Patricio Aguirre", "Deportes y Recreación", T, "Coordinador de Deportes", ""),
        ("Lucía Ordóñez", "Cultura", P, "Directora de Cultura", ""),
        ("Rodrigo Espinosa", "Obras Públicas", T, "Ingeniero de espacios públicos", ""),
        ("Gabriela Armijos", "Hacienda", T, "Analista de presupuesto", ""),
        ("Verónica Celi", "Seguridad Ciudadana", T, "Jefa de Seguridad Ciudadana", ""),
        ("Andrea Paladines", "Comunicación", T, "Comunicadora institucional", ""),
        ("Diana Cabrera", None, T, "Miembro principal de la Junta Cantonal", ""),
    ),
    former=("Pablo Jiménez", "Hacienda", T, "Director financiero (hasta su traslado)"),
)

SAN_JOSE = Place(
    code="CR-101",
    body_name="Comisión Técnica Cantonal de Niñez y Adolescencia de San José",
    hall="Salón de sesiones, Palacio Municipal de San José",
    coordinator="coord.sanjose",
    institution="Junta de Protección de la Niñez y la Adolescencia de San José",
    members=(
        ("Laura Vargas", "Niñez y Adolescencia", T, "Coordinadora de la Oficina de Niñez", "coord.sanjose"),
        ("Marco Solís Chaves", "Niñez y Adolescencia", P, "Regidor, Comisión de Asuntos Sociales", ""),
        ("Daniela Jiménez", "Salud", T, "Encargada de Salud Municipal", ""),
        ("Ricardo Araya", "Desarrollo Social", P, "Vicealcalde, Desarrollo Humano", ""),
        ("Mónica Quesada", "Educación", T, "Gestora de Educación", ""),
        ("Esteban Rojas", "Deportes y Recreación", T, "Coordinador del Comité de Deportes", ""),
        ("Adriana Mora", "Cultura", T, "Gestora cultural", ""),
        ("José Pablo Alfaro", "Obras Públicas", T, "Ingeniero de parques", ""),
        ("Karla Brenes", "Hacienda", T, "Analista financiera", ""),
        ("Óscar Calderón", "Seguridad Ciudadana", T, "Subjefe de la Policía Municipal", ""),
        ("Natalia Cordero", "Planificación", T, "Planificadora urbana", ""),
        ("Silvia Ramírez", None, T, "Representante de la Junta de Protección", ""),
    ),
    former=("Andrés Porras", "Comunicación", T, "Periodista municipal (hasta su renuncia)"),
)

# Six meetings over the last year: (days ago, kind, mode, with the protection commission).
MEETINGS = (
    (340, MeetingKind.ORDINARY, MeetingMode.IN_PERSON, False),
    (280, MeetingKind.ORDINARY, MeetingMode.VIRTUAL, False),
    (210, MeetingKind.EXTRAORDINARY, MeetingMode.IN_PERSON, True),
    (150, MeetingKind.ORDINARY, MeetingMode.IN_PERSON, False),
    (75, MeetingKind.URGENT, MeetingMode.VIRTUAL, True),
    (12, MeetingKind.ORDINARY, MeetingMode.IN_PERSON, False),
)

AGENDAS = (
    ("Aprobación del acta anterior", "Seguimiento de acuerdos", "Diagnóstico de la situación de la niñez"),
    ("Aprobación del acta anterior", "Presupuesto participativo para la niñez", "Informe del Consejo de Niñez"),
    ("Casos de trabajo infantil en mercados", "Coordinación con la Junta de Protección", "Plan de respuesta"),
    ("Aprobación del acta anterior", "Avance del plan local", "Espacios seguros de juego", "Varios"),
    ("Aumento de deserción escolar en el sector norte", "Medidas inmediatas", "Responsables y plazos"),
    ("Aprobación del acta anterior", "Seguimiento de acuerdos", "Preparación del informe semestral"),
)

MINUTES = (
    "Se instaló la sesión con quórum. La coordinación presentó el diagnóstico de la situación de la niñez y la "
    "adolescencia del cantón. Las áreas coincidieron en priorizar la prevención de la violencia y la "
    "permanencia escolar, y en levantar información por comunidad.",
    "Sesión virtual. Hacienda explicó el techo presupuestario para proyectos de niñez. El Consejo de Niñez "
    "presentó sus propuestas sobre parques y transporte escolar. Se acordó analizarlas en comisión.",
    "Sesión extraordinaria convocada por la Comisión de Protección ante varios casos de trabajo infantil en "
    "mercados municipales. La Junta de Protección informó de las medidas tomadas. Se definió un plan conjunto.",
    "Se revisó el avance del plan local. Obras Públicas presentó el diseño de tres espacios seguros de juego. "
    "Se señalaron retrasos en los acuerdos de Salud y Seguridad, que se comprometieron a ponerse al día.",
    "Sesión urgente por el aumento de la deserción escolar en el sector norte. Educación presentó los datos. "
    "Se acordaron visitas a las familias y un plan de retorno escolar con plazos cortos.",
    "Se revisó el estado de los acuerdos y se distribuyeron las tareas para el informe semestral al Consejo "
    "Cantonal. La coordinación recordó el cuestionario anónimo sobre el funcionamiento de la mesa.",
)

# Per meeting: (agreement, owner area, owner is the area's member too, days after the meeting due, outcome)
# Outcomes: on_time, late (fulfilled after the due date), overdue (still open), open, cancelled.
AGREEMENTS = (
    (
        (
            "Levantar la línea base de niñas y niños fuera del sistema escolar por comunidad",
            "Educación",
            True,
            45,
            "on_time",
        ),
        ("Incluir la variable de discapacidad en las fichas de atención de salud", "Salud", True, 60, "late"),
        (
            "Elaborar la ruta cantonal de atención a la violencia contra la niñez",
            "Niñez y Adolescencia",
            False,
            90,
            "overdue",
        ),
    ),
    (
        ("Presentar el detalle del presupuesto destinado a la niñez", "Hacienda", True, 30, "on_time"),
        ("Responder por escrito a las propuestas del Consejo de Niñez", "Niñez y Adolescencia", True, 60, "on_time"),
        ("Organizar un festival deportivo en el parque central", "Deportes y Recreación", False, 40, "cancelled"),
    ),
    (
        ("Operativo conjunto de verificación en mercados municipales", "Seguridad Ciudadana", True, 30, "late"),
        ("Campaña de comunicación contra el trabajo infantil", "Comunicación", True, 45, "overdue"),
        ("Inscribir a las familias identificadas en programas de apoyo", "Desarrollo Social", True, 60, "on_time"),
    ),
    (
        ("Diseño final de tres espacios seguros de juego", "Obras Públicas", True, 30, "on_time"),
        ("Plan de control de niño sano en las comunidades rurales", "Salud", True, 60, "late"),
        ("Mapa de puntos inseguros en los trayectos escolares", "Seguridad Ciudadana", False, 90, "overdue"),
        ("Agenda cultural de vacaciones para niñas, niños y adolescentes", "Cultura", True, 100, "on_time"),
    ),
    (
        ("Visitar a las familias de los estudiantes que abandonaron la escuela", "Educación", True, 30, "overdue"),
        ("Informe de casos derivados a la Junta de Protección", "Niñez y Adolescencia", True, 45, "on_time"),
        ("Incluir el plan de retorno escolar en el presupuesto del próximo año", "Planificación", True, 120, "open"),
    ),
    (
        ("Consolidar los avances de cada área para el informe semestral", "Planificación", True, 30, "open"),
        ("Presentar el informe semestral al Consejo Cantonal", "Niñez y Adolescencia", True, 60, "open"),
        ("Actualizar el registro de vacunación de niñas y niños de 0 a 5 años", "Salud", True, 5, "overdue"),
    ),
)

PAPER_ANSWERS: tuple[tuple[tuple[int, ...], dict[str, str]], ...] = (
    (
        (4, 4, 3, 4, 3, 4, 3, 4, 3, 2),
        {"methodology": "Enviar el orden del día con una semana de anticipación."},
    ),
    (
        (5, 4, 4, 3, 2, 3, 3, 3, 2, 2),
        {"commitment": "Algunas áreas envían a personas distintas a cada sesión."},
    ),
    ((4, 5, 4, 4, 3, 4, 4, 4, 3, 3), {}),
    (
        (3, 3, 2, 4, 3, 3, 2, 3, 3, 2),
        {"environment": "Falta confianza para hablar de los retrasos.", "commitment": "Hacienda debe participar más."},
    ),
)


def _local(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _members(body: CoordinationBody, place: Place, since: datetime.date) -> list[BodyMember]:
    unit = body.org_unit
    areas = {a.name: a for a in Area.objects.filter(org_unit=unit)}
    institution = Institution.objects.filter(name=place.institution).first()
    created = []
    for i, (name, area_name, level, position, username) in enumerate(place.members):
        area = areas.get(area_name) if area_name else None
        if area is None and (area_name or institution is None):
            continue
        user = User.objects.filter(username=username).first() if username else None
        created.append(
            services.add_member(
                actor=SYSTEM,
                body=body,
                full_name=name,
                area=area,
                institution=None if area else institution,
                level=level,
                position=position,
                email=f"mesa{i + 1}@{unit.code.lower()}.demo.ronda.invalid",
                phone="",
                user=user,
                start_date=since,
                end_date=None,
            )
        )
    name, area_name, level, position = place.former
    if area_name in areas:
        services.add_member(
            actor=SYSTEM,
            body=body,
            full_name=name,
            area=areas[area_name],
            level=level,
            position=position,
            start_date=since,
            end_date=timezone.localdate() - datetime.timedelta(days=120),
        )
    return created


def _outcome(outcome: str, due: datetime.date, today: datetime.date) -> tuple[str, datetime.date | None]:
    if outcome == "on_time":
        return AgreementStatus.DONE, min(due - datetime.timedelta(days=5), today)
    if outcome == "late":
        return AgreementStatus.DONE, min(due + datetime.timedelta(days=12), today)
    if outcome == "cancelled":
        return AgreementStatus.CANCELLED, None
    if outcome == "overdue":
        return AgreementStatus.IN_PROGRESS, None
    return AgreementStatus.PENDING, None


def _meetings(body: CoordinationBody, place: Place, members: list[BodyMember], commissions: list) -> None:
    today = timezone.localdate()
    by_area = {m.area.name: m for m in reversed(members) if m.area is not None}
    author = User.objects.filter(username=place.coordinator).first()
    held: list[Meeting] = []
    for index, (days_ago, kind, mode, protection) in enumerate(MEETINGS):
        day = today - datetime.timedelta(days=days_ago)
        meeting = services.schedule_meeting(
            actor=SYSTEM,
            body=body,
            kind=kind,
            mode=mode,
            scheduled_at=_local(day, 9 if mode == MeetingMode.IN_PERSON else 15),
            place=place.hall if mode == MeetingMode.IN_PERSON else "",
            link="https://meet.example.org/mesa-ninez" if mode == MeetingMode.VIRTUAL else "",
            commission=commissions[1] if protection else None,
            status=MeetingStatus.SCHEDULED,
        )
        for n, title in enumerate(AGENDAS[index]):
            presenter = members[(index + n) % len(members)]
            services.add_agenda_item(
                actor=SYSTEM, meeting=meeting, title=title, presenter=presenter, minutes_allotted=15 + 5 * (n % 3)
            )
        statuses: dict[int, str] = {}
        for n, attendee in enumerate(members):
            cycle = (n + index) % 9
            statuses[attendee.pk] = (
                AttendanceStatus.ABSENT
                if cycle == 0
                else AttendanceStatus.EXCUSED
                if cycle == 4
                else AttendanceStatus.PRESENT
            )
        meeting = services.record_attendance(actor=SYSTEM, meeting=meeting, expected_version=None, statuses=statuses)
        meeting = services.save_minutes(
            actor=SYSTEM, meeting=meeting, expected_version=None, minutes_text=MINUTES[index]
        )
        for text, area_name, with_member, due_in, outcome in AGREEMENTS[index]:
            area = Area.objects.filter(org_unit=body.org_unit, name=area_name).first()
            member = by_area.get(area_name) if with_member else None
            if area is None and member is None:
                continue
            due = day + datetime.timedelta(days=due_in)
            status, completed_on = _outcome(outcome, due, today)
            if outcome == "overdue" and due >= today:
                due = today - datetime.timedelta(days=3)
            agreement = services.create_agreement(
                actor=SYSTEM,
                body=body,
                meeting=meeting,
                text=text,
                owner_area=area,
                owner_member=member,
                due_date=due,
                status=status,
                completed_on=completed_on,
            )
            if author is not None and outcome in {"overdue", "late"}:
                services.add_agreement_note(
                    actor=SYSTEM,
                    agreement=agreement,
                    author=author,
                    text="Se pidió al área un informe de avance y una nueva fecha de entrega."
                    if outcome == "overdue"
                    else "Cumplido con retraso: el área explicó que faltaba personal.",
                )
        if held:
            services.approve_minutes(actor=SYSTEM, meeting=held[-1], expected_version=None, approved_at=meeting)
        held.append(meeting)
    upcoming = services.schedule_meeting(
        actor=SYSTEM,
        body=body,
        kind=MeetingKind.ORDINARY,
        mode=MeetingMode.IN_PERSON,
        scheduled_at=_local(today + datetime.timedelta(days=20)),
        place=place.hall,
    )
    for n, title in enumerate(("Aprobación del acta anterior", "Resultados del cuestionario", "Informe semestral")):
        services.add_agenda_item(actor=SYSTEM, meeting=upcoming, title=title, presenter=members[n], minutes_allotted=20)


def _paper_answers(body: CoordinationBody, round_: QuestionnaireRound, members: list[BodyMember], count: int) -> None:
    on_paper = [m for m in members if m.user_id is None][:count]
    area_ids = services.questionnaire_area_ids(body)
    for n, (member, (values, comments)) in enumerate(zip(on_paper, PAPER_ANSWERS, strict=False)):
        likert: dict[str, int] = dict(zip(ITEM_KEYS, values, strict=True))
        for k, area_id in enumerate(area_ids):
            if (k + n) % 3:  # nobody rates every area
                likert[f"area_{area_id}"] = 2 + (k + n) % 4
        services.record_paper_response(actor=SYSTEM, round_=round_, member=member, likert=likert, comments=comments)


def _questionnaire(body: CoordinationBody, members: list[BodyMember]) -> None:
    """Last year's round, closed, with its results; this year's, open, with a few paper answers
    (results appear only once a round is closed)."""
    today = timezone.localdate()
    last_year = services.open_round(
        actor=SYSTEM,
        body=body,
        title=f"Funcionamiento de la mesa {today.year - 1}",
        opened_on=today - datetime.timedelta(days=380),
        closes_on=today - datetime.timedelta(days=340),
    )
    _paper_answers(body, last_year, members, len(PAPER_ANSWERS))
    services.close_round(actor=SYSTEM, round_=last_year, expected_version=None)
    round_ = services.open_round(
        actor=SYSTEM,
        body=body,
        title=f"Funcionamiento de la mesa {today.year}",
        opened_on=today - datetime.timedelta(days=20),
        closes_on=today + datetime.timedelta(days=25),
    )
    _paper_answers(body, round_, members, len(PAPER_ANSWERS) - 1)


def _load(place: Place) -> CoordinationBody | None:
    unit = OrgUnit.objects.filter(code=place.code).first()
    if unit is None or CoordinationBody.objects.filter(org_unit=unit).exists():
        return None
    today = timezone.localdate()
    body = services.create_body(
        actor=SYSTEM,
        org_unit=unit,
        name=place.body_name,
        established_on=today - datetime.timedelta(days=3 * 365),
        safeguarding_protocol="Las niñas, niños y adolescentes que participan en las sesiones lo hacen con "
        "autorización de sus familias y acompañados por personal de la Junta de Protección.",
    )
    members = _members(body, place, today - datetime.timedelta(days=2 * 365))
    commissions = [
        services.create_commission(
            actor=SYSTEM,
            body=body,
            name="Comisión de Educación, Cultura y Deporte",
            purpose="Permanencia escolar, cultura y recreación.",
            members=[m for m in members if m.area and m.area.name in {"Educación", "Cultura", "Deportes y Recreación"}],
        ),
        services.create_commission(
            actor=SYSTEM,
            body=body,
            name="Comisión de Protección",
            purpose="Prevención de la violencia y coordinación con la Junta de Protección.",
            members=[
                m
                for m in members
                if m.area is None
                or m.area.name in {"Niñez y Adolescencia", "Salud", "Desarrollo Social", "Seguridad Ciudadana"}
            ],
        ),
    ]
    _meetings(body, place, members, commissions)
    _questionnaire(body, members)
    return body


@transaction.atomic
def load_demo() -> None:
    for place in (LOJA, SAN_JOSE):
        _load(place)
