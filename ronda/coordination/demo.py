"""Demo coordination bodies for Loja (EC-1101) and San José (CR-101), written through the services.

Idempotent: a municipality that already has a body is left alone. Dates are relative to today,
so the demo always shows a year of work: six meetings (minutes approved at the next one, the
latest still in draft), agreements fulfilled on time, late, overdue and still open, and one
questionnaire round. Needs ``ronda.portal.demo.load_demo()`` first (areas, institutions, users).

Members, agreement owners and agenda presenters name an area by its kind (the finance area is
"Hacienda" in San José and the "Dirección Financiera" in Loja). Each agenda item is presented by
the member of the area it is about (the budget by finance, the children's council report by the
childhood area); the procedural items (minutes, follow-up, any other business) by the coordinator.
Texts that differ by country (the protection board, who receives the half-yearly report) are
written whole for each one, keyed by the country code.

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
from ronda.coordination.services import convocation
from ronda.core.tenancy import SYSTEM
from ronda.territory.models import Area, AreaKind, Institution, OrgUnit

P, T = MemberLevel.POLITICAL, MemberLevel.TECHNICAL
K = AreaKind
# The presenter of an agenda item the coordinator presents (minutes, follow-up, any other business).
COORDINATOR = "coordinator"
# Who presents it: an area kind, COORDINATOR, or INSTITUTION (the protection board's member).
INSTITUTION = "institution"


@dataclass(frozen=True)
class Place:
    code: str
    body_name: str
    hall: str
    coordinator: str  # username of the demo coordinator, author of the follow-up notes
    institution: str
    country: str
    # (full name, area kind or None for the institution, level, position, username or "")
    members: tuple[tuple[str, str | None, str, str, str], ...]
    former: tuple[str, str, str, str]  # a member who left the body


LOJA = Place(
    code="EC-1101",
    body_name="Mesa Técnica Cantonal de Niñez y Adolescencia de Loja",
    hall="Sala de sesiones del Concejo Municipal de Loja",
    coordinator="coord.loja",
    institution="Junta Cantonal de Protección de Derechos de Loja",
    country="EC",
    members=(
        ("Carmen Jaramillo", K.CHILDHOOD, T, "Coordinadora de la Mesa Técnica", "coord.loja"),
        ("Luis Torres Valdivieso", K.CHILDHOOD, P, "Concejal presidente de la Comisión de Niñez", ""),
        ("Fernando Ochoa", K.HEALTH, T, "Director de Salud", "focal.loja"),
        ("Tomás Ríos", K.PLANNING, T, "Técnico de planificación", "tecnico.loja"),
        ("Jorge Bailón", K.SOCIAL, P, "Concejal delegado de Desarrollo Social", ""),
        ("María Elena Castillo", K.EDUCATION, T, "Jefa de Educación", ""),
        ("Patricio Aguirre", K.SPORTS, T, "Coordinador de Deportes", ""),
        ("Lucía Ordóñez", K.CULTURE, P, "Directora de Cultura", ""),
        ("Rodrigo Espinosa", K.PUBLIC_WORKS, T, "Ingeniero de espacios públicos", ""),
        ("Gabriela Armijos", K.FINANCE, T, "Analista de presupuesto de la Dirección Financiera", ""),
        ("Verónica Celi", K.SECURITY, T, "Jefa de Seguridad Ciudadana", ""),
        ("Andrea Paladines", K.COMMUNICATION, T, "Comunicadora institucional", ""),
        ("Diana Cabrera", None, T, "Miembro principal de la Junta Cantonal", ""),
    ),
    former=("Pablo Jiménez", K.FINANCE, T, "Director financiero (hasta su traslado)"),
)

SAN_JOSE = Place(
    code="CR-101",
    body_name="Comisión Técnica Cantonal de Niñez y Adolescencia de San José",
    hall="Salón de sesiones, Palacio Municipal de San José",
    coordinator="coord.sanjose",
    institution="Junta de Protección de la Niñez y la Adolescencia de San José",
    country="CR",
    members=(
        ("Laura Vargas", K.CHILDHOOD, T, "Coordinadora de la Oficina de Niñez", "coord.sanjose"),
        ("Marco Solís Chaves", K.CHILDHOOD, P, "Regidor, Comisión de Asuntos Sociales", ""),
        ("Daniela Jiménez", K.HEALTH, T, "Encargada de Salud Municipal", ""),
        ("Ricardo Araya", K.SOCIAL, P, "Vicealcalde, Desarrollo Humano", ""),
        ("Mónica Quesada", K.EDUCATION, T, "Gestora de Educación", ""),
        ("Esteban Rojas", K.SPORTS, T, "Coordinador del Comité de Deportes", ""),
        ("Adriana Mora", K.CULTURE, T, "Gestora cultural", ""),
        ("José Pablo Alfaro", K.PUBLIC_WORKS, T, "Ingeniero de parques", ""),
        ("Karla Brenes", K.FINANCE, T, "Analista financiera de Hacienda", ""),
        ("Óscar Calderón", K.SECURITY, T, "Subjefe de la Policía Municipal", ""),
        ("Natalia Cordero", K.PLANNING, T, "Planificadora urbana", ""),
        ("Silvia Ramírez", None, T, "Representante de la Junta de Protección", ""),
    ),
    former=("Andrés Porras", K.COMMUNICATION, T, "Periodista municipal (hasta su renuncia)"),
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

# Per meeting: (title, who presents it). A text may differ by country ({"EC": …, "CR": …}).
AGENDAS: tuple[tuple[tuple[str | dict[str, str], str], ...], ...] = (
    (
        ("Aprobación del acta anterior", COORDINATOR),
        ("Seguimiento de acuerdos", COORDINATOR),
        ("Diagnóstico de la situación de la niñez", K.PLANNING),
    ),
    (
        ("Aprobación del acta anterior", COORDINATOR),
        ("Presupuesto participativo para la niñez", K.FINANCE),
        ("Informe del Consejo de Niñez", K.CHILDHOOD),
    ),
    (
        ("Casos de trabajo infantil en mercados", K.SOCIAL),
        (
            {
                "EC": "Coordinación con la Junta Cantonal de Protección de Derechos",
                "CR": "Coordinación con la Junta de Protección de la Niñez y la Adolescencia",
            },
            INSTITUTION,
        ),
        ("Plan de respuesta", COORDINATOR),
    ),
    (
        ("Aprobación del acta anterior", COORDINATOR),
        ("Avance del plan local", K.PLANNING),
        ("Espacios seguros de juego", K.PUBLIC_WORKS),
        ("Varios", COORDINATOR),
    ),
    (
        ("Aumento de deserción escolar en el sector norte", K.EDUCATION),
        ("Medidas inmediatas", K.EDUCATION),
        ("Responsables y plazos", COORDINATOR),
    ),
    (
        ("Aprobación del acta anterior", COORDINATOR),
        ("Seguimiento de acuerdos", COORDINATOR),
        ("Preparación del informe semestral", K.PLANNING),
    ),
)
UPCOMING_AGENDA = (
    ("Aprobación del acta anterior", COORDINATOR),
    ("Resultados del cuestionario", COORDINATOR),
    ("Informe semestral", K.PLANNING),
)

MINUTES: tuple[str | dict[str, str], ...] = (
    "Se instaló la sesión con quórum. La coordinación presentó el diagnóstico de la situación de la niñez y la "
    "adolescencia del cantón. Las áreas coincidieron en priorizar la prevención de la violencia y la "
    "permanencia escolar, y en levantar información por comunidad.",
    {
        "EC": "Sesión virtual. La Dirección Financiera explicó el techo presupuestario para proyectos de niñez en la "
        "proforma presupuestaria. El Consejo Consultivo presentó sus propuestas sobre parques y transporte "
        "escolar. Se acordó analizarlas en comisión.",
        "CR": "Sesión virtual. Hacienda explicó el techo presupuestario para proyectos de niñez en el presupuesto "
        "ordinario. El Consejo Participativo presentó sus propuestas sobre parques y transporte escolar. Se "
        "acordó analizarlas en comisión.",
    },
    {
        "EC": "Sesión extraordinaria convocada por la Comisión de Protección ante varios casos de trabajo infantil "
        "en mercados municipales. La Junta Cantonal de Protección de Derechos informó de las medidas "
        "administrativas dictadas. Se definió un plan conjunto.",
        "CR": "Sesión extraordinaria convocada por la Comisión de Protección ante varios casos de trabajo infantil "
        "en mercados municipales. La oficina local del PANI informó de las medidas de protección dictadas. "
        "Se definió un plan conjunto.",
    },
    "Se revisó el avance del plan local. Obras Públicas presentó el diseño de tres espacios seguros de juego. "
    "Se señalaron retrasos en los acuerdos de Salud y Seguridad, que se comprometieron a ponerse al día.",
    "Sesión urgente por el aumento de la deserción escolar en el sector norte. Educación presentó los datos. "
    "Se acordaron visitas a las familias y un plan de retorno escolar con plazos cortos.",
    {
        "EC": "Se revisó el estado de los acuerdos y se distribuyeron las tareas para el informe semestral al "
        "Consejo Cantonal de Protección de Derechos. La coordinación recordó el cuestionario anónimo sobre el "
        "funcionamiento de la mesa.",
        "CR": "Se revisó el estado de los acuerdos y se distribuyeron las tareas para el informe semestral al "
        "Concejo Municipal. La coordinación recordó el cuestionario anónimo sobre el funcionamiento de la "
        "comisión.",
    },
)

# Per meeting: (agreement, owner area kind, owner is the area's member too, days after the meeting due, outcome)
# Outcomes: on_time, late (fulfilled after the due date), overdue (still open), open, cancelled.
AGREEMENTS = (
    (
        (
            "Levantar la línea base de niñas y niños fuera del sistema escolar por comunidad",
            K.EDUCATION,
            True,
            45,
            "on_time",
        ),
        ("Incluir la variable de discapacidad en las fichas de atención de salud", K.HEALTH, True, 60, "late"),
        (
            "Elaborar la ruta cantonal de atención a la violencia contra la niñez",
            K.CHILDHOOD,
            False,
            90,
            "overdue",
        ),
    ),
    (
        ("Presentar el detalle del presupuesto destinado a la niñez", K.FINANCE, True, 30, "on_time"),
        ("Responder por escrito a las propuestas del Consejo de Niñez", K.CHILDHOOD, True, 60, "on_time"),
        ("Organizar un festival deportivo en el parque central", K.SPORTS, False, 40, "cancelled"),
    ),
    (
        ("Operativo conjunto de verificación en mercados municipales", K.SECURITY, True, 30, "late"),
        ("Campaña de comunicación contra el trabajo infantil", K.COMMUNICATION, True, 45, "overdue"),
        ("Inscribir a las familias identificadas en programas de apoyo", K.SOCIAL, True, 60, "on_time"),
    ),
    (
        ("Diseño final de tres espacios seguros de juego", K.PUBLIC_WORKS, True, 30, "on_time"),
        (
            {
                "EC": "Plan de control de niño sano en las parroquias rurales",
                "CR": "Plan de control de crecimiento y desarrollo con los EBAIS de Pavas y Hatillo",
            },
            K.HEALTH,
            True,
            60,
            "late",
        ),
        ("Mapa de puntos inseguros en los trayectos escolares", K.SECURITY, False, 90, "overdue"),
        ("Agenda cultural de vacaciones para niñas, niños y adolescentes", K.CULTURE, True, 100, "on_time"),
    ),
    (
        ("Visitar a las familias de los estudiantes que abandonaron la escuela", K.EDUCATION, True, 30, "overdue"),
        ("Informe de casos derivados a la Junta de Protección", K.CHILDHOOD, True, 45, "on_time"),
        ("Incluir el plan de retorno escolar en el presupuesto del próximo año", K.PLANNING, True, 120, "open"),
    ),
    (
        ("Consolidar los avances de cada área para el informe semestral", K.PLANNING, True, 30, "open"),
        (
            {
                "EC": "Presentar el informe semestral al Consejo Cantonal de Protección de Derechos",
                "CR": "Presentar el informe semestral al Concejo Municipal",
            },
            K.CHILDHOOD,
            True,
            60,
            "open",
        ),
        ("Actualizar el registro de vacunación de niñas y niños de 0 a 5 años", K.HEALTH, True, 5, "overdue"),
    ),
)

# The agreements that name the place's protection board as co-responsible (issue #13 item 6): the
# board's focal point sees and follows them up.
WITH_THE_BOARD = frozenset(
    {
        "Elaborar la ruta cantonal de atención a la violencia contra la niñez",
        "Informe de casos derivados a la Junta de Protección",
    }
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


def _say(text: str | dict[str, str], place: Place) -> str:
    return text[place.country] if isinstance(text, dict) else text


def _local(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _members(body: CoordinationBody, place: Place, since: datetime.date) -> list[BodyMember]:
    unit = body.org_unit
    areas = {a.kind: a for a in Area.objects.filter(org_unit=unit)}
    institution = Institution.objects.filter(name=place.institution).first()
    created = []
    for i, (name, area_kind, level, position, username) in enumerate(place.members):
        area = areas.get(area_kind) if area_kind else None
        if area is None and (area_kind or institution is None):
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
    name, area_kind, level, position = place.former
    if area_kind in areas:
        services.add_member(
            actor=SYSTEM,
            body=body,
            full_name=name,
            area=areas[area_kind],
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


def _presenter(topic: str, members: list[BodyMember]) -> BodyMember:
    """The member who presents an item on ``topic``: the coordinator (the first member), the
    protection board's member, or the technical member of the area (its political one if none)."""
    if topic == COORDINATOR:
        return members[0]
    if topic == INSTITUTION:
        return next((m for m in members if m.area is None), members[0])
    of_area = [m for m in members if m.area is not None and m.area.kind == topic]
    technical = [m for m in of_area if m.level == MemberLevel.TECHNICAL]
    return (technical or of_area or members[:1])[0]


