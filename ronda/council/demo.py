"""Demo data of the children's council for Loja (EC-1101) and San José (CR-101).

Run after ``ronda.portal.demo.load_demo()`` (it needs the municipalities, communities and areas).
Idempotent: each part (members, sessions, requests, accountability) is loaded only while the
council has none of it. Dates are relative to today, so the demo always looks current.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.council import services
from ronda.council.models import ChildrenCouncil, CouncilAgeBand, CouncilSession, RequestKind, RequestStatus
from ronda.planning.choices import GoalArea
from ronda.territory.models import Area, Level, OrgUnit

A = CouncilAgeBand


@dataclass(frozen=True)
class DemoRequest:
    title: str
    description: str
    kind: str
    goal_area: str
    area: str
    received_days_ago: int
    session: int | None  # index into the sessions, oldest first
    status: str
    answer: str = ""
    answered_days_ago: int | None = None
    implemented_days_ago: int | None = None


@dataclass(frozen=True)
class DemoCouncil:
    code: str
    name: str
    established_days_ago: int
    # (first name, age band, community code suffix, joined days ago, left days ago)
    members: list[tuple[str, str, str, int, int | None]]
    # (days ago, place, topics, children present)
    sessions: list[tuple[int, str, str, int]]
    requests: list[DemoRequest]
    # (days ago, summary, children's questions, children present)
    accountability: list[tuple[int, str, str, int]]


LOJA = DemoCouncil(
    code="EC-1101",
    name="Consejo Consultivo Cantonal de Niñas, Niños y Adolescentes de Loja",
    established_days_ago=760,
    members=[
        ("Valentina", A.AGE_13_15, "01", 420, None),
        ("Mateo", A.AGE_10_12, "02", 420, None),
        ("Camila", A.AGE_16_17, "03", 420, None),
        ("Santiago", A.AGE_13_15, "05", 380, None),
        ("Isabella", A.AGE_6_9, "07", 300, None),
        ("Sebastián", A.AGE_10_12, "12", 300, None),
        ("Emilia", A.AGE_16_17, "13", 250, None),
        ("Joaquín", A.AGE_13_15, "01", 250, None),
        ("Renata", A.AGE_10_12, "04", 180, None),
        ("Thiago", A.AGE_6_9, "02", 120, None),
        ("Doménica", A.AGE_16_17, "05", 700, 60),
    ],
    sessions=[
        (
            330,
            "Casa de la Juventud de Loja",
            "Bienvenida a los nuevos integrantes. Cómo llegamos a la escuela: caminos, buses y seguridad. "
            "Qué nos gustaría cambiar en la biblioteca municipal.",
            9,
        ),
        (
            235,
            "Unidad Educativa Bernardo Valdivieso",
            "Transporte escolar desde las comunidades rurales. Salud de los adolescentes: a dónde ir cuando "
            "necesitamos ayuda.",
            8,
        ),
        (
            140,
            "Parque Recreacional Jipiro",
            "Espacios para jugar y hacer deporte. Agua en las canchas. Jugar en la calle los domingos.",
            10,
        ),
        (
            40,
            "Salón de la Ciudad, Municipio de Loja",
            "Caminos oscuros al volver de la escuela. Parques para todos los niños y niñas, también con "
            "discapacidad. Preparación de la rendición de cuentas.",
            9,
        ),
    ],
    requests=[
        DemoRequest(
            title="Más luz en el camino a la escuela en Zamora Huayco",
            description="Cuando salimos de la escuela en invierno ya está oscuro. El camino junto a la quebrada "
            "no tiene luz y nos da miedo. Pedimos que pongan lámparas.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.ENVIRONMENT,
            area="Seguridad Ciudadana",
            received_days_ago=40,
            session=3,
            status=RequestStatus.UNDER_STUDY,
        ),
        DemoRequest(
            title="Juegos inclusivos en el parque de Motupe",
            description="Proponemos columpios y juegos que puedan usar los niños y niñas en silla de ruedas. "
            "Ahora solo pueden mirar cómo jugamos los demás.",
            kind=RequestKind.PROPOSAL,
            goal_area=GoalArea.EQUITY,
            area="Obras Públicas",
            received_days_ago=40,
            session=3,
            status=RequestStatus.RECEIVED,
        ),
        DemoRequest(
            title="Talleres de música los sábados",
            description="Proponemos talleres gratuitos de guitarra y percusión los sábados por la mañana, "
            "en la Casa de la Juventud.",
            kind=RequestKind.PROPOSAL,
            goal_area=GoalArea.FAMILY,
            area="Cultura",
            received_days_ago=12,
            session=None,
            status=RequestStatus.RECEIVED,
        ),
        DemoRequest(
            title="Charlas sobre salud mental en los colegios",
            description="Muchos compañeros se sienten tristes o con ansiedad y no saben a quién contarle. "
            "Pedimos charlas en los colegios y un lugar donde pedir ayuda.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.SERVICES,
            area="Salud",
            received_days_ago=20,
            session=None,
            status=RequestStatus.UNDER_STUDY,
        ),
        DemoRequest(
            title="Bebederos de agua en las canchas de Jipiro",
            description="Cuando jugamos fútbol no hay agua para tomar. Pedimos bebederos en las canchas.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.SERVICES,
            area="Deportes y Recreación",
            received_days_ago=140,
            session=2,
            status=RequestStatus.ACCEPTED,
            answer="¡Sí! Vamos a poner dos bebederos de agua en las canchas de Jipiro. "
            "El área de Deportes los instalará antes de las vacaciones. "
            "Gracias por pensar en la salud de todos.",
            answered_days_ago=120,
        ),
        DemoRequest(
            title="Un bus escolar para las comunidades rurales",
            description="Los niños y niñas de Motupe y Capulí caminamos más de una hora para llegar a la escuela. "
            "Pedimos un bus escolar.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.SERVICES,
            area="Planificación",
            received_days_ago=235,
            session=1,
            status=RequestStatus.PARTLY_ACCEPTED,
            answer="Sí, en parte. Un bus nuevo cuesta mucho dinero y este año no alcanza. "
            "Pero vamos a cambiar la ruta del bus que ya existe. "
            "Desde el próximo mes pasará por Motupe y Capulí a las 6:30. "
            "En la próxima sesión les contamos cómo va.",
            answered_days_ago=190,
        ),
        DemoRequest(
            title="Cerrar la calle del mercado los domingos para jugar",
            description="Proponemos cerrar la calle del mercado los domingos para jugar y andar en bicicleta.",
            kind=RequestKind.PROPOSAL,
            goal_area=GoalArea.FAMILY,
            area="Seguridad Ciudadana",
            received_days_ago=140,
            session=2,
            status=RequestStatus.REJECTED,
            answer="Esta vez no podemos cerrar esa calle. "
            "Los domingos llegan muchos camiones con comida al mercado y sería peligroso jugar ahí. "
            "Pero sí vamos a abrir el patio de la escuela de al lado, los domingos de 9 a 13. "
            "Ahí pueden jugar y andar en bicicleta sin peligro.",
            answered_days_ago=115,
        ),
        DemoRequest(
            title="Una rampa para entrar a la biblioteca municipal",
            description="La biblioteca solo tiene escaleras. Un compañero en silla de ruedas no puede entrar. "
            "Pedimos una rampa.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.EQUITY,
            area="Obras Públicas",
            received_days_ago=330,
            session=0,
            status=RequestStatus.IMPLEMENTED,
            answer="¡Sí! La biblioteca tendrá una rampa. "
            "Así todos los niños y niñas podrán entrar, también quienes usan silla de ruedas. "
            "Obras Públicas la construirá en los próximos meses.",
            answered_days_ago=310,
            implemented_days_ago=200,
        ),
        DemoRequest(
            title="Un programa de los niños y niñas en la radio municipal",
            description="Proponemos tener un programa en la radio municipal hecho por nosotros, "
            "para contar lo que pasa en las escuelas y comunidades.",
            kind=RequestKind.PROPOSAL,
            goal_area=GoalArea.PARTICIPATION,
            area="Comunicación",
            received_days_ago=330,
            session=0,
            status=RequestStatus.IMPLEMENTED,
            answer="¡Sí! Tendrán media hora cada sábado en la radio municipal. "
            "Ustedes eligen los temas. "
            "El equipo de Comunicación les enseñará a usar los micrófonos.",
            answered_days_ago=280,
            implemented_days_ago=150,
        ),
        DemoRequest(
            title="Atención de salud amigable para adolescentes",
            description="Cuando vamos al centro de salud nos atienden rápido y sin explicarnos. "
            "Pedimos un horario para adolescentes, con personal que nos escuche.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.SERVICES,
            area="Salud",
            received_days_ago=235,
            session=1,
            status=RequestStatus.ACCEPTED,
            answer="¡Sí! Los centros de salud tendrán un horario solo para adolescentes. "
            "Será los miércoles por la tarde. "
            "El personal los va a escuchar con calma. "
            "Lo que cuenten será privado.",
            answered_days_ago=200,
        ),
    ],
    accountability=[
        (
            200,
            "La mesa cantonal contó cómo avanzan los pedidos del consejo: la rampa de la biblioteca ya está en "
            "construcción y el programa de radio empieza el próximo mes. Explicó por qué no alcanza el dinero "
            "para un bus nuevo y qué se hará en su lugar.",
            "¿Cuándo estará lista la rampa? ¿Podemos elegir el nombre del programa de radio? "
            "¿Quién decide en qué se gasta el dinero del municipio?",
            9,
        ),
        (
            30,
            "La mesa cantonal presentó el avance del plan local de niñez: bebederos instalados, horario de salud "
            "para adolescentes y nuevas luminarias en estudio. Reconoció que dos pedidos están atrasados y se "
            "comprometió a responder este mes.",
            "¿Por qué se atrasó la respuesta de los juegos inclusivos? ¿Podemos visitar la obra de las luminarias?",
            10,
        ),
    ],
)

SAN_JOSE = DemoCouncil(
    code="CR-101",
    name="Consejo Participativo de Niñez y Adolescencia de San José",
    established_days_ago=900,
    members=[
        ("Ximena", A.AGE_13_15, "01", 450, None),
        ("Josué", A.AGE_16_17, "02", 450, None),
        ("Fiorella", A.AGE_10_12, "03", 400, None),
        ("Keylor", A.AGE_13_15, "04", 400, None),
        ("Mariana", A.AGE_6_9, "05", 320, None),
        ("Dylan", A.AGE_10_12, "01", 320, None),
        ("Ashley", A.AGE_16_17, "02", 260, None),
        ("Jimena", A.AGE_13_15, "05", 260, None),
        ("Esteban", A.AGE_10_12, "03", 150, None),
        ("Naomi", A.AGE_6_9, "04", 100, None),
        ("Yerlin", A.AGE_16_17, "01", 720, 90),
    ],
    sessions=[
        (
            330,
            "Biblioteca Municipal de San José",
            "Conectividad para hacer las tareas. Seguridad cerca de las escuelas.",
            8,
        ),
        (
            235,
            "Escuela República de Chile, Merced",
            "Transporte para ir al colegio. Acoso en las redes sociales.",
            9,
        ),
        (
            140,
            "Casa de la Cultura de Zapote",
            "Deporte y recreación en el cantón. Espacios para patinar.",
            7,
        ),
        (
            40,
            "Palacio Municipal, Salón de Sesiones",
            "Seguridad al cruzar la línea del tren. Parques limpios. Preparación de la rendición de cuentas.",
            10,
        ),
    ],
    requests=[
        DemoRequest(
            title="Más iluminación en el paso de la línea del tren",
            description="Para llegar al colegio cruzamos la línea del tren por un paso muy oscuro. "
            "Pedimos más luz y una caseta de seguridad.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.ENVIRONMENT,
            area="Seguridad Ciudadana",
            received_days_ago=40,
            session=3,
            status=RequestStatus.UNDER_STUDY,
        ),
        DemoRequest(
            title="Basureros de reciclaje en los parques",
            description="Los parques de Hospital y Catedral tienen mucha basura. Proponemos basureros "
            "para reciclar y una campaña hecha por nosotros.",
            kind=RequestKind.PROPOSAL,
            goal_area=GoalArea.ENVIRONMENT,
            area="Obras Públicas",
            received_days_ago=40,
            session=3,
            status=RequestStatus.RECEIVED,
        ),
        DemoRequest(
            title="Festival de talentos en el Parque Central",
            description="Proponemos un festival una vez al año para mostrar lo que sabemos hacer: "
            "bailar, cantar, pintar y hacer teatro.",
            kind=RequestKind.PROPOSAL,
            goal_area=GoalArea.PARTICIPATION,
            area="Cultura",
            received_days_ago=8,
            session=None,
            status=RequestStatus.RECEIVED,
        ),
        DemoRequest(
            title="Psicología para adolescentes en los EBAIS",
            description="Pedimos que en los EBAIS haya una persona de psicología para adolescentes, "
            "con citas que no choquen con el horario del colegio.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.SERVICES,
            area="Salud",
            received_days_ago=18,
            session=None,
            status=RequestStatus.UNDER_STUDY,
        ),
        DemoRequest(
            title="Horario ampliado de la piscina municipal",
            description="La piscina cierra a las 4 y salimos del colegio a esa hora. "
            "Pedimos que abra hasta las 7 de la noche.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.FAMILY,
            area="Deportes y Recreación",
            received_days_ago=140,
            session=2,
            status=RequestStatus.ACCEPTED,
            answer="¡Sí! Desde el próximo mes la piscina abrirá hasta las 7 de la noche. "
            "Será de lunes a viernes. "
            "Solo necesitan su carné de estudiante.",
            answered_days_ago=118,
        ),
        DemoRequest(
            title="Becas de transporte para estudiantes",
            description="Muchas familias no pueden pagar el bus todos los días. "
            "Pedimos ayuda para el pasaje de los estudiantes.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.EQUITY,
            area="Desarrollo Social",
            received_days_ago=235,
            session=1,
            status=RequestStatus.PARTLY_ACCEPTED,
            answer="Sí, en parte. No alcanza para dar becas a todos. "
            "Este año habrá 200 becas de transporte. "
            "Primero para quienes viven más lejos o tienen menos dinero en casa. "
            "Pueden pedirla en su colegio.",
            answered_days_ago=195,
        ),
        DemoRequest(
            title="Pista de patinaje en la Plaza de la Cultura",
            description="Proponemos convertir una parte de la Plaza de la Cultura en pista de patinaje.",
            kind=RequestKind.PROPOSAL,
            goal_area=GoalArea.FAMILY,
            area="Deportes y Recreación",
            received_days_ago=140,
            session=2,
            status=RequestStatus.REJECTED,
            answer="Esta vez no se puede. La plaza es patrimonio de todos y no se puede cambiar. "
            "Pero el gimnasio del polideportivo estará abierto para patinar los viernes por la tarde. "
            "¡Los esperamos!",
            answered_days_ago=112,
        ),
        DemoRequest(
            title="Señales de tránsito cerca de las escuelas",
            description="Los carros pasan muy rápido frente a las escuelas de Merced y Carmen. "
            "Pedimos señales y reductores de velocidad.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.ENVIRONMENT,
            area="Seguridad Ciudadana",
            received_days_ago=330,
            session=0,
            status=RequestStatus.IMPLEMENTED,
            answer="¡Sí! Vamos a poner señales y reductores de velocidad frente a cuatro escuelas. "
            "También habrá una persona que ayude a cruzar en la mañana.",
            answered_days_ago=305,
            implemented_days_ago=220,
        ),
        DemoRequest(
            title="Internet gratis en la biblioteca municipal",
            description="Muchos no tenemos internet en la casa para hacer las tareas. "
            "Pedimos internet gratis en la biblioteca.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.SERVICES,
            area="Comunicación",
            received_days_ago=330,
            session=0,
            status=RequestStatus.IMPLEMENTED,
            answer="¡Sí! La biblioteca tendrá internet gratis. "
            "También habrá diez computadoras para hacer las tareas. "
            "Abre de lunes a sábado.",
            answered_days_ago=285,
            implemented_days_ago=170,
        ),
        DemoRequest(
            title="Talleres contra el acoso en las redes sociales",
            description="En las redes sociales hay mucho acoso y no sabemos qué hacer. "
            "Pedimos talleres para estudiantes y para las familias.",
            kind=RequestKind.REQUEST,
            goal_area=GoalArea.PARTICIPATION,
            area="Niñez y Adolescencia",
            received_days_ago=235,
            session=1,
            status=RequestStatus.ACCEPTED,
            answer="¡Sí! Habrá talleres en los colegios sobre cómo cuidarse en las redes. "
            "También habrá talleres para las familias. "
            "Ustedes pueden ayudar a prepararlos.",
            answered_days_ago=199,
        ),
    ],
    accountability=[
        (
            210,
            "La Municipalidad informó sobre las señales frente a las escuelas, ya instaladas, y sobre el "
            "internet de la biblioteca. Explicó cómo se repartirán las becas de transporte.",
            "¿Cuántas becas hay para cada distrito? ¿Podemos ayudar a escoger el lugar de las señales nuevas?",
            8,
        ),
        (
            25,
            "Se presentó el avance de los pedidos del consejo y del plan cantonal de niñez. "
            "La Municipalidad reconoció que dos respuestas están atrasadas.",
            "¿Cuándo nos responden lo de la línea del tren? ¿Podemos hacer la campaña de reciclaje en las escuelas?",
            10,
        ),
    ],
)

COUNCILS = [LOJA, SAN_JOSE]


def _days_ago(days: int | None) -> dt.date | None:
    return None if days is None else timezone.localdate() - dt.timedelta(days=days)


def _date(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _council(spec: DemoCouncil, municipality: OrgUnit) -> ChildrenCouncil:
    existing = ChildrenCouncil.objects.filter(org_unit=municipality).first()
    if existing is not None:
        return existing
    return services.create_council(
        actor=SYSTEM,
        org_unit=municipality,
        name=spec.name,
        established_on=_date(spec.established_days_ago),
        response_days=30,
    )


def _members(spec: DemoCouncil, council: ChildrenCouncil) -> None:
    if council.members.exists():
        return
    for first_name, age_band, suffix, joined, left in spec.members:
        community = OrgUnit.objects.filter(code=f"{spec.code}-{suffix}", level=Level.COMMUNITY).first()
        services.add_member(
            actor=SYSTEM,
            council=council,
            first_name=first_name,
            age_band=age_band,
            community=community,
            guardian_consent_on=_date(joined + 7),
            joined_on=_date(joined),
            left_on=_days_ago(left),
        )


def _sessions(spec: DemoCouncil, council: ChildrenCouncil) -> list[CouncilSession]:
    if not council.sessions.exists():
        for days, place, topics, attendees in spec.sessions:
            services.record_session(
                actor=SYSTEM, council=council, held_on=_date(days), place=place, topics=topics, attendees=attendees
            )
    return list(council.sessions.order_by("held_on", "id"))


def _requests(spec: DemoCouncil, council: ChildrenCouncil, sessions: list[CouncilSession]) -> None:
    if council.requests.exists():
        return
    for item in spec.requests:
        area = Area.objects.get(org_unit=council.org_unit, name=item.area)
        session = sessions[item.session] if item.session is not None and item.session < len(sessions) else None
        created = services.create_request(
            actor=SYSTEM,
            council=council,
            kind=item.kind,
            title=item.title,
            description=item.description,
            goal_area=item.goal_area,
            routed_area=area,
            session=session,
            received_on=_date(item.received_days_ago),
        )
        steps: list[tuple[str, str | None, dt.date | None]] = []
        if item.status == RequestStatus.UNDER_STUDY:
            steps.append((RequestStatus.UNDER_STUDY, None, None))
        elif item.status != RequestStatus.RECEIVED:
            answered = RequestStatus.ACCEPTED if item.status == RequestStatus.IMPLEMENTED else item.status
            steps.append((RequestStatus.UNDER_STUDY, None, _date(item.received_days_ago)))
            steps.append((answered, item.answer, _days_ago(item.answered_days_ago)))
            if item.status == RequestStatus.IMPLEMENTED:
                steps.append((RequestStatus.IMPLEMENTED, None, _days_ago(item.implemented_days_ago)))
        for status, answer, on in steps:
            created = services.transition_request(
                actor=SYSTEM, council_request=created, expected_version=None, status=status, answer=answer, on=on
            )


def _accountability(spec: DemoCouncil, council: ChildrenCouncil) -> None:
    if council.accountability_sessions.exists():
        return
    for days, summary, questions, attendees in spec.accountability:
        services.record_accountability_session(
            actor=SYSTEM,
            council=council,
            held_on=_date(days),
            summary=summary,
            children_questions=questions,
            attendees=attendees,
        )


@transaction.atomic
def load_demo() -> None:
    for spec in COUNCILS:
        municipality = OrgUnit.objects.filter(code=spec.code, level=Level.MUNICIPALITY).first()
        if municipality is None:
            continue  # the territory demo has not been loaded
        council = _council(spec, municipality)
        _members(spec, council)
        sessions = _sessions(spec, council)
        _requests(spec, council, sessions)
        _accountability(spec, council)