def _meetings(body: CoordinationBody, place: Place, members: list[BodyMember], commissions: list) -> None:
    today = timezone.localdate()
    by_area = {m.area.kind: m for m in reversed(members) if m.area is not None}
    author = User.objects.filter(username=place.coordinator).first()
    board = Institution.objects.filter(name=place.institution).first()
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
        # Who must be there: whoever presents an item, owns one of its agreements, chairs or takes
        # the minutes (an absent member presenting would contradict the minutes).
        secretary = next(m for m in members[1:] if m.level == MemberLevel.TECHNICAL)
        needed = {members[0].pk, secretary.pk}
        for n, (title, topic) in enumerate(AGENDAS[index]):
            presenter = _presenter(topic, members)
            needed.add(presenter.pk)
            services.add_agenda_item(
                actor=SYSTEM,
                meeting=meeting,
                title=_say(title, place),
                presenter=presenter,
                minutes_allotted=15 + 5 * (n % 3),
            )
        for _agreement, area_kind, with_member, _due, _result in AGREEMENTS[index]:
            if with_member and area_kind in by_area:
                needed.add(by_area[area_kind].pk)
        statuses: dict[int, str] = {}
        for n, attendee in enumerate(members):
            cycle = (n + index) % 9
            statuses[attendee.pk] = (
                AttendanceStatus.PRESENT
                if attendee.pk in needed
                else AttendanceStatus.ABSENT
                if cycle == 0
                else AttendanceStatus.EXCUSED
                if cycle == 4
                else AttendanceStatus.PRESENT
            )
        meeting = services.record_attendance(actor=SYSTEM, meeting=meeting, expected_version=None, statuses=statuses)
        start = datetime.time(9 if mode == MeetingMode.IN_PERSON else 15, 10)
        meeting = services.save_minutes(
            actor=SYSTEM,
            meeting=meeting,
            expected_version=None,
            minutes_text=_say(MINUTES[index], place),
            started_at=start,
            ended_at=datetime.time(start.hour + 2, 5 * (index % 6)),
            chaired_by=members[0],
            recorded_by=secretary,
        )
        for text, area_kind, with_member, due_in, outcome in AGREEMENTS[index]:
            area = Area.objects.filter(org_unit=body.org_unit, kind=area_kind).first()
            member = by_area.get(area_kind) if with_member else None
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
                text=_say(text, place),
                owner_area=area,
                owner_member=member,
                due_date=due,
                status=status,
                completed_on=completed_on,
                institutions=[board] if board is not None and _say(text, place) in WITH_THE_BOARD else [],
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
        objectives="Revisar el avance del plan local en el semestre y acordar las prioridades del presupuesto "
        "de niñez del próximo año.",
    )
    for title, topic in UPCOMING_AGENDA:
        services.add_agenda_item(
            actor=SYSTEM, meeting=upcoming, title=title, presenter=_presenter(topic, members), minutes_allotted=20
        )
    # Invited, not yet convened: whoever tries the demo sends the convocation (and sees the e-mails).
    convocation.invite_members(actor=SYSTEM, meeting=upcoming, members=[m for m in members if m.end_date is None])
    convocation.invite_guest(
        actor=SYSTEM,
        meeting=upcoming,
        name="Patricia Armijos",
        organisation="Fundación Niñez Primero",
        email="patricia.armijos@example.org",
    )


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
        f"autorización de sus familias y acompañados por personal de la {place.institution}.",
    )
    members = _members(body, place, today - datetime.timedelta(days=2 * 365))
    commissions = [
        services.create_commission(
            actor=SYSTEM,
            body=body,
            name="Comisión de Educación, Cultura y Deporte",
            purpose="Permanencia escolar, cultura y recreación.",
            members=[m for m in members if m.area and m.area.kind in {K.EDUCATION, K.CULTURE, K.SPORTS}],
        ),
        services.create_commission(
            actor=SYSTEM,
            body=body,
            name="Comisión de Protección",
            purpose="Prevención de la violencia y coordinación con la Junta de Protección.",
            members=[
                m for m in members if m.area is None or m.area.kind in {K.CHILDHOOD, K.HEALTH, K.SOCIAL, K.SECURITY}
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
